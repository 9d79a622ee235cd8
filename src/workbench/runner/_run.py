"""One run of a standard analysis: validate → papermill → results → report → manifest.

This module only sequences the steps; each lives in its own module.
"""

from __future__ import annotations

import os
import shutil
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from workbench.catalog import fingerprint
from workbench.exceptions import ReleaseBlockedError, RunExistsError, RunFailedError
from workbench.runner import _manifest as mf
from workbench.runner._errors import ExecutionFailedError, describe_failure
from workbench.runner._inputs import resolve_inputs
from workbench.runner._kernel import Kernel
from workbench.runner._params import resolve_parameters
from workbench.runner._registry import Analysis, find_analysis
from workbench.runner.results import RUN_DIR_ENV

if TYPE_CHECKING:
    from workbench.runner._gate import Approval

__all__ = ["RunResult", "run", "run_analysis"]

NOTEBOOK_NAME = "notebook.ipynb"
REPORT_NAME = "report.html"
KERNEL_LOG_NAME = "kernel.log"

#: Progress events: ("kernel", 0, n, None) before start, ("cell", i, n, cell) per cell.
ProgressCallback = Callable[[str, int, int, Any], None]
#: Returns a started kernel for a prepared run directory (the batch's pre-started pool).
KernelFactory = Callable[[Path], Kernel]


@dataclass
class RunResult:
    """What a completed run left behind."""

    run_dir: Path
    manifest: mf.Manifest
    report: Path
    notebook: Path
    results: list[Path] = field(default_factory=list)

    def _repr_html_(self) -> str:
        from workbench.runner._views import run_html

        return run_html(self)


def default_run_dir(name: str, base: Path | None = None) -> Path:
    """Return a new folder ``runs/<name>-<YYYYmmdd-HHMMSS>`` that does not exist yet."""
    base = base or Path.cwd() / "runs"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = base / f"{name}-{stamp}"
    n = 2
    while candidate.exists():
        candidate = base / f"{name}-{stamp}-{n}"
        n += 1
    return candidate


def prepare_run_dir(out: str | os.PathLike[str] | None, name: str, *, force: bool) -> Path:
    """Create the run directory; refuse to replace an existing one unless ``force``.

    ``force`` replaces only an earlier run directory (one that holds a manifest) or an
    empty folder, never an arbitrary folder of the user's.
    """
    run_dir = Path(out).resolve() if out is not None else default_run_dir(name)
    if run_dir.exists() and (not run_dir.is_dir() or any(run_dir.iterdir())):
        if not force:
            raise RunExistsError(
                f"Run directory {run_dir} already exists. Choose another --out, or pass "
                "--force to replace it."
            )
        if not (run_dir / mf.MANIFEST_NAME).is_file():
            raise RunExistsError(
                f"{run_dir} exists and is not a run directory (no {mf.MANIFEST_NAME}); "
                "refusing to delete it even with --force. Choose another --out."
            )
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    return run_dir


