"""Declared columns are checked on load; every problem is listed at once."""

import pandas as pd
import pytest

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
    assert "column '나이': 1 value not int (rows 2)" in message
    assert "column '나이': 1 value above the maximum 120 (rows 3)" in message
    assert "column '나이': 1 value below the minimum 0 (rows 5)" in message
    assert "column '월소득': 1 value below the minimum 0 (rows 2)" in message
    assert "column '법정동코드': 2 values not matching" in message and "(rows 2, 7)" in message
    assert "column '법정동코드': 1 value missing" in message
    assert "column '성별': 1 value not one of the allowed values (남, 여) (rows 3)" in message
    assert {f["column"] for f in info.value.failures} == {"나이", "월소득", "법정동코드", "성별"}


def test_at_most_five_row_numbers_are_shown():
    frame = pd.DataFrame({"나이": [-1] * 8})
    with pytest.raises(
        SchemaError, match=r"8 values below the minimum 0 \(rows 1, 2, 3, 4, 5, …\)"
    ):
        validate_frame(entry(나이=Column(type="int", min=0)), frame)


def test_missing_and_undeclared_columns():
    declared = entry(가구ID=Column(), 나이=Column(type="int"))
    with pytest.raises(SchemaError, match="column '나이': declared in the catalog but missing"):
        validate_frame(declared, pd.DataFrame({"가구ID": ["H1"]}))
    validate_frame(declared, pd.DataFrame({"가구ID": ["H1"]}), partial=True)  # columns= load
    strict = declared.model_copy(update={"schema_strict": True})
    with pytest.raises(SchemaError, match="column '기타': in the data but not declared"):
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
