"""Where a project is, and where its catalog, ethics record, audit log and cache live.

A project is the nearest folder, from the current one upwards, that holds a
``catalog.yml``, an ``ethics.yml`` or a ``workbench.toml``. Nothing is read at import;
every function looks when it is called.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "CATALOG_PATH_ENV",
    "audit_log_path",
    "cache_dir",
    "catalog_files",
    "current_user",
    "ethics_file",
    "find_project",
    "local_catalog_file",
]

#: Extra catalog files (``os.pathsep``-separated), e.g. the analysis center's shared one.
CATALOG_PATH_ENV = "WORKBENCH_CATALOG_PATH"
#: Overrides where transcoded inputs are cached.
CACHE_DIR_ENV = "WORKBENCH_CACHE_DIR"
_MARKERS = ("catalog.yml", "ethics.yml", "workbench.toml")
STATE_DIR = ".workbench"


def find_project(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the project folder holding ``start`` (default: the current folder), or None."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if any((folder / marker).is_file() for marker in _MARKERS):
            return folder
    return None


def _root(project: Path | None) -> Path:
    return project if project is not None else (find_project() or Path.cwd().resolve())


def catalog_files(project: Path | None = None) -> list[Path]:
    """Return the catalog files to merge, shared ones first, then the project's own."""
    shared = [Path(p) for p in os.environ.get(CATALOG_PATH_ENV, "").split(os.pathsep) if p]
    own = _root(project) / "catalog.yml"
    return [*shared, *([own] if own.is_file() else [])]


def local_catalog_file(project: Path | None = None) -> Path:
    """Return the git-ignored ``catalog.local.yml`` (connection URLs; may not exist)."""
    return _root(project) / "catalog.local.yml"


def ethics_file(project: Path | None = None) -> Path:
    """Return the project's ethics record, ``ethics.yml`` (may not exist)."""
    return _root(project) / "ethics.yml"


def audit_log_path(project: Path | None = None) -> Path:
    """Return the project's access audit log (``.workbench/audit.jsonl``)."""
    return _root(project) / STATE_DIR / "audit.jsonl"


def cache_dir(project: Path | None = None) -> Path:
    """Return where transcoded inputs are cached (``$WORKBENCH_CACHE_DIR`` wins)."""
    override = os.environ.get(CACHE_DIR_ENV)
    return Path(override) if override else _root(project) / STATE_DIR / "cache"


def current_user() -> str:
    """Return who is running workbench (recorded in the audit log and in approvals)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return os.environ.get("USER", "unknown")
