"""The package's analysis is found through its entry point and runs on sample data."""

from pathlib import Path

import pandas as pd
from workbench.runner import find_analysis, run_analysis

NAME = "{{ cookiecutter.package_name }}"


def test_the_analysis_is_published_by_this_package() -> None:
    analysis = find_analysis(NAME)  # through the installed entry point (make setup)
    assert analysis.path.parent.name == "analyses"
    assert analysis.path.parent.parent.name == NAME


def test_the_analysis_runs_from_any_folder(tmp_path: Path) -> None:
    result = run_analysis(NAME, out=tmp_path / "run")
    assert result.manifest.status == "succeeded"
    table = pd.read_csv(result.run_dir / "results" / "시도별_인구.csv", encoding="utf-8-sig")
    assert list(table.columns) == ["시도", "인구", "가구수"]
