"""Apartment fee blocks, the apartment sample, and the apartment_fees standard analysis."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from key_results_check import Key, assert_key_results, count
from korean_check import assert_korean
from workbench.blocks._fees import (
    PeerComparison,
    audit_ranking,
    bid_flags,
    billing_gaps,
    per_area_costs,
)
from workbench.exceptions import ParameterError
from workbench.samples._apartments import (
    apartment_bids,
    apartment_fees,
    apartment_invoices,
    apartments,
)

AUDIT_SHARE = 0.1  # the notebook's documented cut-off: the top 10% of the ranking


def _ranking(sample, **kwargs):
    costs = per_area_costs(sample.fees)
    z = PeerComparison().fit(costs).transform(costs)
    gaps = billing_gaps(sample.fees, sample.invoices)
    return audit_ranking(z, gaps, bid_flags(sample.bids), **kwargs)


def _costs(values, **columns):
    n = len(values)
    frame = pd.DataFrame(
        {
            "단지코드": [f"A{i:03d}" for i in range(n)],
            "세대수": columns.get("세대수", 500),
            "난방방식": columns.get("난방방식", "개별"),
            "준공연도": columns.get("준공연도", 2005),
            "항목": "경비비",
            "원/㎡": values,
        }
    )
    return frame


# --- per_area_costs ------------------------------------------------------------------------


def test_per_area_costs_divides_mean_monthly_charge_by_area():
    fees = apartments(n=20, seed=0, n_irregular=0).fees
    costs = per_area_costs(fees)
    assert len(costs) == 20 * 8
    one = fees[(fees["단지코드"] == "A00001") & (fees["항목"] == "청소비")]
    row = costs[(costs["단지코드"] == "A00001") & (costs["항목"] == "청소비")].iloc[0]
    expected = one["부과액"].sum() / 12 / one["전용면적합계"].iloc[0]
    assert row["원/㎡"] == pytest.approx(expected, abs=1e-3)
    assert row["월수"] == 12


def test_per_area_costs_names_missing_column():
    fees = apartments(n=20, seed=0, n_irregular=0).fees.drop(columns="난방방식")
    with pytest.raises(ParameterError, match="난방방식"):
        per_area_costs(fees)


# --- PeerComparison --------------------------------------------------------------------------


def test_peer_comparison_flags_only_the_outlier():
    rng = np.random.default_rng(3)
    costs = _costs(np.exp(rng.normal(6.0, 0.1, 40)))
    costs.loc[5, "원/㎡"] *= 1.8
    z = PeerComparison().fit(costs).transform(costs)
    assert z.loc[5, "로버스트z"] > 3.5
    assert z.drop(index=5)["로버스트z"].abs().max() < 3.5
    assert list(z.columns[-3:]) == ["비교집단", "또래중앙값", "로버스트z"]


def test_peer_comparison_compares_within_heating_type():
    rng = np.random.default_rng(4)
    gas = np.exp(rng.normal(np.log(200), 0.05, 20))
    central = np.exp(rng.normal(np.log(700), 0.05, 20))
    heating = ["개별"] * 20 + ["중앙"] * 20
    costs = _costs(np.concatenate([gas, central]), 난방방식=heating)
    z = PeerComparison().fit(costs).transform(costs)
    # Pooled together, central heating would look inflated; among peers it does not.
    assert z["로버스트z"].abs().max() < 3.5
    assert set(z["비교집단"]) == {"300~999세대 / 개별 / 10~19년", "300~999세대 / 중앙 / 10~19년"}


def test_peer_comparison_falls_back_to_wider_groups():
    rng = np.random.default_rng(5)
    ages = [2020] * 3 + [2000] * 27  # too few new complexes for their own group
    costs = _costs(np.exp(rng.normal(6.0, 0.1, 30)), 준공연도=ages)
    z = PeerComparison(min_peers=10).fit(costs).transform(costs)
    assert set(z.loc[:2, "비교집단"]) == {"300~999세대 / 개별"}
    assert set(z.loc[3:, "비교집단"]) == {"300~999세대 / 개별 / 20년 이상"}


def test_peer_comparison_transform_before_fit_and_bad_min_peers():
    costs = _costs([1.0, 2.0, 3.0])
    with pytest.raises(ParameterError) as info:
        PeerComparison().transform(costs)
    assert info.value.kind == "not_fitted"
    assert "PeerComparison은 아직 학습되지 않았습니다" in str(info.value)
    assert_korean(str(info.value), "PeerComparison", "PeerComparison.fit")
    with pytest.raises(ParameterError) as info:
        PeerComparison(min_peers=1).fit(costs)
    assert (info.value.parameter, info.value.got) == ("min_peers", 1)


# --- billing_gaps and bid_flags --------------------------------------------------------------


def test_billing_gaps_counts_months_without_billing_as_zero():
    keys = {"단지코드": ["A1"] * 2, "부과월": ["2024-01", "2024-02"], "항목": ["경비비"] * 2}
    invoices = pd.DataFrame({**keys, "지급액": [1000.0, 1000.0]})
    fees = pd.DataFrame({**keys, "부과액": [1300.0, 1000.0]}).iloc[:1]
    gaps = billing_gaps(fees, invoices)
    assert gaps.loc[0, "부과합계"] == 1300.0
    assert gaps.loc[0, "차이율"] == pytest.approx(-0.35)


def test_bid_flags_repeat_min_is_checked():
    bids = pd.DataFrame({"단지코드": ["A1"], "참가업체수": [1], "낙찰업체": ["X"]})
    assert bid_flags(bids, repeat_min=2).loc[0, "단독입찰 비율"] == 1.0
    with pytest.raises(ParameterError) as info:
        bid_flags(bids, repeat_min=1)
    assert (info.value.parameter, info.value.got) == ("repeat_min", 1)
    assert "bid_flags의 매개변수 'repeat_min'은 2 이상의 정수여야" in str(info.value)


# --- audit_ranking ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [("z_threshold", 0), ("gap_threshold", -0.1), ("single_share", 1.5), ("z_threshold", "3")],
)
def test_audit_ranking_rejects_bad_thresholds(name, value):
    sample = apartments(n=20, seed=0, n_irregular=0)
    with pytest.raises(ParameterError) as info:
        _ranking(sample, **{name: value})
    assert (info.value.parameter, info.value.got) == (name, value)
    assert f"audit_ranking의 매개변수 '{name}'" in str(info.value)
    assert_korean(str(info.value), "audit_ranking")


def test_audit_ranking_gives_reasons_for_every_flagged_complex():
    ranking = _ranking(apartments(seed=0))
    assert list(ranking["순위"]) == list(range(1, len(ranking) + 1))
    assert ranking["점수"].is_monotonic_decreasing
    flagged = ranking[ranking["점수"] > 0]
    assert (flagged["사유"] != "").all()
    assert (ranking.loc[ranking["점수"] == 0, "사유"] == "").all()


# --- the sample and its planted signal -------------------------------------------------------


def test_sample_is_seeded_and_consistent():
    a, b = apartments(n=40, seed=2), apartments(n=40, seed=2)
    pd.testing.assert_frame_equal(a.fees, b.fees)
    pd.testing.assert_frame_equal(a.bids, b.bids)
    assert not a.fees.equals(apartments(n=40, seed=3).fees)
    pd.testing.assert_frame_equal(apartment_fees(n=40, seed=2), a.fees)
    pd.testing.assert_frame_equal(apartment_invoices(n=40, seed=2), a.invoices)
    pd.testing.assert_frame_equal(apartment_bids(n=40, seed=2), a.bids)
    # Honest complexes bill exactly what they paid.
    gaps = billing_gaps(a.fees, a.invoices)
    honest = ~gaps["단지코드"].isin(a.planted["단지코드"])
    assert (gaps.loc[honest, "차이율"].abs() < 1e-3).all()


@pytest.mark.parametrize(("n", "n_irregular"), [(19, 0), (40, 11), (40, -1)])
def test_sample_rejects_bad_sizes(n, n_irregular):
    with pytest.raises(ParameterError):
        apartments(n=n, n_irregular=n_irregular)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_planted_complexes_recalled_in_top_of_ranking(seed):
    sample = apartments(n=300, seed=seed)
    ranking = _ranking(sample)
    top = ranking.head(round(AUDIT_SHARE * len(ranking)))
    planted = set(sample.planted["단지코드"])
    assert len(planted) == 15
    recall = len(planted & set(top["단지코드"])) / len(planted)
    assert recall >= 0.9
    # Each kind of irregularity is found for its own reason.
    reasons = sample.planted.merge(ranking, on="단지코드")
    words = {
        "항목 부풀림": "비교집단",
        "부과-지급 차이": "부과액이 지급액보다",
        "입찰 담합": "입찰",
    }
    found = [
        words[kind] in reason for kind, reason in zip(reasons["유형"], reasons["사유"], strict=True)
    ]
    assert sum(found) >= 0.9 * len(found)


# --- the standard analysis -------------------------------------------------------------------


@pytest.mark.kernel
def test_apartment_fees_notebook_runs_on_its_sample(tmp_path):
    from workbench.runner import run_analysis

    notebook = Path(__file__).parents[2] / "notebooks" / "standard" / "apartment_fees.ipynb"
    result = run_analysis(notebook, out=tmp_path / "run")
    html = result.report.read_text(encoding="utf-8")
    assert "<title>공동주택 관리비 투명성 분석</title>" in html
    assert "감사 우선순위" in html
    for code in ("FEES_SCHEMA", "per_area_costs(", "plt.subplots", "from workbench"):
        assert code not in html  # no code in the report
    results = result.run_dir / "results"
    ranking = pd.read_csv(results / "audit_ranking.csv", encoding="utf-8-sig")
    planted = set(apartments(n=300, seed=0).planted["단지코드"])
    assert len(planted & set(ranking["단지코드"])) / len(planted) >= 0.9
    assert_key_results(
        result.run_dir,
        [
            Key("관리비 부과 내역을 분석한 단지는 {}곳입니다.", "overview", "값",
                {"항목": "분석한 단지 (곳)"}, count),
            Key("이 가운데 감사 우선순위 상위에 오른 단지는 {}곳입니다.", "overview", "값",
                {"항목": "감사 우선순위 상위 단지 (곳)"}, count),
            Key("비교집단 중앙값보다 1㎡당 관리비가 두드러지게 높은 단지·항목은 {}건입니다.",
                "overview", "값", {"항목": "비교집단보다 높은 항목 (건)"}, count),
            Key("용역업체 지급액보다 기준 이상 많이 부과한 단지·항목은 {}건입니다.",
                "overview", "값", {"항목": "지급액보다 많이 부과한 항목 (건)"}, count),
            Key("단독 입찰이 잦거나 같은 업체가 반복 낙찰된 단지는 {}곳입니다.",
                "overview", "값", {"항목": "입찰 이상 징후 단지 (곳)"}, count),
            Key("감사 우선순위 1위 단지의 사유는 '{}'입니다.", "audit_ranking", "사유"),
        ],
    )  # fmt: skip
    # The summary's counts are the rows of the tables it sums up.
    rows = {
        name: len(pd.read_csv(results / f"{name}.csv"))
        for name in ("item_outliers", "billing_gaps", "bid_flags", "audit_ranking")
    }
    overview = pd.read_csv(results / "overview.csv", encoding="utf-8-sig")
    assert overview["값"].tolist() == [
        300, rows["item_outliers"], rows["billing_gaps"], rows["bid_flags"], rows["audit_ranking"]
    ]  # fmt: skip


def test_apartment_fees_refuses_missing_column_before_kernel(tmp_path):
    from workbench.runner import run_analysis

    notebook = Path(__file__).parents[2] / "notebooks" / "standard" / "apartment_fees.ipynb"
    fees = tmp_path / "fees.csv"
    apartments(n=20, seed=0).fees.drop(columns="난방방식").to_csv(fees, index=False)
    with pytest.raises(ParameterError, match="난방방식"):
        run_analysis(notebook, {"fees_path": str(fees)}, out=tmp_path / "run")


@pytest.mark.kernel
def test_apartment_fees_notebook_reads_agency_files(tmp_path):
    from workbench.runner import run_analysis

    notebook = Path(__file__).parents[2] / "notebooks" / "standard" / "apartment_fees.ipynb"
    sample = apartments(n=300, seed=1)
    params = {}
    for name in ("fees", "invoices", "bids"):
        path = tmp_path / f"{name}.csv"
        getattr(sample, name).to_csv(path, index=False, encoding="cp949")
        params[f"{name}_path"] = str(path)
    result = run_analysis(notebook, params, out=tmp_path / "run")
    ranking = pd.read_csv(result.run_dir / "results" / "audit_ranking.csv", encoding="utf-8-sig")
    planted = set(sample.planted["단지코드"])
    assert len(planted & set(ranking["단지코드"])) / len(planted) >= 0.9
