"""One visit to the page: its folder, its uploads, its runs, its downloads.

A session lives in ``<project>/runs/app/<timestamp>-<id>/``: uploaded files go to
``uploads/`` (the run's manifest points at them, so a run can be re-run and verified),
and each run gets its own run directory next to it, written by the same runner and
release gate as ``workbench run``.
"""

from __future__ import annotations

import base64
import io
import logging
import re
import secrets
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.app._form import DataSource
from workbench.app._messages import Notice, describe_error, message
from workbench.exceptions import DataReadError, UploadTooLargeError

__all__ = [
    "UPLOAD_SUFFIXES",
    "AppSession",
    "Outcome",
    "UploadCheck",
    "data_url",
    "max_upload_bytes",
    "page_analyses",
]

#: File types the page accepts (what ``wb.read_table`` reads).
UPLOAD_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".parquet", ".json")
#: Analysis levels an official may run from the page.
PAGE_LEVELS = ("auto", "standard")

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^\w.\-가-힣 ]+")

#: Environment variable (set by ``workbench app --max-upload-mb``): the largest upload.
MAX_UPLOAD_ENV = "WORKBENCH_APP_MAX_UPLOAD_MB"
DEFAULT_MAX_UPLOAD_MB = 200


def max_upload_bytes() -> int:
    """Return the page's upload limit in bytes (``$WORKBENCH_APP_MAX_UPLOAD_MB``, else 200 MiB).

    >>> max_upload_bytes() // 2**20
    200
    """
    import os

    raw = os.environ.get(MAX_UPLOAD_ENV, "")
    mb = int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_UPLOAD_MB
    return mb * 1024 * 1024


@dataclass(frozen=True)
class UploadCheck:
    """What the page learned of an upload at once, before any run.

    Attributes
    ----------
    columns : list of str
        The table's columns (offered where a parameter names a column).
    rows : int
        Its rows.
    personal : list of (column, kind label, count)
        Columns the scanner reads as personal information (by their values or header).
    """

    columns: list[str]
    rows: int
    personal: list[tuple[str, str, int]]


#: Rows the upload scan reads (a seeded sample beyond it: the notice is a first look,
#: the release gate still checks everything a run would publish).
SCAN_ROWS = 20_000


@dataclass
class Outcome:
    """What one run left for the page: a report and downloads, or a notice."""

    notice: Notice | None
    report_html: str = ""
    run_dir: Path | None = None
    results_zip: bytes = b""
    #: The report printed to PDF; empty when it could not be printed (no Chromium).
    report_pdf: bytes = b""

    @property
    def ok(self) -> bool:
        return self.notice is None


def page_analyses() -> list[Any]:
    """Return the standard analyses an official may run: level ``auto`` first, then ``standard``."""
    from workbench.runner import list_analyses

    found = [a for a in list_analyses() if a.meta.level in PAGE_LEVELS]
    return sorted(found, key=lambda a: (PAGE_LEVELS.index(a.meta.level), a.title))


