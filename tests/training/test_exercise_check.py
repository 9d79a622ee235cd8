"""``wb.training.check``: a right answer gets ✔, a wrong one a hint and never the answer."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import workbench as wb
from korean_check import assert_korean
from workbench.exceptions import ParameterError
from workbench.training import evaluate
from workbench.training._check import EMPTY
from workbench.training._exercises import EXERCISES
from workbench.training._validators import WRONG_VALUE

WITH_EXPECTED = sorted(i for i, e in EXERCISES.items() if e.expected is not None)


def _forms(value) -> list[str]:
    """Ways the expected value could be written in a message."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(value), *map(str, value)]
    if float(value).is_integer():
        return [str(int(value))]
    return [str(value), f"{value:.1f}", f"{value:.2f}", f"{value:.3f}", f"{value:.1%}"]


def _wrong(exercise_id, value):
    if isinstance(value, str):  # a wrong option, so that the remark is not the option list
        options = ["public", "internal", "report.html", "행정안전부", "failed"]
        return next(o for o in options if evaluate(exercise_id, o).remark == WRONG_VALUE)
    if isinstance(value, list):
        return ["가구ID"]
    return int(value * 1.01) + 1 if float(value).is_integer() else value * 1.1 + 1


def _shown(text: str, form: str) -> bool:
    if re.fullmatch(r"[\d.%]+", form):  # a number: not as part of a longer number
        return re.search(rf"(?<![\d.]){re.escape(form)}(?![\d%])", text) is not None
    return form in text


@pytest.mark.parametrize("exercise_id", WITH_EXPECTED)
def test_a_wrong_answer_gets_a_hint_and_not_the_answer(exercise_id, capsys):
    exercise = EXERCISES[exercise_id]
    expected = exercise.expected()
    assert evaluate(exercise_id, expected).correct
    wb.training.check(exercise_id, _wrong(exercise_id, expected))
    printed = capsys.readouterr().out
    assert printed.startswith(f"✘ [{exercise_id}]")
    assert f"힌트: {exercise.hint}" in printed
    for form in _forms(expected):
        assert not _shown(printed, form), (exercise_id, form, printed)


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_no_answer_or_a_wrong_kind_of_answer_gets_a_hint(exercise_id):
    empty = evaluate(exercise_id, None)
    assert not empty.correct and empty.remark == EMPTY and empty.hint
    odd = evaluate(exercise_id, object())
    assert not odd.correct and odd.remark and odd.hint


def test_right_answer_is_ticked(capsys):
    wb.training.check("01.1", 1000)
    assert capsys.readouterr().out == "✔ [01.1] 정답입니다.\n"


def test_a_table_answer_is_told_what_is_wrong_with_it():
    verdict = evaluate("03.3", pd.DataFrame({"시군구코드": ["11110"], "인구": [1]}))
    assert not verdict.correct
    assert "시군구명" in verdict.remark  # the missing column is named


def test_an_unknown_exercise_is_a_clear_error():
    with pytest.raises(ParameterError) as info:
        wb.training.check("02.9", 1)
    assert (info.value.parameter, info.value.got, info.value.kind) == (
        "exercise_id",
        "02.9",
        "unknown",
    )
    assert info.value.suggestions and info.value.suggestions[0].startswith("02.")
    assert "연습 문제 '02.9'가 없습니다" in str(info.value)
    assert_korean(str(info.value))


def test_an_answer_that_breaks_the_validator_is_a_remark_not_a_crash():
    class Weird(float):
        def __float__(self):
            raise RuntimeError("boom")

    verdict = evaluate("02.2", Weird(1.0))
    assert not verdict.correct and "RuntimeError" in verdict.remark


def test_stored_site_selection_answers_are_the_blocks_optimum():
    from workbench.training import _exercises

    grid = wb.samples.ev_demand()
    grid["수요"] = grid["등록전기차"] + 0.2 * grid["충전기없는세대"]
    candidates = grid[grid["후보지"]].set_index("격자ID")
    best = wb.blocks.select_sites(grid, candidates, k=5, radius=1000.0, weight="수요")
    assert best.coverage == pytest.approx(_exercises.COVERAGE_5_SITES_1000_M, rel=1e-9)
    curve = wb.blocks.coverage_curve(
        grid, candidates, ks=list(range(1, 9)), radius=1500.0, weight="수요"
    )
    fewest = curve.loc[curve["포괄률"] >= 0.8, "충전소 수"].min()
    assert fewest == _exercises.FEWEST_SITES_80_PERCENT
