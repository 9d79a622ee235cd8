"""Re-run and verify: same inputs and parameters give byte-identical results."""

import json

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.exceptions import WorkbenchError
from workbench.runner import rerun, run_analysis

pytestmark = pytest.mark.kernel


@pytest.fixture
def profile_run(households_csv, tmp_path):
    return run_analysis("profile", {"data_path": str(households_csv)}, out=tmp_path / "original")


def test_rerun_verify_passes_on_a_profile_run(profile_run, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "rerun",
            str(profile_run.run_dir / "manifest.json"),
            "--verify",
            "--out",
            str(tmp_path / "again"),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "검증 통과" in result.output
    original = {r.path: r.sha256 for r in profile_run.manifest.results}
    again = json.loads((tmp_path / "again" / "manifest.json").read_text(encoding="utf-8"))
    assert {r["path"]: r["sha256"] for r in again["results"]} == original
    assert len(original) == 4  # alerts, overview, columns, top_values
    assert again["rerun_of"] == str(profile_run.run_dir / "manifest.json")
    assert again["analysis"]["notebook_sha256"] == profile_run.manifest.analysis.notebook_sha256


def test_verify_fails_and_names_the_input_after_one_byte_changes(
    profile_run, households_csv, tmp_path
):
    data = bytearray(households_csv.read_bytes())
    data[-2] = ord("7") if data[-2] != ord("7") else ord("8")  # one digit of the last row
    households_csv.write_bytes(bytes(data))
    result = CliRunner().invoke(
        app,
        ["rerun", str(profile_run.run_dir), "--verify", "--out", str(tmp_path / "again"), "-q"],
    )
    assert result.exit_code == 1
    assert "검증 실패" in result.output
    assert households_csv.name in result.output
    assert "입력 'data_path'가 바뀌었습니다" in result.output


def test_rerun_uses_the_recorded_notebook_not_an_edited_copy(profile_run, tmp_path):
    import nbformat

    executed = profile_run.run_dir / "notebook.ipynb"
    nb = nbformat.read(executed, as_version=4)
    nb.cells[-1].source += "\n# edited"
    nbformat.write(nb, executed)
    with pytest.raises(WorkbenchError, match="실행 뒤에 고쳐졌습니다"):
        rerun(profile_run.run_dir / "manifest.json", out=tmp_path / "again")


def test_rerun_of_a_missing_input_is_refused(profile_run, households_csv, tmp_path):
    households_csv.unlink()
    with pytest.raises(WorkbenchError, match="다시 실행할 수 없습니다: 입력 'data_path' 파일이"):
        rerun(profile_run.run_dir / "manifest.json", verify=True, out=tmp_path / "again")
    assert not (tmp_path / "again").exists()
