"""The review page in Debian's Chromium: open a held run, approve it signed, see it released.

`workbench review` runs as the checker would start it (their key, 127.0.0.1, a token);
Playwright drives Debian's Chromium (never `playwright install`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from test_signoff import NO_PERSONAL, held_run
from typer.testing import CliRunner

from browser_checks import chromium
from workbench.catalog._audit import AuditLog
from workbench.cli import app
from workbench.config import audit_log_path

pytestmark = pytest.mark.kernel

WAIT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def review(project, trusted, people):
    """Two held runs and `workbench review runs/` started with the checker's key."""
    held_run(project, NO_PERSONAL, "r1")
    held_run(project, NO_PERSONAL.replace("25", "26"), "r2")
    port = _free_port()
    log_path = project / "review.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workbench",
                "review",
                "runs",
                "--port",
                str(port),
                "--no-browser",
                "--key",
                str(people["checker"].path),
            ],
            cwd=project,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120  # two cores shared with kernels
        while "주소:" not in log_path.read_text(encoding="utf-8", errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"workbench review did not start: {log_path.read_text()}")
            time.sleep(0.1)
        url = log_path.read_text(encoding="utf-8").split("주소:")[1].split()[0]
        yield url, port
    finally:
        process.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        if process.poll() is None:
            process.kill()
            process.wait()


def shot(tab, tmp_path: Path, name: str) -> None:
    """Save a screenshot (and copy it to $WORKBENCH_SCREENSHOTS when that is set)."""
    path = tmp_path / f"review-{name}.png"
    tab.screenshot(path=path, full_page=True)
    if os.environ.get("WORKBENCH_SCREENSHOTS"):
        target = Path(os.environ["WORKBENCH_SCREENSHOTS"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / path.name)


def test_a_checker_approves_a_held_run_on_the_page_and_it_is_released(review, project, tmp_path):
    url, port = review
    run = project / "runs" / "r1"
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1280, "height": 800})
        tab.goto(url, timeout=WAIT_MS)
        assert "검토자: 최검토(통계청)" in tab.inner_text("body")
        assert tab.inner_text("table").count("공개 보류") == 2
        tab.get_by_role("link", name="r1").click()
        finding = tab.locator(".finding")
        assert finding.count() == 1
        text = finding.inner_text()
        # The evidence is shown; the table's values are masked until asked for.
        assert "기준" in text and "10" in text and "3" in text
        assert "•••" in text and "종로구" not in text and "25" not in text
        assert tab.locator("#status").inner_text() == "공개 보류"
        shot(tab, tmp_path, "held")

        tab.locator("textarea[name=reason]").fill("구 단위 가구 수, 이미 공표된 통계")
        tab.get_by_role("button", name="서명하여 기록").click()
        tab.locator("#status").filter(has_text="공개됨").wait_for(timeout=WAIT_MS)
        assert "공개되었습니다" in tab.inner_text(".notice")
        assert tab.locator("#release").is_visible()
        shot(tab, tmp_path, "released")

        # Revealing values on the other run is recorded before they show.
        tab.goto(f"http://127.0.0.1:{port}/run/1", timeout=WAIT_MS)
        assert "종로구" not in tab.inner_text(".finding")
        tab.get_by_role("button", name="값 보기 (기록됨)").click()
        tab.locator(".hit").wait_for(timeout=WAIT_MS)
        assert "종로구" in tab.inner_text(".finding") and tab.inner_text(".hit") == "3"

    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "succeeded" and (run / "report.html").is_file()
    [decision] = manifest["decisions"]
    assert decision["body"]["checker"]["name"] == "최검토" and decision["signature"]
    assert decision["body"]["reason"] == "구 단위 가구 수, 이미 공표된 통계"
    log = AuditLog(audit_log_path(project))
    events = [(e.get("event"), Path(e.get("run", "")).name) for e in log.entries()]
    assert events == [("decision", "r1"), ("reveal", "r2")]
    assert log.entries()[0]["decision"] == decision and log.verify() == 2

    package = run / "release.zip"
    verified = CliRunner().invoke(app, ["verify", str(package)])
    assert verified.exit_code == 0, verified.output
    with zipfile.ZipFile(package) as archive:
        info = archive.getinfo("report.html")
    data = bytearray(package.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + len(info.extra) + 5] ^= 0x01
    package.write_bytes(bytes(data))
    failed = CliRunner().invoke(app, ["verify", str(package)])
    assert failed.exit_code == 1 and "검증 실패" in failed.output


def test_the_review_page_answers_only_with_its_token_and_on_loopback(review):
    url, port = review
    for address, headers in [
        (f"http://127.0.0.1:{port}/", {}),
        (url, {"Host": f"evil.example:{port}"}),
    ]:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(address, headers=headers), timeout=60)
        assert refused.value.code == 403
        assert "검토 화면을 열 수 없습니다" in refused.value.read().decode("utf-8")
