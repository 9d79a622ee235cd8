"""Profile block: what a table holds, column by column, as Korean-headed tables and charts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench._format import round_significant
from workbench.blocks._checks import check_number, check_table
from workbench.catalog import SUMMARY_COLUMN, ReadReport
from workbench.exceptions import ParameterError
from workbench.plotting import use_korean_font

if TYPE_CHECKING:
    from collections.abc import Hashable

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["COLUMN_TYPES", "Profile", "column_chart", "profile", "profile_charts"]

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
    """

    overview: pd.DataFrame
    columns: pd.DataFrame
    top_values: pd.DataFrame
    read_report: tuple[str, ...] = ()


# --- argument checks ---------------------------------------------------------------------


def _check_frame(function: str, df: Any) -> None:
    check_table(function, "df", df)
    if df.shape[1] == 0:
        raise ParameterError(
            f"{function} needs a DataFrame with at least one column; got one with 0 columns. "
            "Check that the file was read with the right separator and header row.",
            parameter="df",
        )


# --- column types and statistics ---------------------------------------------------------


def _round(value: Any) -> float:
    """Round to significant digits (see :mod:`workbench._format`), so the CSV text is stable."""
    return float(round_significant(float(value)))


def _as_hashable(series: pd.Series) -> pd.Series:
    """Return the series itself, or its text if it holds unhashable values (lists, dicts)."""
    try:
        series.nunique()
    except TypeError:
        return series.astype(str).where(series.notna())
    return series


def _string_type(values: pd.Series, identifier_share: float) -> str:
    """Type of a column of text values (missing values dropped)."""
    distinct = pd.Series(values.unique(), dtype="string")
    dated = len(distinct) and distinct.str.fullmatch(_DATE_TEXT).all()
    if dated and _as_dates(distinct).notna().all():
        return DATE
    if len(values) and values.str.len().median() >= TEXT_MIN_MEDIAN_LENGTH:
        return TEXT
    if len(values) >= IDENTIFIER_MIN_VALUES and values.nunique() / len(values) >= identifier_share:
        return IDENTIFIER
    return CATEGORY


def _personal(name: Hashable, series: pd.Series) -> bool:
    """Whether the scan (:func:`workbench.ethics.scan`) finds personal information in it.

    The column's own name is kept, so that its header counts (성명, 연락처), but the
    values decide as well (a column of names under 담당 or ``Unnamed: 2``).
    """
    from workbench.ethics import scan

    frame = _as_hashable(series).reset_index(drop=True).to_frame(name=str(name))
    return scan(frame, sample=PERSONAL_SAMPLE).found


def _column_type(
    series: pd.Series, identifier_share: float = 0.5, *, personal: bool = False
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
    name: Hashable, series: pd.Series, column_type: str, *, personal: bool = False
) -> dict[str, Any]:
    rows = len(series)
    missing = int(series.isna().sum())
    row: dict[str, Any] = {
        "열": str(name),
        "유형": column_type,
        "개인정보": personal,
        "결측 수": missing,
        "결측 비율": _round(missing / rows) if rows else 0.0,
        "고유값 수": int(_as_hashable(series).nunique(dropna=True)),
        "최솟값": np.nan,
        "최댓값": np.nan,
        **dict.fromkeys(_STAT_COLUMNS, np.nan),
    }
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
        dates = _as_dates(series).dropna()
        if len(dates):
            row["최솟값"], row["최댓값"] = _iso_range(dates)
    return row


def _top_values(name: Hashable, series: pd.Series, top_n: int) -> list[dict[str, Any]]:
    rows = len(series)
    counts = _as_hashable(series).value_counts(dropna=True)
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
    """Rows equal to an earlier row: counted by DuckDB (fast on millions), else pandas."""
    if len(df) > 50_000 and df.columns.is_unique:
        try:
            import duckdb

            with duckdb.connect() as connection:
                connection.register("t", df.set_axis([f"c{i}" for i in range(df.shape[1])], axis=1))
                found = connection.execute(
                    "SELECT count(*) FROM (SELECT DISTINCT * FROM t)"
                ).fetchone()
            return len(df) - int(found[0]) if found else 0
        except Exception:  # a column DuckDB cannot read (objects): pandas below
            pass
    try:
        return int(df.duplicated().sum())
    except TypeError:  # unhashable cells: compare their text
        return int(df.astype(str).duplicated().sum())


