"""``workbench serve``: runs forked from a warm server, driven as a user would.

Every test runs the real ``workbench`` command in subprocesses against a real server
(in a folder of the test's own, ``$WORKBENCH_SERVE_DIR``), and stops it at the end.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

pytestmark = pytest.mark.kernel

HANGUL = re.compile(r"[가-힣]")
TRACES = ("module", "global", "pandas_option")


def _env(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_NO_SERVE"}
    return {**env, "WORKBENCH_SERVE_DIR": str(folder), **extra}


def workbench(env: dict[str, str], *args: str, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _server_pid(env: dict[str, str]) -> int | None:
    text = workbench(env, "serve", "--status").stdout
    found = re.search(r"프로세스:\s+(\d+)", text)
    return int(found.group(1)) if found else None


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_gone(pid: int, seconds: float = 120.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not _gone(pid):
        time.sleep(0.2)
    return _gone(pid)


@pytest.fixture
def serve_env(tmp_path_factory: pytest.TempPathFactory):
    """An environment whose runs use a server in a fresh folder; the server stops after."""
    envs: list[dict[str, str]] = []

    def make(**extra: str) -> dict[str, str]:
        env = _env(tmp_path_factory.mktemp("serve"), **extra)
        envs.append(env)
        return env

    yield make
    for env in envs:
        pid = _server_pid(env)
        workbench(env, "serve", "--stop")
        if pid is not None and not _wait_gone(pid, 30):
            os.kill(pid, signal.SIGKILL)


def _write_notebook(cells: list, path: Path) -> None:
    """Write ``cells`` as a Python notebook whose first cell holds the parameters."""
    cells[0].metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.write(notebook, path)


def _probe_notebook(folder: Path) -> Path:
    """A notebook that leaves traces (a module, a global, library state) or looks for them."""
    cells = [
        nbformat.v4.new_code_cell('phase = "set"  # set: leave traces; check: look for them'),
        nbformat.v4.new_code_cell(
            "import os, sys\n"
            "import pandas as pd\n"
            "import workbench as wb\n"
            "def traces(name):\n"
            "    seen = {\n"
            "        'module': 'wb_probe_module' in sys.modules,\n"
            "        'global': 'probe_global' in globals(),\n"
            "        'pandas_option': pd.get_option('display.max_rows') != 60,\n"
            "    }\n"
            "    wb.publish(pd.DataFrame({'trace': list(seen), 'seen': list(seen.values())}),"
            " name)\n"
            "traces('before')\n"
            "import numpy as np\n"
            "print('kernel pid', os.getpid(), 'unseeded draw', np.random.randint(1 << 30))"
        ),
        nbformat.v4.new_code_cell(
            "if phase == 'set':\n"
            "    sys.path.insert(0, os.getcwd())\n"
            "    import wb_probe_module\n"
            "    probe_global = 42\n"
            "    pd.set_option('display.max_rows', 3)\n"
            "traces('after')"
        ),
    ]
    path = folder / "probe.ipynb"
    _write_notebook(cells, path)
    (folder / "wb_probe_module.py").write_text("VALUE = 1\n", encoding="utf-8")
    return path


def _traces(run_dir: Path, name: str) -> dict[str, bool]:
    import pandas as pd

    table = pd.read_csv(run_dir / "results" / f"{name}.csv")
    return dict(zip(table["trace"], table["seen"].astype(bool), strict=True))


def _printed(run_dir: Path) -> tuple[str, str]:
    """Return the kernel's pid and its unseeded numpy draw, as the probe printed them."""
    notebook = nbformat.read(run_dir / "notebook.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", []))
    found = re.search(r"kernel pid (\d+) unseeded draw (\d+)", text)
    assert found, text
    return found.group(1), found.group(2)


def test_a_served_run_gives_the_results_of_a_fresh_kernel(serve_env, tmp_path):
    env = serve_env()
    served = workbench(env, "run", "household_income", "--out", str(tmp_path / "s"), "-q")
    assert served.returncode == 0, served.stderr
    assert "새 커널로 실행합니다" not in served.stderr  # no fallback: the server ran it
    fresh = workbench(
        env, "run", "household_income", "--out", str(tmp_path / "f"), "-q", "--no-serve"
    )
    assert fresh.returncode == 0, fresh.stderr
    results = sorted(p.name for p in (tmp_path / "s" / "results").iterdir())
    assert results and results == sorted(p.name for p in (tmp_path / "f" / "results").iterdir())
    for name in results:
        served_bytes = (tmp_path / "s" / "results" / name).read_bytes()
        assert served_bytes == (tmp_path / "f" / "results" / name).read_bytes(), name
    manifests = [
        json.loads((tmp_path / d / "manifest.json").read_text(encoding="utf-8")) for d in "sf"
    ]
    assert manifests[0]["results"] == manifests[1]["results"]
    status = workbench(env, "serve", "--status").stdout
    assert "실행한 커널: 1개" in status  # the served run, not the --no-serve one


