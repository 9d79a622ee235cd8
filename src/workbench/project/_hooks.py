"""What the template's cookiecutter hooks do, as importable and tested code.

The hook scripts in ``template/hooks/`` stay valid Python before rendering: cookiecutter
renders the answers into one comment line (``# WORKBENCH-ANSWERS {...}``) and the
script passes its own path here, where the line is read back as JSON.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from workbench.project._names import ProjectOptionError
from workbench.project._options import load_options, template_version, validate_answers
from workbench.project._record import TemplateRecord, project_files, write_record

__all__ = [
    "LEVEL_FILES",
    "answers_from_hook",
    "finish_project",
    "normalise_notebook",
    "run_post_gen",
    "run_pre_gen",
]

_MARKER = "# WORKBENCH-ANSWERS "
#: Files that only some levels keep (paths with ``{package}`` for the package name).
LEVEL_FILES: dict[str, tuple[str, ...]] = {
    "advanced": ("src/{package}/pipeline.py", "tests/test_pipeline.py"),
    "module": (
        "src/{package}/analyses/__init__.py",
        "src/{package}/analyses/{package}.ipynb",
        "tests/test_analysis.py",
    ),
}
#: Sample tables a course project gets in data/raw (name, file, arguments).
COURSE_SAMPLES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("households", "households.csv", {"n": 500, "seed": 0}),
    ("population", "population.csv", {}),
)


def answers_from_hook(script: Path) -> dict[str, Any]:
    """Return the cookiecutter context rendered into ``script``'s marker comment."""
    for line in script.read_text(encoding="utf-8").splitlines():
        if line.startswith(_MARKER + "{") and not line.startswith(_MARKER + "{{"):
            data: dict[str, Any] = json.loads(line[len(_MARKER) :])
            return data
    raise ProjectOptionError(
        f"{script}: 템플릿 답변 줄({_MARKER.strip()})이 없거나 렌더링되지 않았습니다. "
        "cookiecutter로 실행하십시오."
    )


def _template_of(context: dict[str, Any]) -> Path | None:
    repo = context.get("_repo_dir")
    return Path(repo) if repo and (Path(repo) / "cookiecutter.json").is_file() else None


def run_pre_gen(script: Path) -> int:
    """Validate the answers; print the reason in Korean and return 1 if they are refused."""
    try:
        context = answers_from_hook(script)
        validate_answers(context, _template_of(context))
    except ProjectOptionError as exc:
        print(f"오류: {exc}", file=sys.stderr)
        return 1
    return 0


def run_post_gen(script: Path, project: Path) -> int:
    """Finish the generated project (see :func:`finish_project`); 1 on failure."""
    try:
        context = answers_from_hook(script)
        finish_project(project, context, _template_of(context))
    except ProjectOptionError as exc:
        print(f"오류: {exc}", file=sys.stderr)
        return 1
    return 0


def finish_project(project: Path, context: dict[str, Any], template: Path | None) -> None:
    """Drop other levels' files, add course material, write ``.workbench/template.json``."""
    level, package = str(context["level"]), str(context["package_name"])
    for owner, paths in LEVEL_FILES.items():
        if owner == level:
            continue
        for rel in paths:
            path = project / rel.format(package=package)
            path.unlink(missing_ok=True)
            if path.parent != project and not any(path.parent.iterdir()):
                path.parent.rmdir()
    if level == "course":
        _add_course(project)
    for notebook in sorted(project.rglob("*.ipynb")):
        normalise_notebook(notebook)
    keys = [o.key for o in load_options(template)]
    answers = {key: str(context[key]) for key in keys if key in context}
    record = TemplateRecord(
        template_version=template_version(template),
        answers=answers,
        files=project_files(project),
    )
    write_record(project, record)


def normalise_notebook(path: Path) -> None:
    """Rewrite a notebook the way nbstripout leaves it, so the first commit changes nothing.

    The template stores notebooks with ASCII escapes (cookiecutter's binary sniffing takes
    Hangul-dense files for binary and would copy them unrendered); nbstripout writes
    UTF-8, no outputs, and cell ids numbered from 0. Plain JSON in nbformat's own layout
    (sorted keys, indent 1, sources as lists of lines): importing nbformat costs a second.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    for number, cell in enumerate(nb["cells"]):
        cell["id"] = str(number)
        if isinstance(cell.get("source"), str):
            cell["source"] = cell["source"].splitlines(keepends=True)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    text = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def _add_course(project: Path) -> None:
    """Write the class copies of the lessons and the sample data of a course project."""
    from workbench import samples, training
    from workbench.project._raw import record_raw

    lessons = project / "lessons"
    training.write_student_copies(lessons)
    if not any(lessons.iterdir()):
        shutil.rmtree(lessons)
    raw = project / "data" / "raw"
    for name, file_name, kwargs in COURSE_SAMPLES:
        samples.write(name, raw / file_name, **kwargs)
    record_raw(project)
