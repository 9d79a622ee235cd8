"""Mitigations for disclosive tables: cell suppression and rounding to a base.

:func:`suppress` hides every failing cell (primary suppression), publishes margins
computed from the unsuppressed data, and then hides complementary cells (secondary
suppression) until no hidden cell can be recovered from the published cells and
totals. ACRO only recomputes the margins, which lets a reader subtract the published
cells of a row from its total and get the hidden one back.

Recovery is judged as an attacker would: the hidden cells are unknowns, the published
cells and margins are constants, every row and column must add up, and no cell is
negative. A linear programme gives the smallest and largest value each hidden cell can
take; a cell is protected when that interval is wider than ``protection``. Complementary
cells are chosen as the cheapest rectangle ``(i, j), (i, j'), (i', j), (i', j')`` around
an unprotected cell (a cycle of cells that can move together without changing any
total), preferring small, non-zero, interior cells; the check is repeated until stable.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.ethics._disclosure import DisclosureResult
from workbench.ethics._messages import message
from workbench.exceptions import ParameterError

__all__ = ["SuppressedTable", "feasible_intervals", "protect", "round_to_base", "suppress"]

_TOLERANCE = 1e-6
_MARGIN_COST = 1e9  # hide a total only when no interior rectangle exists
_ZERO_COST = 1e6  # a zero next to a hidden cell blocks it from moving one way


@dataclass
class SuppressedTable:
    """A table ready to publish, with what was hidden and why.

    Attributes
    ----------
    table : pandas.DataFrame
        The published table: hidden cells are missing (NaN); margins (for additive
        tables) are the true totals of the unsuppressed data.
    pattern : pandas.DataFrame
        Same shape: ``"primary"`` (failed a rule), ``"secondary"`` (hidden to protect a
        primary cell), ``"missing"`` (missing in the input, counted as 0 in the margins)
        or ``""``.
    intervals : dict
        For each hidden cell ``(row, column)``: the ``(low, high)`` range an attacker can
        deduce from the published table (additive tables only).
    """

    table: pd.DataFrame
    pattern: pd.DataFrame
    intervals: dict[tuple[Hashable, Hashable], tuple[float, float]] = field(default_factory=dict)

    @property
    def suppressed(self) -> pd.DataFrame:
        """Boolean mask of the hidden cells."""
        return self.pattern != ""


def _is_margin(label: Hashable, name: str | None) -> bool:
    first = label[0] if isinstance(label, tuple) and label else label
    return name is not None and bool(first == name)


def _margin_label(index: pd.Index, name: str) -> Hashable:
    if isinstance(index, pd.MultiIndex):
        return (name,) + ("",) * (index.nlevels - 1)
    return name


def _interior(result: DisclosureResult) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return the table, its counts and its failing cells without margin rows or columns."""
    name = result.margins_name
    rows = [not _is_margin(r, name) for r in result.table.index]
    cols = [not _is_margin(c, name) for c in result.table.columns]
    fails = result.status.map(lambda s: str(s).startswith("fail"))
    return (
        result.table.loc[rows, cols],
        result.counts.loc[rows, cols],
        fails.loc[rows, cols].astype(bool),
    )


def feasible_intervals(
    grid: np.ndarray, hidden: np.ndarray
) -> dict[tuple[int, int], tuple[float, float]]:
    """Return the range each hidden cell can take given the published rest of a table.

    Parameters
    ----------
    grid : numpy.ndarray
        ``(m + 1, n + 1)`` values; the last column holds the row totals, the last row
        the column totals, the corner the grand total.
    hidden : numpy.ndarray
        Boolean mask of the same shape.

    Returns
    -------
    dict
        ``(i, j) -> (low, high)``; ``high`` is ``inf`` when unbounded.
    """
    from scipy.optimize import linprog

    cells = [(int(i), int(j)) for i, j in np.argwhere(hidden)]
    if not cells:
        return {}
    position = {cell: k for k, cell in enumerate(cells)}
    m, n = grid.shape[0] - 1, grid.shape[1] - 1
    equations = [[(i, j, 1.0) for j in range(n)] + [(i, n, -1.0)] for i in range(m + 1)]
    equations += [[(i, j, 1.0) for i in range(m)] + [(m, j, -1.0)] for j in range(n + 1)]
    rows, rhs = [], []
    for equation in equations:
        coefficients = np.zeros(len(cells))
        constant = 0.0
        for i, j, sign in equation:
            if hidden[i, j]:
                coefficients[position[(i, j)]] += sign
            else:
                constant -= sign * grid[i, j]
        if coefficients.any():
            rows.append(coefficients)
            rhs.append(constant)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    intervals = {}
    for cell, k in position.items():
        bounds: list[float] = []
        for direction in (1.0, -1.0):
            objective = np.zeros(len(cells))
            objective[k] = direction
            solved = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            bounds.append(direction * solved.fun if solved.status == 0 else direction * np.inf)
        intervals[cell] = (bounds[0], bounds[1])
    return intervals


def _rectangle(grid: np.ndarray, hidden: np.ndarray, i: int, j: int) -> list[tuple[int, int]]:
    """Return the cheapest new cells that close a rectangle around ``(i, j)``."""
    m, n = grid.shape[0] - 1, grid.shape[1] - 1
    best: tuple[float, list[tuple[int, int]]] | None = None
    for i2 in range(m + 1):
        for j2 in range(n + 1):
            if i2 == i or j2 == j:
                continue
            new = [c for c in ((i, j2), (i2, j), (i2, j2)) if not hidden[c]]
            if not new:
                continue
            cost = 0.0
            for a, b in new:
                cost += abs(grid[a, b]) + (_MARGIN_COST if a == m or b == n else 0.0)
                cost += _ZERO_COST if grid[a, b] == 0 else 0.0
            if best is None or cost < best[0]:
                best = (cost, new)
    if best is None:  # everything around it is hidden already: hide its row and column
        return [(i, b) for b in range(n + 1)] + [(a, j) for a in range(m + 1)]
    return best[1]


