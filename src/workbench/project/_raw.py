"""Raw data is read-only: its files' sha256 are kept in ``data/raw.sha256``.

``data/raw/`` itself is git-ignored (data never goes into git), but the list of its
files and their hashes is committed, in ``sha256sum`` format so that
``sha256sum -c data/raw.sha256`` checks it too. ``workbench doctor`` reports a raw file
whose bytes changed, one that disappeared, and one that was never recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench._io import write_atomically
from workbench.project._record import file_sha256

__all__ = ["RAW_DIR", "RAW_RECORD", "RawStatus", "check_raw", "record_raw"]

RAW_DIR = "data/raw"
RAW_RECORD = "data/raw.sha256"
_IGNORED = {".gitkeep", ".DS_Store"}


@dataclass(frozen=True)
class RawStatus:
    """How ``data/raw`` compares with its record (relative POSIX paths)."""

    changed: list[str]
    missing: list[str]
    unrecorded: list[str]


def _read(project: Path) -> dict[str, str]:
    path = project / RAW_RECORD
    if not path.is_file():
        return {}
    recorded = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if digest and name:
            recorded[name] = digest
    return recorded


def _current(project: Path) -> list[str]:
    folder = project / RAW_DIR
    if not folder.is_dir():
        return []
    return sorted(
        p.relative_to(project).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in _IGNORED
    )


def check_raw(project: Path) -> RawStatus:
    """Compare ``data/raw`` with ``data/raw.sha256``."""
    recorded = _read(project)
    present = _current(project)
    changed = [p for p in present if p in recorded and file_sha256(project / p) != recorded[p]]
    missing = sorted(p for p in recorded if not (project / p).is_file())
    unrecorded = [p for p in present if p not in recorded]
    return RawStatus(changed=changed, missing=missing, unrecorded=unrecorded)


def record_raw(project: Path) -> list[str]:
    """Add raw files that are not yet recorded; never rewrite a recorded hash.

    Returns the paths added. A changed file stays reported by ``check_raw``: its bytes
    are restored from the source, not re-blessed here.
    """
    recorded = _read(project)
    added = [p for p in _current(project) if p not in recorded]
    if not added:
        return []
    for rel in added:
        recorded[rel] = file_sha256(project / rel)
    text = "".join(f"{digest}  {name}\n" for name, digest in sorted(recorded.items()))
    write_atomically(project / RAW_RECORD, text.encode("utf-8"))
    return added
