"""A fresh Jupyter kernel, started ahead of need.

Starting the kernel process is the first thing a run does after validation, so that the
kernel boots (about half a second) while this process imports papermill and nbconvert and
writes the manifest. Only jupyter_client is imported here, and only when a kernel starts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["KERNEL_NAME", "Kernel"]

KERNEL_NAME = "python3"


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
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in close()
        # The kernel name is explicit: a stale user kernelspec must not win (NOTES.md).
        self.manager: Any = AsyncKernelManager(kernel_name=KERNEL_NAME)
        try:
            if prepare is not None:  # e.g. a provisioner that forks (runner/_batch_fork.py)
                prepare(self.manager)
            run_sync(self.manager.start_kernel)(env=dict(env), stdout=self._log, stderr=self._log)
        except BaseException:
            self._log.close()
            raise

    def kill(self) -> None:
        """Kill the process now without waiting for it (its work is done)."""
        process = getattr(self.manager.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()

    def close(self) -> None:
        """Reap the process and remove its connection file; safe to call twice."""
        try:
            if self.manager.has_kernel:
                self._run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            self._log.close()
