"""Re-check a finished run with the release gate, and release it once approved.

``workbench check RUN_DIR`` runs the gate again on the executed notebook and the
published tables (nothing is re-executed), adds any new approvals to those already in
the manifest, and, when nothing blocks any more, writes the report and releases the
results.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from workbench.exceptions import ReleaseBlockedError, WorkbenchError
from workbench.runner import _manifest as mf
from workbench.runner._gate import (
    HELD_DIR,
    Approval,
    GateReport,
    blocked_message,
    check_outputs,
    hold_results,
    release_results,
)
from workbench.runner._report import write_report
from workbench.runner._run import NOTEBOOK_NAME, REPORT_NAME

__all__ = ["check_run"]


def check_run(
    run_dir: str | os.PathLike[str], approvals: list[Approval] | None = None
) -> GateReport:
    """Re-check a run; release it (report and results) when nothing blocks.

    Raises
    ------
    ReleaseBlockedError
        When findings still need approval; the manifest says ``blocked``.
    """
    folder = Path(run_dir).resolve()
    manifest = mf.read_manifest(folder)
    if manifest.status in ("running", "failed"):
        raise WorkbenchError(
            f"{folder} did not finish executing (status: {manifest.status}); re-run it first."
        )
    executed = nbformat.read(folder / NOTEBOOK_NAME, as_version=4)
    earlier = [Approval(**a) for a in manifest.approvals]
    new_ids = {a.id for a in approvals or []}
    combined = [a for a in earlier if a.id not in new_ids] + list(approvals or [])
    report = check_outputs(folder, executed, combined)
    manifest.findings = report.manifest_findings()
    manifest.approvals = [a.to_dict() for a in report.approvals.values()]
    if report.blocking:
        (folder / REPORT_NAME).unlink(missing_ok=True)
        hold_results(folder)
        message = blocked_message(folder, report)
        manifest.status, manifest.report = "blocked", None
        manifest.error = mf.ErrorRecord(
            reason="gate",
            error_name="ReleaseBlocked",
            error_value=f"{len(report.blocking)} finding(s) need approval",
            message=message,
        )
        mf.write_manifest(folder, manifest)
        raise ReleaseBlockedError(message, run_dir=folder, findings=report.blocking)
    release_results(folder)
    manifest.status, manifest.error, manifest.report = "succeeded", None, REPORT_NAME
    write_report(executed, manifest, folder / REPORT_NAME)
    mf.write_manifest(folder, manifest)
    assert not (folder / HELD_DIR).exists()
    return report
