"""A broken analysis-package entry point is skipped with a Korean warning naming it."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

from korean_check import assert_korean
from workbench._plugins import AnalysisPackageWarning, analysis_packages


def _install(site: Path, entries: str) -> None:
    """Install by hand a package ``odd_analysis`` declaring ``entries`` (entry_points.txt)."""
    package = site / "odd_analysis"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "def number():\n    return 42\n\n\ndef gone():\n    return '/없는/노트북/폴더'\n",
        encoding="utf-8",
    )
    info = site / "odd_analysis-0.3.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: odd-analysis\nVersion: 0.3.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[workbench.analyses]\n{entries}", encoding="utf-8")


@pytest.fixture
def odd_package(tmp_path, monkeypatch):
    _install(
        tmp_path / "site",
        "number = odd_analysis:number\ngone = odd_analysis:gone\nmissing = no_such_module_q\n",
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "odd_analysis", raising=False)
    analysis_packages.cache_clear()
    yield
    sys.modules.pop("odd_analysis", None)
    analysis_packages.cache_clear()


def test_each_broken_entry_point_is_skipped_with_a_korean_warning(odd_package):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = analysis_packages()

    assert not [p for p in found if p.distribution == "odd-analysis"]
    said = {
        w.message.name: w.message for w in caught if isinstance(w.message, AnalysisPackageWarning)
    }
    assert {name: w.problem for name, w in said.items()} == {
        "number": "not_folder",
        "gone": "no_folder",
        "missing": "load_failed",
    }
    for name, warning in said.items():
        text = str(warning)
        assert (warning.distribution, warning.version) == ("odd-analysis", "0.3.0")
        assert f"분석 패키지 '{name}' (odd-analysis 0.3.0, {warning.target})를 건너뜁니다" in text
        assert "pyproject.toml" in text and "다시 설치하세요" in text
        # The import error is Python's own words: the rest of the sentence is Korean.
        assert_korean(text, "ModuleNotFoundError: No module named 'no_such_module_q'")
    assert "int를 받았습니다" in str(said["number"])
    assert "노트북 폴더 /없는/노트북/폴더가 없습니다" in str(said["gone"])
    assert "ModuleNotFoundError" in str(said["missing"])
