"""Robust table readers: CSV with encoding detection, Excel, Parquet, JSON, samples.

Korean administrative files arrive as UTF-8, UTF-8 with a byte-order mark, or CP949
(EUC-KR), with commas, tabs, semicolons or pipes, and with codes whose leading zeros
matter. :func:`read_table` hides those differences and keeps identifiers as text.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from posixpath import join, normpath
from typing import Any, TypeVar

import pandas as pd

from workbench import samples
from workbench.catalog._headers import _BOM, _SNIFF_CHARS, _sniff_delimiter
from workbench.catalog._sources import existing_file, is_sample_uri, parse_sample_uri
from workbench.catalog._transcode import _mostly_hangul
from workbench.exceptions import DataReadError, ParameterError

__all__ = ["read_table"]

# Tried in order when no encoding is given; charset-normalizer's guess comes last.
_ENCODINGS_TRIED = ("utf-8", "cp949")
_T = TypeVar("_T")

# Column names that mark identifiers: 법정동코드, 주민등록번호, 가구ID, user_id, userId,
# zip_code. "id" must stand alone (id, user_id, 가구id) or end a camelCase word (userId),
# so that "valid" or "width" do not match; "ID" in capitals may sit anywhere.
_IDENTIFIER_NAME = re.compile(
    r"코드|번호|ID|(?i:code)|[a-z]Id(?![a-z])|(?:^|[^A-Za-z])[Ii][Dd](?![a-z])"
)
# A value like "01" or "0012345": a zero followed by more digits.
_LEADING_ZERO = re.compile(r"^\s*0\d")


def read_table(
    source: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    header_rows: int | None = None,
) -> pd.DataFrame:
    """Read a table file, or a bundled sample, into a DataFrame.

    The format is chosen by the file's suffix: ``.csv``, ``.tsv`` and ``.txt`` (the
    delimiter is sniffed among ``,``, tab, ``;`` and ``|``), ``.xlsx``/``.xlsm``,
    ``.parquet``, and ``.json``/``.jsonl`` (an array of records or JSON lines).

    Text files are decoded as UTF-8 (a byte-order mark is dropped), then CP949, which
    also covers EUC-KR, then charset-normalizer's best guess. Identifier columns stay
    text: a column whose name contains 코드, 번호, ``ID``/``id`` or ``code``, or whose
    raw values have leading zeros (``"0123"``), is read as strings, so a 법정동코드 never
    turns into a number. Other columns get pandas' usual type inference.

    Parameters
    ----------
    source : str or os.PathLike
        A file path, or ``sample://NAME`` with optional query parameters, e.g.
        ``sample://households?n=500&seed=3`` (values that look like integers are
        passed as ints) -- see :mod:`workbench.samples`.
    sheet : str or int, optional
        Excel only: the sheet's name or zero-based index. Default: the first sheet.
    encoding : str, optional
        Text files only: the encoding to use instead of detecting it.
    header_rows : int, optional
        Excel only: how many rows at the top form the header. With 2 or more, the rows
        are flattened into one name per column: a merged cell's value fills its whole
        span horizontally, the levels are joined with ``_`` (``2024_인구``), empty parts
        are dropped, and repeated names get ``.1``, ``.2`` as pandas does. Not given:
        detected from the merged cells at the top of the sheet (see Notes); other
        formats always have one header row.

    Returns
    -------
    pandas.DataFrame
        The table. ``df.attrs["source"]`` holds the absolute path (or the sample URI);
        for text files ``df.attrs["encoding"]`` holds the encoding used, and for Excel
        ``df.attrs["sheet"]`` the sheet's name and ``df.attrs["header_rows"]`` the
        number of header rows used.

    Raises
    ------
    DataReadError
        If the file is missing, its suffix is not supported, it cannot be decoded, the
        sheet does not exist, or the parser fails (the message keeps the parser's line
        number).
    ParameterError
        If a ``sample://`` URI names an unknown sample or parameter, ``sheet`` or
        ``header_rows`` > 1 is given for a file that is not a workbook, or
        ``header_rows`` is not an int >= 1.

    Notes
    -----
    Header detection in Excel is deliberately conservative; without merged cells in the
    first row the header is one row, as before. The header grows to cover every merged
    cell that starts inside it (a cell merged down over rows 1-2 makes two header
    rows), and a cell merged across columns adds the row below when that row holds text,
    and only text, under it (the sub-headers; a row with numbers is data). A first row
    that is one merged title across the whole width is not a header: nothing is guessed
    and one header row is used. Pass ``header_rows`` whenever the layout is known.

    Examples
    --------
    >>> df = read_table("sample://households?n=20&seed=1")
    >>> df.shape, df.attrs["source"]
    ((20, 11), 'sample://households?n=20&seed=1')
    """
    if is_sample_uri(source):
        name, params = parse_sample_uri(str(source))
        frame = samples.get(name, **params)
        frame.attrs["source"] = str(source)
        return frame

    path = existing_file(source)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise DataReadError(
            f"Cannot read {path}: unsupported file type {suffix or '(no suffix)'!r}. "
            f"Supported suffixes: {', '.join(_READERS)}."
        )
    is_excel = suffix in (".xlsx", ".xlsm")
    if sheet is not None and not is_excel:
        raise ParameterError(
            f"The 'sheet' parameter of read_table only applies to Excel workbooks "
            f"(.xlsx, .xlsm). Got sheet={sheet!r} for {path}.",
            parameter="sheet",
        )
    if header_rows is not None:
        valid = isinstance(header_rows, int) and not isinstance(header_rows, bool)
        if not valid or header_rows < 1:
            raise ParameterError(
                f"The 'header_rows' parameter of read_table must be an int >= 1. "
                f"Got {header_rows!r} instead.",
                parameter="header_rows",
            )
        if header_rows > 1 and not is_excel:
            raise ParameterError(
                f"The 'header_rows' parameter of read_table only applies to Excel "
                f"workbooks (.xlsx, .xlsm); other files have one header row. Got "
                f"header_rows={header_rows} for {path}.",
                parameter="header_rows",
            )
    options: dict[str, Any] = {"header_rows": header_rows} if is_excel else {}
    frame = reader(path, sheet=sheet, encoding=encoding, **options)
    frame.attrs["source"] = str(path)
    return frame


# --- text decoding ---------------------------------------------------------------------


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding used)``; drop a byte-order mark."""
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise ParameterError(
                f"The 'encoding' parameter of read_table must be a known text encoding "
                f"such as 'utf-8' or 'cp949'. Got {encoding!r} instead.",
                parameter="encoding",
            ) from None
        except UnicodeDecodeError as exc:
            raise DataReadError(
                f"Cannot decode {path} as {encoding}: byte {exc.start} "
                f"({data[exc.start : exc.start + 1]!r}) is invalid. Leave the encoding "
                f"out to detect it, or give the right one (e.g. 'cp949')."
            ) from exc
        return text.removeprefix(_BOM), encoding

    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = bom + exc.start
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError as exc:
        cp949_bad = exc.start
    # Korean text with a damaged byte is reported, not guessed: charset-normalizer would
    # happily call it, say, ISO-8859-5 and hand back mojibake.
    if _mostly_hangul(data):
        raise DataReadError(
            f"Cannot decode {path}: byte offset {cp949_bad} "
            f"({data[cp949_bad : cp949_bad + 2]!r}) is not valid CP949, though the file reads "
            f"as Korean CP949 text elsewhere (and byte offset {first_bad} is not valid UTF-8). "
            f"Tried: {', '.join(_ENCODINGS_TRIED)}. The file is probably damaged there; "
            "re-export it, or pass encoding=... if you know it."
        )
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is not None:
        return str(guess).removeprefix(_BOM), guess.encoding
    raise DataReadError(
        f"Cannot decode {path}: byte offset {first_bad} "
        f"({data[first_bad : first_bad + 1]!r}) is not valid UTF-8, and the file is not "
        f"CP949/EUC-KR either. Tried: {', '.join(_ENCODINGS_TRIED)}, charset-normalizer. "
        "Pass encoding=... if you know it, or re-save the file as UTF-8."
    )


