"""Join 행정동코드 to rows keyed by 법정동코드, through a supplied 법정동-행정동 mapping."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from workbench.catalog._regions import _SHOWN, _problem, _require, normalize_codes
from workbench.exceptions import ParameterError, SchemaError

__all__ = ["legal_to_admin"]


def legal_to_admin(
    frame: pd.DataFrame,
    code_column: str,
    mapping: pd.DataFrame,
    *,
    legal_column: str = "법정동코드",
    admin_column: str = "행정동코드",
    weight_column: str | None = None,
    unmatched: Literal["error", "keep", "drop"] = "error",
) -> pd.DataFrame:
    """Join 행정동코드 to rows keyed by 법정동코드, through a supplied mapping table.

    법정동 and 행정동 do not nest: one 법정동 may lie in several 행정동 and one 행정동
    may cover several 법정동. Every pair is kept, so a row whose 법정동 maps to three
    행정동 appears three times, and ``행정동수`` says so. Summing over such rows counts
    them several times: pass ``weight_column`` (e.g. each pair's share of the 법정동's
    population) and multiply by it, or keep only rows with ``행정동수 == 1``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to map.
    code_column : str
        The column of ``frame`` holding 10-digit 법정동코드.
    mapping : pandas.DataFrame
        법정동-행정동 pairs, e.g. 행정안전부's 행정동·법정동 연계 table.
    legal_column, admin_column : str
        The mapping's code columns; ``admin_column`` is also the output column.
    weight_column : str, optional
        A mapping column of shares, carried to the output. Each 법정동's shares must
        add up to 1 (within 0.01).
    unmatched : {"error", "keep", "drop"}
        Rows whose 법정동코드 is not in the mapping: an error listing them, kept with a
        missing 행정동코드 (and ``행정동수`` 0), or dropped.

    Returns
    -------
    pandas.DataFrame
        ``frame``'s columns, then ``admin_column``, the weight column if any, and
        ``행정동수``; a new index, since rows may be repeated.

    Examples
    --------
    >>> pairs = pd.DataFrame({"법정동코드": ["1111010100", "1111010200", "1111010200"],
    ...                       "행정동코드": ["1111051500", "1111051500", "1111053000"],
    ...                       "비율": [1.0, 0.6, 0.4]})
    >>> rows = pd.DataFrame({"법정동코드": ["1111010200"], "인구": [100]})
    >>> out = legal_to_admin(rows, "법정동코드", pairs, weight_column="비율")
    >>> out[["행정동코드", "비율", "행정동수"]].values.tolist()
    [['1111051500', 0.6, 2], ['1111053000', 0.4, 2]]
    """
    _require(frame, [code_column], "frame")
    _require(
        mapping,
        [legal_column, admin_column, *([weight_column] if weight_column else [])],
        "mapping",
    )
    if admin_column in frame.columns:
        raise ParameterError(
            f"frame에 이미 '{admin_column}' 열이 있습니다. 그 열의 이름을 바꾸거나, "
            "admin_column=...으로 결과 열 이름을 따로 주세요.",
            parameter="admin_column",
        )
    if unmatched not in ("error", "keep", "drop"):
        raise ParameterError(
            "legal_to_admin의 'unmatched' 매개변수는 'error', 'keep', 'drop' 중 하나여야 "
            f"합니다. 받은 값: {unmatched!r}.",
            parameter="unmatched",
        )
    key = "__workbench_legal__"
    pairs = pd.DataFrame(
        {
            key: normalize_codes(mapping[legal_column], column=legal_column).values,
            admin_column: normalize_codes(mapping[admin_column], column=admin_column).values,
            **({weight_column: mapping[weight_column].values} if weight_column else {}),
        }
    )
    pairs = pairs.dropna(subset=[key, admin_column]).drop_duplicates([key, admin_column])
    if weight_column:
        totals = pairs.groupby(key)[weight_column].sum()
        off = totals[(totals - 1.0).abs() > 0.01]
        if len(off):
            shown = ", ".join(f"{code}: {total:g}" for code, total in off.head(_SHOWN).items())
            raise SchemaError(
                f"mapping의 비중 '{weight_column}' 합이 1이 아닌 법정동이 {len(off)}개 있습니다 "
                f"({shown}). 법정동마다 그 행정동들에 나눈 비중의 합이 1이어야 합니다."
            )
    pairs["행정동수"] = pairs.groupby(key)[admin_column].transform("size").astype("int64")
    codes = normalize_codes(frame[code_column], column=code_column)
    matched = codes.isin(pairs[key])
    if unmatched == "error" and not matched.all():
        problem = _problem(frame[code_column], ~matched, code_column, "unmatched",
                           f"mapping의 '{legal_column}'에 없습니다")  # fmt: skip
        raise SchemaError(
            f"{problem['message']} 자료와 같은 날짜의 mapping을 쓰거나, unmatched='keep' 또는 "
            "'drop'을 주세요.",
            failures=[problem],
        )
    keep = matched.to_numpy() if unmatched == "drop" else slice(None)
    left = frame[keep].assign(**{key: codes.to_numpy()[keep]}).reset_index(drop=True)
    joined = left.merge(pairs, on=key, how="left", sort=False).drop(columns=key)
    joined["행정동수"] = joined["행정동수"].fillna(0).astype("int64")
    return joined
