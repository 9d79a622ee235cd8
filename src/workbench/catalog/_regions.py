"""Region codes: check and clean 법정동코드 columns, roll them up, join 법정동 to 행정동.

A 10-digit 법정동코드 reads ``SS GGG DDD RR``: 시도 (2 digits), 시군구 (3), 읍면동 (3)
and 리 (2). Its first 2 and 5 digits are the 시도 and 시군구 codes of a dated snapshot
of the 행정안전부 법정동코드 (:mod:`workbench.catalog._region_history`: the bundled one
of :data:`REGION_TABLE_DATE`, or a newer one a project loaded with ``workbench regions
update``). Each code has the days it is valid, so every lookup takes ``as_of`` (default:
today): a code created later is 아직 유효하지 않음, an abolished one is 폐지됨 and its
successors are named. The table also lists the 일반구 of large cities (수원시 장안구,
41111), the 행정시 of 제주 and 세종's single-tier code 36110, whose 5-digit codes appear
in 법정동코드 but which are not local governments: ``자치`` tells them apart, while codes
such as 4111110100 still roll up to 41111 (or, with ``level="local"``, to 수원시 41110).

The 통계청 행정구역분류 uses other codes (서울 종로구 is 11010 there, 11110 here): such
codes are reported as unknown.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from workbench.catalog._filters import normalize_aggregations
from workbench.catalog._region_history import (
    UPDATE_HINT,
    RegionSnapshot,
    RegionTableWarning,
    active_snapshot,
    parse_day,
    valid_on,
    warn_if_stale,
)
from workbench.exceptions import ParameterError, SchemaError

__all__ = [
    "LEVELS",
    "REGION_TABLE_DATE",
    "REGION_TABLE_SOURCE",
    "RegionTableWarning",
    "normalize_codes",
    "region_table",
    "roll_up",
    "sido_code",
    "sigungu_code",
    "validate_codes",
]

#: The 기준일 of the bundled snapshot (the ``as_of`` line of ``regions_history.csv``).
REGION_TABLE_DATE = "2026-10-08"
#: Where the codes come from.
REGION_TABLE_SOURCE = "행정안전부 행정표준코드관리시스템 법정동코드"
#: Code length of each level; ``dong`` is a 10-digit 법정동코드 (or 행정동코드).
LEVELS = {"sido": 2, "sigungu": 5, "dong": 10}
_SEPARATORS = r"[\s\-_./]"
_WHAT = {
    "sido": "2자리 시도 코드",
    "sigungu": "5자리 시군구 코드",
    "dong": "10자리 법정동코드",
}
_SHOWN = 5
_UNKNOWN = ("error", "keep")
Level = Literal["sido", "sigungu", "dong"]


def _snapshot(as_of: Any) -> tuple[RegionSnapshot, str, pd.DataFrame]:
    """Return the active snapshot, the day as text and the rows valid that day (warn if stale)."""
    day = parse_day(as_of)
    snapshot = active_snapshot()
    warn_if_stale(snapshot, day)
    history = snapshot.history
    return snapshot, day, history[valid_on(history, day)]


def region_table(as_of: Any = None) -> pd.DataFrame:
    """Return the 시도·시군구 codes valid on ``as_of`` (a fresh copy).

    Parameters
    ----------
    as_of : datetime.date or str, optional
        The day ("YYYY-MM-DD"); default today. A day more than a year after the table's
        기준일 gives a :class:`RegionTableWarning`.

    Returns
    -------
    pandas.DataFrame
        One row per code: ``시도코드``, ``시군구코드`` (missing on 시도 rows), ``수준``
        (시도 | 시군구), ``시도명``, ``시군구명``, ``구분``, ``자치``, ``상위코드``,
        ``시작일`` and ``폐지일`` (missing while valid). ``attrs`` holds ``as_of`` (the
        day), ``table_date`` (the snapshot's 기준일), ``source`` and ``origin`` (its file).

    Examples
    --------
    >>> table = region_table("2025-01-01")
    >>> table.loc[table["시군구코드"] == "27720", ["시도명", "시군구명"]].values.tolist()
    [['대구광역시', '군위군']]
    >>> int((table["수준"] == "시도").sum()), int(region_table("2026-07-01")["시도코드"].nunique())
    (17, 16)
    """
    snapshot, day, rows = _snapshot(as_of)
    table = rows.reset_index(drop=True).copy()
    table.attrs.update(as_of=day, table_date=snapshot.table_date, source=snapshot.source,
                       origin=str(snapshot.origin))  # fmt: skip
    return table


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
    count = int(bad.sum())
    message = f"열 '{column}': {count}개 값이 {expected} ({_shown(rows, values)})."
    return {"column": column, "check": check, "count": count, "rows": rows, "values": values,
            "message": message}  # fmt: skip


def _shown(rows: list, values: list) -> str:
    """Return "행 3: '42110', …": the row labels and values of a finding, for its message."""
    return ", ".join(f"행 {row}: {value!r}" for row, value in zip(rows, values, strict=True))


def _keys(codes: pd.Series, n: int) -> pd.Series:
    """Return the code each value is looked up by: 2 or 5 digits (a 시도-level 10-digit: 2)."""
    if n < 10:
        return codes
    is_sido = codes.str.endswith("0" * 8).fillna(False).astype(bool)
    return codes.str[:5].where(~is_sido, codes.str[:2])


def _status(keys: pd.Series, snapshot: RegionSnapshot, day: str) -> pd.Series:
    """Each key's state on ``day``: valid, not_yet, abolished or unknown (NA if missing)."""
    history = snapshot.history
    code = history["시군구코드"].fillna(history["시도코드"])
    on = pd.Series(valid_on(history, day).to_numpy(), index=code.to_numpy())
    later = pd.Series((history["시작일"] > day).to_numpy(), index=code.to_numpy())
    state = pd.Series("unknown", index=keys.index, dtype=object)
    state[keys.map(later).eq(True)] = "not_yet"
    state[keys.map(later).eq(False)] = "abolished"
    state[keys.map(on).eq(True)] = "valid"
    return state.where(keys.notna())


def _moved(codes: pd.Series, snapshot: RegionSnapshot, day: str) -> pd.Series:
    """Whether each 10-digit code lies directly under a 시 that has 일반구 on ``day``.

    Its 법정동 moved to an 일반구 code then (4159010100 -> 41591…, 2026-02-01).
    """
    history = snapshot.history
    parents = list(history.loc[valid_on(history, day), "상위코드"].dropna())
    long = codes.str.len().eq(10).fillna(False).astype(bool)
    own = codes.str.endswith("00000").fillna(True).astype(bool)
    return long & ~own & codes.str[:5].isin(parents)


def _explain(keys: list[str], state: str, snapshot: RegionSnapshot, day: str) -> tuple[str, dict]:
    """Return a Korean sentence about these codes (start days, successors), and as fields."""
    rows = snapshot.history.assign(
        코드=snapshot.history["시군구코드"].fillna(snapshot.history["시도코드"])
    )
    rows = rows.drop_duplicates("코드").set_index("코드")
    if state == "not_yet":
        starts = {k: str(rows.at[k, "시작일"]) for k in keys}
        text = ", ".join(f"{k}: {d}부터" for k, d in starts.items())
        sentence = f"아직 유효하지 않은 코드입니다({text} 유효). 자료의 날짜를 as_of로 주세요."
        return sentence, {"starts": starts}
    if state == "moved":
        moved = {k: [new for new, d in snapshot.successors(k) if d <= day] for k in keys}
        text = "; ".join(f"{k} → {'·'.join(v)}" for k, v in moved.items())
        sentence = (
            f"일반구가 생겨 그 아래로 옮겨진 법정동 코드입니다({text}). 일반구 코드로 "
            "바꾸거나 자료의 날짜를 as_of로 주세요."
        )
        return sentence, {"successors": moved}
    successors = {k: [new for new, _ in snapshot.successors(k)] for k in keys}
    ended = {k: str(rows.at[k, "폐지일"]) for k in keys}
    text = "; ".join(
        f"{k}: {ended[k]} 폐지" + (f" → {'·'.join(successors[k])}" if successors[k] else "")
        for k in keys
    )
    sentence = f"폐지된 코드입니다({text}). 새 코드로 바꾸거나 자료의 날짜를 as_of로 주세요."
    return sentence, {"successors": successors, "ended": ended}


def _findings(series: pd.Series, keys: pd.Series, name: str, snapshot: RegionSnapshot,
              day: str, codes: pd.Series) -> list[dict[str, Any]]:  # fmt: skip
    """Return one finding per kind of bad code (not yet valid, abolished, ...) on ``day``."""
    state = _status(keys, snapshot, day)
    state = state.mask(state.eq("valid") & _moved(codes, snapshot, day), "moved")
    findings = []
    for check in ("not_yet", "abolished", "moved", "unknown"):
        bad = state.eq(check).fillna(False).astype(bool)
        if not bad.any():
            continue
        problem = _problem(series, bad, name, check, "")
        shown = _shown(problem["rows"], problem["values"])
        head = f"열 '{name}': {problem['count']}개 값이 {day} 기준 "
        distinct = sorted(set(keys[bad].dropna()))
        if check == "unknown":
            text = f"지역 코드 표(기준일 {snapshot.table_date})에 없는 코드입니다 ({shown})."
            if day >= snapshot.table_date:
                text += f" 표의 기준일 뒤에 생긴 코드라면 {UPDATE_HINT}."
        else:
            text, extra = _explain(distinct[:_SHOWN], check, snapshot, day)
            problem.update(extra)
            text = f"{text[:-1]} ({shown})."
        problem.update(message=head + text, codes=distinct, as_of=day,
                       table_date=snapshot.table_date)  # fmt: skip
        findings.append(problem)
    unknown = [f for f in findings if f["check"] == "unknown"]
    if unknown and day >= snapshot.table_date:
        warnings.warn(
            RegionTableWarning(
                f"지역 코드 표(기준일 {snapshot.table_date})에 없는 코드가 있습니다: "
                f"{', '.join(unknown[0]['codes'][:_SHOWN])}. {UPDATE_HINT}.",
                kind="newer",
                table_date=snapshot.table_date,
                as_of=day,
                codes=unknown[0]["codes"],
            ),
            stacklevel=3,
        )
    return findings


def _clean(values: Any, column: str | None, lengths: Sequence[int], what: str) -> pd.Series:
    """Clean codes accepting these lengths; raise SchemaError listing malformed ones."""
    series, name = _as_series(values, column)
    text = _as_text(series)
    ok = text.str.fullmatch(r"\d+") & text.str.len().isin(list(lengths))
    bad = series.notna() & ~ok.fillna(False).astype(bool)
    if bad.any():
        problem = _problem(series, bad, name, "format", f"{what}가 아닙니다")
        raise SchemaError(
            f"{problem['message']} 글자를 빼고 자릿수를 맞추거나, 코드 열이 맞는지 보세요 "
            "(코드는 구분 기호를 뺀 글자로 비교합니다).",
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
        problem = _problem(series, padded, name, "format", f"{_WHAT[level]}가 아닙니다")
        raise SchemaError(
            f"{problem['message']} 법정동코드를 시도·시군구로 묶으려면 sido_code, sigungu_code나 "
            "roll_up을 쓰세요.",
            failures=[problem],
        )
    return text.where(~long, text.str[:n])


def validate_codes(
    values: Any, level: Level = "dong", *, column: str | None = None, as_of: Any = None
) -> list[dict[str, Any]]:
    """Check region codes against the codes valid on ``as_of``; return findings (empty if good).

    Parameters
    ----------
    values : pandas.Series or list-like
        The codes (cleaned as :func:`normalize_codes` does before they are checked).
    level : {"dong", "sigungu", "sido"}
        For ``dong``, the 시군구 part (or, for a 시도-level code such as 1100000000, the
        시도 part) must be valid; the 읍면동 and 리 parts are not checked.
    column : str, optional
        The name used in findings; default the Series' name.
    as_of : datetime.date or str, optional
        The day the data describe ("YYYY-MM-DD"); default today.

    Returns
    -------
    list of dict
        One finding per failed check: ``column``, ``check`` (``format``: malformed;
        ``not_yet``: valid only after ``as_of``, with ``starts`` {code: 시작일};
        ``abolished``: abolished on or before ``as_of``, with ``ended`` {code: 폐지일}
        and ``successors`` {code: [new codes]}; ``moved``: a 10-digit code directly under
        a 시 that has 일반구 on ``as_of``, with ``successors``; ``unknown``: in no
        snapshot), ``count``,
        ``rows`` (up to five row labels), ``values``, ``codes`` (the distinct 2/5-digit
        codes), ``as_of``, ``table_date`` and a Korean ``message``.

    Warns
    -----
    RegionTableWarning
        Unknown codes on a day at or after the table's 기준일 (they may be newer than
        the table), or ``as_of`` more than a year after the 기준일.

    Examples
    --------
    >>> validate_codes(["2911010100"], as_of="2026-06-30")
    []
    >>> validate_codes(["2911010100"], as_of="2026-07-01")[0]["successors"]
    {'29110': ['12210']}
    >>> validate_codes(["28125"], "sigungu", as_of="2026-06-30")[0]["starts"]
    {'28125': '2026-07-01'}
    """
    n = _length(level)
    series, name = _as_series(values, column)
    try:
        codes = normalize_codes(series, level, column=name)
    except SchemaError as error:
        return list(error.failures)
    snapshot, day, _ = _snapshot(as_of)
    return _findings(series, _keys(codes, n), name, snapshot, day, codes)


def _length(level: str) -> int:
    if level not in LEVELS:
        raise ParameterError(
            f"'level' 매개변수는 {', '.join(map(repr, LEVELS))} 중 하나여야 합니다. "
            f"받은 값: {level!r}.",
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
    return _prefix(code, 2, [2, 5, 10], "2·5·10자리 지역 코드")


def sigungu_code(code: Any) -> Any:
    """Return the 5-digit 시군구 code of a 10-digit 법정동코드 (or a Series of them).

    Examples
    --------
    >>> sigungu_code("4111110100")
    '41111'
    """
    return _prefix(code, 5, [5, 10], "5·10자리 지역 코드")


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    for column in columns:
        if column not in frame.columns:
            raise ParameterError(
                f"{what}에 '{column}' 열이 없습니다. 있는 열: "
                f"{', '.join(map(str, frame.columns))}.",
                parameter=what,
            )


def _local_codes(codes: pd.Series, table: pd.DataFrame) -> pd.Series:
    """Map 5-digit codes to their local government: 일반구 -> 시, 행정시/세종 -> 시도."""
    rows = table.dropna(subset=["시군구코드"]).set_index("시군구코드")
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
    as_of: Any = None,
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
        Codes missing or in no snapshot (see :func:`validate_codes`): an error listing
        them, or a group of their own with no names.
    as_of : datetime.date or str, optional
        The day the data describe; default today. Codes not valid that day (abolished,
        or not yet created) are still named from the history, with a
        :class:`RegionTableWarning` naming their successors or start days.

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
                f"roll_up의 '{parameter}' 매개변수는 {', '.join(map(repr, choices))} 중 "
                f"하나여야 합니다. 받은 값: {value!r}.",
                parameter=parameter,
            )
    codes = _clean(frame[code_column], code_column, lengths[level], "지역 코드")
    snapshot, day, _ = _snapshot(as_of)
    table = snapshot.history
    sido_names = table[table["수준"] == "시도"].set_index("시도코드")["시도명"]
    sigungu = table.dropna(subset=["시군구코드"]).set_index("시군구코드")
    key = codes.str[:2] if level == "sido" else codes.str[:5]
    found = _findings(frame[code_column], key, code_column, snapshot, day, codes)
    off = [f for f in found if f["check"] != "unknown"]
    if off:
        message = " ".join(f["message"] for f in off) + " 이 코드들도 이름을 붙여 묶었습니다."
        codes_off = [c for f in off for c in f["codes"]]
        warning = RegionTableWarning(
            message, kind="abolished", table_date=snapshot.table_date, as_of=day, codes=codes_off
        )
        warnings.warn(warning, stacklevel=2)
    if level == "local":
        key = _local_codes(key, table).where(key.isin(sigungu.index), key)
    known = key.isin(sido_names.index) if level == "sido" else key.isin(sigungu.index)
    known |= (level == "local") & key.isin(sido_names.index)
    bad = ~known.fillna(False).astype(bool)
    if bad.any() and unknown == "error":
        problem = _problem(frame[code_column], bad, code_column, "unknown", "")
        shown = _shown(problem["rows"], problem["values"])
        problem["message"] = (
            f"열 '{code_column}': {problem['count']}개 값이 비어 있거나 지역 코드 표(기준일 "
            f"{snapshot.table_date})에 없는 코드입니다 ({shown}). 고치거나, 따로 묶으려면 "
            "unknown='keep'을 주세요."
        )
        raise SchemaError(problem["message"], failures=[problem])
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
