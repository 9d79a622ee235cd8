"""Re-identification risk: agreement with pycanon, and small hand-computed cases."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from pycanon import anonymity as pycanon

from korean_check import assert_korean
from workbench.ethics import Finding, k_anonymity, l_diversity, risk, t_closeness
from workbench.ethics._risk import equivalence_class_sizes, sample_uniques
from workbench.exceptions import ParameterError

# pycanon groups by a one-element list, which pandas 3 warns about; not our code.
pytestmark = pytest.mark.filterwarnings("ignore:In a future version, the keys of `groups`")

QI_SETS = [["성별"], ["성별", "시도"], ["성별", "시도", "연령대"], ["연령"]]
QI_IDS = ["sex", "sex+sido", "sex+sido+band", "age"]


def random_frame(seed: int, rows: int = 240) -> pd.DataFrame:
    """Seeded table with categorical and numerical quasi-identifiers and sensitive values."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "성별": rng.choice(["남", "여"], rows),
            "시도": rng.choice(
                ["서울특별시", "부산광역시", "세종특별자치시"], rows, p=[0.6, 0.3, 0.1]
            ),
            "연령대": rng.choice(["20대", "30대", "40대", "50대"], rows),
            "연령": rng.integers(20, 60, rows),
            "병명": rng.choice(
                ["감기", "당뇨", "고혈압", "암", "천식"], rows, p=[0.4, 0.25, 0.2, 0.1, 0.05]
            ),
            "소득": rng.integers(0, 30, rows) * 100,
            "점수": rng.integers(0, 40, rows) * 0.5 + 0.25,  # floats, 40 distinct
        }
    )


SEEDS = [0, 1, 2, 3, 4]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("qi", QI_SETS, ids=QI_IDS)
def test_k_anonymity_agrees_with_pycanon(seed: int, qi: list[str]) -> None:
    df = random_frame(seed)
    assert k_anonymity(df, qi) == pycanon.k_anonymity(df, qi)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("qi", QI_SETS[:3], ids=QI_IDS[:3])
@pytest.mark.parametrize(
    "sensitive", [["병명"], ["소득"], ["병명", "소득"]], ids=["categorical", "numerical", "both"]
)
def test_l_diversity_agrees_with_pycanon(seed: int, qi: list[str], sensitive: list[str]) -> None:
    df = random_frame(seed)
    assert l_diversity(df, qi, sensitive) == pycanon.l_diversity(df, qi, sensitive)
    entropy_l = l_diversity(df, qi, sensitive, kind="entropy")
    expected = pycanon.entropy_l_diversity(df, qi, sensitive)
    # pycanon reports the integer part; allow for a value that rounds either side of an integer.
    near_integer = abs(entropy_l - round(entropy_l)) < 1e-9
    assert expected == math.floor(entropy_l) or (near_integer and expected == round(entropy_l) - 1)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("qi", QI_SETS, ids=QI_IDS)
@pytest.mark.parametrize("sensitive", ["병명", "소득", "점수"], ids=["cat", "int", "float"])
def test_t_closeness_agrees_with_pycanon(seed: int, qi: list[str], sensitive: str) -> None:
    df = random_frame(seed)
    assert t_closeness(df, qi, sensitive) == pytest.approx(
        pycanon.t_closeness(df, qi, [sensitive]), abs=1e-12
    )


def test_t_closeness_of_several_attributes_is_the_largest() -> None:
    df = random_frame(7)
    both = t_closeness(df, ["성별", "시도"], ["병명", "소득"])
    assert both == max(t_closeness(df, ["성별", "시도"], s) for s in ["병명", "소득"])
    assert both == pytest.approx(pycanon.t_closeness(df, ["성별", "시도"], ["병명", "소득"]))


@pytest.fixture
def small() -> pd.DataFrame:
    """Three classes of sizes 4, 2 and 1."""
    return pd.DataFrame(
        {
            "성별": ["남", "남", "남", "남", "여", "여", "여"],
            "지역": ["서울", "서울", "서울", "서울", "부산", "부산", "서울"],
            "병명": ["감기", "감기", "당뇨", "당뇨", "암", "암", "감기"],
        }
    )


def test_hand_computed_k_l_and_uniques(small: pd.DataFrame) -> None:
    qi = ["성별", "지역"]
    assert k_anonymity(small, qi) == 1
    assert sample_uniques(small, qi) == 1
    assert k_anonymity(small, "성별") == 3
    assert l_diversity(small, qi, "병명") == 1
    assert l_diversity(small.iloc[:4], qi, "병명") == 2
    # Two values half and half: entropy ln 2, l = 2.
    assert l_diversity(small.iloc[:4], qi, "병명", kind="entropy") == pytest.approx(2.0)
    assert equivalence_class_sizes(small, qi)["size"].tolist() == [1, 2, 4]


def test_hand_computed_categorical_t_closeness(small: pd.DataFrame) -> None:
    # Overall: 감기 3/7, 당뇨 2/7, 암 2/7. Class (여, 부산) is all 암:
    # 1/2 (3/7 + 2/7 + 5/7) = 5/7, the largest of the three classes.
    assert t_closeness(small, ["성별", "지역"], "병명") == pytest.approx(5 / 7)


