"""Blocks that turn published files into analysis inputs: demand_grid, facility_months."""

import sys
from pathlib import Path

import pandas as pd
import pytest

import workbench as wb
from workbench.exceptions import ParameterError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import agency_files as af


@pytest.fixture(scope="module")
def ev(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ev")
    paths, _ = af.ev_files(folder)
    return {name: wb.read_table(path) for name, path in paths.items()}


def test_demand_grid_spreads_each_sigungu_over_the_cells_near_its_stations(ev):
    grid = wb.blocks.demand_grid(ev["chargers_path"], ev["population_path"], cell=500)
    people = ev["population_path"].set_index("행정구역")
    assert set(grid["시군구"]) == {"서울특별시 종로구", "서울특별시 중구", "서울특별시 용산구"}
    # Every EV and household of a 시군구 lands in its cells (households only where no station).
    evs = grid.groupby("시군구")["등록전기차"].sum()
    expected = people.loc[evs.index, "2026년04월_총인구수"] * 0.013
    assert (evs - expected).abs().max() < 0.01 * len(grid)
    assert grid.loc[grid["기존충전기"] > 0, "충전기없는세대"].eq(0).all()
    assert grid["기존충전기"].sum() == len(ev["chargers_path"])
    assert grid["후보지"].equals(grid["기존충전기"] == 0)
    # Regions of the population file with no station are left out, and said so.
    assert "부산광역시 중구" in grid.attrs["regions_without_stations"]
    # Deterministic: the same files give the same grid.
    again = wb.blocks.demand_grid(ev["chargers_path"], ev["population_path"], cell=500)
    pd.testing.assert_frame_equal(grid, again)


def test_registered_evs_come_from_the_vehicle_file_when_given(ev):
    grid = wb.blocks.demand_grid(
        ev["chargers_path"], ev["population_path"], vehicles=ev["vehicles_path"]
    )
    evs = grid.groupby("시군구")["등록전기차"].sum().round()
    assert evs["서울특별시 용산구"] == 6450 and evs["서울특별시 종로구"] == 2210


def test_coordinates_in_one_column_are_split(ev):
    chargers = ev["chargers_path"]
    combined = chargers.drop(columns=["위도", "경도"]).assign(
        위도경도=chargers["위도"].astype(str) + "," + chargers["경도"].astype(str)
    )
    pd.testing.assert_frame_equal(
        wb.blocks.demand_grid(combined, ev["population_path"]),
        wb.blocks.demand_grid(chargers, ev["population_path"]),
    )


def test_demand_grid_names_a_missing_column_and_a_bad_cell_size(ev):
    with pytest.raises(ParameterError, match="'위도'"):
        wb.blocks.demand_grid(ev["chargers_path"].drop(columns="위도"), ev["population_path"])
    with pytest.raises(ParameterError, match="cell"):
        wb.blocks.demand_grid(ev["chargers_path"], ev["population_path"], cell=0)


def test_facility_months_spreads_annual_rows_and_drops_the_total_row(tmp_path):
    data = tmp_path / "명세서.csv"
    planted, columns = af.emission_statement(data)
    published = wb.read_table(data, columns=columns)
    rows = wb.blocks.facility_months(published)
    assert rows["시설ID"].nunique() == len(af._SITES)  # the 합계 row is not a facility
    assert len(rows) == len(af._SITES) * 6 * 12 and rows["월분할"].all()
    assert not rows.duplicated(["시설ID", "연월"]).any()
    yearly = published[~published["합계행"]].groupby("연도")["온실가스 배출량(tCO2eq)"].sum()
    by_year = rows.groupby(rows["연월"].str[:4])["배출량"].sum()
    assert by_year.round().tolist() == yearly.astype(float).round().tolist()
    assert rows.loc[rows["시설ID"] == planted, "법정동코드"].iloc[0] == "4427000000"  # 당진시


def test_facility_months_keeps_monthly_rows_and_names_an_unknown_address():
    monthly = pd.DataFrame(
        {
            "업체명": ["가"] * 2, "사업장명": ["1"] * 2, "업종": ["화학"] * 2,
            "소재지": ["울산광역시 남구 1"] * 2, "연도": ["202301", "2023.02"],
            "온실가스 배출량(tCO2eq)": [10.0, 11.0], "에너지 사용량(TJ)": [1.0, 1.0],
        }
    )  # fmt: skip
    rows = wb.blocks.facility_months(monthly)
    assert rows["연월"].tolist() == ["2023-01", "2023-02"] and not rows["월분할"].any()
    with pytest.raises(ParameterError, match="없는시"):
        wb.blocks.facility_months(monthly.assign(소재지="없는시 어딘가"))


def test_year_month_names_the_value_it_cannot_read():
    with pytest.raises(ParameterError, match="'2023-13'"):
        wb.blocks.year_month(pd.Series(["2023-01", "2023-13"], name="기준월"))
