"""``workbench wheelhouse``: a folder of wheels that installs workbench with no network.

Agency networks are separated from the internet. A wheelhouse holds a wheel of workbench
and of every package it needs (with the chosen extras, and by default the tools a
generated project's ``make setup`` installs), plus ``requirements.txt`` with each one
pinned exactly and its sha256, so that on the separated machine::

    pip install --no-index --find-links DIR --require-hashes -r DIR/requirements.txt

installs the same set the center tested. Versions are those installed here (the tested
combination) wherever they are installed; pip resolves only what is missing. The wheels
are for this machine's Python version and platform.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from workbench._distribution import DISTRIBUTION, UNRELATED, installed
from workbench.exceptions import WorkbenchError

__all__ = [
    "REQUIREMENTS",
    "Wheelhouse",
    "WheelhouseError",
    "build_wheelhouse",
    "project_tools",
    "write_requirements",
]

REQUIREMENTS = "requirements.txt"
#: What a wheelhouse folder may hold; ``--force`` replaces only such a folder.
_OWN_SUFFIXES = (".whl",)


class WheelhouseError(WorkbenchError):
    """A wheelhouse that cannot be built: where, what failed, and what to do."""


@dataclass(frozen=True)
class Wheelhouse:
    """A built wheelhouse: its folder, the pinned wheels, and workbench's own wheel."""

    folder: Path
    wheels: tuple[str, ...]
    workbench_wheel: str

    @property
    def requirements(self) -> Path:
        """The pinned, hashed requirements file."""
        return self.folder / REQUIREMENTS

    def install_command(self) -> str:
        """Return the command that installs this wheelhouse with no network."""
        return (
            f"pip install --no-index --find-links {self.folder} --require-hashes "
            f"-r {self.requirements}"
        )


def project_tools(template: Path | None = None) -> list[str]:
    """Return what a generated project installs besides workbench.

    That is its ``dev`` tools and the build backend its ``pyproject.toml`` names, so that
    ``make setup`` installs the project itself with no network.
    """
    from workbench.project._options import template_dir

    folder = template_dir(template)
    (pyproject,) = folder.glob("*/pyproject.toml")
    # Jinja statements, and keys that are Jinja expressions, are not TOML: leave them out.
    lines = pyproject.read_text(encoding="utf-8").splitlines()
    data = tomllib.loads("\n".join(s for s in lines if not s.lstrip().startswith(("{%", "{{"))))
    tools = list(data["project"]["optional-dependencies"]["dev"])
    return [*tools, *data["build-system"]["requires"]]


