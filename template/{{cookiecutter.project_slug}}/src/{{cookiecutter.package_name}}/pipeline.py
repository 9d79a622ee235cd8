"""The analysis as composed steps, so that notebooks stay short and the steps are tested."""

from __future__ import annotations

import pandas as pd
import workbench as wb

from {{ cookiecutter.package_name }}.tables import population_by_sido


def run(dataset: str = "example_population", year: int = 2024) -> dict[str, pd.DataFrame]:
    """Load ``dataset`` from the catalog, profile it and build the 시도 table."""
    df = wb.catalog().load(dataset)
    return {
        "profile": wb.blocks.profile(df).overview,
        "by_sido": population_by_sido(df, year),
    }
