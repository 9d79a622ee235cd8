"""Region codes: check and clean 법정동코드 columns, roll them up, join 법정동 to 행정동.

A 10-digit 법정동코드 reads ``SS GGG DDD RR``: 시도 (2 digits), 시군구 (3), 읍면동 (3)
and 리 (2). Its first 2 and 5 digits are the 시도 and 시군구 codes of the bundled,
dated table (:func:`region_table`, 행정안전부 행정표준코드관리시스템 법정동코드 at
:data:`REGION_TABLE_DATE`). That table also lists the 일반구 of large cities (수원시
장안구, 41111), the 행정시 of 제주 and 세종's single-tier code 36110, whose 5-digit codes
appear in 법정동코드 but which are not local governments: ``자치`` tells them apart, so
that counting 자치 시군구 gives the 226 of the 243 local governments, while codes such as
4111110100 still roll up to 41111 (or, with ``level="local"``, to 수원시 41110).

The 통계청 행정구역분류 uses other codes (서울 종로구 is 11010 there, 11110 here): such
codes are reported as unknown.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from workbench import samples
from workbench.catalog._filters import normalize_aggregations
from workbench.exceptions import ParameterError, SchemaError

__all__ = [
    "FORMER_CODES",
    "LEVELS",
    "REGION_TABLE_DATE",
    "REGION_TABLE_SOURCE",
    "legal_to_admin",
    "normalize_codes",
    "region_table",
    "roll_up",
    "sido_code",
    "sigungu_code",
    "validate_codes",
]

#: The 기준일 of the bundled table (the ``as_of`` line of its file).
REGION_TABLE_DATE = "2025-01-01"
#: Where the codes come from.
REGION_TABLE_SOURCE = "행정안전부 행정표준코드관리시스템 법정동코드"
#: Code length of each level; ``dong`` is a 10-digit 법정동코드 (or 행정동코드).
LEVELS = {"sido": 2, "sigungu": 5, "dong": 10}
#: Codes retired before the 기준일 and what replaced them, for hints in messages.
FORMER_CODES = {
    "42": ("51", "강원도 became 강원특별자치도 on 2023-06-11"),
    "45": ("52", "전라북도 became 전북특별자치도 on 2024-01-18"),
    "47720": ("27720", "군위군 moved from 경상북도 to 대구광역시 on 2023-07-01"),
}
_SEPARATORS = r"[\s\-_./]"
_WHAT = {
    "sido": "2-digit 시도 codes",
    "sigungu": "5-digit 시군구 codes",
    "dong": "10-digit 법정동코드",
}
_SHOWN = 5
_UNKNOWN = ("error", "keep")
Level = Literal["sido", "sigungu", "dong"]


@functools.cache
def _table() -> pd.DataFrame:
    return samples.regions()


def region_table() -> pd.DataFrame:
    """Return the bundled 시도·시군구 code table (a fresh copy; read once per process).

    Returns
    -------
    pandas.DataFrame
        One row per code: ``시도코드``, ``시군구코드`` (missing on 시도 rows), ``수준``
        (시도 | 시군구), ``시도명``, ``시군구명``, ``구분``, ``자치``, ``상위코드``; see
        :func:`workbench.samples.regions`. ``attrs`` holds ``as_of`` and ``source``.

    Examples
    --------
    >>> table = region_table()
    >>> table.attrs["as_of"] == REGION_TABLE_DATE
    True
    >>> table.loc[table["시군구코드"] == "27720", ["시도명", "시군구명"]].values.tolist()
    [['대구광역시', '군위군']]
    """
    return _table().copy()


def _as_series(values: Any, column: str | None) -> tuple[pd.Series, str]:
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    return series, str(column or series.name or "codes")


def _as_text(series: pd.Series) -> pd.Series:
    """Codes as text without separators; numbers (``1111010100.0`` too) as digits.

    >>> _as_text(pd.Series(["1111010100.0", " 11110-10100 ", 4111110100.0])).tolist()
    ['1111010100', '1111010100', '4111110100']
    """
    if pd.api.types.is_integer_dtype(series) or pd.api.types.is_float_dtype(series):
        whole = series.isna() | (series % 1 == 0)
        digits = series.where(whole).astype("Int64").astype("str")
        return digits.where(whole, series.astype("str")).where(series.notna())

    def one(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return value if isinstance(value, str) else repr(value)

    text = series.map(one, na_action="ignore").astype("str").str.strip()
    # A spreadsheet's number written out as text ("1111010100.0") is the same code.
    text = text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    return text.str.replace(_SEPARATORS, "", regex=True)


def _problem(series: pd.Series, bad: pd.Series, column: str, check: str, expected: str) -> dict:
    """Describe a failed check: the column, how many values failed, up to five of them."""
    positions = np.flatnonzero(bad.to_numpy())[:_SHOWN]
    rows = series.index[positions].tolist()
    values = series.iloc[positions].tolist()
    shown = ", ".join(f"row {row}: {value!r}" for row, value in zip(rows, values, strict=True))
    count = int(bad.sum())
    message = f"Column '{column}': {count} value(s) {expected} ({shown})."
    return {"column": column, "check": check, "count": count, "rows": rows, "values": values,
            "message": message}  # fmt: skip


def _former_hints(codes: pd.Series) -> list[str]:
    return [
        f"{old} is now {new}: {why}."
        for old, (new, why) in FORMER_CODES.items()
        if codes.str.startswith(old).fillna(False).astype(bool).any()
    ]


def _clean(values: Any, column: str | None, lengths: Sequence[int], what: str) -> pd.Series:
    """Clean codes accepting these lengths; raise SchemaError listing malformed ones."""
    series, name = _as_series(values, column)
    text = _as_text(series)
    ok = text.str.fullmatch(r"\d+") & text.str.len().isin(list(lengths))
    bad = series.notna() & ~ok.fillna(False).astype(bool)
    if bad.any():
        problem = _problem(series, bad, name, "format", f"are not {what}")
        raise SchemaError(
            f"{problem['message']} Remove letters and fix the length, or check that this is "
            "the code column; codes are compared as text without separators.",
            failures=[problem],
        )
    text = text.where(series.notna())
    text.name = series.name
    return text


def normalize_codes(values: Any, level: Level = "dong", *, column: str | None = None) -> pd.Series:
    """Clean a column of region codes into text codes of one length.

    Spaces and separators (``-``, ``_``, ``.``, ``/``) are removed, numbers become
    digits (``1111010100.0`` from a spreadsheet too), and for ``level="sido"`` or
    ``"sigungu"`` a 10-digit code of that level (``1100000000``, ``1111000000``) is
    shortened. Missing values stay missing. Codes are not looked up: use
    :func:`validate_codes` for that.

    Parameters
    ----------
    values : pandas.Series or list-like
        The codes.
    level : {"dong", "sigungu", "sido"}
        ``dong``: 10-digit 법정동코드 (or 행정동코드); ``sigungu``: 5 digits; ``sido``: 2.
    column : str, optional
        The name used in messages; default the Series' name.

    Returns
    -------
    pandas.Series
        Text codes (str dtype), with the input's index and name.

    Raises
    ------
    SchemaError
        Naming the column, how many values are malformed, and up to five of them with
        their row labels (the index); ``failures`` holds the same as a finding.

    Examples
    --------
    >>> normalize_codes(pd.Series([" 11110-10100", 4111110100, None])).tolist()
    ['1111010100', '4111110100', nan]
    >>> normalize_codes(["1111000000", "41111"], level="sigungu").tolist()
    ['11110', '41111']
    """
    n = _length(level)
    series, name = _as_series(values, column)
    text = _clean(series, name, [n, 10], _WHAT[level])
    long = text.str.len() == 10
    zeros = "0" * (10 - n)
    padded = long & ~text.str.endswith(zeros).fillna(False).astype(bool)
    if n < 10 and padded.any():
        problem = _problem(series, padded, name, "format", f"are not {_WHAT[level]}")
        raise SchemaError(
            f"{problem['message']} To roll 법정동코드 up, use sido_code, sigungu_code or roll_up.",
            failures=[problem],
        )
    return text.where(~long, text.str[:n])


def validate_codes(
    values: Any, level: Level = "dong", *, column: str | None = None
) -> list[dict[str, Any]]:
    """Check region codes against the bundled table; return findings (empty if all good).

    Parameters
    ----------
    values : pandas.Series or list-like
        The codes (cleaned as :func:`normalize_codes` does before they are checked).
    level : {"dong", "sigungu", "sido"}
        For ``dong``, the 시군구 part (or, for a 시도-level code such as 1100000000, the
        시도 part) must be in the table; the 읍면동 and 리 parts are not checked.
    column : str, optional
        The name used in findings; default the Series' name.

    Returns
    -------
    list of dict
        One finding per failed check: ``column``, ``check`` (``format``: malformed;
        ``unknown``: not in the table at :data:`REGION_TABLE_DATE`), ``count``,
        ``rows`` (up to five row labels), ``values`` and ``message`` (which says when
        a code was retired, e.g. 42 for 강원).

    Examples
    --------
    >>> validate_codes(["4211010100", "5111010100"], column="법정동코드")[0]["message"]
    "Column '법정동코드': 1 value(s) are not codes in the region table of 2025-01-01 \
(row 0: '4211010100'). 42 is now 51: 강원도 became 강원특별자치도 on 2023-06-11."
    """
    n = _length(level)
    series, name = _as_series(values, column)
    try:
        codes = normalize_codes(series, level, column=name)
    except SchemaError as error:
        return list(error.failures)
    table = _table()
    sido = set(table["시도코드"])
    sigungu = set(table["시군구코드"].dropna())
    if n == 2:
        known = codes.isin(sido)
    elif n == 5:
        known = codes.isin(sigungu)
    else:
        is_sido = codes.str.endswith("0" * 8).fillna(False).astype(bool)
        known = codes.str[:5].isin(sigungu) | (is_sido & codes.str[:2].isin(sido))
    bad = codes.notna() & ~known
    if not bad.any():
        return []
    problem = _problem(
        series, bad, name, "unknown", f"are not codes in the region table of {REGION_TABLE_DATE}"
    )
    problem["message"] = " ".join([problem["message"], *_former_hints(codes[bad])])
    return [problem]


def _length(level: str) -> int:
    if level not in LEVELS:
        raise ParameterError(
            f"The 'level' parameter must be one of {', '.join(map(repr, LEVELS))}. "
            f"Got {level!r} instead.",
            parameter="level",
        )
    return LEVELS[level]


def _prefix(code: Any, n: int, lengths: Sequence[int], what: str) -> Any:
    if isinstance(code, pd.Series):
        return _clean(code, None, lengths, what).str[:n]
    return _clean([code], "code", lengths, what).iloc[0][:n]


def sido_code(code: Any) -> Any:
    """Return the 2-digit 시도 code of a 법정동코드 or 시군구 code (or a Series of them).

    Examples
    --------
    >>> sido_code("4111110100"), sido_code(27720)
    ('41', '27')
    """
    return _prefix(code, 2, [2, 5, 10], "2-, 5- or 10-digit region codes")


def sigungu_code(code: Any) -> Any:
    """Return the 5-digit 시군구 code of a 10-digit 법정동코드 (or a Series of them).

    Examples
    --------
    >>> sigungu_code("4111110100")
    '41111'
    """
    return _prefix(code, 5, [5, 10], "5- or 10-digit region codes")


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    for column in columns:
        if column not in frame.columns:
            raise ParameterError(
                f"The {what} has no column '{column}'. Its columns: "
                f"{', '.join(map(str, frame.columns))}.",
                parameter=what,
            )


def _local_codes(codes: pd.Series) -> pd.Series:
    """Map 5-digit codes to their local government: 일반구 -> 시, 행정시/세종 -> 시도."""
    rows = _table().dropna(subset=["시군구코드"]).set_index("시군구코드")
    target = rows["상위코드"].fillna(rows.index.to_series())  # 일반구 -> 시, others stay
    target = target.where(rows["자치"] | (rows["구분"] == "일반구"), rows["시도코드"])
    return codes.map(target)


def roll_up(
    frame: pd.DataFrame,
    code_column: str,
    level: Literal["sido", "sigungu", "local"] = "sigungu",
    aggregations: Mapping[str, str | Sequence[str]] | None = None,
    *,
    unknown: Literal["error", "keep"] = "error",
) -> pd.DataFrame:
    """Aggregate rows by 시군구 or 시도 of a code column, with names from the table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows, e.g. one per household.
    code_column : str
        10-digit 법정동코드 (or 5-digit 시군구 codes; for ``sido``, 2 digits too).
    level : {"sigungu", "sido", "local"}
        ``sigungu``: the 5-digit code as it is (4111110100 -> 41111 수원시 장안구);
        ``sido``: the first 2 digits; ``local``: the local government, so 일반구 roll
        up to their 시 (41111 -> 41110 수원시) and 제주's 행정시 and 세종 to the 시도
        (50110 -> 50), giving one row per 자치 시군구 (or single-tier 시도).
    aggregations : mapping, optional
        Column -> aggregate name(s) among count, sum, mean, min, max, median, std,
        nunique; result columns are named ``<column>_<aggregate>``.
    unknown : {"error", "keep"}
        Codes missing or not in the table (see :func:`validate_codes`): an error
        listing them, or a group of their own with no names.

    Returns
    -------
    pandas.DataFrame
        Sorted by code: ``시도코드`` | ``시군구코드`` | ``자치단체코드``, then ``시도명``
        (and ``시군구명`` below 시도 level), ``건수`` (rows), and the aggregates.

    Raises
    ------
    SchemaError
        Malformed codes, or unknown or missing ones with ``unknown="error"``.
    ParameterError
        A column that is not in ``frame``, or an unknown level or aggregate.

    Examples
    --------
    >>> df = pd.DataFrame({"법정동코드": ["4111110100", "4111310100", "2772025021"],
    ...                    "인구": [10, 20, 5]})
    >>> roll_up(df, "법정동코드", "local", {"인구": "sum"}).values.tolist()
    [['27720', '대구광역시', '군위군', 1, 5], ['41110', '경기도', '수원시', 2, 30]]
    """
    _require(frame, [code_column, *(aggregations or {})], "frame")
    aggs = normalize_aggregations(aggregations or {}, "aggregations")
    lengths = {"sido": [2, 5, 10], "sigungu": [5, 10], "local": [5, 10]}
    for parameter, value, choices in (("level", level, lengths), ("unknown", unknown, _UNKNOWN)):
        if value not in choices:
            raise ParameterError(
                f"The '{parameter}' parameter of roll_up must be one of "
                f"{', '.join(map(repr, choices))}. Got {value!r} instead.",
                parameter=parameter,
            )
    codes = _clean(frame[code_column], code_column, lengths[level], "region codes")
    table = _table()
    sido_names = table[table["수준"] == "시도"].set_index("시도코드")["시도명"]
    sigungu = table.dropna(subset=["시군구코드"]).set_index("시군구코드")
    key = codes.str[:2] if level == "sido" else codes.str[:5]
    if level == "local":
        key = _local_codes(key).where(key.isin(sigungu.index), key)
    known = key.isin(sido_names.index) if level == "sido" else key.isin(sigungu.index)
    known |= (level == "local") & key.isin(sido_names.index)
    bad = ~known.fillna(False).astype(bool)
    if bad.any() and unknown == "error":
        problem = _problem(
            frame[code_column], bad, code_column, "unknown",
            f"are missing or not codes in the region table of {REGION_TABLE_DATE}",
        )  # fmt: skip
        advice = "Fix them, or pass unknown='keep' to group them apart."
        message = " ".join([problem["message"], *_former_hints(key[bad]), advice])
        raise SchemaError(message, failures=[problem])
    marker = "__workbench_region__"
    grouped = frame.assign(**{marker: key}).groupby(marker, dropna=False, sort=True)
    result = grouped.size().rename("건수").to_frame()
    for column, functions in aggs.items():
        for function in functions:
            result[f"{column}_{function}"] = grouped[column].agg(function)
    result = result.reset_index()
    codes_out = result.pop(marker)
    name = {"sido": "시도코드", "sigungu": "시군구코드", "local": "자치단체코드"}[level]
    names = {name: codes_out.astype("str"), "시도명": codes_out.str[:2].map(sido_names)}
    if level != "sido":
        names["시군구명"] = codes_out.map(sigungu["시군구명"])
    return pd.concat([pd.DataFrame(names), result], axis=1)


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
            f"The frame already has a column '{admin_column}'. Rename it, or pass "
            "admin_column=... to name the output differently.",
            parameter="admin_column",
        )
    if unmatched not in ("error", "keep", "drop"):
        raise ParameterError(
            f"The 'unmatched' parameter of legal_to_admin must be 'error', 'keep' or "
            f"'drop'. Got {unmatched!r} instead.",
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
                f"The weights '{weight_column}' of {len(off)} 법정동 in the mapping do not "
                f"add up to 1 ({shown}). Each 법정동's shares over its 행정동 must sum to 1."
            )
    pairs["행정동수"] = pairs.groupby(key)[admin_column].transform("size").astype("int64")
    codes = normalize_codes(frame[code_column], column=code_column)
    matched = codes.isin(pairs[key])
    if unmatched == "error" and not matched.all():
        problem = _problem(frame[code_column], ~matched, code_column, "unmatched",
                           f"are not in the mapping's '{legal_column}'")  # fmt: skip
        raise SchemaError(
            f"{problem['message']} Use a mapping of the same date as the data, or pass "
            "unmatched='keep' or 'drop'.",
            failures=[problem],
        )
    keep = matched.to_numpy() if unmatched == "drop" else slice(None)
    left = frame[keep].assign(**{key: codes.to_numpy()[keep]}).reset_index(drop=True)
    joined = left.merge(pairs, on=key, how="left", sort=False).drop(columns=key)
    joined["행정동수"] = joined["행정동수"].fillna(0).astype("int64")
    return joined
