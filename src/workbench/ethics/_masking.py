"""Mask the personal identifiers inside free text (messages, complaints, printed outputs).

The scanner (:mod:`workbench.ethics._scan`) counts identifiers; this module rewrites a
text with each one replaced by its masked form (:func:`workbench.ethics._rules.mask`).
It applies the same rules (:data:`workbench.ethics._rules.RULES`) with Python's ``re``
(their RE2 patterns are valid Python patterns) and the same check digits
(:mod:`workbench.ethics._checkdigits`), so a value is masked exactly when the scanner would
report it in that text. Rules that need a column name (a bare name under 성명) have no
column here and are not applied.

A text with no candidate is returned after one search of the union of all patterns
(and, when it has five or more short Hangul words, a check that it could hold a list of
names); :func:`mask_texts` makes both first checks Arrow passes over all the texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.ethics import _checkdigits as cd
from workbench.ethics._names import (
    MIN_DISTINCT,
    WORD_SPLIT,
    name_evidence,
    name_part,
    name_syllables,
    names_in_text,
    plausible_names,
    words_of,
)
from workbench.ethics._rules import (
    BLANK,
    DECIMAL_FRACTION,
    RULES,
    VALUE_GROUPS,
    KindRule,
    mask,
)

__all__ = ["mask_text", "mask_texts", "names_in_texts"]

# A pattern's edges consume the character next to a match, so the second of two
# identifiers separated by one space is found by a second pass; a pass changes only
# what it masks, so this many passes mask any text of realistic density.
_MAX_PASSES = 4
_HANGUL = re.compile(r"[가-힣]+")
_SPLIT = re.compile(WORD_SPLIT)


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


_DECIMAL = re.compile(DECIMAL_FRACTION)


def _fraction_blanked(match: re.Match[str]) -> str:
    edge, whole, after = match.group(1), match.group(2), match.group(3)
    return edge + whole + BLANK * (len(match.group(0)) - len(edge + whole + after)) + after


def _blanked(text: str, exclude: re.Pattern[str] | None) -> str:
    """Return the text with look-alikes blanked as the scanner blanks them, at the same offsets.

    The fraction of a decimal number (``0.0212345678``) is blanked first, as the gate
    does: it is never a phone number or any other identifier.
    """
    if "." in text:  # twice: decimals next to each other share the character between them
        text = _DECIMAL.sub(_fraction_blanked, _DECIMAL.sub(_fraction_blanked, text))
    if exclude is None:
        return text

    def blank(match: re.Match[str]) -> str:
        kept = (match.group(1) or "") if exclude.groups else ""
        return kept + BLANK * (len(match.group(0)) - len(kept))

    return exclude.sub(blank, text)


def _mask_rule(
    text: str, rule: KindRule, pattern: re.Pattern[str], exclude: re.Pattern[str] | None
) -> str:
    """Mask every valid match of one rule, leaving look-alikes (``exclude``) alone.

    The rule is matched on the text with its look-alikes blanked (as the scanner reads
    it), and the values it finds are masked in the text itself.
    """
    pieces, done = [], 0
    for match in pattern.finditer(_blanked(text, exclude)):
        group = next((g for g in VALUE_GROUPS if match.groupdict().get(g) is not None), "v")
        start, end = match.span(group)
        value = text[start:end]
        stripped = value.strip()
        if not stripped or not _valid(stripped, rule.validator):
            continue
        pieces += [text[done:start], mask(value, rule.kind)]
        done = end
    return "".join(pieces) + text[done:]


# A list of names is mostly plausible names (_names.MIN_PLAUSIBLE of its distinct
# values); this lower share of all its words lets through every text that could hold one.
_CANDIDATE_SHARE = 0.5


def _content_candidates(texts: pa.Array) -> np.ndarray:
    """Which texts could hold names that only their values show (no Python loop).

    A text can only if it has MIN_DISTINCT lines (read as a list or a printed table), or
    a line or the whole text with MIN_DISTINCT words of which many are plausible names.
    """
    split = pc.split_pattern(pc.fill_null(texts, ""), "\n")
    lines = pc.list_flatten(split)
    owner = np.asarray(pc.list_parent_indices(split).to_numpy(zero_copy_only=False))
    filled = np.asarray(
        pc.fill_null(pc.match_substring_regex(lines, r"\S"), False).to_numpy(zero_copy_only=False)
    )
    many_lines = np.bincount(owner, weights=filled, minlength=len(texts)) >= MIN_DISTINCT
    words, line_of_word, _ = words_of(lines)
    ok, _, _ = plausible_names(words) if len(words) else (np.zeros(0, bool), None, None)
    per_line = np.bincount(line_of_word, minlength=len(lines)).astype(float)
    names_per_line = np.bincount(line_of_word, weights=ok, minlength=len(lines))
    line_list = (per_line >= MIN_DISTINCT) & (names_per_line >= _CANDIDATE_SHARE * per_line)
    per_text = np.bincount(owner, weights=per_line, minlength=len(texts))
    names_per_text = np.bincount(owner, weights=names_per_line, minlength=len(texts))
    text_list = (per_text >= MIN_DISTINCT) & (names_per_text >= _CANDIDATE_SHARE * per_text)
    any_line = np.bincount(owner, weights=line_list, minlength=len(texts)) > 0
    return many_lines | any_line | text_list


def _plausible_word(word: str, surnames: frozenset[str], given: frozenset[str]) -> bool:
    """One word's shape as a name (public names not excluded: this only lets texts through)."""
    if not 2 <= len(word) <= 4 or not _HANGUL.fullmatch(word):
        return False
    start = 2 if len(word) >= 3 and word[:2] in surnames else 1
    rest = word[start:]
    return word[:start] in surnames and 1 <= len(rest) <= 2 and all(c in given for c in rest)


