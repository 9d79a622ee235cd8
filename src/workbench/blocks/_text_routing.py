"""Routing complaints to the department that handles them: TF-IDF and a linear model.

Probabilities are calibrated (sigmoid, by cross-validation), so that "how sure" means
the same for every department; the least sure complaints go to a person for review.
Quality is measured on a time-based split: train on the earlier months, test on later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from workbench.blocks._checks import check_number, check_table
from workbench.blocks._messages import length_error, parameter_error
from workbench.blocks._text_topics import tfidf

__all__ = ["ComplaintRouter", "RoutingReport", "least_sure", "routing_report", "split_by_date"]


class ComplaintRouter(ClassifierMixin, BaseEstimator):
    """Predict the department (or category) of a complaint from its words.

    A TF-IDF of words and word pairs feeds a linear support-vector machine, whose
    scores are turned into probabilities by sigmoid calibration with ``cv``-fold
    cross-validation (:class:`sklearn.calibration.CalibratedClassifierCV`).

    Parameters
    ----------
    C : float, default 1.0
        Inverse regularisation strength of the linear model.
    cv : int, default 3
        Folds of the calibration; each department needs at least ``cv`` complaints.
    max_features : int, default 20000
        Largest vocabulary.
    min_df : int, default 2
        Fewest complaints a term must appear in.
    seed : int, default 0
        Random state of the linear model's solver.

    Attributes
    ----------
    classes_ : numpy.ndarray
        The departments, sorted.
    vectorizer_, model_
        The fitted TF-IDF and calibrated classifier.

    Examples
    --------
    >>> docs = ["도로 포트홀", "포트홀 파손", "도로 차선", "소음 공사장", "공사장 새벽", "악취"] * 3
    >>> labels = ["도로과"] * 3 + ["환경과"] * 3
    >>> router = ComplaintRouter(min_df=1).fit(docs, labels * 3)
    >>> router.predict(["포트홀 도로", "새벽 소음"]).tolist()
    ['도로과', '환경과']
    >>> bool(router.predict_proba(["포트홀 도로"])[0, 0] > 0.5)
    True
    """

    def __init__(
        self,
        C: float = 1.0,  # noqa: N803 - scikit-learn's name
        cv: int = 3,
        max_features: int = 20000,
        min_df: int = 2,
        seed: int = 0,
    ) -> None:
        self.C = C
        self.cv = cv
        self.max_features = max_features
        self.min_df = min_df
        self.seed = seed

    def fit(self, documents: Sequence[str], y: Sequence[str]) -> ComplaintRouter:
        """Learn the vocabulary, the linear model and its calibration.

        Parameters
        ----------
        documents : sequence of str
            Token documents (:func:`token_documents`).
        y : sequence of str
            The department (or category) of each complaint.

        Returns
        -------
        ComplaintRouter
            The fitted estimator.
        """
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.model_selection import StratifiedKFold
        from sklearn.svm import LinearSVC

        check_number("ComplaintRouter", "C", self.C, float, 0, low_open=True)
        cv = check_number("ComplaintRouter", "cv", self.cv, int, 2)
        check_number("ComplaintRouter", "seed", self.seed, int, 0)
        labels = np.asarray([str(v) for v in y], dtype=object)
        if len(labels) != len(documents):
            raise length_error(
                "ComplaintRouter.fit",
                "y",
                "documents_labels",
                expected=len(documents),
                got=len(labels),
                documents=len(documents),
                labels=len(labels),
            )
        values, counts = np.unique(labels, return_counts=True)
        if len(values) < 2 or counts.min() < cv:
            found = dict(zip(values.tolist(), counts.tolist(), strict=True))
            raise parameter_error(
                "few_departments",
                "y",
                function="ComplaintRouter.fit",
                got=found,
                kind="too_few",
                cv=cv,
                counts=", ".join(f"{name} {count}건" for name, count in found.items()),
            )
        self.vectorizer_ = tfidf(self.max_features, self.min_df, ngrams=2)
        matrix = self.vectorizer_.fit_transform([str(d) for d in documents])
        folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=self.seed)
        self.model_ = CalibratedClassifierCV(
            LinearSVC(C=self.C, random_state=self.seed), method="sigmoid", cv=folds
        ).fit(matrix, labels)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, documents: Sequence[str]) -> np.ndarray:
        """Return calibrated probabilities, one column per department in ``classes_``."""
        matrix = self.vectorizer_.transform([str(d) for d in documents])
        return np.asarray(self.model_.predict_proba(matrix))

    def predict(self, documents: Sequence[str]) -> np.ndarray:
        """Return the most likely department of each complaint."""
        return np.asarray(self.classes_[self.predict_proba(documents).argmax(axis=1)])


def split_by_date(
    frame: pd.DataFrame, test_from: str, *, date: str = "접수일"
) -> tuple[np.ndarray, np.ndarray]:
    """Return boolean masks of the rows before ``test_from`` (train) and from it (test).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"접수일": ["2024-09-30", "2024-10-01", "2024-12-31"]})
    >>> [m.tolist() for m in split_by_date(frame, "2024-10-01")]
    [[True, False, False], [False, True, True]]
    """
    check_table("split_by_date", "frame", frame, [date])
    try:
        cut = pd.Timestamp(test_from)
        valid = not pd.isna(cut)
    except ValueError:
        valid = False
    if not valid:
        raise parameter_error(
            "date_parameter",
            "test_from",
            function="split_by_date",
            name="test_from",
            expected="YYYY-MM-DD",
            got=test_from,
            kind="date",
        )
    dates = pd.to_datetime(frame[date])
    test = (dates >= cut).to_numpy()
    if test.all() or not test.any():
        raise parameter_error(
            "one_side",
            "test_from",
            function="split_by_date",
            expected=(f"{dates.min():%Y-%m-%d}", f"{dates.max():%Y-%m-%d}"),
            got=test_from,
            kind="range",
            test_from=test_from,
            first=f"{dates.min():%Y-%m-%d}",
            last=f"{dates.max():%Y-%m-%d}",
        )
    return ~test, test


@dataclass(frozen=True)
class RoutingReport:
    """Quality of routing on a test set.

    Attributes
    ----------
    macro_f1 : float
        The F1 score averaged over departments, each counting the same.
    accuracy : float
        Share routed to the right department.
    per_class : pandas.DataFrame
        ``부서``, ``정밀도``, ``재현율``, ``F1``, ``민원 수`` (in the test set).
    confusion : pandas.DataFrame
        Counts: rows the actual department (``실제 부서``), columns the predicted one.
    """

    macro_f1: float
    accuracy: float
    per_class: pd.DataFrame
    confusion: pd.DataFrame


def routing_report(y_true: Sequence[str], y_pred: Sequence[str]) -> RoutingReport:
    """Measure routing: macro-F1, accuracy, per-department scores and the confusion table.

    Examples
    --------
    >>> report = routing_report(["도로과", "도로과", "환경과"], ["도로과", "환경과", "환경과"])
    >>> round(report.macro_f1, 3), report.confusion.loc["도로과", "환경과"]
    (0.667, np.int64(1))
    """
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    truth = np.asarray([str(v) for v in y_true], dtype=object)
    guess = np.asarray([str(v) for v in y_pred], dtype=object)
    labels = sorted(set(truth) | set(guess))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, guess, labels=labels, zero_division=0
    )
    per_class = pd.DataFrame(
        {
            "부서": labels,
            "정밀도": np.round(precision, 3),
            "재현율": np.round(recall, 3),
            "F1": np.round(f1, 3),
            "민원 수": support,
        }
    )
    confusion = pd.crosstab(
        pd.Categorical(truth, categories=labels),
        pd.Categorical(guess, categories=labels),
        rownames=["실제 부서"],
        colnames=["예측 부서"],
        dropna=False,
    )
    return RoutingReport(
        macro_f1=float(f1_score(truth, guess, labels=labels, average="macro", zero_division=0)),
        accuracy=float(accuracy_score(truth, guess)),
        per_class=per_class,
        confusion=confusion,
    )


def least_sure(router: ComplaintRouter, documents: Sequence[str], *, n: int = 20) -> pd.DataFrame:
    """Return the ``n`` complaints whose routing the model is least sure of.

    Sureness is the margin between the two most likely departments; the smallest
    margins come first. This is a person-level list: publish it only as internal.

    Returns
    -------
    pandas.DataFrame
        ``행`` (the row position in ``documents``), ``예측 부서``, ``확률``,
        ``다음 후보``, ``다음 확률``, ``차이``.

    Examples
    --------
    >>> docs = ["도로 포트홀", "포트홀 파손", "도로 차선", "소음 공사장", "공사장 새벽", "악취"] * 3
    >>> router = ComplaintRouter(min_df=1).fit(docs, (["도로과"] * 3 + ["환경과"] * 3) * 3)
    >>> least_sure(router, ["포트홀 소음", "도로 포트홀"], n=1)["행"].tolist()
    [0]
    """
    n = check_number("least_sure", "n", n, int, 1)
    proba = router.predict_proba(documents)
    order = np.argsort(-proba, axis=1, kind="stable")
    rows = np.arange(len(proba))
    first, second = proba[rows, order[:, 0]], proba[rows, order[:, 1]]
    margin = first - second
    pick = np.argsort(margin, kind="stable")[:n]
    return pd.DataFrame(
        {
            "행": pick,
            "예측 부서": router.classes_[order[pick, 0]],
            "확률": np.round(first[pick], 3),
            "다음 후보": router.classes_[order[pick, 1]],
            "다음 확률": np.round(second[pick], 3),
            "차이": np.round(margin[pick], 3),
        }
    )
