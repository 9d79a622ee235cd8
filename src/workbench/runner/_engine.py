"""Execute a notebook with papermill in a fresh kernel, with a deadline and progress.

papermill does the parameterising, the cell loop and the saving. This module adds what a
run needs on top, through a papermill engine of our own (``engine_name="workbench"``):
a kernel the caller started ahead of need (see :mod:`workbench.runner._kernel`), a
deadline for the whole run rather than per cell, and a callback as each cell starts.
Failures come back as one :class:`ExecutionFailedError` naming the cell and the cause.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError

from workbench.runner._errors import ExecutionFailedError
from workbench.runner._kernel import KERNEL_NAME, Kernel
from workbench.runner._kernel_hooks import setup_cell, setup_index

__all__ = ["ENGINE_NAME", "execute"]

ENGINE_NAME = "workbench"

#: Called as each cell starts: (cell index, number of cells, cell).
CellCallback = Callable[[int, int, nbformat.NotebookNode], None]


class _Tracker:
    """Remember which cell runs now, and tell the caller."""

    def __init__(self, on_cell: CellCallback | None) -> None:
        self.on_cell = on_cell
        self.current: int | None = None


class WorkbenchEngine(NBClientEngine):
    """papermill engine: nbclient on a given kernel, with a run deadline and progress."""

    @classmethod
    def execute_managed_notebook(  # type: ignore[override]
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        start_timeout: int = 60,
        *,
        deadline: float | None = None,
        tracker: _Tracker | None = None,
        **kwargs: Any,
    ) -> nbformat.NotebookNode:
        # The hidden setup cell (hooks the gate reads outputs with), after the parameters.
        setup = setup_cell()
        setup.metadata["papermill"] = {
            "exception": None,
            "start_time": None,
            "end_time": None,
            "duration": None,
            "status": nb_man.PENDING,
        }
        nb_man.nb.cells.insert(setup_index(nb_man.nb.cells), setup)
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
            **{
                k: v
                for k, v in kwargs.items()
                if k not in ("input_path", "stdout_file", "stderr_file")
            },
        )
        # The caller owns the kernel (nbclient leaves a kernel it did not start alone).
        return client.execute()


papermill_engines.register(ENGINE_NAME, WorkbenchEngine)


def _text(value: Any) -> str:
    return "\n".join(value) if isinstance(value, list) else str(value or "")


def execute(
    notebook: nbformat.NotebookNode | str | os.PathLike[str],
    output_path: Path,
    parameters: Mapping[str, Any],
    *,
    kernel: Kernel,
    timeout: float | None = None,
    started: float | None = None,
    on_cell: CellCallback | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> nbformat.NotebookNode:
    """Run ``notebook`` with ``parameters`` on ``kernel``; write it to ``output_path``.

    ``timeout`` counts seconds from ``started`` (a ``time.monotonic()`` value; default
    now), so that a caller can include the kernel's start-up in it.

    Raises
    ------
    ExecutionFailedError
        For a cell error, a dead kernel, a timeout or Ctrl-C. The executed notebook is
        saved either way.
    """
    tracker = _Tracker(on_cell)
    deadline = (started or time.monotonic()) + timeout if timeout else None
    source = notebook if isinstance(notebook, nbformat.NotebookNode) else os.fspath(notebook)
    try:
        return papermill.execute_notebook(
            source,
            str(output_path),
            parameters=dict(parameters),
            engine_name=ENGINE_NAME,
            kernel_name=KERNEL_NAME,
            km=kernel.manager,
            progress_bar=False,
            start_timeout=math.ceil(timeout) if timeout else 60,
            cwd=os.fspath(cwd) if cwd is not None else None,
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
