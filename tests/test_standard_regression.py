"""The `regression` standard analysis, run for real."""

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
