"""Re-check a finished run with the release gate, and release it once approved.

``workbench check RUN_DIR`` runs the gate again on the executed notebook and the
published tables (nothing is re-executed), adds any new approvals to those already in
the manifest, and, when nothing blocks any more, writes the report and releases the
results.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat

from workbench._korean import josa
from workbench.exceptions import ReleaseBlockedError, WorkbenchError
from workbench.runner import _manifest as mf
from workbench.runner._gate import Approval, GateReport, check_outputs
from workbench.runner._report import write_report
from workbench.runner._rundir import require_run_dir
from workbench.runner._signoff import release_package, signed_gate, signoff_message

__all__ = ["check_run"]


def check_run(
    run_dir: str | os.PathLike[str],
    approvals: list[Approval] | None = None,
    decisions: list[dict[str, Any]] | None = None,
) -> GateReport:
    """Re-check a run; release it (report and results) when nothing blocks.

    ``decisions`` are checkers' signed decisions (:func:`workbench.runner._signoff.decide`);
    with a trust.yml in effect only those release a finding (see :mod:`._signoff`).

    Raises
    ------
    ReleaseBlockedError
        When findings still need approval; the manifest says ``blocked``.
    """
    folder = require_run_dir(Path(run_dir).resolve())
    manifest = folder.read_manifest()
    if manifest.status in ("running", "failed"):
        state = "아직 실행 중" if manifest.status == "running" else "실패한 실행"
        raise WorkbenchError(
            f"{folder.path}{josa(folder.path, '은/는')} {state}입니다 (status: {manifest.status}). "
            "실패한 실행의 결과는 "
            "공개할 수 없습니다: 원인을 고쳐 다시 실행하세요."
        )
    executed = nbformat.read(folder.notebook, as_version=4)
    earlier = [Approval(**a) for a in manifest.approvals]
    new_ids = {a.id for a in approvals or []}
    combined = [a for a in earlier if a.id not in new_ids] + list(approvals or [])
    report = check_outputs(folder.path, executed, combined, parameters=manifest.parameters)
    report = signed_gate(folder.path, manifest, report, decisions)
    manifest.findings = report.manifest_findings()
    manifest.approvals = [a.to_dict() for a in report.approvals.values()]
    if report.blocking:
        message = signoff_message(folder.path, report)
        error = mf.ErrorRecord(
            reason="gate",
            error_name="ReleaseBlocked",
            error_value=f"{len(report.blocking)} finding(s) need approval",
            message=message,
        )
        folder.finish(manifest, "blocked", error)
        raise ReleaseBlockedError(message, run_dir=folder.path, findings=report.blocking)
    folder.release()
    write_report(executed, manifest, folder.report)
    folder.finish(manifest, "succeeded", report=True)
    release_package(folder.path, report)  # release.zip, when released by signed decisions
    return report
