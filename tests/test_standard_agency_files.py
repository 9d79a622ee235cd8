"""Every standard analysis runs on a file shaped as the agency publishes its data (issue 13).

Each test writes the published shape (tests/fixtures/agency_files.py: CP949, quoted
separators, the agency's column names, 합계 rows, 202401 / 2024.01 months), runs the real
notebook with the ``columns`` map a user would pass, and checks a result a user would
notice: a planted signal found, or the count of what was read.
"""

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from workbench.runner import find_analysis, run_analysis

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
import agency_files as af

pytestmark = pytest.mark.kernel


def results(run_dir, name):
    return pd.read_csv(run_dir / "results" / f"{name}.csv", encoding="utf-8-sig")


def test_apartment_fees_on_kapt_files(tmp_path):
    paths, columns = af.kapt_files(tmp_path)
    params = {name: str(path) for name, path in paths.items()} | {"columns": columns}
    result = run_analysis("apartment_fees", params, out=tmp_path / "run")
    ranking = results(result.run_dir, "audit_ranking")
    assert len(ranking) > 0 and ranking["단지코드"].str.startswith("A").all()
    # The flat map was split over the three files; the report shows it as written.
    html = result.report.read_text(encoding="utf-8")
    assert "발생년월 → 부과월" in html
    assert result.manifest.parameters["columns"] == columns


def test_emission_anomalies_on_a_published_statement(tmp_path):
    data = tmp_path / "명세서_배출량.csv"
    planted, columns = af.emission_statement(data)
    result = run_analysis(
        "emission_anomalies",
        {"statement_path": str(data), "columns": columns},
        out=tmp_path / "run",
    )
    flags = results(result.run_dir, "flags")
    flagged = flags[flags["시설ID"] == planted]
    assert not flagged.empty, flags["시설ID"].unique()
    # Annual rows are spread over months: the flags sit around the 2023 jump.
    months = flagged["연월"].astype(str)
    assert months.between("2022-07", "2024-06").all(), months.tolist()


def test_ev_charging_sites_from_stations_population_and_vehicles(tmp_path):
    paths, _ = af.ev_files(tmp_path)
    params = {name: str(path) for name, path in paths.items()} | {"n_sites": 2}
    result = run_analysis("ev_charging_sites", params, out=tmp_path / "run")
    sites = results(result.run_dir, "sites")
    assert len(sites) == 2
    summary = results(result.run_dir, "summary")
    assert len(summary) > 0


def test_policy_effect_on_a_kosis_download(tmp_path):
    data = tmp_path / "시군구별_청년고용률.csv"
    _, columns = af.kosis_employment(data)
    result = run_analysis(
        "policy_effect", {"data_path": str(data), "columns": columns}, out=tmp_path / "run"
    )
    did = results(result.run_dir, "did")
    estimate = float(did.iloc[0, 1])
    assert 1.0 < estimate < 3.0  # the planted 2.0 %p


def test_small_business_risk_on_card_sales(tmp_path):
    data = tmp_path / "가맹점_월매출.csv"
    columns = af.card_sales(data)
    result = run_analysis(
        "small_business_risk",
        {"data_path": str(data), "columns": columns, "n_repeats": 2, "test_from": "2022-07"},
        out=tmp_path / "run",
    )
    evaluation = results(result.run_dir, "evaluation")
    assert len(evaluation) > 0


def test_welfare_blind_spots_on_crisis_information(tmp_path):
    data = tmp_path / "위기정보.csv"
    columns = af.crisis_information(data)
    result = run_analysis(
        "welfare_blind_spots", {"data_path": str(data), "columns": columns}, out=tmp_path / "run"
    )
    models = results(result.run_dir, "models")
    assert len(models) > 0


def test_benefit_fraud_signals_on_extracts_with_per_input_maps(tmp_path):
    paths, columns = af.benefit_files(tmp_path)
    params = {name: str(path) for name, path in paths.items()} | {"columns": columns}
    result = run_analysis("benefit_fraud_signals", params, out=tmp_path / "run")
    counts = results(result.run_dir, "rule_counts")
    assert len(counts) > 0


def test_service_usage_on_a_web_log_export(tmp_path):
    data = tmp_path / "접속기록.csv"
    columns = af.web_log(data)
    result = run_analysis(
        "service_usage", {"data_path": str(data), "columns": columns}, out=tmp_path / "run"
    )
    funnel = results(result.run_dir, "funnel")
    assert len(funnel) == 4  # the four 신청 steps


