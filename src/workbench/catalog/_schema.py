"""Check loaded data against the columns a catalog declares, with pandera.

Every problem is collected (pandera's lazy validation) and reported in one message: each
offending column, what it breaks, how many values, and up to five row numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.catalog._messages import message
from workbench.catalog._model import Column, DatasetEntry
from workbench.exceptions import SchemaError

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__ = ["build_schema", "validate_frame"]

_SHOWN_ROWS = 5


def _is_int(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return pd.Series(False, index=series.index)
    if pd.api.types.is_integer_dtype(series):
        return pd.Series(True, index=series.index)
    numbers = pd.to_numeric(series, errors="coerce")
    return series.isna() | (numbers.notna() & (numbers % 1 == 0))


def _is_float(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return pd.Series(False, index=series.index)
    if pd.api.types.is_numeric_dtype(series):
        return pd.Series(True, index=series.index)
    return series.isna() | pd.to_numeric(series, errors="coerce").notna()


def _is_bool(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return pd.Series(True, index=series.index)
    return series.isna() | series.map(lambda v: isinstance(v, bool))


def _is_str(series: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(series):
        return series.isna() | series.map(lambda v: isinstance(v, str))
    return series.isna()


def _is_date(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return pd.Series(True, index=series.index)
    parsed = pd.to_datetime(series, errors="coerce", format="ISO8601")
    return series.isna() | parsed.notna()


_TYPE_CHECKS = {
    "int": _is_int,
    "float": _is_float,
    "bool": _is_bool,
    "str": _is_str,
    "text": _is_str,
    "date": _is_date,
    "datetime": _is_date,
}


def _numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _checks(spec: Column) -> list[pa.Check]:
    import pandera.pandas as pa

    # Each check's ``error`` is a key (``type int``, ``min 0``...), kept in the failures;
    # the message says it in Korean (_describe).
    checks = [pa.Check(_TYPE_CHECKS[spec.type], error=f"type {spec.type}")]
    # Bounds compare numbers only: a value that is not a number fails the type check
    # already, and must not make the whole bound check fail without row numbers.
    if spec.min is not None:
        low = spec.min
        checks.append(pa.Check(lambda s: ~(_numbers(s) < low), error=f"min {low:g}"))
    if spec.max is not None:
        high = spec.max
        checks.append(pa.Check(lambda s: ~(_numbers(s) > high), error=f"max {high:g}"))
    if spec.allowed is not None:
        allowed = ", ".join(map(str, spec.allowed))
        checks.append(pa.Check.isin(spec.allowed, error=f"allowed {allowed}"))
    if spec.pattern is not None:
        checks.append(pa.Check.str_matches(spec.pattern, error=f"pattern {spec.pattern}"))
    return checks


def build_schema(entry: DatasetEntry, *, partial: bool = False) -> pa.DataFrameSchema:
    """Build the pandera schema of a dataset from its declared columns.

    With ``partial=True`` (a load with ``columns=``) declared columns may be absent.
    """
    import pandera.pandas as pa

    columns = {
        name: pa.Column(
            checks=_checks(spec),
            nullable=spec.nullable,
            unique=spec.unique,
            required=not partial,
            coerce=False,
        )
        for name, spec in entry.columns.items()
    }
    return pa.DataFrameSchema(columns, strict=entry.schema_strict and not partial)


def _rows(indexes: list[Any], frame: pd.DataFrame) -> str:
    """Row numbers as a person counts them: 1 is the first data row."""
    positions = []
    for value in indexes:
        try:
            location = frame.index.get_loc(value)
        except (KeyError, TypeError):
            continue
        if isinstance(location, int):  # a unique index label (a slice or mask otherwise)
            positions.append(location + 1)
    shown = ", ".join(str(p) for p in sorted(positions)[:_SHOWN_ROWS])
    more = ", …" if len(positions) > _SHOWN_ROWS else ""
    return message("schema_rows", rows=shown + more) if shown else ""


#: How a person reads each declared type.
_TYPE_WORDS = {"int": "정수", "float": "숫자", "bool": "참/거짓", "str": "텍스트", "text": "텍스트"}
_TYPE_WORDS |= {"date": "날짜", "datetime": "날짜와 시각"}


def _describe(check: str, count: int) -> str:
    """Say in Korean what ``count`` values break: ``check`` is a key of :func:`_checks`."""
    kind, _, value = check.partition(" ")
    if kind == "type":
        return message("schema_type", count=count, type=_TYPE_WORDS.get(value, value))
    if kind in ("min", "max", "allowed", "pattern"):
        return message(f"schema_{kind}", count=count, value=value)
    if check in ("not_nullable", "field_uniqueness"):
        return message(f"schema_{check}", count=count)
    return message("schema_other", count=count, check=f"'{check}'")


def validate_frame(entry: DatasetEntry, frame: pd.DataFrame, *, partial: bool = False) -> None:
    """Validate ``frame`` against ``entry``'s declared columns.

    Raises
    ------
    SchemaError
        Listing every offending column with a count and up to five row numbers; its
        ``failures`` attribute holds the same as data.
    """
    import pandera.errors as pe

    try:
        build_schema(entry, partial=partial).validate(frame, lazy=True)
    except pe.SchemaErrors as exc:
        cases = exc.failure_cases
        failures: list[dict[str, object]] = []
        lines = [
            message(
                "schema_head",
                name=entry.name,
                source=entry.resolve_source(),
                catalog=entry.catalog_file or "catalog.yml",
            )
        ]
        for (column, check), group in cases.groupby(["column", "check"], sort=True, dropna=False):
            if column is None or (isinstance(column, float) and pd.isna(column)):
                column = str(group["failure_case"].iloc[0])  # the missing/extra column name
            indexes = [i for i in group["index"].tolist() if i is not None and not pd.isna(i)]
            count = len(indexes) or 1
            failures.append(
                {"column": column, "check": str(check), "count": count, "rows": indexes[:5]}
            )
            if check in ("column_in_dataframe", "column_in_schema"):
                problem = message(f"schema_{check}")
            else:
                problem = _describe(str(check), count) + _rows(indexes, frame)
            lines.append(message("schema_line", column=column, problem=problem))
        lines.append(message("schema_fix"))
        raise SchemaError("\n".join(lines), failures) from None
