"""The training lessons: they run with their solutions, and the class copy is blank."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest

from workbench.training import (
    SOLUTION_TAG,
    STUDENT_PLACEHOLDER,
    lessons,
    student_copy,
    write_student_copies,
)
from workbench.training._exercises import EXERCISES

LESSONS = lessons()
CHECK = re.compile(r'^wb\.training\.check\("(\d\d\.\d+)", answer\)$')
CURRICULUM = [
    "01_concepts",
    "02_loading_data",
    "03_region_codes",
    "04_descriptive",
    "05_first_standard_analysis",
    "06_modelling",
    "07_optimisation",
    "08_ethics",
    "09_capstone",
    "10_complaint_text",
]


def _execute(nb: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return nb


def _checks(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(exercise id, printed verdict) of every check cell."""
    found = []
    for cell in nb.cells:
        match = CHECK.match(cell.source.strip()) if cell.cell_type == "code" else None
        if match:
            text = "".join(o.get("text", "") for o in cell.get("outputs", []))
            found.append((match.group(1), text))
    return found


def test_the_course_follows_the_curriculum():
    assert [path.stem for path in LESSONS] == CURRICULUM


def test_every_exercise_has_a_task_a_solution_and_a_check():
    seen = []
    for path in LESSONS:
        nb = nbformat.read(path, as_version=4)
        lesson = path.name[:2]
        for i, cell in enumerate(nb.cells):
            match = CHECK.match(cell.source.strip()) if cell.cell_type == "code" else None
            if not match:
                continue
            exercise_id = match.group(1)
            assert exercise_id.startswith(f"{lesson}."), (path.name, exercise_id)
            solution, task = nb.cells[i - 1], nb.cells[i - 2]
            assert SOLUTION_TAG in solution.metadata.get("tags", []), exercise_id
            assert re.search(r"^answer = ", solution.source, re.M), exercise_id
            assert task.cell_type == "markdown" and f"연습 {exercise_id}" in task.source
            seen.append(exercise_id)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
    assert seen == list(EXERCISES)  # every exercise once, in course order


def test_lessons_are_what_the_build_script_writes(tmp_path):
    script = LESSONS[0].parent / "_build.py"
    spec = importlib.util.spec_from_file_location("training_build", script)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    build.HERE = tmp_path
    build.main()
    for path in LESSONS:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_student_copies_blank_the_solutions_and_keep_the_rest(tmp_path):
    written = write_student_copies(tmp_path / "class")
    assert [p.name for p in written] == [p.name for p in LESSONS]
    for original, copy in zip(LESSONS, written, strict=True):
        source = nbformat.read(original, as_version=4)
        blank = nbformat.read(copy, as_version=4)
        assert len(blank.cells) == len(source.cells)
        for a, b in zip(source.cells, blank.cells, strict=True):
            if SOLUTION_TAG in a.metadata.get("tags", []):
                assert b.source == STUDENT_PLACEHOLDER
            else:
                assert b.source == a.source


@pytest.mark.kernel
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_with_its_solutions_and_every_check_passes(path, tmp_path):
    nb = _execute(nbformat.read(path, as_version=4), tmp_path)
    checks = _checks(nb)
    assert checks, f"{path.name} has no exercises"
    for exercise_id, printed in checks:
        assert printed == f"✔ [{exercise_id}] 정답입니다.\n", (exercise_id, printed)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
    shown = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
    assert "Glyph" not in shown  # Korean renders in every chart (no missing-glyph warning)
    if path.stem == "08_ethics":  # %%wb_check held the table of phone numbers, said why
        assert "010-2345-6789" not in shown and "2345" not in shown
        assert "전화번호 3건" in shown and "민원 건수: 3" in shown


@pytest.mark.kernel
def test_a_student_gets_hints_in_the_class_copy(tmp_path):
    nb = student_copy(nbformat.read(LESSONS[0], as_version=4))
    solutions = [c for c in nb.cells if SOLUTION_TAG in c.metadata.get("tags", [])]
    solutions[0].source = "answer = 999  # a wrong answer"
    _execute(nb, tmp_path)
    checks = dict(_checks(nb))
    assert set(checks) == {"01.1", "01.2", "01.3"}
    wrong = checks["01.1"]
    assert wrong.startswith("✘ [01.1] 아직 아닙니다.") and "힌트:" in wrong
    assert "1000" not in wrong and "1,000" not in wrong
    for exercise_id in ("01.2", "01.3"):  # left blank: told so, with the hint
        assert "아직 답이 없습니다" in checks[exercise_id]
        assert "personal" not in checks[exercise_id]
        assert "manifest.json" not in checks[exercise_id]