def _overview(df: pd.DataFrame) -> pd.DataFrame:
    rows, cols = df.shape
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
        비율). Ratios are shares of all rows. Numbers are rounded to 7 significant digits;
        statistics are NaN for non-numeric columns; dates have min and max as ISO text.

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
    [3, 2, 1, 0.3333333, 0.0]
    >>> result.columns[["열", "유형", "평균"]].values.tolist()
    [['시도', '범주', nan], ['인구', '숫자', 2.333333]]
    >>> result.top_values[["값", "빈도"]].values.tolist()
    [['서울', 2], ['부산', 1]]
    """
    _check_frame("profile", df)
    check_number("profile", "top_n", top_n, int, 1, None)
    check_number("profile", "identifier_share", identifier_share, float, 0.0, 1.0)
    column_rows, top_rows = [], []
    for position, name in enumerate(df.columns):
        series = df.iloc[:, position]  # by position: column names may repeat
        personal = _personal(name, series)
        column_type = _column_type(series, identifier_share, personal=personal)
        column_rows.append(_column_row(name, series, column_type, personal=personal))
        if column_type in {CATEGORY, BOOLEAN}:
            top_rows.extend(_top_values(name, series, top_n))
    columns = pd.DataFrame(column_rows)
    columns[["최솟값", "최댓값"]] = columns[["최솟값", "최댓값"]].astype(object)
    top_values = pd.DataFrame(top_rows, columns=["열", "순위", "값", "빈도", "비율"])
    top_values["값"] = top_values["값"].astype(object)
    found = df.attrs.get("read_report")
    notes = tuple(ReadReport.from_dict(found).lines()) if isinstance(found, dict) else ()
    return Profile(_overview(df), columns, top_values, read_report=notes)


# --- charts ------------------------------------------------------------------------------


def _no_values(ax: Axes) -> None:
    ax.text(0.5, 0.5, "표시할 값이 없습니다", ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _draw_histogram(ax: Axes, values: pd.Series, xlabel: str) -> None:
    values = values[np.isfinite(values)]
    if values.empty:
        _no_values(ax)
        return
    ax.hist(values, bins=min(30, max(1, values.nunique())), color="#4c72b0")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("빈도")


def _draw_bar(ax: Axes, series: pd.Series, top_n: int) -> None:
    top = _top_values("", series, top_n)
    if not top:
        _no_values(ax)
        return
    labels = [str(row["값"]) for row in reversed(top)]  # most frequent at the top
    ax.barh(labels, [row["빈도"] for row in reversed(top)], color="#4c72b0")
    ax.set_xlabel("빈도")
    ax.set_ylabel("값")
    ax.grid(axis="y", visible=False)


def _draw_months(ax: Axes, series: pd.Series) -> None:
    dates = _as_dates(series).dropna()
    if dates.empty:
        _no_values(ax)
        return
    if dates.dt.tz is not None:
        dates = dates.dt.tz_localize(None)
    months = dates.dt.to_period("M")
    counts = months.value_counts().reindex(
        pd.period_range(months.min(), months.max(), freq="M"), fill_value=0
    )
    positions = np.arange(len(counts))
    ax.bar(positions, counts.to_numpy(), color="#4c72b0")
    step = max(1, math.ceil(len(counts) / 12))  # at most about 12 tick labels
    ax.set_xticks(positions[::step], [str(p) for p in counts.index[::step]], rotation=45)
    ax.set_xlabel("월")
    ax.set_ylabel("건수")


def draw_column(ax: Axes, series: pd.Series, kind: str, top_n: int = 10) -> None:
    """Draw one column's chart of ``kind`` (see :func:`column_chart`) into ``ax``."""
    if kind == "hist":
        numeric = pd.to_numeric(series, errors="coerce").astype("float64")
        _draw_histogram(ax, numeric.dropna(), "값")
    elif kind == "bar":
        _draw_bar(ax, series, top_n)
    elif kind == "month":
        _draw_months(ax, series)
    else:
        lengths = series.dropna().astype(str).str.len().astype("float64")
        _draw_histogram(ax, lengths, "글자 수")
    _thousands(ax, *{"hist": "xy", "bar": "x", "month": "y"}.get(kind, "xy"))


