"""Profile charts: one column's chart, the grid of every column's chart, correlations."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.blocks._checks import check_number
from workbench.blocks._profile import (
    _CHART_KINDS,
    _DEFAULT_KIND,
    IDENTIFIER,
    Profile,
    _as_dates,
    _check_frame,
    _column_type,
    _personal,
    _top_values,
    _without_summary_rows,
    message,
)
from workbench.exceptions import ParameterError
from workbench.plotting import use_korean_font

if TYPE_CHECKING:
    from collections.abc import Hashable

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["column_chart", "correlation_chart", "draw_column", "profile_charts", "profile_grid"]

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
    counts, edges = np.histogram(values, bins=min(30, max(1, values.nunique())))
    _draw_counts(ax, (edges, counts), xlabel)


def _draw_counts(ax: Axes, histogram: tuple[np.ndarray, np.ndarray], xlabel: str) -> None:
    """Draw a histogram from its bin edges and counts (one filled outline, cheap to draw)."""
    edges, counts = histogram
    ax.stairs(counts, edges, fill=True, color="#4c72b0")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("빈도")


def _draw_bar(ax: Axes, series: pd.Series, top_n: int, counts: pd.Series | None) -> None:
    top = _top_values("", series, top_n, counts)
    if not top:
        _no_values(ax)
        return
    labels = [str(row["값"]) for row in reversed(top)]  # most frequent at the top
    ax.barh(labels, [row["빈도"] for row in reversed(top)], color="#4c72b0")
    ax.set_xlabel("빈도")
    ax.set_ylabel("값")
    ax.grid(axis="y", visible=False)


def _draw_months(ax: Axes, series: pd.Series, counts: pd.Series | None = None) -> None:
    if counts is None:
        counts = series.value_counts(dropna=True)
    dates = _as_dates(pd.Series(counts.index))  # each distinct value parsed once
    keep = dates.notna().to_numpy()
    if not keep.any():
        _no_values(ax)
        return
    dates = dates[keep].reset_index(drop=True)
    if dates.dt.tz is not None:
        dates = dates.dt.tz_localize(None)
    months = dates.dt.to_period("M")
    per_month = pd.Series(counts.to_numpy()[keep]).groupby(months).sum()
    counts = per_month.reindex(pd.period_range(months.min(), months.max(), freq="M"), fill_value=0)
    positions = np.arange(len(counts))
    ax.bar(positions, counts.to_numpy(), color="#4c72b0")
    step = max(1, math.ceil(len(counts) / 12))  # at most about 12 tick labels
    ax.set_xticks(positions[::step], [str(p) for p in counts.index[::step]], rotation=45)
    ax.set_xlabel("월")
    ax.set_ylabel("건수")


def draw_column(
    ax: Axes,
    series: pd.Series,
    kind: str,
    top_n: int = 10,
    counts: pd.Series | None = None,
    histogram: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Draw one column's chart of ``kind`` (see :func:`column_chart`) into ``ax``.

    ``counts``, the column's value counts, and ``histogram``, its bin edges and counts
    (:attr:`Profile.histograms`), when already known, save counting again.
    """
    if kind == "hist" and histogram is not None:
        _draw_counts(ax, histogram, "값")
    elif kind == "hist":
        numeric = pd.to_numeric(series, errors="coerce").astype("float64")
        _draw_histogram(ax, numeric.dropna(), "값")
    elif kind == "bar":
        _draw_bar(ax, series, top_n, counts)
    elif kind == "month":
        _draw_months(ax, series, counts)
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
            axis.set_major_locator(MaxNLocator(nbins=3, integer=True))


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
        names = list(df.columns)
        raise ParameterError(
            message("column_not_found", column=repr(column), columns=", ".join(map(str, names))),
            parameter="column",
            got=column,
            expected=[str(c) for c in df.columns],
        )
    if kind is not None and kind not in _CHART_KINDS:
        raise ParameterError(
            message("bad_kind", got=repr(kind)),
            parameter="kind",
            got=kind,
            expected=[*_CHART_KINDS, None],
        )
    check_number("column_chart", "top_n", top_n, int, 1, None)
    position = next(i for i, name in enumerate(df.columns) if name == column)
    series = df.iloc[:, position]  # by position: for a repeated name, the first column
    personal = _personal(column, series)
    if personal and kind not in (None, "length"):
        raise ParameterError(
            message("personal_kind", column=f"'{column}'", kind=repr(kind)),
            parameter="kind",
            got=kind,
            kind="personal",
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


GRID_COLUMNS = 3


def _figure(width: float, height: float, layout: str | None = "constrained") -> Figure:
    import matplotlib.pyplot as plt

    use_korean_font()
    figure = plt.figure(figsize=(width, height), layout=layout)
    plt.close(figure)  # returned, shown by the notebook; pyplot keeps no reference
    return figure


def profile_grid(
    df: pd.DataFrame, result: Profile, *, max_charts: int = 20, top_n: int = 10
) -> Figure | None:
    """Draw every column's chart in one grid figure (three charts a row).

    Identifiers and columns holding personal information are left out: nothing of their
    values is drawn (the profile's tables describe them). Numbers are histograms, 범주
    and 참거짓 the ``top_n`` most frequent values, dates counts per month, free text its
    lengths. Returns ``None`` when no column can be drawn.
    """
    check_number("profile_grid", "max_charts", max_charts, int, 1, None)
    df = _without_summary_rows(df)
    kinds = dict(zip(result.columns["열"], result.columns["유형"], strict=False))
    shown: list[tuple[str, int]] = []
    for position, name in enumerate(df.columns):
        kind = kinds.get(str(name))
        if kind is None or kind == IDENTIFIER or str(name) in {n for n, _ in shown}:
            continue
        shown.append((str(name), position))
    shown = shown[:max_charts]
    if not shown:
        return None
    rows = math.ceil(len(shown) / GRID_COLUMNS)
    # Fixed spacing, no layout engine: a layout engine draws a large grid twice over.
    figure = _figure(4.2 * GRID_COLUMNS, 3.3 * rows, layout=None)
    figure.subplots_adjust(left=0.1, right=0.98, top=1 - 0.25 / rows, bottom=0.4 / rows + 0.02,
                           wspace=0.75, hspace=0.75)  # fmt: skip
    axes = np.atleast_1d(figure.subplots(rows, GRID_COLUMNS)).ravel()
    for ax, (name, position) in zip(axes, shown, strict=False):
        series = df.iloc[:, position]
        chart = _DEFAULT_KIND[kinds[name]]
        counts, histogram = result.value_counts.get(name), result.histograms.get(name)
        draw_column(ax, series, chart, top_n, counts, histogram)
        ax.set_title(name, y=1.0)  # a fixed place: no search for room above the ticks
        if chart == "bar":
            ax.set_ylabel("")  # the values label themselves; room for long ones
    for ax in axes[len(shown) :]:
        ax.set_visible(False)
    return figure


def correlation_chart(df: pd.DataFrame, result: Profile) -> Figure | None:
    """Draw the correlations between the 숫자 columns as a heat map with the values written in.

    Returns ``None`` when fewer than two numeric columns vary.
    """
    matrix = result.correlations
    if matrix.empty:
        return None
    size = max(4.0, 0.7 * len(matrix) + 2)
    figure = _figure(size + 1, size)
    ax = figure.add_subplot()
    image = ax.imshow(matrix.to_numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
    labels = list(matrix.columns)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for i in range(len(labels)):
        for j in range(len(labels)):
            value = float(matrix.iloc[i, j])  # type: ignore[arg-type]
            if np.isfinite(value):
                color = "white" if abs(value) > 0.6 else "black"
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8, color=color)
    figure.colorbar(image, ax=ax, shrink=0.8, label="상관계수")
    ax.set_title("숫자 열 사이의 상관계수")
    return figure
