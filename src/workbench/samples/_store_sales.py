"""Synthetic store-month card sales with floating population, openings and closures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.samples._validation import check_int

__all__ = ["PLANTED_DRIVERS", "store_sales"]

#: The features whose values drive closure in :func:`store_sales` (see its Notes).
PLANTED_DRIVERS = ("매출추세", "유동인구")

# 행정동 of 서울특별시 마포구 with a rough average daily floating population (천명).
# The codes follow the 10-digit 행정동코드 pattern; they are illustrative, not verified.
_DONGS: tuple[tuple[str, str, float], ...] = (
    ("1144055500", "아현동", 38.0),
    ("1144056500", "공덕동", 72.0),
    ("1144058500", "도화동", 45.0),
    ("1144060000", "용강동", 30.0),
    ("1144061000", "대흥동", 26.0),
    ("1144063000", "염리동", 20.0),
    ("1144065500", "신수동", 24.0),
    ("1144068000", "서교동", 110.0),
    ("1144069000", "합정동", 64.0),
    ("1144071000", "망원1동", 33.0),
    ("1144073000", "연남동", 58.0),
    ("1144076000", "상암동", 80.0),
)
# 업종 with its share of stores and median monthly card sales (만원).
_TRADES: dict[str, tuple[float, float]] = {
    "한식음식점": (0.30, 2400.0),
    "커피전문점": (0.20, 1500.0),
    "편의점": (0.12, 4200.0),
    "미용실": (0.14, 900.0),
    "의류점": (0.12, 1300.0),
    "학원": (0.12, 1800.0),
}
_COLUMNS = [
    "점포ID",
    "업종",
    "행정동코드",
    "행정동",
    "개업일",
    "폐업일",
    "기준월",
    "카드매출",
    "유동인구",
]
_FIRST_MONTH = np.datetime64("2021-01", "M")
_SALES_NOISE = 0.06  # sd of monthly log sales around the store's trend
_POP_NOISE = 0.04  # sd of monthly log floating population around the 행정동 level
_TREND_MEAN, _TREND_SD = -0.005, 0.03  # store sales trend, log change a month
# Monthly closure hazard: logistic in the standardised trend and floating population.
_HAZARD_INTERCEPT, _HAZARD_TREND, _HAZARD_POP = -4.3, 1.2, 0.9


def store_sales(n_stores: int = 1200, months: int = 48, seed: int = 0) -> pd.DataFrame:
    """Generate a seeded store-by-month panel of card sales with closures.

    One row per store and month in which the store was open, from January 2021: the
    store, its 업종 and 행정동, its 개업일 and (if it closed) 폐업일, the month's card
    sales and the 행정동's floating population. About two thirds of the stores opened
    before the panel starts; the rest open during it.

    Parameters
    ----------
    n_stores : int, default 1200
        Number of stores. Must be at least 1.
    months : int, default 48
        Length of the panel in months, from 2021-01. Must be at least 1.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; the same arguments always give the
        same table, and no global random state is used or changed.

    Returns
    -------
    pandas.DataFrame
        Columns, in order: ``점포ID`` (str, ``"S00001"``), ``업종`` (str),
        ``행정동코드`` (str, 10 digits), ``행정동`` (str), ``개업일`` (str,
        ``"YYYY-MM-DD"``), ``폐업일`` (str or NaN when still open), ``기준월`` (str,
        ``"YYYY-MM"``), ``카드매출`` (float, 만원 in the month), ``유동인구`` (float,
        average daily floating population of the 행정동 in the month, 천명).

    Raises
    ------
    ParameterError
        If an argument is not an int in its range.

    Notes
    -----
    The planted signal: each store has a constant sales trend (log change a month,
    normal with mean -0.005 and sd 0.03), and in every month it closes with probability
    ``1 / (1 + exp(-(-4.3 - 1.2 z_trend - 0.9 z_pop)))``, where ``z_trend`` is the
    standardised trend and ``z_pop`` the standardised log floating population of its
    행정동. A falling trend and a quiet 행정동 therefore raise the closure risk; 업종,
    sales level and the store's age have no effect of their own.

    Examples
    --------
    >>> from workbench.samples._store_sales import store_sales
    >>> panel = store_sales(n_stores=20, months=12, seed=1)
    >>> list(panel.columns)[:4]
    ['점포ID', '업종', '행정동코드', '행정동']
    >>> bool(panel[["점포ID", "기준월"]].duplicated().any())
    False
    """
    n_stores = check_int(n_stores, "n_stores", "store_sales", minimum=1)
    months = check_int(months, "months", "store_sales", minimum=1)
    seed = check_int(seed, "seed", "store_sales", minimum=0)
    rng = np.random.default_rng(seed)

    dong = rng.integers(0, len(_DONGS), n_stores)
    trade_names = np.array(list(_TRADES))
    shares = np.array([share for share, _ in _TRADES.values()])
    trade = rng.choice(len(trade_names), size=n_stores, p=shares / shares.sum())
    trend = rng.normal(_TREND_MEAN, _TREND_SD, n_stores)

    # Opening month as an offset from the panel start: negative for older stores.
    before = rng.random(n_stores) < 2 / 3
    opened = np.where(
        before, -rng.integers(1, 120, n_stores), rng.integers(0, max(months - 1, 1), n_stores)
    )
    open_day = rng.integers(1, 29, n_stores)

    pop = _floating_population(rng, months)  # (dong, month), 천명
    log_level = np.log([level for *_, level in _DONGS])
    z_pop = (log_level - log_level.mean()) / log_level.std()
    z_trend = (trend - _TREND_MEAN) / _TREND_SD
    logit = _HAZARD_INTERCEPT - _HAZARD_TREND * z_trend - _HAZARD_POP * z_pop[dong]
    hazard = 1.0 / (1.0 + np.exp(-logit))
    # First month (from the later of opening and panel start) in which the store closes.
    closes = rng.random((n_stores, months)) < hazard[:, None]
    month_index = np.arange(months)
    closes &= month_index[None, :] >= np.maximum(opened, 0)[:, None]
    closed = np.where(closes.any(axis=1), closes.argmax(axis=1), -1)

    base = np.array([median for _, median in _TRADES.values()])[trade]
    base = base * np.exp(rng.normal(0.0, 0.35, n_stores))
    frame = _panel(rng, months, opened, closed, dong, trade, trend, base, pop)
    frame.insert(1, "업종", trade_names[trade[frame.pop("i").to_numpy()]])
    return frame.assign(**_store_columns(frame, opened, open_day, closed, rng)).reindex(
        columns=_COLUMNS
    )


def _floating_population(rng: np.random.Generator, months: int) -> np.ndarray:
    """Daily floating population (천명) per 행정동 and month: level, season, noise."""
    level = np.array([lvl for *_, lvl in _DONGS])
    season = 1.0 + 0.05 * np.sin(2 * np.pi * (np.arange(months) - 3) / 12)
    noise = np.exp(rng.normal(0.0, _POP_NOISE, (len(_DONGS), months)))
    return np.round(level[:, None] * season[None, :] * noise, 2)


def _panel(
    rng: np.random.Generator,
    months: int,
    opened: np.ndarray,
    closed: np.ndarray,
    dong: np.ndarray,
    trade: np.ndarray,
    trend: np.ndarray,
    base: np.ndarray,
    pop: np.ndarray,
) -> pd.DataFrame:
    """Rows for the months each store was open, with its sales and floating population."""
    n = len(opened)
    month = np.tile(np.arange(months), n)
    store = np.repeat(np.arange(n), months)
    last = np.where(closed >= 0, closed, months - 1)
    keep = (month >= np.maximum(opened, 0)[store]) & (month <= last[store])
    month, store = month[keep], store[keep]
    age = month - opened[store]  # months since opening
    elapsed = month - np.maximum(opened, 0)[store]  # months open inside the panel
    log_sales = (
        np.log(base[store]) + trend[store] * elapsed + rng.normal(0.0, _SALES_NOISE, len(store))
    )
    ramp = 1.0 - 0.3 * np.exp(-age / 3.0)  # a new store takes a few months to find custom
    return pd.DataFrame(
        {
            "점포ID": [f"S{i + 1:05d}" for i in store],
            "i": store,
            "행정동코드": np.array([code for code, *_ in _DONGS])[dong[store]],
            "행정동": np.array([name for _, name, _ in _DONGS])[dong[store]],
            "기준월": (_FIRST_MONTH + month).astype(str),
            "카드매출": np.round(np.exp(log_sales) * ramp, 1),
            "유동인구": pop[dong[store], month],
        }
    )


def _store_columns(
    frame: pd.DataFrame,
    opened: np.ndarray,
    open_day: np.ndarray,
    closed: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, list[str | float]]:
    """개업일 and 폐업일 per row, as ISO date strings (폐업일 NaN while open)."""
    n = len(opened)
    opening = (_FIRST_MONTH + opened).astype("datetime64[D]") + (open_day - 1)
    close_day = rng.integers(1, 29, n)
    closing = (_FIRST_MONTH + np.maximum(closed, 0)).astype("datetime64[D]") + (close_day - 1)
    open_text = np.datetime_as_string(opening, unit="D")
    close_text = np.where(closed >= 0, np.datetime_as_string(closing, unit="D"), "")
    store = frame["점포ID"].str[1:].astype(int).to_numpy() - 1
    return {
        "개업일": open_text[store].tolist(),
        "폐업일": [text or np.nan for text in close_text[store].tolist()],
    }
