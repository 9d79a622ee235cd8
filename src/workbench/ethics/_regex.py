r"""Regular expressions over Arrow string arrays, quick for a column of millions or of ten.

``pyarrow.compute`` runs RE2 over a whole array in one pass, but compiles the pattern
anew on every call: about 0.1 ms for a short rule, 1-2 ms for the address and name rules.
A release gate that scans a few small tables and a notebook's outputs makes a thousand
such calls, so compiling is all its time. Small arrays (:data:`SMALL_VALUES` values of at
most :data:`LONGEST` characters, :data:`SMALL_BYTES` in all) are matched instead with
Python's :mod:`re`, whose compiled patterns are kept here; larger ones by Arrow.

The rules are written in the syntax the two share (no look-arounds, no back-references);
the few differences are bridged when a pattern is compiled for :mod:`re`: ``\s``,
``\w`` and ``\d`` are ASCII-only (as in RE2, flag :data:`re.ASCII`), and ``$`` matches
only at the end of the text (``\Z``; Python's ``$`` also before a final newline). The
size limits keep Python's backtracking matcher, which is quadratic at worst on these
patterns where RE2 is linear, to short values.

Every function returns what ``pyarrow.compute`` would, nulls aside: a null value never
matches, and extracts and replaces to null.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "LONGEST",
    "SMALL_BYTES",
    "SMALL_VALUES",
    "compiled",
    "contains",
    "groups",
    "replace",
    "search",
    "small",
]

#: Arrays of at most this many values, ...
SMALL_VALUES = 4096
#: ... at most this many bytes of text in all ...
SMALL_BYTES = 1 << 18
#: ... and no value longer than this (characters) are matched with Python's ``re``.
LONGEST = 2000


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> re.Pattern[str]:
    """Return ``pattern`` (RE2 syntax) compiled for :mod:`re`, with RE2's meaning."""
    return re.compile(_end_anchors(pattern), re.ASCII)


def _end_anchors(pattern: str) -> str:
    r"""Replace each ``$`` outside a character class by ``\Z`` (RE2's ``$``)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]" or out[-1] == "["
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":  # a leading ] after [^ is literal too
                out.append("[^")
                i += 2
                continue
        elif ch == "$":
            ch = r"\Z"
        out.append(ch)
        i += 1
    return "".join(out)


def small(values: pa.Array) -> list[str | None] | None:
    """Return the values as Python strings when the array is small enough, else None."""
    if len(values) > SMALL_VALUES or values.nbytes > SMALL_BYTES:
        return None
    strings: list[str | None] = values.to_pylist()
    if any(s is not None and len(s) > LONGEST for s in strings):
        return None
    return strings


def search(values: pa.Array, pattern: str) -> np.ndarray:
    """Which values hold a match of ``pattern`` (numpy bools; null values never do)."""
    strings = small(values)
    if strings is None:
        found = pc.fill_null(pc.match_substring_regex(values, pattern), False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    find = compiled(pattern).search
    return np.fromiter(
        (s is not None and find(s) is not None for s in strings), dtype=bool, count=len(strings)
    )


def contains(values: pa.Array, literal: str) -> np.ndarray:
    """Which values contain ``literal`` (numpy bools; null values never do)."""
    strings = small(values)
    if strings is None:
        found = pc.fill_null(pc.match_substring(values, literal), False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    return np.fromiter(
        (s is not None and literal in s for s in strings), dtype=bool, count=len(strings)
    )


def groups(values: pa.Array, pattern: str, names: tuple[str, ...]) -> list[pa.Array]:
    """Return the named groups of the first match in each value, one array per name.

    A group that took no part in the match is ``""`` (as in ``extract_regex``); a value
    without a match, null.
    """
    strings = small(values)
    if strings is None:
        parts = pc.extract_regex(values, pattern)
        return [parts.field(name) for name in names]
    find = compiled(pattern).search
    columns: list[list[str | None]] = [[] for _ in names]
    for s in strings:
        match = None if s is None else find(s)
        for column, name in zip(columns, names, strict=True):
            column.append(None if match is None else match.group(name) or "")
    return [pa.array(column, values.type) for column in columns]


def replace(values: pa.Array, pattern: str, replacement: str) -> pa.Array:
    r"""Replace every match of ``pattern`` (``\1`` in ``replacement``: its first group)."""
    strings = small(values)
    if strings is None:
        return pc.replace_substring_regex(values, pattern, replacement)
    sub = compiled(pattern).sub
    return pa.array([None if s is None else sub(replacement, s) for s in strings], values.type)
