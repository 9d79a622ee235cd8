"""Re-identification risk over chosen quasi-identifiers.

An equivalence class is the set of records that share every quasi-identifier value.
k-anonymity is the size of the smallest class; l-diversity how varied the sensitive
attribute is inside the least varied class (distinct values, or the exponential of the
entropy); t-closeness the largest Earth Mover's Distance between a class's distribution
of the sensitive attribute and the whole table's. The definitions are pycanon's
(Sáinz-Pardo Díaz & López García 2022), computed here with grouped counts instead of a
Python loop over classes. Missing quasi-identifier values form classes of their own
(pycanon drops those records).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from workbench.ethics._findings import Finding, Location
from workbench.ethics._messages import message, names
from workbench.exceptions import ParameterError

__all__ = [
    "DEFAULT_THRESHOLDS",
    "RiskReport",
    "equivalence_class_sizes",
    "k_anonymity",
    "l_diversity",
    "risk",
    "sample_uniques",
    "t_closeness",
]

#: Thresholds used by :func:`risk` unless given: k and distinct l at least these.
DEFAULT_THRESHOLDS: dict[str, float] = {"k": 5, "l": 2}
#: How many small classes a finding carries in its details (the report holds them all).
MAX_CLASSES_IN_FINDING = 20
# Dense (classes x values) blocks for the numerical EMD are built this many cells at a time.
_BLOCK_CELLS = 4_000_000


def _as_list(columns: str | Sequence[str]) -> list[str]:
    return [columns] if isinstance(columns, str) else list(columns)


def _class_codes(df: pd.DataFrame, quasi_identifiers: str | Sequence[str]) -> np.ndarray:
    """Return, per row, the number of its equivalence class (0 .. n_classes - 1)."""
    qi = _as_list(quasi_identifiers)
    available = [str(c) for c in df.columns]
    if not qi:
        raise ParameterError(
            message("qi_none", available=names(available)),
            parameter="quasi_identifiers",
            got=quasi_identifiers,
            suggestions=available,
            kind="empty",
        )
    missing = [c for c in qi if c not in df.columns]
    if missing:
        raise ParameterError(
            message("qi_missing", missing=names(missing), available=names(available)),
            parameter="quasi_identifiers",
            expected=missing,
            suggestions=available,
            kind="missing_columns",
        )
    if df.empty:
        raise ParameterError(message("no_rows"), parameter="df", kind="empty")
    grouped = df.groupby(qi, dropna=False, observed=True, sort=False)
    return np.asarray(grouped.ngroup(), dtype=np.int64)


def _sensitive_list(df: pd.DataFrame, sensitive: str | Sequence[str]) -> list[str]:
    given = _as_list(sensitive)
    missing = [c for c in given if c not in df.columns]
    available = [str(c) for c in df.columns]
    if not given or missing:
        raise ParameterError(
            message("sensitive_missing", missing=names(missing), available=names(available))
            if missing
            else message("sensitive_none", available=names(available)),
            parameter="sensitive",
            expected=missing,
            suggestions=available,
            kind="missing_columns" if missing else "empty",
        )
    return given


def equivalence_class_sizes(
    df: pd.DataFrame, quasi_identifiers: str | Sequence[str]
) -> pd.DataFrame:
    """Return one row per equivalence class: the quasi-identifier values and ``size``.

    Sorted by size, smallest first.
    """
    qi = _as_list(quasi_identifiers)
    _class_codes(df, qi)  # validates
    sizes = df.groupby(qi, dropna=False, observed=True, sort=False).size()
    table = sizes.rename("size").reset_index()
    return table.sort_values("size", kind="stable").reset_index(drop=True)


def k_anonymity(df: pd.DataFrame, quasi_identifiers: str | Sequence[str]) -> int:
    """Return k: the size of the smallest equivalence class.

    Examples
    --------
    >>> df = pd.DataFrame({"성별": ["남", "남", "여"], "연령대": ["30대"] * 3})
    >>> k_anonymity(df, ["성별", "연령대"])
    1
    """
    return int(np.bincount(_class_codes(df, quasi_identifiers)).min())


def sample_uniques(df: pd.DataFrame, quasi_identifiers: str | Sequence[str]) -> int:
    """Return how many records are alone in their equivalence class."""
    return int((np.bincount(_class_codes(df, quasi_identifiers)) == 1).sum())


def _value_counts_per_class(
    codes: np.ndarray, values: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Return (class, value index, count) for every pair present, and the sorted values."""
    value_codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=False)
    n_values = len(uniques)
    pair = codes * n_values + value_codes
    pairs, counts = np.unique(pair, return_counts=True)
    return pairs // n_values, pairs % n_values, counts, n_values


def _l_per_attribute(codes: np.ndarray, values: pd.Series, kind: str) -> float:
    classes, _, counts, _ = _value_counts_per_class(codes, values)
    n_classes = int(codes.max()) + 1
    if kind == "distinct":
        return float(np.bincount(classes, minlength=n_classes).min())
    sizes = np.bincount(codes, minlength=n_classes)
    p = counts / sizes[classes]
    entropy = np.bincount(classes, weights=-p * np.log(p), minlength=n_classes)
    return float(np.exp(entropy.min()))


