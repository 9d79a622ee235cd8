"""The bundled sample catalog: valid, and true to the generators it points at."""

import re

import pandas as pd
import pytest

from workbench import samples
from workbench.catalog import fingerprint
from workbench.catalog._catalog import SAMPLE_CATALOG
from workbench.catalog._model import load_catalog_file
from workbench.catalog._readers import read_table
from workbench.catalog._regions import region_table
from workbench.catalog._sources import parse_sample_uri

CATALOG = load_catalog_file(SAMPLE_CATALOG)
DATASETS = sorted(CATALOG.datasets)
TYPE_CHECKS = {
    "str": pd.api.types.is_string_dtype,
    "text": pd.api.types.is_string_dtype,
    "int": pd.api.types.is_integer_dtype,
    "float": pd.api.types.is_float_dtype,
    "bool": pd.api.types.is_bool_dtype,
}


@pytest.fixture(scope="module")
def tables():
    return {name: read_table(CATALOG.datasets[name].source) for name in DATASETS}


def test_the_sample_catalog_has_the_agreed_datasets():
    assert {"households", "population", "businesses", "regions"} <= set(DATASETS)
    # The standard analyses' own samples are there too (see test_every_sample_is_in_the_catalog).
    assert set(DATASETS) - {"households", "population", "businesses", "regions"} == {
        "emissions",
        "apartment_fees",
        "apartment_invoices",
        "apartment_bids",
        "ev_demand",
        "store_sales",
        "welfare_households",
        "web_events",
        "policy_panel",
        "complaints",
    }
    entries = CATALOG.datasets
    assert entries["households"].sensitivity == "personal"
    assert entries["population"].sensitivity == "public"
    assert entries["businesses"].sensitivity == "internal"
    assert entries["regions"].sensitivity == "public"
    assert entries["households"].columns["성명"].pii == "person_name"
    for entry in entries.values():
        assert entry.format == "sample"
        assert re.search("[가-힣]", entry.title), entry.name
        assert entry.owner and entry.description and entry.licence and entry.update_cycle
    assert entries["population"].licence.startswith("공공누리 제1유형")


def test_every_sample_is_in_the_catalog():
    sources = {parse_sample_uri(entry.source)[0] for entry in CATALOG.datasets.values()}
    assert sources == set(samples.SAMPLES)


def test_datasets_share_the_legal_dong_key():
    sharing = {
        name
        for name, entry in CATALOG.datasets.items()
        if "법정동코드" in entry.key_columns().values()
    }
    assert sharing == {"households", "population", "businesses", "emissions", "welfare_households"}


@pytest.mark.parametrize("name", DATASETS)
def test_declared_columns_match_the_generated_table(tables, name):
    entry, frame = CATALOG.datasets[name], tables[name]
    assert list(frame.columns) == list(entry.columns)
    for column, spec in entry.columns.items():
        values = frame[column]
        assert TYPE_CHECKS[spec.type](values), (column, values.dtype)
        present = values.dropna()
        if not spec.nullable:
            assert values.notna().all(), column
        if spec.unique:
            assert values.is_unique, column
        if spec.min is not None:
            assert (present >= spec.min).all(), column
        if spec.max is not None:
            assert (present <= spec.max).all(), column
        if spec.allowed is not None:
            assert set(present) <= set(spec.allowed), column
        if spec.pattern is not None:
            assert present.str.fullmatch(spec.pattern).all(), column


@pytest.mark.parametrize("name", ["households", "population", "businesses"])
def test_generators_are_deterministic_for_a_seed(name):
    first = samples.get(name, seed=3)
    pd.testing.assert_frame_equal(first, samples.get(name, seed=3))
    assert not first.equals(samples.get(name, seed=4))
    uri = f"sample://{name}?seed=3"
    assert fingerprint(uri) == fingerprint(uri)


def test_regions_is_the_bundled_code_table(tables):
    regions = tables["regions"]
    table = region_table(regions.attrs["as_of"])
    pd.testing.assert_frame_equal(regions, table[regions.columns.tolist()], check_flags=False)
    assert regions.attrs["as_of"] == table.attrs["as_of"]


def test_population_covers_every_legal_dong_the_other_samples_use(tables):
    population = tables["population"]
    dongs = set(population["법정동코드"])
    assert set(tables["households"]["법정동코드"]) <= dongs
    assert set(tables["businesses"]["법정동코드"]) <= dongs
    assert not population.duplicated(["법정동코드", "연도"]).any()
    assert (population["고령인구"] <= population["인구"]).all()
    assert (population["가구수"] <= population["인구"]).all()
    sigungu = set(region_table("2024-12-31")["시군구코드"].dropna())  # the samples describe 2024
    assert {code[:5] for code in dongs} <= sigungu


def check_digit(number: str) -> int:
    digits = [int(d) for d in number.replace("-", "")]
    total = sum(d * w for d, w in zip(digits, [1, 3, 7, 1, 3, 7, 1, 3, 5], strict=False))
    total += digits[8] * 5 // 10
    return (10 - total % 10) % 10


def test_business_numbers_have_valid_check_digits():
    numbers = samples.businesses(n=3000, seed=9)["사업자등록번호"]
    assert numbers.is_unique
    assert all(int(number[-1]) == check_digit(number) for number in numbers)
    assert check_digit("124-81-00998") == 8  # a real, published number


def test_population_years_and_bad_arguments():
    from workbench.exceptions import ParameterError

    table = samples.population(first_year=2022, last_year=2023)
    assert sorted(table["연도"].unique()) == [2022, 2023]
    with pytest.raises(ParameterError, match="'last_year'"):
        samples.population(first_year=2024, last_year=2020)
    with pytest.raises(ParameterError, match="'n'"):
        samples.businesses(n=0)
