"""`workbench app` and `workbench lab`: the no-code page and JupyterLab, in the project.

Both start a Jupyter server on loopback with this environment's Python and its
``python3`` kernel, print the address, and block until Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._common import err, out

#: Voilà's configuration shipped with the page: ``tornado_settings`` with the largest
#: upload the page accepts (200 MiB; tornado's default would be 10 MiB). A file, because
#: on the command line the key=value form passes the size as a string and the literal
#: dict form is deprecated (and warned about) by traitlets.
VOILA_CONFIG = Path(__file__).resolve().parents[1] / "app" / "voila.json"


def _project() -> Path:
    from workbench.config import find_project

    return find_project() or Path.cwd().resolve()


def _server_env(project: Path) -> dict[str, str]:
    from workbench.app import PROJECT_ENV

    env = dict(os.environ)
    env[PROJECT_ENV] = str(project)
    # This environment's kernelspec wins over a stale one in ~/.local/share/jupyter.
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    return env


def voila_command(project: Path, port: int, open_browser: bool) -> list[str]:
    """Return the command line that serves the page of ``project`` on 127.0.0.1:``port``."""
    from workbench.app import PAGE_NOTEBOOK

    return [
        sys.executable,
        "-m",
        "voila",
        str(PAGE_NOTEBOOK),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--show_tracebacks=False",
        # A kernel that has already built the page waits for the next visitor.
        "--preheat_kernel=True",
        "--theme=light",
        # Serve no file of the package folder (the page needs none).
        "--VoilaConfiguration.file_allowlist=^$",
        f"--Voila.config_file_paths={VOILA_CONFIG.parent}",
        "--MappingKernelManager.default_kernel_name=python3",
        *([] if open_browser else ["--no-browser"]),
    ]


def lab_command(project: Path, port: int, open_browser: bool, token: str) -> list[str]:
    """Return the command line that opens JupyterLab in ``project`` on 127.0.0.1:``port``."""
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={project}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--MappingKernelManager.default_kernel_name=python3",
        # Containers and CI run as root; JupyterLab refuses that unless told.
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        *([] if open_browser else ["--no-browser"]),
    ]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server: SIGTERM makes a Jupyter server shut its kernels down and exit."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _check_port(port: int) -> None:
    """Refuse a port another program holds, before the server prints anything."""
    import socket

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            err.print(
                f"[bold red]오류:[/] 포트 {port}을(를) 이미 다른 프로그램이 쓰고 있습니다. "
                "--port 로 다른 번호를 고르세요 (예: --port 8870)."
            )
            raise typer.Exit(2) from None


def _serve(command: list[str], project: Path, what: str, url: str, port: int) -> None:
    _check_port(port)
    out.print(f"[bold]{what}[/] — 프로젝트: {project}")
    out.print(f"주소: {url}  (이 컴퓨터에서만 열립니다. 끝내려면 Ctrl-C)")
    try:
        process = subprocess.Popen(command, cwd=project, env=_server_env(project))
    except OSError as exc:
        err.print(f"[bold red]오류:[/] 서버를 시작하지 못했습니다: {exc}")
        raise typer.Exit(1) from None
    # Being terminated must not orphan the server and its kernels: stop them first.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        _stop(process)
        err.print("서버를 멈췄습니다.")
        return
    finally:
        signal.signal(signal.SIGTERM, previous)
    if code != 0:
        err.print(f"[bold red]오류:[/] 서버가 종료되었습니다 (종료 코드 {code}).")
        raise typer.Exit(1)


PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, help="포트 번호")]
NoBrowserOption = Annotated[
    bool, typer.Option("--no-browser", help="브라우저를 자동으로 열지 않음")
]


def app_command(port: PortOption = 8866, no_browser: NoBrowserOption = False) -> None:
    """코드 없이 쓰는 자동 분석 페이지를 엽니다 (파일 올리기 → 분석 고르기 → 보고서)."""
    project = _project()
    url = f"http://127.0.0.1:{port}/"
    _serve(voila_command(project, port, not no_browser), project, "자동 분석 페이지", url, port)


def lab_command_cli(port: PortOption = 8888, no_browser: NoBrowserOption = False) -> None:
    """프로젝트 폴더에서 JupyterLab을 엽니다 (이 환경의 python3 커널)."""
    import secrets

    project = _project()
    # A token of our own, so that the printed address is the one that opens.
    token = secrets.token_hex(24)
    url = f"http://127.0.0.1:{port}/lab?token={token}"
    _serve(lab_command(project, port, not no_browser, token), project, "JupyterLab", url, port)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("app")(app_command)
    app.command("lab")(lab_command_cli)
