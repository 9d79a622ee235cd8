"""Web service usage block: sessions, menu Pareto, form funnel, field errors, speed, A/B.

The input is an event log of a public-service website, one row per event: an anonymous
visitor id, a timestamp, the page, the event kind (``조회`` page view, ``입력`` form field
entry, ``제출`` form submitted), the form field, an error flag and the page load time.
Every table returned here is aggregated: visitor ids never appear in them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from statsmodels.stats.proportion import proportions_ztest

from workbench.blocks._checks import check_number, check_table
from workbench.blocks._messages import message, parameter_error
from workbench.blocks._schema import InputSchema

__all__ = [
    "COMPLETE",
    "ENTRY",
    "VIEW",
    "WEB_EVENTS_SCHEMA",
    "CompletionTest",
    "completion_test",
    "dwell_times",
    "field_errors",
    "funnel",
    "menu_pareto",
    "sessionize",
    "slow_pages",
]

VIEW, ENTRY, COMPLETE = "조회", "입력", "제출"  # the event kinds
DECIMALS = 4  # shares are rounded so that CSV output is byte-stable

#: The input of the ``service_usage`` standard analysis: one row per event.
WEB_EVENTS_SCHEMA = InputSchema(
    {
        "방문자ID": pa.Column(str, coerce=True),
        "시각": pa.Column("datetime64[ns]", coerce=True),
        "페이지": pa.Column(str, coerce=True),
        "이벤트": pa.Column(str, pa.Check.isin([VIEW, ENTRY, COMPLETE]), coerce=True),
        "항목": pa.Column(str, nullable=True, coerce=True),
        "오류": pa.Column(bool, coerce=True),
        "로딩ms": pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True),
    },
    strict=False,
    name="이벤트 기록(WEB_EVENTS_SCHEMA)",
)


# --- argument checks ---------------------------------------------------------------------


def _check_events(function: str, events: Any, columns: tuple[str, ...]) -> pd.DataFrame:
    """Return ``events`` with ``시각`` as datetimes, or raise if it is not a usable table."""
    check_table(function, "events", events, columns, hint=message("hint_web_schema"))
    out = events.copy()
    if "시각" in out.columns:
        out["시각"] = pd.to_datetime(out["시각"])
    return out


def _share(numerator: pd.Series, denominator: pd.Series | float) -> pd.Series:
    return (numerator / denominator).round(DECIMALS) + 0.0


# --- sessions ----------------------------------------------------------------------------


def sessionize(events: pd.DataFrame, gap_minutes: float = 30.0) -> pd.DataFrame:
    """Split each visitor's events into sessions at gaps longer than ``gap_minutes``.

    Parameters
    ----------
    events : pandas.DataFrame
        Event log with at least ``방문자ID`` and ``시각`` columns.
    gap_minutes : float, default 30.0
        A visitor's new session starts when more than this many minutes passed since
        their previous event (the usual web-analytics inactivity timeout).

    Returns
    -------
    pandas.DataFrame
        The events sorted by visitor and time, with a ``세션ID`` column: consecutive
        integers from 1 that carry nothing of the visitor id.

    Raises
    ------
    ParameterError
        If ``events`` lacks the columns or ``gap_minutes`` is not a positive number.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "방문자ID": ["a", "a", "a", "b"],
    ...     "시각": ["2024-05-01 09:00", "2024-05-01 09:20", "2024-05-01 10:00",
    ...            "2024-05-01 09:05"],
    ... })
    >>> sessionize(events)["세션ID"].tolist()
    [1, 1, 2, 3]
    """
    gap = check_number("sessionize", "gap_minutes", gap_minutes, float, 0, low_open=True)
    out = _check_events("sessionize", events, ("방문자ID", "시각"))
    out = out.sort_values(["방문자ID", "시각"], kind="stable").reset_index(drop=True)
    new_visitor = out["방문자ID"].ne(out["방문자ID"].shift())
    long_gap = out["시각"].diff() > pd.Timedelta(minutes=gap)
    out["세션ID"] = (new_visitor | long_gap).cumsum().astype("int64")
    return out


# --- what people look at -----------------------------------------------------------------


def menu_pareto(events: pd.DataFrame) -> pd.DataFrame:
    """Share of page views by page, most viewed first, with the cumulative share.

    Parameters
    ----------
    events : pandas.DataFrame
        Event log with ``페이지`` and ``이벤트`` columns; only ``조회`` rows count.

    Returns
    -------
    pandas.DataFrame
        Columns ``페이지``, ``조회 수``, ``비율``, ``누적 비율`` (shares in [0, 1]).

    Examples
    --------
    >>> events = pd.DataFrame({"페이지": ["메인", "메인", "공지", "메인"],
    ...                        "이벤트": ["조회", "조회", "조회", "입력"]})
    >>> table = menu_pareto(events)
    >>> table["페이지"].tolist(), table["조회 수"].tolist(), table["누적 비율"].tolist()
    (['메인', '공지'], [2, 1], [0.6667, 1.0])
    """
    views = _check_events("menu_pareto", events, ("페이지", "이벤트"))
    views = views[views["이벤트"] == VIEW]
    counts = views["페이지"].value_counts(sort=False).rename("조회 수").reset_index()
    counts = counts.sort_values(["조회 수", "페이지"], ascending=[False, True], kind="stable")
    counts["조회 수"] = counts["조회 수"].astype("int64")
    total = counts["조회 수"].sum()
    counts["비율"] = _share(counts["조회 수"], total)
    counts["누적 비율"] = _share(counts["조회 수"].cumsum(), total)
    return counts.reset_index(drop=True)


def funnel(sessions: pd.DataFrame, steps: list[str]) -> pd.DataFrame:
    """Sessions reaching each form step and the share lost before the next one.

    Parameters
    ----------
    sessions : pandas.DataFrame
        Output of :func:`sessionize` (``세션ID``, ``페이지``, ``이벤트``).
    steps : list of str
        The form's pages in order. A session reaches a step when it viewed its page;
        a session completes the form when it has a ``제출`` event.

    Returns
    -------
    pandas.DataFrame
        One row per step: ``단계``, ``다음 단계`` (the next step, ``제출 완료`` after
        the last), ``도달 세션 수``, ``이탈 세션 수`` (reached this step but not the
        next), ``이탈률``.

    Examples
    --------
    >>> s = pd.DataFrame({"세션ID": [1, 1, 1, 2, 3, 3],
    ...                   "페이지": ["A", "B", "B", "A", "A", "B"],
    ...                   "이벤트": ["조회", "조회", "제출", "조회", "조회", "조회"]})
    >>> funnel(s, ["A", "B"])[["단계", "도달 세션 수", "이탈률"]].to_dict("list")
    {'단계': ['A', 'B'], '도달 세션 수': [3, 2], '이탈률': [0.3333, 0.5]}
    """
    frame = _check_events("funnel", sessions, ("세션ID", "페이지", "이벤트"))
    if not isinstance(steps, list | tuple) or not steps:
        raise parameter_error(
            "not_empty_list",
            "steps",
            function="funnel",
            name="steps",
            what=message("page_names"),
            got=steps,
            kind="empty",
        )
    views = frame[frame["이벤트"] == VIEW]
    reached = [set(views.loc[views["페이지"] == step, "세션ID"]) for step in steps]
    reached.append(set(frame.loc[frame["이벤트"] == COMPLETE, "세션ID"]))
    # A session counts at a step only if it passed every earlier step too.
    for i in range(1, len(reached)):
        reached[i] &= reached[i - 1]
    sizes = [len(r) for r in reached]
    table = pd.DataFrame(
        {
            "단계": list(steps),
            "다음 단계": [*steps[1:], "제출 완료"],
            "도달 세션 수": sizes[:-1],
            "이탈 세션 수": [a - b for a, b in itertools.pairwise(sizes)],
        }
    )
    reach = table["도달 세션 수"].where(table["도달 세션 수"] > 0)
    table["이탈률"] = _share(table["이탈 세션 수"], reach).fillna(0.0)
    return table.astype({"도달 세션 수": "int64", "이탈 세션 수": "int64"})


def field_errors(events: pd.DataFrame) -> pd.DataFrame:
    """Error rate of each form field, highest first.

    Parameters
    ----------
    events : pandas.DataFrame
        Event log with ``페이지``, ``이벤트``, ``항목`` and ``오류``; only ``입력`` rows
        with a field name count.

    Returns
    -------
    pandas.DataFrame
        Columns ``페이지``, ``항목``, ``입력 수``, ``오류 수``, ``오류율``.

    Examples
    --------
    >>> e = pd.DataFrame({"페이지": ["P"] * 4, "이벤트": ["입력"] * 4,
    ...                   "항목": ["a", "a", "b", "b"], "오류": [True, False, False, False]})
    >>> field_errors(e)[["항목", "오류율"]].to_dict("list")
    {'항목': ['a', 'b'], '오류율': [0.5, 0.0]}
    """
    frame = _check_events("field_errors", events, ("페이지", "이벤트", "항목", "오류"))
    entries = frame[(frame["이벤트"] == ENTRY) & frame["항목"].notna() & (frame["항목"] != "")]
    table = (
        entries.assign(오류=entries["오류"].astype(bool))
        .groupby(["페이지", "항목"], sort=True)["오류"]
        .agg(["size", "sum"])
        .rename(columns={"size": "입력 수", "sum": "오류 수"})
        .reset_index()
        .astype({"입력 수": "int64", "오류 수": "int64"})
    )
    table["오류율"] = _share(table["오류 수"], table["입력 수"])
    table = table.sort_values(["오류율", "항목"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)


def dwell_times(sessions: pd.DataFrame) -> pd.DataFrame:
    """Median time on each page: from a page view to the session's next page view.

    The last page of a session has no next view, so it has no measured dwell time.

    Parameters
    ----------
    sessions : pandas.DataFrame
        Output of :func:`sessionize` (``세션ID``, ``시각``, ``페이지``, ``이벤트``).

    Returns
    -------
    pandas.DataFrame
        Columns ``페이지``, ``측정 조회 수``, ``중앙 체류시간(초)``, longest first.

    Examples
    --------
    >>> s = pd.DataFrame({"세션ID": [1, 1, 1], "페이지": ["A", "B", "C"],
    ...                   "이벤트": ["조회"] * 3,
    ...                   "시각": ["2024-01-01 09:00:00", "2024-01-01 09:00:40",
    ...                          "2024-01-01 09:01:00"]})
    >>> dwell_times(s).to_dict("list")
    {'페이지': ['A', 'B'], '측정 조회 수': [1, 1], '중앙 체류시간(초)': [40.0, 20.0]}
    """
    frame = _check_events("dwell_times", sessions, ("세션ID", "시각", "페이지", "이벤트"))
    views = frame[frame["이벤트"] == VIEW].sort_values(["세션ID", "시각"], kind="stable")
    following = views.groupby("세션ID")["시각"].shift(-1)
    views = views.assign(체류=(following - views["시각"]).dt.total_seconds()).dropna(
        subset=["체류"]
    )
    table = (
        views.groupby("페이지")["체류"]
        .agg(["size", "median"])
        .rename(columns={"size": "측정 조회 수", "median": "중앙 체류시간(초)"})
        .reset_index()
        .astype({"측정 조회 수": "int64"})
    )
    table["중앙 체류시간(초)"] = table["중앙 체류시간(초)"].round(1) + 0.0
    table = table.sort_values(["중앙 체류시간(초)", "페이지"], ascending=[False, True])
    return table.reset_index(drop=True)


def slow_pages(events: pd.DataFrame, quantile: float = 0.9) -> pd.DataFrame:
    """Load time of each page at a high quantile (p90 by default), slowest first.

    Parameters
    ----------
    events : pandas.DataFrame
        Event log with ``페이지``, ``이벤트`` and ``로딩ms``; ``조회`` rows with a load
        time count.
    quantile : float, default 0.9
        The quantile of load times to rank pages by, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Columns ``페이지``, ``조회 수``, ``중앙 로딩(ms)``, ``상위 로딩(ms)`` (the
        ``quantile`` value), slowest first.

    Examples
    --------
    >>> e = pd.DataFrame({"페이지": ["A"] * 10 + ["B"] * 10, "이벤트": ["조회"] * 20,
    ...                   "로딩ms": list(range(100, 1100, 100)) + [50.0] * 10})
    >>> slow_pages(e)[["페이지", "상위 로딩(ms)"]].to_dict("list")
    {'페이지': ['A', 'B'], '상위 로딩(ms)': [910.0, 50.0]}
    """
    q = check_number("slow_pages", "quantile", quantile, float, 0, 1, low_open=True, high_open=True)
    frame = _check_events("slow_pages", events, ("페이지", "이벤트", "로딩ms"))
    views = frame[(frame["이벤트"] == VIEW) & frame["로딩ms"].notna()]
    grouped = views.groupby("페이지")["로딩ms"]
    table = pd.DataFrame(
        {
            "조회 수": grouped.size().astype("int64"),
            "중앙 로딩(ms)": grouped.median().round(1) + 0.0,
            "상위 로딩(ms)": grouped.quantile(q).round(1) + 0.0,
        }
    ).reset_index()
    table = table.sort_values(["상위 로딩(ms)", "페이지"], ascending=[False, True])
    return table.reset_index(drop=True)


# --- before and after a change ----------------------------------------------------------


@dataclass(frozen=True)
class CompletionTest:
    """The result of :func:`completion_test`.

    Attributes
    ----------
    table : pandas.DataFrame
        Two rows (``변경 전``, ``변경 후``): ``구분``, ``시작 세션 수``, ``완료 세션 수``,
        ``완료율``.
    difference : float
        Completion rate after minus before.
    z : float
        The two-proportion z statistic (after versus before).
    p_value : float
        Its two-sided p-value.
    """

    table: pd.DataFrame
    difference: float
    z: float
    p_value: float


def completion_test(sessions: pd.DataFrame, change_date: str, start_page: str) -> CompletionTest:
    """Compare the form completion rate before and after a change date.

    Sessions that viewed ``start_page`` are the form starts; those with a ``제출`` event
    completed. A session belongs to the period its first event falls in. The rates are
    compared with a two-sided two-proportion z-test
    (:func:`statsmodels.stats.proportion.proportions_ztest`).

    Parameters
    ----------
    sessions : pandas.DataFrame
        Output of :func:`sessionize`.
    change_date : str
        The first day of the new version (``"YYYY-MM-DD"``).
    start_page : str
        The form's first page.

    Returns
    -------
    CompletionTest

    Examples
    --------
    >>> s = pd.DataFrame({
    ...     "세션ID": [1, 1, 2, 3, 3, 4, 4],
    ...     "시각": ["2024-05-01", "2024-05-01", "2024-05-02", "2024-06-02", "2024-06-02",
    ...            "2024-06-03", "2024-06-03"],
    ...     "페이지": ["F", "F", "F", "F", "F", "F", "F"],
    ...     "이벤트": ["조회", "제출", "조회", "조회", "제출", "조회", "제출"]})
    >>> result = completion_test(s, "2024-06-01", "F")
    >>> result.table["완료율"].tolist(), result.difference
    ([0.5, 1.0], 0.5)
    """
    frame = _check_events("completion_test", sessions, ("세션ID", "시각", "페이지", "이벤트"))
    try:
        change = pd.Timestamp(change_date)
    except (TypeError, ValueError) as exc:
        raise parameter_error(
            "date_parameter",
            "change_date",
            function="completion_test",
            name="change_date",
            expected="YYYY-MM-DD",
            got=change_date,
            kind="date",
        ) from exc
    started_at = frame.groupby("세션ID")["시각"].min()
    starts = set(frame.loc[(frame["이벤트"] == VIEW) & (frame["페이지"] == start_page), "세션ID"])
    done = set(frame.loc[frame["이벤트"] == COMPLETE, "세션ID"])
    form = started_at[started_at.index.isin(starts)]
    after = form >= change
    completed = form.index.isin(list(done))
    n = np.array([int((~after).sum()), int(after.sum())])
    k = np.array([int((completed & ~after).sum()), int((completed & after).sum())])
    if (n == 0).any():
        raise parameter_error(
            "no_before_after",
            "change_date",
            function="completion_test",
            got={"before": int(n[0]), "after": int(n[1])},
            kind="one_side",
            change_date=change_date,
            start_page=start_page,
            before=int(n[0]),
            after=int(n[1]),
        )
    rates = k / n
    z, p = proportions_ztest(k[::-1], n[::-1]) if 0 < k.sum() < n.sum() else (0.0, 1.0)
    table = pd.DataFrame(
        {
            "구분": ["변경 전", "변경 후"],
            "시작 세션 수": n,
            "완료 세션 수": k,
            "완료율": np.round(rates, DECIMALS) + 0.0,
        }
    )
    return CompletionTest(
        table=table,
        difference=round(float(rates[1] - rates[0]), DECIMALS) + 0.0,
        z=round(float(z), DECIMALS) + 0.0,
        p_value=float(p),
    )
