"""One run of a standard analysis: validate → papermill → results → report → manifest.

This module only sequences the steps; each lives in its own module.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from workbench.exceptions import ReleaseBlockedError, RunFailedError, WorkbenchError
from workbench.runner import _manifest as mf
from workbench.runner import _rundir as rd
from workbench.runner._errors import (
    ExecutionFailedError,
    describe_failure,
    masked,
    outside_failure,
)
from workbench.runner._inputs import resolve_inputs
from workbench.runner._kernel import Kernel, kernel_env
from workbench.runner._limits import check_timeout, output_limit
from workbench.runner._params import check_plain_value, resolve_parameters
from workbench.runner._registry import Analysis, find_analysis
from workbench.runner._secrets import (
    Redactor,
    kernel_environment,
    resolve_secrets,
    scrub_secrets,
    secret_cell_source,
)

if TYPE_CHECKING:
    from workbench.runner._gate import Approval

__all__ = ["RunResult", "run", "run_analysis"]

# Kept for callers of the first layout API; the names live in RunDir now.
NOTEBOOK_NAME, REPORT_NAME, KERNEL_LOG_NAME = rd.NOTEBOOK, rd.REPORT, rd.KERNEL_LOG

#: Progress events: ("kernel", 0, n, None) before start, ("cell", i, n, cell) per cell.
ProgressCallback = Callable[[str, int, int, Any], None]
#: Returns a started kernel for a claimed run directory and the extra environment it
#: needs (its secrets): the batch's pre-started pool.
KernelFactory = Callable[[Path, Mapping[str, str]], Kernel]


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


def _new_manifest(
    analysis: Analysis,
    params: dict[str, Any],
    inputs: list[mf.InputRecord],
    rerun_of: str | None,
    extra: Mapping[str, Any] | None = None,
    secrets: Iterable[str] = (),
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
        secrets=sorted(secrets),
        inputs=inputs,
        started_at=mf.utc_now(),
        rerun_of=rerun_of,
    )


class _SecretInResultError(Exception):
    """A binary result file held a secret's value and was removed."""


class _Run:
    """The state of one run while it executes; ends it in exactly one terminal state."""

    def __init__(self, run_dir: rd.RunDir, manifest: mf.Manifest, redactor: Redactor) -> None:
        self.dir = run_dir
        self.manifest = manifest
        self.redactor = redactor
        self.scrubbed = False
        self.started = time.monotonic()
        self.kernel: Kernel | None = None

    def clean(self, text: str) -> str:
        """Return a message as it may be written or shown: secrets redacted, PII masked."""
        return masked(self.redactor.text(text))

    def scrub(self) -> None:
        """Redact secrets from every file of the folder, once the kernel has stopped.

        Done before results are hashed; what is written afterwards (the report, the
        manifest) is made from redacted data.
        """
        if self.redactor and not self.scrubbed:
            found = scrub_secrets(self.dir, self.redactor)
            self.manifest.redacted = sorted({*self.manifest.redacted, *found})
            self.scrubbed = True

    def finish(self, status: str, error: mf.ErrorRecord | None = None) -> None:
        from workbench.runner._audit_heads import audit_head

        self.scrub()  # on a failure: the kernel's last words (its log) included
        m = self.manifest
        if status != "succeeded":
            m.results = self.dir.hash_results()
        m.audit_head = audit_head()
        m.finished_at = mf.utc_now()
        m.duration_seconds = round(time.monotonic() - self.started, 3)
        try:
            self.dir.finish(m, status, error, report=status == "succeeded")
        except OSError as exc:  # a full disk: say so in the manifest if it can be said
            if status == "succeeded":
                raise
            self.dir.write_in_place(m, status, error, exc)

    def fail(
        self, reason: str, name: str, value: str, message: str, cell: int | None = None
    ) -> str:
        if self.kernel is not None:  # nothing may write into the folder after its end
            self.kernel.kill()
        message, value = self.clean(message), self.clean(value)
        error = mf.ErrorRecord(
            reason=reason, cell_number=cell, error_name=name, error_value=value, message=message
        )
        self.finish("failed", error)
        return message


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
    secrets: Mapping[str, str] | None = None,
    serve: bool = False,
) -> RunResult:
    """Run a validated analysis with resolved parameters into a new run directory.

    Most callers want :func:`run_analysis`, which validates first. ``kernel_factory``
    (the batch's pool of pre-started kernels) replaces starting a kernel here; ``extra``
    adds fields to the manifest (the batch's row and provenance of shared inputs);
    ``secrets`` are the values of secret parameters (never written anywhere); ``serve``
    asks ``workbench serve`` for the kernel (see :func:`run_analysis`).
    """
    timeout = check_timeout(timeout)
    secrets = dict(secrets or {})
    for name, value in params.items():
        check_plain_value(name, value)
    inputs = resolve_inputs(analysis, params)
    manifest = _new_manifest(analysis, params, inputs, rerun_of, extra, secrets)
    run_dir = rd.RunDir.create(out, analysis.name, manifest, force=force)
    state = _Run(run_dir, manifest, Redactor(secrets.values()))
    if progress is not None:
        progress("kernel", 0, len(analysis.notebook.cells), None)
    # The kernel boots (about half a second) while this process writes the manifest and
    # imports papermill and nbconvert; it is always killed and reaped below.
    secret_env = kernel_environment(secrets)
    try:
        if kernel_factory is not None:
            kernel = kernel_factory(run_dir.path, secret_env)
        elif serve:  # forked by `workbench serve`, else a fresh one with a notice
            from workbench.runner._serve_client import served_kernel

            kernel = served_kernel(kernel_env(run_dir.path, secret_env), run_dir.kernel_log)
        else:
            kernel = Kernel(kernel_env(run_dir.path, secret_env), run_dir.kernel_log)
    except BaseException as exc:
        message = state.fail(
            "kernel_start", type(exc).__name__, str(exc), f"커널을 시작하지 못했습니다: {exc}"
        )
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise RunFailedError(
            message, run_dir=run_dir.path, reason="kernel_start", error_name=type(exc).__name__
        ) from None
    state.kernel = kernel
    try:
        return _execute(analysis, params, state, kernel, notebook, timeout, progress, approvals)
    finally:
        _release(kernel)


