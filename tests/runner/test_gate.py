"""The release gate: personal information and small cells block the report until approved."""

import json

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.exceptions import ParameterError, ReleaseBlockedError
from workbench.runner import check_run, load_approvals, run_analysis

pytestmark = pytest.mark.kernel

RRN = "900101-1234567"


def manifest(run_dir):
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def notebook_with(tmp_path, code: str, parameters: str, name: str):
    """Write a two-cell notebook (a parameters cell, then ``code``) and return its path."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    cell = new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[cell, new_code_cell(code)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def everything_written(run_dir) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in run_dir.rglob("*") if p.is_file()
    )


@pytest.mark.parametrize(
    ("fixture", "rule", "location"),
    [
        ("prints_resident_number", "pii.resident_id", {"cell_number": 2, "output_number": 1}),
        (
            "small_cell",
            "disclosure.threshold",
            {"kind": "cell", "row": "중구", "column": "가구 수"},
        ),
        ("shows_small_table", "disclosure.threshold", {"cell_number": 2, "output_number": 1}),
    ],
)
def test_a_finding_blocks_the_report_and_is_listed(
    fixture_notebook, tmp_path, fixture, rule, location
):
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app, ["run", str(fixture_notebook(fixture)), "--out", str(out), "-q"]
    )
    assert result.exit_code == 1
    assert "공개 보류" in result.output and "--approve" in result.output
    m = manifest(out)
    assert m["status"] == "blocked"
    assert m["report"] is None
    assert not (out / "report.html").exists()
    assert not (out / "results").exists()  # held back, not released
    found = [f for f in m["findings"] if f["rule"] == rule]
    assert found
    for finding in found:
        assert location.items() <= finding["location"].items()
        assert finding["approved"] is False
        assert finding["id"] in result.output


def test_the_gate_never_repeats_the_identifier(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app, ["run", str(fixture_notebook("prints_resident_number")), "--out", str(out), "-q"]
    )
    assert RRN not in result.output
    assert RRN not in (out / "manifest.json").read_text(encoding="utf-8")


def test_approval_on_the_command_line_writes_the_report(fixture_notebook, tmp_path):
    path = fixture_notebook("small_cell")
    first = tmp_path / "first"
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(path, out=first)
    (finding,) = info.value.findings
    approvals = load_approvals([finding.id], "구 단위 합계는 공개 통계로 이미 공표됨")
    result = run_analysis(path, out=tmp_path / "second", approvals=approvals)
    m = manifest(result.run_dir)
    assert m["status"] == "succeeded"
    assert (result.run_dir / "report.html").exists()
    (approval,) = m["approvals"]
    assert approval["id"] == finding.id and approval["reason"].startswith("구 단위")
    assert approval["by"]
    assert [f["approved"] for f in m["findings"]] == [True]


def test_workbench_check_releases_a_blocked_run_once_approved(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(fixture_notebook("small_cell"), out=out)
    finding_id = info.value.findings[0].id

    still = CliRunner().invoke(app, ["check", str(out)])
    assert still.exit_code == 1 and finding_id in still.output

    no_reason = CliRunner().invoke(app, ["check", str(out), "--approve", finding_id])
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output

    done = CliRunner().invoke(
        app, ["check", str(out), "--approve", finding_id, "--reason", "검토함"]
    )
    assert done.exit_code == 0, done.output
    assert (out / "report.html").exists()
    assert (out / "results" / "households_by_region.csv").exists()
    assert manifest(out)["status"] == "succeeded"


def test_approving_an_unknown_finding_is_refused(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    with pytest.raises(ReleaseBlockedError):
        run_analysis(fixture_notebook("small_cell"), out=out)
    with pytest.raises(ParameterError, match="No finding with id"):
        check_run(out, load_approvals(["threshold-00000000"], "이유"))


def test_internal_outputs_stay_out_of_the_report_and_the_gate(tmp_path):
    code = (
        "import pandas as pd\n"
        "import workbench as wb\n"
        f"visits = pd.DataFrame({{'성명': ['김민준'], '주민등록번호': ['{RRN}']}})\n"
        "wb.publish(visits, 'visit_list', internal=True)"
    )
    path = notebook_with(tmp_path, code, "visit = 1  # unused", "visits")
    result = run_analysis(path, out=tmp_path / "run")
    assert (result.run_dir / "internal" / "visit_list.csv").exists()
    assert RRN not in result.report.read_text(encoding="utf-8")
    assert manifest(result.run_dir)["findings"] == []


def test_thresholds_come_from_the_projects_ethics_record(fixture_notebook, tmp_path, monkeypatch):
    (tmp_path / "ethics.yml").write_text("thresholds:\n  safe_threshold: 3\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_analysis(fixture_notebook("small_cell"), out=tmp_path / "run")
    assert manifest(result.run_dir)["status"] == "succeeded"


REASON = ["--reason", "교육용 가상 번호"]


def test_run_with_approve_on_the_command_line(fixture_notebook, tmp_path):
    # The fixture prints a resident number and its parameter default is a name (홍길동):
    # two findings, each approved with its own --approve.
    path = str(fixture_notebook("prints_resident_number"))
    first = CliRunner().invoke(app, ["run", path, "--out", str(tmp_path / "a"), "-q"])
    ids = sorted(f["id"] for f in manifest(tmp_path / "a")["findings"])
    assert {i.split("-")[0] for i in ids} == {"resident_id", "person_name"}
    assert all(i in first.output for i in ids)
    only_one = CliRunner().invoke(
        app,
        ["run", path, "--out", str(tmp_path / "b"), "-q", "--approve", ids[0], *REASON],
    )
    assert only_one.exit_code == 1 and manifest(tmp_path / "b")["status"] == "blocked"
    approved = CliRunner().invoke(
        app,
        ["run", path, "--out", str(tmp_path / "c"), "-q"]
        + [arg for i in ids for arg in ("--approve", i)]
        + REASON,
    )
    assert approved.exit_code == 0, approved.output
    m = manifest(tmp_path / "c")
    assert m["status"] == "succeeded" and (tmp_path / "c" / "report.html").exists()
    assert sorted(a["id"] for a in m["approvals"]) == ids
    assert {a["reason"] for a in m["approvals"]} == {"교육용 가상 번호"}


def test_a_table_without_declared_counts_is_noted_not_blocked(fixture_notebook, tmp_path):
    result = run_analysis(fixture_notebook("ok"), out=tmp_path / "run")
    (note,) = manifest(result.run_dir)["findings"]
    assert note["rule"] == "disclosure.unchecked" and note["severity"] == "info"
    assert note["location"] == {"kind": "table", "file": "results/table.csv", "table": "table"}


def test_the_report_shows_what_was_approved_and_why(fixture_notebook, tmp_path):
    path = fixture_notebook("small_cell")
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(path, out=tmp_path / "a")
    approvals = load_approvals([info.value.findings[0].id], "이미 공표된 통계")
    result = run_analysis(path, out=tmp_path / "b", approvals=approvals)
    html = result.report.read_text(encoding="utf-8")
    assert "공개 전 점검" in html and "승인" in html and "이미 공표된 통계" in html


def test_a_displayed_table_of_names_is_held(tmp_path):
    # Names carry no context of their own ("김민준"); the column heading 성명 says what they
    # are, so the gate reads displayed DataFrames as tables, not only as text.
    code = (
        "import pandas as pd\n"
        "pd.DataFrame({'성명': ['김민준', '이서연', '박지호'][:n], '월소득': [210, 340, 180][:n]})"
    )
    path = notebook_with(tmp_path, code, "n = 3", "names")
    with pytest.raises(ReleaseBlockedError):
        run_analysis(path, out=tmp_path / "run")
    m = manifest(tmp_path / "run")
    assert m["status"] == "blocked"
    [finding] = [f for f in m["findings"] if f["rule"] == "pii.person_name"]
    assert finding["location"] == {"kind": "output", "cell_number": 2, "output_number": 1}
    assert finding["count"] == 3
    assert "김민준" not in json.dumps(m, ensure_ascii=False)
