"""The batch index totals only what adds up: counts and amounts, never rates or maxima.

A real batch of a small notebook whose key results declare ``additive`` (or leave it to
the default by format); the summary table of ``index.html`` is read as an official reads it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from workbench.runner import run_batch

AGENCIES = {  # 기관: 민원 건수, 가장 오래 걸린 처리(일), 예산(원), 기한 내 처리율
    "가시": (120, 12, 1_500_000, 0.91),
    "나시": (340, 30, 2_250_000, 0.85),
    "다군": (95, 7, 4_000_000, 0.78),
}


def _notebook(path: Path) -> Path:
    parameters = new_code_cell(
        'agency = "가시"  # 기관 이름\n'
        "complaints = 100  # 민원 건수 (건)\n"
        "longest = 5  # 가장 오래 걸린 처리 (일)\n"
        "budget = 1000000  # 배정 예산 (원)\n"
        "on_time = 0.9  # 기한 내 처리율 (0~1)"
    )
    parameters.metadata["tags"] = ["parameters"]
    cells = [
        new_markdown_cell("# 기관별 민원 처리"),
        parameters,
        new_code_cell(
            "import pandas as pd\n\n"
            "import workbench as wb\n\n"
            "summary = pd.DataFrame({'기관': [agency], '민원 건수': [complaints], "
            "'가장 오래 걸린 처리(일)': [longest], '예산(원)': [budget], "
            "'기한 내 처리율': [on_time]})\n"
            "wb.publish(summary, 'summary', title='민원 처리 요약')"
        ),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for n, cell in enumerate(nb.cells):
        cell.id = f"cell-{n}"
    result = {"table": "summary"}
    nb.metadata["workbench"] = {
        "name": "complaint_totals",
        "title": "기관별 민원 처리",
        "summary": "Fixture: additive key results",
        "version": "1.0.0",
        "level": "standard",
        "inputs": {},
        "outputs": [],
        "key_results": [
            {**result, "name": "기관", "column": "기관", "format": "text", "role": "label"},
            # A count: additive by default (format int).
            {**result, "name": "민원 건수", "column": "민원 건수", "format": "int"},
            # A count of days, but the longest of each agency: its sum means nothing.
            {
                **result,
                "name": "가장 오래 걸린 처리(일)",
                "column": "가장 오래 걸린 처리(일)",
                "format": "int",
                "additive": False,
            },
            # An amount: a number that does add up, declared so.
            {
                **result,
                "name": "예산(원)",
                "column": "예산(원)",
                "format": "number",
                "additive": True,
            },
            # A share is never summed, even when declared additive by mistake.
            {
                **result,
                "name": "기한 내 처리율",
                "column": "기한 내 처리율",
                "format": "percent",
                "additive": True,
            },
        ],
    }
    nbformat.write(nb, path)
    return path


def _summary(page: str) -> dict[str, dict[str, str]]:
    """The 핵심 결과 요약 table: per result, its 기관 수, 합계 and 평균 as shown."""
    block = page.split("<h2>핵심 결과 요약</h2>")[1].split("</table>")[0]
    head, body = block.split("<tbody>")
    assert re.findall(r"<th>([^<]+)</th>", head)[1:4] == ["기관 수", "합계", "평균"]
    rows = {}
    for name, cells in re.findall(r"<tr><th>([^<]+)</th>(.*?)</tr>", body, re.S):
        values = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", cells)]
        rows[html.unescape(name)] = {"기관 수": values[0], "합계": values[1], "평균": values[2]}
    return rows


@pytest.mark.kernel
def test_the_index_totals_counts_and_amounts_but_not_maxima_or_rates(tmp_path):
    notebook = _notebook(tmp_path / "complaint_totals.ipynb")
    matrix = tmp_path / "기관.csv"
    matrix.write_text(
        "agency,complaints,longest,budget,on_time\n"
        + "".join(f"{name},{','.join(map(str, v))}\n" for name, v in AGENCIES.items()),
        encoding="utf-8",
    )
    out = tmp_path / "batch"
    result = run_batch(notebook, matrix, out=out, workers=1)
    assert result.ok and result.count("succeeded") == 3

    rows = _summary((out / "index.html").read_text(encoding="utf-8"))
    assert set(rows) == {"민원 건수", "가장 오래 걸린 처리(일)", "예산(원)", "기한 내 처리율"}
    assert all(row["기관 수"] == "3" for row in rows.values())
    # Additive: the total the agencies add up to.
    assert rows["민원 건수"]["합계"] == "555"
    assert rows["예산(원)"]["합계"] == "7,750,000"
    # Not additive: no total (49 days or 254% would mislead), the mean still shown.
    assert rows["가장 오래 걸린 처리(일)"]["합계"] == ""
    assert rows["가장 오래 걸린 처리(일)"]["평균"] == "16.3"
    assert rows["기한 내 처리율"]["합계"] == "" and rows["기한 내 처리율"]["평균"] == "84.7%"


def test_standard_notebooks_declare_what_adds_up():
    """Rates, shares, averages and model statistics are declared non-additive."""
    root = Path(__file__).resolve().parents[2] / "notebooks" / "standard"
    declared: dict[str, bool] = {}
    for path in sorted(root.glob("*.ipynb")):
        for key in nbformat.read(path, as_version=4).metadata["workbench"]["key_results"]:
            if key.get("role") != "label" and key.get("format") != "text":
                # Every numeric result says whether it adds up across agencies.
                assert isinstance(key.get("additive"), bool), (path.name, key["name"])
                assert not (key["additive"] and key.get("format") == "percent"), key["name"]
                declared[f"{path.stem}: {key['name']}"] = key["additive"]
    for name in (
        "small_business_risk: AUC",
        "regression: R²",
        "policy_effect: 정책효과",
        "household_income: 그 지역의 중위 월소득(만원)",
        "complaint_text: 그 단어의 증가 배율",
        "ev_charging_sites: 포괄 반경",
        "profile: 열 수",
    ):
        assert declared[name] is False, name
    for name in (
        "ev_charging_sites: 총 수요",
        "policy_effect: 관측 수",
        "welfare_blind_spots: 방문 대상",
    ):
        assert declared[name] is True, name
