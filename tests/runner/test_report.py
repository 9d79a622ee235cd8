"""The officials' report: structure, key results, Korean labels and times, nothing fetched."""

import re
from pathlib import Path

import pandas as pd
import pytest

from workbench.runner import run_analysis
from workbench.runner._key_results import format_value
from workbench.samples import households


@pytest.fixture(scope="module")
def regression_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    data = folder / "가구_2025.csv"
    households(300, seed=4).to_csv(data, index=False, encoding="cp949")
    result = run_analysis("regression", {"data_path": str(data)}, out=folder / "run")
    return result.run_dir


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.kernel
def test_the_report_states_its_key_results_first(regression_run):
    html = (regression_run / "report.html").read_text(encoding="utf-8")
    text = _text(html)
    diagnostics = pd.read_csv(regression_run / "results" / "diagnostics.csv", dtype=str)
    values = dict(zip(diagnostics["항목"], diagnostics["값"], strict=True))
    for sentence in (
        f"추정한 모형은 {values['모형']}입니다.",
        f"관측 {format_value(values['관측 수'], 'int')}개로 추정했습니다.",
        f"설명력(R²)은 {format_value(values['R²'], 'number')}입니다.",
    ):
        assert sentence in text
    order = [text.index(h) for h in ("핵심 결과", "1. 회귀계수", "분석 조건", "자료", "재현 정보")]
    assert order == sorted(order)


@pytest.mark.kernel
def test_conditions_use_korean_labels_file_names_and_korea_time(regression_run):
    html = (regression_run / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in html
    conditions = _text(html.split("분석 조건", 1)[1].split("공개 전 점검", 1)[0])
    assert "회귀식 (결과 ~ 설명 변수들)" in conditions and "가구_2025.csv" in conditions
    assert "data_path" not in conditions and "formula" not in conditions
    assert str(regression_run.parent) not in html  # no server path anywhere
    assert re.search(r"\d{4}년 \d{1,2}월 \d{1,2}일 \d{2}:\d{2} 실행", html)


@pytest.mark.kernel
def test_the_report_fetches_nothing_and_prints_on_a4(regression_run):
    html = (regression_run / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html  # no require.js, MathJax or mermaid from a CDN
    fetched = re.findall(r"""(?:src|href)\s*=\s*["']?(https?:|//)""", html)
    assert fetched == [] and "@import" not in html
    assert "@page" in html and "size: A4" in html and "table-header-group" in html


@pytest.mark.kernel
def test_developer_notes_stay_out_of_the_report(regression_run):
    import json

    html = (regression_run / "report.html").read_text(encoding="utf-8")
    manifest = json.loads((regression_run / "manifest.json").read_text(encoding="utf-8"))
    notes = [f for f in manifest["findings"] if f["rule"] == "disclosure.unchecked"]
    assert notes  # still recorded for the analyst
    assert "wb.publish" not in html and "counts=" not in html
    assert "공개 전 점검(개인정보, 작은 숫자, 회귀분석의 관측 수)을 거쳤습니다" in _text(html)


def test_values_are_shown_as_written_except_files(tmp_path):
    from workbench.runner import find_analysis
    from workbench.runner._report import _shown_value

    regression = find_analysis("regression")
    assert _shown_value(regression, "formula", "y ~ a / b + c") == "y ~ a / b + c"
    data = tmp_path / "표.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    assert _shown_value(regression, "data_path", str(data)) == "표.csv"
    assert _shown_value(regression, "data_path", "sample://households") == "예시 자료 (households)"
    assert _shown_value(regression, "alpha", 0.05) == "0.05"
