"""Argument checks shared by the blocks, with scikit-learn style messages.

>>> check_number("profile", "top_n", 0, int, 1)
Traceback (most recent call last):
...
workbench.exceptions.ParameterError: The 'top_n' parameter of profile must be an int ...
>>> check_number("slow_pages", "quantile", 0.95, float, 0, 1, low_open=True, high_open=True)
0.95
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import pandas as pd

from workbench.exceptions import ParameterError

__all__ = ["check_number", "check_table"]


def check_number(
    function: str,
    name: str,
    value: Any,
    kind: type,
    low: float,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> Any:
    """Return ``value`` as ``kind`` (int or float) if it lies in the range, else raise.

    Booleans and NaN are refused; an int is a valid float, a float is not a valid int.
    """
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    is_real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if (is_int if kind is int else is_real) and not math.isnan(value):
        above = value > low if low_open else value >= low
        below = high is None or (value < high if high_open else value <= high)
        if above and below:
            return kind(value)
    type_name = "an int" if kind is int else "a float"
    opening = "(" if low_open else "["
    closing = "inf)" if high is None else f"{kind(high)}{')' if high_open else ']'}"
    raise ParameterError(
        f"The {name!r} parameter of {function} must be {type_name} in the range "
        f"{opening}{kind(low)}, {closing}. Got {value!r} instead.",
        parameter=name,
    )


def check_table(
    function: str, name: str, table: Any, columns: Sequence[str] = (), *, hint: str = ""
) -> None:
    """Raise unless ``table`` is a DataFrame with every one of ``columns``."""
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"The {name!r} parameter of {function} must be a pandas DataFrame. "
            f"Got {type(table).__name__} instead.",
            parameter=name,
        )
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(
            f"The {name!r} table of {function} lacks the column(s) {missing}; "
            f"it has {list(table.columns)}.{' ' + hint if hint else ''}",
            parameter=name,
        )
