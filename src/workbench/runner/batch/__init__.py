"""A batch: one standard analysis run once per matrix row, in parallel, resumable.

This module only sequences: read and validate the matrix (:mod:`._batch_matrix`), decide
what a resumed batch skips, share common inputs as Parquet (:mod:`._batch_shared`), run
the rows locally on pre-started kernels (:mod:`._batch_pool`) or on a Dask cluster
(:mod:`._batch_dask`), each row a normal run (:mod:`._batch_task` → ``_run.run``), and
write the index (:mod:`._batch_index`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.exceptions import RunExistsError, WorkbenchError
from workbench.runner import _manifest as mf
from workbench.runner.batch.plan import BatchRow, load_matrix, plan_rows
from workbench.runner.batch.task import RowOutcome, RowSpec, execute_row
from workbench.runner._registry import Analysis, find_analysis
from workbench.runner._rundir import RunDir

__all__ = ["BatchEvent", "BatchResult", "run_batch"]

#: Finished statuses that ``resume`` keeps. A blocked run is complete too: it waits for
#: an approval (``workbench rerun --approve``), and running it again would block again.
COMPLETE = ("succeeded", "blocked")
_INDEX_EVERY = 2.0  # seconds between refreshes of the index while runs finish


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
        return self.out / "index.html"

    @property
    def index_csv(self) -> Path:
        return self.out / "index.csv"

    def count(self, status: str) -> int:
        """Count the rows that ended with ``status`` (``skipped`` for resumed ones)."""
        return sum(o.status == status for o in self.outcomes.values())

    @property
    def ok(self) -> bool:
        return all(o.status in ("succeeded", "skipped") for o in self.outcomes.values())


def _normal(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def _inputs_unchanged(manifest: mf.Manifest, digests: dict[str, str]) -> bool:
    """Tell whether every input a run read still has the content it had then.

    An input the batch shared as Parquet is compared through its original file. ``digests``
    keeps each input's digest, so a file shared by all rows is hashed once.
    """
    from workbench.runner._inputs import input_fingerprint

    shared = (manifest.model_extra or {}).get("shared_inputs") or []
    originals = {s["path"]: (s["original_path"], s["original_sha256"]) for s in shared}
    for record in manifest.inputs:
        source, recorded = originals.get(record.path, (record.path, record.sha256))
        if source not in digests:
            try:
                digests[source] = input_fingerprint(source)
            except WorkbenchError:  # gone: the run cannot be kept as it is
                digests[source] = ""
        if digests[source] != recorded:
            return False
    return True


def _complete(run_dir: Path, analysis: Analysis, row: BatchRow, digests: dict[str, str]) -> bool:
    """Tell whether ``resume`` keeps this run directory.

    Kept: complete, same notebook, same parameters, and inputs with the same content.
    """
    try:
        manifest = mf.read_manifest(run_dir)
    except WorkbenchError:
        return False
    batch = (manifest.model_extra or {}).get("batch") or {}
    return (
        manifest.status in COMPLETE
        and manifest.analysis.notebook_sha256 == analysis.sha256
        and _normal(batch.get("parameters")) == _normal(row.params)
        and _inputs_unchanged(manifest, digests)
    )


def _split_resume(
    analysis: Analysis, rows: list[BatchRow], out: Path, resume: bool
) -> tuple[list[BatchRow], list[BatchRow]]:
    """Return (rows to run, rows to skip); refuse folders a batch must not replace."""
    to_run, skipped, taken = [], [], []
    digests: dict[str, str] = {}
    for row in rows:
        run_dir = out / row.run_id
        occupied = run_dir.exists() and (not run_dir.is_dir() or any(run_dir.iterdir()))
        if not occupied:
            to_run.append(row)
        elif not resume:
            taken.append(row.run_id)
        elif _complete(run_dir, analysis, row, digests):
            skipped.append(row)
        elif RunDir(run_dir).manifest.is_file():
            to_run.append(row)  # an earlier failed or changed run: replaced
        else:
            raise RunExistsError(
                f"{run_dir} exists and is not a run directory; refusing to replace it. "
                "Choose another --out."
            )
    if taken:
        shown = ", ".join(taken[:5]) + (" ..." if len(taken) > 5 else "")
        raise RunExistsError(
            f"{len(taken)} run director{'y' if len(taken) == 1 else 'ies'} already exist in "
            f"{out} ({shown}). Pass --resume to keep complete runs and run the rest, or "
            "choose another --out."
        )
    return to_run, skipped


def _default_out(name: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path.cwd() / "runs" / f"{name}-batch-{stamp}"


def _specs(
    analysis: Analysis,
    rows: list[BatchRow],
    given: dict[str, dict[str, Any]],
    shared: list[dict[str, Any]],
    out: Path,
    timeout: float | None,
    retries: int,
) -> list[RowSpec]:
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
            extra={
                "batch": {
                    "row": row.number,
                    "run_id": row.run_id,
                    "parameters": _normal(given[row.run_id]),
                },
                **({"shared_inputs": shared} if shared else {}),
            },
        )
        for row in rows
    ]


class _Index:
    """Keep index.csv/index.html current as runs finish (at most every few seconds)."""

    def __init__(self, analysis: Analysis, rows: list[BatchRow], out: Path) -> None:
        self.analysis, self.rows, self.out = analysis, rows, out
        self.outcomes: dict[str, RowOutcome] = {}
        self.cache: dict[str, dict[str, Any]] = {}
        self.written = 0.0

    def add(self, outcome: RowOutcome) -> None:
        self.outcomes[outcome.run_id] = outcome
        self.cache.pop(outcome.run_id, None)  # a retried or replaced row is read again
        if time.monotonic() - self.written >= _INDEX_EVERY:
            self.write(final=False)

    def write(self, *, final: bool) -> None:
        from workbench.runner.batch.index import write_index

        write_index(
            self.analysis, self.rows, self.outcomes, self.out, final=final, cache=self.cache
        )
        self.written = time.monotonic()


def _run_local(
    analysis: Analysis,
    specs: list[RowSpec],
    workers: int,
    out: Path,
    emit: Callable[[str, RowSpec, RowOutcome | None], None],
    index: _Index,
    secrets: dict[str, str] | None = None,
) -> None:
    """Run rows on this machine: ``workers`` threads, each driving one kernel at a time."""
    from workbench.runner.batch.executors.local.pool import STANDARD_LIBRARIES, KernelPool, notebook_imports
    from workbench.runner._rundir import KERNEL_LOG

    preload = list(dict.fromkeys([*notebook_imports(analysis), *STANDARD_LIBRARIES]))
    pool = KernelPool(workers + 1, preload, out / "_kernels", len(specs))
    cancelled = threading.Event()

    def task(spec: RowSpec) -> RowOutcome:
        claimed: list[Any] = []

        def factory(run_dir: Path, env: Mapping[str, str]) -> Any:
            if cancelled.is_set():
                raise RuntimeError("the batch was interrupted")
            kernel = pool.claim(run_dir, KERNEL_LOG, env)
            claimed.append(kernel)
            return kernel

        emit("start", spec, None)
        try:
            return execute_row(spec, factory, cancelled, secrets)
        finally:
            for kernel in claimed:
                pool.release(kernel)

    executor = ThreadPoolExecutor(workers, thread_name_prefix="workbench-batch")
    pending: set[Future[RowOutcome]] = set()
    try:
        pending = {executor.submit(task, spec) for spec in specs}
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                outcome = future.result()
                index.add(outcome)
                emit("finish", _spec_of(specs, outcome), outcome)
    except BaseException:
        # Ctrl-C: start nothing more, kill the kernels of running rows; each of those
        # runs then ends marked failed (interrupted) before this function returns.
        cancelled.set()
        for future in pending:
            future.cancel()
        pool.close()
        pool.kill_all()
        executor.shutdown(wait=True)
        for future in pending:
            if future.done() and not future.cancelled() and future.exception() is None:
                index.add(future.result())
        raise
    finally:
        pool.close()
        executor.shutdown(wait=True)


def _spec_of(specs: list[RowSpec], outcome: RowOutcome) -> RowSpec:
    return next(s for s in specs if s.run_id == outcome.run_id)


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
    from workbench.runner._secrets import resolve_secrets

    analysis = find_analysis(name_or_path)
    timeout = check_timeout(timeout)
    rows = plan_rows(analysis, load_matrix(matrix), os.fspath(matrix))
    secret_values = resolve_secrets(analysis, secret_names, secrets, prompt=prompt)
    base = Path(out).expanduser().resolve() if out is not None else _default_out(analysis.name)
    to_run, skipped = _split_resume(analysis, rows, base, resume)
    base.mkdir(parents=True, exist_ok=True)
    given = {row.run_id: dict(row.params) for row in rows}
    from workbench.runner.batch.shared import share_inputs

    shared = share_inputs(analysis, to_run, base) if to_run else []
    specs = _specs(analysis, to_run, given, shared, base, timeout, retries)
    for spec in specs:
        spec.secrets = sorted(secret_values)
    index = _Index(analysis, rows, base)
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
    index.write(final=False)
    try:
        if scheduler:
            from workbench.runner.batch.executors.dask import run_on_dask

            run_on_dask(scheduler, specs, emit, index.add)
        elif specs:
            cores = workers or os.cpu_count() or 1
            _run_local(analysis, specs, cores, base, emit, index, secret_values)
    finally:
        index.write(final=True)
    return BatchResult(base, rows, index.outcomes)
