"""Analysis packages: standard analyses published as packages of their own.

A package declares its notebooks' folder under the entry-point group
``workbench.analyses``::

    [project.entry-points."workbench.analyses"]
    welfare_gap = "welfare_gap_analysis.notebooks"

The entry point names a module or package (its folder holds the ``.ipynb`` files), or a
callable that returns the folder. Packages are looked up on first use only (importing
workbench scans nothing) and once per process; a broken one is skipped with a warning
naming it, never a crash.
"""

from __future__ import annotations

import functools
import os
import warnings
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType

__all__ = ["GROUP", "AnalysisPackage", "analysis_packages", "origin_of"]

GROUP = "workbench.analyses"


@dataclass(frozen=True)
class AnalysisPackage:
    """One entry point of ``workbench.analyses``: its notebooks' folder and its origin."""

    name: str
    folder: Path
    distribution: str
    version: str

    @property
    def origin(self) -> str:
        """``distribution version``, as listings show it."""
        return f"{self.distribution} {self.version}"


def _folder(target: object) -> Path:
    if isinstance(target, ModuleType):
        where = getattr(target, "__file__", None) or next(iter(getattr(target, "__path__", [])))
        return Path(where).resolve().parent if Path(where).is_file() else Path(where)
    if callable(target):
        target = target()
    if isinstance(target, str | os.PathLike):
        return Path(target)
    raise TypeError(f"a module, a folder or a callable returning one; got {type(target).__name__}")


@functools.cache
def analysis_packages() -> tuple[AnalysisPackage, ...]:
    """Return the installed analysis packages, sorted by entry-point name."""
    found = []
    for entry in sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name):
        dist = entry.dist
        name, version = (dist.metadata["Name"], dist.version) if dist else ("?", "?")
        try:
            folder = _folder(entry.load())
            if not folder.is_dir():
                raise FileNotFoundError(f"folder {folder} does not exist")
        except Exception as exc:  # any failure of someone else's package: skip it
            warnings.warn(
                f"Skipping analysis package '{entry.name}' ({name} {version}, "
                f"{entry.value}): {type(exc).__name__}: {exc}",
                stacklevel=2,
            )
            continue
        found.append(AnalysisPackage(entry.name, folder, name, version))
    return tuple(found)


def origin_of(notebook: Path) -> str:
    """Say where a standard analysis comes from: its package and version, or its folder.

    workbench's own notebooks are ``kdba-workbench VERSION``; an analysis package's are its
    distribution's; any other (``$WORKBENCH_NOTEBOOK_PATH``) is the folder it is in.
    """
    from workbench._distribution import DISTRIBUTION, installed_version

    path = Path(notebook).resolve()
    for package in analysis_packages():
        if path.is_relative_to(package.folder.resolve()):
            return package.origin
    package_dir = Path(__file__).resolve().parent
    for own in (package_dir / "_notebooks", package_dir.parent.parent / "notebooks"):
        if path.is_relative_to(own):
            return f"{DISTRIBUTION} {installed_version()}"
    return str(path.parent)
