"""The project's template record, ``.workbench/template.json``.

Like cruft's ``.cruft.json``, it says which template version made the project and with
which answers. Instead of a commit to re-render from, it keeps the sha256 of every file
as the template rendered it: that is all a three-way update needs to tell a file the
user never touched (its hash is the recorded one) from one the user edited. The record
is written when the project is made and rewritten by every ``workbench update``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench._io import write_atomically
from workbench.exceptions import WorkbenchError

__all__ = [
    "RECORD_PATH",
    "TemplateRecord",
    "file_sha256",
    "find_template_project",
    "project_files",
    "read_record",
    "write_record",
]

RECORD_PATH = ".workbench/template.json"
#: What is never part of the template's files: tool state, caches, version control.
_SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints"}
_SKIP_STATE = (".workbench/",)


@dataclass(frozen=True)
class TemplateRecord:
    """What ``.workbench/template.json`` holds.

    Attributes
    ----------
    template_version : str
        ``<workbench version>+<template content hash>`` (see ``template_version``).
    answers : dict of str to str
        The answers the project was made with (public options only).
    files : dict of str to str
        Relative POSIX path → sha256 of the file as the template rendered it.
    """

    template_version: str
    answers: dict[str, str]
    files: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        """Return the record as stable JSON (sorted keys, Korean kept readable)."""
        data = {
            "template": "workbench",
            "template_version": self.template_version,
            "answers": dict(sorted(self.answers.items())),
            "files": dict(sorted(self.files.items())),
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def file_sha256(path: Path) -> str:
    """Return the sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            yield Path(dirpath) / name


def project_files(root: Path) -> dict[str, str]:
    """Return relative path → sha256 of every project file outside tool state."""
    files = {}
    for path in _walk(root):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(_SKIP_STATE) or path.suffix == ".pyc":
            continue
        files[rel] = file_sha256(path)
    return files


def write_record(root: Path, record: TemplateRecord) -> Path:
    """Write ``.workbench/template.json`` atomically; return its path."""
    return write_atomically(root / RECORD_PATH, record.to_json().encode("utf-8"))


def read_record(root: Path) -> TemplateRecord:
    """Read the record of the project at ``root``.

    Raises
    ------
    WorkbenchError
        If the file is missing or not a record, naming the file and the fix.
    """
    path = root / RECORD_PATH
    if not path.is_file():
        raise WorkbenchError(
            f"{path}가 없습니다: 이 폴더는 workbench 템플릿으로 만든 프로젝트가 아닙니다. "
            "`workbench new`로 새 프로젝트를 만들고 파일을 옮기십시오."
        )
    try:
        data: Mapping[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return TemplateRecord(
            template_version=str(data["template_version"]),
            answers={str(k): str(v) for k, v in data["answers"].items()},
            files={str(k): str(v) for k, v in data["files"].items()},
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WorkbenchError(
            f"{path}를 읽을 수 없습니다 ({exc}). 버전 관리(git)에서 이 파일을 되살리십시오."
        ) from None


def find_template_project(start: str | os.PathLike[str] | None = None) -> Path:
    """Return the nearest folder (from ``start`` upwards) that has a template record."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / RECORD_PATH).is_file():
            return folder
    raise WorkbenchError(
        f"{here}와 그 상위 폴더에 {RECORD_PATH}가 없습니다: workbench 템플릿으로 만든 "
        "프로젝트 폴더에서 실행하십시오."
    )
