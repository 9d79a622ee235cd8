import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app

sys.path.insert(0, str(Path(__file__).parent / "catalog"))
from portal_files import kosis_workbook, mois_population_csv


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


def invoke(*args):
    return CliRunner().invoke(app, list(args))


def test_read_prints_the_report_and_the_first_rows(tmp_path):
    mois_population_csv(tmp_path / "mois.csv")
    result = invoke("read", str(tmp_path / "mois.csv"), "--rows", "2")
    assert result.exit_code == 0, result.output
    assert "읽기 보고서" in result.output
    assert "인코딩 cp949" in result.output
    assert "합계 행 1개" in result.output
    assert "행정구역코드" in result.output


def test_read_of_a_sheet_as_json(tmp_path):
    kosis_workbook(tmp_path / "kosis.xlsx")
    result = invoke("read", str(tmp_path / "kosis.xlsx"), "--sheet", "데이터", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["sheet"] == "데이터" and report["header_rows"] == 2


def test_read_raw_turns_every_inference_off(tmp_path):
    mois_population_csv(tmp_path / "mois.csv")
    result = invoke("read", str(tmp_path / "mois.csv"), "--raw", "--json")
    assert json.loads(result.output)["summary_rows"] == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [("cut.xlsx", b"PK\x03\x04 cut short"), ("picture.csv", b"\x89PNG\r\n\x1a\n\xff\xfe\x00")],
)
def test_an_unreadable_file_exits_2_with_a_korean_message(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    result = invoke("read", str(tmp_path / name))
    assert result.exit_code == 2
    assert name in result.output
    assert "세요." in result.output  # what to do, in Korean


def test_a_missing_file_exits_2(tmp_path):
    result = invoke("read", str(tmp_path / "없음.csv"))
    assert result.exit_code == 2
    assert "없습니다. 경로와 파일 이름을 확인하세요" in result.output
