"""The welfare blind-spot block: rules, the recall-targeted risk model, fairness tables."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from key_results_check import Key, assert_key_results, count, percent
from korean_check import assert_korean
from workbench.blocks._welfare import (
    DEFAULT_RULES,
    WELFARE_SCHEMA,
    CrisisRiskModel,
    CrisisRule,
    flag_rules,
    group_metrics,
    merge_small_groups,
    recall_threshold,
)
from workbench.exceptions import ParameterError
from workbench.samples._welfare import CRISIS_KINDS, NO_CRISIS, welfare_households

TARGET_RECALL = 0.9


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return welfare_households(n=5000, seed=0)


# --- sample generator --------------------------------------------------------------------


def test_sample_is_seeded_and_valid(sample):
    pd.testing.assert_frame_equal(welfare_households(n=300, seed=4), welfare_households(300, 4))
    assert not welfare_households(n=300, seed=4).equals(welfare_households(n=300, seed=5))
    WELFARE_SCHEMA.validate(sample)
    assert set(sample["위기유형"]) == {NO_CRISIS, *CRISIS_KINDS}
    assert (sample["위기가구"] == (sample["위기유형"] != NO_CRISIS)).all()
    assert 0.08 < sample["위기가구"].mean() < 0.16


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10"])
def test_sample_rejects_bad_n(bad):
    with pytest.raises(ParameterError) as info:
        welfare_households(n=bad)
    assert (info.value.parameter, info.value.got, info.value.kind) == ("n", bad, "range")


# --- rules -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rules_find_every_planted_household_of_their_kind(seed):
    df = welfare_households(n=3000, seed=seed)
    flags = flag_rules(df)
    assert [rule.name for rule in DEFAULT_RULES] == list(CRISIS_KINDS[:3])
    for rule in DEFAULT_RULES:
        planted = df["위기유형"] == rule.name
        assert planted.sum() > 20
        assert flags.loc[planted, rule.name].all(), rule.name
    # The rules are precise: few households they flag are not in crisis.
    assert df.loc[flags.any(axis=1), "위기가구"].mean() > 0.9


def test_rules_are_data_and_check_their_columns():
    df = pd.DataFrame({"a": [1, 5, 9], "b": [True, True, False]})
    rule = CrisisRule("r", "", all_of=(("a", ">", 2),), any_of=(("b", "==", True),))
    assert flag_rules(df, [rule])["r"].tolist() == [False, True, False]
    with pytest.raises(ParameterError) as info:
        flag_rules(df, [CrisisRule("x", "", all_of=(("c", ">=", 1),))])
    assert (info.value.kind, info.value.expected) == ("missing_columns", ["c"])
    with pytest.raises(ParameterError) as info:
        flag_rules(df, [CrisisRule("x", "", all_of=(("a", "~", 1),))])
    assert (info.value.parameter, info.value.got, info.value.kind) == ("rules", "~", "choice")
    assert "규칙 'x'의 연산자로는 '>=', '>', '==', '<=' 중 하나를" in str(info.value)
    assert_korean(str(info.value))


# --- threshold and model -----------------------------------------------------------------


def test_recall_threshold_reaches_target_and_takes_free_catches():
    y = np.array([1] * 10 + [0] * 10, dtype=bool)
    scores = np.r_[np.linspace(0.95, 0.5, 10), np.linspace(0.45, 0.0, 10)]
    # Separable: every crisis household is above every other, so all ten come free.
    assert recall_threshold(y, scores, 0.7) == pytest.approx(0.5)
    rng = np.random.default_rng(0)
    y = rng.random(2000) < 0.2
    scores = rng.normal(y * 1.5, 1.0)
    for target in (0.5, 0.8, 0.95):
        t = recall_threshold(y, scores, target, confidence=0.9)
        assert (scores[y] >= t).mean() >= target
    with pytest.raises(ParameterError) as info:
        recall_threshold(y, scores, 1.5)
    assert (info.value.parameter, info.value.got) == ("target_recall", 1.5)
    with pytest.raises(ParameterError) as info:
        recall_threshold(np.zeros(3, dtype=bool), scores[:3], 0.9)
    assert (info.value.parameter, info.value.kind) == ("y_true", "no_positive")
    assert_korean(str(info.value), "recall_threshold")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_boosting_model_meets_target_recall_on_held_out_data(seed):
    df = welfare_households(n=5000, seed=seed)
    train, test = train_test_split(df, test_size=0.3, random_state=seed, stratify=df["위기가구"])
    model = CrisisRiskModel("boosting", target_recall=TARGET_RECALL).fit(train, train["위기가구"])
    flagged = model.predict(test)
    truth = test["위기가구"].to_numpy()
    assert flagged[truth].mean() >= TARGET_RECALL
    assert truth[flagged].mean() > 0.8  # precision
    # Every planted kind, including the one no rule describes, is mostly found.
    for kind in CRISIS_KINDS:
        assert flagged[(test["위기유형"] == kind).to_numpy()].mean() > 0.75, kind


def test_logistic_model_is_close_to_target_on_held_out_data(sample):
    train, test = train_test_split(
        sample, test_size=0.3, random_state=0, stratify=sample["위기가구"]
    )
    model = CrisisRiskModel("logistic").fit(train, train["위기가구"])
    assert model.features_[-4:] == [
        "가구유형_독거노인",
        "가구유형_한부모",
        "가구유형_장애인",
        "가구유형_일반",
    ]
    assert 0 < model.threshold_ < 1
    assert model.predict_proba(test).shape == (len(test), 2)
    assert model.predict(test)[test["위기가구"].to_numpy()].mean() >= TARGET_RECALL - 0.05


@pytest.mark.parametrize(
    ("params", "name"),
    [({"model": "forest"}, "model"), ({"target_recall": 0}, "target_recall"), ({"cv": 1}, "cv")],
)
def test_model_rejects_bad_parameters(sample, params, name):
    with pytest.raises(ParameterError) as info:
        CrisisRiskModel(**params).fit(sample, sample["위기가구"])
    assert (info.value.parameter, info.value.got) == (name, params[name])
    assert f"CrisisRiskModel의 매개변수 '{name}'" in str(info.value)
    assert_korean(str(info.value), "CrisisRiskModel")


# --- release-safe tables -----------------------------------------------------------------


def test_merge_small_groups_leaves_no_small_cell():
    table = pd.DataFrame({"n": [50, 4, 30, 3], "m": [20, 1, 9, 2]}, index=list("가나다라"))
    merged = merge_small_groups(table, ["n", "m"])
    assert merged.to_dict("index") == {"가": {"n": 50, "m": 20}, "기타": {"n": 37, "m": 12}}
    assert merged["n"].sum() == table["n"].sum()


def test_group_metrics_by_type_and_region_pass_the_gate(sample):
    flags = flag_rules(sample).any(axis=1)
    for groups in (sample["가구유형"], sample["시군구"]):
        table = group_metrics(sample["위기가구"], flags, groups)
        counts = table[["가구 수", "위기가구 수", "발굴 수", "적중 수"]]
        assert (counts >= 10).all().all()
        assert table.loc["전체", "가구 수"] == len(sample)
        assert table["재현율"].between(0, 1).all() and table["F1"].between(0, 1).all()
    by_type = group_metrics(sample["위기가구"], flags, sample["가구유형"])
    assert by_type.loc["전체", "재현율"] == pytest.approx(
        flags[sample["위기가구"]].mean(), abs=1e-4
    )


@pytest.mark.kernel
def test_notebook_runs_and_keeps_the_visit_list_internal(tmp_path):
    from workbench.runner import run_analysis

    result = run_analysis(
        Path("notebooks/standard/welfare_blind_spots.ipynb"), out=tmp_path / "run"
    )
    html = result.report.read_text(encoding="utf-8")
    assert "복지사각지대 발굴" in html
    assert "wb.read_table" not in html and "import " not in html  # no code
    visits = pd.read_csv(result.run_dir / "internal" / "visit_list.csv", encoding="utf-8-sig")
    assert len(visits) > 100
    assert visits["가구ID"].iloc[0] not in html  # person-level rows never in the report
    assert not (result.run_dir / "results" / "visit_list.csv").exists()
    rules = {"방법": "규칙", "집단": "전체"}
    model = {"방법": "모형", "집단": "전체"}
    assert_key_results(
        result.run_dir,
        [
            Key("분석한 가구는 {}가구입니다.", "fairness_type", "가구 수", rules, count),
            Key("이 가운데 확인된 위기가구는 {}가구입니다.", "fairness_type", "위기가구 수",
                rules, count),
            Key("현행 규칙은 위기가구의 {}를 찾아냈습니다.", "fairness_type", "재현율", rules,
                percent),
            Key("위험 모형은 위기가구의 {}를 찾아냈습니다.", "fairness_type", "재현율", model,
                percent),
            Key("모형이 고른 가구 가운데 실제 위기가구의 비율(정밀도)은 {}입니다.",
                "fairness_type", "정밀도", model, percent),
            Key("규칙이나 모형으로 고른 방문 대상은 {}가구입니다.", "fairness_type", "발굴 수",
                {"방법": "규칙 또는 모형", "집단": "전체"}, count),
        ],
    )  # fmt: skip
    regions = pd.read_csv(result.run_dir / "results" / "regions.csv", encoding="utf-8-sig")
    assert regions["방문 대상 수"].sum() == len(visits)  # the key result's 방문 대상
