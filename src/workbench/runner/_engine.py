"""Execute a notebook with papermill in a fresh kernel, with a deadline and progress.

papermill does the parameterising, the cell loop and the saving. This module adds what a
run needs on top, through a papermill engine of our own (``engine_name="workbench"``):
an environment for the kernel (where to publish results), a deadline for the whole run
rather than per cell, an immediate kernel shutdown, and a callback as each cell starts.
Failures come back as one :class:`ExecutionFailedError` naming the cell and the cause.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError

from workbench.exceptions import WorkbenchError

__all__ = ["ENGINE_NAME", "ExecutionFailedError", "execute"]

ENGINE_NAME = "workbench"
KERNEL_NAME = "python3"

#: Called as each cell starts: (cell index, number of cells, cell).
CellCallback = Callable[[int, int, nbformat.NotebookNode], None]


@dataclass
class ExecutionFailedError(WorkbenchError):
    """A run that did not complete, with where and why."""

    reason: str  # cell_error | dead_kernel | timeout | interrupted
    cell_index: int | None  # index in the executed notebook (includes injected cells)
    error_name: str
    error_value: str
    traceback: str = ""

    def __str__(self) -> str:
        return f"{self.error_name}: {self.error_value}"


class _Tracker:
    """Remember which cell runs now, and tell the caller."""

    def __init__(self, on_cell: CellCallback | None) -> None:
        self.on_cell = on_cell
        self.current: int | None = None


class WorkbenchEngine(NBClientEngine):
    """papermill engine: nbclient with a kernel environment, a run deadline and progress."""

    @classmethod
    def execute_managed_notebook(  # type: ignore[override]
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        start_timeout: int = 60,
        *,
        kernel_env: Mapping[str, str] | None = None,
        kernel_log: Path | None = None,
        deadline: float | None = None,
        tracker: _Tracker | None = None,
        **kwargs: Any,
    ) -> nbformat.NotebookNode:
        if tracker is not None:
            total = len(nb_man.nb.cells)
            cell_start = nb_man.cell_start

            def on_cell_start(cell: Any, cell_index: int | None = None, **kw: Any) -> None:
                tracker.current = cell_index
                if tracker.on_cell is not None and cell_index is not None:
                    tracker.on_cell(cell_index, total, cell)
                cell_start(cell, cell_index, **kw)

            nb_man.cell_start = on_cell_start

        def time_left(cell: Any) -> float | None:
            if deadline is None:
                return None
            # nbclient treats 0 as "no timeout": never return it.
            return max(deadline - time.monotonic(), 0.001)

        client = PapermillNotebookClient(
            nb_man,
            kernel_name=kernel_name,
            log_output=log_output,
            startup_timeout=start_timeout,
            timeout_func=time_left,
            shutdown_kernel="immediate",
            **{
                k: v
                for k, v in kwargs.items()
                if k not in ("input_path", "stdout_file", "stderr_file")
            },
        )
        start: dict[str, Any] = {}
        if kernel_env is not None:
            start["env"] = dict(kernel_env)
        if kernel_log is None:
            return client.execute(**start)
        # The kernel process's own stdout/stderr (start-up warnings, a crash's last words)
        # go to a log file in the run directory instead of the user's terminal.
        with open(kernel_log, "ab") as log:
            return client.execute(**start, stdout=log, stderr=log)


papermill_engines.register(ENGINE_NAME, WorkbenchEngine)


def _text(value: Any) -> str:
    return "\n".join(value) if isinstance(value, list) else str(value or "")


def execute(
    notebook: nbformat.NotebookNode | str | os.PathLike[str],
    output_path: Path,
    parameters: Mapping[str, Any],
    *,
    kernel_env: Mapping[str, str],
    kernel_log: Path | None = None,
    timeout: float | None = None,
    on_cell: CellCallback | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> nbformat.NotebookNode:
    """Run ``notebook`` with ``parameters`` in a fresh kernel; write it to ``output_path``.

    Raises
    ------
    ExecutionFailedError
        For a cell error, a dead kernel, a timeout (``timeout`` seconds for the whole run,
        kernel start included) or Ctrl-C. The executed notebook is saved either way.
    """
    tracker = _Tracker(on_cell)
    deadline = time.monotonic() + timeout if timeout else None
    source = notebook if isinstance(notebook, nbformat.NotebookNode) else os.fspath(notebook)
    try:
        return papermill.execute_notebook(
            source,
            str(output_path),
            parameters=dict(parameters),
            engine_name=ENGINE_NAME,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            start_timeout=int(timeout) + 1 if timeout else 60,
            cwd=os.fspath(cwd) if cwd is not None else None,
            kernel_env=kernel_env,
            kernel_log=kernel_log,
            deadline=deadline,
            tracker=tracker,
        )
    except PapermillExecutionError as exc:
        raise ExecutionFailedError(
            "cell_error", exc.cell_index, exc.ename, exc.evalue, _text(exc.traceback)
        ) from None
    except CellTimeoutError as exc:
        raise ExecutionFailedError(
            "timeout",
            tracker.current,
            "Timeout",
            f"the run did not finish within {timeout:g} s" if timeout else str(exc),
        ) from None
    except DeadKernelError as exc:
        raise ExecutionFailedError(
            "dead_kernel", tracker.current, "DeadKernelError", str(exc) or "the kernel died"
        ) from None
    except KeyboardInterrupt:
        raise ExecutionFailedError(
            "interrupted", tracker.current, "KeyboardInterrupt", "interrupted by the user"
        ) from None
    except RuntimeError as exc:
        # nbclient reports a kernel that dies at start-up as a plain RuntimeError.
        raise ExecutionFailedError(
            "dead_kernel", tracker.current, type(exc).__name__, str(exc)
        ) from None
