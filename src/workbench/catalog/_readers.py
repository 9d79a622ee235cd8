"""Robust table readers: one entry, :func:`read_table`, for every file the workbench reads.

Korean administrative files arrive as UTF-8, UTF-8 with a byte-order mark, or CP949
(EUC-KR), with commas, tabs, semicolons or pipes, with titles above the table and notes
below it, numbers written with separators and marks for missing cells, and codes whose
leading zeros matter. :func:`read_table` returns them analysis-ready and says what it did
in a read report (``df.attrs["read_report"]``, or ``report=True``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, overload

import pandas as pd

from workbench import samples
from workbench.catalog._excel import EXCEL_SUFFIXES, Limits
from workbench.catalog._messages import message
from workbench.catalog._report import INFERENCES, ReadReport
from workbench.catalog._sniff import BOM
from workbench.catalog._sources import existing_file, is_sample_uri, parse_sample_uri
from workbench.catalog._tabular import read_delimited, read_workbook, text_encoding
from workbench.catalog._tidy import is_identifier_name
from workbench.exceptions import DataReadError, ParameterError

__all__ = ["Inference", "read_table"]

_T = TypeVar("_T")
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
#: ``infer=``: True or False for every inference, or a mapping / a collection of names.
Inference = bool | Mapping[str, bool | None] | Collection[str]


@overload
def read_table(
    source: str | os.PathLike[str],
    *,
    sheet: str | int | None = ...,
    encoding: str | None = ...,
    header_rows: int | None = ...,
    infer: Inference = ...,
    report: Literal[False] = ...,
    limits: Limits | None = ...,
) -> pd.DataFrame: ...


@overload
def read_table(
    source: str | os.PathLike[str],
    *,
    sheet: str | int | None = ...,
    encoding: str | None = ...,
    header_rows: int | None = ...,
    infer: Inference = ...,
    report: Literal[True],
    limits: Limits | None = ...,
) -> tuple[pd.DataFrame, ReadReport]: ...


def read_table(
    source: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    header_rows: int | None = None,
    infer: Inference = True,
    report: bool = False,
    limits: Limits | None = None,
) -> pd.DataFrame | tuple[pd.DataFrame, ReadReport]:
    """Read a table file, or a bundled sample, into an analysis-ready DataFrame.

    The format is chosen by the file's suffix: ``.csv``, ``.tsv`` and ``.txt`` (the
    delimiter is sniffed among ``,``, tab, ``;`` and ``|``), ``.xlsx``/``.xlsm``/``.xls``
    (python-calamine), ``.parquet``, and ``.json``/``.jsonl`` (an array of records or
    JSON lines).

    Text files are decoded as UTF-8 (a byte-order mark is dropped), then CP949, which
    also covers EUC-KR, then charset-normalizer's best guess. Identifier columns stay
    text: a column whose name contains 코드, 번호, ``ID``/``id`` or ``code``, or whose
    raw values have leading zeros (``"0123"``), is read as strings, so a 법정동코드 never
    turns into a number.

    CSV and Excel tables are made analysis-ready, each step recorded in the read report
    and switched by ``infer``:

    - ``layout``: title and note lines above the table are skipped; KOSIS-style header
      rows (a period repeated or merged over its measures) are flattened into one name,
      ``2026.04_총인구수 (명)``.
    - ``footnotes``: rows after the data starting ``주:``, ``자료:``, ``출처:``, ``※``.
    - ``numbers``: ``1,234``, ``(123)`` and ``△123`` (negative), ``▲12``, ``12.3%``,
      ``1,234명`` and numbers stored as text in Excel become numbers when every
      non-missing value of the column parses; otherwise the column stays text and the
      report says which value on which line stopped it.
    - ``missing``: ``-``, ``…``, ``x``, ``X``, ``(X)`` and blank cells in a numeric column
      are missing values (counted by mark in the report).
    - ``empty``: a column empty in every row (a trailing delimiter) is dropped.
    - ``codes``: cells like ``서울특별시 종로구  (1111000000)`` are split into the name and
      a ``<column>코드`` column.
    - ``summary``: rows whose first text columns say 전국, 합계, 소계, 계, 총계 are
      flagged in a boolean ``합계행`` column (``df[~df["합계행"]]`` leaves them out).
    - ``dates`` (listed, not converted, unless asked): a column whose every value is a
      date or a year-month (``2025-04-01``, ``2025-04``, ``2025.04``, ``2025년 4월``;
      ``202504`` and ``20250401`` when the column's name says date or month: 기준월,
      접수일, 연월, 시점, date...) is listed in the report and keeps its text (never a
      number); with ``infer={"dates": True}`` it becomes datetimes (a year-month is its
      first day).

    Parameters
    ----------
    source : str or os.PathLike
        A file path, or ``sample://NAME`` with optional query parameters, e.g.
        ``sample://households?n=500&seed=3`` -- see :mod:`workbench.samples`.
    sheet : str or int, optional
        Excel only: the sheet's name or zero-based index. Default: the first visible one.
    encoding : str, optional
        Text files only: the encoding to use instead of detecting it.
    header_rows : int, optional
        CSV and Excel: how many rows (after any title lines) form the header, instead of
        detecting them. Several rows are flattened into one name per column: a merged
        cell's value fills its span, levels are joined with ``_`` (``2024_인구``).
    infer : bool, mapping or collection of str
        ``True`` (default) for every inference above, ``False`` for none (the cells as
        text, one header row), a mapping such as ``{"numbers": False}`` or
        ``{"dates": True}``, or the names of the inferences to keep.
    report : bool
        Also return the :class:`~workbench.catalog.ReadReport`.
    limits : Limits, optional
        Excel: the most rows and decompressed bytes accepted (a zip bomb is refused).

    Returns
    -------
    pandas.DataFrame, or (pandas.DataFrame, ReadReport)
        The table. ``df.attrs``: ``"source"`` (absolute path or sample URI),
        ``"encoding"`` (text files), ``"sheet"`` and ``"header_rows"`` (Excel and CSV),
        and ``"read_report"`` (the report as a dict).

    Raises
    ------
    DataReadError
        If the file is missing, its suffix is not supported, it cannot be decoded, it is
        truncated or not what its suffix says, it exceeds the limits, the sheet does not
        exist, or a row has more values than the header (naming the line).
    ParameterError
        If a ``sample://`` URI names an unknown sample or parameter, ``sheet`` is given
        for a file that is not a workbook, ``header_rows`` is not an int >= 1, or
        ``infer`` names an unknown inference.

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
        found = ReadReport(source=str(source), format="sample", rows=len(frame))
        found.columns = frame.shape[1]
        return (frame, found) if report else frame

    path = existing_file(source)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise DataReadError(
            message(
                "suffix_unknown",
                path=path,
                suffix=f"'{suffix}'" if suffix else message("no_suffix"),
                known=", ".join(f"'{s}'" for s in _READERS),
            ),
            path=path,
            kind="format",
        )
    is_excel = suffix in EXCEL_SUFFIXES
    if sheet is not None and not is_excel:
        raise ParameterError(
            message("sheet_not_excel", sheet=repr(sheet), path=path.name),
            parameter="sheet",
            got=sheet,
        )
    if header_rows is not None:
        valid = isinstance(header_rows, int) and not isinstance(header_rows, bool)
        if not valid or header_rows < 1:
            raise ParameterError(
                message("header_rows_invalid", value=repr(header_rows)),
                parameter="header_rows",
                expected="int >= 1",
                got=header_rows,
            )
        if header_rows > 1 and not (is_excel or suffix in _TEXT_SUFFIXES):
            raise ParameterError(
                message("header_rows_not_table", value=header_rows, path=path.name),
                parameter="header_rows",
                got=header_rows,
            )
    switches = _switches(infer)
    if is_excel:
        frame, found = read_workbook(
            path, sheet=sheet, header_rows=header_rows, infer=switches, limits=limits or Limits()
        )
        frame.attrs.update(sheet=found.sheet, header_rows=found.header_rows)
    elif suffix in _TEXT_SUFFIXES:
        frame, found = read_delimited(
            path, encoding=encoding, header_rows=header_rows, infer=switches
        )
        frame.attrs.update(encoding=found.encoding, header_rows=found.header_rows)
    else:
        frame = reader(path, encoding=encoding)
        found = ReadReport(source=str(path), format=suffix.lstrip("."), rows=len(frame))
        found.columns, found.encoding = frame.shape[1], frame.attrs.get("encoding")
    frame.attrs["source"] = str(path)
    frame.attrs["read_report"] = found.to_dict()
    return (frame, found) if report else frame


