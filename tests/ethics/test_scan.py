"""The personal-information scan: recall on a labelled corpus, no look-alikes, no leaks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from corpus import PII_COLUMNS, Corpus, build_corpus, person_numbers
from typer.testing import CliRunner

from workbench.cli._scan import scan_command
from workbench.ethics import Finding, ScanResult, mask, scan, scan_text

N = 2000


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return build_corpus(N, seed=20261122)


@pytest.fixture(scope="module")
def result(corpus: Corpus) -> ScanResult:
    return scan(corpus.frame)


def _count(result: ScanResult, column: str, kind: str) -> int:
    return sum(k.count for k in result.columns[column] if k.kind == kind)


@pytest.mark.parametrize("column", list(PII_COLUMNS))
def test_recall_per_kind(corpus: Corpus, result: ScanResult, column: str) -> None:
    kind = corpus.kinds[column]
    floor = 0.95 if kind in ("person_name", "address") else 0.99
    assert _count(result, column, kind) / N >= floor


def test_lookalike_columns_have_no_findings(corpus: Corpus, result: ScanResult) -> None:
    for column in corpus.lookalikes:
        assert result.columns[column] == [], column


def test_identifiers_inside_free_text(corpus: Corpus, result: ScanResult) -> None:
    for kind, expected in corpus.memo_counts.items():
        found = _count(result, "메모", kind)
        assert found >= 0.95 * expected, kind


def test_random_tail_resident_numbers_are_still_found() -> None:
    rng = np.random.default_rng(7)
    numbers = person_numbers(rng, 500)
    found = scan(pd.DataFrame({"번호": numbers})).columns["번호"]
    assert [(k.kind, k.count) for k in found] == [("resident_id", 500)]
    # Half the numbers fail the check digit: the confidence drops, they are not cleared.
    assert 0.85 < found[0].confidence < 0.95


def test_resident_check_digit_raises_confidence() -> None:
    good = scan(pd.DataFrame({"x": ["900101-1234568"]})).columns["x"]
    bad = scan(pd.DataFrame({"x": ["900101-1234567"]})).columns["x"]
    assert good[0].confidence > bad[0].confidence
    assert bad[0].kind == "resident_id"


def test_impossible_dates_and_gender_digits_are_not_resident_numbers() -> None:
    values = ["901301-1234567", "900230-2234567", "900101-0234567", "900101-9234567"]
    assert scan(pd.DataFrame({"x": values})).columns["x"] == []


def test_corporate_numbers_told_apart_from_resident_numbers(corpus: Corpus) -> None:
    found = scan(corpus.frame[["법인등록번호"]]).columns["법인등록번호"]
    assert [k.kind for k in found] == ["corporate_id"]


@pytest.mark.parametrize(
    "value",
    ["010-1234-5678", "01012345678", "+82-10-1234-5678", "+82 2 123 4567", "(02)1234-5678"],
)
def test_phone_forms(value: str) -> None:
    assert scan_text([f"연락처 {value} 입니다"]) == [("phone", 1)]


def test_failing_check_digits_are_not_flagged() -> None:
    frame = pd.DataFrame({"a": ["4111-1111-1111-1112"], "b": ["123-45-67890"]})
    assert not scan(frame).found


def test_name_context() -> None:
    assert scan(pd.DataFrame({"비고": ["김철수", "이영희"]})).columns["비고"] == []
    assert scan(pd.DataFrame({"성명": ["김철수", "이영희"]})).columns["성명"][0].count == 2
    titles = ["고객님 요청 처리", "선생님 확인", "강사님 일정", "박사님과 이모님", "변호사님"]
    assert scan_text(titles) == []
    assert scan_text(["고객님, 박민수님 요청 처리"]) == [("person_name", 1)]


def test_region_names_without_street_numbers_are_not_addresses() -> None:
    frame = pd.DataFrame({"지역": ["서울특별시 강남구", "경기도 수원시", "부산광역시"]})
    assert not scan(frame).found


def test_columns_and_sample(corpus: Corpus) -> None:
    result = scan(corpus.frame, columns=["연락처", "금액"], sample=100)
    assert list(result.columns) == ["연락처", "금액"]
    assert result.rows == 100
    assert result.columns["연락처"][0].count == 100


def test_mask_forms() -> None:
    assert mask("900101-1234567", "resident_id") == "900101-1******"
    assert mask("010-1234-5678", "phone") == "010-****-5678"
    assert mask("김철수", "person_name") == "김*수"
    assert mask("남궁민수", "person_name") == "남**수"
    assert mask("user1@korea.kr", "email") == "u***@korea.kr"


def test_findings_and_dict_shape(result: ScanResult) -> None:
    findings = result.findings()
    assert all(isinstance(f, Finding) and f.severity == "fail" for f in findings)
    rules = {(f.rule, f.location.kind, f.location.column) for f in findings}
    assert ("pii.resident_id", "column", "주민등록번호") in rules
    data = result.to_dict()
    assert set(data) == {"path", "rows", "columns"}
    assert data["rows"] == N
    first = data["columns"][0]
    assert set(first) == {"name", "text", "findings"}
    assert set(first["findings"][0]) == {"kind", "count", "confidence"}
    json.dumps(data, ensure_ascii=False)


def _cli(path: Path, *args: str) -> tuple[int, str]:
    app = typer.Typer()
    app.command()(scan_command)
    outcome = CliRunner().invoke(app, [str(path), *args])
    return outcome.exit_code, outcome.output


def test_cli_table_json_and_exit_codes(tmp_path: Path, corpus: Corpus) -> None:
    path = tmp_path / "people.parquet"
    corpus.frame.astype(str).to_parquet(path)
    code, text = _cli(path)
    assert code == 1
    assert "주민등록번호" in text and "신뢰도" in text
    code, text = _cli(path, "--format", "json")
    assert code == 1
    data = json.loads(text)
    assert data["rows"] == N and data["path"] == str(path)
    clean = tmp_path / "clean.csv"
    pd.DataFrame({"우편번호": ["06236", "13529"], "금액": [1000, 2000]}).to_csv(clean, index=False)
    code, text = _cli(clean)
    assert code == 0 and "개인정보 없음" in text
    assert _cli(tmp_path / "missing.csv")[0] == 2


def test_no_output_contains_a_full_identifier(
    tmp_path: Path, corpus: Corpus, result: ScanResult
) -> None:
    path = tmp_path / "people.parquet"
    corpus.frame.astype(str).to_parquet(path)
    outputs = [
        repr(result),
        result._repr_html_(),
        json.dumps(result.to_dict(), ensure_ascii=False),
        json.dumps([f.to_dict() for f in result.findings()], ensure_ascii=False),
        _cli(path)[1],
        _cli(path, "--format", "json")[1],
    ]
    text = "\n".join(outputs)
    assert "*" in text
    leaked = [value for value in corpus.identifiers if value in text]
    assert leaked == []


def test_a_column_named_for_a_kind_claims_its_cells() -> None:
    # 13-digit account numbers with a birth-date-like start: accounts, not residents.
    values = ["9001011234568", "8505052123456", "110-123-456789"]
    found = scan(pd.DataFrame({"계좌번호": values})).columns["계좌번호"]
    assert [(k.kind, k.count) for k in found] == [("bank_account", 3)]
    assert [k.kind for k in scan(pd.DataFrame({"x": values[:1]})).columns["x"]] == ["resident_id"]


def test_account_numbers_in_text_are_not_resident_numbers() -> None:
    assert scan_text(["환불 계좌 9001011234568 로 송금"]) == [("bank_account", 1)]


def test_corporate_numbers_need_a_hyphen_or_a_named_column() -> None:
    assert scan_text(["1101110006240"]) == []
    assert scan_text(["110111-0006240"]) == [("corporate_id", 1)]
    named = scan(pd.DataFrame({"법인번호": ["1101110006240"]})).columns["법인번호"]
    assert [k.kind for k in named] == ["corporate_id"]


def test_mixed_empty_and_non_text_columns() -> None:
    frame = pd.DataFrame(
        {
            "mixed": [None, 9001011234568, "메모"],
            "floats": [1.5, None, 2.0],
            "when": pd.to_datetime(["2024-01-01"] * 3),
            "empty": pd.Series([None, None, None], dtype="str"),
        }
    )
    result = scan(frame)
    assert [k.kind for k in result.columns["mixed"]] == ["resident_id"]
    assert result.columns["floats"] == result.columns["when"] == result.columns["empty"] == []
    assert not scan(pd.DataFrame()).found
    assert scan_text([]) == []


def test_html_escapes_column_names() -> None:
    html = scan(pd.DataFrame({"<b>연락처": ["010-1234-5678"]}))._repr_html_()
    assert "&lt;b&gt;연락처" in html and "<b>연락처" not in html
    assert "개인정보 없음" in scan(pd.DataFrame({"x": ["없음"]}))._repr_html_()


def test_birth_dates_and_check_digits() -> None:
    import pyarrow as pa

    from workbench.ethics import _checkdigits as cd

    numbers = ["0002294234567", "0102294234567", "9001011234568", "2001015234560"]
    d = cd.digit_matrix(pa.array(numbers), 13)
    # 2000 was a leap year, 2001 was not; gender digit 5 is a foreigner's.
    assert cd.birth_date_valid(d, "1234").tolist() == [True, False, True, False]
    assert cd.birth_date_valid(d, "5678").tolist() == [False, False, False, True]
    assert cd.resident_check(d).tolist()[2] is True
    cards = pa.array(["378282246310005", "4111111111111111", "4111111111111112"])
    assert cd.luhn(cd.digit_matrix(cards.slice(1), 16)).tolist() == [True, False]
    assert cd.luhn(cd.digit_matrix(cards.slice(0, 1), 15)).tolist() == [True]


def test_unknown_columns_are_named() -> None:
    from workbench.exceptions import ParameterError

    with pytest.raises(ParameterError, match="'전화'") as info:
        scan(pd.DataFrame({"연락처": ["010-1234-5678"]}), columns=["전화"])
    assert (info.value.parameter, info.value.got, info.value.expected) == (
        "columns",
        ["전화"],
        ["연락처"],
    )
    assert "표에 없는 열 '전화'를 " in str(info.value)  # 를 after a vowel


def test_a_displayed_dataframe_is_scanned_column_by_column():
    import pandas as pd

    from workbench.ethics import scan_output

    people = pd.DataFrame({"성명": ["김민준", "이서연"], "나이": [34, 51]})
    places = pd.DataFrame({"시군구명": ["종로구", "중구"], "인구": [140000, 120000]})
    for table, expected in ((people, [("person_name", 2)]), (places, [])):
        for markup in (table.to_html(), table.set_index(table.columns[0]).to_html()):
            output = {"output_type": "execute_result", "data": {"text/html": markup}}
            assert scan_output(output) == expected


@pytest.mark.parametrize(
    "value",
    [
        "0.0212345678",  # 02-1234-5678 after the point
        "0.01012345678",
        "-3.0312345678",
        "1,052.6315789473",
        "12.9001011234567",  # 13 digits after the point: a resident number's shape
        "0.4111111111111111",  # 16 digits passing the Luhn check: a card's shape
        "6.4042265e-05 0.0212345678 0.0312345678",  # decimals next to each other
        "p = 0.0212345678.",  # a full stop ends the sentence
    ],
)
def test_digits_of_a_decimal_fraction_are_no_identifier(value: str) -> None:
    assert scan_text([value]) == []
    assert not scan(pd.DataFrame({"계수": [value]})).found


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("010-1234-5678", "phone"),
        ("01012345678", "phone"),
        ("02-123-4567", "phone"),
        ("+82 10 1234 5678", "phone"),
        ("평균 0.5, 연락처 010-1234-5678.", "phone"),
        ("Tel.010-1234-5678", "phone"),
        ("9001011234567.0", "resident_id"),  # a number written as a float keeps its digits
        ("1.900101-1234567", "resident_id"),  # a numbered line, not a decimal
        ("192.168.0.1", "ip_address"),
    ],
)
def test_identifiers_next_to_points_are_still_found(value: str, kind: str) -> None:
    assert [k for k, _ in scan_text([value])] == [kind]


def test_identifiers_in_integer_and_mixed_columns_are_found() -> None:
    # An integer column can hold a 13-digit number; a float column cannot hold a kind.
    numbers = pd.DataFrame({"번호": [9001011234567, 8505152234561], "비율": [0.0212345678, 0.5]})
    result = scan(numbers)
    assert [k.kind for k in result.columns["번호"]] == ["resident_id"]
    assert result.columns["비율"] == []
    mixed = pd.DataFrame({"연락처": [1, "010-1234-5678", 0.0212345678, "+82 10 1234 5678"]})
    assert [(k.kind, k.count) for k in scan(mixed).columns["연락처"]] == [("phone", 2)]
