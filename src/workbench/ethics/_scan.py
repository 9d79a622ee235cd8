"""Find personal information in tables and text, fast, and show it only masked.

The rules are data (:mod:`workbench.ethics._rules`); this module applies them to Arrow
string arrays with ``pyarrow.compute`` (RE2 regular expressions) and checks digits of the
candidate matches with numpy (:mod:`workbench.ethics._checkdigits`). No Python loop runs
over the cells of a large column: only over columns, rules and the few masked examples.
A small one (the release gate's tables and texts) is matched with compiled Python
patterns instead, where compiling RE2 for each call would cost more than the matching
(:mod:`workbench.ethics._regex`); a union of every pattern tells first whether any rule
needs to run at all. The digits after a decimal point are never an identifier
(:data:`workbench.ethics._rules.DECIMAL_FRACTION`).

Counts are numbers of cells (values) that hold the kind at least once. In a free-text
cell, the first match of each kind is the one validated.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.ethics import _checkdigits as cd
from workbench.ethics import _regex as rx
from workbench.ethics._findings import Finding, Location
from workbench.ethics._match import (
    anchored_once,
    extract,
    gate_values,
    is_hinted,
    matches,
    union_of,
    without_decimals,
    without_lookalikes,
)
from workbench.ethics._messages import message
from workbench.ethics._names import name_evidence, name_part, names_in_text, plausible_names
from workbench.ethics._rules import (
    AMBIGUOUS_CORPORATE_CONFIDENCE,
    CORPORATE_HINTS,
    KIND_LABELS,
    KIND_ORDER,
    RANDOM_TAIL_CONFIDENCE,
    RULES,
    KindRule,
    mask,
)
from workbench.exceptions import ParameterError

__all__ = ["KindCount", "ScanResult", "mask", "scan", "scan_text"]

_EXAMPLES = 3
_THIRTEEN_KINDS = ("resident_id", "foreigner_id", "corporate_id")
_CONFIDENCE = {rule.kind: rule.confidence for rule in RULES}
_PERSON = next(rule for rule in RULES if rule.kind == "person_name")


@dataclass(frozen=True)
class KindCount:
    """One kind of personal information found in one column."""

    kind: str
    count: int
    confidence: float
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScanResult:
    """What :func:`scan` found, column by column.

    Attributes
    ----------
    rows : int
        Rows scanned.
    columns : dict of str to list of KindCount
        Every scanned column, with the kinds found in it (empty when none).
    path : str or None
        The file scanned, when known.
    text_columns : tuple of str
        The columns scanned as free text (``text`` in the catalog): each cell a text.
    """

    rows: int
    columns: dict[str, list[KindCount]]
    path: str | None = None
    text_columns: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        """Whether any column holds personal information."""
        return any(self.columns.values())

    def findings(self, table: pd.DataFrame | None = None) -> list[Finding]:
        """One ``fail`` finding per column and kind, with masked examples only.

        Parameters
        ----------
        table : pandas.DataFrame, optional
            The table that was scanned. When given, each finding carries a keyed digest
            of its column's distinct values, so that an approval of it does not apply to
            a column holding other values (see :class:`workbench.ethics.Finding`).
        """
        from workbench.ethics._digest import value_digest

        by_name = {} if table is None else {str(c): c for c in table.columns}
        result = []
        for name, kinds in self.columns.items():
            digest = None
            if table is not None and kinds and name in by_name:
                column = table[by_name[name]]
                if isinstance(column, pd.DataFrame):  # duplicate headers: the first one
                    column = column.iloc[:, 0]
                digest = value_digest(pd.unique(column.dropna().astype(str)))
            text = name in self.text_columns
            for k in kinds:
                label = KIND_LABELS[k.kind]
                fix = (
                    "wb.mask_texts로 가린 글만 쓰십시오 (자유 서술 원문은 공개할 수 없습니다)."
                    if text
                    else "가명처리하거나 열을 삭제하십시오."
                )
                result.append(
                    Finding(
                        rule=f"pii.{k.kind}",
                        severity="fail",
                        location=Location("column", column=name),
                        message=(
                            f"{'자유 서술 ' if text else ''}열 '{name}'에 {label}({k.kind})"
                            f"{_subject_particle(label)} "
                            f"{k.count}건 있습니다 (신뢰도 {k.confidence:.2f}). {fix}"
                        ),
                        count=k.count,
                        details={
                            "kind": k.kind,
                            "text": text,
                            "confidence": k.confidence,
                            "examples": list(k.examples),
                        },
                        digest=digest,
                    )
                )
        return result

    def to_dict(self) -> dict[str, Any]:
        """``{"path", "rows", "columns": [{"name", "text", "findings": [{kind, count, ...}]}]}``."""
        return {
            "path": self.path,
            "rows": self.rows,
            "columns": [
                {
                    "name": name,
                    "text": name in self.text_columns,
                    "findings": [
                        {"kind": k.kind, "count": k.count, "confidence": k.confidence}
                        for k in kinds
                    ],
                }
                for name, kinds in self.columns.items()
            ],
        }

    def table_rows(self) -> list[tuple[str, str, int, float, str]]:
        """(column, kind, count, confidence, masked examples) for every finding."""
        return [
            (name, k.kind, k.count, k.confidence, ", ".join(k.examples))
            for name, kinds in self.columns.items()
            for k in kinds
        ]

    def __repr__(self) -> str:
        head = f"ScanResult(rows={self.rows}, columns={len(self.columns)}"
        lines = [f"  {c}: {k} {n} ({p:.2f}) {e}" for c, k, n, p, e in self.table_rows()]
        return head + ("):\n" + "\n".join(lines) if lines else ", nothing found)")

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape(str(v))}</td>" for v in (c, k, n, f"{p:.2f}", e))
            + "</tr>"
            for c, k, n, p, e in self.table_rows()
        )
        if not rows:
            return f"<p>개인정보 없음 ({self.rows}행, {len(self.columns)}열)</p>"
        head = "".join(f"<th>{h}</th>" for h in ("열", "종류", "건수", "신뢰도", "예시(가림)"))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _subject_particle(word: str) -> str:
    """이 after a final consonant (이름이), 가 after a vowel (주민등록번호가)."""
    last = ord(word[-1]) - 0xAC00
    return "이" if 0 <= last < 11172 and last % 28 else "가"


def scan(
    df: pd.DataFrame,
    *,
    columns: Iterable[str] | None = None,
    sample: int | None = None,
    path: str | None = None,
    text_columns: Iterable[str] = (),
) -> ScanResult:
    """Find personal information in each column of a DataFrame.

    Parameters
    ----------
    df : pandas.DataFrame
        The table. String, integer and mixed (object) columns are scanned; floats,
        booleans and dates cannot hold the kinds and are skipped.
    columns : iterable of str, optional
        Scan only these columns.
    sample : int, optional
        Scan a seeded random sample of this many rows instead of every row.
    path : str, optional
        The source file, reported in :meth:`ScanResult.to_dict`.
    text_columns : iterable of str, optional
        Columns of free text (kind ``text`` in the catalog; absent ones are ignored).
        Each cell is read as a text, as :func:`workbench.ethics.mask_text` reads it:
        identifiers in the prose, names in their context, and lists of names inside a
        cell; the cells are never read together as a list of names.

    Returns
    -------
    ScanResult

    Notes
    -----
    A count is the number of cells holding the kind. Rules whose column hints match
    the column's name (성명, 주소, 계좌번호, 사업자번호, ...) run first and also use their
    weaker context pattern; a cell that is one identifier and nothing else is claimed by
    it and not tried by later rules. Free-text cells are searched inside; in each, the
    first match of a kind is the one validated. Integer columns are scanned as their
    decimal text, so a phone number stored as an integer (leading zero lost) is missed.

    Bare names carry no pattern of their own: a column whose header does not say it
    holds names is ``person_name`` when its values are mostly plausible Korean names
    (at least five distinct; census surnames at their population shares; public names
    such as 행정동, 시군구, apartments or companies excluded -- see
    :mod:`workbench.ethics._names`), with a confidence from that evidence (about 0.7 for
    five names, 0.95 for hundreds).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"연락처": ["010-1234-5678", "02 345 6789"], "금액": [1000, 2500]})
    >>> result = scan(df)
    >>> result.to_dict()["columns"][0]["findings"]
    [{'kind': 'phone', 'count': 2, 'confidence': 0.95}]
    >>> result.table_rows()[0][4]
    '010-****-5678, 02 *** 6789'
    """
    if sample is not None and len(df) > sample:
        df = df.sample(n=sample, random_state=0)
    names = list(df.columns) if columns is None else list(columns)
    missing = [str(n) for n in names if n not in df.columns]
    if missing:
        have = [str(c) for c in df.columns]
        raise ParameterError(
            message(
                "scan_missing_columns",
                missing=", ".join(map(repr, missing)),
                have=", ".join(map(repr, have)),
            ),
            parameter="columns",
            expected=have,
            got=missing,
        )
    texts = tuple(str(n) for n in names if str(n) in {str(c) for c in text_columns})
    found: dict[str, list[KindCount]] = {}
    for name in names:
        arr = _as_strings(df[name])
        if arr is None:
            found[str(name)] = []
        elif str(name) in texts:
            found[str(name)] = _text_kinds(arr)
        else:
            found[str(name)] = _scan_array(arr, str(name))
    return ScanResult(rows=len(df), columns=found, path=path, text_columns=texts)


def scan_text(strings: Iterable[str]) -> list[tuple[str, int]]:
    """Find personal information in free text (notebook outputs, messages).

    Returns ``(kind, count)`` pairs, count being the number of strings holding the kind.
    Bare names count when the strings are names by their values: the strings themselves
    (lines of names), the columns of a printed table (lines with as many words), or the
    words of a long line (a printed list); see :mod:`workbench.ethics._names`.

    Examples
    --------
    >>> scan_text(["문의: 김철수님 010-1234-5678", "합계 1,234,000원"])
    [('phone', 1), ('person_name', 1)]
    """
    arr = pa.array(list(strings), type=pa.string())
    found = {k.kind: k.count for k in _scan_array(arr, None)}
    in_words = names_in_text(arr) if len(arr) else None
    if in_words is not None:
        found["person_name"] = max(found.get("person_name", 0), int(in_words.hits.sum()))
    return [(kind, found[kind]) for kind in KIND_ORDER if kind in found]


def _as_strings(series: pd.Series) -> pa.Array | None:
    """Return the column as Arrow strings, or None when it cannot hold the kinds."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return None
    if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
        return None
    if pd.api.types.is_integer_dtype(dtype):
        return pc.cast(pa.array(series, from_pandas=True), pa.string())
    if not isinstance(dtype, pd.StringDtype):
        # Mixed objects (numbers and text in one column): every value as text.
        series = series.astype("string[pyarrow]")
    arr = pa.array(series, from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pc.cast(arr, pa.string())
    return arr


_Hit = tuple[int, float, tuple[str, ...]]


def _text_kinds(arr: pa.Array) -> list[KindCount]:
    """Scan a column of free text: each cell is a text, read as :func:`mask_text` reads it.

    The rules run without the column's name (a name needs its context in the sentence),
    and bare names count where a cell's own words are a list of names, never because
    the cells together look like one.
    """
    from workbench.ethics._masking import names_in_texts

    found = {k.kind: k for k in _scan_array(arr, None, by_content=False)}
    listed, names = names_in_texts(arr)
    if listed.any():
        named = rx.search(without_lookalikes(arr, _PERSON), _PERSON.pattern)
        extra = int((listed & ~named).sum())
        first = found.get("person_name")
        hit = _merged(
            None if first is None else (first.count, first.confidence, first.examples),
            (extra, 0.7, tuple(mask(n, "person_name") for n in names)),
        )
        found["person_name"] = KindCount("person_name", *hit)
    return [found[kind] for kind in KIND_ORDER if kind in found and found[kind].count > 0]


def _scan_array(arr: pa.Array, column: str | None, *, by_content: bool = True) -> list[KindCount]:
    """Apply every rule to one string array; return the kinds found, in rule order.

    Rules whose column hints match the column's name run first. A cell that is one
    identifier and nothing else is claimed by it: later rules do not look at it again
    (a bank account is not also a resident number; and claimed cells cost nothing).
    """
    arr = without_decimals(arr)
    hinted = [r for r in RULES if column is not None and is_hinted(r, column)]
    gated: dict[str, tuple[pa.Array, np.ndarray]] = {}
    hits: dict[str, _Hit] = {}
    # A few values are matched against every pattern at once first: most small tables
    # (numbers, labels) hold nothing, and then no rule needs a pass of its own.
    union = union_of(None, tuple(r.kind for r in hinted))
    rules = hinted + [r for r in RULES if r not in hinted]
    if len(arr) <= rx.SMALL_VALUES and not rx.search(arr, union).any():
        rules = []
    for rule in rules:
        if rule.kind in hits:
            continue  # the 13-digit rules are decided together
        if rule.gate not in gated:
            gated[rule.gate] = gate_values(arr, rule.gate, column)
        sub, index = gated[rule.gate]
        if len(sub) == 0:
            continue
        if rule.validator == "thirteen":
            found, claimed = _thirteen(sub, rule, column)
        else:
            hit, claimed = _apply(sub, rule, column)
            found = {rule.kind: hit}
        hits.update(found)
        if claimed.any():
            keep = np.ones(len(arr), dtype=bool)
            keep[index[claimed]] = False
            arr = arr.filter(pa.array(keep))
            gated = {}
    if by_content and (column is None or not is_hinted(_PERSON, column)):
        uncounted = None
        if hits.get("person_name", (0,))[0]:
            # Cells counted for a name in context are not counted again by content.
            named = rx.search(without_lookalikes(arr, _PERSON), _PERSON.pattern)
            uncounted = pa.array(~named)
        listed = _names_by_content(arr, uncounted)
        if listed is not None:
            hits["person_name"] = _merged(hits.get("person_name"), listed)
    return [
        KindCount(kind, *hits[kind]) for kind in KIND_ORDER if kind in hits and hits[kind][0] > 0
    ]


def _names_by_content(arr: pa.Array, counted: pa.Array | None = None) -> _Hit | None:
    """Count the names of a list that its values show to be names (see ``_names``).

    ``counted``: which cells to count (all by default); the evidence reads every cell.
    """
    evidence = name_evidence(arr)
    if evidence is None or not evidence.names:
        return None
    values = name_part(arr if counted is None else arr.filter(counted))
    distinct = pc.unique(values.drop_null())
    ok, _, _ = plausible_names(distinct, loose=True)
    names = distinct.filter(pa.array(ok))
    count = int(pc.sum(pc.cast(pc.is_in(values, value_set=names), pa.int64())).as_py() or 0)
    return count, evidence.confidence, _examples(names, "person_name")


def _merged(first: _Hit | None, second: _Hit) -> _Hit:
    """Two counts of disjoint cells as one: counts added, confidences weighted."""
    if first is None or first[0] == 0:
        return second
    count = first[0] + second[0]
    confidence = round((first[0] * first[1] + second[0] * second[1]) / count, 2)
    return count, confidence, (first[2] + second[2])[:_EXAMPLES]


def _apply(sub: pa.Array, rule: KindRule, column: str | None) -> tuple[_Hit, np.ndarray]:
    """Count the rows of ``sub`` holding ``rule.kind``: (count, confidence, examples), claims."""
    target = without_lookalikes(sub, rule)
    hit, claimed, examples = _find(target, rule.pattern, rule.validator, rule.kind)
    confidence = np.full(int(hit.sum()), rule.confidence)
    if rule.context_pattern and column is not None and is_hinted(rule, column):
        extra, more_claimed, more = _find(target, rule.context_pattern, None, rule.kind)
        claimed |= more_claimed
        new = extra & ~hit
        confidence = np.concatenate([confidence, np.full(int(new.sum()), rule.context_confidence)])
        hit |= extra
        examples = (examples + more)[:_EXAMPLES]
    count = int(hit.sum())
    return (count, round(float(confidence.mean()), 2) if count else 0.0, examples), claimed


def _find(
    sub: pa.Array, pattern: str, validator: str | None, kind: str
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Rows that hold a (valid) match, rows that are a match and nothing else, examples."""
    if validator is None:
        # No digits to check: match, then an anchored match on the matching rows.
        hits = rx.search(sub, pattern)
        claimed = np.zeros(len(sub), dtype=bool)
        if not hits.any():
            return hits, claimed, ()
        matched = sub.filter(pa.array(hits))
        claimed[np.flatnonzero(hits)] = rx.search(matched, anchored_once(pattern))
        return hits, claimed, _examples(extract(matched.slice(0, 50), pattern), kind)
    hits, values, wholes = matches(sub, pattern)
    claimed = np.zeros(len(sub), dtype=bool)
    if not len(values):
        return hits, claimed, ()
    rows = np.flatnonzero(hits)
    ok = _validate(values, validator)
    hits[rows[~ok]] = False
    claimed[rows[ok & wholes]] = True
    return hits, claimed, _examples(values.filter(pa.array(ok)), kind)


def _validate(values: pa.Array, validator: str) -> np.ndarray:
    """Check the digits of matched values (``luhn``, ``business_id``, ``name``)."""
    digits = _digits_only(values)
    lengths = pc.utf8_length(digits).to_numpy(zero_copy_only=False)
    ok = np.zeros(len(values), dtype=bool)
    check = getattr(cd, validator)
    for width in np.unique(lengths):
        rows = lengths == width
        ok[rows] = check(cd.digit_matrix(digits.filter(pa.array(rows)), int(width)))
    return ok


def _digits_only(values: pa.Array) -> pa.Array:
    """Drop the separators (hyphens, spaces) that the number patterns allow."""
    return pc.replace_substring(pc.replace_substring(values, "-", ""), " ", "")


def _thirteen(
    sub: pa.Array, rule: KindRule, column: str | None
) -> tuple[dict[str, _Hit], np.ndarray]:
    """Count resident, foreigner and corporate numbers (see ``classify_thirteen``)."""
    hit, values, wholes = matches(without_lookalikes(sub, rule), rule.pattern)
    if not len(values):
        return dict.fromkeys(_THIRTEEN_KINDS, (0, 0.0, ())), hit
    d = cd.digit_matrix(_digits_only(values), 13)
    hyphen = rx.contains(values, "-")
    corp_context = column is not None and re.search(CORPORATE_HINTS, column) is not None
    resident, foreigner, is_corp, person_check, ambiguous = cd.classify_thirteen(
        d, hyphen, corp_context
    )
    person_conf = np.where(person_check, _CONFIDENCE["resident_id"], RANDOM_TAIL_CONFIDENCE)
    corp_conf = np.where(ambiguous, AMBIGUOUS_CORPORATE_CONFIDENCE, _CONFIDENCE["corporate_id"])
    kinds = {
        "resident_id": (resident, person_conf),
        "foreigner_id": (foreigner, person_conf),
        "corporate_id": (is_corp, corp_conf),
    }
    result = {}
    for kind, (rows, conf) in kinds.items():
        count = int(rows.sum())
        mean = round(float(conf[rows].mean()), 2) if count else 0.0
        result[kind] = (count, mean, _examples(values.filter(pa.array(rows)), kind))
    claimed = np.zeros(len(sub), dtype=bool)
    claimed[np.flatnonzero(hit)] = (resident | foreigner | is_corp) & wholes
    return result, claimed


def _examples(values: pa.Array, kind: str) -> tuple[str, ...]:
    """Up to three distinct masked examples (only these few values reach Python)."""
    head = pc.unique(values.slice(0, 50)).to_pylist()[:_EXAMPLES]
    return tuple(mask(v, kind) for v in head if v)