def _thousands(ax: Axes, *axes: str) -> None:
    """Thousands separators on the given numeric axes ("x", "y"): 1,200,000, never 1.2e6."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    def tick(value: float, _position: int) -> str:
        return f"{value:,.0f}" if value == int(value) else f"{value:,g}"

    for name in axes:
        axis = ax.xaxis if name == "x" else ax.yaxis
        axis.set_major_formatter(FuncFormatter(tick))
        if name == "x":  # long numbers: fewer ticks, so that labels do not overlap
            axis.set_major_locator(MaxNLocator(nbins=4, integer=True))


def column_chart(
    df: pd.DataFrame,
    column: Hashable,
    *,
    kind: str | None = None,
    top_n: int = 10,
    ax: Axes | None = None,
) -> Figure:
    """Draw one column's distribution, with Korean labels and the column name as title.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    column : hashable
        The column's name.
    kind : {"hist", "bar", "month", "length"}, optional
        ``"hist"``: histogram of the values (값 / 빈도); ``"bar"``: horizontal bars of the
        ``top_n`` most frequent values (빈도 / 값); ``"month"``: count per calendar month
        (월 / 건수); ``"length"``: histogram of the values' lengths in characters
        (글자 수 / 빈도). By default chosen from the column's type as in :func:`profile`:
        숫자 → hist, 범주 and 참거짓 → bar, 날짜 → month, 식별자 and 텍스트 → length, so
        identifiers and free text are never shown value by value. A column holding
        personal information (see :func:`profile`) is drawn only as ``"length"``.
    top_n : int, default 10
        Number of bars for ``kind="bar"``.
    ax : matplotlib.axes.Axes, optional
        Draw into these axes; by default a new figure is made.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on. A new figure is already closed in pyplot (nothing is left
        open); a notebook shows it when it is a cell's last expression or is passed to
        ``IPython.display.display``.

    Raises
    ------
    workbench.exceptions.ParameterError
        If the column does not exist, ``kind`` or ``top_n`` is invalid, or ``kind``
        would draw the values of a column holding personal information.
    workbench.exceptions.WorkbenchError
        If no Korean font is installed (see :func:`workbench.plotting.use_korean_font`).
    """
    _check_frame("column_chart", df)
    if column not in df.columns:
        raise ParameterError(
            f"Column {column!r} not found. The table's columns are: "
            f"{', '.join(map(str, df.columns))}.",
            parameter="column",
        )
    if kind is not None and kind not in _CHART_KINDS:
        raise ParameterError(
            f"The 'kind' parameter of column_chart must be a str among "
            f"{set(_CHART_KINDS)} or None. Got {kind!r} instead.",
            parameter="kind",
        )
    check_number("column_chart", "top_n", top_n, int, 1, None)
    position = next(i for i, name in enumerate(df.columns) if name == column)
    series = df.iloc[:, position]  # by position: for a repeated name, the first column
    personal = _personal(column, series)
    if personal and kind not in (None, "length"):
        raise ParameterError(
            f"열 '{column}'에 개인정보가 있어 값별 그래프(kind={kind!r})를 그릴 수 없습니다. "
            "kind='length'(글자 수 분포)를 쓰거나, 가명처리한 뒤 그리십시오.",
            parameter="kind",
        )
    kind = kind or _DEFAULT_KIND[_column_type(series, personal=personal)]
    use_korean_font()
    if ax is None:
        # Made through pyplot so that Jupyter's inline backend is loaded and shows the
        # returned figure, then closed at once: pyplot keeps no reference, and the cell
        # does not show it a second time.
        import matplotlib.pyplot as plt

        figure = plt.figure(layout="tight")
        plt.close(figure)
        ax = figure.add_subplot()
    else:
        figure = ax.figure.figure  # the root figure, also when ax is in a subfigure
    draw_column(ax, series, kind, top_n)
    ax.set_title(str(column))
    return figure


def profile_charts(df: pd.DataFrame, *, max_charts: int = 20) -> list[tuple[str, Figure]]:
    """Draw :func:`column_chart` for the first ``max_charts`` columns.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    max_charts : int, default 20
        At most this many charts, in the table's column order.

    Returns
    -------
    list of (str, matplotlib.figure.Figure)
        The column name (as text) and its chart.
    """
    _check_frame("profile_charts", df)
    check_number("profile_charts", "max_charts", max_charts, int, 1, None)
    return [
        (str(name), column_chart(df, name)) for name in list(dict.fromkeys(df.columns))[:max_charts]
    ]
