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
    (wheel,) = wheels.glob("workbench-*.whl")
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
        list((REPO / "notebooks/training").glob("0*.ipynb"))
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