def test_household_income_on_mdis_microdata(tmp_path):
    data = tmp_path / "가계금융복지조사.csv"
    columns = af.household_survey(data)
    result = run_analysis(
        "household_income", {"data_path": str(data), "columns": columns}, out=tmp_path / "run"
    )
    regions = results(result.run_dir, "regions")
    assert regions["가구 수"].sum() > 0


def test_complaint_text_on_petitions(tmp_path):
    data = tmp_path / "국민신문고_민원.csv"
    columns = af.petitions(data)
    result = run_analysis(
        "complaint_text",
        {"data_path": str(data), "columns": columns, "n_topics": 3},
        out=tmp_path / "run",
    )
    volume = results(result.run_dir, "volume")
    assert len(volume) > 0


def test_regression_on_a_kosis_workbook_with_plain_names(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent / "catalog"))
    from portal_files import kosis_workbook

    data = tmp_path / "kosis.xlsx"
    kosis_workbook(data)
    columns = {"2026.04_총인구수 (명)": "인구", "2026.04_세대수 (세대)": "세대"}
    result = run_analysis(
        "regression",
        {"data_path": str(data), "formula": "세대 ~ 인구", "columns": columns},
        out=tmp_path / "run",
    )
    coefficients = results(result.run_dir, "coefficients")
    assert coefficients.iloc[:, 0].astype(str).str.contains("인구").any()


def test_every_table_analysis_takes_a_column_map_and_names_its_datasets():
    from workbench.runner import list_analyses

    for analysis in list_analyses():
        if analysis.name == "profile" or not analysis.meta.inputs:
            continue
        assert analysis.parameter("columns") is not None, analysis.name
        assert analysis.meta.datasets, analysis.name


@pytest.mark.parametrize("style", ["cli"])
def test_a_column_the_file_lacks_is_refused_before_any_kernel(tmp_path, kernel_starts, style):
    from typer.testing import CliRunner

    from workbench.cli import app, join_param_pairs

    data = tmp_path / "위기정보.csv"
    columns = af.crisis_information(data, n=200)
    del columns["단전여부"]
    wrong = columns | {"단전 여부": "단전"}
    args = ["run", "welfare_blind_spots", "-p", "data_path", str(data)]
    out = tmp_path / "run"
    # A map key that is not a column: named, with the closest column.
    result = CliRunner().invoke(
        app, join_param_pairs([*args, "-p", "columns", json.dumps(wrong), "--out", str(out)])
    )
    assert result.exit_code == 2, result.output
    assert "'단전 여부' 열이" in result.output and "'단전여부'" in result.output
    # A required column still missing after the map: named, with the -p columns fix.
    result = CliRunner().invoke(
        app, join_param_pairs([*args, "-p", "columns", json.dumps(columns), "--out", str(out)])
    )
    assert result.exit_code == 2, result.output
    assert "'단전'" in result.output and '{"단전여부": "단전"}' in result.output
    assert not kernel_starts and not out.exists()


def test_show_lists_the_datasets_an_analysis_is_meant_for():
    from typer.testing import CliRunner

    from workbench.cli import app

    result = CliRunner().invoke(app, ["show", "apartment_fees"])
    assert result.exit_code == 0
    assert "K-apt" in result.output and "부과금액" in result.output
    assert find_analysis("apartment_fees").meta.datasets[0].provider


def test_kosis_months_stay_months_not_numbers(tmp_path):
    from workbench import read_table
    from workbench.blocks import year_month

    data = tmp_path / "kosis.csv"
    af.portal_csv(data, pd.DataFrame({"시점": ["2022.09", "2022.10", "2022.11"], "값": [1, 2, 3]}))
    frame = read_table(data)
    assert year_month(frame["시점"]).tolist() == ["2022-09", "2022-10", "2022-11"]


def test_a_flat_map_is_split_over_several_inputs_and_a_stray_key_is_named():
    from workbench.catalog._columns import split_column_map
    from workbench.exceptions import ColumnMapError

    headers = {
        "fees_path": ["단지코드", "발생년월", "부과금액(원)"],
        "bids_path": ["단지코드", "비목"],
    }
    maps = split_column_map({"발생년월": "부과월", "비목": "항목"}, headers)
    assert maps == {"fees_path": {"발생년월": "부과월"}, "bids_path": {"비목": "항목"}}
    with pytest.raises(ColumnMapError) as error:
        split_column_map({"부과금액": "부과액"}, headers)
    assert error.value.column == "부과금액" and error.value.suggestions == ["부과금액(원)"]
    with pytest.raises(ColumnMapError, match="이미 '비목' 열이"):
        split_column_map({"bids_path": {"단지코드": "비목"}}, headers)
