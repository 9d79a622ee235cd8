"""One row of a batch: a normal run (``_run.run``), retried when the failure looks transient.

This module is what an executor runs for a row (in a thread, or on a Dask worker), so it
takes and returns plain data (a :class:`RowSpec` and a :class:`RowOutcome`), and never
raises for a failed run: the batch records the reason and goes on with the other rows.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workbench.exceptions import ReleaseBlockedError, RunFailedError, WorkbenchError
from workbench.runner import _manifest as mf
from workbench.runner._rundir import RunDir

__all__ = ["TRANSIENT_REASONS", "RowOutcome", "RowSpec", "attempt", "batch_facts", "execute_row"]

#: Failures worth another try: the kernel died (memory, a crash) or never started. A cell
#: error or a timeout would only happen again.
TRANSIENT_REASONS = frozenset({"dead_kernel", "kernel_start"})
#: Seconds to let the kernel of an earlier attempt on a lost worker notice that its parent
#: is gone (ipykernel polls every second) before its run directory is replaced.
ORPHAN_GRACE = 2.0
LOG_DIR = "_logs"


@dataclass
class RowSpec:
    """Everything a worker needs to run one row (plain data, picklable)."""

    number: int
    run_id: str
    notebook: str
    notebook_sha256: str
    params: dict[str, Any]
    run_dir: str
    timeout: float | None = None
    retries: int = 0
    # The manifest's ``batch`` and ``shared_inputs`` (mf.BatchRecord, SharedInputRecord),
    # as plain data.
    batch: dict[str, Any] = field(default_factory=dict)
    shared_inputs: list[dict[str, Any]] = field(default_factory=list)
    # Names of secret parameters; their values never travel in a spec: they come from
    # the running process (this machine) or the worker's own environment (Dask).
    secrets: list[str] = field(default_factory=list)
    # Manifest fields the batch found once for all its rows (``git``; ``environment`` on
    # this machine), instead of once per run.
    facts: dict[str, Any] = field(default_factory=dict)
    # Also print the report to ``report.pdf`` where the run ran (``--pdf``).
    pdf: bool = False


@dataclass
class RowOutcome:
    """How a row ended."""

    number: int
    run_id: str
    status: str  # succeeded | failed | blocked | skipped
    run_dir: str
    reason: str | None = None
    message: str = ""
    duration_seconds: float | None = None
    attempts: int = 0
    # Why report.pdf was not printed (``--pdf``), if it was not.
    pdf_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the outcome as plain data."""
        return asdict(self)

    @classmethod
    def failed(cls, spec: RowSpec, reason: str, exc: BaseException) -> RowOutcome:
        """Return the outcome of a try that ``exc`` ended outside the run (no manifest)."""
        message = f"{type(exc).__name__}: {exc}"
        return cls(spec.number, spec.run_id, "failed", spec.run_dir, reason, message)


def log_line(spec: RowSpec, text: str) -> None:
    """Append a line to the row's log, ``<out>/_logs/<run_id>.log``."""
    folder = Path(spec.run_dir).parent / LOG_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{spec.run_id}.log", "a", encoding="utf-8") as handle:
        handle.write(f"{mf.utc_now()} {text}\n")


def _clear_unstarted(run_dir: Path) -> None:
    """Remove a run folder left empty (its run never claimed it); never a full one."""
    with contextlib.suppress(OSError):
        run_dir.rmdir()


def _replace_earlier(run_dir: Path) -> bool:
    """Tell whether ``run_dir`` holds an earlier attempt to replace (waiting on orphans)."""
    manifest = RunDir(run_dir).manifest
    if not manifest.is_file():
        _clear_unstarted(run_dir)
        return False
    try:
        running = mf.read_manifest(manifest).status == "running"
    except WorkbenchError:
        running = True
    if running:  # a worker died mid-run: let its kernel exit before replacing
        time.sleep(ORPHAN_GRACE)
    return True


def mark_interrupted(run_dir: Path) -> None:
    """Rewrite a failed manifest's reason as ``interrupted`` (the batch was stopped)."""
    folder = RunDir(run_dir)
    try:
        manifest = folder.read_manifest()
    except WorkbenchError:
        return
    if manifest.status in ("failed", "running"):
        error = mf.ErrorRecord(
            reason="interrupted",
            error_name="KeyboardInterrupt",
            error_value="일괄 실행이 중단됨",
            message="일괄 실행이 중단되어(Ctrl-C) 이 실행을 끝내지 못했습니다.",
        )
        folder.finish(manifest, "failed", error)


def _mark_failed(run_dir: Path, exc: BaseException) -> None:
    """Make sure a run that stopped on an unexpected error does not say ``running``."""
    folder = RunDir(run_dir)
    try:
        manifest = folder.read_manifest()
    except WorkbenchError:
        return
    if manifest.status != "running":
        return
    from workbench.runner._errors import masked, outside_failure

    error = mf.ErrorRecord(
        reason="error",
        error_name=type(exc).__name__,
        error_value=masked(str(exc)),
        message=masked(outside_failure(exc)),
    )
    folder.finish(manifest, "failed", error)


def _secret_values(spec: RowSpec, given: dict[str, str] | None) -> dict[str, str]:
    """Return the row's secret values: given by the batch's process, else from this env."""
    import os

    values = {}
    for name in spec.secrets:
        value = (given or {}).get(name, os.environ.get(name))
        if value is None:
            raise WorkbenchError(
                f"비밀 매개변수 '{name}': 이 작업 노드에 환경변수 {name}이(가) 없습니다. 각 작업 "
                f"노드(dask worker)를 시작할 때 환경변수 {name}을(를) 설정하세요."
            )
        values[name] = value
    return values


