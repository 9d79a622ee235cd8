"""A batch: one standard analysis run once per matrix row, in parallel, resumable.

This package's entry only sequences: plan (:mod:`.plan`: read and validate the matrix,
decide what a resumed batch skips), share common inputs as Parquet (:mod:`.shared`),
execute the rows through an :class:`~.executors.Executor` (:mod:`.executors.local`: this
machine, on kernels forked ahead of need; :mod:`.executors.dask`: a Dask cluster), each
row a normal run (:mod:`.task` → ``_run.run``), and write the index (:mod:`.index`) from
the run folders' manifests, at the start and at the end.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

# Light at import: the local executor's fork server is started as
# ``python -m workbench.runner.batch.executors.local.fork``, which imports this package.
if TYPE_CHECKING:
    from workbench.runner._registry import Analysis
    from workbench.runner.batch.executors import Executor
    from workbench.runner.batch.plan import BatchRow
    from workbench.runner.batch.task import RowOutcome, RowSpec

__all__ = ["BatchEvent", "BatchResult", "run_batch"]

_log = logging.getLogger(__name__)


@dataclass
class BatchEvent:
    """A progress event: ``plan`` (once), ``start`` and ``finish`` per row, ``settle``.

    ``settle``: after Ctrl-C on Dask, the batch waits for runs the workers had started.
    """

    kind: str
    total: int
    row: BatchRow | None = None
    outcome: RowOutcome | None = None


@dataclass
class BatchResult:
    """What a batch left behind."""

    out: Path
    rows: list[BatchRow]
    outcomes: dict[str, RowOutcome] = field(default_factory=dict)

    @property
    def index_html(self) -> Path:
        """The batch's index page."""
        return self.out / "index.html"

    @property
    def index_csv(self) -> Path:
        """The batch's index table."""
        return self.out / "index.csv"

    def count(self, status: str) -> int:
        """Count the rows that ended with ``status`` (``skipped`` for resumed ones)."""
        return sum(o.status == status for o in self.outcomes.values())

    @property
    def ok(self) -> bool:
        """Whether every row succeeded (or was kept by a resume)."""
        return all(o.status in ("succeeded", "skipped") for o in self.outcomes.values())


