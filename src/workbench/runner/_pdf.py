"""Print a report to PDF with Chromium, headless (Debian's ``chromium`` package).

The report is self-contained HTML with print CSS (A4, sections on new pages, table
headers repeated), so the browser's own printing gives the PDF an official files or
forwards. Nothing is fetched: Chromium runs with a new empty profile and its background
networking off, and the page loads no remote resource.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from workbench.exceptions import WorkbenchError

__all__ = ["PDF_TIMEOUT", "PdfError", "chromium", "html_to_pdf", "write_report_pdf"]

#: Environment variable naming the Chromium (or Chrome) executable to print with.
CHROMIUM_ENV = "WORKBENCH_CHROMIUM"
#: Seconds one report may take to print.
PDF_TIMEOUT = 120
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)


class PdfError(WorkbenchError):
    """The report could not be printed to PDF (no Chromium, or it failed)."""


def chromium() -> str | None:
    """Return the browser that prints reports: ``$WORKBENCH_CHROMIUM``, else one on PATH."""
    given = os.environ.get(CHROMIUM_ENV)
    if given:
        return given if os.access(given, os.X_OK) else None
    return next((found for name in _NAMES if (found := shutil.which(name))), None)


def require_chromium() -> str:
    """Return the browser, or raise :class:`PdfError` saying how to install one."""
    found = chromium()
    if found is None:
        raise PdfError(
            "PDF 보고서를 만들려면 Chromium이 필요한데 이 컴퓨터에서 찾지 못했습니다. "
            "관리자에게 설치를 요청하거나(Debian·Ubuntu: sudo apt-get install chromium), "
            f"설치된 위치를 환경변수 {CHROMIUM_ENV}에 적으세요. PDF 없이 실행하려면 --pdf를 빼세요."
        )
    return found


def html_to_pdf(html: Path, pdf: Path, *, timeout: float = PDF_TIMEOUT) -> Path:
    """Print ``html`` to ``pdf`` (written whole or not at all) and return ``pdf``.

    Raises
    ------
    PdfError
        Without Chromium, or when it fails or takes longer than ``timeout`` seconds.
    """
    browser = require_chromium()
    temp = pdf.with_name(f".wb-{pdf.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="workbench-chromium-") as profile:
        command = [
            browser,
            *_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={temp}",
            html.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=timeout, check=False, cwd=profile
            )
        except subprocess.TimeoutExpired:
            temp.unlink(missing_ok=True)
            raise PdfError(
                f"PDF 보고서를 {timeout:.0f}초 안에 만들지 못했습니다 ({html.name}). "
                "보고서가 아주 크면 --pdf 없이 실행한 뒤 HTML 보고서를 브라우저에서 인쇄하세요."
            ) from None
    if done.returncode != 0 or not temp.is_file() or temp.stat().st_size == 0:
        temp.unlink(missing_ok=True)
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise PdfError(
            f"Chromium이 PDF 보고서를 만들지 못했습니다 ({html.name}, 종료 코드 "
            f"{done.returncode}). HTML 보고서는 그대로 쓸 수 있습니다. 원인: {detail[0]}"
        )
    os.replace(temp, pdf)
    return pdf


def write_report_pdf(run_dir: str | os.PathLike[str], *, timeout: float = PDF_TIMEOUT) -> Path:
    """Print a succeeded run's ``report.html`` to ``report.pdf`` beside it; list it in the manifest.

    ``workbench run --pdf``, the page and the batch (once per run) call this after the
    run has finished. A run without a report (failed or blocked) gets no PDF.

    Returns
    -------
    pathlib.Path
        The written ``report.pdf``.

    Raises
    ------
    PdfError
        The run has no report, or Chromium is missing or fails (the run itself, its
        report and results stay as they are).
    """
    from workbench.runner._rundir import REPORT_PDF, RunDir

    folder = RunDir(run_dir)
    if not folder.manifest.is_file():
        raise PdfError(
            f"PDF를 만들 실행 폴더가 아닙니다: {folder.path} (manifest.json이 없음). "
            "workbench run이 만든 폴더를 지정하세요."
        )
    manifest = folder.read_manifest()
    if manifest.status != "succeeded" or not folder.report.is_file():
        raise PdfError(
            f"{folder.path}에는 보고서(report.html)가 없어 PDF를 만들 수 없습니다 "
            f"(실행 상태: {manifest.status}). 실행이 성공한 뒤 다시 시도하세요."
        )
    html_to_pdf(folder.report, folder.report_pdf, timeout=timeout)
    manifest.report_pdf = REPORT_PDF
    folder.write_manifest(manifest)
    return folder.report_pdf
