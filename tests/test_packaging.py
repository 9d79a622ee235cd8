"""The built wheel carries the standard notebooks, template, course and page: they work anywhere."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.kernel
def test_installed_wheel_runs_a_standard_analysis_from_any_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("kdba_workbench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {n for n in names if n.startswith("workbench/_notebooks/standard/")}
    in_repo = {
        f"workbench/_notebooks/standard/{p.name}"
        for p in (REPO / "notebooks/standard").glob("*.ipynb")
    }
    assert shipped == in_repo

    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    listed = subprocess.run(
        [sys.executable, "-m", "workbench", "analyses"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "profile" in listed.stdout
    ran = subprocess.run(
        [sys.executable, "-m", "workbench", "run", "profile", "--out", "run", "-q"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    manifest = json.loads((elsewhere / "run" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "succeeded"
    assert manifest["analysis"]["notebook"].startswith(str(site))

    # The template, the course and the app's page come with the package too.
    assert "workbench/app/page.ipynb" in names
    lessons = subprocess.run(
        [sys.executable, "-c", "from workbench import training; print(training.lessons())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert lessons.stdout.count(str(site)) == len(
        list((REPO / "notebooks/training").glob("[0-9][0-9]_*.ipynb"))
    )
    new = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "new",
            "--no-input",
            "--option",
            "project_name=복지 분석",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert new.returncode == 0, new.stderr
    record = json.loads(
        (elsewhere / "bogji-bunseog" / ".workbench" / "template.json").read_text(encoding="utf-8")
    )
    assert record["answers"]["project_name"] == "복지 분석"


def test_the_distribution_has_a_name_of_its_own():
    import tomllib
    from importlib import metadata

    from workbench._distribution import DISTRIBUTION, UNRELATED, installed
    from workbench.runner._manifest import package_versions

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION != UNRELATED
    assert project["scripts"]["workbench"] == "workbench.cli:main"
    assert package_versions()[DISTRIBUTION] == metadata.version(DISTRIBUTION)
    here = installed()
    assert (here.version, here.unrelated) == (metadata.version(DISTRIBUTION), None)
    assert here.origin == f"editable {REPO.as_uri()}"


def test_no_code_looks_workbench_up_by_its_import_name():
    """`metadata.version("workbench")` would find the registry's unrelated package."""
    import ast

    lookups = {"version", "distribution", "files", "metadata", "requires", "entry_points"}
    found = []
    for path in sorted((REPO / "src").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) in lookups
                and any(isinstance(a, ast.Constant) and a.value == "workbench" for a in node.args)
            ):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []


def test_an_analysis_package_is_found_with_its_origin_and_a_broken_one_skipped(
    analysis_package, monkeypatch
):
    from typer.testing import CliRunner

    from workbench import cli
    from workbench._distribution import DISTRIBUTION, installed_version
    from workbench._plugins import origin_of
    from workbench.cli import app
    from workbench.runner import find_analysis, list_analyses

    with pytest.warns(UserWarning, match=r"'broken' \(welfare-gap-analysis 1\.2\.0"):
        names = [a.name for a in list_analyses()]
    assert "welfare_gap" in names and "profile" in names
    analysis = find_analysis("welfare_gap")
    assert analysis.path == analysis_package / "welfare_gap_analysis" / "welfare_gap.ipynb"
    assert origin_of(analysis.path) == "welfare-gap-analysis 1.2.0"
    assert origin_of(find_analysis("profile").path) == f"{DISTRIBUTION} {installed_version()}"
    monkeypatch.setattr(cli.out, "width", 250)
    listed = CliRunner().invoke(app, ["analyses"])
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if "welfare_gap" in line)
    assert "welfare-gap-analysis 1.2.0" in row


@pytest.mark.kernel
def test_an_analysis_package_runs(analysis_package, tmp_path):
    from workbench.runner import run_analysis

    with pytest.warns(UserWarning, match="broken"):
        result = run_analysis("welfare_gap", out=tmp_path / "run", progress=None)
    assert result.manifest.status == "succeeded"
    assert result.manifest.analysis.name == "welfare_gap"
