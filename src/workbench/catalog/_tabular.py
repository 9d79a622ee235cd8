"""Delimited text and Excel sheets into analysis-ready frames, with their read report.

Both go the same way: find where the table sits (:mod:`._sniff`), read its cells as
text (pandas' C parser; python-calamine for workbooks), then type them
(:func:`._tidy.tidy`). Nothing is guessed silently: each step is in the report.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.catalog._excel import Limits, read_sheet
from workbench.catalog._messages import message
from workbench.catalog._report import INFERENCES, ReadReport
from workbench.catalog._sniff import (
    SNIFF_CHARS,
    footnote_count,
    guess_encoding,
    sniff_delimiter,
    sniff_layout,
    unique_names,
)
from workbench.catalog._tidy import MISSING_MARKS, tidy
from workbench.exceptions import DataReadError, ParameterError

__all__ = ["plain_text", "read_delimited", "read_workbook", "text_encoding"]

HEAD_BYTES = 1 << 20
#: Rows read first as text; a longer file is then read with the hints they give.
SAMPLE_ROWS = 20_000
_SAMPLE_INFER = dict.fromkeys(INFERENCES, False) | {"numbers": True, "missing": True, "dates": None}
_LAYOUT_ROWS = 200
_C_ERROR_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_delimited(
    path: Path, *, encoding: str | None, header_rows: int | None, infer: Mapping[str, bool | None]
) -> tuple[pd.DataFrame, ReadReport]:
    """Read a CSV/TSV/TXT file: encoding, delimiter and layout detected, cells typed."""
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
        whole = not stream.read(1)
    used = text_encoding(path, head, whole=whole, encoding=encoding)
    sample = codecs.getincrementaldecoder(used)(errors="replace").decode(head, final=whole)
    sample = sample[:SNIFF_CHARS]
    delimiter = sniff_delimiter(sample, "\t" if path.suffix.lower() == ".tsv" else ",")
    lines = sample.splitlines()
    if not whole and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    rows = list(csv.reader(lines[:_LAYOUT_ROWS], delimiter=delimiter))
    layout = sniff_layout(rows, header_rows=header_rows, preamble=bool(infer["layout"]))
    if not layout.names:
        raise DataReadError(
            f"{path}: 파일이 비어 있습니다. 첫 줄에 열 이름이 있는 표를 저장한 뒤 다시 읽으세요."
        )
    width = max([layout.width, *(len(row) for row in rows)])
    read = _Read(path, used, delimiter, layout.skip, _all_names(layout.names, width))
    try:
        cells = read.cells()
    except UnicodeDecodeError as exc:
        if encoding is not None or used != "utf-8":
            raise _late_undecodable(path, used, head) from exc
        try:  # UTF-8 only in its first megabyte: CP949 is the likely intent
            read.encoding = used = "cp949"
            cells = read.cells()
        except UnicodeDecodeError as again:
            raise _late_undecodable(path, used, head) from again
    names = layout.names
    _check_ragged(path, cells, len(names), layout.skip)
    report = ReadReport(source=str(path), format="csv", encoding=used, delimiter=delimiter)
    if width > len(names):  # empty cells after the last named column: trailing delimiters
        cells = cells.iloc[:, : len(names)]
        report.dropped_columns.append(f"(머리글 없는 빈 열 {width - len(names)}개)")
    cells.columns = names
    report.preamble, report.header_rows = layout.preamble, layout.header_rows
    report.first_line = layout.skip + 1
    frame = tidy(cells, report, infer, first_line=layout.skip + 1, text=read.text)
    for position, note in read.numbers.items():  # columns the C parser converted
        name = names[position]
        if name in frame.columns and frame[name].dtype.kind in "if":
            if note:
                report.numbers[name] = note
            if read.marks.get(position):
                report.missing_marks[name] = read.marks[position]
    return frame, report


def _all_names(names: list[str], width: int) -> list[str]:
    extra = [f"Unnamed: {i}" for i in range(len(names), width)]
    return unique_names([*names, *extra])


class _Read:
    """Read a file's cells with pandas' C parser: a sample first, then all of it.

    A file longer than :data:`SAMPLE_ROWS` is read twice: the sample as text, typed by
    :func:`tidy`, then the whole file with the hints the sample gave (``thousands``,
    the missing marks as ``na_values``, text ``dtype`` for the other columns), so the
    C parser does the converting. A hinted column that does not parse to the end comes
    back as text and is typed by :func:`tidy` like any other.
    """

    def __init__(self, path: Path, encoding: str, delimiter: str, skip: int, names: list[str]):
        self.path, self.encoding, self.delimiter = path, encoding, delimiter
        self.width, self.skip, self.names = len(names), skip, names
        self.numbers: dict[int, dict[str, Any]] = {}
        self.marks: dict[int, dict[str, int]] = {}
        self.text: set[str] = set()

    def cells(self) -> pd.DataFrame:
        """Every cell after the header: text, or numbers in columns the sample hinted."""
        sample = self._read(nrows=SAMPLE_ROWS, dtype="str", na_filter=False)
        if len(sample) < SAMPLE_ROWS:
            return sample
        hints = self._hints(sample)
        if not hints:
            return self._read(dtype="str", na_filter=False)
        blanks = [" " * n for n in range(1, 9)]
        cells = self._read(
            dtype={i: "str" for i in range(self.width) if i not in hints},
            thousands=",",
            na_values={i: [*MISSING_MARKS, *blanks] for i in hints},
        )
        failed = [i for i in sorted(hints) if cells[i].dtype.kind not in "if"]
        if failed:  # not numbers after all: their text as written, marks included
            text = self._read(usecols=failed, dtype="str", na_filter=False)
            for position in failed:
                cells[position] = text[position]
        return cells

    def _hints(self, sample: pd.DataFrame) -> set[int]:
        """Columns the sample says are plain numbers, or numbers with separators and marks.

        Columns the sample shows to be text (a value that is no number, date or truth
        value) are remembered in ``text``: no later row can make them numbers.
        """
        report = ReadReport()
        typed = tidy(sample.set_axis(self.names, axis=1), report, _SAMPLE_INFER, first_line=1)
        hints = set()
        for position, name in enumerate(self.names):
            if name not in typed:
                continue
            note = report.numbers.get(name, {})
            kind = typed[name].dtype.kind
            if kind not in "if":
                values = typed[name]
                is_text = pd.api.types.is_string_dtype(values) and values.notna().any()
                if is_text and name not in report.date_columns:
                    self.text.add(name)
                continue
            if set(note) - {"separators"}:  # signs, units: not for the C parser
                continue
            hints.add(position)
            self.numbers[position] = {**note, "sampled_rows": SAMPLE_ROWS} if note else {}
            self.marks[position] = report.missing_marks.get(name, {})
        return hints

    def _read(self, **options: Any) -> pd.DataFrame:
        try:
            return pd.read_csv(
                self.path,
                encoding=self.encoding,
                sep=self.delimiter,
                header=None,
                names=range(self.width),
                skiprows=self.skip,
                skip_blank_lines=True,
                index_col=False,
                **options,
            )
        except UnicodeDecodeError:
            raise
        except Exception as exc:  # pandas' parser errors
            raise DataReadError(
                message("read_failed", path=self.path, detail=_explain(exc)), path=self.path
            ) from exc


def _late_undecodable(path: Path, encoding: str, head: bytes) -> DataReadError:
    return DataReadError(
        message("undecodable_late", path=path, encoding=encoding, size=f"{len(head):,}"),
        path=path,
        kind="encoding",
    )


def plain_text(path: Path, *, encoding: str | None, header_rows: int | None) -> bool:
    """Tell whether a delimited file needs nothing of the reader beyond parsing.

    Checked on its first megabyte (one header row, no title lines, no value the reader
    would change) and its last 64 kB (no footnotes). DuckDB may then stream it as it is.
    """
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
        whole = not stream.read(1)
        stream.seek(max(0, path.stat().st_size - (64 << 10)))
        tail = stream.read()
    used = encoding or guess_encoding(head, whole=whole)[0] or "cp949"
    try:
        text = codecs.getincrementaldecoder(used)(errors="replace").decode(head, final=whole)
    except LookupError:
        return False
    lines = text.splitlines()[: -1 if not whole else None]
    delimiter = sniff_delimiter(text[:SNIFF_CHARS], "\t" if path.suffix.lower() == ".tsv" else ",")
    tail_rows = list(
        csv.reader(tail.decode(used, errors="replace").splitlines()[-20:], delimiter=delimiter)
    )
    if footnote_count(tail_rows) or (header_rows or 1) > 1:
        return False
    rows = list(csv.reader(lines[:_LAYOUT_ROWS], delimiter=delimiter))
    layout = sniff_layout(rows, header_rows=header_rows)
    if layout.start or layout.header_rows > 1 or any(len(row) > len(layout.names) for row in rows):
        return False
    report = ReadReport()
    cells = pd.read_csv(
        io.StringIO("\n".join(lines)), sep=delimiter, header=None, names=layout.names,
        skiprows=1, dtype="str", na_filter=False, index_col=False,
    )  # fmt: skip
    tidy(cells, report, dict.fromkeys(INFERENCES, True) | {"dates": None}, first_line=2)
    report.date_columns = []
    return not report.changed


def text_encoding(path: Path, head: bytes, *, whole: bool, encoding: str | None) -> str:
    """Check a given encoding, or detect one, on a file's first bytes; name the bad byte."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ParameterError(
                message("unknown_encoding", encoding=repr(encoding)),
                parameter="encoding",
                got=encoding,
            ) from None
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=whole)
        except UnicodeDecodeError as exc:
            raise DataReadError(
                message(
                    "bad_encoding_byte",
                    path=path,
                    encoding=encoding,
                    offset=exc.start,
                    byte=repr(head[exc.start : exc.start + 1]),
                ),
                path=path,
            ) from exc
        return encoding
    used, bad = guess_encoding(head, whole=whole)
    if used is not None:
        return used
    return _undecodable(path, head, bad)