# --- identifier columns ----------------------------------------------------------------


def _is_identifier_name(name: object) -> bool:
    """Tell whether a column name marks an identifier (코드, 번호, ID, id, code)."""
    return _IDENTIFIER_NAME.search(str(name)) is not None


def _identifier_columns(raw: pd.DataFrame) -> list[Any]:
    """Columns of an all-text frame that must stay text: by name or by leading zeros."""

    def has_leading_zeros(values: pd.Series) -> bool:
        if not pd.api.types.is_string_dtype(values):  # Excel: numbers beside text
            values = values[values.map(lambda value: isinstance(value, str))]
        return bool(values.astype(str).str.match(_LEADING_ZERO).any())

    return [
        column
        for column in raw.columns
        if _is_identifier_name(column) or has_leading_zeros(raw[column].dropna())
    ]


def _identifiers_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn typed identifier columns (Parquet, JSON) into text; ``1.0`` becomes "1"."""
    for column in frame.columns:
        series = frame[column]
        if not _is_identifier_name(column) or pd.api.types.is_string_dtype(series):
            continue
        texts = series.map(_identifier_text, na_action="ignore")
        frame[column] = texts.astype("str")
    return frame


def _identifier_text(value: Any) -> str:
    """Write a number as an identifier: ``1111010100.0`` (float after NaN) as digits."""
    is_whole = isinstance(value, float) and value.is_integer()
    return str(int(value)) if is_whole else str(value)


# --- readers -----------------------------------------------------------------------------


def _read_delimited(path: Path, *, sheet: object, encoding: str | None) -> pd.DataFrame:
    text, used = _decode(path, path.read_bytes(), encoding)
    default = "\t" if path.suffix.lower() == ".tsv" else ","
    delimiter = _sniff_delimiter(text[:_SNIFF_CHARS], default)

    def parse(**options: Any) -> pd.DataFrame:
        return pd.read_csv(io.StringIO(text), sep=delimiter, **options)

    raw = _wrap_errors(path, lambda: parse(dtype=str))
    text_columns = _identifier_columns(raw)
    frame = _wrap_errors(path, lambda: parse(dtype=dict.fromkeys(text_columns, str)))
    frame.attrs["encoding"] = used
    return frame


def _read_excel(
    path: Path, *, sheet: str | int | None, encoding: str | None, header_rows: int | None
) -> pd.DataFrame:
    try:
        workbook = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:
        raise DataReadError(f"Failed while reading {path}: {exc}") from exc
    with workbook:
        chosen = _choose_sheet(path, workbook.sheet_names, sheet)
        # One header row needs no merged cells: skip scanning the sheet for them.
        merges = (
            [] if header_rows == 1 else _wrap_errors(path, lambda: _merged_ranges(path, chosen))
        )
        top = _top_rows(workbook.book[chosen], max(header_rows or 1, 10))
        depth = header_rows or _detect_header_rows(top, merges)
        names = _flatten_header(top[:depth], merges) if depth > 1 else None

        def read(dtype: Any) -> pd.DataFrame:
            if names is None:
                return pd.read_excel(workbook, sheet_name=chosen, dtype=dtype)
            frame = pd.read_excel(
                workbook, sheet_name=chosen, dtype=dtype, header=None, skiprows=depth
            )
            return _named(frame, names)

        # Excel stores "0123" typed as text, but read_excel would still turn it into 123.
        raw = _wrap_errors(path, lambda: read(object))
        text_columns = _identifier_columns(raw)
        positions = [raw.columns.get_loc(c) for c in text_columns]
        dtypes = dict.fromkeys(positions if names else text_columns, str)
        frame = _wrap_errors(path, lambda: read(dtypes))
    frame.attrs["sheet"] = chosen
    frame.attrs["header_rows"] = depth
    return frame


# A merged range as (first column, first row, last column, last row), 1-based.
_Range = tuple[int, int, int, int]
_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _merged_ranges(path: Path, sheet: str) -> list[_Range]:
    """Read a sheet's merged ranges from the file (read-only openpyxl does not keep them).

    The sheet's XML is scanned in blocks, so a large sheet is never held in memory.
    """
    from xml.etree import ElementTree

    from openpyxl.utils.cell import range_boundaries

    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
        rel_id = next(
            node.get(f"{{{_REL_NS}}}id")
            for node in book.iter()
            if node.tag.endswith("}sheet") and node.get("name") == sheet
        )
        target = targets[rel_id]
        member = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
        found: set[bytes] = set()
        tail = b""
        with archive.open(member) as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                found.update(_MERGE_REF.findall(tail + block))
                tail = block[-200:]  # a tag cut at a block's end is found with the next
    return sorted(tuple(range_boundaries(ref.decode())) for ref in found)  # type: ignore[misc]


def _top_rows(worksheet: Any, count: int) -> list[list[Any]]:
    """Return the first ``count`` rows' values, padded to one width (from column A, as pandas)."""
    rows = [list(row) for row in worksheet.iter_rows(max_row=count, values_only=True)]
    width = max((len(row) for row in rows), default=0)
    return [row + [None] * (width - len(row)) for row in rows]


