"""Policy-effect block: difference-in-differences and an event study on a region × month panel.

Both fit two-way fixed effects (region and month) by OLS through
:func:`workbench.blocks._regression.regression`, with standard errors clustered by region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.blocks._checks import check_table
from workbench.blocks._messages import parameter_error
from workbench.blocks._regression import Regression, regression
from workbench.plotting import legend, use_korean_font

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["DiD", "did", "event_study", "event_study_chart"]


@dataclass(frozen=True)
class DiD:
    """The result of :func:`did`.

    Attributes
    ----------
    estimate : pandas.DataFrame
        One row (항목 ``정책효과``): 계수, 표준오차, 검정통계량, p값, the interval bounds,
        처치 지역 수, 비교 지역 수, 관측 수.
    regression : Regression
        The full two-way fixed-effects fit (coefficients, diagnostics, findings).
    """

    estimate: pd.DataFrame
    regression: Regression


def _month_number(values: pd.Series, name: str, role: str, function: str) -> pd.Series:
    """Months since year 0 (``year * 12 + month``) of "YYYY-MM" text or dates."""
    text = values.astype("string").str.slice(0, 7)
    dates = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    bad = (dates.isna() & text.notna()).to_numpy()
    if bad.any():
        row = int(bad.argmax())
        raise parameter_error(
            "month_value",
            role,
            function=function,
            kind="month",
            got=values.iloc[row],
            column=name,
            row=row + 1,
            value=values.iloc[row],
        )
    return dates.dt.year * 12 + dates.dt.month


def _prepare(
    function: str, panel: Any, outcome: str, unit: str, time: str, adoption: str
) -> tuple[pd.DataFrame, pd.Series]:
    """Build the model frame (y, unit, time, rel) and each row's adoption month number."""
    check_table(function, "panel", panel)
    roles = {"outcome": outcome, "unit": unit, "time": time, "adoption": adoption}
    for role, column in roles.items():
        if column not in panel.columns:
            raise parameter_error(
                "role_column_missing",
                role,
                function=function,
                expected=list(map(str, panel.columns)),
                got=column,
                kind="missing_columns",
                role=role,
                column=column,
                columns=", ".join(map(str, panel.columns)),
            )
    frame = pd.DataFrame(
        {
            "y": pd.to_numeric(panel[outcome], errors="coerce").astype("float64"),
            "unit": panel[unit].astype(str),
            "time": panel[time].astype(str).str.slice(0, 7),
        }
    )
    month = _month_number(panel[time], time, "time", function)
    adopted = panel[adoption].where(panel[adoption].notna() & (panel[adoption].astype(str) != ""))
    start = pd.Series(np.nan, index=panel.index)
    has = adopted.notna()
    if has.any():
        start[has] = _month_number(adopted[has], adoption, "adoption", function)
    frame["rel"] = month - start  # months since adoption; NaN for never-adopting units
    units, months = frame["unit"].nunique(), frame["time"].nunique()
    if units < 2 or months < 2:
        raise parameter_error(
            "panel_small",
            "panel",
            function=function,
            got={"units": units, "months": months},
            kind="too_small",
            units=units,
            months=months,
        )
    return frame, start


def did(
    panel: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    adoption: str,
    alpha: float = 0.05,
) -> DiD:
    """Estimate a policy effect by difference-in-differences with two-way fixed effects.

    ``outcome ~ 처치 + C(unit) + C(time)``, where 처치 is 1 in adopting units from their
    adoption month on; standard errors are clustered by unit.

    Parameters
    ----------
    panel : pandas.DataFrame
        One row per unit (e.g. 시군구) and month.
    outcome : str
        The outcome column (numeric).
    unit : str
        The unit column; fixed effect and cluster.
    time : str
        The month column, ``"YYYY-MM"`` text or dates.
    adoption : str
        The adoption-month column (same format); missing or empty for units that never
        adopt.
    alpha : float, default 0.05
        One minus the confidence level.

    Returns
    -------
    DiD
        ``estimate`` (one row) and the full ``regression``.

    Raises
    ------
    workbench.exceptions.ParameterError
        If a column is missing, months cannot be read, or no unit ever adopts.

    Notes
    -----
    With staggered adoption the two-way fixed-effects estimate is a weighted average of
    comparisons; it equals the effect when the effect is the same across units and
    time. Check the event study (:func:`event_study`) for pre-trends and dynamics.

    Examples
    --------
    >>> from workbench.samples._panel import policy_panel
    >>> panel = policy_panel(seed=0)
    >>> result = did(panel, outcome="청년고용률", unit="시군구코드", time="연월",
    ...              adoption="도입연월")
    >>> row = result.estimate.iloc[0]
    >>> bool(row["95% 하한"] < 2.0 < row["95% 상한"])
    True
    """
    frame, start = _prepare("did", panel, outcome, unit, time, adoption)
    frame["treated"] = (frame["rel"] >= 0).astype(float)
    if frame["treated"].sum() == 0:
        raise parameter_error(
            "no_adoption",
            "adoption",
            function="did",
            got=adoption,
            kind="no_adoption",
            adoption=adoption,
        )
    fit = regression(
        frame,
        "y ~ treated + C(unit) + C(time)",
        covariance="cluster",
        cluster="unit",
        alpha=alpha,
        name="did",
        diagnose=False,
    )
    estimate = fit.coefficients.loc[["treated"]].copy()
    estimate.index = pd.Index(["정책효과"], name="항목")
    treated_units = frame.loc[start.notna(), "unit"].nunique()
    estimate["처치 지역 수"] = treated_units
    estimate["비교 지역 수"] = frame["unit"].nunique() - treated_units
    estimate["관측 수"] = int(fit.result.nobs)
    return DiD(estimate=estimate, regression=fit)


