"""Facility-month rows from facility emissions as agencies publish them.

The ``emission_anomalies`` analysis compares facility-months. What is published is the
명세서 (온실가스종합정보센터 / 한국에너지공단 관리업체 명세서 공개): one row per business
site and year (sometimes per month), with the company, site, industry, address,
emissions in tCO2eq and energy use in TJ. :func:`facility_months` turns those rows into
the analysis's input; :func:`year_month` reads the month forms agencies write.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from workbench.blocks._messages import parameter_error
from workbench.exceptions import ParameterError

__all__ = ["facility_months", "year_month"]

_YEAR_MONTH = re.compile(
    r"^\s*((?:19|20)\d{2})\s*(?:[-./년]\s*)?(0?[1-9]|1[0-2])\s*(?:월)?"
    r"(?:[-./]\s*\d{1,2}\s*(?:일)?)?\s*\.?\s*$"
)


def year_month(values: Any) -> pd.Series:
    """Write months as ``"YYYY-MM"``, whichever way an agency wrote them.

    Accepts ``202401`` (number or text, as K-apt and card-sales files write it),
    ``2024.01`` (KOSIS), ``2024-01``, ``2024년 1월``, ``2024/1``, dates such as
    ``2024-01-15`` and datetime values. Missing values stay missing.

    Parameters
    ----------
    values : array-like

    Returns
    -------
    pandas.Series
        Text ``"YYYY-MM"`` (same index when ``values`` is a Series).

    Raises
    ------
    ParameterError
        Naming the first value that is not a month and its row.

    Examples
    --------
    >>> year_month(["202401", 202402, "2024.03", "2024년 4월", "2024-05-31"]).tolist()
    ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05']
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m").astype("str")
    out: list[str | None] = []
    for position, value in enumerate(series):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            out.append(None)
            continue
        if isinstance(value, pd.Timestamp):
            out.append(f"{value:%Y-%m}")
            continue
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        match = _YEAR_MONTH.match(text)
        if match is None:
            raise parameter_error(
                "month_text",
                str(series.name or "month"),
                got=text,
                kind="month",
                column=series.name or "월",
                row=position + 1,
                value=text,
            )
        out.append(f"{match[1]}-{int(match[2]):02d}")
    return pd.Series(out, index=series.index, name=series.name, dtype="str")


def _sigungu_codes(addresses: pd.Series) -> pd.Series:
    """Find the 10-digit 시군구-level 법정동코드 of each address by its longest prefix.

    Every name the region table has known is matched (its dated history, not only the
    codes valid today), so a statement that still says 전라남도 여수시 gets 46130, the
    code of that name while it was in use.
    """
    from workbench.catalog.regions import active_snapshot

    table = active_snapshot().history
    table = table[table["수준"] == "시군구"].sort_values("시작일", kind="stable")
    names = {
        re.sub(r"\s+", "", f"{row.시도명}{row.시군구명}"): f"{row.시군구코드}00000"
        for row in table.itertuples()
    }
    longest = sorted(names, key=len, reverse=True)

    def code(address: Any) -> Any:
        squeezed = re.sub(r"\s+", "", str(address))
        return next((names[n] for n in longest if squeezed.startswith(n)), None)

    return addresses.map(code)


