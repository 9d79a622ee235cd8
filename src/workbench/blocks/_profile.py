"""Profile block: what a table holds, column by column, as Korean-headed tables and charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench._format import round_significant
from workbench.blocks._checks import check_number, check_table
from workbench.blocks._messages import message
from workbench.blocks._profile_stats import (
    ColumnFacts,
    TableFacts,
    counts_of,
    pairwise_corr,
    table_facts,
)
from workbench.catalog import SUMMARY_COLUMN, ReadReport
from workbench.exceptions import ParameterError

if TYPE_CHECKING:
    from collections.abc import Hashable


__all__ = ["COLUMN_TYPES", "Profile", "profile"]

#: Column types, in the words officials read.
COLUMN_TYPES = ("숫자", "범주", "날짜", "참거짓", "텍스트", "식별자")
NUMBER, CATEGORY, DATE, BOOLEAN, TEXT, IDENTIFIER = COLUMN_TYPES

PERSONAL_SAMPLE = 20_000  # rows the personal-information scan reads (seeded sample)
IDENTIFIER_MIN_VALUES = 20  # fewer values than this are too few to call a column an identifier
TEXT_MIN_MEDIAN_LENGTH = 50  # free text (remarks, descriptions), not categories

_DATE_TEXT = r"(?:19|20)\d{2}(?P<sep>[-./])\d{2}(?P=sep)\d{2}"
_CHART_KINDS = ("hist", "bar", "month", "length")
_DEFAULT_KIND = {
    NUMBER: "hist",
    CATEGORY: "bar",
    BOOLEAN: "bar",
    DATE: "month",
    TEXT: "length",
    IDENTIFIER: "length",
}
_STAT_COLUMNS = ("평균", "표준편차", "1사분위수", "중앙값", "3사분위수", "왜도")


@dataclass(frozen=True)
class Profile:
    """The result of :func:`profile`: three tables with Korean headings.

    Attributes
    ----------
    overview : pandas.DataFrame
        One row per measure of the whole table (항목, 값).
    columns : pandas.DataFrame
        One row per column, in the table's column order: type, missing values, distinct
        values and, for numbers and dates, summary statistics.
    top_values : pandas.DataFrame
        The most frequent values of each 범주 and 참거짓 column (열, 순위, 값, 빈도, 비율).
    read_report : tuple of str
        How :func:`workbench.read_table` read the file, in Korean (empty for frames it
        did not read): title lines and footnotes left out, numbers, marks, summary rows.
    correlations : pandas.DataFrame
        Pearson correlations between the 숫자 columns that vary (square; empty with
        fewer than two).
    value_counts : dict of str to pandas.Series
        Each text column's value counts, computed once and reused by the alerts and
        charts (never published). Left out for identifiers and free text with more
        than :data:`~workbench.blocks._profile_stats.COUNT_LIMIT` distinct values.
    histograms : dict of str to (numpy.ndarray, numpy.ndarray)
        Each 숫자 column's histogram over all its values: bin edges and exact counts
        (at most 30 equal bins), computed with the statistics and drawn by the grid.
    """

    overview: pd.DataFrame
    columns: pd.DataFrame
    top_values: pd.DataFrame
    read_report: tuple[str, ...] = ()
    correlations: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    value_counts: dict[str, pd.Series] = field(default_factory=dict, repr=False, compare=False)
    histograms: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )


# --- argument checks ---------------------------------------------------------------------


def _check_frame(function: str, df: Any) -> None:
    check_table(function, "df", df)
    if df.shape[1] == 0:
        raise ParameterError(
            message("no_columns", function=function), parameter="df", got=0, kind="no_columns"
        )


# --- column types and statistics ---------------------------------------------------------


def _round(value: Any) -> float:
    """Round to significant digits (see :mod:`workbench._format`), so the CSV text is stable."""
    return float(round_significant(float(value)))


def _as_hashable(series: pd.Series) -> pd.Series:
    """Return the series itself, or its text if it holds unhashable values (lists, dicts)."""
    if series.dtype != object:  # typed columns (numbers, strings, dates) always hash
        return series
    try:
        series.nunique()
    except TypeError:
        return series.astype(str).where(series.notna())
    return series


def _is_dates(distinct: pd.Series) -> bool:
    """Whether every distinct text is a date (a first thousand checked before the rest)."""
    for part in (distinct.head(1000), distinct):
        if not len(part) or not part.str.fullmatch(_DATE_TEXT).all():
            return False
    return bool(_as_dates(distinct).notna().all())


def _string_type(
    values: pd.Series, identifier_share: float, counts: pd.Series | None = None
) -> str:
    """Type of a column of text values (missing values dropped; ``counts`` of them if known)."""
    uniques = counts.index if counts is not None else values.unique()
    distinct = pd.Series(uniques, dtype="string")
    median = float(values.str.len().median()) if len(values) else 0.0
    return _text_type(distinct, len(values), len(distinct), median, identifier_share)


def _text_type(
    distinct: pd.Series | None, present: int, count: int, median: float, identifier_share: float
) -> str:
    """Type of text from its ``distinct`` values (None: too many to be dates).

    ``count`` distinct among ``present`` values of ``median`` length in characters.
    """
    if distinct is not None and _is_dates(distinct):
        return DATE
    if present and median >= TEXT_MIN_MEDIAN_LENGTH:
        return TEXT
    if present >= IDENTIFIER_MIN_VALUES and count / present >= identifier_share:
        return IDENTIFIER
    return CATEGORY


def _facts_type(facts: ColumnFacts, identifier_share: float, *, personal: bool) -> str:
    """Type of a column DuckDB described (see :func:`_column_type`)."""
    if personal:
        return IDENTIFIER
    if facts.kind != "text":
        return {"boolean": BOOLEAN}.get(facts.kind, NUMBER)
    distinct = None if facts.counts is None else pd.Series(facts.counts.index, dtype="string")
    median = facts.median_length or 0.0
    return _text_type(distinct, facts.present, facts.distinct, median, identifier_share)


def _personal(name: Hashable, series: pd.Series) -> bool:
    """Whether the scan (:func:`workbench.ethics.scan`) finds personal information in it.

    The column's own name is kept, so that its header counts (성명, 연락처), but the
    values decide as well (a column of names under 담당 or ``Unnamed: 2``).
    """
    from workbench.ethics import scan

    frame = _as_hashable(series).reset_index(drop=True).to_frame(name=str(name))
    return scan(frame, sample=PERSONAL_SAMPLE).found


def _column_type(
    series: pd.Series,
    identifier_share: float = 0.5,
    *,
    personal: bool = False,
    counts: pd.Series | None = None,
) -> str:
    """Infer one of COLUMN_TYPES for a column.

    A column holding personal information (``personal``) is 식별자, whatever its type,
    length and distinct share. Text is never numeric, so codes stored as text
    ("1111010100") stay 범주 or 식별자. Other identifiers have at least
    IDENTIFIER_MIN_VALUES non-missing values, a share of ``identifier_share`` of them
    distinct.
    """
    if personal:
        return IDENTIFIER
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return BOOLEAN
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return DATE
    if isinstance(dtype, pd.CategoricalDtype):
        return CATEGORY
    if pd.api.types.is_numeric_dtype(dtype):
        return NUMBER
    values = _as_hashable(series.dropna())
    if isinstance(dtype, pd.StringDtype):  # text already: no per-value inference
        return _string_type(values, identifier_share, counts)
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred == "boolean":
        return BOOLEAN
    if inferred in {"integer", "floating", "mixed-integer-float", "decimal"}:
        return NUMBER
    if inferred in {"datetime64", "datetime", "date"}:
        return DATE
    return _string_type(values.astype(str), identifier_share)


def _as_dates(series: pd.Series) -> pd.Series:
    """Return the series as datetimes (ISO date text and date objects are parsed)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series
    if pd.api.types.infer_dtype(series, skipna=True) == "string":
        text = series.astype("string").str.replace(r"[./]", "-", regex=True)
        return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return pd.to_datetime(series, errors="coerce")


