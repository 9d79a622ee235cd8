"""`profile` and `regression` run for real on files as portals publish them (issue 13)."""

import sys
from pathlib import Path

import pandas as pd
import pytest

from workbench.runner import run_analysis

sys.path.insert(0, str(Path(__file__).resolve().parent / "catalog"))
from portal_files import kosis_workbook, mois_population_csv

pytestmark = pytest.mark.kernel


def results(run_dir, name):
    return pd.read_csv(run_dir / "results" / f"{name}.csv", encoding="utf-8-sig")


def test_profile_of_a_mois_csv_shows_the_read_report_and_the_summary_row(tmp_path):
    data = tmp_path / "주민등록인구.csv"
    mois_population_csv(data)
    result = run_analysis("profile", {"data_path": str(data)}, out=tmp_path / "run")

    html = result.report.read_text(encoding="utf-8")
    assert "파일을 읽은 방법" in html
    assert "합계 행 1개" in html and "천 단위 구분 기호" in html
    overview = results(result.run_dir, "overview").set_index("항목")["값"]
    assert float(overview["합계 행 수 (전국·합계·소계)"]) == 1
    kinds = results(result.run_dir, "columns").set_index("열")["유형"]
    assert kinds["2026년04월_총인구수"] == "숫자"
    assert kinds["행정구역코드"] != "숫자"


def test_profile_of_a_kosis_workbook(tmp_path):
    data = tmp_path / "kosis.xlsx"
    kosis_workbook(data)
    result = run_analysis("profile", {"data_path": str(data)}, out=tmp_path / "run")
    kinds = results(result.run_dir, "columns").set_index("열")["유형"]
    assert kinds["2026.04_총인구수 (명)"] == "숫자"
    assert "머리글 2줄" in result.report.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("builder", "name", "formula"),
    [
        (
            mois_population_csv,
            "주민등록인구.csv",
            'Q("2026년04월_세대수") ~ Q("2026년04월_총인구수") + Q("2026년04월_남여 비율")',
        ),
        (kosis_workbook, "kosis.xlsx", 'Q("2026.04_세대수 (세대)") ~ Q("2026.04_총인구수 (명)")'),
    ],
)
def test_regression_runs_on_portal_files(tmp_path, builder, name, formula):
    data = tmp_path / name
    builder(data)
    result = run_analysis(
        "regression", {"data_path": str(data), "formula": formula}, out=tmp_path / "run"
    )
    assert result.manifest.status == "succeeded"
    coefficients = results(result.run_dir, "coefficients").set_index(
        results(result.run_dir, "coefficients").columns[0]
    )
    assert coefficients.filter(like="총인구수", axis=0)["계수"].iloc[0] > 0
