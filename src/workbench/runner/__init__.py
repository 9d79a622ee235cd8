"""Orchestration: the standard-analysis registry, one run, and re-run with verification.

Names are imported on first use, so that ``workbench.runner.results`` (imported inside
every kernel by ``wb.publish``) stays light.
"""

from __future__ import annotations

from workbench._lazy import lazy_names

_LAZY = {
    "PdfError": "workbench.runner._pdf",
    "html_to_pdf": "workbench.runner._pdf",
    "write_report_pdf": "workbench.runner._pdf",
    "RunDir": "workbench.runner._rundir",
    "decide": "workbench.runner._signoff",
    "record_reveal": "workbench.runner._signoff",
    "shown_cells": "workbench.runner._gate:_shown_cells",
    "Analysis": "workbench.runner._registry",
    "Parameter": "workbench.runner._registry",
    "find_analysis": "workbench.runner._registry",
    "list_analyses": "workbench.runner._registry",
    "resolve_parameters": "workbench.runner._params",
    "RunResult": "workbench.runner._run",
    "run_analysis": "workbench.runner._run",
    "Manifest": "workbench.runner._manifest",
    "read_manifest": "workbench.runner._manifest",
    "RerunResult": "workbench.runner._rerun",
    "rerun": "workbench.runner._rerun",
    "publish": "workbench.runner.results",
    "demo": "workbench.runner._demo",
    "check_run": "workbench.runner._check",
    "check_runs": "workbench.runner._audit_heads",
    "run_html": "workbench.runner._views",
    "load_approvals": "workbench.runner._gate",
    "short_cause": "workbench.runner._errors",
    "ServeStatus": "workbench.runner._serve_client",
    "ServeUnavailableError": "workbench.runner._serve_client",
    "serve_start": "workbench.runner._serve_client:start",
    "serve_status": "workbench.runner._serve_client:status",
    "serve_stop": "workbench.runner._serve_client:stop",
    "BatchResult": "workbench.runner.batch",
    "run_batch": "workbench.runner.batch",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
