"""The example notebook runs end to end and publishes its table through the release gate."""

import os
from pathlib import Path

import pandas as pd
import pytest
from workbench.runner import run_analysis

ROOT = Path(__file__).resolve().parents[1]


def test_example_notebook_publishes_its_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    # The kernel imports the project's package from src/ (installed or not).
    paths = [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    result = run_analysis(
        ROOT / "notebooks" / "01_example.ipynb",
        params_file=ROOT / "params" / "example.yml",
        out=tmp_path / "run",
    )
    assert result.manifest.status == "succeeded"
    assert result.report.is_file()
    table = pd.read_csv(result.run_dir / "results" / "시도별_인구.csv", encoding="utf-8-sig")
    assert list(table.columns) == ["시도", "인구", "가구수"]
    assert len(table) > 0
