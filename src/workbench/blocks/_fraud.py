"""Benefit-fraud signals: interval-overlap rules, their evidence, and a ranked review queue.

The rules compare periods that should not overlap for an unemployment-benefit claimant
(paid while employed, certified while abroad). A hit is a *signal for review*, never a
finding of fraud: a person may have reported the job, or certified before leaving.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from workbench.blocks._checks import check_number, check_table
from workbench.blocks._messages import parameter_error, quoted
from workbench.blocks._schema import InputSchema

__all__ = [
    "CERTIFICATION_SCHEMA",
    "CLAIM_SCHEMA",
    "DEFAULT_RULES",
    "EMPLOYMENT_SCHEMA",
    "TRAVEL_SCHEMA",
    "IntervalRule",
    "flag_overlaps",
    "overlap_intervals",
    "precision_at_k",
    "review_queue",
    "rule_counts",
]

KEY = "수급자ID"
#: An open end (a job still held, a trip not yet returned from) counts as lasting until here.
OPEN_END = pd.Timestamp("2100-12-31")
#: Evidence columns of :func:`overlap_intervals` and :func:`flag_overlaps`.
EVIDENCE_COLUMNS = [
    "기준시작",
    "기준종료",
    "대조시작",
    "대조종료",
    "겹침시작",
    "겹침종료",
    "겹친일수",
]


def _dates(*, nullable: bool = False) -> pa.Column:
    return pa.Column("datetime64[ns]", coerce=True, nullable=nullable)


#: Input contracts: one row per claim, certification, border trip and job.
CLAIM_SCHEMA = InputSchema(
    {KEY: pa.Column(str), "수급시작일": _dates(), "수급종료일": _dates()},
    strict=False,
    name="수급 자료(CLAIM_SCHEMA)",
)
CERTIFICATION_SCHEMA = InputSchema(
    {KEY: pa.Column(str), "인정기간시작": _dates(), "실업인정일": _dates()},
    strict=False,
    name="실업인정 자료(CERTIFICATION_SCHEMA)",
)
TRAVEL_SCHEMA = InputSchema(
    {KEY: pa.Column(str), "출국일": _dates(), "입국일": _dates(nullable=True)},
    strict=False,
    name="출입국 자료(TRAVEL_SCHEMA)",
)
EMPLOYMENT_SCHEMA = InputSchema(
    {KEY: pa.Column(str), "취업일": _dates(), "이직일": _dates(nullable=True)},
    strict=False,
    name="고용보험 취업 자료(EMPLOYMENT_SCHEMA)",
)


@dataclass(frozen=True)
class IntervalRule:
    """A rule: a period in one table overlaps a period of the same person in another.

    Attributes
    ----------
    name : str
        Short Korean name, used as a column and table label.
    description : str
        What the rule looks for, in Korean.
    left, right : str
        Names of the two tables (keys of the ``tables`` mapping of :func:`flag_overlaps`).
    left_start, left_end, right_start, right_end : str
        Date columns of the two periods (both ends inclusive; a missing end is open).
    min_days : int
        The fewest overlapping days that make a hit.
    """

    name: str
    description: str
    left: str
    left_start: str
    left_end: str
    right: str
    right_start: str
    right_end: str
    min_days: int = 1


#: The documented rules of the standard analysis.
DEFAULT_RULES = (
    IntervalRule(
        "수급 중 취업",
        "수급 기간과 고용보험 취업 기간이 겹침",
        "claims",
        "수급시작일",
        "수급종료일",
        "employment",
        "취업일",
        "이직일",
    ),
    IntervalRule(
        "인정기간 중 출국",
        "실업인정 대상기간(구직활동 기간)에 출국 상태(출국일~입국일)",
        "certifications",
        "인정기간시작",
        "실업인정일",
        "travel",
        "출국일",
        "입국일",
    ),
    IntervalRule(
        "취업 중 실업인정",
        "실업인정일에 취업 상태(취업일~이직일)",
        "certifications",
        "실업인정일",
        "실업인정일",
        "employment",
        "취업일",
        "이직일",
    ),
)


def _period(table: pd.DataFrame, start: str, end: str) -> tuple[pd.Series, pd.Series]:
    begin = pd.to_datetime(table[start])
    return begin, pd.to_datetime(table[end]).fillna(OPEN_END)


def overlap_intervals(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    left_period: tuple[str, str],
    right_period: tuple[str, str],
    key: str = KEY,
    min_days: int = 1,
) -> pd.DataFrame:
    """Find, per person, every pair of a left and a right period that overlap.

    Parameters
    ----------
    left, right : pandas.DataFrame
        Tables with ``key`` and the period's start and end dates (ISO text or datetimes).
    left_period, right_period : tuple of (str, str)
        Start and end column of each table's period. Both ends count as days of the
        period; a missing end means the period is still open (see ``OPEN_END``).
    key : str, default "수급자ID"
        The person's identifier, in both tables.
    min_days : int, default 1
        Keep only pairs that overlap on at least this many days.

    Returns
    -------
    pandas.DataFrame
        ``key`` and the evidence: 기준시작, 기준종료 (left period), 대조시작, 대조종료
        (right period), 겹침시작, 겹침종료 and 겹친일수 (int), sorted by person and date.

    Raises
    ------
    workbench.exceptions.ParameterError
        If a table or column is missing, or ``min_days`` is not an int >= 1.

    Examples
    --------
    >>> import pandas as pd
    >>> claims = pd.DataFrame({"수급자ID": ["A", "B"], "시작": ["2024-01-01"] * 2,
    ...                        "종료": ["2024-03-31"] * 2})
    >>> jobs = pd.DataFrame({"수급자ID": ["A", "B"], "취업": ["2024-03-22", "2024-04-02"],
    ...                      "이직": [None, None]})
    >>> hits = overlap_intervals(claims, jobs, left_period=("시작", "종료"),
    ...                          right_period=("취업", "이직"))
    >>> hits[["수급자ID", "겹친일수"]].values.tolist()
    [['A', 10]]
    """
    check_table("overlap_intervals", "left", left, [key, *left_period])
    check_table("overlap_intervals", "right", right, [key, *right_period])
    check_number("overlap_intervals", "min_days", min_days, int, 1)
    a_start, a_end = _period(left, *left_period)
    b_start, b_end = _period(right, *right_period)
    a = pd.DataFrame({key: left[key].astype(str), "기준시작": a_start, "기준종료": a_end})
    b = pd.DataFrame({key: right[key].astype(str), "대조시작": b_start, "대조종료": b_end})
    pairs = a.merge(b, on=key)
    pairs["겹침시작"] = pairs[["기준시작", "대조시작"]].max(axis=1)
    pairs["겹침종료"] = pairs[["기준종료", "대조종료"]].min(axis=1)
    days = (pairs["겹침종료"] - pairs["겹침시작"]).dt.days + 1
    pairs["겹친일수"] = days.fillna(0).astype("int64")
    hits = pairs[pairs["겹친일수"] >= min_days]
    hits = hits.sort_values([key, "기준시작", "대조시작"], kind="stable")
    return hits[[key, *EVIDENCE_COLUMNS]].reset_index(drop=True)


def flag_overlaps(
    tables: Mapping[str, pd.DataFrame],
    rules: Sequence[IntervalRule] = DEFAULT_RULES,
    *,
    key: str = KEY,
) -> pd.DataFrame:
    """Apply interval rules and return their evidence, one row per overlapping pair.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        The tables the rules name (by default ``claims``, ``certifications``, ``travel``
        and ``employment``).
    rules : sequence of IntervalRule, default DEFAULT_RULES
        The rules to apply.
    key : str, default "수급자ID"
        The person's identifier.

    Returns
    -------
    pandas.DataFrame
        ``key``, 규칙 (the rule's name) and the evidence columns of
        :func:`overlap_intervals`: which periods overlapped and by how many days.

    Raises
    ------
    workbench.exceptions.ParameterError
        If a rule names a table that is not given, or a column is missing.

    Examples
    --------
    >>> from workbench.samples._claims import benefit_claims
    >>> sample = benefit_claims(n=200, seed=0)
    >>> evidence = flag_overlaps(sample.tables())
    >>> sorted(evidence["규칙"].unique())
    ['수급 중 취업', '인정기간 중 출국', '취업 중 실업인정']
    """
    frames = []
    for rule in rules:
        for table in (rule.left, rule.right):
            if table not in tables:
                raise parameter_error(
                    "rule_table",
                    "tables",
                    function="flag_overlaps",
                    expected=table,
                    got=sorted(tables),
                    kind="missing_table",
                    rule=rule.name,
                    table=table,
                    tables=quoted(sorted(tables)),
                )
        hits = overlap_intervals(
            tables[rule.left],
            tables[rule.right],
            left_period=(rule.left_start, rule.left_end),
            right_period=(rule.right_start, rule.right_end),
            key=key,
            min_days=rule.min_days,
        )
        frames.append(hits.assign(규칙=rule.name))
    columns = [key, "규칙", *EVIDENCE_COLUMNS]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def review_queue(evidence: pd.DataFrame, *, key: str = KEY, cap_days: int = 30) -> pd.DataFrame:
    """Rank people for review by how many rules they hit and how long the overlaps are.

    The score is the sum, over the rules a person hits, of ``1 + min(days, cap_days) /
    cap_days`` where ``days`` is the person's total overlap under that rule: a second
    rule counts more than a longer overlap, and a one-day overlap (a trip on the day of
    certification, a job reported a day late) ranks below a month-long one.

    Parameters
    ----------
    evidence : pandas.DataFrame
        The output of :func:`flag_overlaps`.
    key : str, default "수급자ID"
        The person's identifier.
    cap_days : int, default 30
        Overlap days beyond this add nothing more to a rule's part of the score.

    Returns
    -------
    pandas.DataFrame
        One row per person, highest score first (ties by identifier): 순위, ``key``,
        해당규칙 (rule names, joined by ", "), 규칙수, 총겹친일수, 점수.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"수급자ID": ["A", "B", "B"], "규칙": ["가", "가", "나"],
    ...                    "겹친일수": [40, 2, 1]})
    >>> review_queue(ev)[["순위", "수급자ID", "규칙수", "점수"]].values.tolist()
    [[1, 'B', 2, 2.1], [2, 'A', 1, 2.0]]
    """
    check_table("review_queue", "evidence", evidence, [key, "규칙", "겹친일수"])
    check_number("review_queue", "cap_days", cap_days, int, 1)
    per_rule = evidence.groupby([key, "규칙"], sort=True)["겹친일수"].sum().reset_index()
    per_rule["점수"] = 1 + per_rule["겹친일수"].clip(upper=cap_days) / cap_days
    queue = per_rule.groupby(key, sort=True).agg(
        해당규칙=("규칙", ", ".join),
        규칙수=("규칙", "size"),
        총겹친일수=("겹친일수", "sum"),
        점수=("점수", "sum"),
    )
    queue["점수"] = queue["점수"].round(4)
    queue = queue.reset_index().sort_values(["점수", key], ascending=[False, True], kind="stable")
    queue.insert(0, "순위", np.arange(1, len(queue) + 1))
    return queue.reset_index(drop=True)


def precision_at_k(ranked: Sequence[Any], truth: Any, ks: Sequence[int]) -> pd.DataFrame:
    """Share of the first ``k`` people in a ranked queue that are known true cases.

    Parameters
    ----------
    ranked : sequence
        Identifiers, highest priority first.
    truth : collection
        Identifiers of the known cases (confirmed by a past review, or planted).
    ks : sequence of int
        Queue lengths to evaluate; a ``k`` beyond the queue uses the whole queue.

    Returns
    -------
    pandas.DataFrame
        상위k, 검토건수 (people reviewed: ``min(k, len(ranked))``), 적중건수 (true cases
        among them) and 정밀도 (적중건수 / 검토건수, 0 for an empty queue).

    Examples
    --------
    >>> precision_at_k(["A", "B", "C", "D"], {"A", "C"}, [2, 4])["정밀도"].tolist()
    [0.5, 0.5]
    """
    for k in ks:
        check_number("precision_at_k", "ks", k, int, 1)
    known = set(truth)
    ranked = list(ranked)
    rows = []
    for k in ks:
        top = ranked[:k]
        hits = sum(item in known for item in top)
        rows.append(
            {
                "상위k": k,
                "검토건수": len(top),
                "적중건수": hits,
                "정밀도": round(hits / len(top), 4) if top else 0.0,
            }
        )
    return pd.DataFrame(rows)


def rule_counts(
    evidence: pd.DataFrame,
    rules: Sequence[IntervalRule] = DEFAULT_RULES,
    *,
    key: str = KEY,
    min_count: int = 10,
    other: str = "기타 규칙(합산)",
) -> pd.DataFrame:
    """Count people and overlaps per rule, small rows merged so no cell is below ``min_count``.

    Rules whose counts are below ``min_count`` are merged into one ``other`` row (people
    counted once); if that row is still too small it is left out, so every published
    cell is at least ``min_count`` and none is zero.

    Parameters
    ----------
    evidence : pandas.DataFrame
        The output of :func:`flag_overlaps`.
    rules : sequence of IntervalRule, default DEFAULT_RULES
        The rules, in the order of the table.
    key : str, default "수급자ID"
        The person's identifier.
    min_count : int, default 10
        The smallest count a published cell may hold.
    other : str
        Label of the merged row.

    Returns
    -------
    pandas.DataFrame
        Indexed by 규칙: 설명, 해당 수급자 수, 겹침 건수.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"수급자ID": [f"P{i}" for i in range(12)] + ["X"],
    ...                    "규칙": ["수급 중 취업"] * 12 + ["인정기간 중 출국"]})
    >>> rule_counts(ev)["해당 수급자 수"].to_dict()
    {'수급 중 취업': 12}
    """
    check_table("rule_counts", "evidence", evidence, [key, "규칙"])
    check_number("rule_counts", "min_count", min_count, int, 1)
    rows, small = [], []
    for rule in rules:
        hits = evidence[evidence["규칙"] == rule.name]
        people, pairs = hits[key].nunique(), len(hits)
        if min(people, pairs) >= min_count:
            rows.append((rule.name, rule.description, people, pairs))
        else:
            small.append(hits)
    if small:
        merged = pd.concat(small)
        people, pairs = merged[key].nunique(), len(merged)
        if min(people, pairs) >= min_count:
            rows.append((other, "건수가 적은 규칙을 합함", people, pairs))
    table = pd.DataFrame(rows, columns=["규칙", "설명", "해당 수급자 수", "겹침 건수"])
    return table.set_index("규칙")
