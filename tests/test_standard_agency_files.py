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
    paths, columns, planted = af.kapt_files(tmp_path)
    params = {name: str(path) for name, path in paths.items()} | {"columns": columns}
    result = run_analysis("apartment_fees", params, out=tmp_path / "run")
    # The planted billing gaps are found in the K-apt files, and the audit list names
    # planted complexes first.
    gaps = results(result.run_dir, "billing_gaps")
    gap_complexes = set(planted.loc[planted["유형"] == "부과-지급 차이", "단지코드"])
    assert gap_complexes and gap_complexes <= set(gaps["단지코드"])
    ranking = results(result.run_dir, "audit_ranking")
    assert ranking["단지코드"].iloc[0] in set(planted["단지코드"])
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
    # 용산구 has three times the EVs of 종로구 (국토교통부 file): a site goes there.
    from workbench import blocks, read_table

    published = {name: read_table(path) for name, path in paths.items()}
    grid = blocks.demand_grid(
        published["chargers_path"],
        published["population_path"],
        vehicles=published["vehicles_path"],
    ).set_index("격자ID")
    sites = results(result.run_dir, "sites")
    assert len(sites) == 2
    assert "서울특별시 용산구" in set(grid.loc[sites["격자ID"], "시군구"])


def test_benefit_fraud_signals_on_extracts_with_per_input_maps(tmp_path):
    paths, columns = af.benefit_files(tmp_path)
    params = {name: str(path) for name, path in paths.items()} | {"columns": columns}
    result = run_analysis("benefit_fraud_signals", params, out=tmp_path / "run")
    # Every planted case is found from the four extracts joined on 가명번호.
    overview = results(result.run_dir, "overview").set_index("항목")["인원"]
    assert overview["전체 수급자"] == 600
    precision = results(result.run_dir, "precision_at_k").set_index("상위 k명")["정밀도"]
    assert precision[50] > 0.9


def _did_near_the_planted_effect(run_dir, data):
    estimate = float(results(run_dir, "did").iloc[0, 1])
    assert 1.0 < estimate < 3.0  # the planted 2.0 %p


def _model_beats_the_base_rate(run_dir, data):
    evaluation = results(run_dir, "evaluation").set_index("구분")["AUC"]
    assert evaluation["모형"] > evaluation.drop("모형").max() + 0.1


def _crisis_households_found(run_dir, data):
    models = results(run_dir, "models")
    assert (models["AUC"] > 0.9).all() and (models["재현율"] > 0.85).all()


def _redesign_raised_completion(run_dir, data):
    assert len(results(run_dir, "funnel")) == 4  # the four 신청 steps
    rates = results(run_dir, "completion").set_index("구분")["완료율"]
    assert rates["변경 후"] > rates["변경 전"]


def _every_household_with_income_counted(run_dir, data):
    from workbench import read_table

    incomes = read_table(data)["경상소득_월평균(만원)"]
    assert results(run_dir, "regions")["가구 수"].sum() == int((incomes > 0).sum())


def _complaints_counted(run_dir, data):
    assert len(results(run_dir, "volume")) > 0


@pytest.mark.parametrize(
    ("analysis", "builder", "name", "extra", "check"),
    [
        ("policy_effect", lambda p: af.kosis_employment(p)[1], "시군구별_청년고용률.csv", {},
         _did_near_the_planted_effect),
        ("small_business_risk", af.card_sales, "가맹점_월매출.csv",
         {"n_repeats": 2, "test_from": "2022-07"}, _model_beats_the_base_rate),
        ("welfare_blind_spots", af.crisis_information, "위기정보.csv", {},
         _crisis_households_found),
        ("service_usage", af.web_log, "접속기록.csv", {}, _redesign_raised_completion),
        ("household_income", af.household_survey, "가계금융복지조사.csv", {},
         _every_household_with_income_counted),
        ("complaint_text", af.petitions, "국민신문고_민원.csv", {"n_topics": 3},
         _complaints_counted),
    ],
)  # fmt: skip
def test_one_file_analyses_on_the_published_shape(tmp_path, analysis, builder, name, extra, check):
    data = tmp_path / name
    columns = builder(data)
    params = {"data_path": str(data), "columns": columns} | extra
    result = run_analysis(analysis, params, out=tmp_path / "run")
    check(result.run_dir, data)


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


def test_a_column_the_file_lacks_is_refused_before_any_kernel(tmp_path, kernel_starts):
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
    assert "'단전'" in result.output and '"단전여부": "단전"}' in result.output
    assert '"가구일련번호": "가구ID"' in result.output  # the map given, kept in the fix
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
    # A table read on its own takes a per-input map of one input, not of several.
    from workbench import read_table

    frame = read_table("sample://households?n=5", columns={"data_path": {"월소득": "income"}})
    assert "income" in frame.columns
    with pytest.raises(ColumnMapError, match=r"wb\.read_inputs"):
        read_table("sample://households?n=5", columns={"a": {"월소득": "x"}, "b": {"나이": "y"}})
