"""Tables that the notebooks build more than once."""

from __future__ import annotations

import pandas as pd


def population_by_sido(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return population and households per 시도 for one year, largest population first."""
    rows = df[df["연도"] == year]
    if rows.empty:
        years = ", ".join(str(y) for y in sorted(df["연도"].unique()))
        raise ValueError(f"연도 {year}의 자료가 없습니다. 있는 연도: {years}")
    table = rows.groupby("시도", as_index=False)[["인구", "가구수"]].sum()
    return table.sort_values("인구", ascending=False, ignore_index=True)