def test_hand_computed_numerical_t_closeness() -> None:
    # Li, Li & Venkatasubramanian (2007), table 4: salaries 3k..11k in three classes.
    df = pd.DataFrame(
        {
            "class": [1, 1, 1, 2, 2, 2, 3, 3, 3],
            "salary": [3, 4, 5, 6, 8, 11, 7, 9, 10],
        }
    )
    assert t_closeness(df[df["class"] != 1].assign(c=0), "c", "salary") == 0.0
    assert t_closeness(df, "class", "salary") == pytest.approx(0.375)
    assert t_closeness(df[df["class"] != 1], "class", "salary") == pytest.approx(
        pycanon.t_closeness(df[df["class"] != 1].reset_index(drop=True), ["class"], ["salary"])
    )


def test_a_single_sensitive_value_is_at_distance_zero() -> None:
    df = pd.DataFrame({"qi": ["a", "b", "b"], "x": [1.0, 1.0, 1.0]})
    assert t_closeness(df, "qi", "x") == 0.0


def test_missing_quasi_identifier_values_form_their_own_class() -> None:
    df = pd.DataFrame({"지역": ["서울", "서울", None], "병명": ["a", "b", "a"]})
    assert k_anonymity(df, "지역") == 1
    assert sample_uniques(df, "지역") == 1


def test_risk_report_lists_small_classes_without_sensitive_values(small: pd.DataFrame) -> None:
    report = risk(small, ["성별", "지역"], "병명", k=3, l=2)
    assert (report.rows, report.classes, report.k, report.sample_uniques) == (7, 3, 1, 1)
    assert report.small_classes.to_dict("records") == [
        {"성별": "여", "지역": "서울", "size": 1},
        {"성별": "여", "지역": "부산", "size": 2},
    ]
    assert "병명" not in report.small_classes.columns
    findings = report.findings()
    assert [f.rule for f in findings] == ["risk.k_anonymity", "risk.l_diversity"]
    assert all(isinstance(f, Finding) and f.severity == "fail" for f in findings)
    k_finding = findings[0]
    assert k_finding.count == 2
    assert k_finding.details["small_classes"][0] == {"성별": "여", "지역": "서울", "size": 1}
    json.dumps(k_finding.to_dict())
    text = " ".join(f.message for f in findings) + repr(k_finding.details)
    assert not any(value in text for value in ["감기", "당뇨", "암"])


def test_small_classes_in_findings_are_json_ready() -> None:
    df = pd.DataFrame({"나이": [30, 30, 41], "방문일": pd.to_datetime(["2024-01-05"] * 3)})
    finding = risk(df, ["나이", "방문일"], k=2).findings()[0]
    assert finding.details["small_classes"] == [{"나이": "41", "방문일": "2024-01-05", "size": 1}]
    json.dumps(finding.to_dict())


def test_risk_passes_when_thresholds_are_met(small: pd.DataFrame) -> None:
    report = risk(small, "성별", "병명", k=3, l=2, l_entropy=1.5, t=0.5)
    assert report.findings() == []
    assert report.small_classes.empty


def test_risk_checks_entropy_l_and_t_only_when_asked(small: pd.DataFrame) -> None:
    report = risk(small, ["성별", "지역"], "병명", k=1, l=1)
    assert report.findings() == []
    strict = risk(small, ["성별", "지역"], "병명", k=1, l=1, l_entropy=1.5, t=0.2)
    assert [f.rule for f in strict.findings()] == [
        "risk.l_diversity_entropy",
        "risk.t_closeness",
    ]
    assert strict.findings()[1].details == {"value": pytest.approx(5 / 7), "threshold": 0.2}


def test_risk_without_sensitive_attributes_measures_k_only(small: pd.DataFrame) -> None:
    report = risk(small, ["성별", "지역"])
    assert report.l_distinct is None and report.t is None
    assert [f.rule for f in report.findings()] == ["risk.k_anonymity"]


def test_unknown_columns_and_kinds_are_refused(small: pd.DataFrame) -> None:
    columns = [str(c) for c in small.columns]
    with pytest.raises(ParameterError) as qi:
        k_anonymity(small, ["성별", "나이"])
    assert (qi.value.parameter, qi.value.kind, qi.value.expected) == (
        "quasi_identifiers",
        "missing_columns",
        ["나이"],
    )
    assert qi.value.suggestions == columns
    assert "표에 없는 준식별자 열: '나이'" in str(qi.value)
    with pytest.raises(ParameterError) as sensitive:
        l_diversity(small, "성별", "소득")
    assert (sensitive.value.parameter, sensitive.value.expected) == ("sensitive", ["소득"])
    with pytest.raises(ParameterError) as kind:
        l_diversity(small, "성별", "병명", kind="recursive")  # type: ignore[arg-type]
    assert (kind.value.parameter, kind.value.got) == ("kind", "recursive")
    with pytest.raises(ParameterError) as empty:
        k_anonymity(small.iloc[:0], "성별")
    assert (empty.value.parameter, empty.value.kind) == ("df", "empty")
    for error in (qi, sensitive, kind, empty):
        assert_korean(str(error.value))


def test_risk_refuses_an_empty_or_misspelt_quasi_identifier_list(small: pd.DataFrame) -> None:
    with pytest.raises(ParameterError) as none:
        risk(small, [])
    assert (none.value.parameter, none.value.kind) == ("quasi_identifiers", "empty")
    assert_korean(str(none.value))
    # One string with commas is one column name, not a list of them.
    with pytest.raises(ParameterError) as joined:
        risk(small, "성별, 지역")
    assert joined.value.expected == ["성별, 지역"]
    assert_korean(str(joined.value), "성별, 지역")