def _detect_header_rows(top: list[list[Any]], merges: list[_Range]) -> int:
    """Count the header rows from the merged cells at the top (see read_table's Notes)."""
    used = [i + 1 for row in top[:1] for i, value in enumerate(row) if not _blank(value)]
    if not used:
        return 1  # the first row is empty: nothing to go by
    if any(c2 > c1 and r1 == 1 and c1 <= used[0] and c2 >= used[-1] for c1, r1, c2, _ in merges):
        return 1  # one merged title over the whole width, not a header
    depth, grown = 1, True
    while grown and depth < len(top):
        grown = False
        for c1, r1, c2, r2 in merges:
            if r1 > depth:
                continue
            bottom = r2
            if c2 > c1 and r1 == r2 and r1 < len(top) and _sub_headers(top[r1], c1, c2):
                bottom = r1 + 1
            if bottom > depth:
                depth, grown = min(bottom, len(top)), True
    return depth


def _sub_headers(row: list[Any], first: int, last: int) -> bool:
    """Tell whether a row holds text under columns first..last and nothing but text."""
    under = row[first - 1 : last]
    return any(isinstance(v, str) and v.strip() for v in under) and all(
        _blank(v) or isinstance(v, str) for v in row
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _flatten_header(rows: list[list[Any]], merges: list[_Range]) -> list[str]:
    """One name per column from several header rows: ``2024`` over ``인구`` -> ``2024_인구``."""
    grid = [[_header_text(value) for value in row] for row in rows]
    for c1, r1, c2, _ in merges:
        if r1 <= len(grid):  # the top-left value fills the merged span horizontally
            row = grid[r1 - 1]
            row[c1 - 1 : c2] = [row[c1 - 1]] * len(row[c1 - 1 : c2])
    names: list[str] = []
    for index in range(len(grid[0]) if grid else 0):
        parts: list[str] = []
        for row in grid:
            if row[index] and (not parts or parts[-1] != row[index]):
                parts.append(row[index])
        names.append("_".join(parts) or f"Unnamed: {index}")
    return _unique(names)


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a year typed as a number
    elif hasattr(value, "isoformat"):
        value = value.isoformat().removesuffix("T00:00:00")
    return " ".join(str(value).split())


def _unique(names: list[str]) -> list[str]:
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


def _named(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Name the columns of a frame read without a header; extra columns get pandas' names."""
    extra = [f"Unnamed: {i}" for i in range(len(names), frame.shape[1])]
    frame.columns = _unique(names + extra)[: frame.shape[1]]
    for name in names[frame.shape[1] :]:  # a named column with no data at all
        frame[name] = pd.Series([None] * len(frame), dtype=object)
    return frame


def _choose_sheet(path: Path, names: list[Any], sheet: str | int | None) -> str:
    if sheet is None:
        sheet = 0
    if isinstance(sheet, int) and not isinstance(sheet, bool) and -len(names) <= sheet < len(names):
        return str(names[sheet])
    if isinstance(sheet, str) and sheet in names:
        return sheet
    raise DataReadError(
        f"Sheet {sheet!r} not found in {path}. Its sheets are: "
        f"{', '.join(repr(str(name)) for name in names)} "
        f"(by name, or by zero-based index 0 to {len(names) - 1})."
    )


def _read_parquet(path: Path, *, sheet: object, encoding: str | None) -> pd.DataFrame:
    frame = _wrap_errors(path, lambda: pd.read_parquet(path, engine="pyarrow"))
    return _identifiers_as_text(frame)


def _read_json(path: Path, *, sheet: object, encoding: str | None) -> pd.DataFrame:
    text, used = _decode(path, path.read_bytes(), encoding)
    records = _json_records(path, text)
    # Built from the parsed values, not pd.read_json, which turns "0123" into 123.
    frame = _identifiers_as_text(pd.DataFrame.from_records(records))
    frame.attrs["encoding"] = used
    return frame


def _json_records(path: Path, text: str) -> list[dict[str, Any]]:
    """Parse an array of objects, or one object per line (JSON lines)."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise DataReadError(f"Failed while reading {path}: {exc}") from exc
    else:
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DataReadError(
                    f"Failed while reading {path}: line {number} is not valid JSON ({exc})."
                ) from exc
    if not all(isinstance(record, dict) for record in records):
        raise DataReadError(
            f"Cannot read {path}: expected an array of objects or one object per line "
            '(JSON lines), e.g. [{"가구ID": "H000001", ...}, ...].'
        )
    return records


def _wrap_errors(path: Path, read: Callable[[], _T]) -> _T:
    """Run ``read``, turning parser and format errors into :class:`DataReadError`."""
    try:
        return read()
    except (DataReadError, ParameterError):
        raise
    except Exception as exc:  # pandas, pyarrow and openpyxl raise many unrelated types
        raise DataReadError(f"Failed while reading {path}: {exc}") from exc


_READERS: dict[str, Callable[..., pd.DataFrame]] = {
    ".csv": _read_delimited,
    ".tsv": _read_delimited,
    ".txt": _read_delimited,
    ".xlsx": _read_excel,
    ".xlsm": _read_excel,
    ".parquet": _read_parquet,
    ".json": _read_json,
    ".jsonl": _read_json,
}
