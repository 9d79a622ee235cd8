"""The local executor: ``workers`` runs at a time on this machine.

Each run gets a kernel of its own, never reused, from a :class:`~.pool.KernelPool` that
keeps kernels started ahead of need; the pool forks them from a server that has imported
the notebook's libraries once (:mod:`.fork`). Each try of a row is driven (papermill,
gate, report, manifest, PDF) by one of ``workers`` run drivers (:mod:`.drivers`), so this
process only hands out rows and kernels. Every kernel, driver and server dies with the
batch, however it ends (Ctrl-C, SIGKILL).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # light at import: the fork server's ``-m`` imports this package
    from workbench.runner._registry import Analysis
    from workbench.runner.batch.executors import Add, Emit
    from workbench.runner.batch.executors.local.drivers import Drivers
    from workbench.runner.batch.task import RowOutcome, RowSpec

__all__ = ["LocalExecutor"]


@dataclass
class LocalExecutor:
    """Run rows on this machine: ``workers`` threads, each driving one kernel at a time.

    Parameters
    ----------
    analysis : Analysis
        The batch's notebook (its imports are loaded ahead of need).
    workers : int
        Runs at the same time.
    out : pathlib.Path
        The batch's folder (kernel logs wait in ``_kernels`` until claimed).
    secrets : mapping
        Values of secret parameters, handed to each kernel when it is claimed.
    """

    analysis: Analysis
    workers: int
    out: Path
    secrets: Mapping[str, str] = field(default_factory=dict)

    def run(self, specs: list[RowSpec], emit: Emit, add: Add) -> None:
        """Run every row; on Ctrl-C kill running kernels and mark their runs interrupted."""
        from workbench.runner._rundir import KERNEL_LOG
        from workbench.runner.batch.executors.local.drivers import DriverGoneError
        from workbench.runner.batch.executors.local.pool import (
            STANDARD_LIBRARIES,
            KernelPool,
            notebook_imports,
        )
        from workbench.runner.batch.task import RowOutcome, attempt, execute_row

        if not specs:
            return
        preload = list(dict.fromkeys([*notebook_imports(self.analysis), *STANDARD_LIBRARIES]))
        pool = KernelPool(self.workers + 1, preload, self.out / "_kernels", len(specs))
        drivers = _start_drivers(self.workers)
        cancelled = threading.Event()
        secrets = dict(self.secrets)

        def task(spec: RowSpec) -> RowOutcome:
            claimed: list[Any] = []

            def factory(run_dir: Path, env: Mapping[str, str]) -> Any:
                if cancelled.is_set():
                    raise RuntimeError("the batch was interrupted")
                kernel = pool.claim(run_dir, KERNEL_LOG, env)
                claimed.append(kernel)
                return kernel

            def on_driver(spec: RowSpec) -> RowOutcome:
                """One try on a run driver; in this process if the drivers are gone."""
                assert drivers is not None
                try:
                    if cancelled.is_set():
                        raise RuntimeError("the batch was interrupted")
                    kernel = pool.take()
                except Exception as exc:
                    return RowOutcome.failed(spec, "kernel_start", exc)  # worth another try
                claimed.append(kernel)
                try:
                    return drivers.run(spec, kernel.handle(), secrets)
                except DriverGoneError:
                    return attempt(spec, factory, secrets)
                finally:
                    _end(kernel)

            emit("start", spec, None)
            try:
                if drivers is None:
                    return execute_row(spec, factory, cancelled, secrets)
                return execute_row(spec, None, cancelled, secrets, run_once=on_driver)
            finally:
                for kernel in claimed:
                    pool.release(kernel)

        by_id = {spec.run_id: spec for spec in specs}
        executor = ThreadPoolExecutor(self.workers, thread_name_prefix="workbench-batch")
        pending: set[Future[RowOutcome]] = set()
        try:
            pending = {executor.submit(task, spec) for spec in specs}
            while pending:
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    outcome = future.result()
                    add(outcome)
                    emit("finish", by_id[outcome.run_id], outcome)
        except BaseException:
            # Ctrl-C: start nothing more, kill the kernels of running rows; each of those
            # runs then ends marked failed (interrupted) before this method returns.
            cancelled.set()
            for future in pending:
                future.cancel()
            pool.close()
            pool.kill_all()
            executor.shutdown(wait=True)
            for future in pending:
                if future.done() and not future.cancelled() and future.exception() is None:
                    add(future.result())
            raise
        finally:
            pool.close()
            executor.shutdown(wait=True)
            if drivers is not None:
                drivers.close()


def _start_drivers(count: int) -> Drivers | None:
    """Start the run drivers; None (rows run in this process) if they cannot start."""
    from workbench.runner.batch.executors.local.drivers import Drivers

    try:
        return Drivers(count)
    except OSError:
        return None


def _end(kernel: Any) -> None:
    """Kill and reap a kernel a driver has finished with (it is never reused)."""
    try:
        kernel.kill()
        kernel.close()
    except Exception as exc:  # its run is over either way
        warnings.warn(f"Could not clean up the kernel: {type(exc).__name__}: {exc}", stacklevel=2)
