"""Disclosure rules: findings equal ACRO's definitions cell for cell on hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from korean_check import assert_korean
from workbench.ethics import (
    DisclosureRules,
    Location,
    check_table,
    crosstab,
    logit,
    ols,
    pivot_table,
)
from workbench.exceptions import ParameterError


# ACRO's aggregation functions (acro_tables.py), transcribed from their definitions with
# the default thresholds; NK uses ">= k" as the ethics issue asks (ACRO writes "> k").
def acro_threshold(vals: pd.Series) -> bool:
    return vals.count() < 10


def acro_negative(vals: pd.Series) -> bool:
    return vals.min() < 0


def acro_missing(vals: pd.Series) -> bool:
    return vals.isna().sum() != 0


def acro_nk(vals: pd.Series) -> bool:
    total = vals.sum()
    if total > 0:
        return vals.sort_values(ascending=False).iloc[0:2].sum() / total >= 0.9
    return False


def acro_p_percent(vals: pd.Series) -> bool:
    ordered = vals.sort_values(ascending=False)
    total = ordered.sum()
    if total <= 0.0 or vals.size <= 1:
        return True  # zeros are disclosive
    return (total - ordered.iloc[0] - ordered.iloc[1]) / ordered.iloc[0] < 0.1


def cells_of(frame: pd.DataFrame) -> dict[tuple[str, str], list[float]]:
    return {key: list(group["v"]) for key, group in frame.groupby(["g", "h"])}


def acro_expected(values: list[float]) -> set[str]:
    """The rule names that ACRO's definitions fire for one magnitude cell."""
    vals = pd.Series(values, dtype=float)
    fired = set()
    if acro_threshold(vals):
        fired.add("threshold")
    if vals.sum() == 0:
        fired.add("zero")
    if acro_missing(vals):
        return fired | {"missing"}
    if acro_negative(vals):
        return fired | {"negative"}
    if acro_nk(vals):
        fired.add("nk")
    if acro_p_percent(vals):
        fired.add("p_percent")
    return fired


# Hand-computed cells (each comment: count, top-2 share, p = rest / top1).
HAND_CELLS: dict[tuple[str, str], list[float]] = {
    ("a", "x"): [10.0] * 10,  # 10, 0.20, 8.0 -> ok
    ("a", "y"): [10.0] * 9,  # 9 contributors -> threshold
    ("b", "x"): [500.0, 400.0] + [1.0] * 8,  # 0.991, 0.016 -> nk, p%
    ("b", "y"): [100.0, 100.0] + [2.0] * 7 + [1.0],  # 0.930, 0.15 -> nk only
    ("c", "x"): [45.0, 45.0] + [1.25] * 8,  # exactly 0.90 -> nk ("or more")
    ("c", "y"): [30.0, -5.0] + [10.0] * 8,  # negative -> review, no dominance
    ("d", "x"): [np.nan] + [10.0] * 10,  # missing -> review, no dominance
    ("d", "y"): [0.0] * 10,  # total 0 -> zero, p% (ACRO: zeros disclosive)
}
HAND_STATUS = {
    ("a", "x"): "ok",
    ("a", "y"): "fail: threshold",
    ("b", "x"): "fail: nk; p_percent",
    ("b", "y"): "fail: nk",
    ("c", "x"): "fail: nk",
    ("c", "y"): "review: negative",
    ("d", "x"): "review: missing",
    ("d", "y"): "fail: zero; p_percent",
}


@pytest.fixture
def microdata() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    rows = [{"g": g, "h": h, "v": v} for (g, h), values in HAND_CELLS.items() for v in values]
    frame = pd.DataFrame(rows)
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)


def fired(result, row, column) -> set[str]:
    from workbench.ethics._disclosure import cell_location

    where = cell_location(result.name, row, column)
    return {f.rule.removeprefix("disclosure.") for f in result.findings() if f.location == where}


def test_pivot_findings_equal_acro_definitions_cell_for_cell(microdata):
    result = pivot_table(microdata, "v", "g", "h", aggfunc="sum")
    for (g, h), values in cells_of(microdata).items():
        assert fired(result, g, h) == acro_expected(values), (g, h)
        assert result.status.loc[g, h] == HAND_STATUS[(g, h)], (g, h)


def test_crosstab_with_values_matches_pivot(microdata):
    pivot = pivot_table(microdata, "v", "g", "h", aggfunc="sum")
    cross = crosstab(microdata["g"], microdata["h"], microdata["v"], aggfunc="sum", name="t")
    pd.testing.assert_frame_equal(pivot.status, cross.status, check_names=False)
    first = cross.findings()[0].location
    assert (first.kind, first.table) == ("cell", "t")
    assert str(first).startswith("표 't', 칸 (")


