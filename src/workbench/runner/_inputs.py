"""A run's inputs: files, bundled samples, or catalog datasets — resolved and hashed.

An input parameter may hold a path (made absolute), a ``sample://`` URI, or a catalog
dataset: ``catalog:NAME``, or just ``NAME`` when no file of that name exists. A catalog
dataset is checked (it exists, and the project's ethics record allows it) before any
kernel starts; the kernel then loads it by name, so credentials never pass through the
parameters, the manifest or the executed notebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.catalog import (
    CATALOG_SCHEME,
    fingerprint,
    is_catalog_uri,
    is_sample_uri,
    missing_columns_error,
    split_column_map,
)
from workbench.catalog import COLUMN_MAP_PARAMETER as COLUMN_MAP
from workbench.exceptions import DataReadError, ParameterError, WorkbenchError
from workbench.runner import _manifest as mf
from workbench.runner._limits import regular_file
from workbench.runner._messages import message
from workbench.runner._registry import Analysis

__all__ = ["input_fingerprint", "input_missing", "resolve_inputs"]


def _catalog() -> Any:
    from workbench.catalog import open_catalog

    return open_catalog()


def input_fingerprint(value: str) -> str:
    """Return the sha256 of an input's content, whatever kind of input it is."""
    if is_catalog_uri(value):
        return str(_catalog().fingerprint(value[len(CATALOG_SCHEME) :]))
    return fingerprint(value)


def input_missing(value: str) -> bool:
    """Tell whether a recorded input can no longer be found."""
    if is_sample_uri(value):
        return False
    if is_catalog_uri(value):
        name = value[len(CATALOG_SCHEME) :]
        catalog = _catalog()
        return name not in catalog or not catalog.exists(name)
    return not Path(value).is_file()


def _resolve(name: str, value: str) -> str:
    if is_sample_uri(value):
        return value
    if is_catalog_uri(value):
        dataset = value[len(CATALOG_SCHEME) :]
    else:
        path = Path(value).expanduser().resolve()
        if path.exists():
            # A FIFO or a device would block or never end the hashing and the read.
            where = f"입력 매개변수 '{name}':"
            return str(regular_file(path, "입력 파일", option=where, parameter=name))
        looks_like_path = "/" in value or "\\" in value or bool(Path(value).suffix)
        if looks_like_path:
            raise ParameterError(message("input_not_found", name=name, path=path), name)
        if value not in _catalog():
            raise ParameterError(
                message("input_unknown", name=name, path=path, value=value), parameter=name
            )
        dataset = value
    try:
        _catalog().check_access(dataset)
    except WorkbenchError as exc:
        raise ParameterError(message("input_refused", name=name, reason=exc), name) from None
    return CATALOG_SCHEME + dataset


def _available_columns(value: str) -> list[str] | None:
    """Return the input's column names, or None if they cannot be known without a load."""
    if is_sample_uri(value):
        from workbench.catalog import read_table

        return [str(c) for c in read_table(value).columns]
    if is_catalog_uri(value):
        entry = _catalog()[value[len(CATALOG_SCHEME) :]]
        return list(entry.columns) or None
    from workbench.catalog import column_names

    return column_names(value)


def _check_readable(value: str) -> list[str] | None:
    """Refuse, before any kernel starts, a file input that cannot be read as a table.

    Text and Parquet files are read at their start (their header), whose column names
    are returned; a workbook is opened (its sheet list), not read (None). The error says
    in Korean what is wrong and what to do.
    """
    if is_sample_uri(value) or is_catalog_uri(value):
        return None
    suffix = Path(value).suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        from workbench.catalog import column_names

        names = column_names(value)
        if not names:
            raise DataReadError(
                f"{value}: 빈 파일입니다 (머리글 줄도 없음). 자료가 든 파일을 주세요."
            )
        return names
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(value).names)
        except Exception as exc:
            raise DataReadError(
                f"{value}: Parquet 파일이 아니거나 잘려 있어 열 수 없습니다 "
                f"({type(exc).__name__}). 파일을 다시 내려받거나 만든 프로그램에서 다시 저장하세요."
            ) from None
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        from python_calamine import CalamineWorkbook

        try:
            CalamineWorkbook.from_path(value)
        except Exception as exc:
            raise DataReadError(
                f"{value}: Excel 파일이 아니거나 손상되어 열 수 없습니다 ({type(exc).__name__}). "
                "내려받기가 끝까지 되었는지 확인하고, Excel에서 열어 다시 저장한 뒤 실행하세요."
            ) from None
    return None


def _header(value: str, wanted: bool) -> list[str] | None:
    """Check an input is readable; return its columns if ``wanted`` and knowable."""
    # The header read to check the file is the one the required columns are checked on.
    available = _check_readable(value)
    if available is None and wanted:
        available = _available_columns(value)
    return available


def _column_map(analysis: Analysis, params: dict[str, Any]) -> Any:
    """Return the analysis's column map (``columns``), if it declares that parameter."""
    param = analysis.parameter(COLUMN_MAP)
    if param is None or not isinstance(param.default, dict):
        return {}
    return params.get(COLUMN_MAP) or {}


def resolve_inputs(analysis: Analysis, params: dict[str, Any]) -> list[mf.InputRecord]:
    """Resolve each declared input (in ``params``), check it is there, and hash it.

    Each input's required columns are checked on its header after the analysis's
    column map (``columns``) renames them; a map key in no input, or a required column
    still missing, is refused with the closest columns and the ``-p columns`` fix.
    """
    column_map = _column_map(analysis, params)
    files: dict[str, str] = {}
    required: dict[str, list[str]] = {}
    for name in analysis.meta.inputs:
        value = params.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise ParameterError(message("input_not_path", name=name, value=repr(value)), name)
        files[name] = params[name] = _resolve(name, value)
        # A required column may name a parameter, e.g. "{outcome}": the user's column.
        required[name] = [str(c).format_map(params) for c in analysis.meta.inputs[name].columns]
    headers = {
        name: _header(value, bool(required[name] or column_map)) for name, value in files.items()
    }
    maps = split_column_map(column_map, headers, files) if column_map else {}
    for name, value in files.items():
        header = headers[name]
        if header is None or not required[name]:
            continue
        mapped = [maps.get(name, {}).get(c, c) for c in header]
        missing = [c for c in required[name] if c not in mapped]
        if missing:
            raise missing_columns_error(name, value, missing, header, maps.get(name))
    return [
        mf.InputRecord(parameter=name, path=value, sha256=input_fingerprint(value))
        for name, value in files.items()
    ]
