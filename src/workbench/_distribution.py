"""The name workbench is published under, and what is installed under it.

The import package and the command are ``workbench``; the distribution (what ``pip``
installs, what a project pins, what a manifest records) is ``kdba-workbench``
(Korea data-based administration). The registry already holds an unrelated package named
``workbench``: a pin on that name would install a stranger's code (dependency confusion),
so nothing may look workbench up by its import name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

__all__ = ["DISTRIBUTION", "UNRELATED", "Installed", "installed", "installed_version"]

#: The distribution name: pyproject's ``[project] name``, a project's pin, the wheel's.
DISTRIBUTION = "kdba-workbench"
#: The registry's unrelated package whose import name clashes with ours.
UNRELATED = "workbench"


def installed_version() -> str:
    """Return the installed distribution's version; ``0.0.0`` for a bare source tree."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0.0.0"


@dataclass(frozen=True)
class Installed:
    """Where the running ``workbench`` came from.

    ``version`` is None when the center's distribution is not installed (a source tree on
    ``sys.path``); ``origin`` is how it was installed: ``editable <url>``, ``file <url>``
    (a wheel given by path) or ``index`` (an index or a wheelhouse's ``--find-links``);
    ``owns_package`` says whether the imported ``workbench`` package is that
    distribution's files; ``unrelated`` is the version of the registry's unrelated
    ``workbench`` when that is installed too.
    """

    version: str | None
    origin: str
    package_dir: Path
    owns_package: bool
    unrelated: str | None

    @property
    def origin_path(self) -> Path | None:
        """The local folder or wheel named by ``origin``, if it names one."""
        _kind, _, url = self.origin.partition(" ")
        return _url_path(url) if url.startswith("file://") else None


def _url_path(url: str) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(url).path))


def _origin(dist: metadata.Distribution) -> str:
    text = dist.read_text("direct_url.json")
    if not text:
        return "index"
    try:
        data = json.loads(text)
    except ValueError:
        return "index"
    if data.get("dir_info", {}).get("editable"):
        return f"editable {data.get('url', '')}"
    return f"file {data.get('url', '')}"


def installed() -> Installed:
    """Describe the running ``workbench``: the center's version, origin, and any stranger."""
    package_dir = Path(__file__).resolve().parent
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        version, origin, owns = None, "source", False
    else:
        version, origin = dist.version, _origin(dist)
        owns = _owns(dist, origin, package_dir)
    try:
        unrelated: str | None = metadata.version(UNRELATED)
    except metadata.PackageNotFoundError:
        unrelated = None
    return Installed(version, origin, package_dir, owns, unrelated)


def _owns(dist: metadata.Distribution, origin: str, package_dir: Path) -> bool:
    if origin.startswith("editable file://"):
        source = _url_path(origin.removeprefix("editable ")).resolve()
        return package_dir.is_relative_to(source)
    init = Path(str(dist.locate_file("workbench/__init__.py"))).resolve()
    return init == package_dir / "__init__.py"