def _switches(infer: Inference) -> dict[str, Any]:
    """Turn ``infer=`` into one switch per inference (``dates``: None means report only)."""
    defaults: dict[str, Any] = dict.fromkeys(INFERENCES, True) | {"dates": None}
    if isinstance(infer, bool):
        return defaults if infer else dict.fromkeys(INFERENCES, False)
    names = list(infer)
    unknown = [name for name in names if name not in INFERENCES]
    if unknown:
        raise ParameterError(
            message(
                "infer_unknown",
                unknown=", ".join(map(repr, unknown)),
                known=", ".join(map(repr, INFERENCES)),
            ),
            parameter="infer",
            expected=list(INFERENCES),
            got=unknown,
            kind="unknown",
        )
    if isinstance(infer, Mapping):
        return defaults | dict(infer)
    return dict.fromkeys(INFERENCES, False) | {name: True for name in names}


# --- text decoding ---------------------------------------------------------------------


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """Decode ``data`` as a delimited file's would be; drop a byte-order mark."""
    used = text_encoding(path, data, whole=True, encoding=encoding)
    return data.decode(used).removeprefix(BOM), used


# --- readers -----------------------------------------------------------------------------


def _identifiers_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn typed identifier columns (Parquet, JSON) into text; ``1.0`` becomes "1"."""
    for column in frame.columns:
        series = frame[column]
        if not is_identifier_name(column) or pd.api.types.is_string_dtype(series):
            continue
        texts = series.map(_identifier_text, na_action="ignore")
        frame[column] = texts.astype("str")
    return frame


def _identifier_text(value: Any) -> str:
    """Write a number as an identifier: ``1111010100.0`` (float after NaN) as digits."""
    is_whole = isinstance(value, float) and value.is_integer()
    return str(int(value)) if is_whole else str(value)


def _read_parquet(path: Path, *, encoding: str | None) -> pd.DataFrame:
    frame = _wrap_errors(path, lambda: pd.read_parquet(path, engine="pyarrow"))
    return _identifiers_as_text(frame)


def _read_json(path: Path, *, encoding: str | None) -> pd.DataFrame:
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
            detail = f"{exc.msg} ({exc.lineno}번째 줄)"
            raise DataReadError(
                message("read_failed", path=path, detail=detail), path=path
            ) from exc
    else:
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                detail = message("json_line", number=number, error=exc.msg)
                raise DataReadError(
                    message("read_failed", path=path, detail=detail), path=path
                ) from exc
    if not all(isinstance(record, dict) for record in records):
        raise DataReadError(message("json_not_records", path=path), path=path)
    return records


def _wrap_errors(path: Path, read: Callable[[], _T]) -> _T:
    """Run ``read``, turning parser and format errors into :class:`DataReadError`."""
    try:
        return read()
    except (DataReadError, ParameterError):
        raise
    except Exception as exc:  # pandas, pyarrow and openpyxl raise many unrelated types
        raise DataReadError(message("read_failed", path=path, detail=exc), path=path) from exc


def _tabular(path: Path, *, encoding: str | None) -> pd.DataFrame:
    raise AssertionError("read_table reads CSV and Excel itself")  # pragma: no cover


_READERS: dict[str, Callable[..., pd.DataFrame]] = {
    ".csv": _tabular,
    ".tsv": _tabular,
    ".txt": _tabular,
    ".xlsx": _tabular,
    ".xlsm": _tabular,
    ".xls": _tabular,
    ".parquet": _read_parquet,
    ".json": _read_json,
    ".jsonl": _read_json,
}