def l_diversity(
    df: pd.DataFrame,
    quasi_identifiers: str | Sequence[str],
    sensitive: str | Sequence[str],
    *,
    kind: Literal["distinct", "entropy"] = "distinct",
) -> float:
    """Return l, the diversity of the sensitive attribute in the least diverse class.

    Parameters
    ----------
    kind : {"distinct", "entropy"}
        ``distinct``: the fewest distinct sensitive values in a class. ``entropy``:
        ``exp(min over classes of -sum p log p)``, a float; pycanon reports its integer
        part.

    With several sensitive attributes, the smallest l over them (pycanon's ``gen=True``).

    Examples
    --------
    >>> df = pd.DataFrame({"qi": ["a", "a", "b", "b"], "병명": ["x", "y", "x", "x"]})
    >>> l_diversity(df, "qi", "병명")
    1.0
    """
    if kind not in ("distinct", "entropy"):
        raise ParameterError(
            message("l_kind", got=repr(kind)),
            parameter="kind",
            expected=["distinct", "entropy"],
            got=kind,
            kind="choice",
        )
    codes = _class_codes(df, quasi_identifiers)
    return min(_l_per_attribute(codes, df[s], kind) for s in _sensitive_list(df, sensitive))


def _emd_categorical(codes: np.ndarray, values: pd.Series) -> np.ndarray:
    """Equal-distance EMD per class: half the L1 distance between the distributions."""
    classes, value_idx, counts, _ = _value_counts_per_class(codes, values)
    n_classes = int(codes.max()) + 1
    overall = np.bincount(value_idx, weights=counts) / len(codes)
    q = counts / np.bincount(codes, minlength=n_classes)[classes]
    p = overall[value_idx]
    # Values absent from a class contribute their whole overall share p.
    present_gap = np.bincount(classes, weights=np.abs(q - p) - p, minlength=n_classes)
    return 0.5 * (present_gap + 1.0)


