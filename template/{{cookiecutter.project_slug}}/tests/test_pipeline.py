"""The composed steps run on the catalog's example dataset."""

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.pipeline import run

ROOT = Path(__file__).resolve().parents[1]


def test_pipeline_profiles_and_builds_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    tables = run(year=2024)
    assert set(tables) == {"profile", "by_sido"}
    assert tables["by_sido"]["인구"].is_monotonic_decreasing