def _could_hold_names(text: str) -> bool:
    """:func:`_content_candidates` for one text, in Python (cheaper for one short text)."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) >= MIN_DISTINCT:
        return True
    surnames, given = name_syllables()
    total = names = 0
    for line in lines:
        words = [w for w in _SPLIT.split(line) if w]
        found = sum(_plausible_word(w, surnames, given) for w in words)
        if len(words) >= MIN_DISTINCT and found >= _CANDIDATE_SHARE * len(words):
            return True
        total, names = total + len(words), names + found
    return total >= MIN_DISTINCT and names >= _CANDIDATE_SHARE * total


def _names_by_content(text: str) -> set[str]:
    """Return the bare names that the scanner's content reading finds in a text.

    See :mod:`workbench.ethics._names`: the text's lines read as a list, its lines as a
    printed table, and each long line (and the whole text) as a list of words.
    """
    lines = pa.array([line for line in text.splitlines() if line.strip()], pa.string())
    found: set[str] = set()
    evidence = name_evidence(lines)
    if evidence is not None and evidence.names:
        trimmed = name_part(lines)
        ok, _, _ = plausible_names(trimmed, loose=True)
        found |= set(trimmed.filter(pa.array(ok)).to_pylist())
    for strings in (lines, pa.array([text], pa.string())):
        in_words = names_in_text(strings)
        if in_words is not None:
            found |= set(in_words.names)
    return found


def names_in_texts(texts: pa.Array) -> tuple[np.ndarray, tuple[str, ...]]:
    """Which texts hold bare names that their own values show (lists inside each text).

    Each text is read on its own, as :func:`mask_text` reads it (never as a list with
    the other texts): for a column of free text, where a cell is a whole complaint.

    Returns
    -------
    (numpy.ndarray of bool, tuple of str)
        Per text, whether it holds such names; up to three of the names found.
    """
    hits = np.zeros(len(texts), dtype=bool)
    found: list[str] = []
    for i in np.flatnonzero(_content_candidates(texts)):
        names = _names_by_content(str(texts[int(i)].as_py()))
        if names:
            hits[i] = True
            found += sorted(names - set(found))
    return hits, tuple(found[:3])


def _mask_names(text: str, names: set[str]) -> str:
    """Mask each of ``names`` where it stands as a word of its own."""
    alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    pattern = re.compile(f"(?<![가-힣])(?:{alternatives})(?![가-힣])")
    return pattern.sub(lambda m: mask(m.group(0), "person_name"), text)


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
    :func:`workbench.ethics.scan_text` would count it in this text. A name is masked in
    its context (``김철수님``, ``성명: 김철수``, ``작성자: 김철수``, ``민원인 김철수(...)``,
    ``저는 주민 김철수입니다``, a three-syllable name before a title or a closing:
    ``김철수 주무관님``, ``김철수 드림``), and bare names where the text's lines,
    a printed table's columns or a printed list are names by their values (one lone
    word is never enough). Masked text holds nothing the scanner finds, so masking
    twice changes nothing.

    Examples
    --------
    >>> mask_text("민원인 김철수님(010-1234-5678, 900101-1234568) 주소 확인")
    '민원인 김*수님(010-****-5678, 900101-1******) 주소 확인'
    >>> mask_text("성명: 남궁민수, 메일 minsu@korea.kr")
    '성명: 남**수, 메일 m***@korea.kr'
    >>> mask_text("합계 1,234,000원")
    '합계 1,234,000원'
    >>> mask_text("참석: 김민준, 이서연, 박지훈, 최수아, 정우진 (서울시청)")
    '참석: 김*준, 이*연, 박*훈, 최*아, 정*진 (서울시청)'
    """
    return _masked(text, content=_could_hold_names(text))


def _masked(text: str, *, content: bool, rules: Sequence[int] | None = None) -> str:
    """Mask by the rules, then (when ``content``) the names that the values show.

    ``rules``: the numbers of the rules to apply; by default all, if any could match.
    """
    compiled = _compiled()
    # The values show names before any is masked (a masked name is no longer plausible).
    names = _names_by_content(text) if content else set()
    if rules is None:
        rules = range(len(compiled)) if _union_compiled().search(text) else ()
    for number in rules:
        rule, pattern, exclude = compiled[number]
        for _ in range(_MAX_PASSES):
            masked = _mask_rule(text, rule, pattern, exclude)
            if masked == text:
                break
            text = masked
    return _mask_names(text, names) if names else text


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
    arr = pa.array(out, pa.string())
    content = _content_candidates(arr)
    identifiers = pc.fill_null(pc.match_substring_regex(arr, _union()), False)
    candidates = np.flatnonzero(identifiers.to_numpy(zero_copy_only=False) | content)
    # Which rule matches which candidate: one Arrow pass per rule, so that Python runs
    # only the rules a text needs.
    sub = arr.take(pa.array(candidates, pa.int64()))
    matches = np.column_stack(
        [np.zeros(len(sub), dtype=bool)]
        + [
            pc.fill_null(pc.match_substring_regex(sub, rule.pattern), False).to_numpy(
                zero_copy_only=False
            )
            for rule, _, _ in _compiled()
        ]
    )[:, 1:]
    for row, i in enumerate(candidates):
        rules = np.flatnonzero(matches[row]).tolist()
        out[i] = _masked(str(out[i]), content=bool(content[i]), rules=rules)
    return out