def test_findings_carry_rule_ids_severity_and_no_contributions(microdata):
    result = pivot_table(microdata, "v", "g", "h", aggfunc="sum", name="매출")
    by_rule = {f.rule: f for f in result.findings()}
    assert set(by_rule) == {
        "disclosure.threshold",
        "disclosure.nk",
        "disclosure.p_percent",
        "disclosure.negative",
        "disclosure.missing",
        "disclosure.zero",
    }
    assert by_rule["disclosure.negative"].severity == "review"
    assert by_rule["disclosure.missing"].severity == "review"
    assert by_rule["disclosure.nk"].severity == "fail"
    assert by_rule["disclosure.threshold"].location == Location(
        "cell", table="매출", row="a", column="y"
    )
    assert "500" not in str([f.to_dict() for f in result.findings()])  # no raw values
    assert result.failed


def test_frequency_crosstab_threshold_and_zero():
    rows = ["서울"] * 12 + ["서울"] * 10 + ["부산"] * 9 + ["부산"] * 3
    cols = ["2023"] * 12 + ["2024"] * 10 + ["2023"] * 9 + ["2023"] * 3
    result = crosstab(rows, cols, margins=True)
    assert result.table.loc["부산", "2023"] == 12
    expected = pd.DataFrame(
        {
            "2023": ["ok", "ok", "ok"],
            "2024": ["fail: threshold; zero", "ok", "ok"],
            "All": ["ok", "ok", "ok"],
        },
        index=["부산", "서울", "All"],
    )
    assert result.status.to_dict() == expected.to_dict()
    assert result.counts.loc["All", "All"] == 34
    assert result.additive


def test_frequency_counts_below_threshold_fail_and_ten_passes():
    result = crosstab(["a"] * 10 + ["b"] * 9, ["x"] * 19)
    assert result.status["x"].tolist() == ["ok", "fail: threshold"]


def test_zeros_review_when_not_disclosive():
    result = crosstab(["a"] * 12 + ["b"] * 11, ["x"] * 12 + ["y"] * 11, rules={"zeros_fail": False})
    severities = {f.rule: f.severity for f in result.findings()}
    assert severities["disclosure.zero"] == "review"
    assert severities["disclosure.threshold"] == "fail"


def test_custom_thresholds_change_findings(microdata):
    rules = DisclosureRules.from_mapping({"threshold": 5, "nk_k": 0.99, "p_ratio": 0.2})
    result = pivot_table(microdata, "v", "g", "h", aggfunc="sum", rules=rules)
    assert result.status.loc["a", "y"] == "ok"  # 9 >= 5
    assert result.status.loc["b", "x"] == "fail: nk; p_percent"  # 0.991 >= 0.99
    assert result.status.loc["b", "y"] == "fail: p_percent"  # 0.15 < 0.2, nk 0.93 < 0.99


def test_mean_table_is_not_additive(microdata):
    assert not pivot_table(microdata, "v", "g", "h", aggfunc="mean").additive


def test_rules_from_mapping_accepts_acro_names_and_rejects_bad_values():
    rules = DisclosureRules.from_mapping({"safe_threshold": 5, "safe_nk_n": 3})
    assert (rules.safe_threshold, rules.safe_nk_n, rules.safe_nk_k) == (5, 3, 0.9)
    assert DisclosureRules() == DisclosureRules.from_mapping(None)
    with pytest.raises(ParameterError) as caught:
        DisclosureRules.from_mapping({"nk_k": 1.5})
    assert (caught.value.parameter, caught.value.got) == ("nk_k", 1.5)
    assert "1.0 이하여야 합니다" in str(caught.value)
    assert_korean(str(caught.value))
    with pytest.raises(ParameterError) as caught:
        DisclosureRules.from_mapping({"thershold": 5})
    assert caught.value.parameter == "thershold"
    assert "알 수 없는 항목" in str(caught.value)


def test_pivot_rejects_several_value_columns(microdata):
    with pytest.raises(ParameterError) as info:
        pivot_table(microdata, ["v", "g"], "h")
    assert (info.value.parameter, info.value.got) == ("values", ["v", "g"])
    assert info.value.suggestions == [str(c) for c in microdata.columns]
    assert_korean(str(info.value))


def test_check_table_of_counts_only():
    table = pd.DataFrame({"x": [12, 4, 0], "y": [30, np.nan, 11]}, index=["a", "b", "c"])
    result = check_table(table, name="published")
    assert result.status.to_dict() == {
        "x": {"a": "ok", "b": "fail: threshold", "c": "fail: threshold; zero"},
        "y": {"a": "ok", "b": "not checked", "c": "ok"},
    }
    assert {str(f.location) for f in result.findings()} == {
        "표 'published', 칸 (b, x)",
        "표 'published', 칸 (c, x)",
    }


