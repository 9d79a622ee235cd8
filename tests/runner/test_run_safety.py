"""A run folder never lies: early exits, concurrent runs, bad files and limits, real kernels."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.kernel


def workbench(*args: str, env: dict[str, str] | None = None, timeout: float = 180):
    """Run the real command; return (exit code, stdout, stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    return done.returncode, done.stdout, done.stderr


def manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def assert_one_line_error(stderr: str) -> None:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) <= 3, stderr


def test_sys_exit_half_way_is_a_failed_run_naming_the_cell(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    code, _, stderr = workbench("run", str(fixture_notebook("exits_early")), "--out", str(out))
    assert code == 1
    assert "셀 3" in stderr and "sys.exit(0)" in stderr  # cells: parameters, print, exit
    m = manifest(out)
    assert m["status"] == "failed" and m["error"]["reason"] == "stopped"
    assert m["error"]["cell_number"] == 3
    assert not (out / "report.html").exists()


def test_two_runs_into_one_folder_exactly_one_proceeds(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    notebook = str(fixture_notebook("ok"))
    command = [sys.executable, "-m", "workbench", "run", notebook, "--out", str(out), "-q"]
    procs = [
        subprocess.Popen([*command, "-p", "label", label], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for label in ("가", "나")
    ]  # fmt: skip
    results = [(p.wait(180), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, err in results if code == 2)
    assert "다른 --out" in refused
    m = manifest(out)
    assert m["status"] == "succeeded"
    table = (out / "results" / "table.csv").read_text(encoding="utf-8-sig")
    assert table.count(m["parameters"]["label"]) == 3  # one run's rows, not a mix


def test_force_on_a_folder_that_merely_holds_a_manifest_deletes_nothing(fixture_notebook, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "manifest.json").write_text("{}", encoding="utf-8")
    (mine / "data.csv").write_text("a\n1\n", encoding="utf-8")
    code, _, stderr = workbench(
        "run", str(fixture_notebook("ok")), "--out", str(mine), "--force", "-q"
    )
    assert code == 2
    assert "지우지 않습니다" in stderr
    assert sorted(p.name for p in mine.iterdir()) == ["data.csv", "manifest.json"]


def test_force_replaces_a_run_it_made(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    notebook = str(fixture_notebook("ok"))
    assert workbench("run", notebook, "--out", str(out), "-q")[0] == 0
    first = manifest(out)["run_id"]
    assert workbench("run", notebook, "--out", str(out), "-q", "--force")[0] == 0
    assert manifest(out)["run_id"] != first


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_a_device_as_input_is_refused_before_any_kernel(fixture_notebook, tmp_path, kind):
    if kind == "fifo":
        data = tmp_path / "pipe.csv"
        os.mkfifo(data)
    else:
        data = Path("/dev/zero")
    out = tmp_path / "run"
    code, _, stderr = workbench(
        "run", str(fixture_notebook("ok")), "-p", "data_path", str(data), "--out", str(out),
        timeout=60,
    )  # fmt: skip
    assert code == 2
    assert "data_path" in stderr and "일반 파일" in stderr
    assert_one_line_error(stderr)
    assert not out.exists()


def test_a_device_as_parameters_file_is_refused(fixture_notebook, tmp_path):
    code, _, stderr = workbench(
        "run", str(fixture_notebook("ok")), "-f", "/dev/zero", "--out", str(tmp_path / "r"),
        timeout=60,
    )  # fmt: skip
    assert code == 2 and "--params-file" in stderr and "장치 파일" in stderr
    assert_one_line_error(stderr)


@pytest.mark.parametrize("value", ["1e309", "inf", "nan"])
def test_a_timeout_that_is_not_a_finite_number_is_refused(fixture_notebook, tmp_path, value):
    code, _, stderr = workbench(
        "run", str(fixture_notebook("ok")), "--timeout", value, "--out", str(tmp_path / "r"),
        timeout=60,
    )  # fmt: skip
    assert code == 2
    assert "--timeout" in stderr and "유한한" in stderr
    assert_one_line_error(stderr)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("label: 2024-01-01", ("'label' (", "날짜", "따옴표")),
        ("label: 2024-01-01 10:00:00", ("'label' (", "날짜·시각", "따옴표")),
        ("label: !!set {a: null}", ("'label' (", "집합", "따옴표")),
        ("label: !!binary aGVsbG8=", ("'label' (", "바이트열", "따옴표")),
        ("label: [2024-01-01]", ("'label' (", "날짜", "따옴표")),
        ("scale: .nan", ("'scale' (", "유한한 수가 아닙니다", "실제 숫자")),
    ],
)
def test_a_parameter_yaml_cannot_carry_exactly_is_refused(fixture_notebook, tmp_path, line, words):
    params = tmp_path / "p.yaml"
    params.write_text(line + "\n", encoding="utf-8")
    code, _, stderr = workbench(
        "run", str(fixture_notebook("ok")), "-f", str(params), "--out", str(tmp_path / "r"),
        timeout=60,
    )  # fmt: skip
    assert code == 2
    assert all(word in stderr for word in words), stderr
    assert "p.yaml" in stderr and " in " not in stderr  # the file is named, in Korean
    assert_one_line_error(stderr)
    assert not (tmp_path / "r").exists()


def test_an_unbounded_output_stream_stops_the_run(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    code, _, stderr = workbench(
        "run", str(fixture_notebook("prints_forever")), "--out", str(out), "-q",
        env={"WORKBENCH_MAX_OUTPUT_MB": "2"},
    )  # fmt: skip
    assert code == 1
    assert "출력이 너무 큼" in stderr
    assert "Traceback" not in stderr
    m = manifest(out)
    assert m["status"] == "failed" and m["error"]["reason"] == "output_limit"
    assert (out / "notebook.ipynb").stat().st_size < 8 * 1024 * 1024


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs: a real full disk (the tests run as root, as CI does)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True
    )
    assert done.returncode == 0, f"mounting a tmpfs needs root: {done.stderr!r}"
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_the_run_in_one_line(fixture_notebook, small_disk):
    out = small_disk / "run"
    code, _, stderr = workbench(
        "run", str(fixture_notebook("writes_big_result")), "--out", str(out), "-q"
    )
    assert code == 1
    assert "Traceback" not in stderr
    assert "디스크 공간" in stderr or "No space left" in stderr
    m = manifest(out)
    assert m["status"] == "failed"
    assert not (out / "report.html").exists()
    assert not (out / "results").exists()  # whatever was written is held, not released
    assert not [p for p in out.rglob(".wb-*")]  # no stray temporary file


@pytest.mark.parametrize("die", [False, True])
def test_child_processes_of_the_kernel_end_with_the_run(fixture_notebook, tmp_path, die):
    # die: the kernel exits first, orphaning its children (the setsid one is then in
    # neither its tree nor its process group).
    markers = tmp_path / "m"
    markers.mkdir()
    code, _, stderr = workbench(
        "run", str(fixture_notebook("spawns_children")), "-p", "marker_dir", str(markers),
        "-p", "die", str(die), "--out", str(tmp_path / "run"), "-q",
    )  # fmt: skip
    assert code == (1 if die else 0), stderr
    pids = [int(p) for p in (markers / "pids.txt").read_text().split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in pids if _alive(pid)]
        time.sleep(0.1)
    for pid in alive:  # do not leave them behind even when the test fails
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
    assert alive == []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_an_error_quoting_personal_information_is_masked_everywhere_it_is_shown(
    fixture_notebook, tmp_path
):
    out = tmp_path / "run"
    code, stdout, stderr = workbench(
        "run", str(fixture_notebook("raises_with_pii")), "--out", str(out), "-q"
    )
    assert code == 1
    assert "자료 처리 실패" in stderr and "김*수님" in stderr and "010-****-5678" in stderr
    error = manifest(out)["error"]
    for raw in ("김철수", "1234-5678", "900101-1234568"):
        assert raw not in stdout + stderr
        assert raw not in error["message"] and raw not in error["error_value"]


def test_a_personal_parameter_value_blocks_the_run(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    code, _, stderr = workbench(
        "run", str(fixture_notebook("prints_resident_number")), "-p", "name", "김영희",
        "--out", str(out), "-q",
    )  # fmt: skip
    assert code == 1
    m = manifest(out)
    assert m["status"] == "blocked"
    where = [f["location"] for f in m["findings"] if f["rule"] == "pii.person_name"]
    assert {"kind": "parameter", "parameter": "name"}.items() <= where[0].items(), where
    assert "김영희" not in stderr
