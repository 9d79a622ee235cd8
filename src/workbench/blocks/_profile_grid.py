"""A profile's charts on one page: a grid of column charts and a correlation view."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.blocks._checks import check_number
from workbench.blocks._profile import _DEFAULT_KIND, IDENTIFIER, Profile, draw_column
from workbench.blocks._profile_alerts import correlations
from workbench.plotting import use_korean_font

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["correlation_chart", "profile_grid"]

GRID_COLUMNS = 3


def _figure(width: float, height: float) -> Figure:
    import matplotlib.pyplot as plt

    use_korean_font()
    figure = plt.figure(figsize=(width, height), layout="constrained")
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
    figure = _figure(4.2 * GRID_COLUMNS, 3.2 * rows)
    axes = np.atleast_1d(figure.subplots(rows, GRID_COLUMNS)).ravel()
    for ax, (name, position) in zip(axes, shown, strict=False):
        draw_column(ax, df.iloc[:, position], _DEFAULT_KIND[kinds[name]], top_n)
        ax.set_title(name)
    for ax in axes[len(shown) :]:
        ax.set_visible(False)
    return figure


def correlation_chart(df: pd.DataFrame, result: Profile) -> Figure | None:
    """Draw the correlations between the 숫자 columns as a heat map with the values written in.

    Returns ``None`` when fewer than two numeric columns vary.
    """
    matrix = correlations(df, result)
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