def _execute(
    analysis: Analysis,
    params: dict[str, Any],
    state: _Run,
    kernel: Kernel,
    notebook: nbformat.NotebookNode | None,
    timeout: float | None,
    progress: ProgressCallback | None,
    approvals: list[Approval] | None,
) -> RunResult:
    run_dir, manifest = state.dir, state.manifest

    def on_cell(index: int, total: int, cell: Any) -> None:
        if progress is not None:
            progress("cell", index, total, cell)

    try:
        # A batch gives both, found once for all its runs (runner/batch/task.py).
        manifest.environment = manifest.environment or mf.environment()
        if "git" not in manifest.model_fields_set:
            manifest.git = mf.git_state(analysis.path)
        run_dir.write_manifest(manifest)
        from workbench.runner._engine import execute, hidden_cell
        from workbench.runner._gate import check_outputs
        from workbench.runner._gate import warm_up as warm_up_gate
        from workbench.runner._report import start_warm_up, write_report
        from workbench.runner._signoff import release_package, signed_gate, signoff_message

        # nbconvert's first export and the gate's first check pay for imports (pandas
        # among them) and for compiling templates and patterns; do that while the kernel
        # computes (this process only waits on it meanwhile).
        start_warm_up(warm_up_gate)
        setup = []
        if manifest.secrets:
            setup.append(hidden_cell(secret_cell_source(manifest.secrets), "workbench-secrets"))
        executed = execute(
            notebook if notebook is not None else analysis.path,
            run_dir.notebook,
            params,
            kernel=kernel,
            timeout=timeout,
            started=state.started,
            on_cell=on_cell,
            setup_cells=setup,
            redact=state.redactor.node if state.redactor else None,
            output_limit=output_limit(),
        )
        kernel.kill()  # done with it; reaped after the report is written
        if state.redactor:
            state.redactor.node(executed)
            state.scrub()
            removed = [
                r.removesuffix(": removed") for r in manifest.redacted if r.endswith(": removed")
            ]
            if removed:
                raise _SecretInResultError(", ".join(removed))
        manifest.results = run_dir.hash_results()
        gate = check_outputs(run_dir.path, executed, approvals, parameters=params)
        gate = signed_gate(run_dir.path, manifest, gate)  # signed sign-off (trust.yml)
        manifest.findings = gate.manifest_findings()
        manifest.approvals = [a.to_dict() for a in gate.approvals.values()]
        if gate.blocking:
            message = signoff_message(run_dir.path, gate)
            state.finish(
                "blocked",
                mf.ErrorRecord(
                    reason="gate",
                    error_name="ReleaseBlocked",
                    error_value=f"{len(gate.blocking)} finding(s) need approval",
                    message=message,
                ),
            )
            raise ReleaseBlockedError(message, run_dir=run_dir.path, findings=gate.blocking)
        write_report(executed, manifest, run_dir.report, analysis=analysis)
        state.finish("succeeded")
        release_package(run_dir.path, gate)  # release.zip, when released by signed decisions
    except _SecretInResultError as exc:
        message = state.fail(
            "secret_in_result",
            "SecretInResult",
            str(exc),
            f"비밀 매개변수의 값이 결과 파일에 들어 있어 그 파일을 지웠습니다 ({exc}). 비밀 값을 "
            "결과에 쓰지 않도록 노트북을 고치세요.",
        )
        raise RunFailedError(
            message, run_dir=run_dir.path, reason="secret_in_result", error_name="SecretInResult"
        ) from None
    except ExecutionFailedError as failure:
        failure.error_value = state.redactor.text(failure.error_value)
        failure.traceback = state.redactor.text(failure.traceback)
        message, cell_number = describe_failure(analysis, run_dir.notebook, failure)
        message = state.fail(
            failure.reason, failure.error_name, failure.error_value, message, cell_number
        )
        raise RunFailedError(
            message,
            run_dir=run_dir.path,
            reason=failure.reason,
            cell_index=cell_number,
            error_name=failure.error_name,
            error_value=state.clean(failure.error_value),
        ) from None
    except ReleaseBlockedError:
        raise
    except KeyboardInterrupt:
        state.fail("interrupted", "KeyboardInterrupt", "사용자가 중단함", "실행을 중단했습니다.")
        raise
    except WorkbenchError as exc:  # the gate refused an approval, a report could not be made
        state.fail("error", type(exc).__name__, str(exc), str(exc))
        raise
    except BaseException as exc:  # export failed, disk full...
        why = outside_failure(exc)
        message = state.fail("error", type(exc).__name__, str(exc), why)
        raise RunFailedError(
            message, run_dir=run_dir.path, reason="error", error_name=type(exc).__name__
        ) from None
    return RunResult(
        run_dir=run_dir.path,
        manifest=manifest,
        report=run_dir.report,
        notebook=run_dir.notebook,
        results=[run_dir.path / r.path for r in manifest.results],
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
    secrets: Mapping[str, str] | None = None,
    secret_names: Iterable[str] = (),
    prompt: Callable[[str], str] | None = None,
    serve: bool = False,
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
    secrets : mapping, optional
        Values of secret parameters (API keys, passwords), given by a calling program.
        They are never written to the run folder; ``parameters`` must not hold them.
    secret_names : iterable of str
        Secret parameters to read from environment variables of the same name (``-s``).
    prompt : callable, optional
        Asks for a secret whose variable is not set (the command line, on a terminal).
    serve : bool
        Take the kernel from this environment's warm kernel server (``workbench serve``,
        started if none runs): forked with the libraries already imported, as isolated
        as a fresh one. If the server cannot give one, a fresh kernel is started and a
        one-line notice is printed on stderr. ``$WORKBENCH_NO_SERVE`` turns it off.

    Returns
    -------
    RunResult

    Raises
    ------
    AnalysisNotFoundError, ParameterError, RunExistsError
        Before anything is executed (a secret given as a plain parameter, a timeout
        that is not a finite number of seconds, a folder in use).
    RunFailedError
        When the notebook fails; the run directory then holds a ``failed`` manifest and
        no report.
    ReleaseBlockedError
        When the release gate finds personal information or disclosive cells in what
        would be published; the manifest says ``blocked`` and lists the findings.
    """
    analysis = find_analysis(name_or_path)
    params = resolve_parameters(analysis, parameters, cli_pairs=cli_pairs, params_file=params_file)
    values = resolve_secrets(analysis, secret_names, secrets, prompt=prompt)
    return run(
        analysis,
        params,
        out=out,
        force=force,
        timeout=timeout,
        progress=progress,
        approvals=approvals,
        secrets=values,
        serve=serve,
    )
