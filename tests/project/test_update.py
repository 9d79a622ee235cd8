"""`workbench update` merges a newer template three-way and never loses a user's edit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from project_helpers import TEMPLATE, files_of

from workbench.project import new_project, update_project
from workbench.project._record import RECORD_PATH

SLUG = "{{cookiecutter.project_slug}}"


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A copy of the template that a test can change, as a later release would."""
    copy = tmp_path / "template"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture
def project(tmp_path: Path, template: Path) -> Path:
    return new_project(
        {"project_name": "복지 사각지대 분석 2026"}, output_dir=tmp_path / "work", template=template
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _snapshot(project: Path) -> dict[str, bytes]:
    return {rel: (project / rel).read_bytes() for rel in files_of(project)}


def test_untouched_files_are_updated_edited_ones_conflict_and_no_edit_is_lost(
    project: Path, template: Path
) -> None:
    # The user edits three files and adds one of their own.
    _edit(project / "Makefile", "PYTHON := $(VENV)/bin/python", "PYTHON := python3")
    _edit(project / "catalog.yml", "version: 1", "version: 1\n# 우리 기관 자료 추가 예정")
    (project / "notebooks" / "02_my_analysis.ipynb").write_text("{}", encoding="utf-8")
    (project / "params" / "example.yml").unlink()
    user_files = {
        rel: (project / rel).read_bytes()
        for rel in ("Makefile", "catalog.yml", "notebooks/02_my_analysis.ipynb")
    }
    # The template improves: the README and the Makefile change, a file is added, the
    # example parameters change, .gitignore drops nothing (untouched, unchanged).
    _edit(template / SLUG / "README.md", "## 폴더", "## 폴더 구성")
    _edit(template / SLUG / "Makefile", "test:  ## 테스트와 코드 점검", "test:  ## 테스트와 린트")
    _edit(template / SLUG / "params" / "example.yml", "year: 2024", "year: 2025")
    (template / SLUG / "CHANGELOG.md").write_text("# 변경 기록\n", encoding="utf-8")
    before = json.loads((project / RECORD_PATH).read_text(encoding="utf-8"))

    report = update_project(project, template=template)

    assert report.updated == ["README.md"]
    assert report.added == ["CHANGELOG.md"]
    assert report.kept == ["params/example.yml"]  # deleted by the user: not brought back
    assert [c.path for c in report.conflicts] == ["Makefile"]
    diff = report.conflicts[0].diff
    assert "-PYTHON := python3" in diff and "+PYTHON := $(VENV)/bin/python" in diff
    assert "+test:  ## 테스트와 린트" in diff
    assert "## 폴더 구성" in (project / "README.md").read_text(encoding="utf-8")
    assert not (project / "params" / "example.yml").exists()
    for rel, content in user_files.items():
        assert (project / rel).read_bytes() == content, f"user edit lost in {rel}"
    saved = (project / ".workbench" / "update-conflicts.diff").read_text(encoding="utf-8")
    assert "Makefile (내 파일)" in saved
    after = json.loads((project / RECORD_PATH).read_text(encoding="utf-8"))
    assert after["template_version"] != before["template_version"]
    assert "CHANGELOG.md" in after["files"]


def test_a_second_update_with_no_template_change_changes_nothing(
    project: Path, template: Path
) -> None:
    _edit(project / "README.md", "# 복지", "# 우리 복지")
    _edit(template / SLUG / "README.md", "## 규칙", "## 지킬 것")
    first = update_project(project, template=template)
    assert [c.path for c in first.conflicts] == ["README.md"]
    snapshot = _snapshot(project)
    second = update_project(project, template=template)
    assert not second.changed and not second.conflicts
    assert _snapshot(project) == snapshot


def test_files_the_template_drops_are_removed_only_if_untouched(
    project: Path, template: Path
) -> None:
    _edit(project / "src/bogji_sagagjidae_bunseog_2026/tables.py", '"""Tables', '"""My tables')
    (template / SLUG / "reports" / ".gitkeep").unlink()
    (template / SLUG / "src" / "{{cookiecutter.package_name}}" / "tables.py").unlink()
    report = update_project(project, template=template)
    assert report.removed == ["reports/.gitkeep"]
    assert report.kept == ["src/bogji_sagagjidae_bunseog_2026/tables.py"]
    assert (
        (project / "src/bogji_sagagjidae_bunseog_2026/tables.py")
        .read_text(encoding="utf-8")
        .startswith('"""My tables')
    )


def test_a_user_file_where_the_template_adds_one_is_a_conflict(
    project: Path, template: Path
) -> None:
    (project / "CHANGELOG.md").write_text("# 우리 기록\n", encoding="utf-8")
    (template / SLUG / "CHANGELOG.md").write_text("# 변경 기록\n", encoding="utf-8")
    report = update_project(project, template=template)
    assert [c.path for c in report.conflicts] == ["CHANGELOG.md"]
    assert (project / "CHANGELOG.md").read_text(encoding="utf-8") == "# 우리 기록\n"


def test_dry_run_writes_nothing(project: Path, template: Path) -> None:
    _edit(template / SLUG / "README.md", "## 폴더", "## 폴더 구성")
    snapshot = _snapshot(project)
    report = update_project(project, template=template, dry_run=True)
    assert report.updated == ["README.md"]
    assert _snapshot(project) == snapshot


def test_update_outside_a_project_says_where_it_looked(tmp_path: Path) -> None:
    from workbench.exceptions import WorkbenchError

    with pytest.raises(WorkbenchError, match=r"template\.json"):
        update_project(tmp_path)
