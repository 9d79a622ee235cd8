"""``workbench update``: bring a newer template into an existing project, three-way.

The base is the record in ``.workbench/template.json`` (the hash of every file as the
template rendered it). The current template is rendered with the recorded answers into
a temporary folder. Then, file by file:

============================  ==========================  ===========================
user's file (vs base)         template (new vs base)      action
============================  ==========================  ===========================
untouched                     changed                     updated
untouched                     removed                     removed
edited or deleted             unchanged                   kept as the user has it
edited                        changed                     **conflict**: kept, diff shown
deleted                       changed                     kept deleted, reported
absent                        new file                    added
present, different           new file                    **conflict**: kept, diff shown
============================  ==========================  ===========================

Nothing the user wrote is overwritten or deleted. Conflict diffs are also saved in
``.workbench/update-conflicts.diff``. The record then takes the new template's hashes,
so a conflict is reported once; a second update with no template change does nothing.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from workbench._io import write_atomically
from workbench.project._new import render
from workbench.project._options import template_dir, template_version
from workbench.project._record import (
    file_sha256,
    find_template_project,
    read_record,
    write_record,
)

__all__ = ["CONFLICTS_PATH", "Conflict", "UpdateReport", "update_project"]

CONFLICTS_PATH = ".workbench/update-conflicts.diff"
_LISTS = {"update": "updated", "add": "added", "remove": "removed", "keep": "kept"}


@dataclass(frozen=True)
class Conflict:
    """A file both the user and the template changed (or the user made at a new path)."""

    path: str
    diff: str


@dataclass
class UpdateReport:
    """What :func:`update_project` did (or, with ``dry_run``, would do)."""

    project: Path
    old_version: str
    new_version: str
    updated: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether any file was (or would be) written or removed."""
        return bool(self.updated or self.added or self.removed)


def _diff(path: str, mine: Path, theirs: Path) -> str:
    try:
        a = mine.read_text(encoding="utf-8").splitlines(keepends=True)
        b = theirs.read_text(encoding="utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return f"이진 파일 {path}: 내 파일과 새 템플릿 파일이 다릅니다.\n"
    lines = difflib.unified_diff(a, b, fromfile=f"{path} (내 파일)", tofile=f"{path} (새 템플릿)")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _decide(rel: str, root: Path, base: dict[str, str], new: dict[str, str]) -> str:
    """Return the action for one file: update, add, remove, keep, conflict or none."""
    old_hash, new_hash = base.get(rel), new.get(rel)
    mine = root / rel
    current = file_sha256(mine) if mine.is_file() else None
    if old_hash == new_hash or current == new_hash:
        return "none"
    if old_hash is None:  # the template adds this file
        return "add" if current is None else "conflict"
    if new_hash is None:  # the template drops this file
        return "remove" if current == old_hash else ("none" if current is None else "keep")
    if current == old_hash:
        return "update"
    return "keep" if current is None else "conflict"


def update_project(
    project: str | os.PathLike[str] | None = None,
    *,
    template: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
) -> UpdateReport:
    """Bring the current template into a project made by ``workbench new``.

    Parameters
    ----------
    project : path, optional
        The project folder (default: the nearest one with ``.workbench/template.json``).
    template : path, optional
        The template folder to update from (default: the one shipped with workbench).
    dry_run : bool
        Report what would change without writing anything.

    Returns
    -------
    UpdateReport
    """
    root = Path(project).resolve() if project is not None else find_template_project()
    record = read_record(root)
    folder = template_dir(template)
    report = UpdateReport(root, record.template_version, template_version(folder))
    with tempfile.TemporaryDirectory(prefix="workbench-update-") as tmp:
        fresh = render(folder, record.answers, Path(tmp))
        new_record = read_record(fresh)
        for rel in sorted(set(record.files) | set(new_record.files)):
            action = _decide(rel, root, record.files, new_record.files)
            if action == "conflict":
                report.conflicts.append(Conflict(rel, _diff(rel, root / rel, fresh / rel)))
            elif action != "none":
                getattr(report, _LISTS[action]).append(rel)
        if not dry_run:
            _apply(report, root, fresh)
            write_record(root, new_record)
    return report


def _apply(report: UpdateReport, root: Path, fresh: Path) -> None:
    for rel in [*report.updated, *report.added]:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(fresh / rel, target)
    for rel in report.removed:
        (root / rel).unlink()
    if report.conflicts:
        text = "".join(c.diff for c in report.conflicts)
        write_atomically(root / CONFLICTS_PATH, text.encode("utf-8"))
