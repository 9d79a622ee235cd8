"""Synthetic Korean household microdata: one row per surveyed household."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.samples._codes import GIVEN_FIRST, GIVEN_SECOND, REGIONS, SURNAMES
from workbench.samples._validation import check_int

__all__ = ["households"]

# Age bands of the household head: <30, 30-44, 45-64, 65+.
_AGE_EDGES = np.array([30, 45, 65])

# Household size 1..6 by age band (rows sum to 1); young and old heads mostly live alone
# or in couples, as in the 인구주택총조사.
_SIZE_PROBS = np.array(
    [
        [0.62, 0.20, 0.10, 0.06, 0.015, 0.005],
        [0.25, 0.20, 0.25, 0.23, 0.05, 0.02],
        [0.20, 0.30, 0.25, 0.18, 0.05, 0.02],
        [0.40, 0.42, 0.10, 0.05, 0.02, 0.01],
    ]
)

_TENURES = np.array(["자가", "전세", "월세", "기타"])
_TENURE_PROBS = np.array(
    [
        [0.15, 0.25, 0.55, 0.05],
        [0.50, 0.25, 0.21, 0.04],
        [0.62, 0.15, 0.19, 0.04],
        [0.75, 0.07, 0.13, 0.05],
    ]
)

_MISSING_INCOME_SHARE = 0.03
_DUPLICATE_SHARE = 0.01


def households(n: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Generate seeded synthetic household microdata with Korean columns.

    The table looks like a household survey extract: a household ID, a real-looking
    법정동코드 from about twenty 시군구 across the country, the head's name and age,
    household size, monthly income, tenure, welfare status and survey date. It keeps
    the flaws real extracts have: about 3% of incomes are missing and about 1% of rows
    are exact duplicates. The 성명 column is personal data on purpose, so the ethics
    checks have something to flag.

    Parameters
    ----------
    n : int, default 1000
        Number of rows, duplicates included. Must be at least 1.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`. The same ``(n, seed)`` always gives
        the same table; no global random state is used or changed.

    Returns
    -------
    pandas.DataFrame
        Columns, in order: ``가구ID`` (str, ``"H000001"``), ``법정동코드`` (str, 10
        digits), ``시도`` (str), ``시군구`` (str), ``성명`` (str), ``나이`` (int, 19-95),
        ``가구원수`` (int, 1-6), ``월소득`` (float, 만원 a month, NaN when missing),
        ``주거형태`` (str: 자가, 전세, 월세, 기타), ``기초생활수급`` (bool), ``조사일``
        (str, ``"YYYY-MM-DD"`` in 2024).

    Raises
    ------
    ParameterError
        If ``n`` is not an int >= 1 or ``seed`` is not an int >= 0.

    Examples
    --------
    >>> from workbench.samples import households
    >>> df = households(n=5, seed=1)
    >>> list(df.columns)[:4]
    ['가구ID', '법정동코드', '시도', '시군구']
    >>> df["법정동코드"].str.len().unique().tolist()
    [10]
    """
    n = check_int(n, "n", "households", minimum=1)
    seed = check_int(seed, "seed", "households", minimum=0)
    rng = np.random.default_rng(seed)

    n_duplicates = round(n * _DUPLICATE_SHARE)
    m = n - n_duplicates  # distinct households
    frame = pd.DataFrame(
        {
            "가구ID": [f"H{i:06d}" for i in range(1, m + 1)],
            **_regions(rng, m),
            "성명": _names(rng, m),
        }
    )
    age = np.clip(np.rint(rng.normal(54.0, 15.0, m)), 19, 95).astype(np.int64)
    band = np.searchsorted(_AGE_EDGES, age, side="right")
    size = _draw_rows(rng, _SIZE_PROBS[band]) + 1
    income = _income(rng, age, size)
    frame["나이"] = age
    frame["가구원수"] = size.astype(np.int64)
    frame["월소득"] = np.where(rng.random(m) < _MISSING_INCOME_SHARE, np.nan, income)
    frame["주거형태"] = _TENURES[_draw_rows(rng, _TENURE_PROBS[band])].tolist()
    frame["기초생활수급"] = rng.random(m) < _welfare_probability(income, size)
    days = rng.integers(0, 366, m)  # 2024 is a leap year
    dates = np.datetime64("2024-01-01") + days.astype("timedelta64[D]")
    frame["조사일"] = np.datetime_as_string(dates, unit="D").tolist()

    return _plant_duplicates(rng, frame, n_duplicates)


def _regions(rng: np.random.Generator, m: int) -> dict[str, list[str]]:
    """Draw a 시군구 per row, weighted by population, and a 읍면동 inside it."""
    weights = np.array([region.weight for region in REGIONS], dtype=float)
    picks = rng.choice(len(REGIONS), size=m, p=weights / weights.sum())
    n_dong = np.array([region.n_dong for region in REGIONS])[picks]
    dong = 101 + np.floor(rng.random(m) * n_dong).astype(np.int64)
    chosen = [REGIONS[i] for i in picks]
    return {
        "법정동코드": [f"{r.code}{d:03d}00" for r, d in zip(chosen, dong.tolist(), strict=True)],
        "시도": [r.sido for r in chosen],
        "시군구": [r.sigungu for r in chosen],
    }


def _names(rng: np.random.Generator, m: int) -> list[str]:
    """Draw full names: a surname by its frequency, then two given-name syllables."""
    surnames = np.array(list(SURNAMES))
    shares = np.array(list(SURNAMES.values()))
    family = surnames[rng.choice(len(surnames), size=m, p=shares / shares.sum())]
    first = np.array(GIVEN_FIRST)[rng.integers(0, len(GIVEN_FIRST), m)]
    second = np.array(GIVEN_SECOND)[rng.integers(0, len(GIVEN_SECOND), m)]
    return [a + b + c for a, b, c in zip(family, first, second, strict=True)]


def _draw_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Draw one category index per row from that row's own probability vector."""
    cumulative = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u >= cumulative).sum(axis=1), probs.shape[1] - 1)


def _income(rng: np.random.Generator, age: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Monthly household income in 만원: log-normal, peaking for heads around 48."""
    log_mean = np.log(330.0) + 0.28 * np.log(size) - 0.00045 * (age - 48.0) ** 2
    return np.round(np.exp(rng.normal(log_mean, 0.55)), 1)


def _welfare_probability(income: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Chance of 기초생활수급: high below a size-adjusted income line, small above it."""
    line = 95.0 * np.sqrt(size)  # a crude equivalence scale, in 만원
    return 0.01 + 0.8 / (1.0 + np.exp((np.log(income) - np.log(line)) / 0.15))


def _plant_duplicates(rng: np.random.Generator, frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """Insert ``k`` exact copies of random rows at random positions."""
    if k == 0:
        return frame
    sources = rng.choice(len(frame), size=k, replace=False)
    positions = rng.integers(0, len(frame) + 1, k)
    order = np.insert(np.arange(len(frame)), positions, sources)
    return frame.iloc[order].reset_index(drop=True)
