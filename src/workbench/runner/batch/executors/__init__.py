"""Where a batch's rows run: one :class:`Executor` protocol, two executors.

- :mod:`.local`: this machine, each run on a kernel forked ahead of need from a server
  that has imported the notebook's libraries once;
- :mod:`.dask`: a Dask distributed cluster (``dask scheduler`` / ``dask worker``).

An executor runs each :class:`~workbench.runner.batch.task.RowSpec` once through
:func:`~workbench.runner.batch.task.execute_row`, reports ``start`` and ``finish`` through
``emit`` and each outcome through ``add``. On Ctrl-C it leaves every started run complete
or marked failed (interrupted), then lets the ``KeyboardInterrupt`` go on. The two
executors never import each other (an import-linter contract).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Optional, Protocol

if TYPE_CHECKING:  # light at import (see the batch package)
    from workbench.runner.batch.task import RowOutcome, RowSpec

__all__ = ["Add", "Emit", "Executor"]

#: ``emit(kind, spec, outcome)``: a progress event (``start``, ``finish``, ``settle``).
Emit = Callable[[str, Optional["RowSpec"], Optional["RowOutcome"]], None]
#: ``add(outcome)``: record a finished row (the batch's index).
Add = Callable[["RowOutcome"], None]


class Executor(Protocol):
    """Runs a batch's rows somewhere."""

    def run(self, specs: list[RowSpec], emit: Emit, add: Add) -> None:
        """Run every row; return when each has an outcome (given to ``add``)."""
