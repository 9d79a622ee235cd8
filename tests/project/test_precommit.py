"""The generated project's pre-commit hooks, run offline, block personal information.

The commit runs in a network namespace with no network where the machine allows it
(``unshare -n``); every hook is a local one (``repo: local``, ``language: system``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from project_helpers import (
    RESIDENT_NUMBER,
    git,
    git_init,
    notebook_with_output,
    offline_prefix,
    run,
)

from workbench.project import large_files, new_project, scan_files


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = new_project({"project_name": "복지 사각지대 분석 2026"}, output_dir=tmp_path)
    git_init(project)
    # The hooks call the project's own .venv/bin/ tools: here, this test run's venv.
    (project / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    assert run(["pre-commit", "install"], project).returncode == 0
    return project


def test_hooks_are_local_and_need_no_network(tmp_path: Path) -> None:
    project = new_project({"project_name": "점검"}, output_dir=tmp_path)
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [r["repo"] for r in config["repos"]] == ["local"]
    hooks = config["repos"][0]["hooks"]
    assert {h["language"] for h in hooks} == {"system"}
    # No activated venv needed: every tool is the project's own.
    assert all(h["entry"].startswith(".venv/bin/") for h in hooks)
    assert [h["id"] for h in hooks] == [
        "workbench-pii",
        "large-files",
        "detect-secrets",
        "nbstripout",
        "ruff",
    ]


def test_commit_of_a_notebook_with_a_resident_number_in_its_output_is_blocked(
    project: Path,
) -> None:
    offline = offline_prefix()
    git(project, "add", "-A")
    first = run([*offline, "git", "commit", "-q", "-m", "처음"], project)
    assert first.returncode == 0, first.stdout + first.stderr  # the template passes its hooks

    leak = notebook_with_output(
        project / "notebooks" / "02_leak.ipynb", f"성명 홍길동 주민번호 {RESIDENT_NUMBER}\n"
    )
    git(project, "add", str(leak))
    blocked = run([*offline, "git", "commit", "-q", "-m", "결과"], project)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0
    assert "notebooks/02_leak.ipynb (노트북 셀 1의 출력): 주민등록번호(resident_id) 1건" in output
    assert RESIDENT_NUMBER not in output and RESIDENT_NUMBER.replace("-", "") not in output
    assert git(project, "log", "--oneline").stdout.count("\n") == 1  # nothing committed


def test_scan_files_reads_notebook_outputs_code_and_data(tmp_path: Path) -> None:
    clean = notebook_with_output(tmp_path / "clean.ipynb", "합계 1,234,000원\n")
    leak = notebook_with_output(tmp_path / "leak.ipynb", f"{RESIDENT_NUMBER}\n")
    table = tmp_path / "people.csv"
    pd.DataFrame({"연락처": ["010-1234-5678", "010-2345-6789"], "금액": [1, 2]}).to_csv(
        table, index=False
    )
    problems = [str(p) for p in scan_files([clean, leak, table, tmp_path / "gone.csv"])]
    assert problems == [
        f"{leak} (노트북 셀 1의 출력): 주민등록번호(resident_id) 1건. "
        "출력을 지우고(nbstripout) 가명처리한 뒤 다시 실행하십시오.",
        f"{table} (열 '연락처'): 전화번호(phone) 2건. "
        "자료 파일은 git에 올리지 말고 data/에 두십시오.",
    ]


def test_large_files(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * (600 * 1024))
    small = tmp_path / "small.txt"
    small.write_text("작은 파일", encoding="utf-8")
    problems = large_files([big, small], max_kb=500)
    assert [p.path for p in problems] == [str(big)]
    assert "600 KB" in problems[0].message
