"""Mask the personal identifiers inside free text (messages, complaints, printed outputs).

The scanner (:mod:`workbench.ethics._scan`) counts identifiers; this module rewrites a
text with each one replaced by its masked form (:func:`workbench.ethics._rules.mask`).
It applies the same rules (:data:`workbench.ethics._rules.RULES`) with Python's ``re``
(their RE2 patterns are valid Python patterns) and the same check digits
(:mod:`workbench.ethics._checkdigits`), so a value is masked exactly when the scanner would
report it in that text. Rules that need a column name (a bare name under 성명) have no
column here and are not applied.

A text with no candidate is returned after one search of the union of all patterns;
:func:`mask_texts` makes that first search one Arrow pass over all the texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.ethics import _checkdigits as cd
from workbench.ethics._rules import RULES, KindRule, mask

__all__ = ["mask_text", "mask_texts"]

# A pattern's edges consume the character next to a match, so the second of two
# identifiers separated by one space is found by a second pass; a pass changes only
# what it masks, so this many passes mask any text of realistic density.
_MAX_PASSES = 4


@cache
def _compiled() -> tuple[tuple[KindRule, re.Pattern[str], re.Pattern[str] | None], ...]:
    """Each rule once (the three 13-digit kinds share one pattern), compiled."""
    seen, rules = set(), []
    for rule in RULES:
        if rule.pattern in seen:
            continue
        seen.add(rule.pattern)
        exclude = re.compile(rule.exclude) if rule.exclude else None
        rules.append((rule, re.compile(rule.pattern), exclude))
    return tuple(rules)


@cache
def _union() -> str:
    """Every rule's pattern in one (group names dropped: neither engine allows repeats)."""
    joined = "|".join(f"(?:{rule.pattern})" for rule, _, _ in _compiled())
    return re.sub(r"\(\?P<\w+>", "(?:", joined)


@cache
def _union_compiled() -> re.Pattern[str]:
    return re.compile(_union())


def _digits(value: str) -> np.ndarray:
    """One value's digits as a one-row digit matrix."""
    digits = value.replace("-", "").replace(" ", "")
    return cd.digit_matrix(pa.array([digits]), len(digits))


def _valid(value: str, validator: str | None) -> bool:
    """Whether a matched value passes its rule's check (as the scanner decides it)."""
    if validator is None:
        return True
    d = _digits(value)
    if validator == "thirteen":
        resident, foreigner, corporate, _, _ = cd.classify_thirteen(
            d, np.array(["-" in value]), corporate_context=False
        )
        return bool(resident[0] or foreigner[0] or corporate[0])
    return bool(getattr(cd, validator)(d)[0])


def _mask_rule(
    text: str, rule: KindRule, pattern: re.Pattern[str], exclude: re.Pattern[str] | None
) -> str:
    """Mask every valid match of one rule, leaving look-alikes (``exclude``) alone."""
    excluded = [m.span() for m in exclude.finditer(text)] if exclude else []

    def replace(match: re.Match[str]) -> str:
        group = "w" if "w" in pattern.groupindex and match.group("w") is not None else "v"
        value = match.group(group)
        start, end = match.span(group)
        if any(start < e and s < end for s, e in excluded):
            return match.group(0)
        stripped = value.strip()
        if not stripped or not _valid(stripped, rule.validator):
            return match.group(0)
        whole, offset = match.group(0), match.start()
        return whole[: start - offset] + mask(value, rule.kind) + whole[end - offset :]

    return pattern.sub(replace, text)


def mask_text(text: str) -> str:
    """Return ``text`` with every personal identifier in it replaced by its masked form.

    Resident, foreigner and corporate numbers keep their first seven digits
    (``900101-1******``), phones their area code and last four digits
    (``010-****-5678``), names their first and last syllable (``김*수``), e-mails the
    first letter and the domain, addresses their words (numbers become ``*``); account,
    card, passport and licence numbers are masked after a few leading digits.

    Parameters
    ----------
    text : str
        Any text: an exception message, a complaint, a printed output.

    Returns
    -------
    str
        The text, unchanged where the scanner finds nothing.

    Notes
    -----
    The rules and check digits are the scanner's: a value is masked when
    :func:`workbench.ethics.scan_text` would count it in this text (a name needs its
    context here -- ``김철수님``, ``성명: 김철수`` -- since a lone word has no column).
    Masked text holds nothing the scanner finds, so masking twice changes nothing.

    Examples
    --------
    >>> mask_text("민원인 김철수님(010-1234-5678, 900101-1234568) 주소 확인")
    '민원인 김*수님(010-****-5678, 900101-1******) 주소 확인'
    >>> mask_text("성명: 남궁민수, 메일 minsu@korea.kr")
    '성명: 남**수, 메일 m***@korea.kr'
    >>> mask_text("합계 1,234,000원")
    '합계 1,234,000원'
    """
    if not _union_compiled().search(text):
        return text
    for rule, pattern, exclude in _compiled():
        for _ in range(_MAX_PASSES):
            masked = _mask_rule(text, rule, pattern, exclude)
            if masked == text:
                break
            text = masked
    return text


def mask_texts(texts: Sequence[str | None]) -> list[str | None]:
    """Mask many texts: :func:`mask_text` on each, the first search done by Arrow at once.

    Parameters
    ----------
    texts : sequence of str (or None)
        The texts, e.g. every complaint of a year; ``None`` stays ``None``.

    Returns
    -------
    list of str (or None)
        The masked texts, in order.

    Examples
    --------
    >>> mask_texts(["김영희씨 전화 02-123-4567", "특이사항 없음", None])
    ['김*희씨 전화 02-***-4567', '특이사항 없음', None]
    """
    out = list(texts)
    if not out:
        return out
    candidates = pc.fill_null(pc.match_substring_regex(pa.array(out, pa.string()), _union()), False)
    for i in np.flatnonzero(candidates.to_numpy(zero_copy_only=False)):
        out[i] = mask_text(str(out[i]))
    return out