def data_url(content: bytes, mime: str) -> str:
    """Return ``content`` as a ``data:`` URL (downloads work offline, with no file server).

    >>> data_url(b"hi", "text/plain")
    'data:text/plain;base64,aGk='
    """
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _safe_name(name: str) -> str:
    """Keep a file's own name only: no folders, nothing a shell or a path would misread."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip(" .") or "upload"
    return cleaned[:120]


class AppSession:
    """The page's state for one visitor.

    Parameters
    ----------
    project : path
        The project folder (catalog, ethics record, runs).
    folder : path, optional
        The session folder; default a new ``<project>/runs/app/<timestamp>-<id>``.
    pdf : bool, default True
        Print each run's report to ``report.pdf`` (Chromium) and offer it for download.
    """

    def __init__(
        self, project: str | Path, folder: str | Path | None = None, *, pdf: bool = True
    ) -> None:
        self.project = Path(project).resolve()
        self.pdf = pdf
        if folder is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            folder = self.project / "runs" / "app" / f"{stamp}-{secrets.token_hex(3)}"
        self.folder = Path(folder).resolve()
        self.uploads: list[Path] = []
        self._runs = 0

    # --- data -------------------------------------------------------------------------

    def save_upload(self, name: str, content: bytes) -> Path:
        """Store an uploaded file in the session's ``uploads/`` and return its path.

        A second file of the same name is kept beside the first, never over it.

        Raises
        ------
        DataReadError
            For a file type the analyses cannot read, or an empty file.
        UploadTooLargeError
            For a file over the page's limit (:func:`max_upload_bytes`).
        """
        safe = _safe_name(name)
        limit = max_upload_bytes()
        if len(content) > limit:
            raise UploadTooLargeError(safe, len(content), limit)
        if Path(safe).suffix.lower() not in UPLOAD_SUFFIXES:
            raise DataReadError(
                message("upload_suffix", name=safe, have=", ".join(s[1:] for s in UPLOAD_SUFFIXES)),
                path=safe,
            )
        if not content:
            raise DataReadError(message("upload_empty", name=safe), path=safe)
        folder = self.folder / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        target, n = folder / safe, 2
        while target.exists():
            target = folder / f"{Path(safe).stem}-{n}{Path(safe).suffix}"
            n += 1
        target.write_bytes(content)
        self.uploads.insert(0, target)
        return target

    def inspect_upload(self, path: Path) -> UploadCheck:
        """Read an upload once and scan it for personal information.

        Raises
        ------
        DataReadError
            When the file cannot be read as a table.
        """
        from workbench.catalog import read_table
        from workbench.ethics import KIND_LABELS, scan

        frame = read_table(path)
        result = scan(frame, sample=SCAN_ROWS if len(frame) > SCAN_ROWS else None)
        personal = [
            (str(column), KIND_LABELS.get(found.kind, found.kind), found.count)
            for column, kinds in result.columns.items()
            for found in kinds
        ]
        return UploadCheck([str(c) for c in frame.columns], len(frame), personal)

    def sources(self) -> list[DataSource]:
        """Return the uploaded files (newest first), then the catalog datasets allowed here."""
        found = [DataSource(f"올린 파일: {p.name}", str(p), uploaded=True) for p in self.uploads]
        return found + self.catalog_sources()

    def catalog_sources(self) -> list[DataSource]:
        """Catalog datasets whose use the project's ethics record allows.

        A personal dataset without a purpose in ``ethics.yml`` is left out rather than
        offered and refused.
        """
        from workbench.catalog import open_catalog

        try:
            catalog = open_catalog(project=self.project)
        except Exception:  # a broken catalog must not break the page; uploads still work
            log.exception("catalog could not be opened")
            return []
        found = []
        for name in catalog:
            entry = catalog[name]
            try:
                catalog.check_access(name)
            except Exception:
                continue
            found.append(DataSource(f"자료 목록: {entry.title} ({name})", f"catalog:{name}"))
        return found

    # --- runs -------------------------------------------------------------------------

    def _next_run_dir(self, name: str) -> Path:
        self._runs += 1
        run_dir = self.folder / f"{name}-{self._runs:02d}"
        while run_dir.exists():
            self._runs += 1
            run_dir = self.folder / f"{name}-{self._runs:02d}"
        return run_dir

    def run(
        self,
        name: str,
        parameters: Mapping[str, Any],
        *,
        labels: dict[str, str] | None = None,
        progress: Callable[[str, int, int, Any], None] | None = None,
        secrets: Mapping[str, str] | None = None,
    ) -> Outcome:
        """Run analysis ``name`` with ``parameters`` and return the report or a notice.

        ``secrets`` are the values of the analysis's secret parameters (API keys,
        passwords): they reach the kernel and are written nowhere.

        Never raises for a failed run, a gate refusal or bad input: those become a
        Korean :class:`Notice`. Anything unexpected is logged (with its traceback, in
        the session's ``app.log``) and becomes a generic notice.
        """
        from workbench.exceptions import WorkbenchError
        from workbench.runner import run_analysis

        try:
            result = run_analysis(
                name,
                parameters,
                out=self._next_run_dir(name),
                progress=progress,
                secrets=secrets,
            )
            report = result.report.read_text(encoding="utf-8")
            return Outcome(
                None,
                report,
                result.run_dir,
                _zip_results(result.run_dir),
                _report_pdf(result.run_dir) if self.pdf else b"",
            )
        except WorkbenchError as exc:
            log.info("run of %s refused or failed: %s", name, type(exc).__name__)
            return Outcome(describe_error(exc, labels))
        except Exception as exc:
            self._log_unexpected(name)
            return Outcome(describe_error(exc, labels))

    def _log_unexpected(self, name: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(self.folder / "app.log", encoding="utf-8")
        log.addHandler(handler)
        try:
            log.exception("unexpected error while running %s", name)
        finally:
            log.removeHandler(handler)
            handler.close()


def _report_pdf(run_dir: Path) -> bytes:
    """Print the run's report to PDF; empty (and logged) when it cannot be printed."""
    from workbench.runner import PdfError, write_report_pdf

    try:
        return write_report_pdf(run_dir).read_bytes()
    except PdfError as exc:
        log.warning("no PDF for %s: %s", run_dir.name, exc)
        return b""


def _zip_results(run_dir: Path) -> bytes:
    """Zip the released ``results/`` (fixed timestamps: the same results, the same bytes)."""
    buffer = io.BytesIO()
    folder = run_dir / "results"
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo(path.relative_to(run_dir).as_posix(), (1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        manifest = run_dir / "manifest.json"
        if manifest.is_file():
            info = zipfile.ZipInfo("manifest.json", (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, manifest.read_bytes())
    return buffer.getvalue()
