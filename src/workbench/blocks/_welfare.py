"""Welfare blind spots (복지사각지대 발굴): crisis rules, a risk model and fairness tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from scipy.stats import norm
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from workbench.blocks._checks import check_choice, check_number, check_table
from workbench.blocks._messages import parameter_error, quoted
from workbench.blocks._schema import InputSchema

__all__ = [
    "CRISIS_INDICATORS",
    "DEFAULT_RULES",
    "HOUSEHOLD_TYPES",
    "WELFARE_SCHEMA",
    "CrisisRiskModel",
    "CrisisRule",
    "flag_rules",
    "group_metrics",
    "merge_small_groups",
    "recall_threshold",
]

#: The crisis indicators the rules and the model read: utility cuts and other yes/no
#: events as bool (or 0/1), arrears in months.
CRISIS_INDICATORS = (
    "단전",
    "단수",
    "단가스",
    "건강보험료체납개월",
    "통신비체납개월",
    "관리비체납개월",
    "임차료체납개월",
    "금융연체",
    "휴폐업",
    "실업급여",
)
HOUSEHOLD_TYPES = ("독거노인", "한부모", "장애인", "일반")
_MONTHS = [c for c in CRISIS_INDICATORS if c.endswith("개월")]

#: Input contract of the analysis: one row per household.
WELFARE_SCHEMA = InputSchema(
    {
        "가구ID": pa.Column(str, unique=True),
        "법정동코드": pa.Column(str, pa.Check.str_matches(r"^\d{10}$"), coerce=True),
        "가구유형": pa.Column(str),
        **{c: pa.Column(int, pa.Check.ge(0), coerce=True) for c in _MONTHS},
        **{c: pa.Column(bool, coerce=True) for c in CRISIS_INDICATORS if c not in _MONTHS},
    },
    strict=False,
    name="가구별 위기정보 자료(WELFARE_SCHEMA)",
)

_OPERATORS = {
    ">=": lambda s, v: s >= v,
    ">": lambda s, v: s > v,
    "==": lambda s, v: s == v,
    "<=": lambda s, v: s <= v,
}


@dataclass(frozen=True)
class CrisisRule:
    """A documented combination of crisis indicators: all of ``all_of`` and one of ``any_of``.

    Attributes
    ----------
    name : str
        Short Korean name, used as the flag's column name.
    description : str
        What the rule means, in the words of the guideline it comes from.
    all_of : tuple of (column, operator, value)
        Conditions that must all hold; operators are ``>=``, ``>``, ``==``, ``<=``.
    any_of : tuple of (column, operator, value)
        Conditions of which at least one must hold (ignored when empty).
    """

    name: str
    description: str
    all_of: tuple[tuple[str, str, Any], ...] = ()
    any_of: tuple[tuple[str, str, Any], ...] = ()

    def columns(self) -> set[str]:
        """Return the columns the rule reads."""
        return {c for c, _, _ in (*self.all_of, *self.any_of)}


#: The default rules, as data: edit or extend the tuple to change what is flagged.
DEFAULT_RULES: tuple[CrisisRule, ...] = (
    CrisisRule(
        "건보장기체납+금융연체",
        "건강보험료 6개월 이상 체납과 금융연체가 함께 있음",
        all_of=(("건강보험료체납개월", ">=", 6), ("금융연체", "==", True)),
    ),
    CrisisRule(
        "독거노인+단전·단수·단가스",
        "독거노인 가구에 단전, 단수, 단가스 중 하나 이상",
        all_of=(("가구유형", "==", "독거노인"),),
        any_of=(("단전", "==", True), ("단수", "==", True), ("단가스", "==", True)),
    ),
    CrisisRule(
        "실직·휴폐업+임차료체납",
        "휴폐업 또는 실업급여 수급과 임차료 3개월 이상 체납",
        all_of=(("임차료체납개월", ">=", 3),),
        any_of=(("휴폐업", "==", True), ("실업급여", "==", True)),
    ),
)


# --- argument checks ---------------------------------------------------------------------


# --- rules -------------------------------------------------------------------------------


def flag_rules(df: pd.DataFrame, rules: Sequence[CrisisRule] = DEFAULT_RULES) -> pd.DataFrame:
    """Flag each household by each rule.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per household with the columns the rules read.
    rules : sequence of CrisisRule, default DEFAULT_RULES
        The rules to apply.

    Returns
    -------
    pandas.DataFrame
        One bool column per rule (named by the rule), with ``df``'s index.

    Raises
    ------
    ParameterError
        If ``df`` lacks a column a rule reads or a rule uses an unknown operator.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"건강보험료체납개월": [8, 8, 2], "금융연체": [True, False, True]})
    >>> rule = CrisisRule("장기체납", "", all_of=(("건강보험료체납개월", ">=", 6),
    ...                                          ("금융연체", "==", True)))
    >>> flag_rules(df, [rule])["장기체납"].tolist()
    [True, False, False]
    """
    needed = sorted(set().union(*(rule.columns() for rule in rules)) if rules else set())
    check_table("flag_rules", "df", df, needed)
    flags = {}
    for rule in rules:
        hit = pd.Series(True, index=df.index)
        for column, op, value in rule.all_of:
            hit &= _condition(rule, df[column], op, value)
        if rule.any_of:
            some = pd.Series(False, index=df.index)
            for column, op, value in rule.any_of:
                some |= _condition(rule, df[column], op, value)
            hit &= some
        flags[rule.name] = hit.fillna(False).astype(bool)
    return pd.DataFrame(flags, index=df.index)


def _condition(rule: CrisisRule, series: pd.Series, op: str, value: Any) -> pd.Series:
    try:
        compare = _OPERATORS[op]
    except KeyError:
        raise parameter_error(
            "rule_operator",
            "rules",
            expected=list(_OPERATORS),
            got=op,
            kind="choice",
            rule=rule.name,
            op=op,
            operators=quoted(_OPERATORS),
        ) from None
    return compare(series, value).fillna(False).astype(bool)


# --- risk model --------------------------------------------------------------------------


def recall_threshold(
    y_true: Any, scores: Any, target_recall: float, confidence: float | None = None
) -> float:
    """Return the highest score threshold whose recall is at least ``target_recall``.

    Households with ``score >= threshold`` are flagged. With ``confidence``, the
    threshold is lowered until the one-sided Wilson lower bound of the recall reaches
    the target, so that the recall on new households meets it with that confidence
    rather than half of the time. The threshold is then lowered further as long as
    that flags no more non-crisis households: those crisis households come for free.

    Parameters
    ----------
    y_true : array-like of bool
        The known labels (at least one True).
    scores : array-like of float
        Risk scores, higher meaning more at risk.
    target_recall : float
        The share of true crisis households that must be flagged, in (0, 1].
    confidence : float, optional
        Confidence level in (0, 1) of the recall's lower bound; None uses the recall
        itself. If no threshold reaches the bound, every crisis household is flagged.

    Returns
    -------
    float
        The threshold.

    Examples
    --------
    >>> recall_threshold([1, 1, 0, 1], [0.9, 0.4, 0.5, 0.7], target_recall=0.6)
    0.7
    >>> recall_threshold([1, 1, 0, 1], [0.9, 0.4, 0.5, 0.7], 0.6, confidence=0.9)
    0.4
    """
    check_number("recall_threshold", "target_recall", target_recall, float, 1e-9, 1.0)
    y = np.asarray(y_true).astype(bool)
    positive = np.sort(np.asarray(scores, dtype=float)[y])[::-1]
    n = len(positive)
    if n == 0:
        raise parameter_error(
            "no_crisis", "y_true", function="recall_threshold", kind="no_positive"
        )
    caught = np.arange(1, n + 1)
    if confidence is None:
        bound = caught / n
    else:
        check_number("recall_threshold", "confidence", confidence, float, 1e-9, 1 - 1e-9)
        bound = _wilson_lower(caught, n, confidence)
    reached = np.flatnonzero(bound >= target_recall - 1e-12)
    threshold = positive[reached[0]] if len(reached) else positive[-1]
    # Lower the threshold to just above the next non-crisis score: the extra crisis
    # households this catches cost no extra false alarm.
    negative = np.asarray(scores, dtype=float)[~y]
    below = negative[negative < threshold]
    if len(below):
        free = positive[(positive > below.max()) & (positive <= threshold)]
        threshold = free.min() if len(free) else threshold
    return float(threshold)


def _wilson_lower(k: np.ndarray, n: int, confidence: float) -> np.ndarray:
    """One-sided Wilson score lower bound of the proportion ``k / n``."""
    z = float(norm.ppf(confidence))
    p = k / n
    centre = p + z**2 / (2 * n)
    spread = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.asarray((centre - spread) / (1 + z**2 / n))


class CrisisRiskModel(ClassifierMixin, BaseEstimator):
    """A crisis-risk classifier whose threshold is set for a target recall.

    The threshold comes from out-of-fold scores on the training data (stratified
    ``cv``-fold), so it is not tuned on the rows it was fitted to. Features are the
    :data:`CRISIS_INDICATORS` and the household type (one-hot).

    Parameters
    ----------
    model : {"logistic", "boosting"}, default "logistic"
        Logistic regression (standardised features) or gradient boosting (trees).
    target_recall : float, default 0.9
        The share of crisis households the threshold must catch, in (0, 1].
    confidence : float or None, default 0.9
        Confidence that the recall on new households reaches ``target_recall`` (see
        :func:`recall_threshold`); None aims at the target on the training folds only.
    cv : int, default 5
        Folds for the out-of-fold scores that set the threshold (>= 2).
    random_state : int, default 0
        Seed for the folds and the boosting model.

    Attributes
    ----------
    features_ : list of str
        The feature columns, in order.
    estimator_ : sklearn.pipeline.Pipeline
        The fitted model.
    threshold_ : float
        Scores at or above it are flagged.
    oof_scores_ : numpy.ndarray
        Out-of-fold scores of the training rows.

    Examples
    --------
    >>> from workbench.samples._welfare import welfare_households
    >>> df = welfare_households(n=800, seed=0)
    >>> m = CrisisRiskModel(target_recall=0.8).fit(df, df["위기가구"])
    >>> bool(m.predict(df)[df["위기가구"]].mean() >= 0.8)
    True
    """

    def __init__(
        self,
        model: str = "logistic",
        target_recall: float = 0.9,
        confidence: float | None = 0.9,
        cv: int = 5,
        random_state: int = 0,
    ) -> None:
        self.model = model
        self.target_recall = target_recall
        self.confidence = confidence
        self.cv = cv
        self.random_state = random_state

    def _check_params(self) -> None:
        check_choice("CrisisRiskModel", "model", self.model, ("logistic", "boosting"))
        check_number("CrisisRiskModel", "target_recall", self.target_recall, float, 1e-9, 1.0)
        check_number("CrisisRiskModel", "cv", self.cv, int, 2)

    def _features(self, df: pd.DataFrame) -> pd.DataFrame:
        check_table("CrisisRiskModel", "df", df, [*CRISIS_INDICATORS, "가구유형"])
        x = df[list(CRISIS_INDICATORS)].astype(float)
        for kind in HOUSEHOLD_TYPES:
            x[f"가구유형_{kind}"] = (df["가구유형"] == kind).astype(float)
        return x

    def _pipeline(self) -> Pipeline:
        if self.model == "logistic":
            return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        return make_pipeline(GradientBoostingClassifier(random_state=self.random_state))

    def fit(self, df: pd.DataFrame, y: Any) -> CrisisRiskModel:
        """Fit the model and set ``threshold_`` from out-of-fold scores.

        Parameters
        ----------
        df : pandas.DataFrame
            Households with :data:`CRISIS_INDICATORS` and ``가구유형``.
        y : array-like of bool
            The known crisis label of each household.

        Returns
        -------
        CrisisRiskModel
            The fitted model.
        """
        self._check_params()
        x = self._features(df)
        labels = np.asarray(y).astype(bool)
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
        oof = cross_val_predict(self._pipeline(), x, labels, cv=folds, method="predict_proba")
        self.oof_scores_ = oof[:, 1]
        self.threshold_ = recall_threshold(
            labels, self.oof_scores_, self.target_recall, self.confidence
        )
        self.estimator_ = self._pipeline().fit(x, labels)
        self.features_ = list(x.columns)
        self.classes_ = np.array([False, True])
        return self

    def score_households(self, df: pd.DataFrame) -> np.ndarray:
        """Return each household's risk score (the probability of crisis)."""
        return np.asarray(self.estimator_.predict_proba(self._features(df))[:, 1])

    def predict_proba(self, df: pd.DataFrame) -> np.ndarray:
        """Return probabilities of (no crisis, crisis), one row per household."""
        return np.asarray(self.estimator_.predict_proba(self._features(df)))

    def predict(self, df: pd.DataFrame) -> np.ndarray:
        """Return True for households whose score reaches ``threshold_``."""
        return self.score_households(df) >= self.threshold_


