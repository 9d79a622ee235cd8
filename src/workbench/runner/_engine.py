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
from workbench.runner._kernel_hooks import SETUP_TAG, setup_cell, setup_index
from workbench.runner._limits import OUTPUT_LIMIT_ENV

__all__ = ["ENGINE_NAME", "execute"]

ENGINE_NAME = "workbench"
#: Seconds between two writes of the notebook while it runs (the last write is always made).
SAVE_EVERY = 2.0

#: Called as each cell starts: (cell index, number of cells, cell).
CellCallback = Callable[[int, int, nbformat.NotebookNode], None]


class OutputLimitError(Exception):
    """The notebook's outputs grew past the cap (:func:`workbench.runner._limits.output_limit`)."""


class _Tracker:
    """Remember which cell runs now and the notebook being executed; tell the caller.

    It also writes the executed notebook as it progresses (papermill is given no output
    path), through ``save``: so that what reaches the disk is redacted first.
    """

    def __init__(
        self,
        on_cell: CellCallback | None,
        save: Callable[[nbformat.NotebookNode], None] | None = None,
        output_limit: int | None = None,
    ) -> None:
        self.on_cell = on_cell
        self.save = save
        self.output_limit = output_limit
        self.output_bytes = 0
        self.over_limit = False
        #: Kills the kernel: a cell printing in a loop never sends its reply.
        self.kill: Callable[[], None] | None = None
        self.current: int | None = None
        self.nb: nbformat.NotebookNode | None = None


def _message_size(msg: Mapping[str, Any]) -> int:
    content = msg.get("content", {})
    if msg.get("msg_type") == "stream":
        return len(str(content.get("text", "")))
    data = content.get("data") or {}
    return sum(len(v) if isinstance(v, str) else len(str(v)) for v in data.values())