def _iso_range(dates: pd.Series) -> tuple[str, str]:
    """ISO text of the first and last date: dates alone when no value has a time of day."""
    low, high = dates.min(), dates.max()
    if (dates == dates.dt.normalize()).all():
        return low.date().isoformat(), high.date().isoformat()
    return low.isoformat(), high.isoformat()


def _column_row(
    name: Hashable,
    series: pd.Series,
    column_type: str,
    *,
    personal: bool = False,
    counts: pd.Series | None = None,
) -> dict[str, Any]:
    distinct = len(counts) if counts is not None else int(_distinct(series))
    missing = int(series.isna().sum())
    row = _empty_row(name, column_type, personal, missing, len(series), distinct)
    if column_type == NUMBER:
        numbers_ = pd.to_numeric(series, errors="coerce").astype("float64").dropna()
        if len(numbers_):
            quartiles = numbers_.quantile([0.25, 0.5, 0.75]).tolist()
            stats = [numbers_.mean(), numbers_.std(), *quartiles, numbers_.skew()]
            row.update(zip(_STAT_COLUMNS, map(_round, stats), strict=True))
            low, high = _round(numbers_.min()), _round(numbers_.max())
            if pd.api.types.is_integer_dtype(series.dtype):  # 3, not 3.0
                low, high = int(low), int(high)
            row["최솟값"], row["최댓값"] = low, high
    elif column_type == DATE:
        # Dates repeat: parse each distinct value once.
        values = pd.Series(counts.index) if counts is not None else series.dropna().unique()
        dates = _as_dates(pd.Series(values)).dropna()
        if len(dates):
            row["최솟값"], row["최댓값"] = _iso_range(dates)
    return row


