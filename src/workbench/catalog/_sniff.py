"""Text sniffing: byte-order mark, encoding, delimiter and the table's layout.

Every reader asks this module the same questions about a file's start, so that
``read_table``, catalog loads and the runner's input checks agree. It imports no other
module of the package (and neither pandas): it works on bytes, text and rows of cells.

A *layout* is where the table sits in its rows, as Korean portals publish them: title and
note lines before it (``□ 주민등록 인구``, ``기준일: 2026-04-30``), one or more header rows
(KOSIS repeats or merges a period over its measures: ``2026.04`` over ``총인구수 (명)``),
and footnote rows after it (``주:``, ``자료:``, ``※``).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BOM", "SNIFF_CHARS", "Layout", "flatten_header", "footnote_count", "guess_encoding"]
__all__ += ["NAME_AND_CODE", "header_text", "layout_names", "mostly_hangul"]
__all__ += ["sniff_delimiter"]
__all__ += ["sniff_layout", "unique_names"]

SNIFF_CHARS = 64 * 1024
BOM = "\ufeff"
DELIMITERS = (",", "\t", ";", "|")
MAX_HEADER_ROWS = 4
# A footnote row starts with one of these (after blanks): 주:, 주) 1., 자료:, 출처:, ※, *.
_FOOTNOTE = re.compile(r"^\s*(?:주\s*[:)）]|주\d|\d+\)|자료\s*[:：]|출처\s*[:：]|※|\*)")
# A cell as 행정안전부 writes a region: "서울특별시 종로구  (1111000000)".
NAME_AND_CODE = r"(?P<name>.*\S)\s*\((?P<code>\d{2,10})\)"
# A number as statistics write it: 1,234 / -12.5 / (123) / ▲12 / 12.3% / 1,234명.
_NUMBER_LIKE = re.compile(r"^[\s▲△▼▽+\-−]*\(?[\d,]*\.?\d+\)?\s*(?:%|[가-힣]{1,2})?\s*$")


def guess_encoding(head: bytes, *, whole: bool) -> tuple[str | None, int]:
    """Guess the encoding of a text file from its first bytes.

    Returns ``(encoding, bad offset)``: ``"utf-8-sig"`` with a byte-order mark, else the
    first of UTF-8 and CP949 that decodes ``head`` (``whole``: ``head`` is the entire
    file, so it must not end inside a character), else charset-normalizer's best guess.
    ``None`` when Korean text has a damaged byte (the offset of the first bad CP949 byte
    is returned; a guess would hand back mojibake) or nothing fits.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", 0
    bad = 0
    for encoding in ("utf-8", "cp949"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=whole)
            return encoding, 0
        except UnicodeDecodeError as exc:
            bad = exc.start  # CP949's, the likelier intent, is the one reported
    if mostly_hangul(head):
        return None, bad
    from charset_normalizer import from_bytes

    guess = from_bytes(head).best()
    return (None, bad) if guess is None else (str(guess.encoding), 0)


def mostly_hangul(data: bytes) -> bool:
    """Tell whether most non-ASCII characters of ``data`` read as CP949 are Hangul."""
    text = data.decode("cp949", errors="replace")
    other = len(re.findall(r"[^\x00-\x7f]", text))
    return other > 0 and len(re.findall(r"[가-힣ㄱ-ㆎ]", text)) >= 0.8 * other


