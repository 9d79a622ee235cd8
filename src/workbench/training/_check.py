"""``wb.training.check``: mark an exercise, with a hint when the answer is not right yet."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from workbench.exceptions import ParameterError
from workbench.training._messages import message

__all__ = ["Verdict", "check", "evaluate"]

EMPTY = "아직 답이 없습니다: 위 칸에서 answer에 답을 넣고 실행하세요."


@dataclass(frozen=True)
class Verdict:
    """How an answer was marked: right or not, and what to tell the learner."""

    exercise_id: str
    correct: bool
    remark: str = ""
    hint: str = ""

    def __str__(self) -> str:
        if self.correct:
            return f"✔ [{self.exercise_id}] 정답입니다."
        lines = [f"✘ [{self.exercise_id}] 아직 아닙니다. {self.remark}".rstrip()]
        if self.hint:
            lines.append(f"  힌트: {self.hint}")
        return "\n".join(lines)


def _exercise(exercise_id: str) -> Any:
    from workbench.training._exercises import EXERCISES

    try:
        return EXERCISES[exercise_id]
    except KeyError:
        close = difflib.get_close_matches(str(exercise_id), list(EXERCISES), n=1)
        raise ParameterError(
            message(
                "unknown_exercise",
                got=repr(exercise_id),
                close=message("close", close=repr(close[0])) if close else "",
                have=", ".join(EXERCISES),
            ),
            parameter="exercise_id",
            got=exercise_id,
            suggestions=close,
            kind="unknown",
        ) from None


def evaluate(exercise_id: str, answer: Any) -> Verdict:
    """Mark ``answer`` to exercise ``exercise_id`` and return the verdict (nothing printed).

    Examples
    --------
    >>> evaluate("01.2", "personal").correct
    True
    >>> print(evaluate("01.2", "public"))
    ✘ [01.2] 아직 아닙니다. 값이 기대와 다릅니다.
      힌트: catalog.yml의 민감도 네 가지 중, 개인을 바로 알아볼 수 있는 자료의 등급입니다.
    """
    exercise = _exercise(exercise_id)
    if answer is None:
        return Verdict(exercise.id, False, EMPTY, exercise.hint)
    try:
        remark = exercise.validate(answer)
    except Exception as exc:  # a learner's answer can be anything; never crash the lesson
        remark = f"답을 확인하다가 {type(exc).__name__} 오류가 났습니다: 답의 형식을 확인하세요."
    if remark is None:
        return Verdict(exercise.id, True)
    return Verdict(exercise.id, False, remark, exercise.hint)


def check(exercise_id: str, answer: Any) -> None:
    """Mark an exercise and print ✔, or ✘ with what is wrong and a hint (never the answer).

    Parameters
    ----------
    exercise_id : str
        ``"LL.N"`` as written in the lesson, e.g. ``"02.1"``.
    answer : object
        The learner's answer (a number, text, list, Series, DataFrame, chart...).

    Examples
    --------
    >>> check("01.2", "personal")
    ✔ [01.2] 정답입니다.
    """
    print(evaluate(exercise_id, answer))
