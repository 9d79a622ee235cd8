"""Excel sheets whose header spans several rows with merged cells, as statistics tables do."""

import openpyxl
import pandas as pd
import pytest

from workbench.catalog import read_table
from workbench.exceptions import ParameterError

ROWS = [
    ["서울특별시", 9386034, 4476928, 9411000, 4464000],
    ["부산광역시", 3293362, 1530000, 3321000, 1520000],
]
NAMES = ["지역", "2024_인구", "2024_가구", "2023_인구", "2023_가구"]


def year_book(path, *, year_as_number=False, sheet_title="인구 현황"):
    """지역 merged down over two rows; each year merged over 인구 and 가구."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet["A1"] = "지역"
    sheet.merge_cells("A1:A2")
    sheet["B1"] = 2024 if year_as_number else "2024"
    sheet.merge_cells("B1:C1")
    sheet["D1"] = 2023 if year_as_number else "2023"
    sheet.merge_cells("D1:E1")
    for column, label in zip("BCDE", ["인구", "가구", "인구", "가구"], strict=True):
        sheet[f"{column}2"] = label
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("header_rows", [2, None])
def test_merged_two_row_header_is_flattened(tmp_path, header_rows):
    path = year_book(tmp_path / "인구.xlsx")

    frame = read_table(path, header_rows=header_rows)

    assert frame.columns.tolist() == NAMES
    assert frame.values.tolist() == ROWS
    assert frame["2024_인구"].dtype == "int64"
    assert pd.api.types.is_string_dtype(frame["지역"])
    assert frame.attrs["header_rows"] == 2
    assert frame.attrs["sheet"] == "인구 현황"


def test_a_year_typed_as_a_number_reads_as_text_in_the_name(tmp_path):
    path = year_book(tmp_path / "인구.xlsx", year_as_number=True)
    assert read_table(path).columns.tolist() == NAMES


def test_three_header_rows_and_repeated_names(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "구분"
    sheet.merge_cells("A1:A3")
    sheet["B1"] = "인구"
    sheet.merge_cells("B1:E1")
    sheet["B2"] = "남"
    sheet.merge_cells("B2:C2")
    sheet["D2"] = "여"
    sheet.merge_cells("D2:E2")
    for column, label in zip("BCDE", ["청년", "노인", "청년", "노인"], strict=True):
        sheet[f"{column}3"] = label
    sheet["F1"] = "비고"
    sheet["G1"] = "비고"
    sheet.append(["가", 1, 2, 3, 4, "a", "b"])
    path = tmp_path / "three.xlsx"
    book.save(path)

    frame = read_table(path)

    assert frame.attrs["header_rows"] == 3
    assert frame.columns.tolist() == [
        "구분", "인구_남_청년", "인구_남_노인", "인구_여_청년", "인구_여_노인", "비고", "비고.1",
    ]  # fmt: skip
    assert frame.iloc[0].tolist() == ["가", 1, 2, 3, 4, "a", "b"]


def test_identifier_columns_keep_leading_zeros_under_a_merged_header(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "지역"
    sheet.merge_cells("A1:B1")
    sheet["A2"] = "코드"
    sheet["B2"] = "이름"
    sheet["C1"] = "인구"
    sheet.merge_cells("C1:C2")
    sheet.append(["0110", "종로", 140000])
    path = tmp_path / "codes.xlsx"
    book.save(path)

    frame = read_table(path, header_rows=2)

    assert frame.columns.tolist() == ["지역_코드", "지역_이름", "인구"]
    assert frame["지역_코드"].tolist() == ["0110"]


def test_without_merged_cells_the_header_is_one_row(tmp_path):
    path = tmp_path / "plain.xlsx"
    pd.DataFrame({"지역": ["서울"], "인구": [1]}).to_excel(path, index=False)
    frame = read_table(path)
    assert frame.columns.tolist() == ["지역", "인구"]
    assert frame.attrs["header_rows"] == 1


def test_a_merged_title_row_is_not_taken_for_a_header(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "2024년 인구 현황"
    sheet.merge_cells("A1:C1")
    sheet.append(["지역", "인구", "가구"])
    sheet.append(["서울", 1, 2])
    path = tmp_path / "title.xlsx"
    book.save(path)
    assert read_table(path).attrs["header_rows"] == 1


def test_numbers_under_a_merged_cell_are_data_not_sub_headers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "지역"
    sheet["B1"] = "인구"
    sheet.merge_cells("B1:C1")
    sheet["D1"] = "비고"
    sheet.append(["서울", 5, 6, "없음"])
    path = tmp_path / "wide.xlsx"
    book.save(path)

    frame = read_table(path)

    assert frame.attrs["header_rows"] == 1
    assert frame["지역"].tolist() == ["서울"]


def test_header_rows_on_another_sheet(tmp_path):
    path = year_book(tmp_path / "book.xlsx", sheet_title="연도별")
    book = openpyxl.load_workbook(path)
    book.create_sheet("표지", 0)["A1"] = "표지"
    book.save(path)
    frame = read_table(path, sheet="연도별", header_rows=2)
    assert frame.columns.tolist() == NAMES


@pytest.mark.parametrize("header_rows", [0, -1, 1.5, True, "2"])
def test_invalid_header_rows(tmp_path, header_rows):
    path = year_book(tmp_path / "인구.xlsx")
    with pytest.raises(ParameterError, match="머리글 줄 수는 1 이상의 정수") as info:
        read_table(path, header_rows=header_rows)
    assert (info.value.parameter, info.value.got) == ("header_rows", header_rows)


def test_header_rows_for_a_csv_is_used_and_for_parquet_rejected(tmp_path):
    # Since issue 13 a CSV may have several header rows (KOSIS); Parquet still has one.
    path = tmp_path / "t.csv"
    path.write_text("a,a\n가,나\n1,2\n", encoding="utf-8")
    assert read_table(path, header_rows=1)["a"].tolist() == ["가", "1"]
    assert read_table(path, header_rows=2).columns.tolist() == ["a_가", "a_나"]
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "t.parquet")
    with pytest.raises(ParameterError, match="CSV와 Excel 파일에만"):
        read_table(tmp_path / "t.parquet", header_rows=2)


def test_an_empty_first_row_with_merged_cells_below_reads(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A2"] = "지역"
    sheet["B2"] = "인구"
    sheet.merge_cells("B2:C2")
    sheet.append(["서울", 1, 2])
    path = tmp_path / "gap.xlsx"
    book.save(path)
    assert read_table(path).attrs["header_rows"] == 1


def test_the_catalog_loads_a_merged_header_sheet_with_filters(tmp_path):
    from workbench.catalog import open_catalog

    year_book(tmp_path / "인구.xlsx")
    (tmp_path / "catalog.yml").write_text(
        "datasets:\n"
        "  population_book:\n"
        "    title: 시도별 인구 (통계표)\n"
        "    owner: 통계청\n"
        "    source: 인구.xlsx\n"
        "    sensitivity: public\n",
        encoding="utf-8",
    )
    catalog = open_catalog(tmp_path / "catalog.yml", project=tmp_path)
    frame = catalog.load(
        "population_book", columns=["지역", "2024_인구"], where={"지역": "부산광역시"}
    )
    assert frame.values.tolist() == [["부산광역시", 3293362]]
