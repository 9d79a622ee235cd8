"""Declared columns are checked on load; every problem is listed at once."""

import pandas as pd
import pytest

from korean_check import assert_korean
from workbench.catalog._model import Column, DatasetEntry
from workbench.catalog._schema import validate_frame
from workbench.exceptions import SchemaError


def entry(**columns):
    return DatasetEntry(
        name="households", title="가구", owner="행정안전부", source="x.csv", columns=columns
    )


def test_every_offending_column_with_count_and_rows():
    declared = entry(
        나이=Column(type="int", min=0, max=120),
        월소득=Column(type="float", min=0),
        법정동코드=Column(type="str", pattern=r"^\d{10}$", nullable=False),
        성별=Column(allowed=["남", "여"]),
    )
    frame = pd.DataFrame(
        {
            "나이": [30, "서른", 200, 40, -1, 6, 7],
            "월소득": [1.0, -2, 3, None, 1, 1, 1],
            "법정동코드": ["1111010100", "12", None, "1111010100", "1111010100", "1111010100", "1"],
            "성별": ["남", "여", "?", "남", "남", "남", "남"],
        }
    )
    with pytest.raises(SchemaError) as info:
        validate_frame(declared, frame)
    message = str(info.value)
    assert "열 '나이': 1개 값이 정수가 아닙니다 (행 번호: 2)" in message
    assert "열 '나이': 1개 값이 최댓값 120보다 큽니다 (행 번호: 3)" in message
    assert "열 '나이': 1개 값이 최솟값 0보다 작습니다 (행 번호: 5)" in message
    assert "열 '월소득': 1개 값이 최솟값 0보다 작습니다 (행 번호: 2)" in message
    assert "열 '법정동코드': 2개 값이 형식" in message and "(행 번호: 2, 7)" in message
    assert "열 '법정동코드': 1개 값이 비어 있습니다" in message
    assert "열 '성별': 1개 값이 허용된 값(남, 여) 가운데 하나가 아닙니다 (행 번호: 3)" in message
    assert_korean(message, r"^\d{10}$", "nullable: false", "validate=False")
    failures = {(f["column"], f["check"]): f["count"] for f in info.value.failures}
    assert failures == {
        ("나이", "type int"): 1,
        ("나이", "max 120"): 1,
        ("나이", "min 0"): 1,
        ("월소득", "min 0"): 1,
        ("법정동코드", r"pattern ^\d{10}$"): 2,
        ("법정동코드", "not_nullable"): 1,
        ("성별", "allowed 남, 여"): 1,
    }


def test_at_most_five_row_numbers_are_shown():
    frame = pd.DataFrame({"나이": [-1] * 8})
    with pytest.raises(
        SchemaError, match=r"8개 값이 최솟값 0보다 작습니다 \(행 번호: 1, 2, 3, 4, 5, …\)"
    ):
        validate_frame(entry(나이=Column(type="int", min=0)), frame)


def test_missing_and_undeclared_columns():
    declared = entry(가구ID=Column(), 나이=Column(type="int"))
    with pytest.raises(SchemaError, match="열 '나이': 카탈로그에 선언되었지만 자료에 없습니다"):
        validate_frame(declared, pd.DataFrame({"가구ID": ["H1"]}))
    validate_frame(declared, pd.DataFrame({"가구ID": ["H1"]}), partial=True)  # columns= load
    strict = declared.model_copy(update={"schema_strict": True})
    with pytest.raises(SchemaError, match="열 '기타': 자료에 있지만 선언되지 않았습니다"):
        validate_frame(strict, pd.DataFrame({"가구ID": ["H1"], "나이": [1], "기타": [0]}))


def test_valid_frame_passes_with_nullable_ints_and_iso_dates():
    declared = entry(
        나이=Column(type="int"), 조사일=Column(type="date"), 수급=Column(type="bool"), 코드=Column()
    )
    frame = pd.DataFrame(
        {
            "나이": [1.0, None, 3.0],  # ints with a gap arrive as floats
            "조사일": ["2024-01-01", None, "2024-12-31"],
            "수급": [True, False, True],
            "코드": ["0101", None, "0303"],
        }
    )
    validate_frame(declared, frame)
