"""Synthetic population and households per 법정동 and year, as in a 통계청 release."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError
from workbench.samples._codes import REGIONS
from workbench.samples._messages import message
from workbench.samples._validation import check_int

__all__ = ["population"]

_MAX_YEARS = 50


def population(seed: int = 0, first_year: int = 2020, last_year: int = 2024) -> pd.DataFrame:
    """Generate seeded population and household counts per 법정동코드 and year.

    One row per 법정동 and year, for exactly the 법정동코드 that
    :func:`~workbench.samples.households` draws from (every 읍면동 of its twenty
    시군구), so the two join on ``법정동코드``. A 시군구's population is about its real
    size; it is split unevenly over its 법정동, drifts a little each year, and ages:
    the share of residents aged 65 or more rises and households shrink, as in the
    주민등록 인구통계.

    Parameters
    ----------
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; the same arguments always give the
        same table, and no global random state is used or changed.
    first_year, last_year : int, default 2020 and 2024
        The years covered, both included (at most 50 years).

    Returns
    -------
    pandas.DataFrame
        Columns, in order: ``법정동코드`` (str, 10 digits), ``시도`` (str), ``시군구``
        (str), ``연도`` (int), ``인구`` (int, persons), ``가구수`` (int), ``고령인구``
        (int, persons aged 65 or more). Sorted by 법정동코드, then 연도.

    Raises
    ------
    ParameterError
        If an argument is not an int, ``seed`` is negative, or the years are not in
        order or span more than 50 years.

    Examples
    --------
    >>> from workbench.samples import households, population
    >>> table = population(seed=0)
    >>> table["연도"].unique().tolist()
    [2020, 2021, 2022, 2023, 2024]
    >>> set(households(n=200)["법정동코드"]) <= set(table["법정동코드"])
    True
    """
    seed = check_int(seed, "seed", "population", minimum=0)
    first_year = check_int(first_year, "first_year", "population", minimum=1900)
    last_year = check_int(last_year, "last_year", "population", minimum=first_year)
    if last_year - first_year >= _MAX_YEARS:
        raise ParameterError(
            message("years_span", limit=_MAX_YEARS, first=first_year, last=last_year),
            parameter="last_year",
            expected=f"last_year < first_year + {_MAX_YEARS}",
            got=last_year,
            kind="range",
        )
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, last_year + 1)

    parts = []
    for region in REGIONS:
        n = region.n_dong
        shares = rng.dirichlet(np.full(n, 2.0))
        base = region.weight * 10_000 * shares  # persons in the first year
        growth = rng.normal(-0.004, 0.012, n)
        elderly = np.clip(rng.normal(0.19, 0.05) + rng.normal(0.0, 0.03, n), 0.05, 0.45)
        size = np.clip(rng.normal(2.25, 0.15, n), 1.6, 3.0)  # persons per household
        step = (years - first_year)[:, None]  # years x dong
        noise = rng.lognormal(0.0, 0.005, (len(years), n))
        people = np.maximum(np.rint(base * (1.0 + growth) ** step * noise), 30)
        old_share = np.clip(elderly + 0.006 * step, 0.0, 0.6)
        households = np.maximum(np.rint(people / np.maximum(size - 0.012 * step, 1.2)), 1)
        codes = [f"{region.code}{101 + k:03d}00" for k in range(n)]
        parts.append(
            pd.DataFrame(
                {
                    "법정동코드": np.tile(codes, len(years)).tolist(),
                    "시도": region.sido,
                    "시군구": region.sigungu,
                    "연도": np.repeat(years, n).astype(np.int64),
                    "인구": people.ravel().astype(np.int64),
                    "가구수": households.ravel().astype(np.int64),
                    "고령인구": np.rint(people * old_share).ravel().astype(np.int64),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values(["법정동코드", "연도"], ignore_index=True)
