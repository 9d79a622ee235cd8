"""The generated project's own pre-commit checks: personal information and file size.

They run as local hooks (``language: system``), so a commit is checked with no network.
``scan_files`` looks inside notebooks (every output a cell left: printed text, tables,
errors; and the code itself for identifiers typed in) and data files (every column);
messages name the file, the place and the kind, never the value.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from workbench.ethics import Location

__all__ = ["DATA_SUFFIXES", "FileProblem", "large_files", "scan_files", "scan_notebook"]

DATA_SUFFIXES = frozenset({".csv", ".tsv", ".xlsx", ".xls", ".parquet", ".json"})
#: Kinds too fuzzy to look for in code and narrative (names and addresses in comments
#: and examples are common); outputs are checked for every kind.
_SOURCE_SKIP = frozenset({"person_name", "address"})


@dataclass(frozen=True)
class FileProblem:
    """One thing that blocks a commit: which file, where in it (or None), what."""

    path: str
    location: Location | None
    message: str

    def __str__(self) -> str:
        where = f" ({self.location.label()})" if self.location is not None else ""
        return f"{self.path}{where}: {self.message}"


def _kinds(texts: list[str], skip: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    from workbench.ethics import scan_text

    texts = [t for t in texts if t.strip()]
    return [(k, n) for k, n in scan_text(texts) if k not in skip] if texts else []


def _label(kind: str) -> str:
    from workbench.ethics import KIND_LABELS

    return f"{KIND_LABELS.get(kind, kind)}({kind})"


def scan_notebook(path: Path, shown: str | None = None) -> list[FileProblem]:
    """Return the personal information in a notebook's outputs and code, cell by cell."""
    from workbench.ethics import scan_output

    name = shown or str(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for a bad file
        return [FileProblem(name, None, f"노트북으로 읽을 수 없습니다 ({type(exc).__name__}).")]
    problems = []
    for number, cell in enumerate(nb.cells, start=1):
        found: dict[str, int] = {}
        for output in cell.get("outputs", []):
            for kind, count in scan_output(output, shown_only=False):
                found[kind] = found.get(kind, 0) + count
        for kind, count in sorted(found.items()):
            problems.append(
                FileProblem(
                    name,
                    Location("output", cell_number=number),
                    f"{_label(kind)} {count}건. "
                    "출력을 지우고(nbstripout) 가명처리한 뒤 다시 실행하십시오.",
                )
            )
        for kind, count in _kinds([str(cell.get("source", ""))], _SOURCE_SKIP):
            problems.append(
                FileProblem(
                    name,
                    Location("source", cell_number=number),
                    f"{_label(kind)} {count}건. 식별번호를 코드나 글에 적지 마십시오.",
                )
            )
    return problems


def _scan_data(path: Path, shown: str) -> list[FileProblem]:
    from workbench.catalog import read_table
    from workbench.ethics import scan
    from workbench.exceptions import WorkbenchError

    try:
        frame = read_table(path)
    except WorkbenchError as exc:
        if path.suffix.lower() == ".json":
            # Not every JSON file is a table (settings, records): read it as text.
            text = path.read_text(encoding="utf-8", errors="replace")
            return [
                FileProblem(shown, None, f"{_label(kind)} {count}건. 자료는 git에 올리지 마십시오.")
                for kind, count in _kinds(text.splitlines())
            ]
        return [FileProblem(shown, None, f"자료 파일을 읽을 수 없어 점검하지 못했습니다: {exc}")]
    result = scan(frame)
    return [
        FileProblem(
            shown,
            Location("column", column=column),
            f"{_label(kind)} {count}건. 자료 파일은 git에 올리지 말고 data/에 두십시오.",
        )
        for column, kind, count, _confidence, _examples in result.table_rows()
    ]


def scan_files(paths: Iterable[str | os.PathLike[str]]) -> list[FileProblem]:
    """Scan staged notebooks and data files for personal information.

    Files of other types are skipped; a missing file (deleted in this commit) too.
    """
    problems: list[FileProblem] = []
    for given in paths:
        path, shown = Path(given), str(given)
        if not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix == ".ipynb":
            problems += scan_notebook(path, shown)
        elif suffix in DATA_SUFFIXES:
            problems += _scan_data(path, shown)
    return problems


def large_files(paths: Iterable[str | os.PathLike[str]], max_kb: int = 500) -> list[FileProblem]:
    """Return the files larger than ``max_kb`` kilobytes (1 KB = 1024 bytes)."""
    problems = []
    for given in paths:
        path = Path(given)
        if not path.is_file():
            continue
        size = path.stat().st_size
        if size > max_kb * 1024:
            problems.append(
                FileProblem(
                    str(given),
                    None,
                    f"{size / 1024:,.0f} KB로 {max_kb} KB를 넘습니다. 자료와 결과는 git 대신 "
                    "data/ 또는 기관 저장소에 두십시오.",
                )
            )
    return problems
