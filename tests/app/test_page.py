"""The page's widgets, built in-process (no browser, no kernel)."""

import html


def test_the_page_builds_without_a_browser(tmp_path, monkeypatch, kernel_starts):
    from workbench.app import show_page

    monkeypatch.chdir(tmp_path)
    page = show_page(tmp_path)
    assert page is not None
    assert page.choice.value == "profile"  # an "auto" analysis comes first
    assert page.form is not None and "data_path" in page.form.inputs
    assert not (tmp_path / "runs").exists()  # a visit alone leaves nothing behind
    assert not kernel_starts


def test_a_download_too_big_for_a_link_names_the_run_not_a_server_path(tmp_path):
    from workbench.app._page import MAX_DATA_URL, download_link

    small = download_link("r.html", b"<h1>x</h1>", "text/html", "보고서 내려받기")
    assert small.startswith('<a download="r.html" href="data:text/html;base64,')
    big = download_link("r.zip", b"0" * MAX_DATA_URL, "application/zip", "결과", "profile-01")
    assert "<a " not in big and "profile-01" in big and "분석 담당자" in big
    assert "/" not in big.replace("</span>", "")


def test_an_upload_is_scanned_at_once_and_nothing_runs_before_a_choice(
    tmp_path, monkeypatch, kernel_starts
):
    from workbench.app import show_page

    monkeypatch.chdir(tmp_path)
    page = show_page(tmp_path)
    outcome = page._run()  # before any upload: nothing is chosen for the official
    assert outcome.notice.title == "분석할 자료를 고르세요." and not kernel_starts
    table = "성명,주민등록번호,민원유형\n" + "".join(
        f"{name},900101-123456{i % 8},도로\n"
        for i, name in enumerate(["김민준", "이서연", "박지호", "최수아", "정우진", "강하은"] * 4)
    )
    page._on_upload({"new": [{"name": "민원.csv", "content": table.encode("cp949")}]})
    said = html.unescape(page.notice.value)
    assert "개인정보로 보이는 열" in said and "'성명' 열: 이름 24건" in said
    assert "'주민등록번호' 열: 주민등록번호" in said
    assert "김민준" not in said and "900101" not in said and str(tmp_path) not in said
    assert page.form.inputs["data_path"].value.endswith("민원.csv")
    assert page.form.rows["sheet"].layout.display == "none"  # a CSV has no sheets
    assert not kernel_starts


def test_an_unreadable_upload_is_said_at_once(tmp_path, monkeypatch, kernel_starts):
    from workbench.app import show_page

    monkeypatch.chdir(tmp_path)
    page = show_page(tmp_path)
    page._on_upload({"new": [{"name": "표.xlsx", "content": b"not a workbook"}]})
    assert "wb-error" in page.notice.value and "자료 파일을 읽지 못했습니다" in page.notice.value


def test_the_report_is_shown_at_its_full_height():
    from workbench.app._page import report_frame

    frame = report_frame('<html><body><h1 class="x">보고서</h1></body></html>')
    assert 'scrolling="no"' in frame and "scrollHeight" in frame and "ResizeObserver" in frame
    assert "&lt;h1 class=&quot;x&quot;&gt;" in frame


def test_the_chosen_analysis_shows_its_origin_package_and_version(
    tmp_path, monkeypatch, kernel_starts, analysis_package, caplog
):
    from workbench._distribution import DISTRIBUTION, installed_version
    from workbench.app import show_page

    monkeypatch.chdir(tmp_path)
    page = show_page(tmp_path)
    assert page is not None
    # The broken entry point is skipped: logged, not a crash, not on the page.
    assert (
        "분석 패키지 'broken' (welfare-gap-analysis 1.2.0, no_such_module_xyz)를 건너뜁니다"
        in caplog.text
    )
    own = f"출처: {html.escape(f'{DISTRIBUTION} {installed_version()}')}"
    assert own in page.summary.value
    page.choice.value = "welfare_gap"
    assert "출처: welfare-gap-analysis 1.2.0" in page.summary.value
    assert own not in page.summary.value
    assert not kernel_starts
