"""Tests for the regression block."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from korean_check import assert_korean
from workbench.blocks._regression import coefficient_table, regression
from workbench.exceptions import ParameterError


@pytest.fixture
def data():
    rng = np.random.default_rng(1)
    n = 400
    frame = pd.DataFrame(
        {
            "나이": rng.integers(20, 80, n).astype(float),
            "지역": rng.choice(["가", "나", "다", "라"], n),
        }
    )
    noise = rng.normal(0, 1 + (frame["나이"] - 20) / 20, n)  # heteroskedastic
    frame["소득"] = 100 + 1.5 * frame["나이"] + noise
    frame["위기"] = (rng.random(n) < 1 / (1 + np.exp(-(frame["나이"] - 50) / 10))).astype(int)
    return frame


def test_ols_recovers_slope_with_korean_tables(data):
    fit = regression(data, "소득 ~ 나이 + C(지역)")
    row = fit.coefficients.loc["나이"]
    assert row["95% 하한"] < 1.5 < row["95% 상한"]
    assert fit.coefficients.index.name == "항목"
    diagnostics = fit.diagnostics.set_index("항목")["값"]
    assert diagnostics["관측 수"] == 400
    assert diagnostics["표준오차 유형"] == "HC3"
    assert diagnostics["Breusch–Pagan p값"] < 0.05  # the planted heteroskedasticity
    assert set(fit.vif["변수"]) >= {"나이"}
    assert fit.findings == []


def test_robust_errors_differ_from_classical(data):
    robust = regression(data, "소득 ~ 나이").coefficients.loc["나이", "표준오차"]
    classical = regression(data, "소득 ~ 나이", covariance="nonrobust")
    assert robust != classical.coefficients.loc["나이", "표준오차"]


def test_clustered_errors_and_missing_rows(data):
    data.loc[:9, "소득"] = np.nan
    fit = regression(data, "소득 ~ 나이", covariance="cluster", cluster="지역")
    assert fit.diagnostics.set_index("항목").loc["관측 수", "값"] == 390
    assert fit.result.cov_type == "cluster"


def test_logit_has_odds_ratio_and_pseudo_r2(data):
    fit = regression(data, "위기 ~ 나이", kind="logit")
    assert fit.coefficients.loc["나이", "계수"] > 0
    assert fit.coefficients.loc["나이", "오즈비"] == pytest.approx(
        np.exp(fit.coefficients.loc["나이", "계수"]), rel=1e-4
    )
    assert "의사 R²" in set(fit.diagnostics["항목"])


def test_too_few_residual_dof_is_a_finding():
    small = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6], "y": [1.0, 3, 2, 5, 4, 6]})
    fit = regression(small, "y ~ x")
    assert [f.rule for f in fit.findings] == ["disclosure.dof"]


def test_coefficient_table_level_follows_alpha(data):
    fit = regression(data, "소득 ~ 나이", alpha=0.1)
    assert "90% 하한" in fit.coefficients.columns
    assert "오즈비" not in coefficient_table(fit.result).columns


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"kind": "probit"}, "kind"),
        ({"covariance": "HC9"}, "covariance"),
        ({"covariance": "cluster"}, "cluster"),
        ({"cluster": "지역"}, "cluster"),
        ({"covariance": "cluster", "cluster": "없는열"}, "cluster"),
        ({"alpha": 1.5}, "alpha"),
        ({"formula": "소득"}, "formula"),
        ({"formula": "소득 ~ 없는열"}, "formula"),
    ],
)
def test_bad_parameters(data, kwargs, parameter):
    formula = kwargs.pop("formula", "소득 ~ 나이")
    with pytest.raises(ParameterError) as info:
        regression(data, formula, **kwargs)
    assert info.value.parameter == parameter
    assert_korean(str(info.value), "regression", formula)


def test_a_formula_naming_a_missing_column_says_which():
    frame = pd.DataFrame({"소득": [1.0, 2.0, 3.0], "나이": [30, 40, 50]})
    with pytest.raises(ParameterError) as info:
        regression(frame, "소득 ~ 나이 + 학력")
    assert (info.value.parameter, info.value.kind, info.value.got) == (
        "formula",
        "missing_columns",
        "소득 ~ 나이 + 학력",
    )
    assert "'학력'이 표의 열에 없습니다. 있는 열: 소득, 나이" in str(info.value)


def test_data_must_be_a_frame():
    with pytest.raises(ParameterError) as info:
        regression([1, 2], "y ~ x")  # type: ignore[arg-type]
    assert (info.value.parameter, info.value.got) == ("data", "list")


def test_a_tiny_coefficient_keeps_its_significant_digits():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"예산(원)": rng.uniform(1e8, 5e9, 300)})
    frame["만족도"] = 3.0 + 3e-10 * frame["예산(원)"] + rng.normal(0, 0.01, 300)
    coefficient = regression(frame, "만족도 ~ Q('예산(원)')").coefficients["계수"].iloc[1]
    assert coefficient != 0.0
    assert coefficient == pytest.approx(3e-10, rel=0.05)


def test_terms_get_readable_labels_with_the_reference_level(data):
    data = data.assign(나이2=data["나이"])
    fit = regression(data, "소득 ~ 나이 + I(나이 ** 2) + C(지역, Treatment(reference='다'))")
    labels = fit.coefficients.attrs["workbench_labels"]
    assert [labels[term] for term in fit.coefficients.index] == [
        "상수항",
        "지역: 가 (기준: 다)",
        "지역: 나 (기준: 다)",
        "지역: 라 (기준: 다)",
        "나이",
        "나이²",
    ]
    assert fit.vif.attrs["workbench_labels"]["I(나이 ** 2)"] == "나이²"
    assert "Intercept" in fit.coefficients.index  # the published table keeps the terms