class _LimitedClient(PapermillNotebookClient):
    """nbclient that stops a run whose outputs grow past the tracker's cap."""

    tracker: _Tracker | None = None

    def output(self, outs: Any, msg: Any, display_id: Any, cell_index: int) -> Any:
        tracker = self.tracker
        if tracker is not None and tracker.output_limit is not None:
            if tracker.over_limit:
                return None  # the kernel is being killed: keep nothing more
            tracker.output_bytes += _message_size(msg)
            if tracker.output_bytes > tracker.output_limit:
                tracker.over_limit = True
                if tracker.kill is not None:
                    tracker.kill()
                raise OutputLimitError(tracker.output_bytes)
        return super().output(outs, msg, display_id, cell_index)


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
        if tracker is not None and tracker.save is not None:
            save_to = tracker.save

            last = [-math.inf]

            def save(**kw: Any) -> None:
                # papermill saves at every cell's start and end: a notebook of 28 cells
                # was validated and written 60 times a run. Progress on disk a second old
                # is as useful; the final notebook is written once the run ends (execute).
                now = time.monotonic()
                if now - last[0] >= SAVE_EVERY:
                    save_to(nb_man.nb)
                    last[0] = now
                    nb_man.last_save_time = nb_man.now()

            nb_man.save = save
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
            tracker.nb = nb_man.nb
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

        client = _LimitedClient(
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
        client.tracker = tracker
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
    setup_cells: list[nbformat.NotebookNode] | None = None,
    redact: Callable[[nbformat.NotebookNode], nbformat.NotebookNode] | None = None,
    output_limit: int | None = None,
) -> nbformat.NotebookNode:
    """Run ``notebook`` with ``parameters`` on ``kernel``; write it to ``output_path``.

    ``timeout`` counts seconds from ``started`` (a ``time.monotonic()`` value; default
    now), so that a caller can include the kernel's start-up in it. ``setup_cells`` (hidden
    cells tagged ``workbench-setup``) run right after the parameters; ``redact`` is applied
    to a copy of the notebook before each write (secrets); ``output_limit`` caps the bytes
    of output the notebook may produce.

    Raises
    ------
    ExecutionFailedError
        For a cell error, a dead kernel, a timeout, an output over the cap, or Ctrl-C.
        The executed notebook is saved either way.
    """

    def save(nb: nbformat.NotebookNode) -> None:
        copy = redact(copy_node(nb)) if redact is not None else nb
        write_notebook(copy, output_path)

    tracker = _Tracker(on_cell, save, output_limit)
    tracker.kill = kernel.kill
    deadline = (started or time.monotonic()) + timeout if timeout else None
    source = notebook if isinstance(notebook, nbformat.NotebookNode) else read_notebook(notebook)
    if setup_cells:
        source = with_setup_cells(source, setup_cells)
    failure: ExecutionFailedError | None = None
    try:
        executed = papermill.execute_notebook(
            source,
            None,  # the tracker writes the notebook, redacted (see save above)
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
        failure = ExecutionFailedError(
            "cell_error", exc.cell_index, exc.ename, exc.evalue, _text(exc.traceback)
        )
    except CellTimeoutError as exc:
        failure = ExecutionFailedError(
            "timeout",
            tracker.current,
            "Timeout",
            f"실행이 {timeout:g}초 안에 끝나지 않았습니다 (--timeout을 늘리거나 빼세요)"
            if timeout
            else str(exc),
        )
    except (DeadKernelError, OutputLimitError) as exc:
        if tracker.over_limit:  # killed by the cap: say that, not "the kernel died"
            failure = ExecutionFailedError(
                "output_limit",
                tracker.current,
                "OutputLimit",
                f"출력이 {output_limit or 0:,}바이트를 넘었습니다 (한도: 환경변수 "
                f"{OUTPUT_LIMIT_ENV}, MB 단위)",
            )
        else:
            failure = ExecutionFailedError(
                "dead_kernel", tracker.current, "DeadKernelError", str(exc) or "커널이 죽었습니다"
            )
    except KeyboardInterrupt:
        failure = ExecutionFailedError(
            "interrupted", tracker.current, "KeyboardInterrupt", "사용자가 중단했습니다"
        )
    except RuntimeError as exc:
        # nbclient reports a kernel that dies at start-up as a plain RuntimeError.
        failure = ExecutionFailedError("dead_kernel", tracker.current, type(exc).__name__, str(exc))
    if failure is not None:
        if tracker.nb is not None:
            save(tracker.nb)
        raise failure from None
    save(executed)
    stopped = first_unfinished(executed)
    if stopped is not None:
        index, name, value = stopped
        raise ExecutionFailedError("stopped", index, name, value)
    return executed


def read_notebook(path: str | os.PathLike[str]) -> nbformat.NotebookNode:
    """Read a notebook file (as papermill would, without its I/O layer)."""
    return nbformat.read(os.fspath(path), as_version=4)


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook atomically, so that a crash never leaves half a notebook."""
    from workbench.runner._rundir import write_text_atomic

    write_text_atomic(path, nbformat.writes(nb))


def copy_node(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    import copy

    return copy.deepcopy(nb)


def with_setup_cells(
    nb: nbformat.NotebookNode, cells: list[nbformat.NotebookNode]
) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` with ``cells`` right after its parameters cell (or first).

    papermill puts its injected-parameters cell right after the parameters cell too, so
    the setup cells run after the parameters are set.
    """
    nb = copy_node(nb)
    tags = [c.get("metadata", {}).get("tags", []) for c in nb.cells]
    at = next((i + 1 for i, t in enumerate(tags) if "parameters" in t), 0)
    nb.cells[at:at] = cells
    return nb


def hidden_cell(source: str, cell_id: str) -> nbformat.NotebookNode:
    """Return a hidden code cell (``workbench-setup``): skipped by report, gate, rerun."""
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id
    cell.metadata["tags"] = [SETUP_TAG]
    return cell


def first_unfinished(nb: nbformat.NotebookNode) -> tuple[int, str, str] | None:
    """Return (index, error name, message) of the cell where execution stopped early.

    papermill accepts a ``sys.exit(0)`` half-way as success (it is its documented way to
    end a notebook early); for a standard analysis it is a run that did not do what the
    report would claim. A cell that was never executed after one that was means the
    kernel stopped between them.
    """
    last_run: int | None = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "skip-execution" in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") == "SystemExit":
                code = output.get("evalue", "") or "0"
                return (
                    index,
                    "SystemExit",
                    (
                        f"노트북이 이 셀에서 sys.exit({code})를 불렀습니다. 분석을 중간에 끝내지 "
                        "말고, 건너뛸 부분은 조건문으로 감싸세요"
                    ),
                )
        if cell.get("execution_count") is not None:
            last_run = index
        elif cell.source.strip() and last_run is not None:
            return last_run, "KernelStopped", "이 셀 다음에 커널이 멈췄습니다"
        elif cell.source.strip():
            return index, "KernelStopped", "이 셀 전에 커널이 멈췄습니다"
    return None
