"""Errors and gate refusals in plain Korean: no traceback, no value of the data."""

import re

from workbench.app import describe_error, describe_finding
from workbench.ethics import Finding, Location
from workbench.exceptions import (
    DataReadError,
    ParameterError,
    ReleaseBlockedError,
    RunFailedError,
)

RRN = "900101-1234567"
HANGUL = re.compile(r"[가-힣]")


def resident_finding(**overrides):
    fields = {
        "rule": "pii.resident_id",
        "severity": "fail",
        "location": Location(
            "column", file="results/top_values.csv", table="top_values", column="값"
        ),
        # A message or examples that quoted the data must still never reach the page.
        "message": f"열 '값'에 주민등록번호 {RRN}",
        "count": 4,
        "details": {"kind": "resident_id", "examples": ["900101-1******"]},
    }
    return Finding(**{**fields, **overrides})


def test_a_refusal_says_what_where_and_how_many_without_the_numbers(tmp_path):
    finding = resident_finding()
    exc = ReleaseBlockedError("blocked", run_dir=tmp_path / "profile-01", findings=[finding])
    notice = describe_error(exc)
    text = notice.text()
    assert notice.level == "blocked"
    assert "공개 보류" in notice.title
    assert "결과 표 'top_values'의 열 '값'에 개인정보(주민등록번호) 4건" in text
    assert "900101" not in text and "1234567" not in text
    assert "승인" in text and "profile-01" in text and finding.id in text
    assert "지우거나 가명처리" in text


def test_report_outputs_and_small_cells_are_named_in_korean():
    shown = resident_finding(location=Location("output", cell_number=9, output_number=1), count=1)
    assert (
        describe_finding(shown)
        == "보고서 9번째 칸에 표시될 출력에 개인정보(주민등록번호) 1건이 있습니다."
    )
    small = Finding(
        rule="disclosure.threshold",
        severity="fail",
        location=Location("cell", table="households_by_region", row="중구", column="가구 수"),
        message="x",
        count=1,
    )
    line = describe_finding(small)
    assert line.startswith("결과 표 'households_by_region'에 공개 기준에 어긋나는")
    assert "인원·건수가 너무 적은 칸 1건" in line


def test_a_failed_cell_never_shows_its_error_value():
    exc = RunFailedError(
        f"Cell 3 failed: ValueError: could not convert string to float: '{RRN}'",
        run_dir="/tmp/run/profile-02",
        reason="cell_error",
        cell_index=2,
        error_name="ValueError",
        error_value=f"could not convert string to float: '{RRN}'",
    )
    notice = describe_error(exc)
    assert RRN not in notice.text() and "Traceback" not in notice.text()
    assert "3번째 단계" in notice.text() and "자료의 값이 이 분석에 맞지 않습니다" in notice.text()
    assert "profile-02" in notice.text()


def test_a_bad_parameter_is_named_by_its_korean_explanation():
    exc = ParameterError("Parameter 'top_n' must be an int; got 'abc'.", parameter="top_n")
    notice = describe_error(exc, {"top_n": "상위 값의 개수 (개)"})
    assert notice.title == "입력값을 확인하세요."
    assert "'상위 값의 개수 (개)' 값이 올바르지 않습니다." in notice.lines


def test_unreadable_files_and_unexpected_errors_are_korean():
    for exc in (DataReadError("Cannot read x.csv: boom"), KeyError("secret"), RuntimeError()):
        notice = describe_error(exc)
        assert HANGUL.search(notice.title)
        assert all(HANGUL.search(line) for line in notice.lines + notice.advice)
        assert "secret" not in notice.text() and "boom" not in notice.text()


def test_a_file_the_page_cannot_read_is_named_with_the_readers_reason_but_no_server_path():
    exc = DataReadError(
        "'/srv/workbench/uploads/3f9a/가구_2025.csv' 3번째 줄: 열이 5개여야 하는데 7개입니다. "
        "구분자(쉼표, 탭)를 확인하세요. 예/아니요/모름 열은 그대로 둡니다."
    )
    text = describe_error(exc).text()
    assert "'가구_2025.csv' 3번째 줄: 열이 5개여야 하는데 7개입니다" in text
    assert "/srv" not in text and "uploads" not in text
    assert "예/아니요/모름" in text  # a list written with slashes is not a path
