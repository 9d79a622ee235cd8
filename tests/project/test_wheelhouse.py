"""`workbench wheelhouse`: a folder of pinned, hashed wheels that installs with no network.

The slow test builds one wheelhouse for the module (pip's cache makes it quick); then, in
a network namespace with no network (``unshare -n``, loopback up for the kernels) and
with no venv activated, a project made by ``workbench new`` sets itself up from it:
``make setup`` (a fresh ``.venv``, hash-checked), ``make test``, ``workbench doctor``
reporting nothing, the first ``git commit`` through its hooks, and ``workbench demo``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from project_helpers import VENV_BIN, git, offline_shell

from workbench._distribution import DISTRIBUTION
from workbench.project import WheelhouseError, build_wheelhouse, new_project
from workbench.project._wheelhouse import project_tools, write_requirements


def _fake_wheel(folder: Path, name: str) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.txt", name)
    return path


def test_requirements_pin_every_wheel_with_its_hash(tmp_path: Path) -> None:
    one = _fake_wheel(tmp_path, "Zope.Interface-7.0-cp311-cp311-manylinux_2_28_x86_64.whl")
    two = _fake_wheel(tmp_path, "kdba_workbench-0.1.0-py3-none-any.whl")
    assert write_requirements(tmp_path) == [two.name, one.name]
    text = (tmp_path / "requirements.txt").read_text(encoding="utf-8")
    for wheel, pin in ((two, "kdba-workbench==0.1.0"), (one, "zope-interface==7.0")):
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        assert f"{pin} \\\n    --hash=sha256:{digest}" in text


def test_a_folder_holding_other_files_is_never_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "wheels"
    folder.mkdir()
    (folder / "보고서.hwp").write_text("x", encoding="utf-8")
    for force in (False, True):
        with pytest.raises(WheelhouseError, match=r"보고서\.hwp"):
            build_wheelhouse(folder, force=force)
    assert [p.name for p in folder.iterdir()] == ["보고서.hwp"]


def test_project_tools_are_the_templates_dev_tools_and_build_backend() -> None:
    tools = project_tools()
    assert {t.split(">")[0] for t in tools} >= {"pytest", "ruff", "pre-commit", "hatchling"}


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheelhouse(tmp_path_factory.mktemp("wh") / "wheelhouse").folder


def _no_venv_env() -> dict[str, str]:
    """A shell as a newcomer has it: no activated venv, nothing of ours on any path."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env.pop("WORKBENCH_CATALOG_PATH", None)
    env.pop("WORKBENCH_NOTEBOOK_PATH", None)
    paths = env.get("PATH", "").split(os.pathsep)
    env["PATH"] = os.pathsep.join(p for p in paths if Path(p) != VENV_BIN)
    env["PIP_NO_COMPILE"] = "1"  # byte-compiling 180 packages is most of an install's time
    env["COLUMNS"] = "250"  # tables printed whole
    return env


@pytest.mark.kernel
def test_a_new_project_sets_itself_up_from_the_wheelhouse_with_no_network(
    wheelhouse: Path, tmp_path: Path
) -> None:
    """Acceptance (issue 16): offline, nothing activated, the newcomer's order."""
    requirements = (wheelhouse / "requirements.txt").read_text(encoding="utf-8")
    assert f"{DISTRIBUTION}==" in requirements and "\nworkbench==" not in requirements
    # A module package: the standard project's files plus an analysis it publishes.
    project = new_project({"project_name": "복지 분석", "level": "module"}, output_dir=tmp_path)
    assert (project / ".git").is_dir()  # workbench new made it a repository
    for key, value in (("user.email", "analyst@example.go.kr"), ("user.name", "분석가")):
        assert git(project, "config", key, value).returncode == 0
    script = " && ".join(
        [
            f"make setup WORKBENCH_WHEELHOUSE={wheelhouse}",  # a fresh .venv, --require-hashes
            "make test",  # its own tests find its analysis through the entry point and run it
            ".venv/bin/workbench analyses",
            ".venv/bin/workbench doctor",  # right after make test: its caches are no secrets
            "git add -A",
            "git commit -q -m 처음",  # through the hooks, with .venv/bin/ tools
            f".venv/bin/workbench demo --out {tmp_path / 'demo'}",
        ]
    )
    done = subprocess.run(
        offline_shell(script), cwd=project, env=_no_venv_env(), capture_output=True, text=True
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "pre-commit installed at .git/hooks/pre-commit" in output
    assert "표준과 다른 점이 없습니다" in output
    row = next(line for line in output.splitlines() if "│ bogji_bunseog " in line)
    assert "bogji-bunseog 0.1.0" in row  # the analysis's origin: this package and version
    assert git(project, "log", "--oneline").stdout.count("\n") == 1
    assert git(project, "status", "--porcelain").stdout == ""  # .venv and caches ignored
    assert len(list((tmp_path / "demo").rglob("report.html"))) == 2