def _empty_row(
    name: Hashable, column_type: str, personal: bool, missing: int, rows: int, distinct: int
) -> dict[str, Any]:
    """Return a row of the columns table with its counts and no statistics yet."""
    return {
        "열": str(name),
        "유형": column_type,
        "개인정보": personal,
        "결측 수": missing,
        "결측 비율": _round(missing / rows) if rows else 0.0,
        "고유값 수": distinct,
        "최솟값": np.nan,
        "최댓값": np.nan,
        **dict.fromkeys(_STAT_COLUMNS, np.nan),
    }


def _facts_row(
    name: Hashable, facts: ColumnFacts, column_type: str, rows: int, *, personal: bool
) -> dict[str, Any]:
    """Return a row of the columns table from what DuckDB found (as :func:`_column_row`)."""
    missing = rows - facts.present
    row = _empty_row(name, column_type, personal, missing, rows, facts.distinct)
    if column_type == NUMBER and facts.present:
        stats = [np.nan if v is None else _round(v) for v in facts.stats["stats"]]
        row.update(zip(_STAT_COLUMNS, stats, strict=True))
        low, high = _round(facts.stats["min"]), _round(facts.stats["max"])
        if facts.kind == "integer":  # 3, not 3.0
            low, high = int(low), int(high)
        row["최솟값"], row["최댓값"] = low, high
    elif column_type == DATE and facts.counts is not None:
        dates = _as_dates(pd.Series(facts.counts.index)).dropna()
        if len(dates):
            row["최솟값"], row["최댓값"] = _iso_range(dates)
    return row


def _distinct(series: pd.Series) -> int:
    return int(_as_hashable(series).nunique(dropna=True))


