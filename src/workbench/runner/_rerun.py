"""Re-run a recorded run and verify that it reproduces the same results."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat

from workbench._korean import josa
from workbench.exceptions import WorkbenchError
from workbench.runner import _manifest as mf
from workbench.runner._inputs import input_fingerprint, input_missing
from workbench.runner._messages import message
from workbench.runner._registry import HIDDEN_TAGS, Analysis, AnalysisMeta, notebook_sha256
from workbench.runner._registry import _read_parameters as read_parameters
from workbench.runner._run import ProgressCallback, RunResult, run
from workbench.runner._rundir import RunDir
from workbench.runner._secrets import resolve_secrets

__all__ = ["RerunResult", "recorded_analysis", "rerun"]


@dataclass
class RerunResult:
    """A re-run and, when verified, every difference from the original."""

    original: Path
    run: RunResult
    differences: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """True when inputs and results match the original run byte for byte."""
        return not self.differences


def recorded_analysis(
    run_dir: Path, manifest: mf.Manifest
) -> tuple[Analysis, nbformat.NotebookNode]:
    """Recover the exact notebook a run executed, from the executed copy in its folder.

    The copy is stripped of outputs and of papermill's injected cells, and checked against
    the notebook hash in the manifest.
    """
    path = run_dir / manifest.notebook
    try:
        nb = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise WorkbenchError(message("rerun_notebook_missing", path=path)) from None
    drop = {*HIDDEN_TAGS, "papermill-error-cell-tag"}
    nb.cells = [c for c in nb.cells if not drop & set(c.get("metadata", {}).get("tags", []))]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
    nb.metadata.pop("papermill", None)
    digest = notebook_sha256(nb)
    if digest != manifest.analysis.notebook_sha256:
        raise WorkbenchError(
            message(
                "rerun_edited",
                path=path,
                now=digest[:12],
                recorded=manifest.analysis.notebook_sha256[:12],
            )
        )
    raw_meta = nb.metadata.get("workbench") or {
        "name": manifest.analysis.name,
        "title": manifest.analysis.title,
    }
    meta = AnalysisMeta.model_validate(raw_meta)
    analysis = Analysis(
        path=Path(manifest.analysis.notebook),
        meta=meta,
        parameters=read_parameters(nb, frozenset(meta.secrets), frozenset(meta.inputs)),
        sha256=digest,
        notebook=nb,
    )
    return analysis, nb


def _missing_inputs(manifest: mf.Manifest) -> list[str]:
    return [
        message("diff_input_missing", name=record.parameter, path=record.path)
        for record in manifest.inputs
        if input_missing(record.path)
    ]


def _input_differences(manifest: mf.Manifest) -> list[str]:
    found = []
    for record in manifest.inputs:
        if input_missing(record.path):
            continue
        now = input_fingerprint(record.path)
        if now != record.sha256:
            found.append(
                message(
                    "diff_input_changed",
                    name=record.parameter,
                    name_josa=josa(f"'{record.parameter}'", "이/가"),
                    path=record.path,
                    before=record.sha256[:12],
                    after=now[:12],
                )
            )
    return found


def _result_differences(before: mf.Manifest, after: mf.Manifest) -> list[str]:
    old = {r.path: r.sha256 for r in before.results}
    new = {r.path: r.sha256 for r in after.results}
    found = [message("diff_result_missing", path=p) for p in sorted(old.keys() - new.keys())]
    found += [message("diff_result_new", path=p) for p in sorted(new.keys() - old.keys())]
    found += [
        message("diff_result_differs", path=p, before=old[p][:12], after=new[p][:12])
        for p in sorted(old.keys() & new.keys())
        if old[p] != new[p]
    ]
    return found


def rerun(
    manifest_path: str | os.PathLike[str],
    *,
    out: str | os.PathLike[str] | None = None,
    force: bool = False,
    verify: bool = False,
    timeout: float | None = None,
    progress: ProgressCallback | None = None,
    secrets: Mapping[str, str] | None = None,
    secret_names: Iterable[str] = (),
    prompt: Callable[[str], str] | None = None,
) -> RerunResult:
    """Re-execute a run with its recorded notebook, parameters and inputs.

    Parameters
    ----------
    manifest_path : path
        A run's ``manifest.json`` (or its folder).
    out : path, optional
        The new run directory; default ``<run_dir>.rerun-<timestamp>`` beside the original.
    verify : bool
        Compare input and result sha256s with the original and list every difference.
    secrets, secret_names, prompt
        The secret parameters the run recorded by name (their values never are): given,
        read from environment variables of the same names, or asked for.

    Returns
    -------
    RerunResult
        ``differences`` is empty when the re-run reproduced the original exactly.
    """
    manifest_file = Path(manifest_path)
    run_dir = (manifest_file if manifest_file.is_dir() else manifest_file.parent).resolve()
    manifest = mf.read_manifest(manifest_file)
    analysis, nb = recorded_analysis(run_dir, manifest)
    missing = _missing_inputs(manifest) if verify else []
    if missing:
        raise WorkbenchError(message("rerun_inputs_missing", items="; ".join(missing)))
    differences = _input_differences(manifest) if verify else []
    recorded = dict.fromkeys([*manifest.secrets, *secret_names])
    wanted = [n for n in recorded if n not in (secrets or {})]
    values = resolve_secrets(analysis, wanted, secrets, prompt=prompt)
    if out is None:
        out = run_dir.with_name(f"{run_dir.name}.rerun-{datetime.now():%Y%m%d-%H%M%S}")
    # The installed analysis may have moved on; the recorded version is what we run.
    result = run(
        analysis,
        dict(manifest.parameters),
        notebook=nb,
        out=out,
        force=force,
        timeout=timeout,
        progress=progress,
        rerun_of=str(RunDir(run_dir).manifest),
        secrets=values,
    )
    if verify:
        differences += _result_differences(manifest, result.manifest)
    return RerunResult(original=run_dir, run=result, differences=differences)
