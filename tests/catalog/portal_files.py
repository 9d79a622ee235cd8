"""Files shaped as Korean portals publish them, each with the frame it must read as.

Generated, never committed: 행정안전부 주민등록 인구 CSV (CP949, quoted, thousands
separators, ``이름  (코드)`` cells, 전국 row, a trailing comma on every row), KOSIS CSV and
workbook downloads (two header rows, title lines, ``-``/``x`` marks, 주:/자료: footnotes, a
wrong ``dimension``, a hidden first sheet; also saved as a legacy ``.xls`` with merged
header cells), blanks written as ``" "``, accounting signs, legacy ``.xls``. Each builder
writes the file and returns the expected frame.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

SIGUNGU = [
    ("서울특별시 종로구", "1111000000"), ("서울특별시 중구", "1114000000"),
    ("서울특별시 용산구", "1117000000"), ("서울특별시 성동구", "1120000000"),
    ("서울특별시 광진구", "1121500000"), ("부산광역시 중구", "2611000000"),
    ("부산광역시 서구", "2614000000"), ("부산광역시 동구", "2617000000"),
    ("대구광역시 중구", "2711000000"), ("대구광역시 동구", "2714000000"),
    ("인천광역시 중구", "2811000000"), ("인천광역시 동구", "2814000000"),
    ("광주광역시 동구", "2911000000"), ("대전광역시 동구", "3011000000"),
    ("울산광역시 중구", "3111000000"), ("경기도 수원시", "4111000000"),
    ("경기도 성남시", "4113000000"), ("경기도 화성시", "4159000000"),
    ("강원특별자치도 춘천시", "5111000000"), ("충청북도 청주시", "4311000000"),
    ("충청남도 천안시", "4413000000"), ("전북특별자치도 전주시", "5211000000"),
    ("경상북도 포항시", "4711000000"), ("경상남도 창원시", "4812000000"),
]  # fmt: skip
MOIS_COLUMNS = ["총인구수", "세대수", "세대당 인구", "남자 인구수", "여자 인구수", "남여 비율"]


def _mois_rows(seed: int = 13) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    men = rng.integers(40_000, 600_000, len(SIGUNGU))
    women = men + rng.integers(-20_000, 30_000, len(SIGUNGU))
    households = ((men + women) / rng.uniform(1.8, 2.6, len(SIGUNGU))).astype("int64")
    frame = pd.DataFrame(
        {
            "행정구역": [name for name, _ in SIGUNGU],
            "행정구역코드": [code for _, code in SIGUNGU],
            "총인구수": men + women,
            "세대수": households,
            "세대당 인구": np.round((men + women) / households, 2),
            "남자 인구수": men,
            "여자 인구수": women,
            "남여 비율": np.round(men / women, 2),
        }
    )
    total = frame.drop(columns=["행정구역", "행정구역코드"]).sum()
    head = {"행정구역": "전국", "행정구역코드": "1000000000", **total.to_dict()}
    head["세대당 인구"] = round(head["총인구수"] / head["세대수"], 2)
    head["남여 비율"] = round(head["남자 인구수"] / head["여자 인구수"], 2)
    rows = pd.concat([pd.DataFrame([head]), frame], ignore_index=True)
    counts = ["총인구수", "세대수", "남자 인구수", "여자 인구수"]
    return rows.astype(dict.fromkeys(counts, "int64") | {"행정구역": "str", "행정구역코드": "str"})


def mois_population_csv(path: Path) -> pd.DataFrame:
    """행정안전부 주민등록 인구 및 세대현황: CP949, quoted, separators, trailing commas."""
    rows = _mois_rows()
    period = "2026년04월"
    header = ["행정구역", *(f"{period}_{name}" for name in MOIS_COLUMNS)]
    lines = [",".join(f'"{cell}"' for cell in header) + ","]
    for row in rows.itertuples(index=False):
        cells = [f"{row[0]}  ({row[1]})"]
        for value in row[2:]:
            cells.append(f"{value:,}" if isinstance(value, int | np.integer) else f"{value:.2f}")
        lines.append(",".join(f'"{cell}"' for cell in cells) + ",")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp949"))
    expected = rows.rename(columns={n: f"{period}_{n}" for n in MOIS_COLUMNS})
    expected["합계행"] = expected["행정구역"] == "전국"
    return expected


def _kosis_values() -> tuple[list[str], pd.DataFrame]:
    """시도 rows of a KOSIS table: two periods × (총인구수, 세대수), some cells suppressed."""
    names = [
        "전국", "서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시",
        "대전광역시", "울산광역시", "세종특별자치시", "경기도", "강원특별자치도", "충청북도",
        "충청남도", "전북특별자치도", "전라남도", "경상북도", "경상남도", "제주특별자치도",
    ]  # fmt: skip
    sejong = names.index("세종특별자치시")
    rng = np.random.default_rng(7)
    values = rng.integers(100_000, 9_000_000, (len(names), 4)).astype("float64")
    values[0] = values[1:].sum(axis=0)
    values[sejong, 0] = np.nan  # "-": 세종 2026.03 not compiled
    values[sejong, 1] = np.nan  # "x": suppressed
    columns = [
        f"{p}_{m}" for p in ("2026.03", "2026.04") for m in ("총인구수 (명)", "세대수 (세대)")
    ]
    frame = pd.DataFrame(values, columns=columns)
    frame.insert(0, "행정구역별(1)", names)
    for column in columns[2:]:
        frame[column] = frame[column].astype("int64")
    frame["합계행"] = frame["행정구역별(1)"] == "전국"
    return names, frame


def _cell(value: float) -> str:
    return "-" if np.isnan(value) else f"{int(value)}"


def kosis_csv(path: Path) -> pd.DataFrame:
    """A KOSIS CSV download: CP949, two header rows (period repeated), marks, footnotes."""
    _, expected = _kosis_values()
    lines = [
        '"행정구역별(1)","2026.03","2026.03","2026.04","2026.04"',
        '"행정구역별(1)","총인구수 (명)","세대수 (세대)","총인구수 (명)","세대수 (세대)"',
    ]
    for row in expected.itertuples(index=False):
        cells = [row[0], *(_cell(float(v)) for v in row[1:5])]
        if row[0] == "세종특별자치시":
            cells[2] = "x"
        lines.append(",".join(f'"{cell}"' for cell in cells))
    lines += ['"주: 2026.04는 잠정치임"', '"자료: 행정안전부, 「주민등록인구현황」"']
    path.write_bytes(("\n".join(lines) + "\n").encode("cp949"))
    return expected


def kosis_workbook(path: Path, *, wrong_dimension: bool = True) -> pd.DataFrame:
    """A KOSIS .xlsx: hidden first sheet, title lines, merged periods, text numbers, notes."""
    _, expected = _kosis_values()
    book = openpyxl.Workbook()
    meta = book.active
    meta.title = "메타정보"
    meta["A1"] = "통계표 정보"
    meta.sheet_state = "hidden"
    sheet = book.create_sheet("데이터")
    sheet["A1"] = "시도별 주민등록인구 및 세대수"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "단위: 명, 세대"
    sheet["A4"] = "행정구역별(1)"
    sheet.merge_cells("A4:A5")
    sheet["B4"] = "2026.03"
    sheet.merge_cells("B4:C4")
    sheet["D4"] = "2026.04"
    sheet.merge_cells("D4:E4")
    for column, label in zip("BCDE", ["총인구수 (명)", "세대수 (세대)"] * 2, strict=True):
        sheet[f"{column}5"] = label
    for row in expected.itertuples(index=False):
        cells: list[object] = [row[0]]
        for index, value in enumerate(row[1:5]):
            if np.isnan(value):
                cells.append("x" if index == 1 else "-")
            elif row[0] == "경기도":
                cells.append(f"{int(value):,}")  # a number stored as text, with separators
            else:
                cells.append(int(value))
        sheet.append(cells)
    sheet.append([])
    sheet.append(["주: 2026.04는 잠정치임"])
    sheet.append(["자료: 행정안전부, 「주민등록인구현황」"])
    book.save(path)
    if wrong_dimension:
        _set_dimension(path, "데이터", "A1")
    return expected


def _set_dimension(path: Path, sheet: str, ref: str) -> None:
    """Rewrite a sheet's ``<dimension ref=...>`` as KOSIS's exporter gets it wrong."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    index = openpyxl.load_workbook(path, read_only=True).sheetnames.index(sheet) + 1
    name = f"xl/worksheets/sheet{index}.xml"
    members[name] = re.sub(
        rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), members[name]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)