# --- release-safe tables -----------------------------------------------------------------


def merge_small_groups(
    table: pd.DataFrame, counts: Sequence[str], min_count: int = 10, other: str = "기타"
) -> pd.DataFrame:
    """Merge rows with any count below ``min_count`` into an ``other`` row, summing counts.

    If the ``other`` row is itself too small, the smallest remaining row joins it, until
    every row passes or one row is left.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per group (the index names the group) with count columns.
    counts : sequence of str
        The count columns; the other columns are dropped.
    min_count : int, default 10
        The smallest count a published cell may hold.
    other : str, default "기타"
        The label of the merged row.

    Returns
    -------
    pandas.DataFrame
        The count columns, the ``other`` row last.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"n": [50, 4, 7, 30]}, index=["가", "나", "다", "라"])
    >>> merge_small_groups(t, ["n"])["n"].to_dict()
    {'가': 50, '라': 30, '기타': 11}
    """
    check_table("merge_small_groups", "table", table, list(counts))
    rows = table[list(counts)].copy()
    small = rows.min(axis=1) < min_count
    merged = rows[small].sum()
    rows = rows[~small]
    while small.any() and (merged < min_count).any() and len(rows):
        smallest = int(np.argmin(rows.min(axis=1).to_numpy()))
        merged = merged + rows.iloc[smallest]
        rows = rows.drop(index=rows.index[smallest])
    if small.any():
        rows.loc[other] = merged
    return rows


