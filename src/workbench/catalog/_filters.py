"""Row filters for ``Catalog.load(where=...)``, rendered as SQL with bound parameters.

User values never become SQL text: a filter keeps its value aside, and each engine
binds it (DuckDB ``?``, SQLAlchemy bound parameters). Column names are checked against
the dataset's columns before they are quoted into the statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from workbench.catalog._messages import message
from workbench.exceptions import ParameterError

__all__ = [
    "AGGREGATES",
    "OPERATORS",
    "Filter",
    "FilterError",
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


class FilterError(ParameterError):
    """A ``where`` condition that cannot be read, at ``position`` (1 = the first).

    Attributes
    ----------
    position : int or None
        Which condition of ``where`` is at fault (1-based), None for ``where`` itself.
    column, op : str or None
        The condition's column and operator, when it has them.
    """

    def __init__(
        self,
        *,
        key: str,
        position: int | None,
        column: str | None = None,
        op: str | None = None,
        got: object = None,
        expected: object = None,
    ) -> None:
        where = "where" if position is None else message("filter_where", position=position)
        super().__init__(
            message(
                key,
                where=where,
                column=column,
                op=repr(op),
                value=repr(got),
                known=", ".join(map(repr, OPERATORS)),
            ),
            "where",
            expected=expected,
            got=got,
            kind=key,
        )
        self.position, self.column, self.op = position, column, op


def _one(column: str, spec: Any, position: int) -> Filter:
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str):
        op, value = spec[0].lower(), spec[1]
    elif isinstance(spec, list | set | frozenset):
        op, value = "in", list(spec)
    elif spec is None:
        op, value = "is null", None
    else:
        op, value = "==", spec
    return _checked(Filter(column, op, value), position)


def _checked(f: Filter, position: int) -> Filter:
    if f.op not in OPERATORS:
        raise FilterError(
            key="filter_operator", position=position, column=f.column, op=f.op, got=f.op,
            expected=list(OPERATORS),
        )  # fmt: skip
    if f.op in ("in", "not in") and not isinstance(f.value, list | tuple | set | frozenset):
        raise FilterError(
            key="filter_needs_list", position=position, column=f.column, op=f.op, got=f.value,
            expected="list",
        )  # fmt: skip
    if f.op == "between" and not (isinstance(f.value, list | tuple) and len(f.value) == 2):
        raise FilterError(
            key="filter_between", position=position, column=f.column, op=f.op, got=f.value,
            expected="(low, high)",
        )  # fmt: skip
    return f


def normalize_where(where: Mapping[str, Any] | Iterable[Any] | None) -> list[Filter]:
    """Turn a ``where`` argument into filters.

    ``where`` is a mapping ``{column: value}`` (equality), ``{column: [v1, v2]}`` (in),
    ``{column: ("op", value)}``, or a list of ``(column, op, value)`` triples.

    Raises
    ------
    FilterError
        Naming the condition at fault by its position in ``where`` (1 = the first).

    Examples
    --------
    >>> normalize_where({"시도": "서울특별시", "나이": (">=", 65)})
    [Filter(column='시도', op='==', value='서울특별시'), Filter(column='나이', op='>=', value=65)]
    """
    if where is None:
        return []
    if isinstance(where, str | bytes):  # a pandas-style query string: say what to give
        raise FilterError(key="filter_text", position=None, got=where, expected="mapping or list")
    if isinstance(where, Mapping):
        return [
            _one(str(column), spec, number)
            for number, (column, spec) in enumerate(where.items(), start=1)
        ]
    filters = []
    for number, item in enumerate(where, start=1):
        if isinstance(item, Filter):
            filters.append(_checked(item, number))
        elif isinstance(item, tuple | list) and len(item) == 3:
            filters.append(_checked(Filter(str(item[0]), str(item[1]).lower(), item[2]), number))
        else:
            raise FilterError(
                key="filter_shape", position=number, got=item, expected="(column, op, value)"
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
                    message(
                        "aggregate_unknown",
                        column=column,
                        function=repr(function),
                        known=", ".join(map(repr, AGGREGATES)),
                    ),
                    parameter=parameter,
                    expected=list(AGGREGATES),
                    got=function,
                    kind="aggregate",
                )
    return aggs