def blanks_and_signs_csv(path: Path) -> pd.DataFrame:
    """UTF-8 with " " and "-" blanks, accounting negatives, ▲/△ changes and percentages."""
    path.write_text(
        "구분,예산액,증감,증감률,비고\n"
        '일반회계,"1,234,567",▲12,12.5%,신규\n'
        '특별회계,"(2,500)",△5,-3.0%, \n'
        "기금, ,-,0.0%,-\n"
        '합계,"1,232,067",▲7,1.1%,\n',
        encoding="utf-8",
    )
    return pd.DataFrame(
        {
            "구분": pd.array(["일반회계", "특별회계", "기금", "합계"], dtype="str"),
            "예산액": [1234567.0, -2500.0, np.nan, 1232067.0],
            "증감": [12.0, -5.0, np.nan, 7.0],
            "증감률": [12.5, -3.0, 0.0, 1.1],
            "비고": pd.array(["신규", np.nan, "-", np.nan], dtype="str"),
            "합계행": [False, False, False, True],
        }
    )


def legacy_xls(path: Path) -> pd.DataFrame:
    """A BIFF .xls (Excel 97-2003) as older systems export: title line, text numbers."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("인구")
    sheet.write(0, 0, "□ 읍면동별 인구 현황")
    for column, name in enumerate(["읍면동", "법정동코드", "인구", "세대"]):
        sheet.write(2, column, name)
    rows = [("청운효자동", "1111051500", 11000, "5,120"), ("사직동", "1111053000", 9000, "4,300")]
    for number, row in enumerate(rows, start=3):
        for column, value in enumerate(row):
            sheet.write(number, column, value)
    book.save(str(path))
    return pd.DataFrame(
        {
            "읍면동": pd.array(["청운효자동", "사직동"], dtype="str"),
            "법정동코드": pd.array(["1111051500", "1111053000"], dtype="str"),
            "인구": [11000, 9000],
            "세대": [5120, 4300],
        }
    )


def kosis_xls(path: Path) -> pd.DataFrame:
    """The KOSIS table saved as Excel 97-2003 (.xls): merged two-row header, marks, notes."""
    import xlwt

    _, expected = _kosis_values()
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("데이터")
    sheet.write_merge(0, 0, 0, 4, "시도별 주민등록인구 및 세대수")
    sheet.write(1, 0, "단위: 명, 세대")
    sheet.write_merge(3, 4, 0, 0, "행정구역별(1)")  # rows 4-5, one column
    sheet.write_merge(3, 3, 1, 2, "2026.03")
    sheet.write_merge(3, 3, 3, 4, "2026.04")
    for column, label in enumerate(["총인구수 (명)", "세대수 (세대)"] * 2, start=1):
        sheet.write(4, column, label)
    for number, row in enumerate(expected.itertuples(index=False), start=5):
        sheet.write(number, 0, row[0])
        for index, value in enumerate(row[1:5], start=1):
            if np.isnan(value):
                sheet.write(number, index, "x" if index == 2 else "-")
            else:
                sheet.write(number, index, int(value))
    last = 5 + len(expected)
    sheet.write(last + 1, 0, "주: 2026.04는 잠정치임")
    sheet.write(last + 2, 0, "자료: 행정안전부, 「주민등록인구현황」")
    book.save(str(path))
    return expected


BUILDERS = {
    "mois.csv": mois_population_csv,
    "kosis.csv": kosis_csv,
    "kosis.xlsx": kosis_workbook,
    "budget.csv": blanks_and_signs_csv,
    "legacy.xls": legacy_xls,
    "kosis.xls": kosis_xls,
}
