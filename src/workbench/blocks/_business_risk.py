"""Small-business closure risk: snapshot features, a time-split model, risk tiers.

The flow: :func:`closure_features` turns a store-by-month panel into one row per store
and snapshot month, with features from the months up to the snapshot and the label
"closes within the next ``horizon`` months"; :func:`time_split` trains on earlier
snapshots and tests on later ones (never a random split, whose test rows would share
months with the training rows); :class:`ClosureRiskModel` learns; :func:`closure_importance`
ranks features by permutation importance; :func:`risk_tiers` summarises the scores per
업종 and 행정동 with no cell under the disclosure threshold.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from workbench.blocks._checks import check_choice, check_number, check_table
from workbench.blocks._messages import message, parameter_error
from workbench.blocks._schema import InputSchema

__all__ = [
    "FEATURES",
    "ClosureRiskModel",
    "closure_features",
    "closure_importance",
    "evaluate_closure",
    "panel_schema",
    "risk_tiers",
    "time_split",
]

#: Feature columns made by :func:`closure_features`, in order.
FEATURES = ("매출추세", "최근매출", "매출변동성", "유동인구", "유동인구추세", "업력")
LABEL = "폐업예정"
_PANEL_COLUMNS = ("점포ID", "업종", "행정동", "개업일", "폐업일", "기준월", "카드매출", "유동인구")
_METHODS = ("logistic", "boosting")
TIERS = ("낮음", "보통", "높음")
OTHER = "기타"  # the label of pooled small groups


def _months(text: pd.Series) -> np.ndarray:
    """Month number (years * 12 + month - 1) of ``YYYY-MM`` or ``YYYY-MM-DD`` strings."""
    dates = pd.to_datetime(text.astype(str).str[:7], format="%Y-%m", errors="coerce")
    return np.asarray(dates.dt.year * 12 + dates.dt.month - 1, dtype=float)


def _month_text(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def _slope(values: np.ndarray) -> np.ndarray:
    """Least-squares slope of each row against 0, 1, 2, ... (NaN if any value is NaN)."""
    x = np.arange(values.shape[1], dtype=float)
    x -= x.mean()
    return (values * x).sum(axis=1) / (x**2).sum()


def panel_schema() -> Any:
    """Return the pandera schema of the store-by-month panel :func:`closure_features` reads.

    Returns
    -------
    pandera.pandas.DataFrameSchema
        Required columns and their checks; other columns are allowed. Numbers are
        coerced, so a CSV read as text still validates.

    Examples
    --------
    >>> from workbench.samples._store_sales import store_sales
    >>> panel_schema().validate(store_sales(n_stores=5, months=6)).shape[1]
    9
    """
    import pandera.pandas as pa

    text: dict[str, Any] = {"dtype": str, "coerce": True}
    return InputSchema(
        {
            "점포ID": pa.Column(**text),
            "업종": pa.Column(**text),
            "행정동": pa.Column(**text),
            "개업일": pa.Column(**text, checks=pa.Check.str_matches(r"^\d{4}-\d{2}")),
            "폐업일": pa.Column(nullable=True),
            "기준월": pa.Column(**text, checks=pa.Check.str_matches(r"^\d{4}-\d{2}")),
            "카드매출": pa.Column(float, pa.Check.ge(0), coerce=True),
            "유동인구": pa.Column(float, pa.Check.gt(0), coerce=True),
        },
        strict=False,
        name="점포별 월 카드매출 자료(panel_schema)",
    )


def closure_features(
    panel: pd.DataFrame, *, horizon: int = 6, window: int = 6, every: int = 3
) -> pd.DataFrame:
    """Build one row per open store and snapshot month: features and closure label.

    Parameters
    ----------
    panel : pandas.DataFrame
        One row per store and month open, with columns ``점포ID``, ``업종``, ``행정동``,
        ``개업일``, ``폐업일`` (empty while open), ``기준월`` (``YYYY-MM``), ``카드매출``
        (만원) and ``유동인구`` (the 행정동's floating population, any unit).
    horizon : int, default 6
        Months after the snapshot in which a closure counts (label ``폐업예정`` = 1).
    window : int, default 6
        Months of history, up to and including the snapshot, behind the trend features.
        A store needs card sales in each of them to get a row.
    every : int, default 3
        Months between snapshots, counted back from the last month of the panel.

    Returns
    -------
    pandas.DataFrame
        Columns ``점포ID``, ``업종``, ``행정동``, ``기준월`` (the snapshot), the
        :data:`FEATURES` -- 매출추세 (log change of sales a month, %), 최근매출 (mean of
        the last 3 months, 만원), 매출변동성 (sd of log sales around the trend),
        유동인구 (mean of the last 3 months), 유동인구추세 (%/month), 업력 (months
        since opening) -- and ``폐업예정`` (1.0, 0.0, or NaN when the ``horizon``
        months after the snapshot lie beyond the panel).

    Raises
    ------
    ParameterError
        If a column is missing or a parameter is out of range.

    Examples
    --------
    >>> from workbench.samples._store_sales import store_sales
    >>> rows = closure_features(store_sales(n_stores=30, months=24, seed=0))
    >>> list(rows.columns[:4])
    ['점포ID', '업종', '행정동', '기준월']
    >>> sorted(rows["폐업예정"].dropna().unique().tolist())
    [0.0, 1.0]
    """
    horizon = check_number("closure_features", "horizon", horizon, int, 1)
    window = check_number("closure_features", "window", window, int, 3)
    every = check_number("closure_features", "every", every, int, 1)
    check_table("closure_features", "panel", panel, _PANEL_COLUMNS)
    month = _months(panel["기준월"])
    if np.isnan(month).any():
        row = int(np.isnan(month).argmax())
        raise parameter_error(
            "month_value",
            "panel",
            function="closure_features",
            kind="month",
            got=panel["기준월"].iloc[row],
            column="기준월",
            row=row + 1,
            value=panel["기준월"].iloc[row],
        )
    frame = panel.assign(_m=month.astype(int))
    sales = frame.pivot_table(index="점포ID", columns="_m", values="카드매출", aggfunc="sum")
    pop = frame.pivot_table(index="점포ID", columns="_m", values="유동인구", aggfunc="mean")
    first, last = int(month.min()), int(month.max())
    full = range(first, last + 1)
    sales = sales.reindex(columns=full)
    pop = pop.reindex(index=sales.index, columns=full)
    stores = frame.groupby("점포ID").first().reindex(sales.index)
    opened = _months(stores["개업일"])
    closed = _months(stores["폐업일"].fillna("").astype(str))

    blocks = [
        _snapshot(snapshot, window, horizon, last, sales, pop, stores, opened, closed)
        for snapshot in range(last, first + window - 2, -every)
    ]
    blocks = [block for block in blocks if len(block)]
    if not blocks:
        raise parameter_error(
            "no_window",
            "window",
            function="closure_features",
            got=window,
            kind="no_rows",
            window=window,
        )
    return pd.concat(blocks[::-1], ignore_index=True)


def _snapshot(
    snapshot: int,
    window: int,
    horizon: int,
    last: int,
    sales: pd.DataFrame,
    pop: pd.DataFrame,
    stores: pd.DataFrame,
    opened: np.ndarray,
    closed: np.ndarray,
) -> pd.DataFrame:
    """Features and label of the stores open through the ``window`` up to ``snapshot``."""
    cols = list(range(snapshot - window + 1, snapshot + 1))
    # A month with no card sales at all counts as 1 (만원), so the log stays finite.
    log_sales = np.log(sales[cols].clip(lower=1.0).to_numpy())
    log_pop = np.log(pop[cols].to_numpy())
    # Open in every month of the window, and not closing in the snapshot month itself.
    keep = ~np.isnan(log_sales).any(axis=1) & ~np.isnan(log_pop).any(axis=1)
    keep &= ~(closed <= snapshot)
    log_sales, log_pop, close = log_sales[keep], log_pop[keep], closed[keep]
    trend = _slope(log_sales)
    x = np.arange(window) - (window - 1) / 2
    residual = log_sales - log_sales.mean(axis=1, keepdims=True) - trend[:, None] * x
    label = ((close > snapshot) & (close <= snapshot + horizon)).astype(float)
    if snapshot + horizon > last:
        label[:] = np.nan  # the horizon reaches beyond the panel: outcome unknown
    store_ids = sales.index[keep]
    return pd.DataFrame(
        {
            "점포ID": store_ids,
            "업종": stores.loc[store_ids, "업종"].to_numpy(),
            "행정동": stores.loc[store_ids, "행정동"].to_numpy(),
            "기준월": _month_text(snapshot),
            "매출추세": 100 * trend,
            "최근매출": np.exp(log_sales[:, -3:]).mean(axis=1),
            "매출변동성": residual.std(axis=1),
            "유동인구": np.exp(log_pop[:, -3:]).mean(axis=1),
            "유동인구추세": 100 * _slope(log_pop),
            "업력": snapshot - opened[keep],
            LABEL: label,
        }
    )


def time_split(
    rows: pd.DataFrame, test_from: str, *, horizon: int = 6
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split labelled snapshots in time: train on earlier months, test on later ones.

    Training snapshots end ``horizon`` months before ``test_from``, so no training label
    looks into the test period.

    Parameters
    ----------
    rows : pandas.DataFrame
        Output of :func:`closure_features`.
    test_from : str
        First snapshot month of the test period, ``YYYY-MM``.
    horizon : int, default 6
        The ``horizon`` used in :func:`closure_features`.

    Returns
    -------
    train, test : pandas.DataFrame
        Labelled rows (``폐업예정`` not NaN) with 기준월 ``<= test_from - horizon`` and
        ``>= test_from`` respectively.

    Raises
    ------
    ParameterError
        If ``test_from`` is not a month or either part would have no rows or one class.

    Examples
    --------
    >>> from workbench.samples._store_sales import store_sales
    >>> rows = closure_features(store_sales(n_stores=300, months=36, seed=0))
    >>> train, test = time_split(rows, "2022-10")
    >>> train["기준월"].max(), test["기준월"].min()
    ('2022-03', '2022-12')
    """
    horizon = check_number("time_split", "horizon", horizon, int, 1)
    start = _months(pd.Series([test_from]))[0]
    if np.isnan(start):
        raise parameter_error(
            "month_parameter",
            "test_from",
            function="time_split",
            name="test_from",
            expected="YYYY-MM",
            got=test_from,
            kind="month",
        )
    labelled = rows[rows[LABEL].notna()]
    month = _months(labelled["기준월"])
    train = labelled[month <= start - horizon]
    test = labelled[month >= start]
    for part, name in ((train, message("part_train")), (test, message("part_test"))):
        if part[LABEL].nunique() < 2:
            raise parameter_error(
                "split_one_outcome",
                "test_from",
                function="time_split",
                got=test_from,
                kind="one_outcome",
                test_from=test_from,
                part=name,
                rows=len(part),
            )
    return train.reset_index(drop=True), test.reset_index(drop=True)


class ClosureRiskModel(ClassifierMixin, BaseEstimator):
    """Probability that a store closes within the horizon, from its snapshot features.

    Parameters
    ----------
    method : {"logistic", "boosting"}, default "logistic"
        Standardised logistic regression, or histogram gradient boosting.
    random_state : int, default 0
        Seed for the boosting model (the logistic model is deterministic).

    Attributes
    ----------
    estimator_ : sklearn.pipeline.Pipeline
        The fitted model.
    classes_ : numpy.ndarray
        ``[0, 1]``.
    feature_names_in_ : numpy.ndarray
        The feature columns seen in :meth:`fit`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"매출추세": rng.normal(size=400), "업력": rng.normal(size=400)})
    >>> y = (rng.random(400) < 1 / (1 + np.exp(2 * X["매출추세"]))).astype(int)
    >>> model = ClosureRiskModel().fit(X, y)
    >>> model.predict_proba(X).shape
    (400, 2)
    >>> bool(model.estimator_[-1].coef_[0, 0] < 0)
    True
    """

    def __init__(self, method: str = "logistic", random_state: int = 0) -> None:
        self.method = method
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: Any) -> ClosureRiskModel:  # noqa: N803
        """Fit the model on features ``X`` and 0/1 labels ``y``; return ``self``."""
        check_choice("ClosureRiskModel", "method", self.method, _METHODS)
        self.estimator_: Pipeline
        if self.method == "logistic":
            self.estimator_ = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        else:
            self.estimator_ = make_pipeline(
                HistGradientBoostingClassifier(
                    learning_rate=0.05,
                    max_iter=100,
                    max_leaf_nodes=8,
                    min_samples_leaf=40,
                    random_state=self.random_state,
                )
            )
        self.estimator_.fit(X, np.asarray(y).astype(int))
        self.classes_ = self.estimator_.classes_
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:  # noqa: N803
        """Return ``[P(open), P(closes)]`` per row."""
        return np.asarray(self.estimator_.predict_proba(X[list(self.feature_names_in_)]))

    def predict(self, X: pd.DataFrame) -> np.ndarray:  # noqa: N803
        """Return 1 where the closure probability is at least 0.5, else 0."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


def closure_importance(
    model: ClosureRiskModel,
    X: pd.DataFrame,  # noqa: N803
    y: Any,
    *,
    n_repeats: int = 10,
    random_state: int = 0,
) -> pd.DataFrame:
    """Permutation importance: how much the AUC falls when a feature is shuffled.

    Parameters
    ----------
    model : ClosureRiskModel
        A fitted model.
    X, y : pandas.DataFrame, array-like
        Held-out features and labels (the test period).
    n_repeats : int, default 10
        Shuffles per feature.
    random_state : int, default 0
        Seed of the shuffles.

    Returns
    -------
    pandas.DataFrame
        Columns ``변수``, ``중요도`` (mean fall in AUC), ``표준편차``, ``순위``; most
        important first.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"매출추세": rng.normal(size=400), "업력": rng.normal(size=400)})
    >>> y = (rng.random(400) < 1 / (1 + np.exp(2 * X["매출추세"]))).astype(int)
    >>> closure_importance(ClosureRiskModel().fit(X, y), X, y)["변수"].iloc[0]
    '매출추세'
    """
    n_repeats = check_number("closure_importance", "n_repeats", n_repeats, int, 1)
    result = permutation_importance(
        model, X, np.asarray(y).astype(int), scoring="roc_auc",
        n_repeats=n_repeats, random_state=random_state,
    )  # fmt: skip
    table = pd.DataFrame(
        {
            "변수": list(X.columns),
            "중요도": result.importances_mean.round(4) + 0.0,
            "표준편차": result.importances_std.round(4) + 0.0,
        }
    ).sort_values("중요도", ascending=False, kind="stable")
    table["순위"] = range(1, len(table) + 1)
    return table.reset_index(drop=True)


def evaluate_closure(y: Any, probability: Any, *, base_rate: float) -> pd.DataFrame:
    """Compare the model with a base-rate classifier on held-out labels.

    The base-rate classifier gives every store the training closure rate: its AUC is
    0.5 and its Brier score is the baseline the model must beat.

    Parameters
    ----------
    y : array-like
        0/1 labels of the test period.
    probability : array-like
        The model's closure probabilities for the same rows.
    base_rate : float
        The closure rate in the training period.

    Returns
    -------
    pandas.DataFrame
        Rows ``모형`` and ``기준(평균 폐업률)``; columns ``AUC``, ``Brier 점수``,
        ``평균 예측 폐업률``, ``실제 폐업률``.

    Examples
    --------
    >>> evaluate_closure([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], base_rate=0.5)["AUC"].tolist()
    [1.0, 0.5]
    """
    y = np.asarray(y).astype(int)
    probability = np.asarray(probability, dtype=float)
    constant = np.full(len(y), float(base_rate))
    rows = {}
    for name, p in (("모형", probability), ("기준(평균 폐업률)", constant)):
        rows[name] = {
            "AUC": roc_auc_score(y, p),
            "Brier 점수": brier_score_loss(y, p),
            "평균 예측 폐업률": p.mean(),
            "실제 폐업률": y.mean(),
        }
    table = pd.DataFrame.from_dict(rows, orient="index").round(4) + 0.0
    table.index.name = "구분"
    return table


def _pool_small(frame: pd.DataFrame, by: list[str], min_count: int) -> pd.Series:
    """Return the last ``by`` column with groups under ``min_count`` pooled as ``기타``."""
    labels = frame[by[-1]].astype(str)
    keys = by[0] if len(by) == 2 else by[:-1]  # a scalar key keeps pandas' group keys plain
    outer = frame.groupby(keys).groups.values() if len(by) > 1 else [frame.index]
    for index in outer:
        values = labels.loc[index]
        sizes = values.value_counts()
        values = values.where(~values.isin(sizes.index[sizes < min_count]), OTHER)
        sizes = values.value_counts()
        while OTHER in sizes and sizes[OTHER] < min_count and len(sizes) > 1:
            smallest = sizes.drop(OTHER).sort_index().idxmin()  # ties: the first by name
            values = values.mask(values == smallest, OTHER)
            sizes = values.value_counts()
        labels.loc[index] = values
    return labels


def risk_tiers(
    scored: pd.DataFrame,
    by: list[str],
    *,
    risk: str = "위험도",
    min_count: int = 10,
    high: float = 1.25,
    low: float = 0.8,
) -> pd.DataFrame:
    """Risk tier per group of stores, with every published cell at ``min_count`` or more.

    A group's tier compares its mean risk with the mean over all stores: 높음 at
    ``high`` times or more, 낮음 at ``low`` times or less, 보통 between. Groups with
    fewer than ``min_count`` stores are pooled as ``기타`` in the last ``by`` column
    (within the other columns); while that ``기타`` is still too small, the smallest
    other group joins it, so the published cells of an outer group (an 업종, say) add
    up to its total and no small cell can be found by subtraction inside it. An outer
    group smaller than ``min_count`` as a whole is left out.

    Parameters
    ----------
    scored : pandas.DataFrame
        One row per store with the ``by`` columns and a ``risk`` column.
    by : list of str
        Grouping columns, e.g. ``["업종"]`` or ``["업종", "행정동"]``.
    risk : str, default "위험도"
        The column of closure probabilities.
    min_count : int, default 10
        Smallest number of stores in a published group.
    high, low : float, default 1.25 and 0.8
        Relative-risk bounds of the 높음 and 낮음 tiers.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``점포 수``, ``평균 위험도``, ``상대위험도``, ``위험등급``;
        highest relative risk first. Publish with ``counts="점포 수"``.

    Examples
    --------
    >>> import pandas as pd
    >>> scored = pd.DataFrame({"업종": ["카페"] * 12 + ["학원"] * 12 + ["꽃집"] * 3,
    ...                        "위험도": [0.3] * 12 + [0.1] * 12 + [0.2] * 3})
    >>> risk_tiers(scored, ["업종"])[["업종", "점포 수", "위험등급"]].values.tolist()
    [['기타', 15, '높음'], ['학원', 12, '낮음']]

    The 3 꽃집 alone would be too few, and leaving them out would let anyone subtract
    them from the total, so 카페 (the first of the two smallest groups) joins them.
    """
    min_count = check_number("risk_tiers", "min_count", min_count, int, 1)
    if not by:
        raise parameter_error(
            "not_empty_list",
            "by",
            function="risk_tiers",
            name="by",
            what="열 이름",
            got=by,
            kind="empty",
        )
    check_table("risk_tiers", "scored", scored, [*by, risk])
    frame = scored[[*by, risk]].copy()
    frame[by[-1]] = _pool_small(frame, by, min_count)
    table = frame.groupby(by).agg(**{"점포 수": (risk, "size"), "평균 위험도": (risk, "mean")})
    table = table[table["점포 수"] >= min_count].reset_index()
    overall = frame[risk].mean()
    table["상대위험도"] = table["평균 위험도"] / overall if overall > 0 else 1.0
    table["위험등급"] = np.select(
        [table["상대위험도"] >= high, table["상대위험도"] <= low], [TIERS[2], TIERS[0]], TIERS[1]
    )
    table[["평균 위험도", "상대위험도"]] = table[["평균 위험도", "상대위험도"]].round(4) + 0.0
    table["점포 수"] = table["점포 수"].astype(int)
    return table.sort_values("상대위험도", ascending=False, kind="stable").reset_index(drop=True)
