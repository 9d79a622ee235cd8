"""Run a batch's rows on a Dask distributed cluster (``dask scheduler`` / ``dask worker``).

One task per row, ``pure=False``; each runs :func:`..task.execute_row` on a worker,
which writes the run directory under the batch's folder (shared storage). A worker that
dies mid-run loses its task; the scheduler re-runs it on another worker (up to its
``distributed.scheduler.allowed-failures``, 3 by default), and the new attempt replaces
the half-written run directory. A task that exhausts those tries is recorded as failed
with the reason ``lost_worker``.

Each worker takes its kernels from its machine's warm kernel server (``workbench serve``,
started by the first row and idling out after the batch): a kernel forked with the
libraries already imported, never reused. Where no server can start, the row starts a
fresh kernel, as it did before (and as with ``WORKBENCH_NO_SERVE=1``).

Ctrl-C cancels every task, but Dask cannot stop one that a worker is already running:
that run goes on to completion there. So the batch waits until no run directory says
``running`` (each ends complete or failed); a second Ctrl-C stops waiting and marks those
runs failed (interrupted) -- if a worker finishes one later, it becomes complete.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.exceptions import WorkbenchError
from workbench.runner import _manifest as mf
from workbench.runner.batch.executors import Add, Emit
from workbench.runner.batch.task import RowOutcome, RowSpec, execute_row, mark_interrupted

__all__ = ["DaskExecutor", "run_on_dask"]

CONNECT_TIMEOUT = "30s"
SETTLE_POLL = 0.5  # seconds between looks at the run directories after Ctrl-C


def _running(specs: list[RowSpec]) -> list[Path]:
    """Return the run directories whose manifest says ``running``."""
    found = []
    for spec in specs:
        try:
            if mf.read_manifest(Path(spec.run_dir)).status == "running":
                found.append(Path(spec.run_dir))
        except WorkbenchError:  # not started (no manifest) or being replaced
            continue
    return found


def settle(
    specs: list[RowSpec],
    emit: Emit,
    poll: float = SETTLE_POLL,
) -> None:
    """After Ctrl-C: wait for runs that workers had started; a second Ctrl-C marks them."""
    running = _running(specs)
    if running:
        emit("settle", None, None)
    try:
        while running:
            time.sleep(poll)
            running = _running(specs)
    except KeyboardInterrupt:
        for run_dir in running:
            mark_interrupted(run_dir)


def run_on_dask(
    scheduler: str,
    specs: list[RowSpec],
    emit: Emit,
    add: Add,
) -> None:
    """Submit every row to the scheduler at ``scheduler`` and collect the outcomes.

    Raises
    ------
    WorkbenchError
        When the scheduler cannot be reached (nothing has run).
    """
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except OSError as exc:
        raise WorkbenchError(
            f"Dask 스케줄러 {scheduler}에 연결하지 못했습니다 ({exc}). `dask scheduler`로 "
            "스케줄러를, 기계마다 `dask worker 주소`로 작업자를 띄우거나, 이 컴퓨터에서 "
            "실행하려면 --scheduler를 빼세요."
        ) from None
    try:
        slots = max(sum(client.nthreads().values()), 1)
        batch = uuid.uuid4().hex[:8]
        futures: dict[Any, RowSpec] = {}
        for spec in specs:
            key = f"workbench-batch-{batch}-{spec.number:05d}"
            # Each worker's kernels are forked by its machine's `workbench serve`, which
            # imports the libraries once: a fresh kernel per row cost ~1 s more on 2 cores.
            row = client.submit(execute_row, spec, serve=True, key=key, pure=False)
            futures[row] = spec
        # Dask does not report when a task starts; the first `slots` rows are running.
        for spec in specs[:slots]:
            emit("start", spec, None)
        waiting = specs[slots:]
        for future in as_completed(list(futures), loop=client.loop):
            spec = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # KilledWorker after too many lost workers, etc.
                outcome = RowOutcome.failed(spec, "lost_worker", exc)
            add(outcome)
            emit("finish", spec, outcome)
            if waiting:
                emit("start", waiting.pop(0), None)
    except KeyboardInterrupt:
        client.cancel(list(futures))
        settle(specs, emit)
        raise
    finally:
        client.close()


@dataclass
class DaskExecutor:
    """Run rows on the Dask cluster whose scheduler is at ``scheduler``."""

    scheduler: str

    def run(self, specs: list[RowSpec], emit: Emit, add: Add) -> None:
        """Run every row on the cluster (see :func:`run_on_dask`)."""
        run_on_dask(self.scheduler, specs, emit, add)
