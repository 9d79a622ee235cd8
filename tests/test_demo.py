import pytest
from typer.testing import CliRunner

from workbench.cli import app


@pytest.mark.kernel
def test_demo_writes_sample_data_and_two_reports(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("profile", "household_income"):
        report = out / "runs" / name / "report.html"
        assert str(report) in result.output
        assert report.stat().st_size > 10_000
    assert (out / "data" / "households.csv").read_bytes().decode("cp949").startswith("가구ID,")

    again = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert again.exit_code == 2
    assert "--force" in again.output

    # --force redoes the demo's own files, but never a file the user put there.
    redo = CliRunner().invoke(app, ["demo", "--out", str(out), "--force"])
    assert redo.exit_code == 0, redo.output
    (out / "runs" / "profile" / "메모.txt").write_text("내 메모", encoding="utf-8")
    (out / "내 표.xlsx").write_bytes(b"user work")
    refused = CliRunner().invoke(app, ["demo", "--out", str(out), "--force"])
    assert refused.exit_code == 2
    assert "내 표.xlsx" in refused.output
    assert (out / "runs" / "profile" / "메모.txt").read_text(encoding="utf-8") == "내 메모"


def test_demo_refuses_to_delete_a_folder_it_did_not_make(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "보고서.docx").write_bytes(b"user work")
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--force"])
    assert result.exit_code == 2
    assert (out / "보고서.docx").read_bytes() == b"user work"