def _kernel_env(run_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env[RUN_DIR_ENV] = str(run_dir)
    # Reproducible set/dict-of-str ordering and file timestamps inside the kernel.
    env["PYTHONHASHSEED"] = "0"
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    env.pop("MPLBACKEND", None)  # let ipykernel choose its inline backend
    return env


def _hash_results(run_dir: Path) -> list[mf.FileRecord]:
    folder = run_dir / "results"
    if not folder.is_dir():
        return []
    return [
        mf.FileRecord(
            path=p.relative_to(run_dir).as_posix(), sha256=fingerprint(p), bytes=p.stat().st_size
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]


def _new_manifest(
    analysis: Analysis,
    params: dict[str, Any],
    inputs: list[mf.InputRecord],
    rerun_of: str | None,
    extra: Mapping[str, Any] | None = None,
) -> mf.Manifest:
    return mf.Manifest(
        **dict(extra or {}),
        status="running",
        analysis=mf.AnalysisRecord(
            name=analysis.name,
            title=analysis.title,
            version=analysis.meta.version,
            level=analysis.meta.level,
            notebook=str(analysis.path),
            notebook_sha256=analysis.sha256,
        ),
        parameters=params,
        inputs=inputs,
        started_at=mf.utc_now(),
        environment=mf.environment(),
        git=mf.git_state(analysis.path),
        rerun_of=rerun_of,
    )


def run(
    analysis: Analysis,
    params: dict[str, Any],
    *,
    notebook: nbformat.NotebookNode | None = None,
    out: str | os.PathLike[str] | None = None,
    force: bool = False,
    timeout: float | None = None,
    progress: ProgressCallback | None = None,
    rerun_of: str | None = None,
    approvals: list[Approval] | None = None,
    kernel_factory: KernelFactory | None = None,
    extra: Mapping[str, Any] | None = None,
) -> RunResult:
    """Run a validated analysis with resolved parameters into a new run directory.

    Most callers want :func:`run_analysis`, which validates first. ``kernel_factory``
    (the batch's pool of pre-started kernels) replaces starting a kernel here; ``extra``
    adds fields to the manifest (the batch's row and provenance of shared inputs).
    """
    inputs = resolve_inputs(analysis, params)
    run_dir = prepare_run_dir(out, analysis.name, force=force)
    started = time.monotonic()
    if progress is not None:
        progress("kernel", 0, len(analysis.notebook.cells), None)
    # The kernel boots (about half a second) while this process writes the manifest and
    # imports papermill and nbconvert; it is always killed and reaped below.
    if kernel_factory is not None:
        kernel = kernel_factory(run_dir)
    else:
        kernel = Kernel(_kernel_env(run_dir), run_dir / KERNEL_LOG_NAME)
    try:
        manifest = _new_manifest(analysis, params, inputs, rerun_of, extra)
        mf.write_manifest(run_dir, manifest)
    except BaseException:
        kernel.kill()
        kernel.close()
        raise
    executed_path = run_dir / NOTEBOOK_NAME

    def finish(status: str) -> None:
        from workbench.runner._audit_heads import audit_head

        manifest.status = status  # type: ignore[assignment]
        manifest.audit_head = audit_head()
        manifest.finished_at = mf.utc_now()
        manifest.duration_seconds = round(time.monotonic() - started, 3)
        mf.write_manifest(run_dir, manifest)

    def on_cell(index: int, total: int, cell: Any) -> None:
        if progress is not None:
            progress("cell", index, total, cell)

    try:
        from workbench.runner._engine import execute
        from workbench.runner._gate import blocked_message, check_outputs, hold_results
        from workbench.runner._gate import warm_up as warm_up_gate
        from workbench.runner._report import start_warm_up, write_report

        # nbconvert's first export and the gate's first check pay for imports (pandas
        # among them) and for compiling templates and patterns; do that while the kernel
        # computes (this process only waits on it meanwhile).
        start_warm_up(warm_up_gate)
        executed = execute(
            notebook if notebook is not None else analysis.path,
            executed_path,
            params,
            kernel=kernel,
            timeout=timeout,
            started=started,
            on_cell=on_cell,
        )
        kernel.kill()  # done with it; reaped after the report is written
        manifest.results = _hash_results(run_dir)
        gate = check_outputs(run_dir, executed, approvals)
        manifest.findings = gate.manifest_findings()
        manifest.approvals = [a.to_dict() for a in gate.approvals.values()]
        if gate.blocking:
            message = blocked_message(run_dir, gate)
            hold_results(run_dir)
            manifest.report = None
            manifest.error = mf.ErrorRecord(
                reason="gate",
                error_name="ReleaseBlocked",
                error_value=f"{len(gate.blocking)} finding(s) need approval",
                message=message,
            )
            finish("blocked")
            raise ReleaseBlockedError(message, run_dir=run_dir, findings=gate.blocking)
        manifest.report = REPORT_NAME
        write_report(executed, manifest, run_dir / REPORT_NAME, summary=analysis.meta.summary)
    except ExecutionFailedError as failure:
        message, cell_number = describe_failure(analysis, executed_path, failure)
        manifest.report = None
        manifest.results = _hash_results(run_dir)
        manifest.error = mf.ErrorRecord(
            reason=failure.reason,
            cell_number=cell_number,
            error_name=failure.error_name,
            error_value=failure.error_value,
            message=message,
        )
        finish("failed")
        raise RunFailedError(
            message,
            run_dir=run_dir,
            reason=failure.reason,
            cell_index=cell_number,
            error_name=failure.error_name,
            error_value=failure.error_value,
        ) from None
    except ReleaseBlockedError:
        raise
    except BaseException as exc:  # export failed, disk full, Ctrl-C...
        (run_dir / REPORT_NAME).unlink(missing_ok=True)
        manifest.report = None
        manifest.error = mf.ErrorRecord(
            reason="interrupted" if isinstance(exc, KeyboardInterrupt) else "error",
            error_name=type(exc).__name__,
            error_value=str(exc),
            message=f"The run stopped outside the notebook: {type(exc).__name__}: {exc}",
        )
        finish("failed")
        raise
    finally:
        _release(kernel)
    finish("succeeded")
    return RunResult(
        run_dir=run_dir,
        manifest=manifest,
        report=run_dir / REPORT_NAME,
        notebook=executed_path,
        results=[run_dir / r.path for r in manifest.results],
    )


def _release(kernel: Kernel) -> None:
    """Kill and reap the kernel; a failure to reap must not leave the manifest 'running'."""
    try:
        kernel.kill()
        kernel.close()
    except Exception as exc:  # the kernel's work is done (or the run already failed)
        warnings.warn(f"Could not clean up the kernel: {type(exc).__name__}: {exc}", stacklevel=2)


def run_analysis(
    name_or_path: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    *,
    cli_pairs: Iterable[tuple[str, str]] = (),
    params_file: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    force: bool = False,
    timeout: float | None = None,
    progress: ProgressCallback | None = None,
    approvals: list[Approval] | None = None,
) -> RunResult:
    """Run a standard analysis (by name or notebook path) and write its run directory.

    Parameters are validated before any kernel starts.

    Parameters
    ----------
    name_or_path : str or path
        A standard analysis name (see ``workbench analyses``) or a ``.ipynb`` path.
    parameters : mapping, optional
        Parameter values, converted to the types of the defaults.
    cli_pairs : iterable of (str, str)
        ``-p KEY VALUE`` pairs from the command line; they win over ``parameters``.
    params_file : path, optional
        A YAML file of parameters; ``parameters`` and ``cli_pairs`` win over it.
    out : path, optional
        The run directory; default ``runs/<name>-<timestamp>`` under the current folder.
    force : bool
        Replace ``out`` if it is an earlier run directory.
    timeout : float, optional
        Seconds for the whole run, kernel start included.
    progress : callable, optional
        Called with progress events (see :data:`ProgressCallback`).
    approvals : list of Approval, optional
        Decisions to release despite findings of the release gate (see
        :func:`workbench.runner._gate.load_approvals`).

    Returns
    -------
    RunResult

    Raises
    ------
    AnalysisNotFoundError, ParameterError, RunExistsError
        Before anything is executed.
    RunFailedError
        When the notebook fails; the run directory then holds a ``failed`` manifest and
        no report.
    ReleaseBlockedError
        When the release gate finds personal information or disclosive cells in what
        would be published; the manifest says ``blocked`` and lists the findings.
    """
    analysis = find_analysis(name_or_path)
    params = resolve_parameters(analysis, parameters, cli_pairs=cli_pairs, params_file=params_file)
    return run(
        analysis,
        params,
        out=out,
        force=force,
        timeout=timeout,
        progress=progress,
        approvals=approvals,
    )
