"""Complaint keywords over time: counts by month and region, and rising terms flagged.

A term is counted once per complaint (document frequency): a complaint that repeats a
word ten times is still one complaint about it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.blocks._checks import check_number, check_table
from workbench.blocks._messages import length_error, parameter_error

__all__ = ["keyword_counts", "rising_terms"]

_ALL = "전체"


def _periods(frame: pd.DataFrame, date: str, function: str) -> pd.Series:
    check_table(function, "frame", frame, [date])
    parsed = pd.to_datetime(frame[date], errors="coerce")
    if parsed.isna().any():
        row = int(parsed.isna().to_numpy().argmax())
        bad = frame[date].iloc[row]
        raise parameter_error(
            "date_value",
            "date",
            function=function,
            got=bad,
            kind="date",
            column=date,
            row=row + 1,
            value=bad,
        )
    return parsed.dt.strftime("%Y-%m")


def _long(
    frame: pd.DataFrame,
    tokens: Sequence[Sequence[str]],
    date: str,
    region: str | None,
    function: str,
) -> pd.DataFrame:
    """One row per (complaint, distinct term): 문서, 기간, 지역, 단어."""
    if len(tokens) != len(frame):
        raise length_error(
            function,
            "tokens",
            "tokens_rows",
            expected=len(frame),
            got=len(tokens),
            tokens=len(tokens),
            rows=len(frame),
        )
    period = _periods(frame, date, function).to_numpy()
    place = frame[region].astype(str).to_numpy() if region else np.full(len(frame), _ALL)
    docs = pd.DataFrame({"문서": np.arange(len(frame)), "기간": period, "지역": place})
    terms = pd.Series([sorted(set(t)) for t in tokens], name="단어")
    long = docs.join(terms).explode("단어").dropna(subset=["단어"])
    return long.reset_index(drop=True)


def keyword_counts(
    frame: pd.DataFrame,
    tokens: Sequence[Sequence[str]],
    *,
    date: str = "접수일",
    region: str | None = None,
    top_n: int = 20,
) -> pd.DataFrame:
    """Count the complaints mentioning each of the most frequent terms, by month.

    Parameters
    ----------
    frame : pandas.DataFrame
        The complaints, one row each.
    tokens : sequence of list of str
        Each row's words (:meth:`KoreanTokenizer.tokenize`), in the same order.
    date : str, default "접수일"
        Column of dates.
    region : str, optional
        Column of regions (e.g. ``"시군구"``): counts by month and region.
    top_n : int, default 20
        How many terms, the most frequent overall.

    Returns
    -------
    pandas.DataFrame
        Columns ``기간`` (``YYYY-MM``), [``region``], ``단어``, ``민원 수`` (complaints
        that mention the term), ``전체 민원 수`` (all complaints of the month [and
        region]), ``비율`` (the share). Months without a mention are listed with 0.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"접수일": ["2024-01-05", "2024-01-09", "2024-02-01"]})
    >>> table = keyword_counts(frame, [["소음"], ["소음", "소음"], ["주차"]], top_n=1)
    >>> table[["기간", "단어", "민원 수", "전체 민원 수"]].to_numpy().tolist()
    [['2024-01', '소음', 2, 2], ['2024-02', '소음', 0, 1]]
    """
    top_n = check_number("keyword_counts", "top_n", top_n, int, 1)
    long = _long(frame, tokens, date, region, "keyword_counts")
    totals = (
        pd.DataFrame({"기간": _periods(frame, date, "keyword_counts").to_numpy()})
        .assign(지역=frame[region].astype(str).to_numpy() if region else _ALL)
        .groupby(["기간", "지역"])
        .size()
        .rename("전체 민원 수")
    )
    frequency = long.groupby("단어").size()
    terms = frequency.sort_values(ascending=False, kind="stable").index[:top_n]
    # Ties in frequency: sort by count, then by the term itself, for stable output.
    order = sorted(terms, key=lambda t: (-int(frequency[t]), t))
    grid = pd.MultiIndex.from_product(
        [
            totals.index.get_level_values(0).unique(),
            totals.index.get_level_values(1).unique(),
            order,
        ],
        names=["기간", "지역", "단어"],
    )
    counts = long[long["단어"].isin(order)].groupby(["기간", "지역", "단어"]).size()
    table = counts.reindex(grid, fill_value=0).rename("민원 수").reset_index()
    table = table.merge(totals.reset_index(), on=["기간", "지역"])
    table["비율"] = (table["민원 수"] / table["전체 민원 수"]).round(4)
    table["단어"] = pd.Categorical(table["단어"], categories=order, ordered=True)
    table = table.sort_values(["단어", "지역", "기간"], kind="stable").reset_index(drop=True)
    table["단어"] = table["단어"].astype(str)
    if region:
        return table.rename(columns={"지역": region})
    return table.drop(columns="지역")


def rising_terms(
    frame: pd.DataFrame,
    tokens: Sequence[Sequence[str]],
    *,
    date: str = "접수일",
    region: str | None = None,
    baseline: int = 3,
    min_count: int = 5,
    min_ratio: float = 2.0,
    alpha: float = 0.01,
) -> pd.DataFrame:
    """Flag terms mentioned in more complaints this month than in the months before.

    For every month ``m``, region and term (mentioned in at least ``min_count``
    complaints of that month and region), let ``x`` be the complaints of month ``m``
    that mention the term and ``y`` those of the ``baseline`` months before, out of
    ``N1`` and ``N0`` complaints in all. If the share of complaints mentioning the term
    did not change, ``x`` given ``x + y`` is binomial with ``p0 = N1 / (N1 + N0)`` (the
    conditional test of two Poisson rates, exposure = complaints). The one-sided
    p-value is ``P(X >= x)``; it is Bonferroni-adjusted by the number of tests. A term
    is flagged as rising when the adjusted p-value is below ``alpha`` and the rate
    ratio ``((x + 0.5) / N1) / ((y + 0.5) / N0)`` is at least ``min_ratio``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The complaints. For counts that repeated petitions do not inflate, keep one
        row per campaign (:func:`near_duplicates`).
    tokens : sequence of list of str
        Each row's words, in the same order.
    date : str, default "접수일"
        Column of dates.
    region : str, optional
        Column of regions: each region is compared with its own past.
    baseline : int, default 3
        Months before ``m`` that make the comparison period; the first ``baseline``
        months of the data are not tested.
    min_count : int, default 5
        Fewest complaints in month ``m`` for a term to be tested.
    min_ratio : float, default 2.0
        Smallest rate ratio that counts as rising.
    alpha : float, default 0.01
        Significance level after the Bonferroni adjustment.

    Returns
    -------
    pandas.DataFrame
        One row per test, most significant first: ``기간``, [``region``], ``단어``,
        ``이번 달 민원 수`` (x), ``이전 기간 민원 수`` (y), ``이번 달 전체`` (N1),
        ``이전 기간 전체`` (N0), ``증가 배율``, ``p값``, ``보정 p값``, ``급증`` (bool).

    Examples
    --------
    >>> import pandas as pd
    >>> dates = [f"2024-0{m}-01" for m in (1, 2, 3, 4) for _ in range(20)]
    >>> words = [["소음"] if i % 10 == 0 else ["주차"] for i in range(60)]
    >>> words += [["소음"]] * 12 + [["주차"]] * 8
    >>> table = rising_terms(pd.DataFrame({"접수일": dates}), words)
    >>> flagged = table.loc[table["급증"], ["기간", "단어", "이번 달 민원 수", "이전 기간 민원 수"]]
    >>> flagged.to_numpy().tolist()
    [['2024-04', '소음', 12, 6]]
    """
    from scipy.stats import binom

    baseline = check_number("rising_terms", "baseline", baseline, int, 1)
    min_count = check_number("rising_terms", "min_count", min_count, int, 1)
    min_ratio = check_number("rising_terms", "min_ratio", min_ratio, float, 1.0)
    alpha = check_number("rising_terms", "alpha", alpha, float, 0, 1, low_open=True)
    long = _long(frame, tokens, date, region, "rising_terms")
    periods = _periods(frame, date, "rising_terms")
    months = pd.period_range(min(periods), max(periods), freq="M").strftime("%Y-%m")
    places = frame[region].astype(str).to_numpy() if region else np.full(len(frame), _ALL)
    totals = (
        pd.crosstab(places, periods.to_numpy()).reindex(columns=months, fill_value=0)
        if len(frame)
        else pd.DataFrame(columns=months)
    )
    counts = long.groupby(["지역", "단어", "기간"]).size().unstack("기간", fill_value=0)
    counts = counts.reindex(columns=months, fill_value=0)
    before = _window_sums(counts.to_numpy(), baseline)
    totals_before = _window_sums(totals.to_numpy(), baseline)
    place_row = totals.index.get_indexer(counts.index.get_level_values("지역"))
    n1 = totals.to_numpy()[place_row]
    n0 = totals_before[place_row]
    x = counts.to_numpy()
    tested = (x >= min_count) & (n0 > 0)
    tested[:, :baseline] = False
    i, j = np.nonzero(tested)
    table = pd.DataFrame(
        {
            "기간": np.asarray(months)[j],
            "지역": counts.index.get_level_values("지역")[i],
            "단어": counts.index.get_level_values("단어")[i],
            "x": x[i, j],
            "y": before[i, j],
            "N1": n1[i, j],
            "N0": n0[i, j],
        }
    )
    p0 = table["N1"] / (table["N1"] + table["N0"])
    p_values = binom.sf(table["x"] - 1, table["x"] + table["y"], p0) if len(table) else []
    ratio = ((table["x"] + 0.5) / table["N1"]) / ((table["y"] + 0.5) / table["N0"])
    table = table.assign(
        증가배율=np.round(ratio.astype(float), 2),
        p값=np.asarray(p_values, dtype=float),
    )
    table["보정 p값"] = np.minimum(table["p값"] * max(len(table), 1), 1.0)
    table["급증"] = (table["보정 p값"] < alpha) & (table["증가배율"] >= min_ratio)
    table = table.sort_values(["보정 p값", "기간", "지역", "단어"], kind="stable")
    table = table.reset_index(drop=True).rename(
        columns={
            "x": "이번 달 민원 수",
            "y": "이전 기간 민원 수",
            "N1": "이번 달 전체",
            "N0": "이전 기간 전체",
            "증가배율": "증가 배율",
        }
    )
    table["p값"] = table["p값"].map(lambda p: float(f"{p:.3g}"))
    table["보정 p값"] = table["보정 p값"].map(lambda p: float(f"{p:.3g}"))
    if region:
        return table.rename(columns={"지역": region})
    return table.drop(columns="지역")


def _window_sums(values: np.ndarray, width: int) -> np.ndarray:
    """For each column j, the sum of columns j-width .. j-1 (0 where fewer exist)."""
    values = np.asarray(values, dtype=np.int64).reshape(len(values), -1)
    cumulative = np.concatenate([np.zeros((len(values), 1), np.int64), values.cumsum(1)], 1)
    out = np.zeros_like(values)
    for j in range(values.shape[1]):
        out[:, j] = cumulative[:, j] - cumulative[:, max(j - width, 0)]
    return out
