"""The review page finds runs in a run folder, a batch folder or a folder of runs."""

from __future__ import annotations

from workbench.app._review import find_runs


def test_runs_are_found_in_a_run_a_batch_and_a_folder_of_runs(tmp_path):
    batch = tmp_path / "batch"
    for name in ("11110", "26110", "41111"):
        (batch / "runs" / name).mkdir(parents=True)
        (batch / "runs" / name / "manifest.json").write_text("{}", encoding="utf-8")
    (batch / "index.html").write_text("", encoding="utf-8")
    runs = [batch / "runs" / n for n in ("11110", "26110", "41111")]
    assert find_runs(batch) == runs
    assert find_runs(batch / "runs") == runs
    assert find_runs(batch / "runs" / "26110") == [batch / "runs" / "26110"]
    assert find_runs(tmp_path / "batch" / "runs" / "11110" / "..") == runs
