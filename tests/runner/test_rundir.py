"""The run folder: atomic claims, --force that deletes only what workbench made, states."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest

from workbench.exceptions import RunExistsError
from workbench.runner import _manifest as mf
from workbench.runner._rundir import RunDir, new_run_id, verify_run_id


def first_manifest() -> mf.Manifest:
    return mf.Manifest(
        status="running",
        analysis=mf.AnalysisRecord(
            name="x", title="x", version="1", level="standard", notebook="x.ipynb",
            notebook_sha256="0" * 64,
        ),
        parameters={"a": 1},
        started_at=mf.utc_now(),
    )  # fmt: skip


def make_run(path: Path) -> RunDir:
    """An earlier run that has ended (its folder no longer in use)."""
    run_dir = RunDir.create(path, "x", first_manifest())
    (run_dir.results).mkdir()
    (run_dir.results / "t.csv").write_text("a\n1\n", encoding="utf-8")
    run_dir.notebook.write_text("{}", encoding="utf-8")
    run_dir.unlock()
    return run_dir


def test_claim_writes_a_verifiable_manifest(tmp_path):
    run_dir = RunDir.create(tmp_path / "run", "x", first_manifest())
    data = json.loads(run_dir.manifest.read_text(encoding="utf-8"))
    assert data["status"] == "running"
    assert verify_run_id(data["run_id"], run_dir.path)
    assert not verify_run_id(data["run_id"], tmp_path / "elsewhere")
    assert not verify_run_id("made-up", run_dir.path)
    assert [p.name for p in run_dir.path.iterdir()] == ["manifest.json"]  # no temp file left


def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    RunDir.create(tmp_path / "run", "x", first_manifest())
    with pytest.raises(RunExistsError, match="이미 파일이 들어 있습니다"):
        RunDir.create(tmp_path / "run", "x", first_manifest())


def test_an_empty_folder_may_be_claimed(tmp_path):
    (tmp_path / "run").mkdir()
    run_dir = RunDir.create(tmp_path / "run", "x", first_manifest())
    assert run_dir.manifest.is_file()


def _claim(path: str, barrier: multiprocessing.synchronize.Barrier, queue: multiprocessing.Queue):
    barrier.wait()
    try:
        RunDir.create(path, "x", first_manifest())
        queue.put("ok")
    except RunExistsError:
        queue.put("refused")


def test_concurrent_claims_let_exactly_one_proceed(tmp_path):
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(6), ctx.Queue()
    target = str(tmp_path / "run")
    procs = [ctx.Process(target=_claim, args=(target, barrier, queue)) for _ in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    outcomes = sorted(queue.get(timeout=5) for _ in procs)
    assert outcomes == ["ok"] + ["refused"] * 5
    assert sorted(p.name for p in Path(target).iterdir()) == ["manifest.json"]


def test_default_folders_never_collide(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folders = {RunDir.create(None, "x", first_manifest()).path for _ in range(3)}
    assert len(folders) == 3
    assert all(f.parent == tmp_path / "runs" for f in folders)


def test_force_replaces_an_earlier_run(tmp_path):
    earlier = make_run(tmp_path / "run")
    replaced = RunDir.create(earlier.path, "x", first_manifest(), force=True)
    assert sorted(p.name for p in replaced.path.iterdir()) == ["manifest.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # nothing set aside remains


def test_force_never_takes_a_folder_a_run_is_writing(tmp_path):
    running = RunDir.create(tmp_path / "run", "x", first_manifest())  # not ended yet
    (running.path / "notebook.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(RunExistsError, match="지금 다른 실행이 쓰고 있습니다"):
        RunDir.create(running.path, "x", first_manifest(), force=True)
    assert sorted(p.name for p in running.path.iterdir()) == ["manifest.json", "notebook.ipynb"]
    running.finish(running.read_manifest(), "failed")  # ended: now it may be replaced
    RunDir.create(running.path, "x", first_manifest(), force=True)


def test_force_never_deletes_a_folder_workbench_did_not_make(tmp_path):
    mine = tmp_path / "my-analysis"
    mine.mkdir()
    (mine / "manifest.json").write_text('{"status": "succeeded"}', encoding="utf-8")
    (mine / "notes.txt").write_text("3년 치 메모", encoding="utf-8")
    with pytest.raises(RunExistsError, match="workbench가 만든 실행 폴더가 아닙니다"):
        RunDir.create(mine, "x", first_manifest(), force=True)
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "3년 치 메모"
    assert (mine / "manifest.json").is_file()


def test_force_refuses_a_run_folder_copied_elsewhere(tmp_path):
    run_dir = make_run(tmp_path / "run")
    copy = tmp_path / "copy"
    shutil.copytree(run_dir.path, copy)
    with pytest.raises(RunExistsError, match="실행 ID가 이 폴더의 것이 아님"):
        RunDir.create(copy, "x", first_manifest(), force=True)
    assert (copy / "results" / "t.csv").is_file()


def test_force_refuses_a_run_folder_holding_files_of_the_user(tmp_path):
    run_dir = make_run(tmp_path / "run")
    (run_dir.path / "검토의견.docx").write_bytes(b"user's own file")
    with pytest.raises(RunExistsError, match=r"검토의견\.docx"):
        RunDir.create(run_dir.path, "x", first_manifest(), force=True)
    assert (run_dir.path / "검토의견.docx").is_file()
    assert (run_dir.results / "t.csv").is_file()


def test_force_never_follows_a_symlink(tmp_path):
    precious = tmp_path / "precious"
    make_run(precious)  # even a genuine run folder behind the link stays
    link = tmp_path / "link"
    link.symlink_to(precious)
    with pytest.raises(RunExistsError, match="심볼릭 링크"):
        RunDir.create(link, "x", first_manifest(), force=True)
    with pytest.raises(RunExistsError, match="심볼릭 링크"):
        RunDir.create(link, "x", first_manifest())
    assert (precious / "results" / "t.csv").is_file()
    assert link.is_symlink()


def test_force_unlinks_symlinks_inside_without_following_them(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.csv").write_text("a\n", encoding="utf-8")
    run_dir = make_run(tmp_path / "run")
    (run_dir.results / "sneaky").symlink_to(outside)
    RunDir.create(run_dir.path, "x", first_manifest(), force=True)
    assert (outside / "keep.csv").is_file()


def test_force_on_a_file_is_refused(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF")
    with pytest.raises(RunExistsError, match="파일입니다"):
        RunDir.create(target, "x", first_manifest(), force=True)
    assert target.read_bytes() == b"%PDF"


@pytest.mark.parametrize("status", ["failed", "blocked"])
def test_an_unsuccessful_run_holds_its_results_and_has_no_report(tmp_path, status):
    run_dir = make_run(tmp_path / "run")
    run_dir.report.write_text("<html>", encoding="utf-8")
    manifest = run_dir.read_manifest()
    error = mf.ErrorRecord(reason="x", error_name="E", error_value="v", message="m")
    run_dir.finish(manifest, status, error)
    assert not run_dir.results.exists() and (run_dir.held / "t.csv").is_file()
    assert not run_dir.report.exists()
    saved = run_dir.read_manifest()
    assert saved.status == status and saved.report is None and saved.finished_at
    # The held files are still hashed under their released names.
    assert [r.path for r in run_dir.hash_results()] == ["results/t.csv"]


def test_a_successful_run_releases_its_results(tmp_path):
    run_dir = make_run(tmp_path / "run")
    run_dir.hold()
    run_dir.report.write_text("<html>", encoding="utf-8")
    run_dir.finish(run_dir.read_manifest(), "succeeded", report=True)
    assert (run_dir.results / "t.csv").is_file() and not run_dir.held.exists()
    assert run_dir.read_manifest().report == "report.html"


def test_run_ids_are_unique(tmp_path):
    assert len({new_run_id(tmp_path) for _ in range(100)}) == 100


def test_a_manifest_write_leaves_no_temporary_file(tmp_path):
    run_dir = make_run(tmp_path / "run")
    for _ in range(3):
        run_dir.write_manifest(run_dir.read_manifest())
    assert not [p for p in os.listdir(run_dir.path) if p.startswith(".")]