def event_study(
    panel: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    adoption: str,
    window: tuple[int, int] = (-6, 6),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Estimate the effect month by month around adoption (event study).

    Two-way fixed effects with one indicator per month relative to adoption, from
    ``window[0]`` to ``window[1]``; months beyond the window are binned into its end
    points, and month -1 (the month before adoption) is the reference (0 by
    construction). Standard errors are clustered by unit.

    Parameters
    ----------
    panel, outcome, unit, time, adoption, alpha
        As in :func:`did`.
    window : (int, int), default (-6, 6)
        First and last relative month, ``window[0] <= -2`` and ``window[1] >= 0``.

    Returns
    -------
    pandas.DataFrame
        One row per relative month: 상대월 (int), 계수, 표준오차, p값, the interval
        bounds, 기준 (True for the reference month -1).

    Examples
    --------
    >>> from workbench.samples._panel import policy_panel
    >>> table = event_study(policy_panel(seed=0), outcome="청년고용률", unit="시군구코드",
    ...                     time="연월", adoption="도입연월", window=(-3, 3))
    >>> table["상대월"].tolist()
    [-3, -2, -1, 0, 1, 2, 3]
    """
    low, high = window if isinstance(window, tuple) and len(window) == 2 else (None, None)
    if not (isinstance(low, int) and isinstance(high, int) and low <= -2 and high >= 0):
        raise parameter_error(
            "event_window",
            "window",
            function="event_study",
            got=window,
            kind="range",
            expected="(low <= -2, high >= 0)",
        )
    frame, _ = _prepare("event_study", panel, outcome, unit, time, adoption)
    binned = frame["rel"].clip(low, high)
    terms = []
    for k in range(low, high + 1):
        if k == -1:
            continue
        column = f"rel_{'m' if k < 0 else 'p'}{abs(k)}"
        frame[column] = (binned == k).astype(float)
        terms.append((k, column))
    formula = "y ~ " + " + ".join(c for _, c in terms) + " + C(unit) + C(time)"
    fit = regression(
        frame, formula, covariance="cluster", cluster="unit", alpha=alpha, diagnose=False
    )
    table = fit.coefficients.loc[[c for _, c in terms]].drop(columns="검정통계량")
    lower, upper = table.columns[-2], table.columns[-1]
    table.insert(0, "상대월", [k for k, _ in terms])
    reference = {c: np.nan for c in table.columns}  # no error: 0 by construction
    reference.update({"상대월": -1, "계수": 0.0, lower: 0.0, upper: 0.0})
    table = pd.concat([table, pd.DataFrame([reference])], ignore_index=True)
    table["상대월"] = table["상대월"].astype(int)
    table["기준"] = table["상대월"] == -1
    return table.sort_values("상대월").reset_index(drop=True)


def event_study_chart(
    table: pd.DataFrame, *, ylabel: str = "효과 추정치", ax: Axes | None = None
) -> Figure:
    """Plot :func:`event_study` coefficients with their intervals, in Korean.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`event_study`.
    ylabel : str, default "효과 추정치"
        The y-axis label (name the outcome and its unit).
    ax : matplotlib.axes.Axes, optional
        Draw into these axes; by default a new (closed) figure is made.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.
    """
    lower = next(c for c in table.columns if str(c).endswith("하한"))
    upper = next(c for c in table.columns if str(c).endswith("상한"))
    use_korean_font()
    if ax is None:
        import matplotlib.pyplot as plt

        figure = plt.figure(figsize=(7, 4), layout="tight")
        plt.close(figure)
        ax = figure.add_subplot()
    else:
        figure = ax.figure.figure
    x = table["상대월"].to_numpy()
    y = table["계수"].to_numpy()
    errors = np.vstack([y - table[lower].to_numpy(), table[upper].to_numpy() - y])
    ax.axhline(0.0, color="#888888", linewidth=1)
    ax.axvline(-0.5, color="#c44e52", linestyle="--", linewidth=1, label="정책 도입")
    ax.errorbar(
        x, y, yerr=errors, fmt="o", color="#4c72b0", capsize=3, label=f"계수와 {lower[:-3]} 구간"
    )
    ax.set_xlabel("정책 도입 기준 상대 월 (-1 = 기준월)")
    ax.set_ylabel(ylabel)
    ax.set_title("사건연구: 도입 전후 월별 정책효과")
    legend(ax)
    return figure