def _value_counts(series: pd.Series) -> pd.Series | None:
    """Value counts of a text, boolean or categorical column (None for numbers and dates)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or not (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)
    ):
        return _as_hashable(series).value_counts(dropna=True)
    return None


def _top_values(
    name: Hashable, series: pd.Series, top_n: int, counts: pd.Series | None = None
) -> list[dict[str, Any]]:
    rows = len(series)
    if counts is None:
        counts = _as_hashable(series).value_counts(dropna=True)
    counts = counts.nlargest(top_n, keep="all")  # the ties at the cut are sorted below
    # Count descending, then value ascending (as text, so mixed types compare).
    order = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))[:top_n]
    return [
        {
            "열": str(name),
            "순위": rank,
            "값": value.item() if isinstance(value, np.generic) else value,
            "빈도": int(count),
            "비율": _round(count / rows),
        }
        for rank, (value, count) in enumerate(order, start=1)
    ]


def _duplicate_rows(df: pd.DataFrame) -> int:
    """Rows equal to an earlier row.

    Rows are hashed first (one 64-bit hash a row, vectorised); only rows whose hash
    repeats are compared value by value, so the count is exact and fast on millions.
    """
    try:
        hashes = pd.util.hash_pandas_object(df, index=False)
        candidates = df[hashes.duplicated(keep=False).to_numpy()]
        return int(candidates.duplicated().sum())
    except TypeError:  # unhashable cells: compare their text
        return int(df.astype(str).duplicated().sum())


def _overview(df: pd.DataFrame, duplicates: int | None) -> pd.DataFrame:
    rows, cols = df.shape
    if duplicates is None:
        duplicates = _duplicate_rows(df)
    cells = rows * cols
    measures = {
        "행 수": rows,
        "열 수": cols,
        "중복 행 수": duplicates,
        "중복 행 비율": _round(duplicates / rows) if rows else 0.0,
        "결측 셀 비율": _round(int(df.isna().sum().sum()) / cells) if cells else 0.0,
    }
    flags = df[SUMMARY_COLUMN] if SUMMARY_COLUMN in df.columns else None
    if flags is not None and pd.api.types.is_bool_dtype(flags):
        measures["합계 행 수 (전국·합계·소계)"] = int(flags.sum())
    return pd.DataFrame(
        {"항목": list(measures), "값": pd.Series(list(measures.values()), dtype=object)}
    )


def profile(df: pd.DataFrame, *, top_n: int = 5, identifier_share: float = 0.5) -> Profile:
    """Describe a table: its size, duplicates, and each column's type, gaps and values.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; it needs at least one column (zero rows are allowed).
    top_n : int, default 5
        How many of the most frequent values to list for each 범주 and 참거짓 column.
    identifier_share : float, default 0.5
        A text column with at least 20 non-missing values, at least this share of them
        distinct, is an identifier (식별자, e.g. case numbers): its values are never
        listed. The default is cautious: Korean names repeat (a common name is shared by
        many people), so a names column of a few thousand rows is only 60–90 % distinct.
        Whatever this share, every column in which :func:`workbench.ethics.scan` finds
        personal information -- by its header or by its values, such as a column of
        names headed 담당 -- is an identifier too, even with few or repeated values, and
        even when its values are numbers (phone numbers stored as integers).

    Returns
    -------
    Profile
        ``overview`` (항목, 값: 행 수, 열 수, 중복 행 수, 중복 행 비율, 결측 셀 비율,
        and 합계 행 수 when the table has read_table's boolean ``합계행`` column),
        ``columns`` (열, 유형, 결측 수, 결측 비율, 고유값 수, 최솟값, 최댓값, 평균,
        표준편차, 1사분위수, 중앙값, 3사분위수) and ``top_values`` (열, 순위, 값, 빈도,
        비율). Ratios are shares of all rows. Rows that read_table flagged as totals
        (합계행) are counted in the overview but left out of every column statistic,
        top value and correlation, so that a 전국 row does not double the sums.
        Numbers are rounded to 7 significant digits; statistics are NaN for
        non-numeric columns; dates have min and max as ISO text.

    Raises
    ------
    workbench.exceptions.ParameterError
        If ``df`` is not a DataFrame or has no columns, or an argument is out of range.

    Notes
    -----
    Types: 식별자 (columns holding personal information, and see
    ``identifier_share``), 숫자 (numeric dtypes), 참거짓 (booleans), 날짜 (datetimes,
    dates and ``YYYY-MM-DD`` text), 텍스트 (text with a median length of 50 characters
    or more), otherwise 범주. An identifier has no statistics, minimum, maximum or top
    values: nothing of its values is shown. Text is never 숫자, so codes
    stored as text (법정동코드 "1111010100") stay 범주 or 식별자.

    Examples
    --------
    >>> import pandas as pd
    >>> result = profile(pd.DataFrame({"시도": ["서울", "부산", "서울"], "인구": [3, 1, 3]}))
    >>> result.overview["값"].tolist()
    [3, 2, 1, 0.333333333333333, 0.0]
    >>> result.columns[["열", "유형", "평균"]].values.tolist()
    [['시도', '범주', nan], ['인구', '숫자', 2.33333333333333]]
    >>> result.top_values[["값", "빈도"]].values.tolist()
    [['서울', 2], ['부산', 1]]
    """
    _check_frame("profile", df)
    check_number("profile", "top_n", top_n, int, 1, None)
    check_number("profile", "identifier_share", identifier_share, float, 0.0, 1.0)
    column_rows, top_rows = [], []
    value_counts: dict[str, pd.Series] = {}
    whole, keep = df, _kept_rows(df)
    df = df if keep is None else df[keep]
    facts = table_facts(whole, keep)
    # One seeded sample of rows for the personal-information scan of every column.
    rows = np.arange(len(df))
    if len(df) > PERSONAL_SAMPLE:
        rows = np.sort(np.random.default_rng(0).choice(len(df), PERSONAL_SAMPLE, replace=False))
    histograms: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for position, name in enumerate(df.columns):
        series = df.iloc[:, position]  # by position: column names may repeat
        personal = _personal(name, series.iloc[rows])
        known = facts.columns.get(position)
        if known is None:  # a column Arrow cannot hold (mixed objects): pandas describes it
            counts = _value_counts(series)
            column_type = _column_type(series, identifier_share, personal=personal, counts=counts)
            row = _column_row(name, series, column_type, personal=personal, counts=counts)
        else:
            column_type = _facts_type(known, identifier_share, personal=personal)
            if column_type in {CATEGORY, BOOLEAN}:
                counts_of(facts, position)
            counts = known.counts
            row = _facts_row(name, known, column_type, len(df), personal=personal)
            if column_type == NUMBER and known.histogram is not None:
                histograms.setdefault(str(name), known.histogram)
        column_rows.append(row)
        if column_type in {CATEGORY, BOOLEAN}:
            top_rows.extend(_top_values(name, series, top_n, counts))
        if counts is not None and str(name) not in value_counts:
            value_counts[str(name)] = counts
    columns = pd.DataFrame(column_rows)
    columns[["최솟값", "최댓값"]] = columns[["최솟값", "최댓값"]].astype(object)
    top_values = pd.DataFrame(top_rows, columns=["열", "순위", "값", "빈도", "비율"])
    top_values["값"] = top_values["값"].astype(object)
    found = df.attrs.get("read_report")
    notes = tuple(ReadReport.from_dict(found).lines()) if isinstance(found, dict) else ()
    correlations = _correlations(df, columns, facts)
    if facts.connection is not None:
        facts.connection.close()
    return Profile(
        _overview(whole, facts.duplicates),
        columns,
        top_values,
        read_report=notes,
        correlations=correlations,
        value_counts=value_counts,
        histograms=histograms,
    )


def _kept_rows(df: pd.DataFrame) -> np.ndarray | None:
    """Rows read_table did not flag as totals (its boolean 합계행 column); None: all."""
    flags = df[SUMMARY_COLUMN] if SUMMARY_COLUMN in df.columns else None
    if isinstance(flags, pd.Series) and pd.api.types.is_bool_dtype(flags) and flags.any():
        return ~flags.to_numpy(dtype=bool)
    return None


def _without_summary_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Return the rows read_table did not flag as totals (its boolean 합계행 column)."""
    keep = _kept_rows(df)
    return df if keep is None else df[keep]


def _varies(low: Any, high: Any) -> bool:
    return low is not None and high is not None and bool(high > low)


def _correlations(df: pd.DataFrame, columns: pd.DataFrame, facts: TableFacts) -> pd.DataFrame:
    """Pearson correlations between the 숫자 columns that vary, as a square table."""
    numeric = set(columns.loc[columns["유형"] == NUMBER, "열"])
    picked: dict[str, int] = {}
    for position, name in enumerate(df.columns):
        if str(name) in numeric and str(name) not in picked:
            picked[str(name)] = position
    known = [facts.columns.get(p) for p in picked.values()]
    if all(k is not None for k in known):  # DuckDB, over the whole table
        varies = [_varies(k.stats["min"], k.stats["max"]) for k in known if k is not None]
        names = [n for n, keep in zip(picked, varies, strict=True) if keep]
        found = facts.correlations([picked[n] for n in names]) if len(names) > 1 else None
        if found is None:
            return pd.DataFrame()
        return pd.DataFrame(found, index=names, columns=names).map(_round)
    frame = pd.DataFrame(
        {n: pd.to_numeric(df.iloc[:, p], errors="coerce") for n, p in picked.items()}
    ).astype("float64")
    frame = frame.loc[:, (frame.max() > frame.min()).to_numpy()]
    if frame.shape[1] < 2:
        return pd.DataFrame()
    return pairwise_corr(frame).map(_round)
