"""Synthetic EV charging demand on a 500 m grid, with planted demand clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError
from workbench.samples._messages import message
from workbench.samples._validation import check_int

__all__ = ["CELL_SIZE", "ev_demand"]

CELL_SIZE = 500  # metres, the side of a grid cell
# South-west corner of the grid in EPSG:5186 (Korea 2000 / Central Belt 2010), metres.
_ORIGIN_X, _ORIGIN_Y = 195_000, 545_000
_CLUSTER_SPREAD = 600.0  # metres, the standard deviation of a cluster's demand bump
_CLUSTER_PEAK_EVS = 120.0  # registered EVs in a cell at a cluster's centre
_BACKGROUND_EVS = 3.0  # mean registered EVs in an ordinary cell
_HOUSEHOLDS_PER_EV = 6.0  # apartment households without a charger per registered EV


def ev_demand(n_side: int = 20, n_clusters: int = 3, seed: int = 0) -> pd.DataFrame:
    """Generate a seeded demand grid for charging-site selection, with planted clusters.

    The table is an ``n_side`` × ``n_side`` grid of 500 m cells (coordinates of the cell
    centres in metres, EPSG:5186). Each cell holds registered electric vehicles and
    apartment households without a charger: a low Poisson background plus
    ``n_clusters`` Gaussian demand bumps (apartment districts) whose centres are the
    planted signal, placed at least 3 km apart and 1 km from the edge. Every other cell
    along each axis is a candidate site (``후보지``), so every point of the grid is within
    about 350 m of a candidate.

    Parameters
    ----------
    n_side : int, default 20
        Cells along each side (20 gives a 10 km square, 400 cells). At least 10.
    n_clusters : int, default 3
        Planted demand clusters. At least 1; more than fit 3 km apart on the grid
        are refused.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; no global random state is used.

    Returns
    -------
    pandas.DataFrame
        Columns: ``격자ID`` (str, ``"G0101"``: row and column), ``x`` and ``y`` (int,
        metres), ``등록전기차`` (int, vehicles), ``충전기없는세대`` (int, apartment
        households without a charger), ``후보지`` (bool). The planted cluster centres
        (metres) are in ``frame.attrs["planted_centres"]`` as a list of ``(x, y)``.

    Raises
    ------
    ParameterError
        If an argument is not an int in its range, or the clusters do not fit.

    Examples
    --------
    >>> frame = ev_demand(n_side=10, n_clusters=1, seed=1)
    >>> frame.shape, int(frame["후보지"].sum())
    ((100, 6), 25)
    >>> list(frame.columns)
    ['격자ID', 'x', 'y', '등록전기차', '충전기없는세대', '후보지']
    """
    n_side = check_int(n_side, "n_side", "ev_demand", minimum=10)
    n_clusters = check_int(n_clusters, "n_clusters", "ev_demand", minimum=1)
    seed = check_int(seed, "seed", "ev_demand", minimum=0)
    rng = np.random.default_rng(seed)

    row, col = np.divmod(np.arange(n_side * n_side), n_side)
    x = _ORIGIN_X + col * CELL_SIZE + CELL_SIZE // 2
    y = _ORIGIN_Y + row * CELL_SIZE + CELL_SIZE // 2
    centres = _cluster_centres(rng, n_side, n_clusters)
    intensity = np.full(len(x), _BACKGROUND_EVS)
    for cx, cy in centres:
        distance2 = (x - cx) ** 2 + (y - cy) ** 2
        intensity += _CLUSTER_PEAK_EVS * np.exp(-distance2 / (2 * _CLUSTER_SPREAD**2))
    evs = rng.poisson(intensity)
    households = rng.poisson(intensity * _HOUSEHOLDS_PER_EV)
    frame = pd.DataFrame(
        {
            "격자ID": [f"G{r + 1:02d}{c + 1:02d}" for r, c in zip(row, col, strict=True)],
            "x": x.astype(np.int64),
            "y": y.astype(np.int64),
            "등록전기차": evs.astype(np.int64),
            "충전기없는세대": households.astype(np.int64),
            "후보지": (row % 2 == 0) & (col % 2 == 0),
        }
    )
    frame.attrs["planted_centres"] = [(float(cx), float(cy)) for cx, cy in centres]
    return frame


def _cluster_centres(rng: np.random.Generator, n_side: int, n: int) -> list[tuple[float, float]]:
    """Draw ``n`` centres at least 3 km apart and 1 km inside the grid (rejection sampling)."""
    low = np.array([_ORIGIN_X, _ORIGIN_Y]) + 1000.0
    high = np.array([_ORIGIN_X, _ORIGIN_Y]) + n_side * CELL_SIZE - 1000.0
    centres: list[np.ndarray] = []
    for _ in range(10_000):
        point = rng.uniform(low, high)
        if all(np.hypot(*(point - c)) >= 3000.0 for c in centres):
            centres.append(point)
            if len(centres) == n:
                return [(round(float(c[0]), 1), round(float(c[1]), 1)) for c in centres]
    raise ParameterError(
        message("clusters_do_not_fit", got=n, n_side=n_side),
        parameter="n_clusters",
        got=n,
        kind="range",
    )
