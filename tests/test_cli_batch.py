"""`workbench batch`: the 243 local governments, a bad row, and Ctrl-C mid-batch."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal

import pandas as pd
import pytest
from typer.testing import CliRunner

from workbench import samples
from workbench.cli import app


def test_a_bad_row_exits_2_naming_the_row(fixture_notebook, tmp_path, kernel_starts):
    matrix = tmp_path / "m.csv"
    matrix.write_text("rows,label\n1,가\nthree,나\n", encoding="utf-8")
    out = tmp_path / "batch"
    result = CliRunner().invoke(
        app, ["batch", str(fixture_notebook("ok")), "--matrix", str(matrix), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "2번째 행" in result.output and "'rows'" in result.output and "three" in result.output
    assert "완료 0" not in result.output  # no progress bar for a batch that never started
    assert not out.exists() and kernel_starts == []


@pytest.mark.kernel
def test_a_failed_row_is_summarised_with_its_cause_and_the_others_complete(tmp_path):
    matrix = tmp_path / "m.csv"
    matrix.write_text("region_code\n11\n99999\n", encoding="utf-8")
    out = tmp_path / "batch"
    result = CliRunner().invoke(
        app, ["batch", "region_summary", "--matrix", str(matrix), "--out", str(out), "-q"]
    )
    assert result.exit_code == 1
    assert "완료 1" in result.output and "실패 1" in result.output
    assert "실패 2행 99999: cell_error — WorkbenchError: 지역 코드 '99999'" in result.output
    assert json.loads((out / "11" / "manifest.json").read_text(encoding="utf-8"))["status"] == (
        "succeeded"
    )
    index = pd.read_csv(out / "index.csv", encoding="utf-8-sig", dtype=str).set_index("run_id")
    assert index.loc["99999", "cause"].startswith("WorkbenchError: 지역 코드 '99999'")
    assert "원인" in (out / "index.html").read_text(encoding="utf-8")


def test_batch_has_help():
    result = CliRunner().invoke(app, ["batch", "--help"])
    assert result.exit_code == 0
    assert "--matrix" in result.output and "--resume" in result.output


def local_governments() -> list[str]:
    """The 243 local governments: 17 시도 and 226 자치 시군구, by code."""
    table = samples.regions()
    sido = table.loc[table["수준"] == "시도", "시도코드"]
    sigungu = table.loc[(table["수준"] == "시군구") & table["자치"], "시군구코드"]
    return [*sido, *sigungu]


@pytest.mark.kernel
def test_all_243_local_governments_run_and_are_listed_with_working_links(tmp_path):
    codes = local_governments()
    assert len(codes) == 243
    matrix = tmp_path / "지자체.csv"
    matrix.write_text("region_code\n" + "\n".join(codes) + "\n", encoding="utf-8")
    out = tmp_path / "batch"
    result = CliRunner().invoke(
        app,
        ["batch", "region_summary", "--matrix", str(matrix), "--out", str(out), "--workers", "2"],
    )
    assert result.exit_code == 0, result.output
    assert "완료 243 · 실패 0 · 실행 중 0" in result.output  # the progress bar
    assert "일괄 실행 끝 전체 243건: 완료 243" in result.output

    index = pd.read_csv(
        out / "index.csv", encoding="utf-8-sig", dtype={"param:region_code": str, "run_id": str}
    )
    assert len(index) == 243 and set(index["status"]) == {"succeeded"}
    assert list(index["param:region_code"]) == codes
    assert index.set_index("run_id").loc["11", "하위 행정구역 수"] == 25  # 서울의 자치구
    html = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', html)
    assert len(set(links)) == 243
    assert all((out / link).is_file() for link in links)
    assert "기관 비교: 하위 행정구역 수" in html and "data:image/png;base64," in html
    report = (out / "41110" / "report.html").read_text(encoding="utf-8")
    assert "경기도 수원시" in report


@pytest.mark.kernel
def test_ctrl_c_leaves_every_run_complete_or_marked_failed(held_batch, tmp_path):
    out = tmp_path / "batch"
    process, markers = held_batch(5, 2, "--workers", "2", out=out)
    process.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "중단됨" in stderr
    run_dirs = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith("_")]
    assert len(run_dirs) == 2  # the runs not started left nothing
    for run_dir in run_dirs:
        manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "failed"
        assert manifest["error"]["reason"] == "interrupted"
    index = pd.read_csv(out / "index.csv", encoding="utf-8-sig")
    assert sorted(index["status"]) == ["failed", "failed", "pending", "pending", "pending"]
    # The kernels were killed: none of the pids is still running.
    for marker in markers.glob("*.pid"):
        with pytest.raises(ProcessLookupError):
            os.kill(int(marker.read_text()), 0)


def _index_statuses(out) -> dict[str, str]:
    index = pd.read_csv(out / "index.csv", encoding="utf-8-sig", dtype=str)
    return dict(zip(index["run_id"], index["status"], strict=True))


def _manifest_statuses(out) -> dict[str, str]:
    return {
        p.name: json.loads((p / "manifest.json").read_text(encoding="utf-8"))["status"]
        for p in out.iterdir()
        if (p / "manifest.json").is_file()
    }


@pytest.mark.kernel
def test_sigkill_of_a_batch_leaves_no_process_and_resume_mends_the_index(
    fixture_notebook, tmp_path
):
    import subprocess
    import sys
    import time

    import psutil

    markers = tmp_path / "markers"
    markers.mkdir()
    # Two quick rows finish first, then two rows hold their kernels until killed.
    lines = "".join(f"r{i},r{i},{'true' if i >= 2 else 'false'},{markers}\n" for i in range(6))
    matrix = tmp_path / "m.csv"
    matrix.write_text("run_id,label,hold,marker_dir\n" + lines, encoding="utf-8")
    out = tmp_path / "batch"
    notebook = str(fixture_notebook("batch_probe"))
    command = [sys.executable, "-m", "workbench", "batch", notebook, "--matrix", str(matrix)]
    command += ["--out", str(out), "--workers", "2", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while len(list(markers.glob("*.pid"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(list(markers.glob("*.pid"))) == 2, "the held runs never started"
        children = psutil.Process(process.pid).children(recursive=True)
        held = [int(m.read_text()) for m in markers.glob("*.pid")]
        assert {c.pid for c in children} >= set(held)  # the kernels are the batch's
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        time.sleep(5)
        alive = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
        assert alive == [], [c.cmdline()[:3] for c in alive]
    finally:
        if process.poll() is None:
            process.kill()
        for marker in markers.glob("*.pid"):
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(marker.read_text()), signal.SIGKILL)

    assert _manifest_statuses(out)["r0"] == "succeeded"
    # Resumed (the held rows do not hold twice): every row ends, and the index says
    # what each run's manifest says.
    result = CliRunner().invoke(
        app,
        ["batch", notebook, "--matrix", str(matrix), "--out", str(out), "--resume", "-q"],
    )
    assert result.exit_code == 0, result.output
    manifests = _manifest_statuses(out)
    assert sorted(manifests) == [f"r{i}" for i in range(6)]
    assert set(manifests.values()) == {"succeeded"}
    assert _index_statuses(out) == manifests
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "대기" not in html and "실행 중" not in html
