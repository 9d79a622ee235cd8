"""Batch runs: matrix checks (no kernel), then real batches on pre-started kernels."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from workbench import samples
from workbench.exceptions import ParameterError, RunExistsError
from workbench.runner import find_analysis, run_analysis, run_batch
from workbench.runner.batch.plan import load_matrix, plan_rows


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


# --- the matrix, checked before anything runs (no kernel) ----------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("label,rows\n가,1\n나,2\n다,many\n", r"3번째 행: 매개변수 'rows'.*정수여야.*'many'"),
        ("label,colour\n가,red\n", r"1번째 행: 매개변수 'colour'.*없는 이름"),
        ("label,data_path\n가,\n나,missing/table.csv\n", r"2번째 행: .*찾을 수 없습니다"),
    ],
)
def test_a_bad_row_is_refused_by_number_before_anything_runs(
    fixture_notebook, tmp_path, kernel_starts, text, expected
):
    matrix = write(tmp_path / "matrix.csv", text)
    out = tmp_path / "batch"
    with pytest.raises(ParameterError, match=expected):
        run_batch(fixture_notebook("ok"), matrix, out=out)
    assert not out.exists()
    assert kernel_starts == []


def test_yaml_matrix_keeps_types_and_rejects_a_row_that_is_not_a_mapping(
    fixture_notebook, tmp_path
):
    analysis = find_analysis(fixture_notebook("ok"))
    good = write(tmp_path / "m.yaml", "rows:\n  - {rows: 2, label: 가}\n  - {scale: 2}\n")
    rows = plan_rows(analysis, load_matrix(good), "m.yaml")
    assert [r.params["rows"] for r in rows] == [2, 3]
    assert rows[1].params["scale"] == 2.0
    bad = write(tmp_path / "bad.yaml", "- {rows: 2}\n- just text\n")
    with pytest.raises(ParameterError, match="2번째 행: '매개변수: 값' 묶음이어야"):
        load_matrix(bad)


def test_run_directories_are_named_from_the_row_and_never_collide(fixture_notebook, tmp_path):
    analysis = find_analysis(fixture_notebook("ok"))
    raw = [
        {"run_id": "서울 종로구", "label": "a"},
        {"run_id": "서울/종로구", "label": "b"},  # sanitised to the same name
        {"label": "c"},
        {"id": "_shared", "label": "d"},  # a name the batch uses for itself
        {"id": "../escape", "label": "e"},
    ]
    ids = [r.run_id for r in plan_rows(analysis, raw, "m.csv")]
    assert ids == ["서울_종로구", "서울_종로구-2", "row-0003", "shared", "escape"]
    assert len({i.lower() for i in ids}) == len(ids)
    assert all("/" not in i and not i.startswith(("_", ".")) for i in ids)


# --- real batches ---------------------------------------------------------------------------


def outputs(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [(c.get("execution_count"), c.get("outputs")) for c in nb.cells if c.cell_type == "code"]


@pytest.mark.kernel
def test_batch_isolates_runs_and_matches_a_single_run(fixture_notebook, households_csv, tmp_path):
    notebook = fixture_notebook("batch_probe")
    labels = ["가", "나나", "다다다", "라"]
    data = str(households_csv)
    matrix = write(
        tmp_path / "m.csv", "label,data_path\n" + "".join(f"{x},{data}\n" for x in labels)
    )
    out = tmp_path / "batch"
    result = run_batch(notebook, matrix, out=out, workers=2)
    assert result.ok and result.count("succeeded") == 4

    for n, label in enumerate(labels, start=1):
        run_dir = out / f"row-{n:04d}"
        table = pd.read_csv(run_dir / "results" / "probe.csv", encoding="utf-8-sig")
        # Nothing an earlier run set (module attribute, global variable) is visible.
        assert table["이전 모듈 값"].isna().all() and table["이전 변수 값"].isna().all()
        assert table["값"].iloc[0] == len(label) * 10 + 300
        m = manifest(run_dir)
        assert m["status"] == "succeeded" and m["batch"]["row"] == n
        assert (run_dir / "kernel.log").is_file()

    # The shared CSV was parsed once, to Parquet; provenance names the original.
    shared = manifest(out / "row-0001")["shared_inputs"][0]
    assert shared["original_path"] == data and Path(shared["path"]).suffix == ".parquet"
    assert manifest(out / "row-0001")["inputs"][0]["path"] == shared["path"]

    # Same outputs, execution counts and result bytes as a run on a fresh kernel.
    single = run_analysis(notebook, {"label": "나나", "data_path": data}, out=tmp_path / "one")
    assert outputs(single.notebook) == outputs(out / "row-0002" / "notebook.ipynb")
    # The batch found its git state and software once; each row records them as a
    # single run does.
    alone = manifest(single.run_dir)
    for n in range(1, 5):
        m = manifest(out / f"row-{n:04d}")
        assert (m["git"], m["environment"]) == (alone["git"], alone["environment"])
    fresh, pooled = single.run_dir / "results", out / "row-0002" / "results"
    files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    assert files and files == sorted(
        p.relative_to(pooled) for p in pooled.rglob("*") if p.is_file()
    )
    for name in files:  # every result file, byte for byte
        assert (fresh / name).read_bytes() == (pooled / name).read_bytes(), name

    index = pd.read_csv(out / "index.csv", encoding="utf-8-sig")
    assert list(index["status"]) == ["succeeded"] * 4
    assert list(index["값"]) == [len(x) * 10 + 300 for x in labels]
    html = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', html)
    assert len(links) == 4 and all((out / link).is_file() for link in links)
    assert "data:image/png;base64," in html and "일괄 실행 결과" in html

    with pytest.raises(RunExistsError, match="--resume"):
        run_batch(notebook, matrix, out=out)

    # --resume keeps runs whose inputs are unchanged, and re-runs them all once the shared
    # file changes (same path, same parameters, new content).
    kept = run_batch(notebook, matrix, out=out, workers=2, resume=True)
    assert kept.count("skipped") == 4
    samples.write("households", households_csv, encoding="cp949", n=301)
    redone = run_batch(notebook, matrix, out=out, workers=2, resume=True)
    assert redone.count("skipped") == 0 and redone.count("succeeded") == 4
    assert (
        manifest(out / "row-0001")["shared_inputs"][0]["original_sha256"]
        != (shared["original_sha256"])
    )


def kill_when_held(marker_dir: Path, label: str, killed: list[int]) -> threading.Thread:
    """Kill the kernel of the held row with SIGKILL as soon as it writes its pid."""

    def watch() -> None:
        marker = marker_dir / f"{label}.pid"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if marker.exists() and marker.read_text():
                pid = int(marker.read_text())
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.kernel
def test_a_killed_kernel_fails_its_run_only_and_resume_runs_what_is_missing(
    fixture_notebook, tmp_path
):
    notebook = fixture_notebook("batch_probe")
    markers = tmp_path / "markers"
    markers.mkdir()
    matrix = write(
        tmp_path / "m.csv",
        "run_id,label,hold,fail,marker_dir\n"
        f"a,a,true,false,{markers}\nb,b,false,false,\nc,c,false,false,\nd,d,false,true,\n",
    )
    out = tmp_path / "batch"
    killed: list[int] = []
    watcher = kill_when_held(markers, "a", killed)
    first = run_batch(notebook, matrix, out=out, workers=2)
    watcher.join()
    assert killed
    status = {k: (o.status, o.reason) for k, o in first.outcomes.items()}
    assert status == {
        "a": ("failed", "dead_kernel"),
        "b": ("succeeded", None),
        "c": ("succeeded", None),
        "d": ("failed", "cell_error"),
    }
    assert manifest(out / "a")["error"]["reason"] == "dead_kernel"
    assert "report.html" not in os.listdir(out / "a")
    index = pd.read_csv(out / "index.csv", encoding="utf-8-sig").set_index("run_id")
    assert index.loc["a", "reason"] == "dead_kernel"
    started_b = manifest(out / "b")["started_at"]

    again = run_batch(notebook, matrix, out=out, workers=2, resume=True)
    assert {k: o.status for k, o in again.outcomes.items()} == {
        "a": "succeeded",
        "b": "skipped",
        "c": "skipped",
        "d": "failed",
    }
    assert manifest(out / "b")["started_at"] == started_b  # not run again
    assert (out / "a" / "report.html").is_file()
    log = (out / "_logs" / "a.log").read_text(encoding="utf-8")
    assert log.count("attempt 1: start") == 2  # one per batch


@pytest.mark.kernel
def test_retries_rerun_a_dead_kernel_but_never_a_cell_error(fixture_notebook, tmp_path):
    notebook = fixture_notebook("batch_probe")
    markers = tmp_path / "markers"
    markers.mkdir()
    matrix = write(
        tmp_path / "m.yaml",
        f"- {{run_id: a, label: a, hold: true, marker_dir: '{markers}'}}\n"
        "- {run_id: d, label: d, fail: true}\n",
    )
    killed: list[int] = []
    watcher = kill_when_held(markers, "a", killed)
    result = run_batch(notebook, matrix, out=tmp_path / "batch", workers=2, retries=2)
    watcher.join()
    a, d = result.outcomes["a"], result.outcomes["d"]
    assert (a.status, a.attempts) == ("succeeded", 2)
    assert (d.status, d.reason, d.attempts) == ("failed", "cell_error", 1)
    log = (tmp_path / "batch" / "_logs" / "a.log").read_text(encoding="utf-8")
    assert "retrying (dead_kernel)" in log


@pytest.mark.kernel
def test_a_run_that_times_out_is_recorded_and_not_retried(fixture_notebook, tmp_path):
    # The timeout counts from the run's start, kernel start included: generous enough
    # for the quick run on a loaded machine, far below the slow run's 10 minutes.
    matrix = write(tmp_path / "m.csv", "run_id,seconds\nslow,600\nquick,0\n")
    result = run_batch(
        fixture_notebook("sleeps"), matrix, out=tmp_path / "batch", timeout=20, retries=2
    )
    slow, quick = result.outcomes["slow"], result.outcomes["quick"]
    assert (slow.status, slow.reason, slow.attempts) == ("failed", "timeout", 1)
    assert quick.status == "succeeded"
    assert manifest(tmp_path / "batch" / "slow")["error"]["reason"] == "timeout"
