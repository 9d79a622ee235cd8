"""Regression block: OLS or logit on any table, robust or clustered errors, diagnostics.

The fit goes through :func:`workbench.ethics.ols` / :func:`workbench.ethics.logit`, so
every model carries the residual-degrees-of-freedom disclosure check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench._format import LABELS_ATTR, SIGNIFICANT, round_significant
from workbench.blocks._checks import check_choice
from workbench.blocks._messages import message, parameter_error
from workbench.exceptions import ParameterError

if TYPE_CHECKING:
    from workbench.ethics import Finding

__all__ = ["KINDS", "Regression", "coefficient_table", "regression", "term_labels"]

#: Model kinds: linear (최소제곱) or binary logistic.
KINDS = ("ols", "logit")
#: Standard-error types: heteroskedasticity-robust HC3, the classical "nonrobust", or
#: clustered by a column (``cluster=``).
COVARIANCES = ("HC3", "HC1", "nonrobust", "cluster")
_TREATMENT = re.compile(r"(?P<factor>.+)\[T\.(?P<level>.+)\]")
_LEVEL = re.compile(r"(?P<factor>.+)\[(?P<level>.+)\]")
_POWER = re.compile(r"I\((?P<name>.+?)\s*\*\*\s*(?P<power>[2-9])\)")
_CATEGORICAL = re.compile(r"C\((?P<name>.+?)(,.*)?\)")
_QUOTED = re.compile(r"Q\([\"'](?P<name>.+)[\"']\)")
_FUNCTION = re.compile(r"np\.(?P<function>\w+)\((?P<name>.+)\)")
_SUPERSCRIPT = str.maketrans("23456789", "²³⁴⁵⁶⁷⁸⁹")
_BOOLEAN_LEVEL = {"True": "예", "False": "아니요"}


@dataclass(frozen=True)
class Regression:
    """The result of :func:`regression`: tidy tables with Korean headings.

    Attributes
    ----------
    coefficients : pandas.DataFrame
        One row per term (index ``항목``): 계수, 표준오차, 검정통계량, p값, 95% 하한,
        95% 상한 (the interval's level follows ``alpha``); for logit also 오즈비.
    diagnostics : pandas.DataFrame
        항목, 값: 모형, 표준오차 유형, 관측 수, 잔차 자유도, R² and 조정 R² (OLS) or
        의사 R² (logit), and for OLS the Breusch–Pagan statistic and p-value.
    vif : pandas.DataFrame
        변수, VIF: variance inflation factor of each non-intercept term.
    findings : list of workbench.ethics.Finding
        Disclosure findings (too few residual degrees of freedom).
    result : object
        The fitted statsmodels results object.
    """

    coefficients: pd.DataFrame
    diagnostics: pd.DataFrame
    vif: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    result: Any = None


def _value_error(name: str, expected: str, value: Any, kind: str = "type") -> ParameterError:
    return parameter_error(
        "number",
        name,
        function="regression",
        name=name,
        expected=expected,
        got=value,
        kind=kind,
    )


def _round(value: Any) -> float:
    """Round to SIGNIFICANT significant digits (never to fixed decimals: 3e-7 stays 3e-7)."""
    return float(round_significant(float(value), SIGNIFICANT))


def _variable(factor: str) -> str:
    """Return the column behind a formula factor (``C(주거형태, ...)``, ``Q("열")``)."""
    for pattern in (_CATEGORICAL, _QUOTED):
        found = pattern.fullmatch(factor.strip())
        if found:
            return _variable(found["name"])
    return factor.strip()


def _part_label(part: str, categories: dict[str, list[str]], coded: dict[str, set[str]]) -> str:
    if part == "Intercept":
        return "상수항"
    treatment = _TREATMENT.fullmatch(part)
    level = treatment or _LEVEL.fullmatch(part)
    if level:
        factor, value = level["factor"], level["level"]
        text = f"{_variable(factor)}: {_BOOLEAN_LEVEL.get(value, value)}"
        others = [c for c in categories.get(factor, []) if c not in coded.get(factor, set())]
        if treatment and len(others) == 1:
            text += f" (기준: {_BOOLEAN_LEVEL.get(others[0], others[0])})"
        elif treatment and factor not in categories and value in _BOOLEAN_LEVEL:
            text += " (기준: 아니요)"
        return text
    power = _POWER.fullmatch(part)
    if power:
        return f"{_variable(power['name'])}{power['power'].translate(_SUPERSCRIPT)}"
    function = _FUNCTION.fullmatch(part)
    if function:
        return f"{function['function']}({_variable(function['name'])})"
    return _variable(part)


def term_labels(result: Any) -> dict[str, str]:
    """Readable Korean labels for a fitted formula model's terms.

    ``Intercept`` → 상수항, ``C(주거형태)[T.월세]`` → ``주거형태: 월세 (기준: 전세)`` (the
    reference level read from the model's design), ``I(나이 ** 2)`` → ``나이²``,
    ``np.log(나이)`` → ``log(나이)``, interactions joined by ``×``.

    Examples
    --------
    >>> import pandas as pd
    >>> import statsmodels.formula.api as smf
    >>> data = pd.DataFrame({"y": [1.0, 2, 4, 3, 5, 7], "나이": [20, 30, 40, 50, 60, 70],
    ...                      "주거형태": ["전세", "월세", "자가", "전세", "월세", "자가"]})
    >>> fit = smf.ols("y ~ C(주거형태) + I(나이 ** 2)", data).fit()
    >>> list(term_labels(fit).values())
    ['상수항', '주거형태: 자가 (기준: 월세)', '주거형태: 전세 (기준: 월세)', '나이²']
    """
    names = [str(name) for name in getattr(result.params, "index", [])]
    design = getattr(getattr(result.model.data, "orig_exog", None), "design_info", None)
    categories: dict[str, list[str]] = {}
    if design is not None:
        for factor, info in design.factor_infos.items():
            if info.type == "categorical":
                categories[factor.name()] = [str(c) for c in info.categories]
    coded: dict[str, set[str]] = {}
    for name in names:
        for part in name.split(":"):
            found = _TREATMENT.fullmatch(part)
            if found:
                coded.setdefault(found["factor"], set()).add(found["level"])
    return {
        name: " × ".join(_part_label(part, categories, coded) for part in name.split(":"))
        for name in names
    }


def coefficient_table(result: Any, *, alpha: float = 0.05, odds: bool = False) -> pd.DataFrame:
    """Turn a fitted statsmodels result into a tidy table with Korean headings.

    Parameters
    ----------
    result : statsmodels results
        A fitted model (``params``, ``bse``, ``tvalues``, ``pvalues``, ``conf_int``).
    alpha : float, default 0.05
        One minus the confidence level of the interval.
    odds : bool, default False
        Add 오즈비 (``exp`` of the coefficient), for logit models.

    Returns
    -------
    pandas.DataFrame
        Index ``항목`` (term); columns 계수, 표준오차, 검정통계량, p값, ``{level}% 하한``,
        ``{level}% 상한`` and, with ``odds``, 오즈비. Rounded to 7 significant digits
        (never to fixed decimals). ``attrs["workbench_labels"]`` maps each term to a
        readable label (:func:`term_labels`), which the report shows instead of the term.

    Examples
    --------
    >>> import pandas as pd
    >>> import statsmodels.formula.api as smf
    >>> data = pd.DataFrame({"x": [1.0, 2, 3, 4, 5], "y": [2.0, 4.1, 5.9, 8.2, 9.9]})
    >>> table = coefficient_table(smf.ols("y ~ x", data).fit())
    >>> table.columns.tolist()
    ['계수', '표준오차', '검정통계량', 'p값', '95% 하한', '95% 상한']
    >>> round(float(table.loc["x", "계수"]), 2)
    1.99
    """
    from workbench.ethics import MODEL_ATTR, model_record

    level = f"{round((1 - alpha) * 100, 4):g}%"
    interval = result.conf_int(alpha=alpha)
    interval = pd.DataFrame(np.asarray(interval), index=result.params.index)
    table = pd.DataFrame(
        {
            "계수": result.params,
            "표준오차": result.bse,
            "검정통계량": result.tvalues,
            "p값": result.pvalues,
            f"{level} 하한": interval[0],
            f"{level} 상한": interval[1],
        }
    )
    if odds:
        table["오즈비"] = np.exp(result.params)
    table = table.map(_round)
    table.index = table.index.astype(str)
    table.index.name = "항목"
    # Marks the table as a model's, so that the release gate checks it for residual
    # degrees of freedom when it is shown or published.
    table.attrs[MODEL_ATTR] = model_record(result, _model_name(result))
    table.attrs[LABELS_ATTR] = term_labels(result)
    return table


def _model_name(result: Any) -> str:
    endog = getattr(getattr(result, "model", None), "endog_names", None)
    return endog if isinstance(endog, str) else "model"


def _vif(result: Any) -> pd.DataFrame:
    """Variance inflation factor of each non-intercept column of the design matrix."""
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    exog = np.asarray(result.model.exog, dtype=float)
    names = [str(name) for name in result.model.exog_names]
    rows = []
    for position, name in enumerate(names):
        if name == "Intercept" or np.ptp(exog[:, position]) == 0:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            value = variance_inflation_factor(exog, position)
        rows.append({"변수": name, "VIF": _round(value)})
    table = pd.DataFrame(rows, columns=["변수", "VIF"])
    table.attrs[LABELS_ATTR] = term_labels(result)
    return table


def _diagnostics(result: Any, kind: str, covariance: str, *, diagnose: bool) -> pd.DataFrame:
    measures: dict[str, Any] = {
        "모형": "선형회귀(OLS)" if kind == "ols" else "로지스틱 회귀(logit)",
        "표준오차 유형": covariance,
        "관측 수": int(result.nobs),
        "잔차 자유도": _round(result.df_resid),
    }
    if kind == "ols":
        measures["R²"] = _round(result.rsquared)
        measures["조정 R²"] = _round(result.rsquared_adj)
    else:
        measures["의사 R²"] = _round(result.prsquared)
    if kind == "ols" and diagnose:
        from statsmodels.stats.diagnostic import het_breuschpagan

        try:
            statistic, p_value, _, _ = het_breuschpagan(result.resid, result.model.exog)
            measures["Breusch–Pagan 통계량"] = _round(statistic)
            measures["Breusch–Pagan p값"] = _round(p_value)
        except (ValueError, np.linalg.LinAlgError):  # e.g. a constant-only model
            pass
    return pd.DataFrame(
        {"항목": list(measures), "값": pd.Series(list(measures.values()), dtype=object)}
    )


def _check(data: Any, formula: Any, kind: Any, covariance: Any, cluster: Any, alpha: Any) -> None:
    if not isinstance(data, pd.DataFrame):
        raise _value_error("data", message("table"), type(data).__name__)
    if not isinstance(formula, str) or "~" not in formula:
        raise _value_error("formula", message("formula_expected"), formula)
    check_choice("regression", "kind", kind, KINDS)
    check_choice("regression", "covariance", covariance, COVARIANCES)
    if (covariance == "cluster") != (cluster is not None):
        raise parameter_error(
            "cluster_pair",
            "cluster",
            function="regression",
            got=cluster,
            kind="cluster_pair",
            covariance=covariance,
            cluster=cluster,
        )
    if cluster is not None and cluster not in data.columns:
        columns = ", ".join(map(str, data.columns))
        raise _value_error(
            "cluster", message("column_of_data", columns=columns), cluster, "missing_columns"
        )
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise _value_error("alpha", message("open_unit"), alpha, "range")


def regression(
    data: pd.DataFrame,
    formula: str,
    *,
    kind: str = "ols",
    covariance: str = "HC3",
    cluster: str | None = None,
    alpha: float = 0.05,
    name: str = "model",
    diagnose: bool = True,
) -> Regression:
    """Fit OLS or logit with a statsmodels formula and return tidy Korean tables.

    Parameters
    ----------
    data : pandas.DataFrame
        The table; rows with a missing value in a formula column are dropped.
    formula : str
        A statsmodels (patsy) formula, e.g. ``"np.log(월소득) ~ 나이 + C(주거형태)"``.
        Korean column names work as they are; quote odd ones with ``Q("열 이름")``.
    kind : {"ols", "logit"}, default "ols"
        Linear regression or binary logistic regression (outcome 0/1).
    covariance : {"HC3", "HC1", "nonrobust", "cluster"}, default "HC3"
        Standard errors: heteroskedasticity-robust HC3 (default), HC1, classical, or
        clustered by ``cluster``.
    cluster : str, optional
        The column whose values form the clusters (e.g. 시군구); only with
        ``covariance="cluster"``.
    alpha : float, default 0.05
        One minus the confidence level of the intervals.
    name : str, default "model"
        Name of the model in disclosure findings.
    diagnose : bool, default True
        Compute the VIF table and the Breusch–Pagan test. Turn off for models with many
        fixed-effect dummies, where VIF is slow and says nothing useful.

    Returns
    -------
    Regression
        ``coefficients``, ``diagnostics``, ``vif``, ``findings`` (disclosure: fewer
        than 10 residual degrees of freedom fails) and the statsmodels ``result``.

    Raises
    ------
    workbench.exceptions.ParameterError
        If an argument is invalid or the formula names a column that does not exist.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> data = pd.DataFrame({"x": rng.normal(size=200)})
    >>> data["y"] = 1.0 + 2.0 * data["x"] + rng.normal(scale=0.1, size=200)
    >>> fit = regression(data, "y ~ x")
    >>> round(float(fit.coefficients.loc["x", "계수"]), 1)
    2.0
    >>> fit.diagnostics.set_index("항목").loc["관측 수", "값"]
    200
    >>> fit.findings
    []
    """
    _check(data, formula, kind, covariance, cluster, alpha)
    import patsy
    import statsmodels.formula.api as smf

    from workbench.ethics import logit, ols

    build = smf.ols if kind == "ols" else smf.logit
    try:
        model = build(formula, data)
    except patsy.PatsyError as exc:
        unknown = re.search(r"name '([^']+)' is not defined", str(exc))
        raise parameter_error(
            "formula_unknown_name" if unknown else "formula_unreadable",
            "formula",
            function="regression",
            got=formula,
            kind="missing_columns" if unknown else "formula",
            expected=list(map(str, data.columns)),
            formula=formula,
            name=unknown[1] if unknown else None,
            columns=", ".join(map(str, data.columns)),
        ) from exc
    fit_kwargs: dict[str, Any] = {"cov_type": covariance}
    if covariance == "cluster":
        rows = model.data.row_labels
        groups = pd.factorize(data.loc[rows, cluster])[0] if rows is not None else None
        fit_kwargs["cov_kwds"] = {"groups": groups}
    fit = (ols if kind == "ols" else logit)(formula, data, name=name, **fit_kwargs)
    result = fit.result
    from workbench.ethics import MODEL_ATTR

    coefficients = coefficient_table(result, alpha=alpha, odds=kind == "logit")
    coefficients.attrs[MODEL_ATTR] = {**coefficients.attrs[MODEL_ATTR], "name": name}
    return Regression(
        coefficients=coefficients,
        diagnostics=_diagnostics(result, kind, covariance, diagnose=diagnose),
        vif=_vif(result) if diagnose else pd.DataFrame(columns=["변수", "VIF"]),
        findings=fit.findings(),
        result=result,
    )
