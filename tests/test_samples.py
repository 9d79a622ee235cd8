import numpy as np
import pandas as pd
import pytest

from korean_check import assert_korean
from workbench import samples
from workbench.exceptions import ParameterError, WorkbenchError
from workbench.samples._codes import REGIONS

COLUMNS = [
    "가구ID",
    "법정동코드",
    "시도",
    "시군구",
    "성명",
    "나이",
    "가구원수",
    "월소득",
    "주거형태",
    "기초생활수급",
    "조사일",
]


@pytest.fixture(scope="module")
def table():
    return samples.households(n=1000, seed=0)


def test_same_seed_gives_the_same_table():
    pd.testing.assert_frame_equal(samples.households(200, seed=7), samples.households(200, seed=7))


def test_different_seed_gives_a_different_table():
    assert not samples.households(200, seed=1).equals(samples.households(200, seed=2))


def test_global_random_state_is_untouched():
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    samples.households(50, seed=3)
    assert np.random.random() == expected


def test_columns_and_dtypes(table):
    assert list(table.columns) == COLUMNS
    assert len(table) == 1000
    for column in ["가구ID", "법정동코드", "시도", "시군구", "성명", "주거형태", "조사일"]:
        assert pd.api.types.is_string_dtype(table[column]), column
    assert table["나이"].dtype == "int64"
    assert table["가구원수"].dtype == "int64"
    assert table["월소득"].dtype == "float64"
    assert table["기초생활수급"].dtype == "bool"


def test_values_are_in_range(table):
    assert table["나이"].between(19, 95).all()
    assert table["가구원수"].between(1, 6).all()
    assert set(table["주거형태"]) <= {"자가", "전세", "월세", "기타"}
    assert table["가구ID"].str.fullmatch(r"H\d{6}").all()
    dates = pd.to_datetime(table["조사일"], format="%Y-%m-%d")
    assert (dates.dt.year == 2024).all()
    assert table["성명"].str.fullmatch(r"[가-힣]{3}").all()
    income = table["월소득"].dropna()
    assert (income > 0).all()
    assert 200 < income.median() < 600  # 만원 a month


def test_income_has_a_few_missing_values(table):
    assert 0.01 < table["월소득"].isna().mean() < 0.06


def test_legal_dong_codes_are_real_looking_strings(table):
    codes = table["법정동코드"]
    assert codes.str.fullmatch(r"\d{10}").all()
    assert codes.str.endswith("00").all()
    known = {region.code: region for region in REGIONS}
    assert set(codes.str[:5]) <= set(known)
    for code, sido, sigungu in (
        table[["법정동코드", "시도", "시군구"]].head(50).itertuples(index=False)
    ):
        assert (known[code[:5]].sido, known[code[:5]].sigungu) == (sido, sigungu)
    assert codes.str[:5].nunique() > 10  # spread over the country


def test_duplicates_are_planted(table):
    assert table.duplicated().sum() == 10
    assert table["가구ID"].duplicated().sum() == 10


def test_tiny_tables_work():
    one = samples.households(n=1, seed=0)
    assert len(one) == 1
    assert list(one.columns) == COLUMNS


@pytest.mark.parametrize(
    ("kwargs", "parameter", "got"),
    [
        ({"n": 0}, "n", "0"),
        ({"n": -5}, "n", "-5"),
        ({"n": 2.5}, "n", "2.5"),
        ({"n": "10"}, "n", "'10'"),
        ({"n": True}, "n", "True"),
        ({"seed": -1}, "seed", "-1"),
    ],
)
def test_bad_arguments_are_rejected_with_a_clear_message(kwargs, parameter, got):
    with pytest.raises(ParameterError) as info:
        samples.households(**kwargs)
    assert (info.value.parameter, info.value.kind) == (parameter, "range")
    assert info.value.got == kwargs[parameter]
    assert f"households의 매개변수 '{parameter}'에는" in str(info.value)
    assert f"받은 값: {got}." in str(info.value)
    assert_korean(str(info.value), got)


def test_registry_and_get():
    assert "households" in samples.SAMPLES
    pd.testing.assert_frame_equal(
        samples.get("households", n=30, seed=4), samples.households(n=30, seed=4)
    )


def test_unknown_sample_name_suggests_the_closest():
    with pytest.raises(ParameterError, match=r"비슷한 이름: 'households'\."):
        samples.get("houshold")


def test_unknown_sample_parameter_suggests_the_closest():
    with pytest.raises(ParameterError, match=r"매개변수 'sed'가 없습니다\. 비슷한 이름: 'seed'\."):
        samples.get("households", sed=1)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".json"])
def test_write_is_byte_identical_for_the_same_arguments(tmp_path, suffix):
    first = samples.write("households", tmp_path / "a" / f"t{suffix}", n=40, seed=5)
    second = samples.write("households", tmp_path / "b" / f"t{suffix}", n=40, seed=5)
    other = samples.write("households", tmp_path / "c" / f"t{suffix}", n=40, seed=6)
    assert first == tmp_path / "a" / f"t{suffix}"
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    assert not list(first.parent.glob(".*"))  # no temporary file left behind


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_write_csv_in_korean_encodings(tmp_path, encoding):
    path = samples.write("households", tmp_path / "t.csv", encoding=encoding, n=20)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    header = data.decode(encoding).splitlines()[0]
    assert header == ",".join(COLUMNS)


def test_write_rejects_unsupported_suffix_and_encoding(tmp_path):
    with pytest.raises(ParameterError) as suffix:
        samples.write("households", tmp_path / "t.xls")
    assert (suffix.value.parameter, suffix.value.got) == ("path", ".xls")
    assert suffix.value.expected == [".csv", ".json", ".parquet", ".xlsx"]
    with pytest.raises(ParameterError) as unknown:
        samples.write("households", tmp_path / "t.csv", encoding="no-such-codec")
    assert (unknown.value.parameter, unknown.value.kind) == ("encoding", "unknown")
    with pytest.raises(WorkbenchError) as ascii_only:
        samples.write("households", tmp_path / "t.csv", encoding="ascii", n=5)
    assert (ascii_only.value.parameter, ascii_only.value.kind) == ("encoding", "unencodable")
    assert "인코딩 'ascii'로는" in str(ascii_only.value)
    for error in (suffix, unknown, ascii_only):
        assert_korean(str(error.value), str(tmp_path))
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("make", "parameter"),
    [
        (lambda: samples.policy_panel(n_regions=999), "n_regions"),
        (lambda: samples.policy_panel(effect=float("nan")), "effect"),
        (lambda: samples.population(first_year=1900, last_year=2024), "last_year"),
        (lambda: samples.ev_demand(n_side=10, n_clusters=40), "n_clusters"),
        (lambda: samples.benefit_claims(planted_share=0.9), "planted_share"),
    ],
)
def test_out_of_range_sample_arguments_are_refused_in_korean(make, parameter):
    with pytest.raises(ParameterError) as info:
        make()
    assert info.value.parameter == parameter
    assert info.value.kind in ("range", "type")
    assert_korean(str(info.value))
