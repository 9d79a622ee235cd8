"""Benefit-fraud signals: overlap rules, evidence, the review queue and its precision."""

from pathlib import Path

import pandas as pd
import pytest

from key_results_check import Key, assert_key_results, count, percent
from korean_check import assert_korean
from workbench.blocks._fraud import (
    CERTIFICATION_SCHEMA,
    CLAIM_SCHEMA,
    DEFAULT_RULES,
    EMPLOYMENT_SCHEMA,
    TRAVEL_SCHEMA,
    flag_overlaps,
    overlap_intervals,
    precision_at_k,
    review_queue,
    rule_counts,
)
from workbench.exceptions import ParameterError
from workbench.samples._claims import PLANTED_KINDS, benefit_claims

# Documented bounds of the sample's review queue (see benefit_claims): the first 50
# people are nearly all planted cases; at k = the number of planted cases, innocent
# short overlaps (reported short jobs, short trips) take some places.
PRECISION_AT_50 = 0.9
PRECISION_AT_PLANTED = 0.75


def test_overlap_counts_inclusive_days_and_open_ends():
    left = pd.DataFrame({"수급자ID": ["A", "A"], "s": ["2024-01-01", "2024-05-01"],
                         "e": ["2024-01-31", "2024-05-31"]})  # fmt: skip
    right = pd.DataFrame({"수급자ID": ["A", "B"], "s": ["2024-01-31", "2024-01-01"],
                          "e": [None, "2024-12-31"]})  # fmt: skip
    hits = overlap_intervals(left, right, left_period=("s", "e"), right_period=("s", "e"))
    assert hits["겹친일수"].tolist() == [1, 31]
    assert hits["겹침시작"].dt.strftime("%m-%d").tolist() == ["01-31", "05-01"]
    longer = overlap_intervals(
        left, right, left_period=("s", "e"), right_period=("s", "e"), min_days=2
    )
    assert longer["겹친일수"].tolist() == [31]


def test_overlap_refuses_bad_arguments():
    table = pd.DataFrame({"수급자ID": ["A"], "s": ["2024-01-01"], "e": ["2024-01-02"]})
    with pytest.raises(ParameterError) as info:
        overlap_intervals(table, table, left_period=("s", "x"), right_period=("s", "e"))
    assert (info.value.parameter, info.value.kind, info.value.expected) == (
        "left",
        "missing_columns",
        ["x"],
    )
    assert_korean(str(info.value), "overlap_intervals")
    with pytest.raises(ParameterError) as info:
        overlap_intervals(table, table, left_period=("s", "e"), right_period=("s", "e"), min_days=0)
    assert (info.value.parameter, info.value.got) == ("min_days", 0)
    with pytest.raises(ParameterError) as info:
        flag_overlaps({"claims": table})
    assert (info.value.parameter, info.value.expected) == ("tables", "employment")
    assert info.value.got == ["claims"]
    assert "표 'employment'가 필요한데 받은 표는 'claims'입니다" in str(info.value)
    assert_korean(str(info.value), "flag_overlaps")