def sniff_delimiter(sample: str, default: str) -> str:
    """Pick the delimiter that splits the sample's lines into the most consistent fields.

    Lines with fewer than two fields under every delimiter (titles, notes) do not count.
    """
    lines = sample.splitlines()
    if len(sample) == SNIFF_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    lines = [line for line in lines if line.strip()][:80]
    best, best_score = default, (0.0, 1)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        widths = [width for width in widths if width >= 2]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (sum(w == common for w in widths) / len(lines), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


@dataclass
class Layout:
    """Where the table sits: lines before it, its header rows and their flattened names."""

    preamble: list[str] = field(default_factory=list)  # its non-blank lines
    start: int = 0  # rows before the header (blank ones included)
    header_rows: int = 1
    names: list[str] = field(default_factory=list)
    width: int = 0

    @property
    def skip(self) -> int:
        """Rows before the first data row."""
        return self.start + self.header_rows


def sniff_layout(
    rows: Sequence[Sequence[Any]],
    *,
    header_rows: int | None = None,
    spans: Sequence[tuple[int, int, int, int]] = (),
    preamble: bool = True,
) -> Layout:
    """Find the preamble, the header rows and the column names in a table's first rows.

    Parameters
    ----------
    rows : sequence of sequences
        The first rows of cells (text, numbers or None).
    header_rows : int, optional
        Force this many header rows (after the preamble) instead of detecting them.
    spans : sequence of (first column, first row, last column, last row)
        Merged cells, 1-based and counted from the first of ``rows`` (Excel).
    preamble : bool
        Look for title and note lines above the header (a row with one filled cell while
        the table is wider, or a blank row).

    A header grows by a row while the row above spans several columns (a merged cell, a
    filled cell followed by blanks, or one value repeated, as KOSIS writes periods) and
    the row below holds text, and no numbers, under that span.
    """
    width = max((len(row) for row in rows), default=0)
    grid = [[header_text(cell) for cell in row] + [""] * (width - len(row)) for row in rows]
    start = 0
    if preamble:
        widest = max((_filled(row) for row in grid), default=0)
        while start < len(grid) - 1 and widest >= 2 and _filled(grid[start]) < 2:
            start += 1
    spans = [(c1, r1 - start, c2, r2 - start) for c1, r1, c2, r2 in spans if r1 > start]
    depth = header_rows or _header_depth(grid[start:], spans)
    header_width = max((len(row) for row in rows[start : start + depth]), default=0)
    names = flatten_header(grid[start : start + depth], spans)[:header_width]
    lines = [" ".join(cell for cell in row if cell) for row in grid[:start]]
    lines = [line for line in lines if line]
    return Layout(preamble=lines, start=start, header_rows=depth, names=names, width=width)


def _filled(row: Sequence[str]) -> int:
    return sum(1 for cell in row if cell)


def _header_depth(grid: list[list[str]], spans: Sequence[tuple[int, int, int, int]]) -> int:
    depth = 1
    while depth < min(len(grid) - 1, MAX_HEADER_ROWS):
        if any(r1 <= depth < r2 for _, r1, _, r2 in spans):  # merged down into the next row
            depth += 1
            continue
        below = grid[depth]
        if any(_number_like(cell) for cell in below):
            break
        merged = [list(range(c1 - 1, c2)) for c1, r1, c2, _ in spans if r1 == depth and c2 > c1]
        if any(all(below[i] for i in group) for group in merged):
            depth += 1
            continue
        # Without merges (a CSV), a span is a value repeated or followed by blanks; the
        # row after the candidate must then hold numbers, so a table of text keeps one row.
        after = grid[depth + 1]
        groups = _text_spans(grid[depth - 1])
        if not (any(_number_like(cell) for cell in after) and groups):
            break
        if not any(all(below[i] for i in group) for group in groups):
            break
        depth += 1
    return depth


def _text_spans(row: list[str]) -> list[list[int]]:
    """Find columns under one value: repeated (``2026.04,2026.04``) or ``2026.04,,``."""
    groups: list[list[int]] = []
    for index, cell in enumerate(row):
        if not cell:
            continue
        end = index + 1
        while end < len(row) and (not row[end] or row[end] == cell):
            if row[end] == cell or any(row[end + 1 :]) or end + 1 == len(row):
                end += 1
            else:
                break
        if end - index > 1 and (index == 0 or row[index - 1] != cell):
            groups.append(list(range(index, end)))
    return groups


def _number_like(cell: str) -> bool:
    return bool(cell) and _NUMBER_LIKE.match(cell) is not None


def layout_names(layout: Layout, data: Sequence[Sequence[str]]) -> list[str]:
    """Return the column names ``read_table`` gives, judged from the first data rows.

    Columns empty in every sampled row are left out only when unnamed; a column whose
    sampled cells all read ``이름 (코드)`` is followed by ``<name>코드``.
    """
    names: list[str] = []
    for index, name in enumerate(layout.names):
        cells = [row[index].strip() for row in data if index < len(row) and row[index].strip()]
        if not cells and name.startswith("Unnamed: "):
            continue
        names.append(name)
        if cells and all(re.fullmatch(rf"\s*{NAME_AND_CODE}\s*", cell) for cell in cells):
            names.append(unique_names([*layout.names, *names, f"{name}코드"])[-1])
    return names


def footnote_count(rows: Sequence[Sequence[Any]]) -> int:
    """Count the footnote and blank rows at the end of a table (``주:``, ``자료:``, ``※``).

    Only rows with at most two filled cells count, the first of them a footnote's start;
    the count stops at the first row that is data.
    """
    count = 0
    for row in reversed(rows):
        cells = [header_text(cell) for cell in row]
        filled = [cell for cell in cells if cell]
        if filled and (len(filled) > 2 or not _FOOTNOTE.match(filled[0])):
            break
        count += 1
    return count


def flatten_header(
    rows: Sequence[Sequence[str]], spans: Sequence[tuple[int, ...]] = ()
) -> list[str]:
    """One name per column from header rows: ``2024`` over ``인구`` -> ``2024_인구``.

    A merged cell's value fills its span; without merged cells (a CSV), in a row above the
    last, a filled cell followed by blank ones fills them too. Repeated parts down a column are
    kept once; repeated names get ``.1``, ``.2`` as pandas does.
    """
    grid = [[header_text(value) for value in row] for row in rows]
    for c1, r1, c2, _ in spans:
        if 1 <= r1 <= len(grid):
            row = grid[r1 - 1]
            row[c1 - 1 : c2] = [row[c1 - 1]] * len(row[c1 - 1 : c2])
    for row in grid[:-1] if len(grid) > 1 and not spans else []:
        for index in range(1, len(row)):
            if not row[index] and row[index - 1]:
                row[index] = row[index - 1]
    width = max((len(row) for row in grid), default=0)
    names: list[str] = []
    for index in range(width):
        parts: list[str] = []
        for row in grid:
            cell = row[index] if index < len(row) else ""
            if cell and (not parts or parts[-1] != cell):
                parts.append(cell)
        names.append("_".join(parts) or f"Unnamed: {index}")
    return unique_names(names)


def header_text(value: Any) -> str:
    """Write a cell as header text: ``2024.0`` -> ``2024``, dates without time."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a year typed as a number
    elif hasattr(value, "isoformat"):
        value = value.isoformat().removesuffix("T00:00:00")
    return " ".join(str(value).removeprefix(BOM).split())


def unique_names(names: Sequence[str]) -> list[str]:
    """Make repeated names unique as pandas does: ``인구``, ``인구.1``, ``인구.2``."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        candidate = name
        while candidate in seen:
            seen[name] += 1
            candidate = f"{name}.{seen[name]}"
        seen[candidate] = 0
        result.append(candidate)
    return result
