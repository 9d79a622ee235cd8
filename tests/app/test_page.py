"""The page's widgets, built in-process (no browser, no kernel)."""


def test_the_page_builds_without_a_browser(tmp_path, monkeypatch, kernel_starts):
    from workbench.app import show_page

    monkeypatch.chdir(tmp_path)
    page = show_page(tmp_path)
    assert page is not None
    assert page.choice.value == "profile"  # an "auto" analysis comes first
    assert page.form is not None and "data_path" in page.form.inputs
    assert not (tmp_path / "runs").exists()  # a visit alone leaves nothing behind
    assert not kernel_starts


def test_a_download_too_big_for_a_link_says_where_the_file_is(tmp_path):
    from workbench.app._page import MAX_DATA_URL, download_link

    small = download_link("r.html", b"<h1>x</h1>", "text/html", "보고서 내려받기")
    assert small.startswith('<a download="r.html" href="data:text/html;base64,')
    big = download_link("r.zip", b"0" * MAX_DATA_URL, "application/zip", "결과", tmp_path)
    assert "<a " not in big and str(tmp_path) in big and "이 컴퓨터에 저장" in big