def _pip(args: Sequence[str], what: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise WheelhouseError(f"{what}에 실패했습니다 (pip 종료 코드 {done.returncode}):\n{tail}")


def _norm(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def _constraints() -> list[str]:
    """Pin every package installed here: the wheelhouse gets the tested versions."""
    skip = {_norm(DISTRIBUTION), _norm(UNRELATED)}
    pins = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name and _norm(name) not in skip:
            pins[_norm(name)] = f"{_norm(name)}=={dist.version}"
    return [pins[key] for key in sorted(pins)]


def _workbench_wheel(source: Path | None, into: Path) -> Path:
    """Put workbench's own wheel into ``into``: built from a source tree, or copied."""
    if source is None:
        # An editable install's source folder, or the wheel file it was installed from.
        source = installed().origin_path
    if source is not None and source.is_file() and source.suffix == ".whl":
        return Path(shutil.copy2(source, into))
    if source is not None:
        if not (source / "pyproject.toml").is_file():
            raise WheelhouseError(
                f"{source}: workbench의 소스 폴더(pyproject.toml)나 휠 파일이 아닙니다. "
                "--source에 소스 폴더나 kdba_workbench-*.whl 파일을 주십시오."
            )
        # Without isolation the backend installed here builds it (no download needed).
        isolation = ["--no-build-isolation"] if _has("hatchling") else []
        args = ["wheel", "-q", "--no-deps", *isolation, "-w", str(into), str(source)]
        _pip(args, "workbench 휠 만들기")
    else:
        version = installed().version or "0.0.0"
        _pip(
            ["download", "-q", "--no-deps", "-d", str(into), f"{DISTRIBUTION}=={version}"],
            f"{DISTRIBUTION}=={version} 받기",
        )
    (wheel,) = into.glob(f"{_norm(DISTRIBUTION).replace('-', '_')}-*.whl")
    return wheel


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def write_requirements(folder: Path) -> list[str]:
    """Write ``requirements.txt``: every wheel in ``folder`` pinned, with its sha256."""
    from packaging.utils import parse_wheel_filename

    lines, names = [], []
    for wheel in sorted(folder.glob("*.whl"), key=lambda p: p.name.lower()):
        name, version, _build, _tags = parse_wheel_filename(wheel.name)
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        lines.append(f"{name}=={version} \\\n    --hash=sha256:{digest}")
        names.append(wheel.name)
    header = (
        "# workbench wheelhouse: install with no network\n"
        f"#   pip install --no-index --find-links DIR --require-hashes -r DIR/{REQUIREMENTS}\n"
    )
    (folder / REQUIREMENTS).write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return names


def _claim(dest: Path, force: bool) -> None:
    if not dest.exists() or (dest.is_dir() and not any(dest.iterdir())):
        return
    foreign = (
        [dest.name]
        if not dest.is_dir() or dest.is_symlink()
        else [
            p.name
            for p in dest.iterdir()
            if not (p.is_file() and (p.suffix in _OWN_SUFFIXES or p.name == REQUIREMENTS))
        ]
    )
    if not force or foreign:
        why = f" (휠이 아닌 것: {', '.join(sorted(foreign)[:3])})" if foreign else ""
        raise WheelhouseError(
            f"{dest}가 이미 있고 비어 있지 않습니다{why}. 빈 폴더를 주거나, 이전 휠 폴더를 "
            "새로 만들려면 --force를 쓰십시오 (휠과 requirements.txt만 있는 폴더만 바꿉니다)."
        )


def build_wheelhouse(
    dest: str | os.PathLike[str],
    *,
    extras: Iterable[str] = (),
    with_project_tools: bool = True,
    source: str | os.PathLike[str] | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Wheelhouse:
    """Build a wheelhouse in ``dest`` (see the module docstring); return it.

    Parameters
    ----------
    dest : path
        The folder to create; an existing one must be empty, or a wheelhouse with
        ``force``. The folder appears complete or not at all.
    extras : iterable of str
        workbench's extras to include (``test``, ...).
    with_project_tools : bool, default True
        Also the generated project's tools (pytest, ruff, pre-commit, ...) and its build
        backend, so ``make setup`` works from the wheelhouse alone.
    source : path, optional
        workbench's source folder or wheel; by default the installed one (an editable
        install's folder, the wheel it was installed from, or the index).
    force : bool, default False
        Replace an existing wheelhouse.
    """
    say = progress or (lambda _message: None)
    target = Path(dest).resolve()
    _claim(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as scratch:
        work = Path(scratch) / "wheels"
        work.mkdir()
        say("workbench 휠을 만드는 중…")
        wheel = _workbench_wheel(Path(source).resolve() if source else None, work)
        wanted = [f"{wheel}[{','.join(extras)}]" if extras else str(wheel)]
        if with_project_tools:
            wanted += project_tools()
        constraints = Path(scratch) / "constraints.txt"
        constraints.write_text("\n".join(_constraints()) + "\n", encoding="utf-8")
        say(f"의존성 휠을 모으는 중 ({len(wanted)}개 요구에서)…")
        pins = ["-c", str(constraints), "--find-links", str(work)]
        _pip(["wheel", "-q", "-w", str(work), *pins, *wanted], "의존성 휠 모으기")
        names = write_requirements(work)
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    return Wheelhouse(target, tuple(names), wheel.name)