def group_metrics(
    y_true: Any, y_pred: Any, groups: Any, min_count: int = 10, other: str = "기타"
) -> pd.DataFrame:
    """Recall, precision and F1 of the flags per group, small groups merged first.

    Parameters
    ----------
    y_true, y_pred : array-like of bool
        Known crisis label and flag of each household.
    groups : array-like
        The group (household type, region) of each household.
    min_count : int, default 10
        Groups with fewer households, crisis households, flags or hits than this are
        merged into ``other`` (see :func:`merge_small_groups`).
    other : str, default "기타"
        Label of the merged group.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``가구 수``, ``위기가구 수``, ``발굴 수``, ``적중 수`` (counts),
        ``재현율``, ``정밀도``, ``F1``, and a ``전체`` row.

    Examples
    --------
    >>> t = group_metrics([1] * 20 + [0] * 20, [1] * 15 + [0] * 5 + [1] * 15 + [0] * 5,
    ...                   ["가"] * 40)
    >>> t.loc["가", ["재현율", "정밀도"]].tolist()
    [0.75, 0.5]
    """
    truth = np.asarray(y_true).astype(bool)
    flag = np.asarray(y_pred).astype(bool)
    frame = pd.DataFrame(
        {"가구 수": 1, "위기가구 수": truth, "발굴 수": flag, "적중 수": truth & flag},
        index=pd.Index(np.asarray(groups), name="집단"),
    ).astype(int)
    counts = ["가구 수", "위기가구 수", "발굴 수", "적중 수"]
    table = merge_small_groups(frame.groupby(level=0).sum(), counts, min_count, other)
    table.loc["전체"] = frame[counts].sum()
    hits = table["적중 수"].astype(float)
    recall = hits / table["위기가구 수"].replace(0, np.nan)
    precision = hits / table["발굴 수"].replace(0, np.nan)
    table["재현율"] = recall.round(4)
    table["정밀도"] = precision.round(4)
    table["F1"] = (2 * recall * precision / (recall + precision)).round(4)
    table.index.name = "집단"
    return table
