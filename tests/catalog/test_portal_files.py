"""Files as Korean portals publish them read analysis-ready, the same by every route."""

import zipfile

import openpyxl
import pandas as pd
import pytest
from portal_files import BUILDERS, kosis_csv, kosis_workbook, mois_population_csv

from workbench.catalog import open_catalog, read_table
from workbench.catalog._excel import Limits
from workbench.exceptions import DataReadError, ParameterError


def check_frame(result, expected):
    pd.testing.assert_frame_equal(
        result.reset_index(drop=True), expected, check_dtype=True, check_exact=False
    )


@pytest.mark.parametrize("name", list(BUILDERS))
def test_each_portal_file_reads_as_its_expected_frame(tmp_path, name):
    expected = BUILDERS[name](tmp_path / name)
    result = read_table(tmp_path / name)
    check_frame(result, expected)
    assert result.attrs["read_report"]["rows"] == len(expected)


def catalog_for(folder, names):
    lines = ["datasets:"]
    for name in names:
        key = name.replace(".", "_")
        lines += [
            f"  {key}:",
            f"    title: {name}",
            "    owner: 행정안전부",
            f"    source: {name}",
            "    sensitivity: public",
        ]
    (folder / "catalog.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return open_catalog(folder / "catalog.yml", project=folder)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_read_table_catalog_load_and_the_page_upload_agree(tmp_path, name):
    from workbench.app._session import AppSession

    BUILDERS[name](tmp_path / name)
    direct = read_table(tmp_path / name)
    loaded = catalog_for(tmp_path, [name]).load(name.replace(".", "_"))
    session = AppSession(tmp_path, folder=tmp_path / "session")
    uploaded = read_table(session.save_upload(name, (tmp_path / name).read_bytes()))
    pd.testing.assert_frame_equal(loaded, direct)
    pd.testing.assert_frame_equal(uploaded, direct)


def test_the_mois_report_says_what_was_done(tmp_path):
    mois_population_csv(tmp_path / "mois.csv")
    frame, report = read_table(tmp_path / "mois.csv", report=True)
    assert report.encoding == "cp949"
    assert report.split_codes == {"행정구역": "행정구역코드"}
    assert report.summary_rows == 1
    assert report.summary_values == {"전국": 1}
    assert report.numbers["2026년04월_총인구수"]["separators"] == len(frame)
    assert report.dropped_columns  # the trailing comma's empty column
    text = report.to_text()
    assert "합계 행 1개" in text
    assert "천 단위 구분 기호" in text
    assert "infer={'numbers': False}" in text
    assert frame[~frame["합계행"]]["2026년04월_총인구수"].sum() == frame["2026년04월_총인구수"][0]


def test_kosis_layout_is_reported(tmp_path):
    kosis_csv(tmp_path / "kosis.csv")
    _, report = read_table(tmp_path / "kosis.csv", report=True)
    assert report.header_rows == 2
    assert report.footnotes == ["주: 2026.04는 잠정치임", "자료: 행정안전부, 「주민등록인구현황」"]
    assert report.missing_marks["2026.03_총인구수 (명)"] == {"-": 1}
    assert report.missing_marks["2026.03_세대수 (세대)"] == {"x": 1}


def test_the_kosis_workbook_skips_its_hidden_sheet_and_title(tmp_path):
    kosis_workbook(tmp_path / "kosis.xlsx")
    _, report = read_table(tmp_path / "kosis.xlsx", report=True)
    assert report.sheet == "데이터"
    assert report.preamble == ["시도별 주민등록인구 및 세대수", "단위: 명, 세대"]
    assert report.header_rows == 2
    assert report.numbers["2026.04_총인구수 (명)"] == {"separators": 1, "excel_text": 1}
    assert read_table(tmp_path / "kosis.xlsx", sheet="메타정보").columns.tolist() == ["통계표 정보"]


def test_every_inference_can_be_turned_off(tmp_path):
    mois_population_csv(tmp_path / "mois.csv")
    raw = read_table(tmp_path / "mois.csv", infer=False)
    assert "합계행" not in raw.columns
    assert raw["2026년04월_총인구수"].iloc[0].count(",") == 2
    assert raw["행정구역"].iloc[0] == "전국  (1000000000)"
    some = read_table(tmp_path / "mois.csv", infer={"summary": False, "codes": False})
    assert "합계행" not in some.columns and "행정구역코드" not in some.columns
    assert some["2026년04월_세대수"].dtype == "int64"
    with pytest.raises(ParameterError, match=r"'infer'.*'number'"):
        read_table(tmp_path / "mois.csv", infer={"number": False})


def test_a_column_that_almost_parses_stays_text_and_says_why(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('지역,인구\n서울,"1,000"\n부산,확인중\n' + "대구,5\n" * 10, encoding="utf-8")
    frame, report = read_table(path, report=True)
    assert pd.api.types.is_string_dtype(frame["인구"])
    assert "3행의 값 '확인중'" in report.kept_text["인구"]


def test_dates_are_reported_and_converted_when_asked(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("기준월,건수\n2025-04,1\n2025.05,2\n2025년 6월,3\n", encoding="utf-8")
    frame, report = read_table(path, report=True)
    assert report.date_columns == ["기준월"] and not report.dates_converted
    assert frame["기준월"].tolist() == ["2025-04", "2025.05", "2025년 6월"]
    dated = read_table(path, infer={"dates": True})
    assert dated["기준월"].dt.strftime("%Y-%m").tolist() == ["2025-04", "2025-05", "2025-06"]


def test_year_months_without_separators_are_dates_only_where_the_name_says_so(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "기준월,접수일,월소득,법정동코드\n"
        "202504,20250401,202504,1111010100\n"
        "202505,20250531,201911,1111010200\n",
        encoding="cp949",
    )
    frame, report = read_table(path, report=True)
    assert report.date_columns == ["기준월", "접수일"]
    assert frame["기준월"].tolist() == ["202504", "202505"]  # listed, kept as written
    assert frame["월소득"].tolist() == [202504, 201911]  # a number, whatever it looks like
    dated = read_table(path, infer={"dates": True})
    assert dated["기준월"].dt.strftime("%Y-%m-%d").tolist() == ["2025-04-01", "2025-05-01"]
    assert dated["접수일"].dt.strftime("%Y-%m-%d").tolist() == ["2025-04-01", "2025-05-31"]
    # A value that is no month (13) keeps the whole column a number.
    path.write_text("기준월,건수\n202504,1\n202513,2\n", encoding="utf-8")
    assert read_table(path)["기준월"].tolist() == [202504, 202513]


def test_formulas_without_saved_values_are_reported(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["지역", "인구", "두배"])
    sheet.append(["서울", 10, "=B2*2"])
    sheet.append(["부산", 20, "=B3*2"])
    book.save(tmp_path / "f.xlsx")  # openpyxl saves formulas without their results
    _, report = read_table(tmp_path / "f.xlsx", report=True)
    assert report.formula_count == 2
    assert report.formulas_without_values == ["C2", "C3"]
    assert "Excel에서 파일을 열어 다시 저장" in report.to_text()


def test_a_row_limit_and_a_zip_bomb_are_refused(tmp_path):
    kosis_workbook(tmp_path / "kosis.xlsx")
    with pytest.raises(DataReadError, match=r"kosis\.xlsx: 시트 '데이터'의 행이 .*한도 3개"):
        read_table(tmp_path / "kosis.xlsx", limits=Limits(max_rows=3))
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (70 << 20))
    with pytest.raises(DataReadError, match=r"bomb\.xlsx: 압축을 풀면 70 MB.*압축 폭탄"):
        read_table(bomb)


@pytest.mark.parametrize(
    ("name", "content", "fix"),
    [
        ("half.xlsx", None, "다시 저장"),
        ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "다시 저장"),
        ("empty.csv", b"", "파일이 비어 있습니다"),
    ],
)
def test_bad_files_say_in_korean_what_to_do(tmp_path, name, content, fix):
    if content is None:  # a download cut in half
        kosis_workbook(tmp_path / "whole.xlsx")
        data = (tmp_path / "whole.xlsx").read_bytes()
        content = data[: len(data) // 2]
    (tmp_path / name).write_bytes(content)
    with pytest.raises(DataReadError) as info:
        read_table(tmp_path / name)
    assert str(tmp_path / name) in str(info.value)
    assert fix in str(info.value)


@pytest.mark.parametrize("name", ["mois.csv", "kosis.csv", "budget.csv"])
def test_the_runner_input_check_sees_the_names_read_table_gives(tmp_path, name):
    from workbench.catalog._headers import column_names

    BUILDERS[name](tmp_path / name)
    names = [c for c in read_table(tmp_path / name).columns if c != "합계행"]
    assert column_names(tmp_path / name) == names


def test_a_long_file_is_typed_from_a_sample_then_read_with_its_hints(tmp_path, monkeypatch):
    import workbench.catalog._tabular as tabular

    rows = [f'{1111000000 + i},구{i},"{i * 1000:,}",{i % 7}' for i in range(40)]
    rows[3] = "1111000003,구3,-,3"  # a mark inside the sample
    rows[30] = '1111000030,구30," ",x'  # blanks and marks after it
    rows[35] = '1111000035,구35,"1,000",확인중'  # text after a numeric sample: stays text
    path = tmp_path / "long.csv"
    path.write_text("법정동코드,구,인구,비고\n" + "\n".join(rows) + "\n", encoding="cp949")

    whole = read_table(path)  # 40 rows: read whole as text, then typed
    monkeypatch.setattr(tabular, "SAMPLE_ROWS", 5)
    frame, report = read_table(path, report=True)

    pd.testing.assert_frame_equal(frame, whole)
    assert pd.api.types.is_string_dtype(frame["법정동코드"])  # by its name, not its digits
    assert frame["인구"].dtype == "float64" and frame["인구"].isna().sum() == 2
    assert frame["인구"].iloc[39] == 39_000
    assert report.numbers["인구"]["sampled_rows"] == 5
    assert frame["비고"].iloc[30] == "x"  # text column: marks kept as written
    assert "37행의 값 '확인중'" in report.kept_text["비고"]
