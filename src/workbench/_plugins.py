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

from workbench._korean import render

__all__ = ["GROUP", "AnalysisPackage", "AnalysisPackageWarning", "analysis_packages", "origin_of"]

GROUP = "workbench.analyses"

#: What this module tells a person, in Korean (particles by final consonant).
_MESSAGES = {
    "not_folder": (
        "진입점은 모듈이나 폴더, 또는 폴더를 돌려주는 함수를 가리켜야 하는데 {kind:을/를} "
        "받았습니다"
    ),
    "no_folder": "노트북 폴더 {folder:이/가} 없습니다",
    "load_failed": "진입점을 불러오지 못했습니다 ({error}: {detail})",
    "skipped": (
        "분석 패키지 '{name}' ({origin}, {target})를 건너뜁니다: {problem}. 그 패키지의 "
        "pyproject.toml에서 [project.entry-points.\"workbench.analyses\"]의 '{name}' 항목이 "
        "노트북이 든 모듈이나 폴더를 가리키는지 확인하고 패키지를 다시 설치하세요."
    ),
}


class AnalysisPackageWarning(UserWarning):
    """An analysis package skipped because its entry point is broken.

    Attributes
    ----------
    name, target : str
        The entry point's name and value (``module`` or ``module:callable``).
    distribution, version : str
        The package that declares it.
    problem : str
        ``"not_folder"``, ``"no_folder"`` or ``"load_failed"``.
    """

    def __init__(
        self, text: str, *, name: str, target: str, distribution: str, version: str, problem: str
    ) -> None:
        super().__init__(text)
        self.name, self.target, self.problem = name, target, problem
        self.distribution, self.version = distribution, version


class _EntryPointError(Exception):
    """A broken entry point: ``problem`` (a key of ``_MESSAGES``) and the Korean text."""

    def __init__(self, *, problem: str, **fields: object) -> None:
        super().__init__(render(_MESSAGES[problem], **fields))
        self.problem = problem


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
    raise _EntryPointError(problem="not_folder", kind=type(target).__name__)


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
                raise _EntryPointError(problem="no_folder", folder=folder)
        except Exception as exc:  # any failure of someone else's package: skip it
            if not isinstance(exc, _EntryPointError):
                detail = str(exc)
                exc = _EntryPointError(
                    problem="load_failed", error=type(exc).__name__, detail=detail
                )
            origin = f"{name} {version}"
            text = render(
                _MESSAGES["skipped"],
                name=entry.name,
                origin=origin,
                target=entry.value,
                problem=exc,
            )
            warning = AnalysisPackageWarning(
                text,
                name=entry.name,
                target=entry.value,
                distribution=name,
                version=version,
                problem=exc.problem,
            )
            warnings.warn(warning, stacklevel=2)
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
