"""Row filters for ``Catalog.load(where=...)``, rendered as SQL with bound parameters.

User values never become SQL text: a filter keeps its value aside, and each engine
binds it (DuckDB ``?``, SQLAlchemy bound parameters). Column names are checked against
the dataset's columns before they are quoted into the statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from workbench.exceptions import ParameterError

__all__ = [
    "AGGREGATES",
    "OPERATORS",
    "Filter",
    "normalize_aggregations",
    "normalize_where",
    "quote_identifier",
    "to_sql",
]

OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "between", "is null", "is not null")
#: Aggregates that ``Catalog.aggregate`` and ``roll_up`` accept, by name.
AGGREGATES = ("count", "sum", "mean", "min", "max", "median", "std", "nunique")
_SQL = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


@dataclass(frozen=True)
class Filter:
    """``column op value``: one condition; all conditions of a ``where`` must hold."""

    column: str
    op: str
    value: Any = None


def _one(column: str, spec: Any) -> Filter:
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str):
        op, value = spec[0].lower(), spec[1]
    elif isinstance(spec, list | set | frozenset):
        op, value = "in", list(spec)
    elif spec is None:
        op, value = "is null", None
    else:
        op, value = "==", spec
    return _checked(Filter(column, op, value))


def _checked(f: Filter) -> Filter:
    if f.op not in OPERATORS:
        raise ParameterError(
            f"Unknown operator {f.op!r} in the filter on '{f.column}'. "
            f"Use one of: {', '.join(OPERATORS)}.",
            parameter="where",
        )
    if f.op in ("in", "not in") and not isinstance(f.value, list | tuple | set | frozenset):
        raise ParameterError(f"'{f.op}' on '{f.column}' needs a list of values.", "where")
    if f.op == "between" and not (isinstance(f.value, list | tuple) and len(f.value) == 2):
        raise ParameterError(f"'between' on '{f.column}' needs (low, high).", "where")
    return f


def normalize_where(where: Mapping[str, Any] | Iterable[Any] | None) -> list[Filter]:
    """Turn a ``where`` argument into filters.

    ``where`` is a mapping ``{column: value}`` (equality), ``{column: [v1, v2]}`` (in),
    ``{column: ("op", value)}``, or a list of ``(column, op, value)`` triples.

    Examples
    --------
    >>> normalize_where({"시도": "서울특별시", "나이": (">=", 65)})
    [Filter(column='시도', op='==', value='서울특별시'), Filter(column='나이', op='>=', value=65)]
    """
    if where is None:
        return []
    if isinstance(where, Mapping):
        return [_one(str(column), spec) for column, spec in where.items()]
    filters = []
    for item in where:
        if isinstance(item, Filter):
            filters.append(_checked(item))
        elif isinstance(item, tuple | list) and len(item) == 3:
            filters.append(_checked(Filter(str(item[0]), str(item[1]).lower(), item[2])))
        else:
            raise ParameterError(
                f"Each filter must be (column, op, value); got {item!r}.", parameter="where"
            )
    return filters


def quote_identifier(name: str) -> str:
    """Quote a column or table name for SQL (double quotes, inner quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def to_sql(filters: list[Filter], placeholder: str = "?") -> tuple[str, list[Any]]:
    """Render filters as a SQL condition with placeholders, and the values to bind.

    Examples
    --------
    >>> to_sql([Filter("시도", "==", "x'; DROP TABLE t; --")])
    ('"시도" = ?', ["x'; DROP TABLE t; --"])
    """
    parts: list[str] = []
    params: list[Any] = []
    for f in filters:
        col = quote_identifier(f.column)
        if f.op in _SQL:
            parts.append(f"{col} {_SQL[f.op]} {placeholder}")
            params.append(f.value)
        elif f.op in ("in", "not in"):
            values = list(f.value)
            if not values:
                parts.append("FALSE" if f.op == "in" else "TRUE")
                continue
            marks = ", ".join([placeholder] * len(values))
            parts.append(f"{col} {f.op.upper()} ({marks})")
            params.extend(values)
        elif f.op == "between":
            parts.append(f"{col} BETWEEN {placeholder} AND {placeholder}")
            params.extend(f.value)
        else:
            parts.append(f"{col} {f.op.upper()}")
    return " AND ".join(parts) or "TRUE", params


def normalize_aggregations(
    values: Mapping[str, str | Iterable[str]], parameter: str
) -> dict[str, list[str]]:
    """Return ``column -> [aggregate, ...]``; raise naming an unknown aggregate.

    >>> normalize_aggregations({"인구": "sum", "가구": ["mean", "max"]}, "values")
    {'인구': ['sum'], '가구': ['mean', 'max']}
    """
    aggs = {c: [v] if isinstance(v, str) else list(v) for c, v in values.items()}
    for column, functions in aggs.items():
        for function in functions:
            if function not in AGGREGATES:
                raise ParameterError(
                    f"Unknown aggregate '{function}' for '{column}'. "
                    f"Use one of: {', '.join(AGGREGATES)}.",
                    parameter=parameter,
                )
    return aggs
