"""Argument checks shared by the blocks: one Korean message for each kind of bad argument.

The errors keep the facts as fields: ``parameter``, ``expected``, ``got`` and ``kind``
(``"type"``, ``"range"``, ``"missing_columns"``).

>>> check_number("profile", "top_n", 0, int, 1)
Traceback (most recent call last):
...
workbench.exceptions.ParameterError: profile의 매개변수 'top_n'은 1 이상의 정수여야 합니다. ...
>>> check_number("slow_pages", "quantile", 0.95, float, 0, 1, low_open=True, high_open=True)
0.95
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import pandas as pd

from workbench.blocks._messages import message, parameter_error, quoted

__all__ = ["check_choice", "check_number", "check_table"]


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

    Booleans, NaN and infinities are refused; an int is a valid float, a float is not a
    valid int.
    """
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    is_real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if (is_int if kind is int else is_real) and math.isfinite(value):
        above = value > low if low_open else value >= low
        below = high is None or (value < high if high_open else value <= high)
        if above and below:
            return kind(value)
    bounds = [message("above" if low_open else "at_least", low=kind(low))]
    if high is not None:
        bounds.append(message("below" if high_open else "at_most", high=kind(high)))
    expected = f"{' '.join(bounds)}의 {message('int' if kind is int else 'float')}"
    raise parameter_error(
        "number",
        name,
        function=function,
        name=name,
        expected=expected,
        got=value,
        kind="type" if not (is_int if kind is int else is_real) else "range",
    )


def check_table(
    function: str, name: str, table: Any, columns: Sequence[str] = (), *, hint: str = ""
) -> None:
    """Raise unless ``table`` is a DataFrame with every one of ``columns``."""
    if not isinstance(table, pd.DataFrame):
        raise parameter_error(
            "not_table",
            name,
            function=function,
            name=name,
            expected="DataFrame",
            got=type(table).__name__,
            kind="type",
        )
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise parameter_error(
            "missing_columns",
            name,
            function=function,
            name=name,
            expected=missing,
            got=list(table.columns),
            kind="missing_columns",
            missing=quoted(missing),
            columns=", ".join(map(str, table.columns)),
            hint=hint,
        )


def check_choice(function: str, name: str, value: Any, choices: Sequence[str]) -> None:
    """Raise unless ``value`` is one of the strings ``choices``."""
    if not (isinstance(value, str) and value in choices):
        raise parameter_error(
            "choice",
            name,
            function=function,
            name=name,
            choices=quoted(choices),
            expected=list(choices),
            got=value,
            kind="choice",
        )