def _undecodable(path: Path, head: bytes, bad: int) -> str:
    from workbench.catalog._sniff import mostly_hangul

    if mostly_hangul(head):
        raise DataReadError(
            message("undecodable_damaged", path=path, offset=bad, byte=head[bad : bad + 2]),
            path=path,
            kind="encoding",
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    raise DataReadError(
        message("undecodable_not_text", path=path, offset=bad, byte=head[bad : bad + 1]),
        path=path,
        kind="encoding",
    )


def _explain(exc: Exception) -> str:
    match = _C_ERROR_LINE.search(str(exc))
    if match is None:
        return str(exc)
    expected, line, saw = match.groups()
    return message("ragged_line", line=line, saw=saw, expected=expected)


def _check_ragged(path: Path, cells: pd.DataFrame, width: int, skip: int) -> None:
    """Refuse rows with values beyond the header's width: reading them would shift columns."""
    for column in cells.columns[width:]:
        filled = cells[column].str.strip().ne("") & cells[column].notna()
        if filled.any():
            row = int(filled.to_numpy().argmax())
            raise DataReadError(
                f"{path}: {skip + row + 1}번째 줄에 머리글({width}칸)보다 칸이 많습니다. "
                "값 안의 쉼표를 따옴표로 감싸거나 그 줄을 고치세요 (열이 밀려 읽히지 않도록 "
                "읽기를 멈췄습니다).",
                path=path,
            )


def read_workbook(
    path: Path,
    *,
    sheet: str | int | None,
    header_rows: int | None,
    infer: Mapping[str, bool | None],
    limits: Limits,
) -> tuple[pd.DataFrame, ReadReport]:
    """Read one sheet of a workbook: layout from merged cells and repeats, cells typed."""
    found = read_sheet(path, sheet, limits)
    rows = found.rows
    layout = sniff_layout(
        rows[:_LAYOUT_ROWS],
        header_rows=header_rows,
        spans=found.merges,
        preamble=bool(infer["layout"]),
    )
    report = ReadReport(source=str(path), format=path.suffix.lower().lstrip("."), sheet=found.name)
    report.preamble, report.header_rows = layout.preamble, layout.header_rows
    report.first_line = layout.skip + 1
    report.formulas_without_values = found.formulas_without_values
    report.formula_count = found.formula_count
    width = len(layout.names)
    body = [_padded(row, width) for row in rows[layout.skip :]]
    body = _without_blank_rows(body)
    cells = pd.DataFrame(body, columns=range(width), dtype=object) if body else None
    if cells is None:
        cells = pd.DataFrame({i: pd.Series([], dtype="str") for i in range(width)})
    cells.columns = layout.names
    frame = tidy(cells, report, infer, first_line=layout.skip + 1)
    return frame, report


def _padded(row: list[Any], width: int) -> list[Any]:
    cells = [None if cell == "" else cell for cell in row[:width]]
    return cells + [None] * (width - len(cells))


def _without_blank_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop wholly empty rows (as pandas does), keeping the order of the others."""
    return [row for row in rows if any(cell is not None for cell in row)]