def test_a_run_sees_no_module_global_or_option_of_the_run_before(serve_env, tmp_path):
    env = serve_env()
    notebook = _probe_notebook(tmp_path)
    first = workbench(env, "run", str(notebook), "--out", str(tmp_path / "a"), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    second = workbench(
        env, "run", str(notebook), "-p", "phase", "check", "--out", str(tmp_path / "b"),
        cwd=tmp_path,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    # The first run left its traces, and saw them in its own kernel...
    assert _traces(tmp_path / "a", "after") == dict.fromkeys(TRACES, True)
    # ...the next run, forked by the same server, sees none of them.
    assert _traces(tmp_path / "b", "before") == dict.fromkeys(TRACES, False)
    assert _traces(tmp_path / "b", "after") == dict.fromkeys(TRACES, False)
    assert "실행한 커널: 2개" in workbench(env, "serve", "--status").stdout
    (pid_a, draw_a), (pid_b, draw_b) = _printed(tmp_path / "a"), _printed(tmp_path / "b")
    assert pid_a != pid_b
    assert draw_a != draw_b  # not the server's generator state, repeated


def test_the_server_stops_after_its_idle_time(serve_env):
    env = serve_env()
    started = workbench(env, "serve", "--idle-minutes", "0.05")
    assert started.returncode == 0, started.stderr
    assert "커널 서버: 준비됨" in started.stdout
    pid = _server_pid(env)
    assert pid is not None
    assert _wait_gone(pid), "the server did not stop once idle"
    status = workbench(env, "serve", "--status")
    assert "실행 중이 아닙니다" in status.stdout
    folder = Path(env["WORKBENCH_SERVE_DIR"])
    assert not list(folder.glob("*.sock"))


def test_a_killed_server_is_replaced_and_the_next_run_succeeds(serve_env, tmp_path):
    env = serve_env()
    notebook = _probe_notebook(tmp_path)
    assert workbench(env, "serve").returncode == 0
    pid = _server_pid(env)
    os.kill(pid, signal.SIGKILL)
    assert _wait_gone(pid)
    folder = Path(env["WORKBENCH_SERVE_DIR"])
    assert list(folder.glob("*.sock"))  # left behind by the killed server
    run = workbench(env, "run", str(notebook), "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    new_pid = _server_pid(env)
    assert new_pid is not None and new_pid != pid


def test_a_run_falls_back_to_a_fresh_kernel_when_no_server_can_start(serve_env, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")  # the server's folder cannot be made
    env = serve_env()
    env["WORKBENCH_SERVE_DIR"] = str(blocker / "serve")
    notebook = _probe_notebook(tmp_path)
    run = workbench(env, "run", str(notebook), "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    notices = [line for line in run.stderr.splitlines() if "새 커널로 실행합니다" in line]
    assert len(notices) == 1 and notices[0].startswith("커널 서버를 쓰지 못해")
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["status"] == "succeeded"


def test_status_and_stop_speak_korean(serve_env):
    env = serve_env()
    before = workbench(env, "serve", "--status")
    assert before.returncode == 0 and HANGUL.search(before.stdout)
    assert "실행 중이 아닙니다" in before.stdout
    started = workbench(env, "serve")
    assert started.returncode == 0, started.stderr
    status = workbench(env, "serve", "--status")
    assert "커널 서버: 실행 중" in status.stdout and "미리 불러온 라이브러리" in status.stdout
    assert "pandas" in status.stdout
    pid = _server_pid(env)
    stopped = workbench(env, "serve", "--stop")
    assert stopped.returncode == 0
    assert f"커널 서버를 멈췄습니다 (프로세스 {pid})." in stopped.stdout
    assert _gone(pid)
    again = workbench(env, "serve", "--stop")
    assert "실행 중인 커널 서버가 없습니다" in again.stdout
    for text in (before.stdout, status.stdout, stopped.stdout, again.stdout):
        assert not re.search(r"\b(server|running|stopped|not)\b", text, re.IGNORECASE), text


def test_a_killed_run_takes_its_served_kernel_with_it(serve_env, tmp_path):
    env = serve_env()
    marker = tmp_path / "kernel.pid"
    cells = [
        nbformat.v4.new_code_cell(f'marker = "{marker}"'),
        nbformat.v4.new_code_cell(
            "import os, pathlib, time\n"
            "pathlib.Path(marker).write_text(str(os.getpid()))\n"
            "time.sleep(300)"
        ),
    ]
    _write_notebook(cells, tmp_path / "holds.ipynb")
    run = subprocess.Popen(
        [sys.executable, "-m", "workbench", "run", str(tmp_path / "holds.ipynb"), "-q",
         "--out", str(tmp_path / "r")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while not marker.exists() or not marker.read_text():
            assert run.poll() is None and time.monotonic() < deadline, "the kernel never ran"
            time.sleep(0.2)
        kernel = int(marker.read_text())
        assert _server_pid(env) == psutil.Process(kernel).ppid()  # forked by the server
        run.kill()  # SIGKILL: the run cannot clean up; the server must
        run.wait()
        assert _wait_gone(kernel), f"kernel {kernel} outlived its run"
    finally:
        if run.poll() is None:
            run.kill()
