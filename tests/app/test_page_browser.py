"""The no-code page in a real browser: `workbench app` (Voilà) driven by Playwright.

Debian's Chromium (installed by `.ci/run`; never `playwright install`). One Voilà server
serves the module; each test opens its own page (and so its own kernel). Every state is
saved as a 1280x800 screenshot in the test's folder, and copied to
``$WORKBENCH_SCREENSHOTS`` when that is set.
"""

from __future__ import annotations

import contextlib
import io
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

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from browser_checks import chromium, fonts_without_hangul, foreign_requests, record_requests

pytestmark = pytest.mark.kernel

RRNS = ["900101-1234567", "850505-2345678", "770707-1456789", "010203-3456789"]
#: Every URL each open tab asked for, from its first request (see `page`).
REQUESTS: dict[int, list[str]] = {}
# Generous: two cores shared with a kernel that imports pandas and matplotlib.
LOAD_MS = 120_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


APP = [sys.executable, "-m", "workbench", "app"]
#: The page server's kernel cap in these tests (`workbench app --max-kernels`).
MAX_KERNELS = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`workbench app --port N --no-browser` in a fresh project; its project, URL and process.

    The URL is the one the command printed, with its token.
    """
    project = tmp_path_factory.mktemp("project")
    (project / "workbench.toml").write_text("", encoding="utf-8")
    port = _free_port()
    log_path = project / "server.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [*APP, "--port", str(port), "--no-browser", "--max-kernels", str(MAX_KERNELS)],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        url = None
        while True:
            if process.poll() is not None:
                pytest.fail(f"workbench app exited: {log_path.read_text()}")
            printed = log_path.read_text(encoding="utf-8", errors="replace")
            if url is None and "주소:" in printed:
                url = printed.split("주소:")[1].split()[0]
            try:
                # Not "/": that would run the page. Any HTTP answer means it listens.
                urllib.request.urlopen(base + "api/status", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("workbench app did not answer within 120 s")
                time.sleep(0.2)
        assert url is not None and url.startswith(base + "?token="), printed
        yield project, url, process
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen) -> None:
    """Stop `workbench app` as Ctrl-C would; it stops Voilà and its kernels."""
    process.send_signal(signal.SIGINT)
    survivors = False
    try:
        process.wait(timeout=60)
        time.sleep(0.5)  # let the last kernels be reaped
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 0)
            survivors = True
    finally:
        # Whatever is left of this test's own process group (a failed stop) ends here.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert not survivors, "workbench app left processes running after Ctrl-C"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser, server):
    _, url, _ = server
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    tab = context.new_page()
    REQUESTS[id(tab)] = record_requests(tab)
    tab.goto(url, timeout=LOAD_MS)
    tab.get_by_text("자료 올리기").wait_for(timeout=LOAD_MS)
    tab.get_by_role("button", name="분석 실행").wait_for(timeout=LOAD_MS)
    yield tab
    context.close()
    del REQUESTS[id(tab)]


@pytest.fixture
def screenshot(tmp_path, request):
    """Save a 1280x800 screenshot of the page (and copy it to $WORKBENCH_SCREENSHOTS).

    Each screenshot also checks the page's Korean glyphs and its requests so far.
    """

    def take(tab, name: str) -> Path:
        """Also check what the official sees: Hangul drawn, nothing asked of another host."""
        path = tmp_path / f"{request.node.name}-{name}.png"
        tab.screenshot(path=path)
        assert fonts_without_hangul(tab) == [], name
        assert foreign_requests(REQUESTS.get(id(tab), [])) == [], name
        if os.environ.get("WORKBENCH_SCREENSHOTS"):
            target = Path(os.environ["WORKBENCH_SCREENSHOTS"])
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target / path.name)
        return path

    return take


def upload(tab, path: Path) -> None:
    # The FileUpload widget has no <input type=file> to fill: answer its file chooser.
    with tab.expect_file_chooser() as chooser:
        tab.get_by_role("button", name="파일 올리기").click()
    chooser.value.set_files(str(path))
    tab.locator(".wb-uploaded", has_text=path.name).wait_for(timeout=LOAD_MS)


def run(tab) -> None:
    tab.get_by_role("button", name="분석 실행").click()
    tab.locator(".wb-done, .wb-error, .wb-blocked").first.wait_for(timeout=LOAD_MS)


def visible_text(tab) -> str:
    texts = [tab.locator("body").inner_text()]
    texts += [frame.locator("body").inner_text() for frame in tab.frames[1:]]
    return "\n".join(texts)


def test_profile_of_a_cp949_upload_shows_the_korean_report(
    page, households_csv, screenshot, tmp_path
):
    assert page.locator("h1").inner_text() == "자동 분석"
    assert page.locator(".wb-step").all_inner_texts() == [
        "1자료 올리기",
        "2분석 고르기와 설정",
        "3실행과 결과",
    ]
    screenshot(page, "1-open")
    # Nothing is chosen for the official before an upload (no catalog dataset).
    data_picker = page.locator(".wb-page select").nth(1)
    assert data_picker.evaluate("el => el.selectedIndex") == -1
    upload(page, households_csv)
    # Read and scanned at once: the head-of-household names are named as a column.
    said = page.locator(".wb-info").inner_text()
    assert "개인정보로 보이는 열" in said and "'성명' 열: 이름" in said
    screenshot(page, "2-uploaded")
    run(page)
    assert page.locator(".wb-done").count() == 1, visible_text(page)
    report = page.frame_locator("iframe.wb-report")
    for heading in ("1. 자료 개요", "2. 열별 요약", "3. 범주형 열의 상위 값"):
        report.get_by_role("heading", name=heading).wait_for()
    frame = page.locator("iframe.wb-report")
    frame.scroll_into_view_if_needed()
    screenshot(page, "3-report")
    # Inline at full height: the page scrolls, the report does not scroll inside it.
    shown, content = frame.evaluate(
        "el => [el.clientHeight, el.contentDocument.documentElement.scrollHeight]"
    )
    assert shown >= content > 800, (shown, content)
    assert "/tmp" not in page.locator("body").inner_text()  # no server path on the page

    with page.expect_download() as download:
        page.get_by_role("link", name="보고서 내려받기 (HTML)").click()
    saved = tmp_path / "report.html"
    download.value.save_as(saved)
    assert "자료 개요" in saved.read_text(encoding="utf-8")
    with page.expect_download() as download:
        page.get_by_role("link", name="결과 표 내려받기 (ZIP)").click()
    assert download.value.suggested_filename == "profile-01-results.zip"
    download.value.save_as(tmp_path / "results.zip")
    names = zipfile.ZipFile(tmp_path / "results.zip").namelist()
    assert {"manifest.json", "results/overview.csv", "results/columns.csv"} <= set(names)


def test_resident_numbers_are_profiled_without_showing_them(page, screenshot, tmp_path):
    # Four visitors, six visits each: the numbers repeat, yet profile lists none of them.
    visits = pd.DataFrame(
        {
            "주민등록번호": [RRNS[i % 4] for i in range(24)],
            "민원유형": ["도로", "복지", "환경"] * 8,
            "처리일수": list(range(24)),
        }
    )
    path = tmp_path / "방문기록.csv"
    buffer = io.BytesIO()
    visits.to_csv(buffer, index=False, encoding="cp949")
    path.write_bytes(buffer.getvalue())
    upload(page, path)
    screenshot(page, "1-uploaded")
    run(page)
    assert page.locator(".wb-done").count() == 1, visible_text(page)
    report = page.frame_locator("iframe.wb-report")
    report.get_by_role("heading", name="2. 열별 요약").wait_for()
    page.locator("iframe.wb-report").scroll_into_view_if_needed()
    screenshot(page, "2-report")
    everything = visible_text(page) + page.content()
    assert "식별자" in everything
    for number in RRNS:
        assert number[:6] not in everything and number[7:] not in everything
    assert "Traceback" not in everything


def test_a_regression_on_too_few_rows_is_refused_in_korean(page, screenshot, tmp_path):
    from workbench.samples import households

    path = tmp_path / "가구.csv"
    buffer = io.BytesIO()
    households(12, seed=1).to_csv(buffer, index=False, encoding="cp949")
    path.write_bytes(buffer.getvalue())
    upload(page, path)
    page.get_by_label("분석").select_option(label="회귀분석 (자동)")
    page.get_by_text("회귀식").first.wait_for(timeout=LOAD_MS)
    run(page)
    refusal = page.locator(".wb-blocked")
    assert refusal.count() == 1, visible_text(page)
    text = refusal.inner_text()
    assert "공개 보류" in text and "관측 수가 너무 적은 회귀분석" in text
    assert "결과 표 'coefficients'" in text and "승인" in text
    refusal.scroll_into_view_if_needed()
    screenshot(page, "refused")
    assert "Traceback" not in visible_text(page)
    assert page.locator("iframe.wb-report").count() == 0
    assert page.locator(".wb-downloads a").count() == 0


def _get(url: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=LOAD_MS / 1000) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_the_page_needs_its_token(server):
    _, url, _ = server
    base, token = url.split("?token=")
    for path in ("", "voila/static/voila.js", "api/kernels", "voila/api/shutdown/x"):
        code, body = _get(base + path)
        assert code == 403, path
    assert "토큰" in body and "workbench app" in body
    assert _get(base + "?token=" + "0" * len(token))[0] == 403
    code, body = _get(base + "voila/static/voila.js", Authorization=f"token {token}")
    assert code == 200 and body


def test_a_foreign_host_header_is_refused(server):
    _, url, _ = server
    port = url.split(":")[2].split("/")[0]
    for host in (f"evil.example:{port}", f"192.168.0.10:{port}", "localhost.evil.example"):
        code, body = _get(url, Host=host)
        assert code == 403, host
        assert "127.0.0.1" in body
    base, token = url.split("?token=")
    local = base.replace("127.0.0.1", "localhost") + "voila/static/voila.js"
    assert _get(local, Authorization=f"token {token}")[0] == 200


def _kernels(process) -> list:
    import psutil

    alive = []
    for child in psutil.Process(process.pid).children(recursive=True):
        # A kernel just shut down may linger a moment as a zombie: it holds nothing.
        with contextlib.suppress(psutil.NoSuchProcess, psutil.ZombieProcess):
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                alive.append(child)
    return alive


def test_twenty_page_loads_keep_at_most_the_configured_kernels(server):
    _, url, process = server
    base, token = url.split("?token=")
    for _ in range(20):
        code, _body = _get(base, Authorization=f"token {token}")
        assert code == 200
        assert len(_kernels(process)) <= MAX_KERNELS
    time.sleep(1)
    assert 1 <= len(_kernels(process)) <= MAX_KERNELS
