"""What a profile should make an official look at first: Korean alerts and correlations."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from workbench.catalog import SUMMARY_COLUMN

if TYPE_CHECKING:
    from workbench.blocks._profile import Profile

__all__ = ["ALERT_KINDS", "correlations", "profile_alerts"]

#: Alert kinds, in the order the report lists them.
ALERT_KINDS = (
    "개인정보로 보이는 열",
    "식별자로 보이는 열",
    "합계 행 포함",
    "지역 코드 오류",
    "중복 행",
    "상수 열",
    "결측 많음",
    "한쪽으로 치우침",
    "고유값 많음",
    "높은 상관",
)
MISSING_SHARE = 0.2  # a column this empty is worth a look
SKEW = 2.0  # |skewness| above this: a long tail (incomes, amounts)
TOP_SHARE = 0.9  # one value holds this share of the rows
MANY_VALUES = 50  # a 범주 column with more distinct values than this
CORRELATION = 0.9  # |Pearson r| at or above this: nearly the same information
TOTAL_LABELS = ("전국", "합계", "소계", "계", "총계", "총합계")
_REGION_CODE = re.compile(r"법정동|행정동|행정구역|지역코드|시군구코드|시도코드")


def correlations(df: pd.DataFrame, result: Profile) -> pd.DataFrame:
    """Pearson correlations between the 숫자 columns (not identifiers), as a square table.

    Computed once by :func:`workbench.blocks.profile` (``result.correlations``).
    """
    return result.correlations


def _share(value: float) -> str:
    return f"{value * 100:.1f}%"


def _region_alert(name: str, series: pd.Series, known: pd.Series | None) -> dict[str, Any] | None:
    """Codes not in the bundled region table (retired, or from another reference date)."""
    from workbench.catalog.regions import REGION_TABLE_DATE, validate_codes

    # The lengths first (cheap on a million identifiers): most columns are no codes.
    values = pd.Series(known.index) if known is not None else series.dropna()
    lengths = set(values.astype("string").str.len().unique())
    levels: dict[int, Literal["dong", "sigungu", "sido"]] = {10: "dong", 5: "sigungu", 2: "sido"}
    level = levels.get(max(lengths)) if lengths else None
    if level is None or (not _REGION_CODE.search(name) and lengths != {10}):
        return None
    counts = known if known is not None else series.value_counts(dropna=True)
    counts = counts.groupby(counts.index.astype(str)).sum()
    found = validate_codes(pd.Series(counts.index, name=name), level, column=name)
    if not found:
        return None
    bad = {str(v) for f in found for v in f.get("values", [])}
    codes = sum(int(f.get("count", 0)) for f in found)
    rows = int(counts[counts.index.isin(bad)].sum())
    more = "" if len(bad) >= codes else " 이상"
    return {
        "경고": "지역 코드 오류",
        "열": name,
        "내용": (
            f"코드 {codes:,}종(행 {rows:,}개{more})이 지역 코드표(기준일 {REGION_TABLE_DATE})에 "
            "없습니다. 형식이 틀렸거나, 폐지·변경된 코드이거나, 자료의 기준일이 코드표와 "
            "다릅니다. wb.regions.validate_codes로 확인하세요."
        ),
    }


def _total_rows(result: Profile) -> int:
    """Rows labelled as totals (전국, 합계, 소계, 계, 총계) in a 범주 column (the most found)."""
    names = set(result.columns.loc[result.columns["유형"] == "범주", "열"])
    found = 0
    for name, counts in result.value_counts.items():
        if name in names:
            labels = pd.Series(counts.index.astype(str)).str.strip().isin(TOTAL_LABELS)
            found = max(found, int(counts[labels.to_numpy()].sum()))
    return found


def profile_alerts(df: pd.DataFrame, result: Profile) -> pd.DataFrame:
    """Return the alerts for a profiled table (경고, 열, 내용), most important first.

    Kinds (:data:`ALERT_KINDS`): 개인정보로 보이는 열 and 식별자로 보이는 열 (values never
    shown), 합계 행 포함 (read_table's ``합계행`` flags), 지역 코드 오류 (region codes not
    in the bundled table: malformed, retired, or another reference date), 중복 행,
    상수 열, 결측 많음 (≥ 20 % empty), 한쪽으로 치우침 (|skewness| ≥ 2, or one value
    in ≥ 90 % of rows), 고유값 많음 (a 범주 with more than 50 values) and 높은 상관
    (|r| ≥ 0.9 between two numbers). No alert shows an identifier's or a personal
    column's values.
    """
    found: list[dict[str, Any]] = []
    overview = dict(zip(result.overview["항목"], result.overview["값"], strict=True))
    top = result.top_values[result.top_values["순위"] == 1].set_index("열")
    for row in result.columns.to_dict("records"):
        name, kind = row["열"], row["유형"]
        if name == SUMMARY_COLUMN:  # read_table's own flags: reported as 합계 행 포함
            continue
        if row.get("개인정보"):
            found.append(
                {
                    "경고": "개인정보로 보이는 열",
                    "열": name,
                    "내용": "개인정보로 보여 값을 보여 주지 않습니다. 공개 결과에서 빼거나 "
                    "가명처리하세요.",
                }
            )
        elif kind == "식별자":
            found.append(
                {
                    "경고": "식별자로 보이는 열",
                    "열": name,
                    "내용": f"값 {row['고유값 수']:,}개가 거의 모두 달라 식별자(번호·이름 등)로 "
                    "보고 값을 보여 주지 않습니다.",
                }
            )
        if row["고유값 수"] <= 1 and overview.get("행 수", 0) > 1:
            found.append(
                {
                    "경고": "상수 열",
                    "열": name,
                    "내용": "값이 하나뿐입니다 (빈 칸 제외). 분석에서 빼도 됩니다.",
                }
            )
        if row["결측 비율"] >= MISSING_SHARE:
            found.append(
                {
                    "경고": "결측 많음",
                    "열": name,
                    "내용": f"값의 {_share(row['결측 비율'])}({row['결측 수']:,}개)가 "
                    "비어 있습니다.",
                }
            )
        skew = row.get("왜도")
        if kind == "숫자" and skew is not None and np.isfinite(skew) and abs(skew) >= SKEW:
            found.append(
                {
                    "경고": "한쪽으로 치우침",
                    "열": name,
                    "내용": f"분포가 한쪽으로 길게 치우쳐 있습니다 (왜도 {skew:.1f}). 평균보다 "
                    "중앙값을 보고, 필요하면 로그를 취하세요.",
                }
            )
        if kind in ("범주", "참거짓") and name in top.index and row["고유값 수"] > 1:
            share = float(top.loc[name, "비율"])
            if share >= TOP_SHARE:
                found.append(
                    {
                        "경고": "한쪽으로 치우침",
                        "열": name,
                        "내용": f"행의 {_share(share)}가 한 값('{top.loc[name, '값']}')입니다.",
                    }
                )
        if kind == "범주" and row["고유값 수"] > MANY_VALUES:
            found.append(
                {
                    "경고": "고유값 많음",
                    "열": name,
                    "내용": f"고유값이 {row['고유값 수']:,}개로 많아 상위 값만 보여 줍니다.",
                }
            )
        if kind in ("범주", "식별자") and not row.get("개인정보"):
            position = next(i for i, c in enumerate(df.columns) if str(c) == name)
            region = _region_alert(name, df.iloc[:, position], result.value_counts.get(name))
            if region:
                found.append(region)
    if overview.get("중복 행 수", 0):
        found.append(
            {
                "경고": "중복 행",
                "열": "(표 전체)",
                "내용": f"완전히 같은 행이 {int(overview['중복 행 수']):,}개 있습니다. "
                "같은 자료가 두 번 들어갔는지 확인하세요.",
            }
        )
    summary = int(overview.get("합계 행 수 (전국·합계·소계)", 0) or 0) or _total_rows(result)
    if summary:
        found.append(
            {
                "경고": "합계 행 포함",
                "열": "(표 전체)",
                "내용": f"전국·합계·소계 같은 합계 행이 {summary:,}개 있습니다 (합계행 열). "
                "합계를 다시 더하지 않도록 분석에서 빼세요.",
            }
        )
    matrix = correlations(df, result)
    names = list(matrix.columns)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            r = float(matrix.loc[first, second])  # type: ignore[arg-type]
            if np.isfinite(r) and abs(r) >= CORRELATION:
                found.append(
                    {
                        "경고": "높은 상관",
                        "열": f"{first}, {second}",
                        "내용": f"두 열의 상관계수(r = {r:.2f})가 매우 높아 거의 같은 정보를 "
                        "담고 있습니다. 회귀분석에 함께 넣지 마세요.",
                    }
                )
    table = pd.DataFrame(found, columns=["경고", "열", "내용"])
    order = {kind: i for i, kind in enumerate(ALERT_KINDS)}
    table["_order"] = table["경고"].map(order)
    return table.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
