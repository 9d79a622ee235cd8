"""Columns of free text (``type: text`` in catalog.yml): scanned, published and gated as text.

A complaint column is prose: a cell may list several people (참석: 김민준, 이서연, ...)
although the column as a whole is no list of names. Declared as text, it is read cell by
cell as ``mask_text`` reads it, by ``wb.scan``, by ``workbench scan`` and by the gate.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import workbench as wb
from workbench import cli
from workbench.catalog import TEXT_COLUMNS_ATTR, open_catalog
from workbench.cli import app
from workbench.ethics import mask_texts, scan
from workbench.runner._gate import check_outputs
from workbench.runner.results import RUN_DIR_ENV

LISTED = "오늘 회의 참석: 김민준, 이서연, 박지훈, 최수아, 정우진 (주민 대표)"
COMPLAINTS = [
    LISTED,
    "도로가 파손되어 보수를 요청합니다.",
    "가로등이 고장 나서 밤길이 어둡습니다.",
    "불법주차 단속을 부탁드립니다.",
]
CATALOG = """\
version: 1
datasets:
  memo:
    title: 민원 메모
    owner: 종로구
    source: memo.csv
    sensitivity: internal
    columns:
      내용:
        type: text
        description: 민원 본문 (자유 서술)
      분야:
        type: str
"""


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    for console in (cli.out, cli.err):
        monkeypatch.setattr(console, "width", 200)


@pytest.fixture
def project(tmp_path, monkeypatch):
    frame = pd.DataFrame({"내용": COMPLAINTS, "분야": ["회의", "도로", "안전", "주차"]})
    frame.to_csv(tmp_path / "memo.csv", index=False, encoding="cp949")
    (tmp_path / "catalog.yml").write_text(CATALOG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_list_of_names_inside_one_complaint_is_found_only_when_the_column_is_text():
    frame = pd.DataFrame({"내용": COMPLAINTS})
    assert not scan(frame).found  # as a category column: its values are no list of names
    result = scan(frame, text_columns=["내용"])
    [kind] = result.columns["내용"]
    assert (kind.kind, kind.count) == ("person_name", 1)
    assert "김민준" not in " ".join(kind.examples)
    [finding] = result.findings(frame)
    assert finding.message.startswith("자유 서술 열 '내용'에 이름(person_name)이 1건")
    assert "wb.mask_texts" in finding.message
    # Masked, the same column holds nothing.
    assert not scan(pd.DataFrame({"내용": mask_texts(COMPLAINTS)}), text_columns=["내용"]).found


def test_a_text_column_loads_as_strings_and_says_it_is_text(project):
    frame = open_catalog(project / "catalog.yml").load("memo")
    assert frame.attrs[TEXT_COLUMNS_ATTR] == ["내용"]
    assert pd.api.types.is_string_dtype(frame["내용"])
    assert frame[["내용"]].attrs[TEXT_COLUMNS_ATTR] == ["내용"]  # kept on a selection


def test_the_sample_complaints_declare_their_body_as_text():
    entry = open_catalog(samples=True)["complaints"]
    assert entry.text_columns() == ["민원내용"]


def test_workbench_scan_reads_a_catalog_text_column_as_text(project):
    plain = CliRunner().invoke(app, ["scan", "memo.csv"])
    assert plain.exit_code == 0, plain.output  # a file alone: no column is known as text
    result = CliRunner().invoke(app, ["scan", "catalog:memo"])
    assert result.exit_code == 1, result.output
    assert "내용 (자유 서술)" in result.output and "김*준" in result.output
    assert "김민준" not in result.output
    assert "wb.mask_texts" in result.output
    # The same for a file, naming the column; a column that is not there is exit 2.
    by_option = CliRunner().invoke(app, ["scan", "memo.csv", "--text", "내용", "--format", "json"])
    assert by_option.exit_code == 1
    [column] = [c for c in json.loads(by_option.output)["columns"] if c["text"]]
    assert column["name"] == "내용" and column["findings"][0]["kind"] == "person_name"
    missing = CliRunner().invoke(app, ["scan", "memo.csv", "--text", "본문"])
    assert missing.exit_code == 2
    assert "본문" in missing.output and "내용" in missing.output


def test_a_published_table_with_raw_complaints_is_blocked_and_masked_ones_pass(
    project, monkeypatch
):
    run_dir = project / "run"
    monkeypatch.setenv(RUN_DIR_ENV, str(run_dir))
    frame = open_catalog(project / "catalog.yml").load("memo")
    wb.publish(frame[["분야", "내용"]], "원문", show=False)
    published = json.loads((run_dir / "published.json").read_text(encoding="utf-8"))
    assert published["원문"]["text_columns"] == ["내용"]
    report = check_outputs(run_dir, _empty_notebook())
    [finding] = report.blocking
    assert finding.rule == "pii.person_name" and finding.location.column == "내용"
    assert "자유 서술" in finding.message

    (run_dir / "results" / "원문.csv").unlink()
    masked = frame.assign(내용=mask_texts(frame["내용"].tolist()))
    wb.publish(masked[["분야", "내용"]], "가림", show=False)
    assert check_outputs(run_dir, _empty_notebook()).blocking == []


def _empty_notebook():
    from nbformat.v4 import new_notebook

    return new_notebook(cells=[])
