"""Training course: Korean lessons with exercises, and their checks.

Lessons live in ``notebooks/training/NN_slug.ipynb`` (shipped in the package as
``workbench/_notebooks/training``). A cell tagged ``solution`` holds the reference solution
of an exercise; the class copy (:func:`write_student_copies`, used by the ``course`` level
of the project template) blanks those cells. :func:`check` marks an answer and gives a
hint, never the answer.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from workbench.training._check import Verdict, check, evaluate

__all__ = [
    "SOLUTION_TAG",
    "STUDENT_PLACEHOLDER",
    "Verdict",
    "check",
    "evaluate",
    "lesson_dirs",
    "lessons",
    "student_copy",
    "write_student_copies",
]

#: Tag of a cell that holds an exercise's reference solution.
SOLUTION_TAG = "solution"
#: What a student finds in place of a solution.
#: The check cell below reads ``answer``: left as None, it says that no answer is given yet.
STUDENT_PLACEHOLDER = "# 여기에 답을 작성하세요\nanswer = None\n"


def lesson_dirs() -> list[Path]:
    """Return the folders that may hold the lessons: installed package, then checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    return [
        package_dir / "_notebooks" / "training",
        package_dir.parent.parent / "notebooks" / "training",
    ]


def lessons() -> list[Path]:
    """Return the lesson notebooks in course order (by file name)."""
    for folder in lesson_dirs():
        found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
        if found:
            return found
    return []


def student_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of a lesson with solution cells blanked and all outputs cleared."""
    copy = nbformat.from_dict(nb)
    for cell in copy.cells:
        if cell.cell_type != "code":
            continue
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            cell.source = STUDENT_PLACEHOLDER
        cell.outputs = []
        cell.execution_count = None
    return copy


def write_student_copies(dest: str | Path) -> list[Path]:
    """Write the class copy of every lesson into ``dest``; return the written paths."""
    folder = Path(dest)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in lessons():
        target = folder / path.name
        nbformat.write(student_copy(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written
