"""`workbench app` and `workbench lab`: the no-code page and JupyterLab, in the project.

Both start a Jupyter server on loopback with this environment's Python and its
``python3`` kernel, print the address, and block until Ctrl-C.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from workbench._korean import josa
from workbench.cli._common import err, out

#: Jupyter configuration that `workbench lab` adds: JupyterLab in Korean, no news feed.
LAB_CONFIG = Path(__file__).resolve().parents[1] / "app" / "jupyter_config"


def _project() -> Path:
    from workbench.config import find_project

    return find_project() or Path.cwd().resolve()


def _server_env(project: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    from workbench.app import PROJECT_ENV

    env = dict(os.environ)
    env[PROJECT_ENV] = str(project)
    # This environment's kernelspec wins over a stale one in ~/.local/share/jupyter.
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env.update(extra or {})
    return env


@contextmanager
def token_file() -> Iterator[tuple[str, Path]]:
    """Yield a new token and a 0600 file holding it, in a 0700 folder removed afterwards.

    The servers read their token from this file: on the command line, any user of the
    machine could read it in ``/proc/*/cmdline``.
    """
    token = secrets.token_hex(24)
    with tempfile.TemporaryDirectory(prefix="workbench-token-") as folder:
        path = Path(folder) / "token"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token)
        yield token, path


def voila_command(
    project: Path,
    port: int,
    open_browser: bool,
    token_path: Path,
    *,
    max_kernels: int = 8,
    idle_minutes: float = 30,
    max_upload_mb: int = 200,
) -> list[str]:
    """Return the command line that serves the page of ``project`` on 127.0.0.1:``port``.

    The server is Voilà with a token, a Host check and a kernel cap
    (:mod:`workbench.app._server`); the token is read from ``token_path``.
    """
    from workbench.app import PAGE_NOTEBOOK

    idle = max(int(idle_minutes * 60), 1)
    return [
        sys.executable,
        "-m",
        "workbench.app._server",
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
        f"--WorkbenchVoila.token_file={token_path}",
        f"--WorkbenchVoila.max_upload_mb={max_upload_mb}",
        "--VoilaConfiguration.multi_kernel_manager_class=workbench.app._server.CappedKernelManager",
        f"--CappedKernelManager.max_kernels={max_kernels}",
        # Kernels of closed pages go after this long idle (open pages are kept).
        f"--MappingKernelManager.cull_idle_timeout={idle}",
        f"--MappingKernelManager.cull_interval={min(idle, 60)}",
        "--MappingKernelManager.default_kernel_name=python3",
        *([] if open_browser else ["--no-browser"]),
    ]


def lab_command(project: Path, port: int, open_browser: bool) -> list[str]:
    """Return the command line that opens JupyterLab in ``project`` on 127.0.0.1:``port``.

    Its token comes from ``$JUPYTER_TOKEN_FILE`` (see :func:`token_file`), never from
    the command line.
    """
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={project}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
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
                f"[bold red]오류:[/] 포트 {port}{josa(port, '을/를')} 이미 다른 프로그램이 쓰고 "
                "있습니다. "
                "--port 로 다른 번호를 고르세요 (예: --port 8870)."
            )
            raise typer.Exit(2) from None


def _serve(command: list[str], project: Path, what: str, url: str, env: dict[str, str]) -> None:
    out.print(f"[bold]{what}[/] — 프로젝트: {project}")
    out.print(f"주소: {url}  (이 컴퓨터에서만, 이 주소로만 열립니다. 끝내려면 Ctrl-C)")
    try:
        process = subprocess.Popen(command, cwd=project, env=env)
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
MaxKernelsOption = Annotated[
    int,
    typer.Option(
        "--max-kernels",
        min=2,
        max=64,
        help="동시에 유지할 계산 엔진(커널) 수의 상한. 넘으면 가장 오래 쉬고 있는 것을 닫습니다.",
    ),
]
IdleOption = Annotated[
    float,
    typer.Option(
        "--idle-minutes",
        min=1,
        max=24 * 60,
        help="닫힌 페이지의 계산 엔진을 이만큼(분) 쉬면 정리합니다.",
    ),
]
UploadOption = Annotated[
    int,
    typer.Option("--max-upload-mb", min=1, max=2048, help="올릴 수 있는 파일 크기 상한 (MB)"),
]


def app_command(
    port: PortOption = 8866,
    no_browser: NoBrowserOption = False,
    max_kernels: MaxKernelsOption = 8,
    idle_minutes: IdleOption = 30,
    max_upload_mb: UploadOption = 200,
) -> None:
    """코드 없이 쓰는 자동 분석 페이지를 엽니다 (파일 올리기 → 분석 고르기 → 보고서).

    페이지는 이 컴퓨터에서, 화면에 표시된 주소(접속 토큰 포함)로만 열립니다.
    """
    from workbench.app import MAX_UPLOAD_ENV

    project = _project()
    _check_port(port)
    with token_file() as (token, path):
        command = voila_command(
            project,
            port,
            not no_browser,
            path,
            max_kernels=max_kernels,
            idle_minutes=idle_minutes,
            max_upload_mb=max_upload_mb,
        )
        env = _server_env(project, {MAX_UPLOAD_ENV: str(max_upload_mb)})
        url = f"http://127.0.0.1:{port}/?token={token}"
        _serve(command, project, "자동 분석 페이지", url, env)


def lab_command_cli(port: PortOption = 8888, no_browser: NoBrowserOption = False) -> None:
    """프로젝트 폴더에서 JupyterLab을 엽니다 (이 환경의 python3 커널)."""
    project = _project()
    _check_port(port)
    # A token of our own, so that the printed address is the one that opens; read by
    # the server from a 0600 file, not from its command line.
    with token_file() as (token, path):
        env = _server_env(project, {"JUPYTER_TOKEN_FILE": str(path)})
        env.pop("JUPYTER_TOKEN", None)
        # Defaults (an analyst's own settings still win): Korean menus, no news prompt.
        config_path = [str(LAB_CONFIG), *filter(None, [env.get("JUPYTER_CONFIG_PATH")])]
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(config_path)
        url = f"http://127.0.0.1:{port}/lab?token={token}"
        _serve(lab_command(project, port, not no_browser), project, "JupyterLab", url, env)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("app")(app_command)
    app.command("lab")(lab_command_cli)
