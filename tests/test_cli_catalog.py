"""`workbench catalog ...`: list, search, show, related, map, invoked in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench import cli
from workbench.cli import app
from workbench.cli._catalog import catalog_app

SHARED = """\
datasets:
  welfare:
    title: 기초생활보장 수급 가구
    owner: 보건복지부
    description: Monthly household income of recipients.
    source: data/welfare.csv
    sensitivity: personal
    update_cycle: 매월
    columns:
      법정동코드: {key: 법정동코드, description: 거주지}
      월소득: {type: int, description: 월 소득(만원)}
      주민번호: {pii: resident_id}
  population:
    title: 주민등록 인구
    owner: 통계청
    source: data/population.parquet
    sensitivity: public
    update_cycle: 매년
    columns:
      bjd: {key: 법정동코드}
      인구: {type: int}
"""
PROJECT = """\
datasets:
  holidays:
    title: 공휴일 목록
    owner: 행정안전부
    source: data/holidays.csv
    sensitivity: public
    columns:
      날짜: {type: date}
"""


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """Run from an empty folder with no shared catalog; wide consoles, one line a row."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBENCH_CATALOG_PATH", raising=False)
    for console in (cli.out, cli.err):
        monkeypatch.setattr(console, "width", 200)


@pytest.fixture
def catalogs(tmp_path: Path) -> list[str]:
    shared, project = tmp_path / "shared.yml", tmp_path / "project.yml"
    shared.write_text(SHARED, encoding="utf-8")
    project.write_text(PROJECT, encoding="utf-8")
    return ["--catalog", str(shared), "--catalog", str(project)]


def invoke(*args: str):
    return CliRunner().invoke(app, ["catalog", *args])


def test_every_catalog_command_has_help_text():
    commands = {c.name: c for c in catalog_app.registered_commands}
    assert set(commands) == {
        "list", "search", "show", "related", "map", "request", "grant", "export", "import"
    }  # fmt: skip
    for name in commands:
        result = invoke(name, "--help")
        assert result.exit_code == 0
        if name == "import":  # reads a DCAT file, writes a catalog: no catalog to open
            assert "--force" in result.output
            continue
        if name == "grant":  # the steward signs a request file: no catalog involved
            continue
        assert "--catalog" in result.output
        assert "--samples" in result.output


def test_list_groups_merged_catalogs_by_agency(catalogs):
    result = invoke("list", *catalogs)
    assert result.exit_code == 0, result.output
    assert "자료 목록 (3개, 기관 3곳)" in result.output
    for header in ("이름", "제목", "기관", "민감도", "연결 키", "갱신 주기"):
        assert header in result.output
    lines = result.output.splitlines()
    welfare = next(line for line in lines if "welfare" in line)
    assert all(s in welfare for s in ("보건복지부", "개인정보", "법정동코드", "매월"))
    holidays = next(line for line in lines if "holidays" in line)
    assert "행정안전부" in holidays and "공개" in holidays
    # Agencies in order: 보건복지부, 통계청, 행정안전부.
    order = [result.output.index(n) for n in ("welfare", "population", "holidays")]
    assert order == sorted(order)


def test_search_shows_where_each_dataset_matched(catalogs):
    result = invoke("search", "소득", *catalogs)
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "welfare" in line)
    assert "열 월소득" in row and "열 설명 월소득" in row and "설명" in row
    assert "population" not in result.output

    keyed = invoke("search", "법정동", *catalogs)
    assert "population" in keyed.output and "welfare" in keyed.output
    assert "연결 키 법정동코드" in keyed.output


def test_search_without_a_match_says_so(catalogs):
    result = invoke("search", "항공", *catalogs)
    assert result.exit_code == 0
    assert "'항공'와 일치하는 자료가 없습니다." in result.output


def test_show_prints_the_entry_and_its_columns(catalogs, tmp_path):
    result = invoke("show", "welfare", *catalogs)
    assert result.exit_code == 0, result.output
    assert "기초생활보장 수급 가구 (welfare)" in result.output
    assert "기관: 보건복지부" in result.output
    assert "민감도: 개인정보" in result.output
    assert f"카탈로그: {tmp_path / 'shared.yml'}" in result.output
    for header in ("열", "유형", "설명", "개인정보", "연결 키"):
        assert header in result.output
    row = next(line for line in result.output.splitlines() if "주민번호" in line)
    assert "resident_id" in row


def test_unknown_dataset_is_one_error_line_with_a_suggestion(catalogs):
    result = invoke("show", "wellfare", *catalogs)
    assert result.exit_code == 2  # bad input: nothing was read
    assert "카탈로그에 자료 'wellfare'가 없습니다. 비슷한 이름: 'welfare'." in result.output
    assert "Traceback" not in result.output


def test_related_lists_shared_keys_and_columns_on_each_side(catalogs):
    result = invoke("related", "welfare", *catalogs)
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "population" in line)
    assert all(s in row for s in ("통계청", "법정동코드", "bjd"))
    assert "holidays" not in result.output


def test_related_of_a_dataset_without_keys_says_so(catalogs):
    result = invoke("related", "holidays", *catalogs)
    assert result.exit_code == 0
    assert "'holidays'에는 연결 키가 선언되지 않았습니다." in result.output


def test_related_when_no_other_dataset_holds_the_key(tmp_path):
    alone = tmp_path / "alone.yml"
    alone.write_text(SHARED.split("  population:")[0], encoding="utf-8")
    result = invoke("related", "welfare", "--catalog", str(alone))
    assert result.exit_code == 0
    assert "'welfare'의 연결 키(법정동코드)를 가진 다른 자료가 없습니다." in result.output


def test_map_writes_into_the_current_folder_by_default(catalogs, tmp_path):
    result = invoke("map", *catalogs)
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "data_map.html") in result.output
    assert (tmp_path / "data_map.png").is_file()


def test_map_writes_both_files_and_prints_their_paths(catalogs, tmp_path):
    result = invoke("map", "--out", str(tmp_path / "지도"), *catalogs)
    assert result.exit_code == 0, result.output
    html, png = tmp_path / "지도" / "data_map.html", tmp_path / "지도" / "data_map.png"
    assert str(html) in result.output and str(png) in result.output
    assert "주민등록 인구" in html.read_text(encoding="utf-8")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_a_broken_catalog_is_reported_by_file_and_entry(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("datasets:\n  x:\n    owner: 통계청\n    source: a.csv\n", encoding="utf-8")
    result = invoke("list", "--catalog", str(bad))
    assert result.exit_code == 2
    assert "자료 'x', 항목 'title': 꼭 있어야 하는 항목이 없습니다" in result.output


# --- acceptance, on the bundled sample catalog ------------------------------------------------


def test_related_households_in_the_samples_lists_population_and_businesses():
    result = invoke("related", "households", "--samples")
    assert result.exit_code == 0, result.output
    rows = {
        name: line
        for line in result.output.splitlines()
        for name in ("population", "businesses")
        if line.startswith(f"│ {name} ")
    }
    assert set(rows) == {"population", "businesses"}
    assert all("법정동코드" in line for line in rows.values())


def test_map_of_the_samples_writes_the_page_and_the_png(tmp_path):
    result = invoke("map", "--samples", "--out", str(tmp_path / "map"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "map" / "data_map.html").read_text(encoding="utf-8")
    assert "households" in page and "법정동코드" in page
    assert (tmp_path / "map" / "data_map.png").stat().st_size > 0
