"""A report printed to PDF by Debian's Chromium: A4, Korean text, 핵심 결과 readable."""

import subprocess

import pytest

from workbench.runner import run_analysis
from workbench.runner._pdf import PdfError, html_to_pdf


@pytest.mark.kernel
def test_a_report_prints_to_a4_with_its_korean_title_and_key_results(tmp_path):
    result = run_analysis("regression", out=tmp_path / "run")
    pdf = html_to_pdf(result.report, tmp_path / "run" / "report.pdf")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "회귀분석" in text and "핵심 결과" in text and "분석 조건" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "(A4)" in info.stdout
    assert not list((tmp_path / "run").glob(".wb-*"))  # written whole, no temporary left


def test_without_chromium_the_message_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CHROMIUM", str(tmp_path / "no-such-browser"))
    page = tmp_path / "r.html"
    page.write_text("<h1>보고서</h1>", encoding="utf-8")
    with pytest.raises(PdfError, match="Chromium이 필요") as info:
        html_to_pdf(page, tmp_path / "r.pdf")
    assert "apt-get install chromium" in str(info.value)
    assert not (tmp_path / "r.pdf").exists()
