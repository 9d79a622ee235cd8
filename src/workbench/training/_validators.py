"""Validators: small functions that judge an answer and say what is wrong, never the answer.

A validator takes the answer and returns ``None`` when it is right, or a short Korean
remark on what is wrong with it (its type, columns, length -- never the expected value).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from workbench._korean import josa

__all__ = [
    "WRONG_VALUE",
    "Validator",
    "choice",
    "frame",
    "number",
    "predicate",
    "same_items",
    "same_list",
    "series",
    "text",
]

Validator = Callable[[Any], "str | None"]
WRONG_VALUE = "값이 기대와 다릅니다."


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) or (
        hasattr(value, "dtype") and getattr(value, "ndim", 1) == 0
    )


def number(expected: Callable[[], float], *, tol: float = 1e-6) -> Validator:
    """Right when the answer is a number within ``tol`` (relative or absolute) of expected."""

    def validate(answer: Any) -> str | None:
        if not _is_number(answer):
            return f"숫자 하나를 답으로 넣으세요 (지금 답의 형식: {type(answer).__name__})."
        value = float(answer)
        if math.isnan(value):
            return "답이 NaN(값 없음)입니다: 결측치를 빼고 계산했는지 확인하세요."
        if math.isclose(value, float(expected()), rel_tol=tol, abs_tol=tol):
            return None
        return WRONG_VALUE

    return validate


def choice(expected: str, options: tuple[str, ...]) -> Validator:
    """Right when the answer is the expected option (case and spaces ignored)."""

    def validate(answer: Any) -> str | None:
        if not isinstance(answer, str):
            return f"문자열 하나로 답하세요. 보기: {', '.join(options)}"
        given = answer.strip().lower()
        if given not in options:
            return f"보기 중 하나를 고르세요: {', '.join(options)}"
        return None if given == expected else WRONG_VALUE

    return validate


def same_items(expected: Callable[[], list[Any]]) -> Validator:
    """Right when the answer holds the same items in any order."""

    def validate(answer: Any) -> str | None:
        if isinstance(answer, str) or not hasattr(answer, "__iter__"):
            return "목록(list)으로 답하세요, 예: ['열1', '열2']."
        return None if sorted(map(str, answer)) == sorted(map(str, expected())) else WRONG_VALUE

    return validate


def same_list(expected: Callable[[], list[Any]]) -> Validator:
    """Right when the answer holds the same items in the same order."""

    def validate(answer: Any) -> str | None:
        if isinstance(answer, str) or not hasattr(answer, "__iter__"):
            return "목록(list)이나 Series로 답하세요."
        items = list(answer)
        want = expected()
        if len(items) != len(want):
            return f"항목 수가 다릅니다 (지금 {len(items)}개)."
        return None if [str(x) for x in items] == [str(x) for x in want] else WRONG_VALUE

    return validate


def series(expected: Callable[[], pd.Series], *, tol: float = 1e-6) -> Validator:
    """Right when the answer is a Series with the same labels and (close) values."""

    def validate(answer: Any) -> str | None:
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        if not isinstance(answer, pd.Series):
            return f"pandas Series로 답하세요 (지금 답의 형식: {type(answer).__name__})."
        want = expected()
        if len(answer) != len(want):
            return f"항목 수가 다릅니다 (지금 {len(answer)}개): 묶는 기준 열을 확인하세요."
        if sorted(map(str, answer.index)) != sorted(map(str, want.index)):
            return "Series의 이름표(index)가 기대와 다릅니다: 무엇으로 묶었는지 확인하세요."
        got = pd.to_numeric(answer, errors="coerce").astype(float)
        got.index = got.index.map(str)
        want = want.astype(float)
        want.index = want.index.map(str)
        close = [math.isclose(got[k], want[k], rel_tol=tol, abs_tol=tol) for k in want.index]
        return None if all(close) else WRONG_VALUE

    return validate


def frame(
    columns: list[str], expected: Callable[[], pd.DataFrame], key: str, *, tol: float = 1e-6
) -> Validator:
    """Right when the answer has ``columns`` and, row by ``key``, the expected values."""

    def validate(answer: Any) -> str | None:
        if not isinstance(answer, pd.DataFrame):
            return f"DataFrame으로 답하세요 (지금 답의 형식: {type(answer).__name__})."
        table = answer.reset_index() if key not in answer.columns else answer
        missing = [c for c in columns if c not in table.columns]
        if missing:
            have = ", ".join(map(str, table.columns))
            names = ", ".join(missing)
            return f"열 {names}{josa(names, '이/가')} 없습니다 (지금 열: {have})."
        want = expected()
        if len(table) != len(want):
            return f"행 수가 다릅니다 (지금 {len(table)}행): 한 행이 무엇 하나인지 확인하세요."
        got = table[columns].assign(**{key: table[key].astype(str)}).set_index(key)
        want = want[columns].assign(**{key: want[key].astype(str)}).set_index(key)
        if sorted(got.index) != sorted(want.index):
            return f"'{key}' 값들이 기대와 다릅니다."
        got = got.loc[want.index]
        for column in columns:
            if column == key:
                continue
            a, b = got[column], want[column]
            if pd.api.types.is_numeric_dtype(b):
                a = pd.to_numeric(a, errors="coerce").astype(float).fillna(-1e300)
                b = b.astype(float).fillna(-1e300)
                ok = all(
                    math.isclose(x, y, rel_tol=tol, abs_tol=tol) for x, y in zip(a, b, strict=True)
                )
            else:
                ok = a.astype(str).tolist() == b.astype(str).tolist()
            if not ok:
                return f"'{column}' 열의 값이 기대와 다릅니다."
        return None

    return validate


def text(expected: Callable[[], str]) -> Validator:
    """Right when the answer is the expected text (surrounding spaces ignored)."""

    def validate(answer: Any) -> str | None:
        if not isinstance(answer, str):
            return f"문자열로 답하세요 (지금 답의 형식: {type(answer).__name__})."
        return None if answer.strip() == expected() else WRONG_VALUE

    return validate


def predicate(check: Callable[[Any], str | None]) -> Validator:
    """Use ``check`` as it is: for an exercise whose right answers are many."""
    return check