def attempt(
    spec: RowSpec,
    kernel_factory: Any = None,
    secrets: dict[str, str] | None = None,
    serve: bool = False,
) -> RowOutcome:
    """Run one row once (``_run.run``); return its outcome, never raise for a failed run.

    ``serve`` takes the kernel from this machine's ``workbench serve`` (a Dask worker's
    fork server) when no ``kernel_factory`` gives one.
    """
    from workbench.runner._registry import find_analysis
    from workbench.runner._run import run

    run_dir = Path(spec.run_dir)
    analysis = find_analysis(spec.notebook)
    if analysis.sha256 != spec.notebook_sha256:
        return RowOutcome(
            spec.number,
            spec.run_id,
            "failed",
            spec.run_dir,
            reason="notebook_changed",
            message=f"{spec.notebook} changed after the batch was planned; not run.",
        )
    force = _replace_earlier(run_dir)
    try:
        values = _secret_values(spec, secrets)
        result = run(
            analysis,
            dict(spec.params),
            out=run_dir,
            force=force,
            timeout=spec.timeout,
            kernel_factory=kernel_factory,
            serve=serve,
            extra={**spec.facts, "batch": spec.batch, "shared_inputs": spec.shared_inputs},
            secrets=values,
        )
    except ReleaseBlockedError as exc:
        manifest = mf.read_manifest(run_dir)
        return RowOutcome(
            spec.number,
            spec.run_id,
            "blocked",
            spec.run_dir,
            reason="gate",
            message=str(exc),
            duration_seconds=manifest.duration_seconds,
        )
    except RunFailedError as exc:
        duration = None
        if RunDir(run_dir).manifest.is_file():
            duration = mf.read_manifest(run_dir).duration_seconds
        return RowOutcome(
            spec.number,
            spec.run_id,
            "failed",
            spec.run_dir,
            reason=exc.reason,
            message=str(exc),
            duration_seconds=duration,
        )
    except WorkbenchError as exc:  # an input gone missing since planning, and the like
        _clear_unstarted(run_dir)
        return RowOutcome(
            spec.number, spec.run_id, "failed", spec.run_dir, reason="error", message=str(exc)
        )
    except Exception as exc:
        # Before a manifest: the kernel did not start or answer (worth another try).
        # After: the run itself marked it failed (an export error, a full disk).
        started = RunDir(run_dir).manifest.is_file()
        if started:
            _mark_failed(run_dir, exc)
        else:
            _clear_unstarted(run_dir)
        return RowOutcome.failed(spec, "error" if started else "kernel_start", exc)
    return RowOutcome(
        spec.number,
        spec.run_id,
        "succeeded",
        spec.run_dir,
        duration_seconds=result.manifest.duration_seconds,
        pdf_error=_print_pdf(run_dir) if spec.pdf else None,
    )


def _print_pdf(run_dir: Path) -> str | None:
    """Print a succeeded run's report to ``report.pdf``; return why not, if it failed."""
    from workbench.runner._pdf import PdfError, write_report_pdf

    try:
        write_report_pdf(run_dir)
    except PdfError as exc:
        return str(exc)
    return None


def batch_facts(notebook: str, *, environment: bool) -> dict[str, Any]:
    """Return the manifest facts a batch finds once: git state, and this machine's software."""
    facts: dict[str, Any] = {"git": mf.git_state(notebook)}
    if environment:
        facts["environment"] = mf.environment()
    return facts


def execute_row(
    spec: RowSpec,
    kernel_factory: Any = None,
    cancelled: threading.Event | None = None,
    secrets: dict[str, str] | None = None,
    run_once: Callable[[RowSpec], RowOutcome] | None = None,
    serve: bool = False,
) -> RowOutcome:
    """Run one row, with up to ``spec.retries`` more tries for transient failures.

    Parameters
    ----------
    spec : RowSpec
        The row.
    kernel_factory : callable, optional
        ``run_dir -> Kernel`` (a pool of pre-started kernels); default: start one.
    cancelled : threading.Event, optional
        Set when the batch is interrupted: no retry, and the run is marked interrupted.
    secrets : dict, optional
        Values of the row's secret parameters (on this machine); default: read each from
        this process's environment (a Dask worker's own).
    run_once : callable, optional
        ``spec -> RowOutcome``: one try somewhere else (the local executor's run drivers);
        default :func:`attempt` here, with ``kernel_factory`` and ``secrets``.
    serve : bool
        Without ``kernel_factory``, fork each kernel from this machine's warm kernel
        server (``workbench serve``, started on demand) instead of starting one.

    Returns
    -------
    RowOutcome
        Never raises for a failed run.
    """
    attempts = 0
    while True:
        attempts += 1
        log_line(spec, f"attempt {attempts}: start ({spec.run_dir})")
        once = run_once or (lambda s: attempt(s, kernel_factory, secrets, serve))
        outcome = once(spec)
        outcome.attempts = attempts
        stopped = cancelled is not None and cancelled.is_set()
        log_line(spec, f"attempt {attempts}: {outcome.status} {outcome.reason or ''}".rstrip())
        if outcome.message and outcome.status != "succeeded":
            log_line(spec, outcome.message)
        if stopped and outcome.status == "failed":
            mark_interrupted(Path(spec.run_dir))
            outcome.reason = "interrupted"
            return outcome
        retry = outcome.status == "failed" and outcome.reason in TRANSIENT_REASONS
        if not retry or attempts > spec.retries or stopped:
            return outcome
        log_line(spec, f"retrying ({outcome.reason})")