def protect(
    grid: np.ndarray, primary: np.ndarray, protection: float = 0.0
) -> tuple[np.ndarray, dict[tuple[int, int], tuple[float, float]]]:
    """Add complementary cells until every hidden cell's interval is wider than ``protection``."""
    hidden = primary.copy()
    for _ in range(hidden.size):
        intervals = feasible_intervals(grid, hidden)
        exposed = sorted(
            (high - low, cell)
            for cell, (low, high) in intervals.items()
            if high - low <= protection + _TOLERANCE
        )
        if not exposed:
            return hidden, intervals
        # One rectangle at a time: it often protects other exposed cells as well.
        for cell in _rectangle(grid, hidden, *exposed[0][1]):
            hidden[cell] = True
    return hidden, feasible_intervals(grid, hidden)


def suppress(
    result: DisclosureResult, *, secondary: bool = True, protection: float = 0.0
) -> SuppressedTable:
    """Hide failing cells, publish true margins, and hide complementary cells.

    Parameters
    ----------
    result : DisclosureResult
        From :func:`crosstab`, :func:`pivot_table` or :func:`check_table`.
    secondary : bool, default True
        Add complementary suppression (additive tables: counts and sums).
    protection : float, default 0
        How wide the deducible range of every hidden cell must be (0: merely not
        uniquely determined).

    Returns
    -------
    SuppressedTable

    Notes
    -----
    A table of means or other non-additive statistics has no row and column equations:
    only the failing cells are hidden, and its margins are kept as pandas made them
    (with failing margin cells hidden).
    """
    if not isinstance(result, DisclosureResult):
        raise ParameterError(
            message("suppress_result", got=type(result).__name__),
            parameter="result",
            expected="DisclosureResult",
            got=type(result).__name__,
            kind="type",
        )
    if not result.additive:
        fails = result.status.map(lambda s: str(s).startswith("fail")).astype(bool)
        pattern = pd.DataFrame(
            np.where(fails, "primary", ""), result.table.index, result.table.columns
        )
        return SuppressedTable(result.table.mask(fails), pattern)
    values, counts, fails = _interior(result)
    m, n = values.shape
    grid = np.zeros((m + 1, n + 1))
    grid[:m, :n] = values.apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy(float)
    grid[:m, n], grid[m, :n] = grid[:m, :n].sum(axis=1), grid[:m, :n].sum(axis=0)
    grid[m, n] = grid[:m, :n].sum()
    size = np.zeros((m + 1, n + 1))
    size[:m, :n] = counts.to_numpy(float)
    size[:m, n], size[m, :n], size[m, n] = size[:m, :n].sum(1), size[:m, :n].sum(0), size.sum()
    primary = np.zeros(grid.shape, dtype=bool)
    primary[:m, :n] = fails.to_numpy()
    unknown = np.zeros(grid.shape, dtype=bool)  # missing in the input: stays hidden
    unknown[:m, :n] = values.isna().to_numpy() & ~primary[:m, :n]
    rules = result.rules
    margin_fails = (size < rules.safe_threshold) | ((size == 0) & rules.zeros_are_disclosive)
    primary[m, :] |= margin_fails[m, :]
    primary[:, n] |= margin_fails[:, n]
    start = primary | unknown
    hidden, raw = protect(grid, start, protection) if secondary else (start, {})
    name = result.margins_name or "All"
    index = values.index.append(pd.Index([_margin_label(values.index, name)]))
    columns = values.columns.append(pd.Index([_margin_label(values.columns, name)]))
    published = pd.DataFrame(np.where(hidden, np.nan, grid), index=index, columns=columns)
    labels = np.where(primary, "primary", np.where(unknown, "missing", ""))
    labels = np.where(hidden & (labels == ""), "secondary", labels)
    pattern = pd.DataFrame(labels, index=index, columns=columns)
    intervals = {(index[i], columns[j]): bounds for (i, j), bounds in raw.items()}
    return SuppressedTable(published, pattern, intervals)


def round_to_base(table: Any, base: int = 5) -> pd.DataFrame:
    """Round every number to the nearest multiple of ``base`` (halves round up).

    Each cell is rounded on its own, margins included, so rounded cells need not add up
    to rounded totals. Missing cells stay missing; text is left alone.

    Examples
    --------
    >>> round_to_base(pd.DataFrame({"n": [3, 12, 7.5]}), base=5)["n"].tolist()
    [5.0, 10.0, 10.0]
    """
    if isinstance(base, bool) or not isinstance(base, int | float) or base <= 0:
        raise ParameterError(
            message("round_base", got=repr(base)),
            parameter="base",
            expected="> 0",
            got=base,
            kind="range",
        )
    frame = getattr(table, "table", table)
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            message("round_table", got=type(table).__name__),
            parameter="table",
            expected="DataFrame",
            got=type(table).__name__,
            kind="type",
        )

    def rounded(column: pd.Series) -> pd.Series:
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            return column
        return (column.astype(float) / base + 0.5).apply(np.floor) * base

    return frame.apply(rounded)
