"""The gate on real runs: figures, displayed models, files saved into results/, approvals.

Each test runs a notebook in a real kernel (through ``run_analysis``), because what is
checked is what the kernel hooks record while the notebook runs.
"""

import json
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from typer.testing import CliRunner

from workbench.cli import app
from workbench.exceptions import ReleaseBlockedError
from workbench.runner import check_run, load_approvals, run_analysis

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ethics"))
from name_corpus import people

pytestmark = pytest.mark.kernel

RRN = "900101-1234567"


def manifest(run_dir):
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def notebook_with(tmp_path, *cells: str, parameters: str = "n = 1  # unused", name="nb"):
    cell = new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[cell, *(new_code_cell(c) for c in cells)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def every_byte(run_dir) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(run_dir.rglob("*")) if p.is_file())


def test_a_chart_title_with_a_resident_number_blocks_the_run(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app, ["run", str(fixture_notebook("chart_title_resident_number")), "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    m = manifest(out)
    assert m["status"] == "blocked" and not (out / "report.html").exists()
    [finding] = [f for f in m["findings"] if f["severity"] == "fail"]
    assert finding["rule"] == "pii.resident_id"
    # Output 1 is matplotlib's warning on stderr (no Korean font here); 2 is the chart.
    assert finding["location"] == {"kind": "figure", "cell_number": 2, "output_number": 2}
    assert "노트북 셀 2의 출력 2, 그림 속 글자" in result.output
    assert "그림" in finding["message"] and "다시 그리세요" in finding["message"]
    assert RRN not in result.output and RRN not in json.dumps(m, ensure_ascii=False)


def test_figures_shown_mid_cell_flushed_or_saved_are_all_read(tmp_path):
    code = (
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\n"
        "ax.plot([1, 2], [3, 4], label='김민준님 담당')\n"
        "ax.legend()\n"
        "plt.show()\n"  # shown (and closed) in the middle of the cell
        "fig2, ax2 = plt.subplots()\n"
        "ax2.set_xticks([0, 1], ['가', '010-1234-5678'])\n"  # flushed at the end of the cell
        "from workbench.runner.results import results_dir\n"
        "results = results_dir()\n"
        "results.mkdir(parents=True, exist_ok=True)\n"
        "fig3 = plt.figure()\n"
        "fig3.suptitle('민원인 " + RRN + "')\n"
        "fig3.savefig(results / 'chart.png')\n"
        "plt.close(fig3)\n"
    )
    with pytest.raises(ReleaseBlockedError):
        run_analysis(notebook_with(tmp_path, code), out=tmp_path / "run")
    findings = manifest(tmp_path / "run")["findings"]
    figures = [f for f in findings if f["location"].get("cell_number") == 2]
    assert all(f["location"]["kind"] == "figure" for f in figures)
    shown = {f["rule"]: f["location"]["output_number"] for f in figures}
    # The legend of the figure shown mid-cell comes before the ticks of the flushed one.
    assert shown["pii.person_name"] < shown["pii.phone"]
    saved = [f for f in findings if f["location"].get("file") == "results/chart.png"]
    assert [(f["rule"], f["location"]["kind"]) for f in saved] == [("pii.resident_id", "figure")]


def test_a_clean_chart_passes_and_the_setup_cell_stays_hidden(tmp_path):
    code = (
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\n"
        "ax.bar(['1월', '2월'], [3, 5])\n"
        "ax.set_title('월별 민원 건수')\n"
        "raise_here = False"
    )
    result = run_analysis(notebook_with(tmp_path, code), out=tmp_path / "run")
    assert [f for f in result.manifest.findings if f["severity"] == "fail"] == []
    html = result.report.read_text(encoding="utf-8")
    assert "_workbench_hooks" not in html and "<img" in html
    executed = nbformat.read(result.notebook, as_version=4)
    [setup] = [c for c in executed.cells if "workbench-setup" in c.metadata.get("tags", [])]
    assert setup.outputs == []


def test_a_displayed_model_with_too_few_residual_dof_blocks(fixture_notebook, tmp_path):
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(fixture_notebook("shows_small_model"), out=tmp_path / "run")
    [finding] = info.value.findings
    assert finding.rule == "disclosure.dof"
    assert (finding.location.kind, finding.location.cell_number) == ("model", 2)
    assert "잔차 자유도(6)" in finding.message and "관측을 늘리거나" in finding.message
    # Enough observations: the same notebook passes.
    result = run_analysis(fixture_notebook("shows_small_model"), {"n": 40}, out=tmp_path / "enough")
    assert result.manifest.status == "succeeded"


def test_a_printed_model_summary_blocks_like_a_displayed_one(tmp_path):
    code = (
        "import numpy as np\n"
        "import pandas as pd\n"
        "import statsmodels.formula.api as smf\n"
        "data = pd.DataFrame({'x': np.arange(n, dtype=float)})\n"
        "data['y'] = 2 * data['x'] + np.sin(data['x'])\n"
        "print(smf.ols('y ~ x', data).fit().summary())"
    )
    notebook = notebook_with(tmp_path, code, parameters="n = 8  # observations")
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(notebook, out=tmp_path / "run")
    [finding] = info.value.findings
    assert finding.rule == "disclosure.dof" and finding.location.cell_number == 2
    assert not (tmp_path / "run" / "report.html").exists()
    assert run_analysis(notebook, {"n": 40}, out=tmp_path / "enough").manifest.status == (
        "succeeded"
    )


def test_tables_taken_from_a_statsmodels_result_are_checked_like_the_model(tmp_path):
    code = (
        "import numpy as np\n"
        "import pandas as pd\n"
        "import statsmodels.formula.api as smf\n"
        "import workbench as wb\n"
        "data = pd.DataFrame({'x': np.arange(n, dtype=float)})\n"
        "data['y'] = 2 * data['x'] + np.sin(data['x'])\n"
        "fit = smf.ols('y ~ x', data).fit()\n"
        "wb.publish(fit.conf_int(), 'interval', show=False)\n"
        "fit.params.round(3)"
    )
    notebook = notebook_with(tmp_path, code, parameters="n = 8  # observations")
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(notebook, out=tmp_path / "run")
    places = {
        (f.rule, f.location.kind, f.location.file, f.location.cell_number)
        for f in info.value.findings
    }
    assert places == {
        ("disclosure.dof", "model", "results/interval.csv", None),  # published
        ("disclosure.dof", "model", None, 2),  # displayed
    }
    assert run_analysis(notebook, {"n": 40}, out=tmp_path / "enough").manifest.status == (
        "succeeded"
    )


def test_a_published_or_displayed_regression_table_is_checked_for_dof(tmp_path):
    code = (
        "import numpy as np\n"
        "import pandas as pd\n"
        "import workbench as wb\n"
        "data = pd.DataFrame({'x': np.arange(8.0)})\n"
        "data['y'] = 3 * data['x'] + np.cos(data['x'])\n"
        "fit = wb.blocks.regression(data, 'y ~ x', diagnose=False, name='작은 모형')\n"
        "wb.publish(fit.coefficients, 'coefficients', show=False)\n"
        "fit.coefficients.round(3)"
    )
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(notebook_with(tmp_path, code), out=tmp_path / "run")
    places = {
        (f.location.kind, f.location.file, f.location.cell_number) for f in info.value.findings
    }
    assert ("model", "results/coefficients.csv", None) in places  # published
    assert ("model", None, 2) in places  # displayed
    published = json.loads((tmp_path / "run" / "published.json").read_text(encoding="utf-8"))
    assert published["coefficients"]["model"]["dof"] == 6.0


def test_names_in_a_parquet_file_in_a_results_subfolder_block_the_run(tmp_path):
    # Names under a header that says nothing, written with plain pandas (not wb.publish).
    names = people(np.random.default_rng(7), 40)
    data = tmp_path / "명단.csv"
    pd.DataFrame({"담당": names, "건수": range(40)}).to_csv(data, index=False)
    code = (
        "import os\n"
        "from pathlib import Path\n"
        "import pandas as pd\n"
        "sub = Path(os.environ['WORKBENCH_RUN_DIR']) / 'results' / 'sub'\n"
        "sub.mkdir(parents=True)\n"
        "pd.read_csv(data_path).to_parquet(sub / 'x.parquet')"
    )
    notebook = notebook_with(tmp_path, code, parameters='data_path = ""  # the list')
    out = tmp_path / "run"
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(notebook, {"data_path": str(data)}, out=out)
    [finding] = info.value.findings
    assert finding.rule == "pii.person_name"
    assert (finding.location.file, finding.location.column) == ("results/sub/x.parquet", "담당")
    m = manifest(out)
    assert m["status"] == "blocked" and not (out / "report.html").exists()
    assert not (out / "results").exists() and (out / "results.held" / "sub" / "x.parquet").is_file()
    assert not any(name in json.dumps(m, ensure_ascii=False) for name in names)


def test_html_whose_only_personal_information_is_an_attribute_blocks(tmp_path):
    code = (
        "from IPython.display import HTML, display\n"
        f"display(HTML('<abbr title=\"민원인 {RRN}\">요약</abbr>'))"
    )
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(notebook_with(tmp_path, code), out=tmp_path / "run")
    [finding] = info.value.findings
    assert finding.rule == "pii.resident_id" and finding.location.output_number == 1


def people_notebook(tmp_path):
    code = "import workbench as wb\nwb.publish(wb.read_table(data_path), 'people')"
    return notebook_with(tmp_path, code, parameters='data_path = ""  # the list of people')


def write_people(path, names):
    pd.DataFrame({"성명": names, "나이": range(len(names))}).to_csv(path, index=False)
    return str(path)


def test_an_approval_never_releases_other_data_at_the_same_place(tmp_path):
    notebook = people_notebook(tmp_path)
    first_data = write_people(tmp_path / "a.csv", ["김민준", "이서연", "박지호"])
    other_data = write_people(tmp_path / "b.csv", ["최수아", "정도윤", "한지민"])

    first = tmp_path / "first"
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(notebook, {"data_path": first_data}, out=first)
    [finding] = [f for f in info.value.findings if f.location.file == "results/people.csv"]
    assert finding.rule == "pii.person_name"
    shown = [f.id for f in info.value.findings if f.location.kind == "output"]
    check_run(first, load_approvals([finding.id, *shown], "교육용 가상 명단"))
    assert manifest(first)["status"] == "succeeded"
    earlier = first / "manifest.json"

    # Other people at the same place: the approval does not apply; the finding is new.
    other = tmp_path / "other"
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(
            notebook,
            {"data_path": other_data},
            out=other,
            approvals=load_approvals(approvals_file=earlier),
        )
    [new] = [f for f in info.value.findings if f.location.file == "results/people.csv"]
    assert new.place == finding.place and new.id != finding.id
    assert "새 항목" in str(info.value) and finding.id in str(info.value)
    m = manifest(other)
    assert m["status"] == "blocked" and m["approvals"] == []
    [row] = [f for f in m["findings"] if f["id"] == new.id]
    assert row["earlier_approval"] == finding.id and row["approved"] is False
    assert not (other / "results").exists()
    # workbench check with the earlier approvals: still blocked.
    with pytest.raises(ReleaseBlockedError):
        check_run(other, load_approvals(approvals_file=earlier))

    # The same data again: the same id, and the approval applies.
    again = run_analysis(
        notebook,
        {"data_path": first_data},
        out=tmp_path / "again",
        approvals=load_approvals(approvals_file=earlier),
    )
    assert again.manifest.status == "succeeded"
    assert {a["id"] for a in again.manifest.approvals} == {finding.id, *shown}


def test_published_csv_is_safe_to_open_in_excel_and_the_report_shows_the_original(tmp_path):
    code = (
        "import pandas as pd\n"
        "import workbench as wb\n"
        "table = pd.DataFrame({'항목': ['=1+1', '@SUM(A1)', '-cmd', '-12.5', '보통'],"
        " '값': [1, -2, 3, 4, 5]})\n"
        "wb.publish(table, 'items')"
    )
    result = run_analysis(notebook_with(tmp_path, code), out=tmp_path / "run")
    text = (result.run_dir / "results" / "items.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == [
        "항목,값",
        "'=1+1,1",
        "'@SUM(A1),-2",
        "'-cmd,3",
        "-12.5,4",
        "보통,5",
    ]
    published = json.loads((result.run_dir / "published.json").read_text(encoding="utf-8"))
    assert published["items"]["neutralised"] == 3
    [record] = manifest(result.run_dir)["results"]
    assert (record["path"], record["neutralised"]) == ("results/items.csv", 3)
    html = result.report.read_text(encoding="utf-8")
    assert ">=1+1</td>" in html and "'=1+1" not in html
    assert RRN.encode() not in every_byte(result.run_dir)


def test_the_batch_index_says_where_a_blocked_run_is_held(fixture_notebook, tmp_path):
    matrix = tmp_path / "m.csv"
    matrix.write_text("title\n월별\n분기별\n", encoding="utf-8")
    out = tmp_path / "batch"
    notebook = str(fixture_notebook("chart_title_resident_number"))
    CliRunner().invoke(app, ["batch", notebook, "--matrix", str(matrix), "--out", str(out), "-q"])
    index = pd.read_csv(out / "index.csv", dtype=str)
    assert index["status"].tolist() == ["blocked", "blocked"]
    assert all(g.startswith("보류: 노트북 셀 2의 출력 2, 그림 속 글자") for g in index["gate"])
    assert RRN.encode() not in (out / "index.html").read_bytes()
