"""Real runs through papermill and a real kernel."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.exceptions import RunExistsError, RunFailedError
from workbench.runner import run_analysis

pytestmark = pytest.mark.kernel


def manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def test_successful_run_leaves_report_results_and_manifest(fixture_notebook, tmp_path):
    events = []
    result = run_analysis(
        fixture_notebook("ok"),
        {"rows": 4, "label": "나"},
        out=tmp_path / "run",
        progress=lambda kind, i, n, cell: events.append((kind, i, n)),
    )
    run_dir = result.run_dir
    assert sorted(p.name for p in run_dir.iterdir()) == [
        "kernel.log",
        "manifest.json",
        "notebook.ipynb",
        "published.json",
        "report.html",
        "results",
    ]
    table = pd.read_csv(run_dir / "results" / "table.csv", encoding="utf-8-sig")
    assert list(table["이름"]) == ["나"] * 4
    m = manifest(run_dir)
    assert m["status"] == "succeeded"
    assert m["report"] == "report.html"
    assert m["results"][0]["path"] == "results/table.csv"
    assert len(m["results"][0]["sha256"]) == 64
    assert m["environment"]["packages"]["papermill"]
    assert m["finished_at"] >= m["started_at"]
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "정상 실행 예제" in html and "결과 표" in html
    assert "import pandas" not in html  # code is hidden
    assert "재현 정보" in html and m["analysis"]["notebook_sha256"][:12] in html
    assert events[0][0] == "kernel"
    kind, index, total = events[-1]  # the injected-parameters cell counts too
    assert (kind, index) == ("cell", total - 1)
    assert [e[1] for e in events[1:]] == list(range(total))


@pytest.mark.parametrize(
    ("fixture", "reason", "cell", "cause"),
    [
        ("raises_in_third_cell", "cell_error", 3, "세 번째 셀에서 일부러 실패"),
        ("kills_kernel", "dead_kernel", 2, "DeadKernelError"),
        ("sleeps", "timeout", 2, "3초 안에 끝나지 않았습니다 (--timeout을 늘리거나 빼세요)"),
    ],
)
def test_failed_run_is_marked_failed_and_has_no_report(
    fixture_notebook, tmp_path, fixture, reason, cell, cause
):
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app, ["run", str(fixture_notebook(fixture)), "--out", str(out), "--timeout", "3", "-q"]
    )
    assert result.exit_code == 1
    assert f"셀 {cell}" in result.output
    assert cause in result.output
    assert "failed" in result.output
    m = manifest(out)
    assert m["status"] == "failed"
    assert m["report"] is None
    assert m["error"]["reason"] == reason
    assert m["error"]["cell_number"] == cell
    assert not (out / "report.html").exists()
    assert (out / "notebook.ipynb").exists()  # kept for debugging


def test_run_failed_error_carries_the_details(fixture_notebook, tmp_path):
    with pytest.raises(RunFailedError) as info:
        run_analysis(fixture_notebook("raises_in_third_cell"), out=tmp_path / "run")
    assert info.value.reason == "cell_error"
    assert info.value.cell_index == 3
    assert info.value.error_name == "ValueError"


def test_force_replaces_an_earlier_run(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    run_analysis(fixture_notebook("ok"), {"rows": 1}, out=out)
    with pytest.raises(RunExistsError):
        run_analysis(fixture_notebook("ok"), {"rows": 2}, out=out)
    assert manifest(out)["parameters"]["rows"] == 1
    run_analysis(fixture_notebook("ok"), {"rows": 2}, out=out, force=True)
    assert manifest(out)["parameters"]["rows"] == 2


def test_inputs_are_recorded_with_absolute_path_and_hash(
    fixture_notebook, households_csv, tmp_path, monkeypatch
):
    monkeypatch.chdir(households_csv.parent)
    result = run_analysis(
        fixture_notebook("ok"), {"data_path": households_csv.name}, out=tmp_path / "run"
    )
    (record,) = result.manifest.inputs
    assert record.parameter == "data_path"
    assert record.path == str(households_csv.resolve())
    import hashlib

    assert record.sha256 == hashlib.sha256(households_csv.read_bytes()).hexdigest()
    assert result.manifest.parameters["data_path"] == str(households_csv.resolve())


def test_default_run_directory_is_new_each_time(fixture_notebook, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = run_analysis(fixture_notebook("ok")).run_dir
    second = run_analysis(fixture_notebook("ok")).run_dir
    assert first != second
    assert first.parent == second.parent == tmp_path / "runs"
