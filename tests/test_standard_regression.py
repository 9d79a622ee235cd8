"""The `regression` standard analysis, run for real."""

import numpy as np
import pandas as pd
import pytest

from workbench.exceptions import RunFailedError
from workbench.runner import run_analysis

pytestmark = pytest.mark.kernel


def test_default_run_publishes_coefficients_and_diagnostics(tmp_path):
    result = run_analysis("regression", out=tmp_path / "run")
    coefficients = pd.read_csv(
        result.run_dir / "results" / "coefficients.csv", encoding="utf-8-sig", index_col=0
    )
    assert {"나이", "가구원수"} <= set(coefficients.index)
    assert coefficients.loc["가구원수", "계수"] > 0  # the sample's income grows with size
    html = result.report.read_text(encoding="utf-8")
    assert "회귀분석" in html and "모형 진단" in html and "wb.blocks" not in html
    assert result.manifest.status == "succeeded"


def test_a_formula_naming_a_missing_column_fails_with_its_name(tmp_path):
    with pytest.raises(RunFailedError, match="없는열"):
        run_analysis("regression", {"formula": "월소득 ~ 없는열"}, out=tmp_path / "run")


def test_report_shows_readable_terms_and_results_keep_full_precision(tmp_path):
    rng = np.random.default_rng(5)
    n = 400
    data = pd.DataFrame(
        {
            "주거형태": rng.choice(["전세", "월세", "자가"], n),
            "사업비(원)": rng.uniform(1e8, 5e9, n).round(),
            "나이": rng.integers(25, 80, n),
        }
    )
    data["만족도"] = 3 + 3e-10 * data["사업비(원)"] + 0.01 * data["나이"] + rng.normal(0, 0.05, n)
    path = tmp_path / "만족도.csv"
    data.to_csv(path, index=False, encoding="cp949")
    formula = "만족도 ~ Q('사업비(원)') + 나이 + I(나이 ** 2) + C(주거형태)"
    result = run_analysis(
        "regression", {"data_path": str(path), "formula": formula}, out=tmp_path / "run"
    )

    published = pd.read_csv(
        result.run_dir / "results" / "coefficients.csv", encoding="utf-8-sig", index_col=0
    )
    assert "Intercept" in published.index and "C(주거형태)[T.자가]" in published.index
    assert published.loc["Q('사업비(원)')", "계수"] == pytest.approx(3e-10, rel=0.1)
    html = result.report.read_text(encoding="utf-8")
    for label in ("상수항", "주거형태: 자가 (기준: 월세)", "주거형태: 전세 (기준: 월세)", "나이²"):
        assert f">{label}</td>" in html, label
    assert "C(주거형태)[T.자가]" not in html
    assert "&lt;0.001" in html  # p-values below 0.001