def test_sample_is_seeded_and_valid():
    a, b = benefit_claims(n=300, seed=4), benefit_claims(n=300, seed=4)
    for name, table in a.tables().items():
        pd.testing.assert_frame_equal(table, b.tables()[name])
    sample = benefit_claims(n=300, seed=4)
    CLAIM_SCHEMA.validate(sample.claims)
    CERTIFICATION_SCHEMA.validate(sample.certifications)
    TRAVEL_SCHEMA.validate(sample.travel)
    EMPLOYMENT_SCHEMA.validate(sample.employment)
    with pytest.raises(ParameterError) as info:
        benefit_claims(planted_share=0.9)
    assert (info.value.parameter, info.value.got) == ("planted_share", 0.9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_planted_case_is_flagged_by_its_rule(seed):
    sample = benefit_claims(n=3000, seed=seed)
    evidence = flag_overlaps(sample.tables())
    assert set(PLANTED_KINDS) <= {rule.name for rule in DEFAULT_RULES}
    for kind in PLANTED_KINDS:
        planted = set(sample.claims.loc[sample.claims["사후확인유형"] == kind, "수급자ID"])
        assert len(planted) > 40
        flagged = set(evidence.loc[evidence["규칙"] == kind, "수급자ID"])
        assert planted <= flagged, kind
    # Evidence: which periods overlapped and by how many days.
    assert (evidence["겹친일수"] >= 1).all()
    assert (evidence["겹침시작"] >= evidence["기준시작"]).all()
    assert (evidence["겹침종료"] <= evidence["대조종료"]).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_queue_precision_meets_documented_bound(seed):
    sample = benefit_claims(n=3000, seed=seed)
    queue = review_queue(flag_overlaps(sample.tables()))
    truth = set(sample.claims.loc[sample.claims["사후확인"], "수급자ID"])
    table = precision_at_k(queue["수급자ID"], truth, [50, len(truth)])
    assert table["정밀도"].iloc[0] >= PRECISION_AT_50
    assert table["정밀도"].iloc[1] >= PRECISION_AT_PLANTED
    assert queue["순위"].tolist() == list(range(1, len(queue) + 1))
    assert queue["점수"].is_monotonic_decreasing


def test_rule_counts_merge_and_suppress_small_cells():
    ev = pd.DataFrame(
        {
            "수급자ID": [f"P{i}" for i in range(20)] + [f"Q{i}" for i in range(6)] + ["Z"] * 5,
            "규칙": [DEFAULT_RULES[0].name] * 20
            + [DEFAULT_RULES[1].name] * 6
            + [DEFAULT_RULES[2].name] * 5,
        }
    )
    table = rule_counts(ev)
    assert table.index.tolist() == [DEFAULT_RULES[0].name]  # 6 + 1 people: still too few
    ev.loc[ev["수급자ID"] == "Z", "수급자ID"] = [f"Z{i}" for i in range(5)]
    table = rule_counts(ev)
    assert table.index.tolist() == [DEFAULT_RULES[0].name, "기타 규칙(합산)"]
    assert table.loc["기타 규칙(합산)", "해당 수급자 수"] == 11
    assert (table[["해당 수급자 수", "겹침 건수"]] >= 10).all().all()


@pytest.mark.kernel
def test_notebook_runs_and_keeps_the_queue_internal(tmp_path):
    from workbench.runner import run_analysis

    result = run_analysis(
        Path("notebooks/standard/benefit_fraud_signals.ipynb"), out=tmp_path / "run"
    )
    html = result.report.read_text(encoding="utf-8")
    assert "실업급여 부정수급 예방" in html
    assert "부정수급으로 판정한 것이 아닙니다" in html
    assert "wb.read_table" not in html and "import " not in html  # no code
    queue = pd.read_csv(result.run_dir / "internal" / "review_queue.csv", encoding="utf-8-sig")
    assert len(queue) > 100
    assert queue["수급자ID"].iloc[0] not in html  # person-level rows never in the report
    assert not (result.run_dir / "results" / "review_queue.csv").exists()
    assert_key_results(
        result.run_dir,
        [
            Key("분석한 실업급여 수급자는 {}명입니다.", "overview", "인원",
                {"항목": "전체 수급자"}, count),
            Key("이 가운데 규칙에 해당해 검토 신호가 있는 수급자는 {}명입니다.", "overview",
                "인원", {"항목": "검토 신호가 있는 수급자"}, count),
            Key("규칙별로 '수급 중 취업'에 해당하는 수급자는 {}명입니다.", "rule_counts",
                "해당 수급자 수", {"규칙": "수급 중 취업"}, count),
            Key("'인정기간 중 출국'에 해당하는 수급자는 {}명입니다.", "rule_counts",
                "해당 수급자 수", {"규칙": "인정기간 중 출국"}, count),
            Key("'취업 중 실업인정'에 해당하는 수급자는 {}명입니다.", "rule_counts",
                "해당 수급자 수", {"규칙": "취업 중 실업인정"}, count),
            Key("사후 확인 결과와 대조하면 검토 목록 상위 100명 중 실제 확인 사례의 비율은 "
                "{}입니다.", "precision_at_k", "정밀도", {"상위 k명": "100"}, percent),
        ],
    )  # fmt: skip


def test_notebook_refuses_a_missing_column_before_the_kernel(tmp_path, kernel_starts):
    from workbench.runner import run_analysis

    sample = benefit_claims(n=50, seed=0)
    paths = {}
    for name, table in sample.tables().items():
        paths[f"{name}_path"] = str(tmp_path / f"{name}.csv")
        table.to_csv(paths[f"{name}_path"], index=False)
    sample.travel.drop(columns="입국일").to_csv(paths["travel_path"], index=False)
    with pytest.raises(ParameterError, match="입국일"):
        run_analysis(
            Path("notebooks/standard/benefit_fraud_signals.ipynb"), paths, out=tmp_path / "run"
        )
    assert not kernel_starts
    assert not (tmp_path / "run").exists()
