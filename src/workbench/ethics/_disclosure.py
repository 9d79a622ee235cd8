"""Output disclosure control: ACRO's rules for tables and regressions.

The rules and their defaults follow ACRO (``acro/default.yaml``, ``acro_tables.py``):

- ``disclosure.threshold`` (fail): a cell with fewer than ``safe_threshold`` (10)
  contributors; contributors are rows for a frequency table, non-missing values for a
  magnitude table.
- ``disclosure.zero``: a cell with no contributors, or a magnitude cell whose total is 0;
  ``fail`` when ``zeros_are_disclosive`` (the default), else ``review``.
- ``disclosure.nk`` (fail): the ``safe_nk_n`` (2) largest contributions make up
  ``safe_nk_k`` (0.90) or more of the cell total (ACRO tests ``> k``; the ethics issue
  says "or more", which is what this module does).
- ``disclosure.p_percent`` (fail): ``(total - top1 - top2) / top1 < safe_pratio_p``
  (0.10); as in ACRO, a cell whose total is not positive or that has one contributor
  fails this rule when zeros are disclosive.
- ``disclosure.negative`` / ``disclosure.missing`` (review): dominance cannot be judged
  in a cell with a negative or a missing contribution; NK and p% are not assessed there
  (ACRO switches off the whole table; this module marks the cells).
- ``disclosure.dof`` (fail): a regression with fewer than ``safe_dof_threshold`` (10)
  residual degrees of freedom.
- ``disclosure.all_missing`` (review): a magnitude cell whose contributors are all
  missing. pandas shows such a sum as 0; this module shows it as missing (NaN) and says
  so, instead of flagging a zero that the data never held.

Empty cells are flagged by ``threshold`` and ``zero`` only (ACRO also marks them for NK
and p%, because its masks fill empty cells with "fail").
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from workbench._korean import validation_problem
from workbench.ethics._digest import value_digest
from workbench.ethics._findings import FINDINGS_MIME, Finding, Location, Severity
from workbench.ethics._messages import message, names
from workbench.exceptions import ParameterError

__all__ = [
    "DisclosureResult",
    "DisclosureRules",
    "RegressionResult",
    "check_cell",
    "check_table",
    "crosstab",
    "logit",
    "ols",
    "pivot_table",
]

#: Aggregations whose cells add up, so margins are sums and secondary suppression applies.
ADDITIVE_AGGFUNCS = frozenset({"sum", "count", "size", "len"})


class DisclosureRules(BaseModel):
    """Thresholds of the disclosure rules (ACRO's names and defaults).

    Build it from the project's ethics record with :meth:`from_mapping`; the short names
    ``threshold``, ``dof_threshold``, ``nk_n``, ``nk_k``, ``p_ratio`` and ``zeros_fail``
    are accepted as well.

    Examples
    --------
    >>> DisclosureRules.from_mapping({"safe_threshold": 5, "nk_k": 0.8}).safe_nk_k
    0.8
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    safe_threshold: int = Field(
        10, ge=1, validation_alias=AliasChoices("safe_threshold", "threshold")
    )
    safe_dof_threshold: int = Field(
        10, ge=0, validation_alias=AliasChoices("safe_dof_threshold", "dof_threshold")
    )
    safe_nk_n: int = Field(2, ge=1, validation_alias=AliasChoices("safe_nk_n", "nk_n"))
    safe_nk_k: float = Field(0.9, gt=0, le=1, validation_alias=AliasChoices("safe_nk_k", "nk_k"))
    safe_pratio_p: float = Field(
        0.1, ge=0, validation_alias=AliasChoices("safe_pratio_p", "p_ratio", "pratio_p")
    )
    zeros_are_disclosive: bool = Field(
        True, validation_alias=AliasChoices("zeros_are_disclosive", "zeros_fail")
    )
    check_missing_values: bool = True

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> DisclosureRules:
        """Validate a mapping (e.g. ``ethics.yml`` thresholds); errors name the field."""
        try:
            return cls.model_validate(dict(data or {}))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "thresholds"
            raise ParameterError(
                message(
                    "bad_threshold",
                    field=where,
                    got=repr(first.get("input")),
                    problem=validation_problem(first),
                ),
                parameter=where,
                got=first.get("input"),
                kind="threshold",
            ) from exc


def _rules(rules: DisclosureRules | Mapping[str, Any] | None) -> DisclosureRules:
    if isinstance(rules, DisclosureRules):
        return rules
    return DisclosureRules.from_mapping(rules)


# --------------------------------------------------------------------------- cell rules
def _flag(rule: str, severity: Severity, **details: Any) -> tuple[str, Severity, dict[str, Any]]:
    return rule, severity, details


def dominance_flags(
    values: np.ndarray, rules: DisclosureRules
) -> list[tuple[str, Severity, dict[str, Any]]]:
    """NK and p% on a cell's non-negative, non-missing contributions (ACRO's definitions)."""
    ordered = np.sort(values)[::-1]
    total = float(ordered.sum())
    flags = []
    if total > 0:
        ratio = float(ordered[: rules.safe_nk_n].sum()) / total
        if ratio >= rules.safe_nk_k - 1e-12:
            flags.append(_flag("nk", "fail", n=rules.safe_nk_n, ratio=ratio, k=rules.safe_nk_k))
    if total <= 0 or ordered.size <= 1:
        if rules.zeros_are_disclosive:
            flags.append(_flag("p_percent", "fail", p=0.0, pmin=rules.safe_pratio_p))
    else:
        p_value = (total - ordered[0] - ordered[1]) / ordered[0]
        if p_value < rules.safe_pratio_p:
            flags.append(_flag("p_percent", "fail", p=float(p_value), pmin=rules.safe_pratio_p))
    return flags


def check_cell(
    count: int, contributions: np.ndarray | None, rules: DisclosureRules
) -> list[tuple[str, Severity, dict[str, Any]]]:
    """Apply every cell rule; return ``(rule, severity, details)`` per failed rule.

    Parameters
    ----------
    count : int
        Contributors to the cell (rows, or non-missing values).
    contributions : numpy.ndarray, optional
        The cell's individual values (float, NaN for missing); ``None`` for a frequency
        cell, which is checked for threshold and zero only.
    rules : DisclosureRules
        The thresholds.

    Examples
    --------
    >>> [f[0] for f in check_cell(3, None, DisclosureRules())]
    ['threshold']
    """
    if contributions is not None and contributions.size and np.isnan(contributions).all():
        # Nothing is known about the cell's value: it is missing, not 0 (and not small).
        return [_flag("all_missing", "review", missing=int(contributions.size))]
    flags = []
    if count < rules.safe_threshold:
        flags.append(_flag("threshold", "fail", count=count, threshold=rules.safe_threshold))
    total = 0.0 if contributions is None else float(np.nansum(contributions))
    if count == 0 or (contributions is not None and total == 0):
        flags.append(_flag("zero", "fail" if rules.zeros_are_disclosive else "review"))
    if contributions is None or count == 0:
        return flags
    missing = np.isnan(contributions)
    present = contributions[~missing]
    review = []
    if rules.check_missing_values and missing.any():
        review.append(_flag("missing", "review", missing=int(missing.sum())))
    if (present < 0).any():
        review.append(_flag("negative", "review", negative=int((present < 0).sum())))
    return flags + (review or dominance_flags(present, rules))


# --------------------------------------------------------------------------- results
def _label(label: Hashable) -> str:
    if isinstance(label, tuple):
        return "/".join(str(part) for part in label if str(part) != "")
    return str(label)


def cell_location(name: str, row: Hashable, column: Hashable) -> Location:
    """Return the place of cell ``(row, column)`` of table ``name`` (levels joined by ``/``).

    >>> str(cell_location("t", ("부산", "여"), 2024))
    "표 't', 칸 (부산/여, 2024)"
    """
    return Location("cell", table=name, row=_label(row), column=_label(column))


def _finding(
    name: str,
    row: Hashable,
    column: Hashable,
    flag: tuple[str, Severity, dict],
    digest: str | None = None,
) -> Finding:
    rule, severity, details = flag
    return Finding(
        rule=f"disclosure.{rule}",
        severity=severity,
        location=cell_location(name, row, column),
        message=message(rule, **details),
        details=dict(details, row=_label(row), column=_label(column)),
        digest=digest,
    )


def _cell_digest(value: Any, count: int) -> str | None:
    """Digest what a released cell shows (its value) and stands for (its contributors)."""
    shown = "missing" if pd.isna(value) else str(value)
    return value_digest([f"value={shown}", f"contributors={count}"])


@dataclass
class DisclosureResult:
    """A table with the disclosure findings of each of its cells.

    Attributes
    ----------
    table : pandas.DataFrame
        The table exactly as pandas made it.
    status : pandas.DataFrame
        Same shape: ``"ok"``, ``"fail: threshold; nk"`` or ``"review: negative"``.
    counts : pandas.DataFrame
        Contributors per cell (same shape).
    additive : bool
        Whether cells add up to the margins (counts, sums): secondary suppression applies.
    margins_name : str or None
        The label of the margin row and column when the table has margins.
    """

    table: pd.DataFrame
    status: pd.DataFrame
    counts: pd.DataFrame
    rules: DisclosureRules
    name: str = "table"
    additive: bool = True
    margins_name: str | None = None
    cell_findings: list[Finding] = field(default_factory=list)

    def findings(self) -> list[Finding]:
        """Every cell finding, row by row."""
        return list(self.cell_findings)

    @property
    def failed(self) -> bool:
        """Whether any cell fails (a release needs suppression or an approval)."""
        return any(f.severity == "fail" for f in self.cell_findings)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        # The findings travel with the display, so the release gate sees a table that a
        # notebook shows (not only one it publishes).
        return {
            "text/html": self.table.to_html(),
            "text/plain": repr(self.table),
            FINDINGS_MIME: [f.to_dict() for f in self.cell_findings],
        }


def _status_text(flags: Sequence[tuple[str, Severity, dict]]) -> str:
    if not flags:
        return "ok"
    worst = "fail" if any(f[1] == "fail" for f in flags) else "review"
    return f"{worst}: " + "; ".join(f[0] for f in flags)


def _assess(
    table: pd.DataFrame,
    cells: Mapping[tuple[Hashable, Hashable], tuple[int, np.ndarray | None]],
    rules: DisclosureRules,
    *,
    name: str,
    additive: bool,
    margins_name: str | None,
) -> DisclosureResult:
    status = pd.DataFrame("ok", index=table.index, columns=table.columns, dtype=object)
    counts = pd.DataFrame(0, index=table.index, columns=table.columns, dtype="int64")
    missing = pd.DataFrame(False, index=table.index, columns=table.columns)
    findings: list[Finding] = []
    for i, row in enumerate(table.index):
        for j, column in enumerate(table.columns):
            if (row, column) not in cells:
                status.iat[i, j] = "not checked"
                continue
            count, contributions = cells[(row, column)]
            flags = check_cell(count, contributions, rules)
            counts.iat[i, j] = count
            status.iat[i, j] = _status_text(flags)
            value = table.iat[i, j]
            if flags and flags[0][0] == "all_missing":
                missing.iat[i, j] = True
                status.iat[i, j] = "missing"
                value = np.nan
            digest = _cell_digest(value, count) if flags else None
            findings.extend(_finding(name, row, column, flag, digest) for flag in flags)
    if missing.to_numpy().any():
        # pandas sums a cell of missing values to 0: show it as missing instead.
        table = table.mask(missing)
    return DisclosureResult(table, status, counts, rules, name, additive, margins_name, findings)


# --------------------------------------------------------------------------- microdata
def _key_list(keys: Any) -> list[np.ndarray]:
    nested = isinstance(keys, list | tuple) and any(
        isinstance(k, pd.Series | np.ndarray | list | tuple) for k in keys
    )
    return [np.asarray(k) for k in (keys if nested else [keys])]


def _is_margin(label: Hashable, margins_name: str | None) -> bool:
    if margins_name is None:
        return False
    first = label[0] if isinstance(label, tuple) and label else label
    return bool(first == margins_name)


def _cells_from_microdata(
    table: pd.DataFrame,
    rows: list[np.ndarray],
    cols: list[np.ndarray],
    values: np.ndarray | None,
    margins_name: str | None,
) -> dict[tuple[Hashable, Hashable], tuple[int, np.ndarray | None]]:
    """Count and collect each cell's contributions by grouping the microdata once."""
    frame = pd.DataFrame({f"r{i}": k for i, k in enumerate(rows)})
    for j, k in enumerate(cols):
        frame[f"c{j}"] = k
    row_names = [f"r{i}" for i in range(len(rows))]
    col_names = [f"c{j}" for j in range(len(cols))]

    def groups(names: list[str]) -> dict[tuple, np.ndarray]:
        if not names:
            return {(): np.arange(len(frame))}
        found = frame.groupby(names, dropna=True, observed=True, sort=False).indices
        return {
            (k if isinstance(k, tuple) else (k,)): np.asarray(v, dtype=np.intp)
            for k, v in found.items()
        }

    cache: dict[tuple[bool, bool], dict[tuple, np.ndarray]] = {}
    empty = np.array([], dtype=np.intp)
    cells: dict[tuple[Hashable, Hashable], tuple[int, np.ndarray | None]] = {}
    for row in table.index:
        for column in table.columns:
            row_margin, col_margin = _is_margin(row, margins_name), _is_margin(column, margins_name)
            use_rows, use_cols = not row_margin and bool(rows), not col_margin and bool(cols)
            if (use_rows, use_cols) not in cache:
                names = (row_names if use_rows else []) + (col_names if use_cols else [])
                cache[(use_rows, use_cols)] = groups(names)
            key = (tuple(row) if isinstance(row, tuple) else (row,)) if use_rows else ()
            if use_cols:
                key += tuple(column) if isinstance(column, tuple) else (column,)
            positions = cache[(use_rows, use_cols)].get(key, empty)
            if values is None:
                cells[(row, column)] = (len(positions), None)
            else:
                cell_values = values[positions]
                cells[(row, column)] = (int((~np.isnan(cell_values)).sum()), cell_values)
    return cells


def _floats(values: Any) -> np.ndarray:
    numbers = pd.to_numeric(pd.Series(values), errors="coerce")
    return numbers.to_numpy(dtype=float, na_value=np.nan)


def _counts_rows(aggfunc: Any) -> bool:
    """``size`` / ``len`` count rows whatever their values: a frequency cell."""
    return getattr(aggfunc, "__name__", aggfunc) in ("size", "len")


def _is_additive(aggfunc: Any) -> bool:
    if aggfunc is None:
        return True
    return getattr(aggfunc, "__name__", aggfunc) in ADDITIVE_AGGFUNCS


def crosstab(
    index: Any,
    columns: Any,
    values: Any = None,
    aggfunc: Any = None,
    *,
    rules: DisclosureRules | Mapping[str, Any] | None = None,
    name: str = "table",
    **pandas_kwargs: Any,
) -> DisclosureResult:
    """:func:`pandas.crosstab` with a disclosure check of every cell.

    Examples
    --------
    >>> result = crosstab(["a"] * 12 + ["b"] * 3, ["x"] * 15)
    >>> result.status.loc["b", "x"], len(result.findings())
    ('fail: threshold', 1)
    """
    checked = _rules(rules)
    table = pd.crosstab(index, columns, values=values, aggfunc=aggfunc, **pandas_kwargs)
    margins = pandas_kwargs.get("margins_name", "All") if pandas_kwargs.get("margins") else None
    numbers = None if values is None or _counts_rows(aggfunc) else _floats(values)
    cells = _cells_from_microdata(table, _key_list(index), _key_list(columns), numbers, margins)
    return _assess(
        table, cells, checked, name=name, additive=_is_additive(aggfunc), margins_name=margins
    )


def _names(keys: Any) -> list[Hashable]:
    if keys is None:
        return []
    return list(keys) if isinstance(keys, list | tuple) else [keys]


def pivot_table(
    data: pd.DataFrame,
    values: Hashable,
    index: Any,
    columns: Any = None,
    aggfunc: Any = "mean",
    *,
    rules: DisclosureRules | Mapping[str, Any] | None = None,
    name: str = "table",
    **pandas_kwargs: Any,
) -> DisclosureResult:
    """:func:`pandas.pivot_table` of one value column, with every cell checked.

    ``index`` and ``columns`` are column names (or lists of them), as in pandas.
    """
    checked = _rules(rules)
    if isinstance(values, list) or values not in data.columns:
        raise ParameterError(
            message("pivot_values", got=repr(values), available=names(data.columns)),
            parameter="values",
            got=values,
            suggestions=[str(c) for c in data.columns],
            kind="column",
        )
    table = pd.pivot_table(
        data, values=values, index=index, columns=columns, aggfunc=aggfunc, **pandas_kwargs
    )
    margins = pandas_kwargs.get("margins_name", "All") if pandas_kwargs.get("margins") else None
    rows = [data[c].to_numpy() for c in _names(index)]
    cols = [data[c].to_numpy() for c in _names(columns)]
    numbers = None if _counts_rows(aggfunc) else _floats(data[values])
    cells = _cells_from_microdata(table, rows, cols, numbers, margins)
    return _assess(
        table, cells, checked, name=name, additive=_is_additive(aggfunc), margins_name=margins
    )


# --------------------------------------------------------------------------- published
def check_table(
    table: pd.DataFrame,
    counts: pd.DataFrame | None = None,
    contributions: Mapping[tuple[Hashable, Hashable], Sequence[float]] | None = None,
    *,
    rules: DisclosureRules | Mapping[str, Any] | None = None,
    name: str = "table",
    margins_name: str | None = None,
) -> DisclosureResult:
    """Check a table that was made elsewhere (the release gate's view of a result).

    Without the microdata only what the table shows can be checked:

    - with ``counts`` (same labels as ``table``), or with ``table`` itself holding counts
      when ``counts`` is omitted: threshold and zeros;
    - with ``contributions`` (cell label ``(row, column)`` to the individual values):
      NK, p%, negatives and missing values as well.

    Missing cells of ``table`` (already suppressed) are not checked; nor are cells that
    are not numbers. A table of means or rates without its counts cannot be checked for
    small cells: pass ``counts``.

    Examples
    --------
    >>> t = pd.DataFrame({"x": [12, 4]}, index=["a", "b"])
    >>> [str(f.location) for f in check_table(t).findings()]
    ["표 'table', 칸 (b, x)"]
    """
    checked = _rules(rules)
    source = table if counts is None else counts.reindex_like(table)
    numeric = source.apply(pd.to_numeric, errors="coerce")
    cells: dict[tuple[Hashable, Hashable], tuple[int, np.ndarray | None]] = {}
    for i, row in enumerate(table.index):
        for j, column in enumerate(table.columns):
            count = numeric.iat[i, j]
            if pd.isna(count) or pd.isna(table.iat[i, j]):  # type: ignore[arg-type]
                continue
            given = None if contributions is None else contributions.get((row, column))
            values = None if given is None else np.asarray(given, dtype=float)
            cells[(row, column)] = (int(count), values)
    return _assess(
        table, cells, checked, name=name, additive=counts is None, margins_name=margins_name
    )


# --------------------------------------------------------------------------- regressions
@dataclass
class RegressionResult:
    """A fitted statsmodels result with the residual-degrees-of-freedom check."""

    result: Any
    dof: float
    rules: DisclosureRules
    name: str = "model"
    model_findings: list[Finding] = field(default_factory=list)

    def findings(self) -> list[Finding]:
        """Return the findings (at most one: too few residual degrees of freedom)."""
        return list(self.model_findings)

    def summary(self) -> Any:
        """Return the statsmodels summary."""
        return self.result.summary()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        summary = self.result.summary()
        return {
            "text/html": summary.as_html(),
            "text/plain": str(summary),
            FINDINGS_MIME: [f.to_dict() for f in self.model_findings],
        }


def model_record(fitted: Any, name: str = "model") -> dict[str, Any]:
    """Return what the gate needs to know about a fitted statsmodels model, as plain data.

    ``digest`` is a keyed digest of what the model releases (its coefficients and
    residual degrees of freedom), so an approval of one model does not apply to another.
    """
    dof = float(fitted.df_resid)
    params = getattr(fitted, "params", [])
    items = params.items() if hasattr(params, "items") else enumerate(np.ravel(params))
    shown = [f"{term}={float(value)!r}" for term, value in items]
    return {"name": name, "dof": dof, "digest": value_digest([*shown, f"dof={dof!r}"])}


def check_dof(
    dof: float, rules: DisclosureRules, name: str = "model", digest: str | None = None
) -> list[Finding]:
    """Fail a model with fewer than ``safe_dof_threshold`` residual degrees of freedom.

    >>> [f.message for f in check_dof(3, DisclosureRules(), "m")]
    ['잔차 자유도(3)가 기준 10보다 작습니다. 관측을 늘리거나 설명변수를 줄이세요.']
    """
    if dof >= rules.safe_dof_threshold:
        return []
    details = {"dof": round(dof), "threshold": rules.safe_dof_threshold}
    return [
        Finding(
            rule="disclosure.dof",
            severity="fail",
            location=Location("model", model=name),
            message=message("dof", **details),
            details=details,
            digest=digest,
        )
    ]


def model_findings(
    record: Mapping[str, Any], rules: DisclosureRules | Mapping[str, Any] | None = None
) -> list[Finding]:
    """Apply the dof rule to a :func:`model_record` (a displayed or published model)."""
    name = str(record.get("name") or "model")
    return check_dof(float(record["dof"]), _rules(rules), name, record.get("digest"))


def _regression(fitted: Any, rules: Any, name: str) -> RegressionResult:
    checked = _rules(rules)
    record = model_record(fitted, name)
    findings = check_dof(record["dof"], checked, name, record["digest"])
    return RegressionResult(fitted, record["dof"], checked, name, findings)


def ols(
    formula: str,
    data: pd.DataFrame,
    *,
    rules: DisclosureRules | Mapping[str, Any] | None = None,
    name: str = "model",
    **fit_kwargs: Any,
) -> RegressionResult:
    """``statsmodels.formula.api.ols(formula, data).fit()`` with the dof check."""
    import statsmodels.formula.api as smf

    return _regression(smf.ols(formula, data).fit(**fit_kwargs), rules, name)


def logit(
    formula: str,
    data: pd.DataFrame,
    *,
    rules: DisclosureRules | Mapping[str, Any] | None = None,
    name: str = "model",
    **fit_kwargs: Any,
) -> RegressionResult:
    """``statsmodels.formula.api.logit(formula, data).fit()`` with the dof check."""
    import statsmodels.formula.api as smf

    fit_kwargs.setdefault("disp", 0)
    return _regression(smf.logit(formula, data).fit(**fit_kwargs), rules, name)
