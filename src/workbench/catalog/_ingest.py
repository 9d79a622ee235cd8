"""A delimited file into the catalog's table cache through the one reader.

``catalog.load`` of a CSV gives the frame :func:`workbench.catalog.read_table` gives (the
same layout, numbers, marks, summary rows), then the types declared in catalog.yml. The
frame is written once per content as Arrow IPC, which later loads map without parsing.
An ``aggregate`` may stream the text through DuckDB instead, but only when the file is
*plain* -- nothing the reader would change -- so both routes agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from workbench._io import atomic_path
from workbench.catalog._messages import message
from workbench.catalog._model import DatasetEntry
from workbench.catalog._readers import read_table
from workbench.catalog._report import ReadReport
from workbench.catalog._tabular import plain_text
from workbench.catalog._tidy import MISSING_MARKS
from workbench.exceptions import DataReadError

__all__ = ["ingest", "is_plain"]


def is_plain(entry: DatasetEntry, path: Path) -> bool:
    """Tell whether DuckDB may read ``path`` as it is (see :func:`._tabular.plain_text`)."""
    return plain_text(path, encoding=entry.encoding, header_rows=entry.header_rows)


def ingest(entry: DatasetEntry, path: Path, target: Path, source: str) -> None:
    """Read ``path`` with the reader, apply declared types, write ``target`` atomically."""
    frame, report = read_table(
        path, encoding=entry.encoding, header_rows=entry.header_rows, report=True
    )
    frame = declared_types(entry, frame, report, source)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = {
        b"workbench.encoding": (report.encoding or "").encode(),
        b"workbench.read_report": json.dumps(report.to_dict(), ensure_ascii=False).encode(),
    }
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
    with atomic_path(target) as tmp, pa.ipc.new_file(str(tmp), table.schema) as writer:
        writer.write_table(table, max_chunksize=1 << 20)


def declared_types(
    entry: DatasetEntry, frame: pd.DataFrame, report: ReadReport, source: str
) -> pd.DataFrame:
    """Cast the columns whose ``type`` catalog.yml declares; name a value that does not fit."""
    for name, column in entry.columns.items():
        if name not in frame.columns:
            continue
        series = frame[name]
        try:
            frame[name] = _cast(series, column.type)
        except (ValueError, TypeError):
            bad_row, value = _first_misfit(series, column.type)
            line = report.first_line + bad_row
            raise DataReadError(
                message(
                    "load_failed",
                    dataset=f"자료 '{entry.name}'",
                    source=source,
                    problem=message(
                        "value_misfit",
                        line=line,
                        column=name,
                        value=repr(value),
                        type=repr(column.type),
                        why=message("type_declared", type=repr(column.type)),
                    ),
                ),
                path=source,
                dataset=entry.name,
                column=name,
                line=line,
                kind="type",
            ) from None
    return frame


def _cast(series: pd.Series, kind: str) -> pd.Series:
    if kind in ("date", "datetime"):
        values = pd.to_datetime(series, errors="raise")
        return values.dt.normalize() if kind == "date" else values
    if kind in ("str", "text"):
        if pd.api.types.is_string_dtype(series):
            return series
        texts = series.map(_number_text, na_action="ignore")
        return texts.astype("str")
    if kind in ("int", "float") and pd.api.types.is_string_dtype(series):
        series = _as_written_numbers(series)
    if kind == "int":
        numbers = pd.to_numeric(series, errors="raise")
        if numbers.isna().any():
            return numbers.astype("float64")
        if (numbers % 1 != 0).any():
            raise ValueError("정수가 아닌 값")  # caught by declared_types
        return numbers.astype("int64")
    if kind == "bool" and not pd.api.types.is_bool_dtype(series):
        raise TypeError("참/거짓이 아닌 값")  # caught by declared_types
    if kind == "float":
        return pd.to_numeric(series, errors="raise").astype("float64")
    return series


#: A number as agencies write it: ``1,200``, ``-3,400.5`` (thousands separators).
_SEPARATED = r"^\s*[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$"


def _as_written_numbers(texts: pd.Series) -> pd.Series:
    """Return the numbers of a declared number column the reader kept as text.

    The reader keeps a column as text when one value is no number; before the cast,
    thousands separators are dropped and statistical missing marks (``-``, ``…``, ``X``)
    and blanks become missing, so only a value that is really no number is refused.
    """
    stripped = texts.str.strip()
    separated = stripped.str.match(_SEPARATED, na=False)
    values = stripped.where(~separated, stripped.str.replace(",", "", regex=False))
    return values.mask(values.isin(MISSING_MARKS) | (values == ""))


def _number_text(value: Any) -> str:
    is_whole = isinstance(value, float) and value.is_integer()
    return str(int(value)) if is_whole else str(value)


def _first_misfit(series: pd.Series, kind: str) -> tuple[int, Any]:
    for row, value in enumerate(series):
        try:
            _cast(pd.Series([value]), kind)
        except (ValueError, TypeError):
            return row, value
    return 0, series.iloc[0] if len(series) else None
