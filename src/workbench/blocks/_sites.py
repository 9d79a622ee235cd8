"""Site selection block: the maximal covering location problem (MCLP).

Choose ``k`` sites among candidates so that as much demand as possible lies within
``radius`` metres of a chosen site (Church and ReVelle, 1974). Small instances are solved
exactly as an integer programme with PuLP and its bundled CBC solver; large ones with the
greedy heuristic, whose covered demand is at least ``1 - (1 - 1/k)**k > 1 - 1/e`` (about
63.2%) of the optimum, because coverage is a monotone submodular set function
(Nemhauser, Wolsey and Fisher, 1978).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from scipy import sparse
from scipy.spatial import cKDTree

from workbench.blocks._checks import check_choice, check_number, check_table
from workbench.blocks._messages import message, parameter_error, quoted
from workbench.blocks._schema import InputSchema

__all__ = [
    "DEMAND_GRID_SCHEMA",
    "EXACT_MAX_PAIRS",
    "SiteSelection",
    "coverage_curve",
    "radius_sensitivity",
    "select_sites",
]

#: ``method="auto"`` solves exactly while the number of (demand, candidate) pairs within
#: the radius -- the non-zeros of the integer programme -- is at most this; CBC solves such
#: instances in seconds. Beyond it, the greedy heuristic is used.
EXACT_MAX_PAIRS = 200_000

METHODS = ("auto", "exact", "greedy")

#: The input of the ``ev_charging_sites`` standard analysis: one row per grid cell, with
#: cell-centre coordinates in metres, demand counts, and whether the cell is a candidate.
DEMAND_GRID_SCHEMA = InputSchema(
    {
        "격자ID": pa.Column(str, unique=True, coerce=True),
        "x": pa.Column(float, coerce=True),
        "y": pa.Column(float, coerce=True),
        "등록전기차": pa.Column(float, pa.Check.ge(0), coerce=True),
        "충전기없는세대": pa.Column(float, pa.Check.ge(0), coerce=True),
        "후보지": pa.Column(bool, coerce=True),
    },
    strict=False,
    name="수요 격자 자료(DEMAND_GRID_SCHEMA)",
)
DECIMALS = 4  # shares are rounded so that CSV output is byte-stable


# --- argument checks ---------------------------------------------------------------------


def _validate(function: str, *, k: Any, radius: Any, method: Any) -> None:
    """Raise a ParameterError for the first of ``k``, ``radius``, ``method`` out of range."""
    check_number(function, "k", k, int, 1)
    check_number(function, "radius", radius, float, 0, low_open=True)
    check_choice(function, "method", method, METHODS)


def _points(function: str, name: str, frame: Any, columns: list[str]) -> np.ndarray:
    """Return the named columns of ``frame`` as a finite float array, or raise."""
    check_table(function, name, frame, columns, hint=message("hint_xy"))
    values = frame[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = int((~np.isfinite(values)).sum())
    if len(values) == 0 or bad:
        raise parameter_error(
            "not_finite",
            name,
            function=function,
            got=bad,
            kind="not_finite",
            name=name,
            columns=quoted(columns),
            rows=len(values),
            bad=bad,
        )
    return values


# --- the problem -------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSelection:
    """The result of :func:`select_sites`.

    Attributes
    ----------
    sites : list
        Index labels of the chosen candidates, in the candidates' order.
    covered : numpy.ndarray of bool
        For each demand row, whether a chosen site lies within the radius.
    covered_demand : float
        Demand weight within the radius of a chosen site.
    total_demand : float
        Total demand weight.
    coverage : float
        ``covered_demand / total_demand`` (0 when there is no demand).
    method : str
        ``"exact"`` (proved optimal by CBC) or ``"greedy"``.
    """

    sites: list[Any]
    covered: np.ndarray
    covered_demand: float
    total_demand: float
    coverage: float
    method: str


def _coverage_matrix(demand_xy: np.ndarray, site_xy: np.ndarray, radius: float) -> sparse.csr_array:
    """Sparse 0/1 matrix: row i, column j is 1 when site j is within ``radius`` of demand i."""
    neighbours = cKDTree(site_xy).query_ball_point(demand_xy, r=radius)
    rows = np.repeat(np.arange(len(demand_xy)), [len(n) for n in neighbours])
    cols = np.fromiter((j for n in neighbours for j in n), dtype=np.int64, count=len(rows))
    data = np.ones(len(rows), dtype=float)
    return sparse.csr_array((data, (rows, cols)), shape=(len(demand_xy), len(site_xy)))


def _greedy(cover: sparse.csr_array, weight: np.ndarray, k: int) -> list[int]:
    """Add, k times, the site covering the most demand not yet covered (lowest index on ties)."""
    by_site = cover.T.tocsr()
    uncovered = weight.copy()
    chosen: list[int] = []
    for _ in range(k):
        gains = by_site @ uncovered
        gains[chosen] = -1.0
        best = int(np.argmax(gains))
        chosen.append(best)
        uncovered[by_site[[best], :].indices] = 0.0
    return sorted(chosen)


def _exact(cover: sparse.csr_array, weight: np.ndarray, k: int) -> list[int]:
    """Solve the MCLP integer programme with CBC; raise if it does not prove optimality."""
    import pulp  # imported here: importing workbench does no work

    n_demand, n_sites = cover.shape
    problem = pulp.LpProblem("mclp", pulp.LpMaximize)
    x = [problem.add_variable(f"x{j}", cat="Binary") for j in range(n_sites)]
    # y_i may be continuous: at an optimum it is 1 exactly when some chosen site covers i.
    y = {i: problem.add_variable(f"y{i}", lowBound=0, upBound=1) for i in range(n_demand)}
    problem += pulp.lpSum(float(weight[i]) * y[i] for i in y)
    problem += pulp.lpSum(x) == k
    indptr, indices = cover.indptr, cover.indices
    for i in range(n_demand):
        problem += y[i] <= pulp.lpSum(x[j] for j in indices[indptr[i] : indptr[i + 1]])
    with warnings.catch_warnings():
        # PuLP 3.3 warns that the bundled CBC goes away in PuLP 4; pyproject pins pulp<4.
        warnings.simplefilter("ignore", DeprecationWarning)
        solver = pulp.PULP_CBC_CMD(msg=False)
    status = problem.solve(solver)
    if pulp.LpStatus[status] != "Optimal":
        raise parameter_error(
            "cbc_not_optimal",
            "method",
            function="select_sites",
            got=pulp.LpStatus[status],
            kind="not_optimal",
            status=pulp.LpStatus[status],
        )
    return [j for j in range(n_sites) if (x[j].value() or 0.0) > 0.5]


def select_sites(
    demand: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    k: int,
    radius: float,
    method: str = "auto",
    x: str = "x",
    y: str = "y",
    weight: str = "weight",
) -> SiteSelection:
    """Choose ``k`` sites that cover the most demand within ``radius`` (MCLP).

    Parameters
    ----------
    demand : pandas.DataFrame
        One row per demand point (e.g. a grid cell), with coordinates in metres in a
        projected system (e.g. EPSG:5186) and a non-negative demand weight.
    candidates : pandas.DataFrame
        One row per candidate site, with coordinates in the same system.
    k : int
        Number of sites to choose; at least 1 and at most the number of candidates.
    radius : float
        Coverage radius in metres (straight-line distance); greater than 0.
    method : {"auto", "exact", "greedy"}, default "auto"
        ``"exact"``: the integer programme solved to optimality with PuLP/CBC.
        ``"greedy"``: repeatedly add the site that covers the most uncovered demand; at
        least ``1 - 1/e`` (63.2%) of the optimum. ``"auto"``: exact while the
        (demand, candidate) pairs within the radius number at most
        :data:`EXACT_MAX_PAIRS`, greedy beyond.
    x, y : str, default "x", "y"
        Coordinate columns (metres) of both tables.
    weight : str, default "weight"
        Demand weight column of ``demand`` (e.g. registered EVs); negative weights are
        refused.

    Returns
    -------
    SiteSelection
        The chosen sites, which demand they cover, and the method actually used.

    Raises
    ------
    ParameterError
        With a scikit-learn style message for a parameter out of its constraint, a missing
        column, non-finite values, negative weights, or ``k`` above the number of candidates.

    Examples
    --------
    >>> import pandas as pd
    >>> demand = pd.DataFrame({"x": [0, 100, 1000, 1100, 5000], "y": 0,
    ...                        "weight": [5, 5, 3, 3, 1]})
    >>> candidates = pd.DataFrame({"x": [50, 1050, 5000], "y": 0}, index=["A", "B", "C"])
    >>> result = select_sites(demand, candidates, k=2, radius=200, method="exact")
    >>> result.sites, result.covered_demand, round(result.coverage, 4)
    (['A', 'B'], 16.0, 0.9412)
    >>> select_sites(demand, candidates, k=2, radius=200, method="greedy").sites
    ['A', 'B']
    """
    _validate("select_sites", k=k, radius=radius, method=method)
    demand_values = _points("select_sites", "demand", demand, [x, y, weight])
    site_xy = _points("select_sites", "candidates", candidates, [x, y])
    if (demand_values[:, 2] < 0).any():
        negative = int((demand_values[:, 2] < 0).sum())
        raise parameter_error(
            "negative_weight",
            "demand",
            function="select_sites",
            got=negative,
            kind="negative",
            weight=weight,
            count=negative,
        )
    if k > len(site_xy):
        raise parameter_error(
            "too_many_sites",
            "k",
            function="select_sites",
            expected=len(site_xy),
            got=k,
            kind="range",
            candidates=len(site_xy),
        )
    weights = demand_values[:, 2]
    cover = _coverage_matrix(demand_values[:, :2], site_xy, float(radius))
    if method == "auto":
        method = "exact" if cover.nnz <= EXACT_MAX_PAIRS else "greedy"
    chosen = _exact(cover, weights, k) if method == "exact" else _greedy(cover, weights, k)
    covered = np.asarray(cover[:, chosen].sum(axis=1)).ravel() > 0
    total = float(weights.sum())
    covered_demand = float(weights[covered].sum())
    return SiteSelection(
        sites=[candidates.index[j] for j in chosen],
        covered=covered,
        covered_demand=covered_demand,
        total_demand=total,
        coverage=covered_demand / total if total > 0 else 0.0,
        method=method,
    )


def _row(result: SiteSelection) -> dict[str, Any]:
    return {
        "포괄 수요": round(result.covered_demand, DECIMALS) + 0.0,
        "포괄률": round(result.coverage, DECIMALS) + 0.0,
        "풀이 방법": "정확해" if result.method == "exact" else "탐욕법",
    }


def coverage_curve(
    demand: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    ks: list[int],
    radius: float,
    method: str = "auto",
    x: str = "x",
    y: str = "y",
    weight: str = "weight",
) -> pd.DataFrame:
    """Covered demand for each number of sites in ``ks`` (the diminishing-returns curve).

    Parameters
    ----------
    demand, candidates : pandas.DataFrame
        As in :func:`select_sites`.
    ks : list of int
        Numbers of sites; each is checked like ``k`` of :func:`select_sites`.
    radius : float
        Coverage radius in metres.
    method : {"auto", "exact", "greedy"}, default "auto"
        As in :func:`select_sites`.
    x, y, weight : str, default "x", "y", "weight"
        Column names, as in :func:`select_sites`.

    Returns
    -------
    pandas.DataFrame
        Columns ``충전소 수``, ``포괄 수요``, ``포괄률`` (share, 0-1), ``풀이 방법``.

    Examples
    --------
    >>> import pandas as pd
    >>> demand = pd.DataFrame({"x": [0, 1000, 5000], "y": 0, "weight": [5, 3, 1]})
    >>> coverage_curve(demand, demand[["x", "y"]], ks=[1, 2], radius=100)["포괄률"].tolist()
    [0.5556, 0.8889]
    """
    rows = []
    for k in ks:
        result = select_sites(
            demand, candidates, k=k, radius=radius, method=method, x=x, y=y, weight=weight
        )
        rows.append({"충전소 수": k, **_row(result)})
    return pd.DataFrame(rows)


def radius_sensitivity(
    demand: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    k: int,
    radii: list[float],
    method: str = "auto",
    x: str = "x",
    y: str = "y",
    weight: str = "weight",
) -> pd.DataFrame:
    """Covered demand with ``k`` sites for each coverage radius in ``radii``.

    Parameters
    ----------
    demand, candidates : pandas.DataFrame
        As in :func:`select_sites`.
    k : int
        Number of sites.
    radii : list of float
        Coverage radii in metres; each is checked like ``radius`` of :func:`select_sites`.
    method : {"auto", "exact", "greedy"}, default "auto"
        As in :func:`select_sites`.
    x, y, weight : str, default "x", "y", "weight"
        Column names, as in :func:`select_sites`.

    Returns
    -------
    pandas.DataFrame
        Columns ``반경(m)``, ``포괄 수요``, ``포괄률`` (share, 0-1), ``풀이 방법``.

    Examples
    --------
    >>> import pandas as pd
    >>> demand = pd.DataFrame({"x": [0, 1000, 5000], "y": 0, "weight": [5, 3, 1]})
    >>> table = radius_sensitivity(demand, demand[["x", "y"]], k=1, radii=[100, 1500])
    >>> table["포괄률"].tolist()
    [0.5556, 0.8889]
    """
    rows = []
    for radius in radii:
        result = select_sites(
            demand, candidates, k=k, radius=radius, method=method, x=x, y=y, weight=weight
        )
        rows.append({"반경(m)": radius, **_row(result)})
    return pd.DataFrame(rows)
