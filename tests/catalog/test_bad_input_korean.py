"""Bad input to the catalog gets a Korean message that names the thing, with fields to test.

A user's filters (``where=``), a catalog.yml with an unknown encoding, a declared type a
value does not fit, and reader options that do not exist: each is refused with the
position, column, dataset or file in the exception's fields, and a Korean message.
"""

from pathlib import Path

import pytest
import yaml

from korean_check import assert_korean
from workbench import samples
from workbench.catalog import FilterError, _transcode, open_catalog, read_table
from workbench.catalog._filters import OPERATORS
from workbench.exceptions import DataReadError, ParameterError


@pytest.fixture
def catalog(tmp_path):
    """A catalog with one CP949 CSV of households, as agencies publish them."""
    samples.households(n=40, seed=3).to_csv(tmp_path / "가구.csv", index=False, encoding="cp949")
    spec = {
        "datasets": {
            "households": {
                "title": "가구",
                "owner": "테스트기관",
                "sensitivity": "public",
                "source": "가구.csv",
            }
        }
    }
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")
    return open_catalog(tmp_path / "catalog.yml", project=tmp_path)


BAD_WHERE = {
    "unknown operator": (
        [("나이", ">=", 65), ("시도", "like", "서울%")],
        {"position": 2, "column": "시도", "op": "like", "kind": "filter_operator"},
        "where의 2번째 조건(열 '시도'): 연산자 'like'는 쓸 수 없습니다",
    ),
    "in without a list": (
        {"시도": ("in", "서울특별시")},
        {"position": 1, "column": "시도", "op": "in", "kind": "filter_needs_list"},
        "'in'에는 값의 목록이 필요한데 '서울특별시'를 받았습니다",
    ),
    "between with one value": (
        {"나이": (">=", 20), "월소득": ("between", 100)},
        {"position": 2, "column": "월소득", "op": "between", "kind": "filter_between"},
        "'between'에는 (하한, 상한) 두 값이 필요한데 100을 받았습니다",
    ),
    "a pair instead of a triple": (
        [("나이", ">=", 65), ("시도", "서울특별시")],
        {"position": 2, "column": None, "kind": "filter_shape"},
        "where의 2번째 조건 ('시도', '서울특별시')는 (열, 연산자, 값) 꼴이 아닙니다",
    ),
    "a query string": (
        "나이 >= 65 and 시도 == '서울특별시'",
        {"position": None, "kind": "filter_text"},
        "where에 글자로 쓴 식",
    ),
}


@pytest.mark.parametrize("case", list(BAD_WHERE))
def test_a_bad_filter_names_its_position_and_the_fix(catalog, case):
    where, fields, said = BAD_WHERE[case]

    with pytest.raises(FilterError) as info:
        catalog.load("households", where=where)

    error = info.value
    assert isinstance(error, ParameterError) and error.parameter == "where"
    assert {name: getattr(error, name) for name in fields} == fields
    assert said in str(error)
    assert "예:" in str(error)  # the fix, as an example
    assert_korean(str(error), ", ".join(map(repr, OPERATORS)))


def test_an_unknown_aggregate_names_the_column_and_the_known_ones(catalog):
    with pytest.raises(ParameterError) as info:
        catalog.aggregate("households", ["시도"], {"월소득": "average"})

    assert (info.value.parameter, info.value.got, info.value.kind) == (
        "values",
        "average",
        "aggregate",
    )
    assert "'mean'" in str(info.value)
    assert_korean(str(info.value))


def test_an_unknown_encoding_in_catalog_yml_is_named(catalog, tmp_path):
    spec = yaml.safe_load((tmp_path / "catalog.yml").read_text("utf-8"))
    spec["datasets"]["households"]["encoding"] = "ksc5601-kr"
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")

    with pytest.raises(ParameterError) as info:
        open_catalog(tmp_path / "catalog.yml", project=tmp_path).load("households")
    assert (info.value.parameter, info.value.got) == ("encoding", "ksc5601-kr")
    assert_korean(str(info.value))

    # The transcoder, which DuckDB's path through a large plain file takes, says the same.
    with pytest.raises(ParameterError) as info:
        _transcode.transcode(tmp_path / "가구.csv", tmp_path / "out.csv", "ksc5601-kr")
    assert (info.value.parameter, info.value.got) == ("encoding", "ksc5601-kr")
    assert "catalog.yml의 인코딩 'ksc5601-kr'" in str(info.value)
    assert_korean(str(info.value))
    assert not (tmp_path / "out.csv").exists()


def test_a_value_that_does_not_fit_its_declared_type_names_line_and_column(tmp_path):
    (tmp_path / "소득.csv").write_text("시군구,월소득\n종로구,1200\n중구,미상\n", encoding="cp949")
    spec = {
        "datasets": {
            "income": {
                "title": "소득",
                "owner": "테스트기관",
                "sensitivity": "public",
                "source": "소득.csv",
                "columns": {"월소득": {"type": "int"}},
            }
        }
    }
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")

    with pytest.raises(DataReadError) as info:
        open_catalog(tmp_path / "catalog.yml", project=tmp_path).load("income")

    error = info.value
    assert (error.dataset, error.column, error.line, error.kind) == ("income", "월소득", 3, "type")
    assert "'미상'" in str(error)
    assert_korean(str(error), str(tmp_path / "소득.csv"))


def test_an_unknown_inference_is_named(tmp_path):
    path = Path(tmp_path / "표.csv")
    path.write_text('지역,인구\n종로구,"139,417"\n', encoding="utf-8")

    with pytest.raises(ParameterError) as info:
        read_table(path, infer=["numbers", "날짜"])

    assert (info.value.parameter, info.value.got) == ("infer", ["날짜"])
    assert "'날짜'" in str(info.value)
    assert_korean(str(info.value))
