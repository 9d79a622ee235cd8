"""The formatting layer: published values keep their precision, displayed ones read well."""

from __future__ import annotations

import numpy as np
import pandas as pd
from bs4 import BeautifulSoup

from workbench._format import (
    LABELS_ATTR,
    SIGNIFICANT,
    column_kind,
    format_number,
    round_frame,
    round_significant,
    styled_html,
)


def cells(markup: str) -> list[list[str]]:
    soup = BeautifulSoup(markup, "html.parser")
    return [[c.get_text() for c in row.find_all(["th", "td"])] for row in soup.find_all("tr")]


def test_rounding_keeps_significant_digits_never_fixed_decimals():
    assert round_significant(3e-7) == 3e-7
    assert round_significant(-3.12345678901234567e-9) == -3.12345678901235e-9
    assert round_significant(1234567.891234567) == 1234567.89123457
    assert round_significant(0.1 + 0.2) == 0.3  # the float's last bits do not show
    assert str(round_significant(-0.0)) == "0.0"
    frame = round_frame(pd.DataFrame({"계수": [3e-7, 2 / 3], "n": [1, 2], "t": ["a", "b"]}))
    assert frame["계수"].tolist() == [3e-7, 0.666666666666667]
    assert frame["n"].tolist() == [1, 2] and frame["t"].tolist() == ["a", "b"]


def test_published_decimals_never_look_like_phone_numbers_to_the_gate():
    from workbench.ethics import scan

    rng = np.random.default_rng(0)
    values = rng.normal(0, 1, 2000) * 10.0 ** rng.integers(-4, 4, 2000)
    # Every length of decimal, up to the full precision published (and the 10 digits of
    # 0.0212345678, shaped like 02-1234-5678, which the gate once took for a phone number).
    for digits in (8, 9, 10, 12, SIGNIFICANT, 17):
        texts = [str(round_significant(v, digits)) for v in values] + ["0.0212345678"]
        assert not scan(pd.DataFrame({"계수": texts})).found, digits


def test_column_kinds_follow_header_units_and_values():
    kinds = {
        name: column_kind(name, pd.Series(values))
        for name, values in {
            "p값": [0.01, 0.5],
            "결측 비율": [0.0, 0.25],
            "실업률(%)": [3.1, 4.2],
            "월소득(원)": [2_500_000.0, 3_100_000.0],
            "가구 수": [12.0, 30.0],
            "인구": [1200, 30],
            "계수": [0.5, -1.2],
            "주택 보유": [True, False],
            "시도": ["서울", "부산"],
        }.items()
    }
    assert kinds == {
        "p값": "pvalue",
        "결측 비율": "share",
        "실업률(%)": "percent",
        "월소득(원)": "count",
        "가구 수": "count",
        "인구": "count",
        "계수": "number",
        "주택 보유": "bool",
        "시도": "text",
    }


def test_displayed_table_is_formatted_and_its_values_unchanged():
    table = pd.DataFrame(
        {
            "항목": ["Intercept", "C(주거형태)[T.월세]"],
            "계수": [3e-7, 12345.678],
            "p값": [0.0004, 0.0312],
            "결측 비율": [0.1234, np.nan],
            "월소득(원)": [2_500_000, 31_000],
            "주택 보유": [True, False],
            "메모": ["<b>굵게</b>", None],
        }
    )
    table.attrs[LABELS_ATTR] = {"Intercept": "상수항", "C(주거형태)[T.월세]": "주거형태: 월세"}
    before = table.copy()
    rows = cells(styled_html(table, index=False))
    assert rows[0] == ["항목", "계수", "p값", "결측 비율", "월소득(원)", "주택 보유", "메모"]
    assert rows[1] == ["상수항", "3.000e-07", "<0.001", "12.3%", "2,500,000", "예", "<b>굵게</b>"]
    assert rows[2] == ["주거형태: 월세", "12,346", "0.031", "–", "31,000", "아니요", "–"]
    assert "<b>" not in styled_html(table, index=False)  # text is escaped, not markup
    pd.testing.assert_frame_equal(table, before)


def test_margins_read_as_total_and_named_index_comes_first():
    data = pd.DataFrame({"시도": ["서울", "서울", "부산"], "성별": ["남", "여", "여"]})
    table = pd.crosstab(data["시도"], data["성별"], margins=True)
    rows = cells(styled_html(table, index=True))
    assert rows[0] == ["시도", "남", "여", "합계"]
    assert rows[-1] == ["합계", "1", "2", "3"]


def test_number_formats():
    assert format_number(1234.5678, "number") == "1,235"
    assert format_number(0.012345, "number") == "0.01235"
    assert format_number(-2.5, "number") == "-2.5"
    assert format_number(pd.NA, "count") == "–"
    assert format_number(pd.Timestamp("2024-03-01"), "date") == "2024-03-01"
