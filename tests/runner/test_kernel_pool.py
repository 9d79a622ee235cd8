"""The local executor's kernel pool, fork server and run drivers, driven directly.

Each test starts real kernels (forked from a real server that imported the libraries)
and talks to them over Jupyter's protocol, as a run does; the run drivers' tests check
the run folders, as a user reads them.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import psutil
import pytest

from workbench.runner import find_analysis, run_batch
from workbench.runner.batch.executors import local
from workbench.runner.batch.executors.local.drivers import Drivers
from workbench.runner.batch.executors.local.fork import ForkServer
from workbench.runner.batch.executors.local.pool import KernelPool
from workbench.runner.batch.task import RowSpec
from workbench.runner.results import RUN_DIR_ENV

pytestmark = pytest.mark.kernel


def evaluate(kernel, expression: str, code: str = "") -> str:
    """Run ``code`` in the kernel, then return ``repr`` of ``expression`` there."""
    from jupyter_client import BlockingKernelClient

    client = BlockingKernelClient()
    client.load_connection_info(kernel.manager.get_connection_info())
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(
            code,
            user_expressions={"value": expression},
            store_history=False,  # leaves In and the execution count as they were
            timeout=60,
            output_hook=lambda m: None,
        )
    finally:
        client.stop_channels()
    result = reply["content"]["user_expressions"]["value"]
    assert result["status"] == "ok", result
    return str(result["data"]["text/plain"])


def gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def run_folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


@pytest.fixture
def pool(tmp_path):
    pools: list[KernelPool] = []

    def make(size: int = 1, budget: int = 2, **kwargs) -> KernelPool:
        made = KernelPool(size, ["json", "csv"], tmp_path / "_kernels", budget, **kwargs)
        pools.append(made)
        return made

    yield make
    for made in pools:
        made.kill_all()
        made.close()


def finish(pool: KernelPool, kernel) -> None:
    kernel.kill()
    kernel.close()
    pool.release(kernel)


def test_a_claimed_kernel_is_forked_preloaded_and_bound_to_its_run(pool, tmp_path):
    kernels = pool(size=1, budget=1)
    run_dir = run_folder(tmp_path, "run-1")
    kernel = kernels.claim(run_dir, "kernel.log", {"WB_TEST_SECRET": "s3"})
    assert kernels.server is not None  # forked, not started as a process
    assert evaluate(kernel, "os.getppid()", "import os") == str(kernels.server.process.pid)
    assert evaluate(kernel, f"os.environ[{RUN_DIR_ENV!r}]") == repr(str(run_dir))
    assert evaluate(kernel, "os.environ['WB_TEST_SECRET']") == "'s3'"
    # The libraries were imported ahead of need, silently: no execution count used.
    assert evaluate(kernel, "'csv' in sys.modules", "import sys") == "True"
    assert evaluate(kernel, "len(In)") == "1"  # only the empty entry IPython starts with
    assert (run_dir / "kernel.log").is_file()  # its log moved into the run folder
    finish(kernels, kernel)


def test_no_run_sees_what_an_earlier_run_set_or_imported(pool, tmp_path):
    kernels = pool(size=1, budget=2)
    first = kernels.claim(run_folder(tmp_path, "a"), "kernel.log")
    evaluate(first, "1", "import colorsys\nimport json\njson._leak = 1\nleaked = 1")
    assert evaluate(first, "'colorsys' in sys.modules", "import sys") == "True"
    finish(kernels, first)
    second = kernels.claim(run_folder(tmp_path, "b"), "kernel.log")
    assert evaluate(second, "'leaked' in globals()") == "False"
    assert evaluate(second, "'colorsys' in sys.modules", "import sys") == "False"
    assert evaluate(second, "hasattr(json, '_leak')", "import json") == "False"
    assert second.manager.provisioner.pid != first.manager.provisioner.pid
    finish(kernels, second)


def test_a_kernel_that_dies_does_not_stop_the_pool(pool, tmp_path):
    kernels = pool(size=1, budget=2)
    first = kernels.claim(run_folder(tmp_path, "a"), "kernel.log")
    pid = first.manager.provisioner.pid
    os.kill(pid, signal.SIGKILL)
    assert gone(pid)
    assert first.manager.provisioner.process.poll() is not None  # noticed as dead
    finish(kernels, first)
    second = kernels.claim(run_folder(tmp_path, "b"), "kernel.log")
    assert evaluate(second, "6 * 7") == "42"
    finish(kernels, second)


def test_closing_the_pool_ends_unclaimed_kernels_and_the_server(pool, tmp_path):
    kernels = pool(size=2, budget=2)
    claimed = kernels.claim(run_folder(tmp_path, "a"), "kernel.log")
    deadline = time.monotonic() + 120
    while len(kernels._ready) < 1 and time.monotonic() < deadline:  # the next one waits
        time.sleep(0.1)
    waiting = [k.manager.provisioner.pid for k in kernels._ready]
    server = kernels.server.process.pid
    assert waiting
    finish(kernels, claimed)
    kernels.close()
    assert all(gone(pid) for pid in [*waiting, server])
    assert not (tmp_path / "_kernels").exists()  # no kernel log left behind


def test_beyond_its_budget_the_pool_starts_a_kernel_on_demand(pool, tmp_path):
    kernels = pool(size=1, budget=1)
    finish(kernels, kernels.claim(run_folder(tmp_path, "a"), "kernel.log"))
    retry = kernels.claim(run_folder(tmp_path, "b"), "kernel.log")  # a retry's kernel
    assert evaluate(retry, "6 * 7") == "42"
    finish(kernels, retry)


def test_a_closed_pool_refuses_claims(pool, tmp_path):
    kernels = pool(size=1, budget=1)
    kernels.close()
    with pytest.raises(RuntimeError, match="closed"):
        kernels.claim(run_folder(tmp_path, "a"), "kernel.log")


def test_without_the_fork_server_kernels_start_as_processes(pool, tmp_path):
    kernels = pool(size=1, budget=1, fork=False)
    kernel = kernels.claim(run_folder(tmp_path, "a"), "kernel.log")
    assert kernels.server is None
    assert evaluate(kernel, "os.getppid()", "import os") == str(os.getpid())
    assert evaluate(kernel, "'csv' in sys.modules", "import sys") == "True"
    finish(kernels, kernel)


@pytest.mark.parametrize("how", ["closed", "killed"])
def test_kernels_die_with_the_fork_server(pool, tmp_path, how):
    """End of its input (the batch closed it or died) or its own death ends every kernel."""
    kernels = pool(size=1, budget=1)
    kernel = kernels.claim(run_folder(tmp_path, "a"), "kernel.log")
    pid = kernel.manager.provisioner.pid
    child = evaluate(  # a process the kernel started, in the kernel's group
        kernel,
        "p.pid",
        "import subprocess, sys\np = subprocess.Popen([sys.executable, '-c', "
        "'import time; time.sleep(300)'])",
    )
    server: ForkServer = kernels.server
    if how == "closed":
        server.close()
    else:
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
    assert gone(pid), f"kernel {pid} outlived the fork server ({how})"
    if how == "closed":  # the server killed the kernel's whole group
        assert gone(int(child))
    else:
        os.kill(int(child), signal.SIGKILL)
    finish(kernels, kernel)


# --- run drivers -----------------------------------------------------------------------


def spec(notebook: Path, out: Path, label: str, number: int = 1) -> RowSpec:
    analysis = find_analysis(notebook)
    return RowSpec(
        number=number,
        run_id=label,
        notebook=str(analysis.path),
        notebook_sha256=analysis.sha256,
        params={"label": label},
        run_dir=str(out / label),
        batch={"row": number, "run_id": label, "parameters": {"label": label}},
    )


def test_a_driver_runs_a_row_on_a_pool_kernel_and_dies_with_its_server(fixture_notebook, tmp_path):
    notebook = fixture_notebook("batch_probe")
    out = tmp_path / "batch"
    out.mkdir()
    pool = KernelPool(1, ["json"], out / "_kernels", 2)
    drivers = Drivers(1)
    try:
        for n, label in enumerate(["가", "나나"], start=1):
            kernel = pool.take()
            try:
                outcome = drivers.run(spec(notebook, out, label, n), kernel.handle(), {})
            finally:
                kernel.kill()
                kernel.close()
                pool.release(kernel)
            assert (outcome.status, outcome.reason) == ("succeeded", None)
            manifest = json.loads((out / label / "manifest.json").read_text(encoding="utf-8"))
            assert manifest["status"] == "succeeded" and manifest["batch"]["row"] == n
            assert (out / label / "report.html").is_file()
            assert (out / label / "kernel.log").is_file()  # the kernel's log moved in
        # The second run saw nothing of the first (a new kernel each time).
        probe = (out / "나나" / "results" / "probe.csv").read_text(encoding="utf-8-sig")
        assert "가" not in probe.splitlines()[1]
        children = psutil.Process(drivers.process.pid).children()
        assert children and all(c.pid != os.getpid() for c in children)
        os.kill(drivers.process.pid, signal.SIGKILL)  # the server dies: so do its drivers
        drivers.process.wait()
        assert all(gone(c.pid, 5.0) for c in children)
    finally:
        drivers.close()
        pool.close()


def test_a_batch_whose_drivers_died_runs_its_rows_in_its_own_process(
    fixture_notebook, tmp_path, monkeypatch
):
    started: list[Drivers] = []

    def dead_drivers(count: int) -> Drivers:
        made = Drivers(count)
        os.kill(made.process.pid, signal.SIGKILL)
        made.process.wait()
        started.append(made)
        return made

    monkeypatch.setattr(local, "_start_drivers", dead_drivers)
    matrix = tmp_path / "m.csv"
    matrix.write_text("label\n가\n나\n다\n", encoding="utf-8")
    result = run_batch(fixture_notebook("batch_probe"), matrix, out=tmp_path / "b", workers=2)
    assert started
    assert result.ok and result.count("succeeded") == 3
    for n in (1, 2, 3):
        assert (tmp_path / "b" / f"row-{n:04d}" / "report.html").is_file()