def facility_months(
    records: pd.DataFrame,
    *,
    company: str = "업체명",
    site: str = "사업장명",
    industry: str = "업종",
    address: str = "소재지",
    period: str = "연도",
    emissions: str = "온실가스 배출량(tCO2eq)",
    energy: str = "에너지 사용량(TJ)",
    electricity: str | None = None,
    output: str | None = None,
) -> pd.DataFrame:
    """Turn published facility emissions (명세서) into ``emission_anomalies`` rows.

    Assumptions, each visible in the result:

    - A facility is a (company, site) pair; ``시설ID`` is ``"업체명 사업장명"``.
    - ``period`` holds a year (``2023``) or a month (``202301``, ``2023-01``). An annual
      row is spread evenly over its 12 months (each month 1/12 of the year), and
      ``월분할`` is True on those rows: such months carry no seasonal signal, so the
      anomalies found are year-on-year changes and differences from the industry.
    - Energy use (TJ) stands for ``연료사용량``; ``전력사용량`` and ``생산량`` are taken
      from the named columns when given, else left missing (the analysis then skips the
      signals that need them: intensity per unit of output).
    - ``법정동코드`` is the 시군구-level code (``41590`` + ``00000``) found from the
      address's 시도 and 시군구 names in the region table's history (the code a name had
      while it was in use: 전라남도 여수시 is 46130 even after the 2026 merger).

    Parameters
    ----------
    records : pandas.DataFrame
        The published rows (e.g. ``wb.read_table("명세서.csv")``); a ``합계행`` flag
        from the reader drops the summary rows.
    company, site, industry, address, period, emissions, energy : str
        Their columns, by default as the 명세서 names them.
    electricity, output : str, optional
        Columns of electricity use and production, where the file has them.

    Returns
    -------
    pandas.DataFrame
        ``시설ID``, ``업종``, ``법정동코드``, ``연월``, ``연료사용량``, ``전력사용량``,
        ``배출량``, ``생산량``, ``월분할``, one row per facility and month, sorted.

    Raises
    ------
    ParameterError
        A named column missing (with the columns there are), an address whose 시군구
        is not known, or a period that is not a year or month.

    Examples
    --------
    >>> published = pd.DataFrame({
    ...     "업체명": ["가나화학", "가나화학"], "사업장명": ["울산공장", "울산공장"],
    ...     "업종": ["화학", "화학"], "소재지": ["울산광역시 남구 처용로 1"] * 2,
    ...     "연도": [2022, 2023], "온실가스 배출량(tCO2eq)": [12000.0, 24000.0],
    ...     "에너지 사용량(TJ)": [240.0, 480.0]})
    >>> rows = facility_months(published)
    >>> len(rows), rows["연월"].iloc[0], float(rows["배출량"].iloc[0]), rows["법정동코드"].iloc[0]
    (24, '2022-01', 1000.0, '3114000000')
    """
    frame = records
    if "합계행" in frame.columns:
        frame = frame[~frame["합계행"].astype(bool)]
    needed = [company, site, industry, address, period, emissions, energy]
    needed += [c for c in (electricity, output) if c]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"facility_months: 배출량 자료에 {', '.join(map(repr, missing))} 열이 없습니다. "
            f"있는 열: {', '.join(map(str, frame.columns))}. 열 이름을 인자로 알려 주세요 "
            "(예: emissions='배출량').",
            parameter=missing[0],
        )
    codes = _sigungu_codes(frame[address])
    if codes.isna().any():
        bad = frame.loc[codes.isna(), address].iloc[0]
        raise ParameterError(
            f"facility_months: 소재지 {bad!r}의 시도·시군구를 지역 코드표에서 찾지 못했습니다. "
            "주소가 '시도 시군구 …'로 시작하는지 확인하세요.",
            parameter=address,
        )
    raw = frame[period].map(lambda v: str(int(v)) if isinstance(v, float) else str(v)).str.strip()
    annual = raw.str.fullmatch(r"(?:19|20)\d{2}(?:년)?")
    base = pd.DataFrame(
        {
            "시설ID": frame[company].astype(str).str.strip()
            + " "
            + frame[site].astype(str).str.strip(),
            "업종": frame[industry].astype(str),
            "법정동코드": codes,
            "연료사용량": pd.to_numeric(frame[energy], errors="coerce"),
            "전력사용량": pd.to_numeric(frame[electricity], errors="coerce")
            if electricity
            else np.nan,
            "배출량": pd.to_numeric(frame[emissions], errors="coerce"),
            "생산량": pd.to_numeric(frame[output], errors="coerce") if output else np.nan,
        }
    )
    monthly = base[~annual.to_numpy()].assign(
        연월=year_month(raw[~annual].rename(period)).to_numpy(), 월분할=False
    )
    yearly = base[annual.to_numpy()]
    years = raw[annual].str[:4].to_numpy()
    spread = yearly.loc[yearly.index.repeat(12)].copy()
    spread["연월"] = [f"{y}-{m:02d}" for y in years for m in range(1, 13)]
    amounts = ["연료사용량", "전력사용량", "배출량", "생산량"]
    spread[amounts] = spread[amounts] / 12
    spread["월분할"] = True
    rows = pd.concat([monthly, spread], ignore_index=True)
    order = ["시설ID", "업종", "법정동코드", "연월", *amounts, "월분할"]
    rows = rows[order].sort_values(["시설ID", "연월"], kind="stable").reset_index(drop=True)
    return rows.astype({"시설ID": "str", "업종": "str", "법정동코드": "str", "연월": "str"})
