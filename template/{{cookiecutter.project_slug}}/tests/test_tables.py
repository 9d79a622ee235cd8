"""The package's tables, on tiny hand-made data."""

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.tables import population_by_sido


def test_population_by_sido_sums_one_year() -> None:
    df = pd.DataFrame(
        {
            "시도": ["서울특별시", "서울특별시", "부산광역시", "부산광역시"],
            "연도": [2024, 2024, 2024, 2023],
            "인구": [100, 50, 120, 999],
            "가구수": [40, 20, 60, 999],
        }
    )
    table = population_by_sido(df, 2024)
    assert table.to_dict("list") == {
        "시도": ["서울특별시", "부산광역시"],
        "인구": [150, 120],
        "가구수": [60, 60],
    }


def test_population_by_sido_names_the_missing_year() -> None:
    df = pd.DataFrame({"시도": ["서울특별시"], "연도": [2024], "인구": [1], "가구수": [1]})
    with pytest.raises(ValueError, match="2030"):
        population_by_sido(df, 2030)
