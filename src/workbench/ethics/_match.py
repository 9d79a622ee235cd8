"""Where the rules match in an array of cells: gates, whole-cell matches, look-alikes.

The matching steps of :mod:`workbench.ethics._scan`, on Arrow string arrays, through
:mod:`workbench.ethics._regex` (Python's ``re`` for a few values, RE2 for many).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.ethics import _regex as rx
from workbench.ethics._rules import (
    DECIMAL_FRACTION,
    DECIMAL_REPLACEMENT,
    RULES,
    VALUE_GROUPS,
    KindRule,
    anchored,
    exclude_replacement,
)

__all__ = [
    "anchored_once",
    "extract",
    "gate_values",
    "is_hinted",
    "matches",
    "union_of",
    "without_decimals",
    "without_lookalikes",
]

_PROBE = 1000  # values sampled to decide whether a gate is worth its pass
_GATES = ("digits", "hangul")


def without_decimals(arr: pa.Array) -> pa.Array:
    """Blank the fraction of every decimal number (``0.0212345678`` is no phone number)."""
    strings = rx.small(arr)
    if strings is not None:
        sub, to = rx.compiled(DECIMAL_FRACTION).sub, DECIMAL_REPLACEMENT
        blank = [s if s is None or "." not in s else sub(to, sub(to, s)) for s in strings]
        return arr if blank == strings else pa.array(blank, arr.type)
    dotted = rx.contains(arr, ".")
    if not dotted.any():
        return arr
    where = np.flatnonzero(dotted)
    found = rx.search(arr.take(pa.array(where)), DECIMAL_FRACTION)
    if not found.any():
        return arr
    rows = np.zeros(len(arr), dtype=bool)
    rows[where[found]] = True
    mask_ = pa.array(rows)
    blanked = arr.filter(mask_)
    for _ in range(2):  # decimals next to each other share the character between them
        blanked = rx.replace(blanked, DECIMAL_FRACTION, DECIMAL_REPLACEMENT)
    return pc.replace_with_mask(arr, mask_, blanked)


def is_hinted(rule: KindRule, column: str) -> bool:
    """Whether the column's name says that it holds the rule's kind (성명, 계좌번호...)."""
    return bool(rule.column_hints) and re.search(rule.column_hints, column) is not None


def gate_values(arr: pa.Array, gate: str, column: str | None) -> tuple[pa.Array, np.ndarray]:
    """Return the values that could hold a match, and their positions.

    One pass of the union of every pattern behind the gate (named groups dropped: RE2
    refuses duplicates) stands in for one pass per rule on cells that hold nothing.
    When a sample of the first values shows that most would pass, the gate is skipped:
    it would cost a pass and filter out little.
    """
    if gate in _GATES:
        hinted = () if column is None else tuple(r.kind for r in RULES if is_hinted(r, column))
        union = union_of(gate, hinted)
        if len(arr) > 10 * _PROBE and rx.search(arr.slice(0, _PROBE), union).mean() > 0.5:
            return arr, np.arange(len(arr))
        keep = rx.search(arr, union)
    else:
        keep = rx.contains(arr, gate)
    if keep.all():
        return arr, np.arange(len(arr))
    return arr.filter(pa.array(keep)), np.flatnonzero(keep)


@lru_cache(maxsize=64)
def union_of(gate: str | None, hinted: tuple[str, ...]) -> str:
    """Return the union of a gate's patterns (every gate: None) and hinted context patterns."""
    rules = [r for r in RULES if gate is None or r.gate == gate]
    patterns = [r.pattern for r in rules] + [r.context_pattern for r in rules if r.kind in hinted]
    return re.sub(r"\(\?P<\w+>", "(?:", "|".join(f"(?:{p})" for p in patterns if p))


def extract(sub: pa.Array, pattern: str) -> pa.Array:
    """Return the ``v`` (or ``w``, ``x``) group of the first match in each value (all match)."""
    if not len(sub):
        return pa.array([], type=pa.string())
    names = tuple(g for g in VALUE_GROUPS if f"(?P<{g}>" in pattern)
    parts = rx.groups(sub, pattern, names)
    value = parts[0]
    for other in parts[1:]:
        value = pc.if_else(pc.equal(value, ""), other, value)
    return value


def matches(sub: pa.Array, pattern: str) -> tuple[np.ndarray, pa.Array, np.ndarray]:
    """Rows that match; per matching row, the matched value and whether it is the whole cell.

    Submatch extraction is slow next to matching, so a cell that is the identifier and
    nothing else (an anchored match of the ``v`` group) is taken as it is, and only the
    other matching cells (free text) are extracted.
    """
    hits = rx.search(sub, pattern)
    if not hits.any():
        return hits, pa.array([], type=pa.string()), np.zeros(0, dtype=bool)
    matched = sub.filter(pa.array(hits))
    wholes = rx.search(matched, anchored_once(pattern))
    values = pc.utf8_trim_whitespace(matched)
    if not wholes.all():
        inside = pa.array(~wholes)
        values = pc.replace_with_mask(values, inside, extract(matched.filter(inside), pattern))
    return hits, values, wholes


anchored_once = lru_cache(maxsize=128)(anchored)


def without_lookalikes(sub: pa.Array, rule: KindRule) -> pa.Array:
    """Blank ``rule.exclude`` in the cells that match (only those: it is a slow pass)."""
    if not rule.exclude:
        return sub
    found = rx.search(sub, rule.pattern)
    if not found.any():
        return sub
    first = pa.array(found)
    blanked = rx.replace(sub.filter(first), rule.exclude, exclude_replacement(rule))
    return pc.replace_with_mask(sub, first, blanked)
