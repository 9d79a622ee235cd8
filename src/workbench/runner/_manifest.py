"""The run manifest: how a run was made, and whether it completed.

``manifest.json`` is written when a run starts (status ``running``), and rewritten
atomically when it ends: ``succeeded``, ``failed``, or ``blocked`` (the release gate holds
its outputs until findings are approved). A run directory whose manifest does not say
``succeeded`` is not a result.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from workbench._distribution import DISTRIBUTION
from workbench._korean import validation_problem
from workbench.exceptions import WorkbenchError
from workbench.runner._messages import message

__all__ = [
    "BatchRecord",
    "FileRecord",
    "InputRecord",
    "Manifest",
    "SharedInputRecord",
    "git_state",
    "package_versions",
    "read_manifest",
    "utc_now",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"
SCHEMA_VERSION = 2
_PACKAGES = (
    DISTRIBUTION,
    "papermill",
    "nbclient",
    "nbconvert",
    "ipykernel",
    "pandas",
    "numpy",
    "pyarrow",
    "matplotlib",
    "statsmodels",
    "scikit-learn",
    "scipy",
)


class AnalysisRecord(BaseModel):
    """Which notebook ran."""

    name: str
    title: str
    version: str
    level: str
    notebook: str
    notebook_sha256: str


class InputRecord(BaseModel):
    """One input file (or bundled sample) and its hash."""

    parameter: str
    path: str
    sha256: str


class FileRecord(BaseModel):
    """One result file, relative to the run directory."""

    path: str
    sha256: str
    bytes: int
    # Cells of a published CSV written with a leading ' so that Excel shows them as text
    # instead of running them as formulas (OWASP, CSV injection); None: not a published CSV.
    neutralised: int | None = None


class BatchRecord(BaseModel):
    """Which row of which batch a run is (``workbench batch``)."""

    row: int
    run_id: str
    # The row's effective parameters as planned, before shared inputs replaced a path:
    # what a resumed batch compares.
    parameters: dict[str, Any]


class SharedInputRecord(BaseModel):
    """An input the batch read once and handed to its runs as Parquet (batch/shared.py)."""

    parameter: str
    original_path: str
    original_sha256: str
    path: str


class ErrorRecord(BaseModel):
    """Why a run failed."""

    reason: str
    cell_number: int | None = None
    error_name: str
    error_value: str
    message: str


class Manifest(BaseModel):
    """Everything needed to trust, re-run and verify a run."""

    model_config = ConfigDict(extra="allow")

    schema_version: int = SCHEMA_VERSION
    status: Literal["running", "succeeded", "failed", "blocked"]
    # Made by RunDir for this folder (runner/_rundir.py): lets --force tell our run
    # folders from folders that merely hold a file called manifest.json.
    run_id: str | None = None
    analysis: AnalysisRecord
    parameters: dict[str, Any]
    # Names of secret parameters: their values are never recorded (shown as ••••).
    secrets: list[str] = []
    # Files in which a secret's value was found and redacted ("path: redacted|removed").
    redacted: list[str] = []
    inputs: list[InputRecord] = []
    results: list[FileRecord] = []
    report: str | None = None
    # The report printed to PDF, when asked for (runner/_pdf.write_report_pdf).
    report_pdf: str | None = None
    notebook: str = "notebook.ipynb"
    started_at: str
    finished_at: str | None = None
    duration_seconds: float | None = None
    environment: dict[str, Any] = {}
    git: dict[str, Any] | None = None
    error: ErrorRecord | None = None
    findings: list[dict[str, Any]] = []
    approvals: list[dict[str, Any]] = []
    rerun_of: str | None = None
    # The access audit log's last entry when the run ended (runner/_audit_heads.py).
    audit_head: dict[str, Any] | None = None
    # Who ran it (their own signed approval does not count) and the checkers' signed
    # decisions (runner/_signoff.py; only with a trust.yml).
    author: str | None = None
    decisions: list[dict[str, Any]] = []
    # A batch's row (None: a single run); manifests written before these fields were
    # typed carried the same keys as extras, so they read the same.
    batch: BatchRecord | None = None
    shared_inputs: list[SharedInputRecord] = []


def utc_now() -> str:
    """Return the current UTC time as an ISO 8601 string."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def package_versions() -> dict[str, str]:
    """Return the installed versions of the packages a run depends on."""
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def environment() -> dict[str, Any]:
    """Describe the machine and software a run used."""
    return {
        "packages": package_versions(),
        "platform": platform.platform(),
        "python_executable": sys.executable,
    }


def git_state(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Return the git commit of the repository holding ``path`` and whether it is dirty."""
    folder = Path(path).resolve()
    folder = folder if folder.is_dir() else folder.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(folder), "status", "--porcelain", "--", str(Path(path).resolve())],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(dirty)}


def write_manifest(run_dir: Path, manifest: Manifest) -> Path:
    """Write ``manifest.json`` atomically (a reader never sees half a file)."""
    from workbench.runner._rundir import RunDir

    return RunDir(run_dir).write_manifest(manifest)


def read_manifest(path: str | os.PathLike[str]) -> Manifest:
    """Read a manifest file (or the ``manifest.json`` inside a run directory)."""
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkbenchError(message("manifest_not_found", path=path.resolve())) from None
    except json.JSONDecodeError as exc:
        raise WorkbenchError(message("manifest_not_json", path=path, line=exc.lineno)) from None
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(최상위)'}: {validation_problem(e)}"
            for e in exc.errors()
        )
        raise WorkbenchError(message("manifest_invalid", path=path, error=problems)) from None
