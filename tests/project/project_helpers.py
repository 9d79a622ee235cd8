"""Helpers for the project-template tests: render, list files, run git and pre-commit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template"
VENV_BIN = Path(sys.executable).parent
#: A resident registration number with a valid check digit (made up: 1990-01-01, male).
RESIDENT_NUMBER = "900101-1234568"


def files_of(root: Path) -> set[str]:
    """Every file under ``root`` as a relative POSIX path (git's and caches' excluded)."""
    skip = {".git", "__pycache__", ".pytest_cache", ".ruff_cache"}
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not skip & set(p.relative_to(root).parts)
    }


def tool_env() -> dict[str, str]:
    """The environment a user has after `source .venv/bin/activate`."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    for name in ("PYTHONPATH", "WORKBENCH_CATALOG_PATH", "WORKBENCH_NOTEBOOK_PATH"):
        env.pop(name, None)
    return env


def run(cmd: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a command in ``cwd`` with the activated-venv environment; capture text."""
    return subprocess.run(
        cmd, cwd=cwd, env=tool_env(), capture_output=True, text=True, check=False, **kwargs
    )


def git(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(["git", *args], project)


def git_init(project: Path) -> None:
    for args in (
        ("init", "-q", "-b", "main", "."),
        ("config", "user.email", "analyst@example.go.kr"),
        ("config", "user.name", "분석가"),
        ("config", "commit.gpgsign", "false"),
    ):
        assert git(project, *args).returncode == 0


def offline_prefix() -> list[str]:
    """``unshare -n`` (a network namespace with no network) where this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def offline_shell(script: str) -> list[str]:
    """``sh -c script`` in a network namespace with no network, loopback up (kernels talk
    over 127.0.0.1); plain ``sh -c`` where this machine allows no namespace.
    """
    prefix = offline_prefix()
    if prefix and shutil.which("ip"):
        return [*prefix, "sh", "-c", f"ip link set lo up && {script}"]
    return ["sh", "-c", script]


def notebook_with_output(path: Path, text: str) -> Path:
    """Write a one-cell notebook whose stored output prints ``text``."""
    cell = new_code_cell("print(table)")
    cell.outputs = [new_output("stream", name="stdout", text=text)]
    cell.execution_count = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=[cell]), path)
    return path
