"""Tests for the policy-effect block (DiD, event study) and its panel sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from key_results_check import Key, assert_key_results, count, decimals
from korean_check import assert_korean
from workbench.blocks._did import did, event_study, event_study_chart
from workbench.exceptions import ParameterError
from workbench.samples._panel import policy_panel

COLUMNS = {"outcome": "청년고용률", "unit": "시군구코드", "time": "연월", "adoption": "도입연월"}
EFFECT = 2.0


@pytest.fixture(scope="module")
def panel():
    return policy_panel(effect=EFFECT, seed=0)


def test_panel_shape_and_staggered_adoption(panel):
    assert panel.shape == (20 * 36, 6)
    assert not panel.duplicated(["시군구코드", "연월"]).any()
    adoption = panel.groupby("시군구코드")["도입연월"].first()
    assert adoption.notna().sum() == 10
    assert adoption.dropna().nunique() > 1
    assert policy_panel(seed=3).equals(policy_panel(seed=3))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_did_recovers_the_planted_effect(seed):
    estimate = did(policy_panel(effect=EFFECT, seed=seed), **COLUMNS).estimate.iloc[0]
    assert estimate["95% 하한"] < EFFECT < estimate["95% 상한"]
    assert estimate["95% 하한"] > 0  # the interval excludes 0
    assert estimate["처치 지역 수"] == 10
    assert estimate["비교 지역 수"] == 10


def test_did_finds_nothing_without_an_effect():
    estimate = did(policy_panel(effect=0.0, seed=0), **COLUMNS).estimate.iloc[0]
    assert estimate["95% 하한"] < 0 < estimate["95% 상한"]


def test_did_uses_clustered_errors(panel):
    result = did(panel, **COLUMNS).regression.result
    assert result.cov_type == "cluster"


def test_event_study_pre_period_near_zero_post_near_effect(panel):
    table = event_study(panel, **COLUMNS, window=(-6, 6))
    assert table["상대월"].tolist() == list(range(-6, 7))
    assert table.loc[table["기준"], "계수"].tolist() == [0.0]
    pre = table[table["상대월"] < -1]
    post = table[table["상대월"] >= 0]
    assert pre["계수"].abs().max() < EFFECT / 2
    assert abs(pre["계수"].mean()) < EFFECT / 4
    assert post["계수"].mean() == pytest.approx(EFFECT, abs=EFFECT / 4)
    assert (post["95% 하한"] > 0).all()


def test_event_study_chart_has_korean_labels(panel, tmp_path):
    figure = event_study_chart(event_study(panel, **COLUMNS, window=(-3, 3)))
    ax = figure.axes[0]
    assert "상대 월" in ax.get_xlabel()
    assert "사건연구" in ax.get_title(loc="left") + ax.get_title()
    figure.savefig(tmp_path / "chart.png")


def test_adoption_as_empty_text_and_dates(panel):
    text = panel.assign(도입연월=panel["도입연월"].fillna(""))
    first = did(panel, **COLUMNS).estimate
    assert did(text, **COLUMNS).estimate.equals(first)
    dated = panel.assign(연월=pd.to_datetime(panel["연월"]))
    assert np.isclose(did(dated, **COLUMNS).estimate.iloc[0, 0], first.iloc[0, 0])


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"outcome": "없는열"}, "outcome"),
        ({"adoption": "시도"}, "adoption"),
    ],
)
def test_bad_columns(panel, change, parameter):
    with pytest.raises(ParameterError) as info:
        did(panel, **{**COLUMNS, **change})
    assert info.value.parameter == parameter
    assert_korean(str(info.value), "did")


def test_a_missing_column_names_the_notebook_parameter(panel):
    with pytest.raises(ParameterError) as info:
        did(panel, **{**COLUMNS, "unit": "읍면동코드"})
    assert (info.value.parameter, info.value.got, info.value.kind) == (
        "unit",
        "읍면동코드",
        "missing_columns",
    )
    assert "열 '읍면동코드'가 표에 없습니다" in str(info.value)
    assert "-p unit_column=" in str(info.value)  # what policy_effect's user writes


def test_no_adopters_is_refused(panel):
    with pytest.raises(ParameterError) as info:
        did(panel.assign(도입연월=None), **COLUMNS)
    assert (info.value.parameter, info.value.kind) == ("adoption", "no_adoption")
    assert_korean(str(info.value), "did")


def test_a_month_that_cannot_be_read_is_named(panel):
    bad = panel.assign(연월=panel["연월"].where(panel.index != 3, "2024년 3월"))
    with pytest.raises(ParameterError) as info:
        did(bad, **COLUMNS)
    assert (info.value.parameter, info.value.got) == ("time", "2024년 3월")
    assert "열 '연월'의 4번째 값 '2024년 3월'을 연월로 읽을 수 없습니다" in str(info.value)
    assert_korean(str(info.value), "did")


@pytest.mark.parametrize("window", [(-1, 3), (0, 3), (-3, -1), [-3, 3]])
def test_bad_window(panel, window):
    with pytest.raises(ParameterError):
        event_study(panel, **COLUMNS, window=window)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs", [{"n_regions": 3}, {"n_regions": 21}, {"n_months": 10}, {"effect": "큼"}]
)
def test_panel_bad_parameters(kwargs):
    with pytest.raises(ParameterError):
        policy_panel(**kwargs)


NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "standard" / "policy_effect.ipynb"


@pytest.mark.kernel
def test_notebook_runs_on_the_sample_and_reports_in_korean(tmp_path):
    from workbench.runner import run_analysis

    result = run_analysis(NOTEBOOK, out=tmp_path / "run")
    html = result.report.read_text(encoding="utf-8")
    assert "정책효과 분석" in html and "사건연구" in html
    assert "import " not in html and "event_study(" not in html  # no code
    assert html.count('alt="분석 결과 그래프"') >= 2  # trend and event study
    estimate = pd.read_csv(result.run_dir / "results" / "did.csv", encoding="utf-8-sig")
    assert estimate.loc[0, "95% 하한"] < EFFECT < estimate.loc[0, "95% 상한"]
    assert estimate.loc[0, "95% 하한"] > 0
    row = {"항목": "정책효과"}
    assert_key_results(
        result.run_dir,
        [
            Key("정책을 도입한 처치 지역은 {}곳입니다.", "did", "처치 지역 수", row, count),
            Key("도입하지 않은 비교 지역은 {}곳입니다.", "did", "비교 지역 수", row, count),
            Key("지역-월 관측 {}건으로 추정했습니다.", "did", "관측 수", row, count),
            Key("이중차분으로 추정한 정책효과는 결과 변수 단위로 {}입니다.", "did", "계수", row,
                decimals(2)),
            Key("정책효과의 95% 신뢰구간 하한은 {}입니다.", "did", "95% 하한", row, decimals(2)),
            Key("정책효과의 95% 신뢰구간 상한은 {}입니다.", "did", "95% 상한", row, decimals(2)),
        ],
    )  # fmt: skip


def test_notebook_refuses_a_missing_column_before_the_kernel_starts(tmp_path, kernel_starts: list):
    from workbench.exceptions import WorkbenchError
    from workbench.runner import run_analysis

    data = tmp_path / "패널.csv"
    policy_panel(n_regions=4, n_months=24).drop(columns="도입연월").to_csv(data, index=False)
    with pytest.raises(WorkbenchError, match="도입연월"):
        run_analysis(NOTEBOOK, {"data_path": str(data)}, out=tmp_path / "run")
    assert kernel_starts == []