def _emd_numerical(codes: np.ndarray, values: pd.Series) -> np.ndarray:
    """Ordered-distance EMD per class: mean absolute gap between cumulative shares."""
    classes, value_idx, counts, n_values = _value_counts_per_class(codes, values)
    n_classes = int(codes.max()) + 1
    if n_values < 2:
        return np.zeros(n_classes)
    sizes = np.bincount(codes, minlength=n_classes)
    overall = np.bincount(value_idx, weights=counts, minlength=n_values).astype(float)
    overall_cdf = np.cumsum(overall) / len(codes)
    emd = np.empty(n_classes)
    step = max(1, _BLOCK_CELLS // n_values)
    for start in range(0, n_classes, step):
        stop = min(start + step, n_classes)
        rows = (classes >= start) & (classes < stop)
        block = np.zeros((stop - start, n_values))
        block[classes[rows] - start, value_idx[rows]] = counts[rows]
        cdf = np.cumsum(block, axis=1) / sizes[start:stop, None]
        emd[start:stop] = np.abs(cdf - overall_cdf).sum(axis=1) / (n_values - 1)
    return emd


def _is_numerical(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
        values.dtype
    )


def t_closeness(
    df: pd.DataFrame,
    quasi_identifiers: str | Sequence[str],
    sensitive: str | Sequence[str],
) -> float:
    """Return t: the largest EMD between a class's and the table's sensitive distribution.

    Numerical attributes use the ordered distance over their sorted distinct values,
    ``1/(m-1) * sum_i |sum_{j<=i} (q_j - p_j)|``; every other attribute the equal
    distance, ``1/2 * sum_i |q_i - p_i|``. With several sensitive attributes, the largest.

    Examples
    --------
    >>> df = pd.DataFrame({"qi": ["a", "a", "b", "b"], "병명": ["x", "x", "y", "y"]})
    >>> t_closeness(df, "qi", "병명")
    0.5
    """
    codes = _class_codes(df, quasi_identifiers)
    return _t_from_codes(codes, [df[name] for name in _sensitive_list(df, sensitive)])


def _t_from_codes(codes: np.ndarray, attributes: list[pd.Series]) -> float:
    worst = 0.0
    for values in attributes:
        measure = _emd_numerical if _is_numerical(values) else _emd_categorical
        worst = max(worst, float(measure(codes, values).max()))
    return worst


@dataclass(frozen=True)
class RiskReport:
    """Re-identification risk of one table over chosen quasi-identifiers.

    Attributes
    ----------
    quasi_identifiers, sensitive : list of str
    rows, classes : int
        Records and equivalence classes.
    k : int
    sample_uniques : int
        Records alone in their class.
    l_distinct, l_entropy, t : float or None
        None without sensitive attributes.
    thresholds : dict
        ``k``, ``l`` (distinct) and optionally ``l_entropy`` and ``t`` (a maximum).
    small_classes : pandas.DataFrame
        Classes smaller than the k threshold: quasi-identifier values and ``size``.
        It never holds sensitive values.
    """

    quasi_identifiers: list[str]
    sensitive: list[str]
    rows: int
    classes: int
    k: int
    sample_uniques: int
    l_distinct: float | None
    l_entropy: float | None
    t: float | None
    thresholds: dict[str, float]
    small_classes: pd.DataFrame = field(repr=False, compare=False)

    @property
    def location(self) -> Location:
        """Where the findings point: the quasi-identifier columns."""
        return Location("quasi_identifiers", columns=tuple(self.quasi_identifiers))

    def findings(self) -> list[Finding]:
        """Return one ``fail`` finding per measure that misses its threshold."""
        found: list[Finding] = []
        k_min = self.thresholds.get("k")
        if k_min is not None and self.k < k_min:
            examples = self.small_classes.head(MAX_CLASSES_IN_FINDING)
            found.append(
                Finding(
                    rule="risk.k_anonymity",
                    severity="fail",
                    location=self.location,
                    message=message(
                        "k_anonymity",
                        k=self.k,
                        threshold=k_min,
                        classes=len(self.small_classes),
                        records=int(self.small_classes["size"].sum()),
                        uniques=self.sample_uniques,
                    ),
                    count=len(self.small_classes),
                    details={
                        "k": self.k,
                        "threshold": k_min,
                        "sample_uniques": self.sample_uniques,
                        "small_classes": _json_records(examples),
                    },
                )
            )
        checks = [
            ("risk.l_diversity", "l", self.l_distinct, "l-다양성(서로 다른 값)", False),
            ("risk.l_diversity_entropy", "l_entropy", self.l_entropy, "엔트로피 l-다양성", False),
            ("risk.t_closeness", "t", self.t, "t-근접성", True),
        ]
        for rule, key, value, label, is_maximum in checks:
            limit = self.thresholds.get(key)
            if limit is None or value is None:
                continue
            if (value > limit) if is_maximum else (value < limit):
                sign = ">" if is_maximum else "<"
                found.append(
                    Finding(
                        rule=rule,
                        severity="fail",
                        location=self.location,
                        message=message(
                            "sensitive_risk",
                            label=label,
                            value=value,
                            sign=sign,
                            threshold=limit,
                            sensitive=", ".join(self.sensitive),
                        ),
                        count=1,
                        details={"value": value, "threshold": limit},
                    )
                )
        return found


def _json_records(classes: pd.DataFrame) -> list[dict[str, object]]:
    """Quasi-identifier values as text (dates, numbers alike), sizes as int; None if missing."""
    text = classes.drop(columns="size").astype("string").astype(object)
    text = text.where(classes.drop(columns="size").notna(), None)
    return [
        {**{str(name): value for name, value in row.items()}, "size": int(size)}
        for row, size in zip(text.to_dict("records"), classes["size"], strict=True)
    ]


def risk(
    df: pd.DataFrame,
    quasi_identifiers: str | Sequence[str],
    sensitive: str | Sequence[str] | None = None,
    *,
    k: int = int(DEFAULT_THRESHOLDS["k"]),
    l: float = DEFAULT_THRESHOLDS["l"],  # noqa: E741 - the measure's name
    l_entropy: float | None = None,
    t: float | None = None,
) -> RiskReport:
    """Measure the re-identification risk of ``df`` and list its small classes.

    Parameters
    ----------
    df : pandas.DataFrame
    quasi_identifiers : str or sequence of str
        Columns an attacker could know from elsewhere (age, sex, region, dates).
    sensitive : str or sequence of str, optional
        Attributes to protect; l and t are measured only when given.
    k, l : number
        Minimum k and distinct l; ``l_entropy`` (minimum) and ``t`` (maximum) are
        checked only when given. The project's thresholds come from ``ethics.yml``.

    Examples
    --------
    >>> df = pd.DataFrame({"성별": ["남", "남", "여"], "병명": ["a", "b", "a"]})
    >>> report = risk(df, ["성별"], "병명", k=2)
    >>> report.k, report.sample_uniques, [f.rule for f in report.findings()]
    (1, 1, ['risk.k_anonymity', 'risk.l_diversity'])
    """
    qi = _as_list(quasi_identifiers)
    codes = _class_codes(df, qi)
    sizes = np.bincount(codes)
    thresholds: dict[str, float] = {"k": k, "l": l}
    if l_entropy is not None:
        thresholds["l_entropy"] = l_entropy
    if t is not None:
        thresholds["t"] = t
    names = _sensitive_list(df, sensitive) if sensitive is not None else []
    attributes = [df[name] for name in names]
    measured: dict[str, float | None] = {"l_distinct": None, "l_entropy": None, "t": None}
    if attributes:
        for kind in ("distinct", "entropy"):
            measured[f"l_{kind}"] = min(_l_per_attribute(codes, a, kind) for a in attributes)
        measured["t"] = _t_from_codes(codes, attributes)
    classes = equivalence_class_sizes(df, qi)
    return RiskReport(
        quasi_identifiers=qi,
        sensitive=names,
        rows=len(df),
        classes=len(sizes),
        k=int(sizes.min()),
        sample_uniques=int((sizes == 1).sum()),
        **measured,
        thresholds=thresholds,
        small_classes=classes[classes["size"] < k].reset_index(drop=True),
    )