def test_check_table_of_means_with_counts_and_contributions():
    means = pd.DataFrame({"x": [50.0, 7.0]}, index=["a", "b"])
    counts = pd.DataFrame({"x": [10, 12]}, index=["a", "b"])
    contributions = {("a", "x"): HAND_CELLS[("b", "x")], ("b", "x"): [7.0] * 12}
    result = check_table(means, counts, contributions)
    assert result.status["x"].tolist() == ["fail: nk; p_percent", "ok"]
    assert not result.additive


def test_ols_fails_with_few_residual_degrees_of_freedom():
    rng = np.random.default_rng(7)
    small = pd.DataFrame({"x": rng.normal(size=12), "z": rng.normal(size=12)})
    small["y"] = 2 * small["x"] + rng.normal(size=12)
    result = ols("y ~ x + z", small)  # 12 - 3 = 9 residual dof
    assert result.dof == 9
    [finding] = result.findings()
    assert (finding.rule, finding.severity, finding.location) == (
        "disclosure.dof",
        "fail",
        Location("model", model="model"),
    )
    assert result.result.params.shape == (3,)
    assert ols("y ~ x", small).findings() == []  # 10 residual dof pass


def test_logit_dof_check():
    rng = np.random.default_rng(8)
    frame = pd.DataFrame({"x": rng.normal(size=200)})
    frame["y"] = (frame["x"] + rng.normal(size=200) > 0).astype(int)
    fitted = logit("y ~ x", frame)
    assert fitted.dof == 198 and fitted.findings() == []
    assert "x" in fitted.result.params.index
    tight = logit("y ~ x", frame.iloc[:40], rules={"dof_threshold": 50}, name="위험")
    assert [str(f.location) for f in tight.findings()] == ["회귀모형 '위험'"]


def test_multilevel_rows_name_the_cell_by_every_label():
    rows = [["서울"] * 15 + ["부산"] * 4, ["남"] * 15 + ["여"] * 4]
    result = crosstab(rows, ["2024"] * 19, values=[1.0] * 19, aggfunc="sum")
    [threshold] = [f for f in result.findings() if f.rule == "disclosure.threshold"]
    assert str(threshold.location) == "표 'table', 칸 (부산/여, 2024)"
    assert result.status.loc[("서울", "남"), "2024"] == "ok"  # 15 equal values: 2/15, p = 13


def test_nullable_values_count_as_missing():
    values = pd.array([5.0] * 11 + [None], dtype="Float64")
    result = crosstab(["a"] * 12, ["x"] * 12, values=values, aggfunc="sum")
    assert result.status.loc["a", "x"] == "review: missing"
    assert result.counts.loc["a", "x"] == 11


def test_a_cell_whose_contributors_are_all_missing_is_missing_not_zero():
    groups = ["a"] * 12 + ["b"] * 12
    values = [5.0] * 12 + [np.nan] * 12
    plain = pd.crosstab(groups, ["x"] * 24, values=values, aggfunc="sum")
    assert plain.loc["b", "x"] == 0  # what pandas shows: a zero the data never held
    for result in (
        crosstab(groups, ["x"] * 24, values=values, aggfunc="sum"),
        pivot_table(pd.DataFrame({"g": groups, "v": values}), "v", "g", aggfunc="sum"),
    ):
        column = result.table.columns[0]
        assert pd.isna(result.table.loc["b", column])
        assert result.status.loc["b", column] == "missing"
        [finding] = [f for f in result.findings() if f.location.row == "b"]
        assert (finding.rule, finding.severity) == ("disclosure.all_missing", "review")
        assert "0이 아니라 빈 칸(결측)" in finding.message
        assert result.table.loc["a", column] == 60.0 and result.status.loc["a", column] == "ok"


def test_check_table_reports_all_missing_contributions_as_missing():
    table = pd.DataFrame({"합계": [0.0, 120.0]}, index=["중구", "종로구"])
    counts = pd.DataFrame({"합계": [12, 12]}, index=table.index)
    contributions = {("중구", "합계"): [np.nan] * 12, ("종로구", "합계"): [10.0] * 12}
    result = check_table(table, counts, contributions)
    assert result.status.loc["중구", "합계"] == "missing"
    assert pd.isna(result.table.loc["중구", "합계"])
    assert [f.rule for f in result.findings()] == ["disclosure.all_missing"]


def test_a_size_table_counts_rows_whatever_their_values():
    result = crosstab(["a"] * 12, ["x"] * 12, values=[np.nan] * 12, aggfunc="size")
    assert result.status.loc["a", "x"] == "ok" and result.counts.loc["a", "x"] == 12


def test_a_cells_id_follows_what_it_shows():
    small = crosstab(["a"] * 12 + ["b"] * 3, ["x"] * 15)
    same = crosstab(["b"] * 3 + ["a"] * 12, ["x"] * 15)
    other = crosstab(["a"] * 12 + ["b"] * 4, ["x"] * 16)
    [first], [again], [changed] = (r.findings() for r in (small, same, other))
    assert first.id == again.id
    assert changed.place == first.place and changed.id != first.id
