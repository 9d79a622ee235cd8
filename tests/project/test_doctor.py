"""`workbench doctor` finds how a project deviates from the standard, each with a fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from project_helpers import git, git_init, notebook_with_output, run

from workbench.project import diagnose, new_project, record_raw


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_project(
        {"project_name": "복지 사각지대 분석 2026"},
        output_dir=tmp_path_factory.mktemp("made"),
        git=False,
    )


@pytest.fixture
def project(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / pristine.name
    shutil.copytree(pristine, copy)
    return copy


def _rules(project: Path) -> list[str]:
    return sorted(f.rule for f in diagnose(project))


def test_a_fresh_project_reports_nothing(project: Path) -> None:
    assert diagnose(project) == []


def test_a_fresh_project_under_git_with_hooks_reports_nothing(project: Path) -> None:
    git_init(project)
    assert run(["pre-commit", "install"], project).returncode == 0
    git(project, "add", "-A")
    assert git(project, "commit", "-q", "--no-verify", "-m", "처음").returncode == 0
    assert diagnose(project) == []


def test_missing_ethics_record_and_notebook_committed_with_outputs(project: Path) -> None:
    git_init(project)
    assert run(["pre-commit", "install"], project).returncode == 0
    (project / "ethics.yml").unlink()
    notebook_with_output(project / "notebooks" / "02_result.ipynb", "시도별 합계 1,234\n")
    git(project, "add", "-A")
    # --no-verify: the analyst bypassed the hooks that would have stripped the outputs.
    assert git(project, "commit", "-q", "--no-verify", "-m", "결과").returncode == 0
    findings = diagnose(project)
    assert sorted(f.rule for f in findings) == ["doctor.ethics_missing", "doctor.notebook_outputs"]
    where = {f.rule: f for f in findings}
    assert where["doctor.notebook_outputs"].location.file == "notebooks/02_result.ipynb"
    assert "nbstripout notebooks/02_result.ipynb" in where["doctor.notebook_outputs"].details["fix"]
    assert "ethics.yml" in where["doctor.ethics_missing"].details["fix"]


def test_hooks_not_installed(project: Path) -> None:
    git_init(project)
    assert _rules(project) == ["doctor.precommit_missing"]


def test_secret_in_a_project_file(project: Path) -> None:
    (project / "settings.py").write_text('db_password = "Zq7!pLr2#Xv9wK4m"\n', encoding="utf-8")
    findings = diagnose(project)
    assert [f.rule for f in findings] == ["doctor.secret"]
    assert findings[0].location.file == "settings.py:1"
    assert "Zq7" not in findings[0].message


def test_unpinned_dependency(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace('dependencies = ["kdba-', 'dependencies = ["pandas>=2", "kdba-'),
        encoding="utf-8",
    )
    findings = diagnose(project)
    assert [f.rule for f in findings] == ["doctor.unpinned"]
    assert "pandas>=2" in findings[0].message


def test_raw_data_recorded_then_modified(project: Path) -> None:
    raw = project / "data" / "raw" / "가구.csv"
    raw.write_text("가구ID,월소득\nH1,100\n", encoding="utf-8")
    assert _rules(project) == ["doctor.raw_unrecorded"]
    assert record_raw(project) == ["data/raw/가구.csv"]
    assert diagnose(project) == []
    raw.write_text("가구ID,월소득\nH1,999\n", encoding="utf-8")
    findings = diagnose(project)
    assert [(f.rule, f.location.file) for f in findings] == [
        ("doctor.raw_modified", "data/raw/가구.csv")
    ]
    # Re-recording never blesses a changed file.
    assert record_raw(project) == []
    assert _rules(project) == ["doctor.raw_modified"]
    raw.unlink()
    assert _rules(project) == ["doctor.raw_missing"]


def test_ethics_record_without_purpose(project: Path) -> None:
    ethics = project / "ethics.yml"
    text = ethics.read_text(encoding="utf-8")
    ethics.write_text(
        text.replace('purpose: "데이터기반행정 분석"', 'purpose: ""'), encoding="utf-8"
    )
    assert _rules(project) == ["doctor.ethics_purpose"]


#: What pytest and ruff write into their cache folders: the signature looks like a secret.
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n"


@pytest.mark.parametrize("under_git", [False, True], ids=["plain", "git"])
def test_tool_caches_and_ignored_files_are_not_scanned(project: Path, under_git: bool) -> None:
    if under_git:
        git_init(project)
        assert run(["pre-commit", "install"], project).returncode == 0
        # git-ignored: credentials live here by design.
        (project / "catalog.local.yml").write_text(
            'password: "Zq7!pLr2#Xv9wK4m"\n', encoding="utf-8"
        )
    for cache in (".pytest_cache", ".ruff_cache", "src/.mypy_cache"):
        (project / cache).mkdir(parents=True)
        (project / cache / "CACHEDIR.TAG").write_text(CACHEDIR_TAG, encoding="utf-8")
        (project / cache / "v").write_text('token = "Zq7!pLr2#Xv9wK4m"\n', encoding="utf-8")
    assert diagnose(project) == []
    # An untracked file that is not ignored is one `git add -A` away: it is checked.
    (project / "settings.py").write_text('db_password = "Zq7!pLr2#Xv9wK4m"\n', encoding="utf-8")
    assert _rules(project) == ["doctor.secret"]


def _pin(project: Path, requirement: str) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    start = text.index('dependencies = ["') + len('dependencies = ["')
    end = text.index('"', start)
    pyproject.write_text(text[:start] + requirement + text[end:], encoding="utf-8")


def test_workbench_pinned_under_the_registrys_unrelated_name(project: Path) -> None:
    _pin(project, "workbench==0.1.0")
    findings = diagnose(project)
    assert [f.rule for f in findings] == ["doctor.workbench_pin_name"]
    assert '"kdba-workbench==0.1.0"' in findings[0].details["fix"]


def test_installed_workbench_other_than_the_pinned_version(project: Path) -> None:
    from workbench._distribution import installed_version

    _pin(project, "kdba-workbench==9.9.9")
    findings = diagnose(project)
    assert [f.rule for f in findings] == ["doctor.workbench_version"]
    assert f"설치된 것은 {installed_version()}" in findings[0].message
    assert "설치 출처: editable file://" in findings[0].message
