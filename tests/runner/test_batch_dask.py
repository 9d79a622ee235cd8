"""The batch on a real Dask cluster: a scheduler and two workers on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from workbench.exceptions import WorkbenchError
from workbench.runner import run_batch

DASK = str(Path(sys.executable).parent / "dask")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False) as client:
        client.wait_for_workers(n, timeout=60)


@pytest.fixture
def cluster(tmp_path):
    """Yield (scheduler address, {worker pid: process}); kill them all afterwards."""
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    processes: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> subprocess.Popen:
        log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen([DASK, *args], stdout=log, stderr=log, cwd=tmp_path)
        log.close()
        processes.append(process)
        return process

    try:
        for _attempt in range(3):  # another process may take the port after the probe
            port = free_port()
            address = f"tcp://127.0.0.1:{port}"
            scheduler = start(
                "scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                "--no-dashboard",
            )  # fmt: skip
            time.sleep(1.5)
            if scheduler.poll() is None:
                break
        workers = {}
        for i in range(2):
            worker = start(
                f"worker-{i}", "worker", address, "--nworkers", "1", "--nthreads", "1",
                "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
            )  # fmt: skip
            workers[worker.pid] = worker
        wait_for_workers(address, 2)
        yield address, workers
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


def parent_pid(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


@pytest.mark.kernel
def test_batch_completes_on_dask_even_when_a_worker_is_killed(cluster, fixture_notebook, tmp_path):
    address, workers = cluster
    notebook = fixture_notebook("batch_probe")
    markers = tmp_path / "markers"
    markers.mkdir()
    rows = [f"a,a,true,{markers}"] + [f"{x},{x},false," for x in "bcdef"]
    matrix = tmp_path / "m.csv"
    matrix.write_text("run_id,label,hold,marker_dir\n" + "\n".join(rows) + "\n", "utf-8")
    out = tmp_path / "shared-storage" / "batch"

    killed: list[int] = []

    def kill_the_worker_of_row_a() -> None:
        marker = markers / "a.pid"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if marker.exists() and marker.read_text():
                worker = parent_pid(int(marker.read_text()))
                if worker in workers:
                    os.kill(worker, signal.SIGKILL)
                    killed.append(worker)
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=kill_the_worker_of_row_a, daemon=True)
    watcher.start()
    result = run_batch(notebook, matrix, out=out, scheduler=address)
    watcher.join()

    assert killed, "row a did not run on a worker process"
    assert workers[killed[0]].wait(timeout=10) == -signal.SIGKILL
    assert {k: o.status for k, o in result.outcomes.items()} == dict.fromkeys("abcdef", "succeeded")
    for run_id in "abcdef":
        manifest = json.loads((out / run_id / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "succeeded"
        assert (out / run_id / "report.html").is_file()
    log = (out / "_logs" / "a.log").read_text(encoding="utf-8")
    assert log.count("attempt 1: start") == 2  # re-run on the other worker
    assert (out / "index.html").is_file()


def test_an_unreachable_scheduler_is_one_clear_error(fixture_notebook, tmp_path, monkeypatch):
    monkeypatch.setattr("workbench.runner.batch.executors.dask.CONNECT_TIMEOUT", "2s")
    matrix = tmp_path / "m.csv"
    matrix.write_text("label\n가\n", encoding="utf-8")
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(WorkbenchError, match=r"Dask 스케줄러 .*에 연결하지 못했습니다"):
        run_batch(fixture_notebook("ok"), matrix, out=tmp_path / "b", scheduler=address)


@pytest.mark.kernel
def test_ctrl_c_on_dask_leaves_no_run_marked_running(cluster, held_batch, tmp_path):
    address, _workers = cluster
    out = tmp_path / "shared-storage" / "batch"
    process, _markers = held_batch(4, 2, "--scheduler", address, out=out)
    process.send_signal(signal.SIGINT)  # the workers' runs go on: the batch waits...
    time.sleep(3)
    waited = process.poll() is None
    process.send_signal(signal.SIGINT)  # ...until a second Ctrl-C
    _, stderr = process.communicate(timeout=60)
    assert waited and process.returncode == 130, stderr
    assert "한 번 더 누르세요" in stderr
    run_dirs = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith("_")]
    assert len(run_dirs) >= 2
    for run_dir in run_dirs:
        manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] in ("succeeded", "failed"), run_dir.name
        if manifest["status"] == "failed":
            assert manifest["error"]["reason"] == "interrupted"


def tiny_notebook(path: Path) -> Path:
    """A standard-analysis notebook with one parameter and one small published table."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    parameters = new_code_cell('region_code = "11110"  # 시도(2자리) 또는 시군구(5자리) 코드')
    parameters.metadata["tags"] = ["parameters"]
    body = new_code_cell(
        "import pandas as pd\n\nimport workbench as wb\n\n"
        "wb.publish(pd.DataFrame({'코드': [region_code], '길이': [len(region_code)]}), 'code')"
    )
    nb = new_notebook(
        cells=[parameters, body],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    nb.metadata["workbench"] = {
        "name": "tiny",
        "title": "지역 코드",
        "summary": "A tiny analysis, one run per local government",
        "version": "1.0.0",
        "level": "standard",
        "inputs": {},
        "outputs": ["code"],
    }
    nbformat.write(nb, path)
    return path


@pytest.mark.kernel
def test_243_local_governments_run_on_a_local_dask_cluster_of_two_workers(tmp_path, monkeypatch):
    """The analysis center's day: every 시군구 of the code table, on two Dask workers.

    As on a center's machines, the workers fork their kernels from the machine's
    `workbench serve` (here in the test's folder; the rest of the suite turns it off).
    """
    from distributed import Client, LocalCluster

    from workbench.runner import serve_status, serve_stop

    monkeypatch.delenv("WORKBENCH_NO_SERVE")
    monkeypatch.setenv("WORKBENCH_SERVE_DIR", str(tmp_path / "serve"))

    from workbench.catalog._regions import region_table

    table = region_table()
    autonomous = table[(table["수준"] == "시도") | table["자치"].astype(bool)]
    codes = autonomous["시군구코드"].fillna(autonomous["시도코드"]).tolist()  # 17 + 226
    matrix = tmp_path / "지자체.csv"
    matrix.write_text("region_code\n" + "".join(f"{c}\n" for c in codes), encoding="utf-8")
    out = tmp_path / "shared-storage" / "batch"
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        # One more try for a kernel that did not start in time, as a center would run it:
        # on two busy cores a kernel start can time out; a cell error is never retried.
        try:
            result = run_batch(tiny_notebook(tmp_path / "tiny.ipynb"), matrix, out=out,
                               scheduler=cluster.scheduler_address, retries=1)  # fmt: skip
            served = serve_status()
        finally:
            serve_stop()
        ran_on = {w["id"] for w in client.scheduler_info()["workers"].values()}
    # Every row's kernel was forked by the machine's kernel server, none started afresh.
    assert served.running and served.runs >= len(codes), served
    assert len(codes) == 243 and len(ran_on) == 2
    assert result.count("succeeded") == 243, {
        k: (o.status, o.reason) for k, o in result.outcomes.items() if o.status != "succeeded"
    }
    index = pd.read_csv(out / "index.csv", encoding="utf-8-sig", dtype=str)
    assert len(index) == 243 and set(index["status"]) == {"succeeded"}
    assert sorted(index["run_id"]) == sorted(codes)  # a code names its run folder
    for code in (codes[0], codes[-1]):
        published = pd.read_csv(out / code / "results" / "code.csv", dtype=str)
        assert published["코드"].tolist() == [code]
