"""A fresh Jupyter kernel, started ahead of need.

Starting the kernel process is the first thing a run does after validation, so that the
kernel boots (about half a second) while this process imports papermill and nbconvert and
writes the manifest. Only jupyter_client is imported here, and only when a kernel starts.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["KERNEL_NAME", "Kernel", "kernel_env", "kill_marked", "kill_tree"]

KERNEL_NAME = "python3"
#: Set in the kernel's environment: the run directory being written (see results.py).
RUN_DIR_ENV = "WORKBENCH_RUN_DIR"
#: Set in the kernel's environment, one value per kernel: every process the kernel starts
#: inherits it, so that one that left both the process group and the kernel's tree (a
#: ``setsid`` child orphaned when the kernel died) is still found and ended with the run.
KERNEL_MARK_ENV = "WORKBENCH_KERNEL_MARK"


def kernel_env(
    run_dir: Path | None = None,
    extra: Mapping[str, str] | None = None,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Return a kernel's whole environment: ours, plus the run's folder and ``extra``.

    ``run_dir`` None: a kernel started ahead of its run (the batch's pool), told its folder
    when it is claimed.
    """
    env = dict(os.environ if base is None else base)
    env.pop(RUN_DIR_ENV, None)
    if run_dir is not None:
        env[RUN_DIR_ENV] = str(run_dir)
    # Reproducible set/dict-of-str ordering and file timestamps inside the kernel.
    env["PYTHONHASHSEED"] = "0"
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    env.pop("MPLBACKEND", None)  # let ipykernel choose its inline backend
    env.update(extra or {})
    return env


class Kernel:
    """One kernel process for one run; never reused.

    Parameters
    ----------
    env : mapping
        The kernel's whole environment.
    log_path : pathlib.Path
        Where the kernel process's own stdout and stderr go (start-up warnings, a crash's
        last words), instead of the user's terminal.
    """

    def __init__(
        self,
        env: Mapping[str, str],
        log_path: Path,
        prepare: Callable[[Any], None] | None = None,
    ) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_client.utils import run_sync

        self._run_sync = run_sync
        self.mark = uuid.uuid4().hex
        self.started_at = time.time()
        env = {**env, KERNEL_MARK_ENV: self.mark}
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in close()
        # The kernel name is explicit: a stale user kernelspec must not win (NOTES.md).
        self.manager: Any = AsyncKernelManager(kernel_name=KERNEL_NAME)
        try:
            if (
                prepare is not None
            ):  # e.g. a provisioner that forks (runner/batch/executors/local/fork.py)
                prepare(self.manager)
            run_sync(self.manager.start_kernel)(env=dict(env), stdout=self._log, stderr=self._log)
        except BaseException:
            self._log.close()
            raise

    def kill(self) -> None:
        """Kill the kernel now, with every process it started, without waiting for it.

        The kernel leads its own process group; a child that left the group (``setsid``,
        a daemonising ``nohup … &``) is found among its descendants first, so that nothing
        a run started outlives it.
        """
        provisioner = self.manager.provisioner
        process = getattr(provisioner, "process", None)
        if process is None:
            return
        kill_tree(process.pid, getattr(provisioner, "pgid", None))
        if process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()
        kill_marked(self.mark, self.started_at)

    def close(self) -> None:
        """Reap the process and remove its connection file; safe to call twice."""
        try:
            if self.manager.has_kernel:
                self._run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            self._log.close()


def kill_tree(pid: int, pgid: int | None = None) -> None:
    """SIGKILL process ``pid``, its descendants, and its process group ``pgid``."""
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        children = []
    if pgid and pgid > 1 and pgid != os.getpgrp():
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.kill()


def kill_marked(mark: str, since: float) -> None:
    """SIGKILL every process started since ``since`` whose environment carries ``mark``.

    Catches what :func:`kill_tree` cannot: a child that left the kernel's process group
    and was orphaned (re-parented away from the kernel) when the kernel died first.
    """
    import psutil

    wanted = f"{KERNEL_MARK_ENV}={mark}".encode()
    for process in psutil.process_iter(["create_time"]):
        if (process.info["create_time"] or 0) < since - 1 or process.pid == os.getpid():
            continue
        try:  # read raw: psutil's environ() parses every variable of every process
            with open(f"/proc/{process.pid}/environ", "rb") as handle:
                marked = wanted in handle.read().split(b"\0")
        except OSError:  # gone, not ours to read, or no /proc (not Linux)
            continue
        if marked:
            with contextlib.suppress(psutil.Error):
                process.kill()
