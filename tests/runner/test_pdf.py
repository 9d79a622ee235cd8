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


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.kernel
def test_run_with_pdf_writes_report_pdf_beside_the_report_and_lists_it(tmp_path):
    import json

    import pandas as pd
    from typer.testing import CliRunner

    from workbench.cli import app

    data = tmp_path / "가구.csv"
    pd.DataFrame(
        {"법정동코드": ["1111010100", "2611010100"] * 30, "가구원수": list(range(60))}
    ).to_csv(data, index=False, encoding="cp949")
    run = tmp_path / "run"
    done = CliRunner().invoke(
        app, ["run", "profile", "-p", f"data_path={data}", "-o", str(run), "--pdf", "-q"]
    )
    assert done.exit_code == 0, done.output
    assert "report.pdf" in done.output
    text = pdf_text(run / "report.pdf")
    assert "자료 품질 및 기술통계 진단" in text and "핵심 결과" in text
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["status"], manifest["report_pdf"]) == ("succeeded", "report.pdf")

    # Run again into the same folder without --pdf: the earlier PDF does not linger.
    again = CliRunner().invoke(
        app, ["run", "profile", "-p", f"data_path={data}", "-o", str(run), "--force", "-q"]
    )
    assert again.exit_code == 0, again.output
    assert not (run / "report.pdf").exists()
    assert json.loads((run / "manifest.json").read_text(encoding="utf-8"))["report_pdf"] is None


def test_a_run_without_a_report_gets_no_pdf(tmp_path):
    from workbench.runner._pdf import write_report_pdf

    with pytest.raises(PdfError, match="실행 폴더가 아닙니다"):
        write_report_pdf(tmp_path)
    assert not (tmp_path / "report.pdf").exists()


def test_batch_with_pdf_prints_each_report_and_the_index(tmp_path):
    from typer.testing import CliRunner

    from workbench.cli import app

    matrix = tmp_path / "regions.csv"
    matrix.write_text("region_code\n11\n26\n", encoding="utf-8")
    out = tmp_path / "batch"
    done = CliRunner().invoke(
        app, ["batch", "region_summary", "-m", str(matrix), "-o", str(out), "--pdf", "-q"]
    )
    assert done.exit_code == 0, done.output
    assert "index.pdf" in done.output
    index = pdf_text(out / "index.pdf")
    assert "일괄 실행 결과" in index and "서울특별시" in index and "부산광역시" in index
    reports = sorted(out.glob("*/report.pdf"))
    assert len(reports) == 2
    assert all("핵심 결과" in pdf_text(report) for report in reports)
