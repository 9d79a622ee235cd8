"""`workbench app` and `workbench lab`: the commands they run, and JupyterLab for real."""

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest
from typer.testing import CliRunner

from korean_check import assert_korean
from workbench.app import PAGE_NOTEBOOK
from workbench.cli import app
from workbench.cli._app import token_file, voila_command


def test_help_is_korean_and_lists_the_options():
    for command in ("app", "lab"):
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "--port" in result.output and "--no-browser" in result.output
        assert re.search(r"[가-힣]", result.output)


def test_the_page_is_served_on_loopback_by_this_python(tmp_path):
    command = voila_command(tmp_path, 8899, False, tmp_path / "token", max_kernels=5)
    assert command[:3] == [sys.executable, "-m", "workbench.app._server"]
    assert command[3] == str(PAGE_NOTEBOOK) and PAGE_NOTEBOOK.is_file()
    assert "--port=8899" in command and "--Voila.ip=127.0.0.1" in command
    assert "--show_tracebacks=False" in command and "--no-browser" in command
    assert "--MappingKernelManager.default_kernel_name=python3" in command
    assert f"--WorkbenchVoila.token_file={tmp_path / 'token'}" in command
    assert "--CappedKernelManager.max_kernels=5" in command
    assert "--MappingKernelManager.cull_idle_timeout=1800" in command


def test_the_token_file_is_private_and_removed_afterwards():
    with token_file() as (token, path):
        assert path.read_text(encoding="utf-8") == token and len(token) >= 32
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700
    assert not path.parent.exists()


def test_the_server_takes_uploads_over_the_limit_to_refuse_them_in_korean(tmp_path):
    # tornado would drop the page's connection on a message over its limit; the server
    # lets a file a little over the page's limit arrive, so the page can say why.
    from workbench.app._server import WorkbenchVoila

    with token_file() as (_, path):
        command = voila_command(tmp_path, 8899, False, path, max_upload_mb=50)
        server = WorkbenchVoila()
        server.initialize(command[3:])
        settings = server.init_settings()
    assert settings["websocket_max_message_size"] > 50 * 1024 * 1024
    assert settings["websocket_max_message_size"] < 100 * 1024 * 1024


def test_the_server_refuses_a_short_token_in_korean(tmp_path):
    from workbench.app._server import WorkbenchVoila

    short = tmp_path / "token"
    short.write_text("abc\n", encoding="utf-8")
    command = voila_command(tmp_path, 8899, False, short)
    with pytest.raises(SystemExit) as info:
        WorkbenchVoila().initialize(command[3:])
    assert f"{short}의 토큰이 3자로 너무 짧습니다" in str(info.value)
    assert_korean(str(info.value), str(short))


def test_a_port_in_use_is_refused_before_anything_starts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in ("app", "lab"):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = str(taken.getsockname()[1])
            result = CliRunner().invoke(app, [command, "--port", port, "--no-browser"])
        assert result.exit_code == 2
        assert f"포트 {port}" in result.output and "--port" in result.output
        assert "주소:" not in result.output


def test_the_page_notebook_only_calls_the_library():
    nb = json.loads(PAGE_NOTEBOOK.read_text(encoding="utf-8"))
    (cell,) = nb["cells"]
    assert "show_page()" in "".join(cell["source"]) and not cell["outputs"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_workbench_lab_opens_jupyterlab_in_the_project(tmp_path):
    project = tmp_path / "과제"
    (project / "notebooks").mkdir(parents=True)
    (project / "workbench.toml").write_text("", encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "workbench", "lab", "--port", str(port), "--no-browser"],
        cwd=project / "notebooks",  # any folder inside the project
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        url = _printed_url(process)
        assert url.startswith(f"http://127.0.0.1:{port}/lab?token=")
        token = url.split("token=")[1]
        specs = _get_json(f"http://127.0.0.1:{port}/api/kernelspecs?token={token}", process)
        # Other users can read every command line (/proc/*/cmdline): the token is not there.
        family = [psutil.Process(process.pid), *psutil.Process(process.pid).children(True)]
        assert len(family) >= 2  # the command and the server it started (now answering)
        assert not any(token in " ".join(p.cmdline()) for p in family)
        assert specs["default"] == "python3"
        contents = _get_json(f"http://127.0.0.1:{port}/api/contents?token={token}", process)
        assert {item["name"] for item in contents["content"]} == {"notebooks", "workbench.toml"}
        # JupyterLab in Korean, with no news prompt (defaults an analyst may still change).
        base = f"http://127.0.0.1:{port}/lab/api/settings/"
        language = _get_json(
            f"{base}@jupyterlab/translation-extension:plugin?token={token}", process
        )
        # Overrides become the schema's defaults (the analyst's own settings stay theirs).
        assert language["schema"]["properties"]["locale"]["default"] == "ko_KR"
        packs = _get_json(f"http://127.0.0.1:{port}/lab/api/translations?token={token}", process)
        assert "ko_KR" in packs["data"]
        news = f"{base}@jupyterlab/apputils-extension:notification?token={token}"
        notification = _get_json(news, process)["schema"]["properties"]
        assert notification["fetchNews"]["default"] == "false"
        assert notification["checkForUpdates"]["default"] is False
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
    assert code == 0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _printed_url(process) -> str:
    for line in process.stdout:
        if "주소:" in line:
            return line.split("주소:")[1].split()[0]
    raise AssertionError("workbench lab printed no address")


def _get_json(url: str, process) -> dict:
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, "JupyterLab exited"
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return json.loads(answer.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