def _default_out(name: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path.cwd() / "runs" / f"{name}-batch-{stamp}"


def _specs(
    analysis: Analysis,
    rows: list[BatchRow],
    planned: dict[str, dict[str, object]],
    shared: list[dict[str, str]],
    out: Path,
    timeout: float | None,
    retries: int,
    secrets: Iterable[str],
    *,
    pdf: bool,
    local: bool,
) -> list[RowSpec]:
    from workbench.runner.batch.plan import normal
    from workbench.runner.batch.task import RowSpec, batch_facts

    # Once for every row: git state; this machine's software when the rows run here (a
    # Dask worker records its own).
    facts = batch_facts(str(analysis.path), environment=local) if rows else {}
    return [
        RowSpec(
            number=row.number,
            run_id=row.run_id,
            notebook=str(analysis.path),
            notebook_sha256=analysis.sha256,
            params=dict(row.params),
            run_dir=str(out / row.run_id),
            timeout=timeout,
            retries=retries,
            batch={
                "row": row.number,
                "run_id": row.run_id,
                "parameters": normal(planned[row.run_id]),
            },
            shared_inputs=list(shared),
            secrets=sorted(secrets),
            facts=facts,
            pdf=pdf,
        )
        for row in rows
    ]


def _executor(
    analysis: Analysis,
    out: Path,
    scheduler: str | None,
    workers: int | None,
    secrets: Mapping[str, str],
) -> Executor:
    if scheduler:
        from workbench.runner.batch.executors.dask import DaskExecutor

        return DaskExecutor(scheduler)
    from workbench.runner.batch.executors.local import LocalExecutor

    return LocalExecutor(analysis, workers or os.cpu_count() or 1, out, secrets)


def run_batch(
    name_or_path: str | os.PathLike[str],
    matrix: str | os.PathLike[str],
    *,
    out: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float | None = None,
    retries: int = 0,
    resume: bool = False,
    progress: Callable[[BatchEvent], None] | None = None,
    secret_names: Iterable[str] = (),
    secrets: Mapping[str, str] | None = None,
    prompt: Callable[[str], str] | None = None,
    pdf: bool = False,
) -> BatchResult:
    """Run a standard analysis once per row of ``matrix``; write runs and an index.

    Every row is validated before anything runs. Each row becomes a normal run directory
    ``<out>/<run_id>/`` (notebook, report, manifest, release gate); ``<out>/index.html``
    and ``index.csv`` list them all. A failed run is recorded with its reason and the
    other rows go on.

    Parameters
    ----------
    name_or_path : str or path
        A standard analysis name or a ``.ipynb`` path.
    matrix : path
        A ``.csv`` or ``.yaml`` file: one row of parameters per run (see
        :mod:`workbench.runner.batch.plan`).
    out : path, optional
        The batch's folder; default ``runs/<name>-batch-<timestamp>``. With a Dask
        scheduler it must be on storage the workers share.
    workers : int, optional
        Runs at the same time on this machine; default the number of cores.
    scheduler : str, optional
        A Dask scheduler address (``tcp://host:8786``): run there instead.
    timeout : float, optional
        Seconds for each run.
    retries : int
        More tries for a run whose kernel died or did not start (never a cell error).
    resume : bool
        Keep runs whose manifest is complete with the same parameters and notebook;
        run the others.
    progress : callable, optional
        Called with a :class:`BatchEvent` as rows start and finish.
    secret_names, secrets, prompt
        Secret parameters, as for :func:`workbench.runner.run_analysis`. On a Dask cluster
        each worker reads them from its own environment (they never travel to it).
    pdf : bool
        Also print each succeeded run's report to ``report.pdf`` and the index to
        ``index.pdf`` (Debian's Chromium, headless). A report that cannot be printed is
        logged and the others go on; the runs' results are not affected.

    Returns
    -------
    BatchResult

    Raises
    ------
    ParameterError
        For a bad matrix row (naming it), before anything runs.
    RunExistsError
        When run directories exist and ``resume`` is not set.
    KeyboardInterrupt
        After marking every started run failed (interrupted) and writing the index.
    """
    from workbench.runner._limits import check_timeout
    from workbench.runner._registry import find_analysis
    from workbench.runner._secrets import resolve_secrets
    from workbench.runner.batch.index import LiveIndex
    from workbench.runner.batch.plan import load_matrix, plan_rows, split_resume
    from workbench.runner.batch.shared import share_inputs
    from workbench.runner.batch.task import RowOutcome

    # Plan: every row validated and every folder checked before anything runs.
    analysis = find_analysis(name_or_path)
    timeout = check_timeout(timeout)
    rows = plan_rows(analysis, load_matrix(matrix), os.fspath(matrix))
    secret_values = resolve_secrets(analysis, secret_names, secrets, prompt=prompt)
    base = Path(out).expanduser().resolve() if out is not None else _default_out(analysis.name)
    to_run, skipped = split_resume(analysis, rows, base, resume)
    base.mkdir(parents=True, exist_ok=True)
    planned = {row.run_id: dict(row.params) for row in rows}
    # Shared inputs: read once, handed to the runs as Parquet.
    shared = share_inputs(analysis, to_run, base) if to_run else []
    specs = _specs(
        analysis,
        to_run,
        planned,
        shared,
        base,
        timeout,
        retries,
        secret_values,
        pdf=pdf,
        local=not scheduler,
    )
    index = LiveIndex(analysis, rows, base)
    by_id = {row.run_id: row for row in rows}

    def emit(kind: str, spec: RowSpec | None, outcome: RowOutcome | None) -> None:
        if progress is not None:
            row = by_id[spec.run_id] if spec is not None else None
            progress(BatchEvent(kind, len(rows), row, outcome))

    emit("plan", None, None)
    for row in skipped:
        outcome = RowOutcome(row.number, row.run_id, "skipped", str(base / row.run_id))
        index.outcomes[row.run_id] = outcome
        if progress is not None:
            progress(BatchEvent("finish", len(rows), row, outcome))
    # A resumed batch first rewrites the index from the kept runs' manifests (the one a
    # killed batch left may be behind them); the rows it runs again show as pending.
    index.write(final=False)
    # Execute, then write the index from every run folder's manifest.
    try:
        _executor(analysis, base, scheduler, workers, secret_values).run(specs, emit, index.add)
    finally:
        index.write(final=True)
    result = BatchResult(base, rows, index.outcomes)
    if pdf:
        _print_pdfs(result)
    return result


def _print_pdfs(result: BatchResult) -> None:
    """Say which run reports were not printed, and print the index to PDF.

    Each run's report is printed where the run ran, right after it (:mod:`.task`), in
    parallel; a report that could not be printed is logged here and the others go on.
    """
    from workbench.runner._pdf import PdfError, html_to_pdf

    for outcome in result.outcomes.values():
        if outcome.pdf_error:
            _log.warning("report.pdf of %s not printed: %s", outcome.run_id, outcome.pdf_error)
    try:
        html_to_pdf(result.out / "index.html", result.out / "index.pdf")
    except PdfError as exc:
        _log.warning("index.pdf not printed: %s", exc)
