"""Names by content: a column of names is person_name whatever its header; look-alikes are not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from name_corpus import (
    HEADERS,
    LOOKALIKE_KINDS,
    NAME_COLUMNS,
    NATIONAL,
    lookalike,
    lookalike_columns,
    name_columns,
    people,
)

from workbench.ethics import mask_text, scan, scan_output, scan_text
from workbench.ethics._names import MIN_DISTINCT, name_evidence
from workbench.ethics._rules import RULES


@pytest.fixture(scope="module")
def names() -> dict[str, list[str]]:
    return name_columns()


def _kinds(values: list[str], header: str = "x") -> list[tuple[str, int]]:
    return [(k.kind, k.count) for k in scan(pd.DataFrame({header: values})).columns[header]]


def test_no_corpus_header_is_a_name_keyword() -> None:
    hints = next(rule.column_hints for rule in RULES if rule.kind == "person_name")
    import re

    assert len(HEADERS) >= 10
    assert [h for h in HEADERS if re.search(hints, h)] == []


@pytest.mark.parametrize(("header", "rows", "shares"), NAME_COLUMNS, ids=lambda v: str(v))
def test_every_name_column_is_found_whatever_its_header(
    names: dict[str, list[str]], header: str, rows: int, shares: object
) -> None:
    found = scan(pd.DataFrame({header: names[header]})).columns[header]
    assert [k.kind for k in found] == ["person_name"]
    (kind,) = found
    # Nearly every cell counted (a few names have syllables outside the list).
    assert kind.count >= 0.85 * rows
    assert 0.5 <= kind.confidence <= 0.95
    assert all("*" in example for example in kind.examples)


def test_confidence_grows_with_the_evidence(names: dict[str, list[str]]) -> None:
    confidence = {
        header: scan(pd.DataFrame({header: names[header]})).columns[header][0].confidence
        for header in ("담당", "col3", "비고", "x")
    }
    assert confidence["담당"] < confidence["col3"] < confidence["비고"] <= confidence["x"]


def test_every_name_column_is_found_in_one_table(names: dict[str, list[str]]) -> None:
    rows = max(len(v) for v in names.values())
    frame = pd.DataFrame({h: pd.Series(v + [None] * (rows - len(v))) for h, v in names.items()})
    result = scan(frame)
    kinds = {h: [k.kind for k in result.columns[h]] for h in names}
    assert kinds == {h: ["person_name"] for h in names}


@pytest.mark.parametrize("kind", LOOKALIKE_KINDS)
def test_public_names_give_no_finding(kind: str) -> None:
    columns = {k: v for k, v in lookalike_columns().items() if k.startswith(kind)}
    frame = pd.DataFrame({k: pd.Series(v) for k, v in columns.items()})
    result = scan(frame)
    assert {k: result.columns[k] for k in columns} == {k: [] for k in columns}


def test_public_names_starting_with_surname_syllables() -> None:
    # Each starts with a common surname syllable (이, 신, 정, 강, 조) and has name shape.
    values = ["이문동", "신림동", "정릉동", "강남구", "조원동", "신당5동", "종로1.2.3.4가동"]
    assert _kinds(values) == []
    assert _kinds(values * 50) == []


@pytest.mark.parametrize(
    "values",
    [
        # ranks of the civil service: name-shaped, but one suffix (관) ends most of them
        ["주무관", "사무관", "서기관", "이사관", "부이사관", "주사", "주사보", "서기", "서기보"],
        # category words: mostly two syllables
        ["정상", "이상", "신청", "접수", "보류", "반려", "지급", "조사", "심사", "승인", "변경"],
        # apartment brands written bare, company short names
        ["한신", "우성", "한양", "신동아", "현대", "장미", "선경", "한보", "동아", "금호", "한진"],
        ["한빛", "정우", "성진", "명진", "이화", "한화", "유한", "동원", "신한", "하나", "한솔"],
        # product and event titles
        ["신라면", "진라면", "정관장", "박카스", "새우깡", "초코파이", "이벤트", "송년회"],
    ],
)
def test_category_words_are_not_names(values: list[str]) -> None:
    assert _kinds(values, "구분") == []
    assert _kinds(values * 200, "구분") == []


def test_the_minimum_is_five_distinct_values(names: dict[str, list[str]]) -> None:
    four = names["담당"][:4]
    assert len(set(four)) == 4 < MIN_DISTINCT == 5
    assert _kinds(four) == []
    assert _kinds(four * 100) == []  # repeats add no evidence
    assert _kinds(names["담당"]) == [("person_name", 5)]


def test_surname_frequencies_decide_between_name_shaped_lists() -> None:
    rng = np.random.default_rng(3)
    real = people(rng, 400, NATIONAL)
    # The same given names behind rare surnames only: name-shaped, but no population
    # has 400 people and hardly a 김, 이 or 박 among them.
    rare = ["탁", "빈", "어", "온", "목", "편", "옥", "육", "맹", "모"]
    fake = [rng.choice(rare) + name[1:] for name in real]
    real_evidence, fake_evidence = name_evidence(pa.array(real)), name_evidence(pa.array(fake))
    assert real_evidence is not None and real_evidence.names
    assert fake_evidence is not None and not fake_evidence.names and fake_evidence.rejected
    assert fake_evidence.effect > 0.5 > real_evidence.effect
    # Small lists: the exact binomial test on 김+이+박.
    assert name_evidence(pa.array(fake[:12])).rejected
    assert not name_evidence(pa.array(real[:12])).rejected


def test_a_big_column_is_sampled_to_decide_and_counted_whole() -> None:
    rng = np.random.default_rng(4)
    values = people(rng, 50_000)
    first = scan(pd.DataFrame({"x": values})).columns["x"]
    again = scan(pd.DataFrame({"x": values})).columns["x"]
    assert first == again  # the sample is deterministic
    assert first[0].count > 40_000


def test_names_mixed_with_blanks_and_placeholders(names: dict[str, list[str]]) -> None:
    values = names["비고"][:60] + ["", "-", "미정"] * 30 + [None] * 20
    frame = pd.DataFrame({"비고": pd.Series(values, dtype="string")})
    assert [k.kind for k in scan(frame).columns["비고"]] == ["person_name"]


def test_printed_tables_lists_and_lines(names: dict[str, list[str]]) -> None:
    people_ = names["col3"]
    frame = pd.DataFrame({"담당": people_, "나이": range(30, 30 + len(people_))})
    assert scan_text(frame.to_string().splitlines()) == [("person_name", len(people_))]
    assert scan_text(people_) == [("person_name", len(people_))]
    printed = {"output_type": "stream", "name": "stdout", "text": str(people_) + "\n"}
    assert scan_output(printed) == [("person_name", 1)]
    shown = {"output_type": "execute_result", "data": {"text/html": frame.to_html()}}
    assert scan_output(shown) == [("person_name", len(people_))]
    for text in (frame.to_string(), str(people_), "\n".join(people_)):
        masked = mask_text(text)
        assert [p for p in people_ if p in masked] == []


def test_printed_public_names_and_prose_are_left_alone() -> None:
    rng = np.random.default_rng(5)
    dongs = lookalike("dong", rng, 30)
    frame = pd.DataFrame({"행정동": dongs, "인구": rng.integers(1000, 40000, 30)})
    assert scan_text(frame.to_string().splitlines()) == []
    assert mask_text(frame.to_string()) == frame.to_string()
    prose = (
        "안녕하세요. 저는 신림동에 사는 주민입니다. 최근 동네 도로 공사로 인해 소음이 너무 "
        "심해서 생활이 어렵습니다. 공사 기간과 시간을 조정해 주시기 바랍니다."
    )
    assert scan_text([prose]) == [] and mask_text(prose) == prose


def test_names_written_with_a_role_after_them() -> None:
    values = [
        "김민준 주무관",
        "이서연 주무관",
        "박지훈(팀장)",
        "최수아 과장",
        "정우진",
        "한지민 주무관",
    ]
    assert _kinds(values, "담당") == [("person_name", 6)]
    masked = mask_text("\n".join(values))
    assert masked.splitlines()[:3] == ["김*준 주무관", "이*연 주무관", "박*훈(팀장)"]
    ranks = ["주무관", "사무관", "서기관", "이사관", "주사", "서기"]
    assert _kinds(ranks, "직급") == []


def test_names_shaped_like_places_and_placeholders_do_not_hide_a_list() -> None:
    # 김유리 and 이혜리 end like a 리, 미정 is a placeholder: they neither count for nor
    # against, and once the list is names they are counted and masked too.
    values = ["김민준", "이서연", "박지훈", "최수아", "정우진", "김유리", "이혜리", "미정"]
    assert _kinds(values, "담당") == [("person_name", 7)]
    masked = mask_text(str(values))
    assert "김*리" in masked and "이*리" in masked and "미정" in masked
