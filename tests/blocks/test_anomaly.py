"""Emission anomaly block, its sample generator and its standard notebook."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from key_results_check import Key, assert_key_results, count, percent
from korean_check import assert_korean
from workbench.blocks._anomaly import EmissionAnomalyDetector, robust_z
from workbench.exceptions import ParameterError
from workbench.samples._emissions import ANOMALY_KINDS, emission_anomaly_truth, emissions

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "standard" / "emission_anomalies.ipynb"
THRESHOLD = 3.5  # the documented default z_threshold


def _recall_and_false_positive_rate(seed: int) -> tuple[float, float, pd.Series]:
    df = emissions(seed=seed)
    truth = emission_anomaly_truth(seed=seed)
    flags = EmissionAnomalyDetector(z_threshold=THRESHOLD).fit_predict(df)
    key = df["시설ID"] + "|" + df["연월"]
    planted = key.isin(truth["시설ID"] + "|" + truth["연월"]).to_numpy()
    recall = (flags & planted).sum() / planted.sum()
    false_positive_rate = (flags & ~planted).sum() / (~planted).sum()
    by_kind = pd.Series(flags[planted], index=key[planted]).groupby(
        truth.set_index(truth["시설ID"] + "|" + truth["연월"])["유형"]
    )
    return recall, false_positive_rate, by_kind.mean()


# --- robust z ----------------------------------------------------------------------------


def test_robust_z_is_zero_at_the_median_and_ignores_nan():
    z = robust_z([1.0, 2.0, np.nan, 3.0])
    assert z[1] == 0.0
    assert np.isnan(z[2])


def test_robust_z_falls_back_when_mad_is_zero():
    z = robust_z([5.0, 5.0, 5.0, 5.0, 9.0])
    assert z[-1] > 3.5 and z[0] == 0.0
    assert robust_z([2.0, 2.0]).tolist() == [0.0, 0.0]
    assert np.isnan(robust_z([np.nan])).all()


# --- sample generator --------------------------------------------------------------------


def test_sample_is_seeded_and_has_no_person_columns():
    a, b = emissions(n_facilities=10, months=24, seed=3), emissions(10, 24, 3)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(emissions(n_facilities=10, months=24, seed=4))
    assert a["시설ID"].nunique() == 10 and len(a) == 240
    assert a["법정동코드"].str.fullmatch(r"\d{10}").all()
    assert (a[["연료사용량", "전력사용량", "배출량", "생산량"]] > 0).all().all()
    assert not {"성명", "주소", "전화번호"} & set(a.columns)


def test_truth_marks_every_kind_at_real_facility_months():
    df, truth = emissions(seed=0), emission_anomaly_truth(seed=0)
    assert set(truth["유형"]) == set(ANOMALY_KINDS)
    rows = df.merge(truth, on=["시설ID", "연월"])
    assert len(rows) == len(truth)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"n_facilities": 0}, "n_facilities"), ({"months": 12}, "months"), ({"seed": -1}, "seed")],
)
def test_sample_refuses_bad_arguments(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        emissions(**kwargs)


# --- planted signal ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_anomalies_are_recalled_with_few_false_positives(seed):
    recall, false_positive_rate, by_kind = _recall_and_false_positive_rate(seed)
    assert recall >= 0.9, by_kind
    assert (by_kind >= 0.85).all(), by_kind
    assert false_positive_rate <= 0.03


def test_every_flag_has_a_reason_naming_its_signal():
    df = emissions(seed=0)
    truth = emission_anomaly_truth(seed=0)
    scores = EmissionAnomalyDetector().fit(df).scores_
    flagged = scores[scores["이상 여부"]]
    assert (flagged["사유"].str.len() > 0).all()
    assert (scores.loc[~scores["이상 여부"], "사유"] == "").all()
    merged = flagged.merge(truth, on=["시설ID", "연월"])
    spikes = merged[merged["유형"] == "급증"]["사유"]
    assert spikes.str.contains("배출량: 계절 추세 대비 높음").all()
    peers = merged[merged["유형"] == "원단위 이상"]["사유"]
    assert peers.str.contains("동종 업종 대비 배출원단위 이상").mean() >= 0.9
    assert re.search(r"로버스트 z \d+\.\d", spikes.iloc[0])


def test_scores_keep_the_input_index_and_order():
    df = emissions(n_facilities=10, months=24, seed=1).sample(frac=1.0, random_state=0)
    df.index = df.index + 1000
    scores = EmissionAnomalyDetector().fit(df).scores_
    assert scores.index.equals(df.index)
    assert scores["시설ID"].tolist() == df["시설ID"].tolist()


def test_short_series_and_small_industries_get_no_scores_but_no_error():
    df = emissions(n_facilities=3, months=24, seed=0)
    short = df[df["연월"] < "2023-01"]  # 12 months: too short for STL at period 12
    scores = EmissionAnomalyDetector(min_peers=5).fit(short).scores_
    assert scores["계절 z (배출량)"].isna().all()
    assert scores["배출원단위 동종 z"].isna().all()
    assert scores["배출원단위 자체 z"].notna().all()


# --- parameter and input errors ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"z_threshold": 0}, "z_threshold"),
        ({"contamination": 0.6}, "contamination"),
        ({"period": 1}, "period"),
        ({"min_peers": True}, "min_peers"),
        ({"random_state": -1}, "random_state"),
    ],
)
def test_bad_parameters_raise_korean_messages_naming_them(kwargs, name):
    df = emissions(n_facilities=5, months=24, seed=0)
    with pytest.raises(ParameterError) as info:
        EmissionAnomalyDetector(**kwargs).fit(df)
    assert info.value.parameter == name and info.value.got is kwargs[name]
    assert info.value.kind in ("range", "type")
    assert f"EmissionAnomalyDetector의 매개변수 '{name}'" in str(info.value)
    assert_korean(str(info.value), "EmissionAnomalyDetector")


def test_constructor_only_stores_parameters():
    detector = EmissionAnomalyDetector(z_threshold=-1)  # checked at fit, not here
    assert detector.z_threshold == -1 and not hasattr(detector, "scores_")


def test_missing_column_and_duplicates_are_named():
    df = emissions(n_facilities=5, months=24, seed=0)
    with pytest.raises(ParameterError) as info:
        EmissionAnomalyDetector().fit(df.drop(columns="생산량"))
    assert info.value.kind == "missing_columns" and info.value.expected == ["생산량"]
    assert "열 '생산량'이 없습니다" in str(info.value) and "facility_column=" in str(info.value)
    assert_korean(str(info.value), "EmissionAnomalyDetector")
    with pytest.raises(ParameterError) as info:
        EmissionAnomalyDetector().fit(pd.concat([df, df.head(1)]))
    assert (info.value.parameter, info.value.kind, info.value.got) == ("df", "duplicate", 2)
    assert "(시설ID, 연월) 쌍이 두 번 이상 나오는 행이 2개" in str(info.value)
    assert_korean(str(info.value), "EmissionAnomalyDetector")
    with pytest.raises(ParameterError) as info:
        EmissionAnomalyDetector().fit(df.to_numpy())
    assert (info.value.parameter, info.value.kind, info.value.got) == ("df", "type", "ndarray")


# --- the standard notebook ---------------------------------------------------------------


@pytest.mark.kernel
def test_notebook_runs_on_the_sample_and_reports_in_korean(tmp_path):
    from workbench.runner import run_analysis

    result = run_analysis(NOTEBOOK, out=tmp_path / "run")
    html = result.report.read_text(encoding="utf-8")
    assert "온실가스 배출 이상패턴 탐지" in html
    assert "EmissionAnomalyDetector(" not in html and "import " not in html  # no code
    flags = pd.read_csv(result.run_dir / "results" / "flags.csv", encoding="utf-8-sig")
    truth = emission_anomaly_truth(seed=0)
    found = flags.merge(truth, on=["시설ID", "연월"])
    assert len(found) / len(truth) >= 0.9
    assert flags["사유"].notna().all()
    item = "항목"
    assert_key_results(
        result.run_dir,
        [
            Key("분석한 배출 시설은 {}개입니다.", "summary", "값", {item: "시설 수"}, count),
            Key("시설별 월간 자료는 모두 {}건입니다.", "summary", "값", {item: "시설-월 수"},
                count),
            Key("이 가운데 이상으로 탐지된 시설-월은 {}건입니다.", "summary", "값",
                {item: "이상 시설-월 수"}, count),
            Key("이상 시설-월은 전체 시설-월의 {}입니다.", "summary", "값",
                {item: "이상 시설-월 비율"}, percent),
            Key("이상이 한 번 이상 탐지된 시설은 {}개입니다.", "summary", "값",
                {item: "이상이 있는 시설 수"}, count),
            Key("가장 많은 사유는 '{}'입니다.", "reasons", "사유 유형"),
        ],
    )  # fmt: skip


def test_notebook_refuses_a_missing_column_before_the_kernel_starts(tmp_path, kernel_starts):
    from workbench.exceptions import WorkbenchError
    from workbench.runner import run_analysis

    data = tmp_path / "배출.csv"
    emissions(n_facilities=5, months=24).drop(columns="생산량").to_csv(data, index=False)
    with pytest.raises(WorkbenchError, match="생산량"):
        run_analysis(NOTEBOOK, {"data_path": str(data)}, out=tmp_path / "run")
    assert kernel_starts == []


def test_a_spike_does_not_make_the_same_month_of_other_years_look_low():
    rng = np.random.default_rng(0)
    months = pd.period_range("2022-01", periods=36, freq="M").strftime("%Y-%m")
    season = 1.0 + 0.1 * np.cos(2 * np.pi * np.arange(36) / 12)
    emitted = 1000.0 * season * np.exp(rng.normal(0.0, 0.02, 36))
    emitted[27] *= 2.0  # April 2024
    df = pd.DataFrame(
        {
            "시설ID": "FAC0001",
            "업종": "시멘트",
            "연월": months,
            "연료사용량": emitted / 90.0,
            "전력사용량": 100.0,
            "배출량": emitted,
            "생산량": 3000.0 * season,
        }
    )
    z = EmissionAnomalyDetector().fit(df).scores_["계절 z (배출량)"].to_numpy()
    assert z[27] >= 10
    assert z[[3, 15]].min() > -2.0  # the Aprils of 2022 and 2023
    assert (np.abs(np.delete(z, 27)) < THRESHOLD).all()


@pytest.mark.kernel
def test_notebook_reads_an_agency_csv_in_cp949(tmp_path):
    from workbench.runner import run_analysis

    data = tmp_path / "배출.csv"
    emissions(n_facilities=40, seed=2).to_csv(data, index=False, encoding="cp949")
    result = run_analysis(NOTEBOOK, {"data_path": str(data)}, out=tmp_path / "run")
    assert result.manifest.status == "succeeded"
    assert [record.path for record in result.manifest.inputs] == [str(data)]
    summary = pd.read_csv(result.run_dir / "results" / "summary.csv", encoding="utf-8-sig")
    assert summary.loc[summary["항목"] == "시설 수", "값"].item() == 40
