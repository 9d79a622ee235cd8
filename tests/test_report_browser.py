"""Reports of each level and a batch index, as an official sees them in Chromium (issue 14).

One report per level (automatic: ``profile``; standard: ``household_income``; advanced:
an analyst's own notebook composed of blocks) and the briefing index of a batch are opened
in Debian's Chromium at 1280 px and saved as full-page screenshots in the test's folder
(copied to ``$WORKBENCH_SCREENSHOTS`` when set). Each must draw its Korean with fonts that
have Hangul, ask no host but 127.0.0.1, and show no English parameter name in its body.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from browser_checks import chromium, fonts_without_hangul, foreign_requests, recorded_requests
from workbench import samples
from workbench.runner import run_analysis, run_batch

pytestmark = pytest.mark.kernel

ADVANCED_PARAMETERS = """\
data_path = "sample://households"  # 분석할 가구 표
min_households = 10  # 지역별 요약에 넣을 최소 가구 수 (가구)
alpha = 0.05  # 유의수준
"""
ADVANCED_BODY = """\
import workbench as wb

wb.use_korean_font()
households = wb.read_table(data_path)
model = wb.blocks.regression(households, "월소득 ~ 나이 + 가구원수", alpha=alpha)
wb.publish(model.coefficients, "coefficients", title="월소득의 회귀계수")
by_region = households.groupby("시도", as_index=False).agg(가구수=("월소득", "size"))
wb.publish(by_region[by_region["가구수"] >= min_households], "regions", title="시도별 가구 수")
"""


def advanced_notebook(path: Path) -> Path:
    """An analyst's notebook of level ``advanced``: blocks composed by hand."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["workbench"] = {
        "name": "income_by_region",
        "title": "지역별 소득 구조 (분석가 작성)",
        "level": "advanced",
        "summary": "회귀 블록과 집계를 조합한 분석가의 노트북입니다.",
        "version": "0.1.0",
        "outputs": ["coefficients", "regions"],
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 지역별 소득 구조\n\n분석가가 블록을 조합한 분석입니다."),
        nbformat.v4.new_code_cell(ADVANCED_PARAMETERS, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("## 1. 소득 모형과 지역별 가구 수"),
        nbformat.v4.new_code_cell(ADVANCED_BODY),
    ]
    nbformat.write(nb, path)
    return path


def parameter_names(notebook: Path) -> list[str]:
    """The names a notebook's parameters cell assigns (the English a report must not show)."""
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return re.findall(r"^([A-Za-z_]\w*)\s*=", cell.source, flags=re.M)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Run one report of each level and a small batch; the HTML files and their notebooks."""
    root = tmp_path_factory.mktemp("reports")
    households = root / "가구자료.csv"
    samples.write("households", households, encoding="cp949", n=400)
    standard = Path(__file__).parents[1] / "notebooks" / "standard"
    advanced = advanced_notebook(root / "income_by_region.ipynb")
    runs = {
        "automatic": ("profile", {"data_path": str(households)}, standard / "profile.ipynb"),
        "standard": (
            "household_income",
            {"data_path": str(households)},
            standard / "household_income.ipynb",
        ),
        "advanced": (str(advanced), {"data_path": str(households)}, advanced),
    }
    found = {}
    for level, (name, parameters, notebook) in runs.items():
        result = run_analysis(name, parameters, out=root / level)
        assert result.manifest.status == "succeeded", level
        found[level] = (result.report, notebook)
    matrix = root / "regions.csv"
    matrix.write_text("region_code\n11\n26\n41\n", encoding="utf-8")
    batch = run_batch("region_summary", matrix, out=root / "batch")
    assert batch.ok
    found["batch"] = (root / "batch" / "index.html", standard / "region_summary.ipynb")
    return found


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.mark.parametrize("level", ["automatic", "standard", "advanced", "batch"])
def test_report_reads_in_korean_offline_without_parameter_names(pages, browser, level, tmp_path):
    html, notebook = pages[level]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    try:
        with recorded_requests(tab) as urls:
            tab.goto(html.resolve().as_uri(), wait_until="networkidle")
        shot = tmp_path / f"{level}.png"
        tab.screenshot(path=shot, full_page=True)
        if os.environ.get("WORKBENCH_SCREENSHOTS"):
            target = Path(os.environ["WORKBENCH_SCREENSHOTS"])
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, target / f"report-{level}.png")
        assert shot.stat().st_size > 10_000

        assert foreign_requests(urls) == []
        assert fonts_without_hangul(tab) == []

        body = tab.locator("body").inner_text()
        assert tab.locator("html").get_attribute("lang") == "ko"
        shown = [name for name in parameter_names(notebook) if re.search(rf"\b{name}\b", body)]
        assert shown == [], f"English parameter names in the {level} report: {shown}"
    finally:
        context.close()
