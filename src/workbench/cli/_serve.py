"""``workbench serve``: start, show or stop the warm kernel server of this environment.

``workbench run`` starts the server itself when it needs one; this command is for
starting it ahead of the first run, seeing it, and stopping it.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer

from workbench.cli._common import out


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:.0f}분" if minutes >= 1 else f"{seconds:.0f}초"


def _describe(state: Any) -> None:
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(state.started_at or 0))
    out.print(f"  프로세스:   {state.pid} (시작 {started})")
    out.print(f"  파이썬:     {state.python}")
    out.print(f"  소켓:       {state.socket}")
    out.print(f"  실행한 커널: {state.runs}개, 지금 실행 중: {state.kernels}개")
    if state.stopping:
        out.print("  멈추는 중: 실행 중인 커널이 끝나면 멈춥니다.")
    elif state.kernels:
        out.print(f"  쉬는 시간 한도: {_minutes(state.idle_seconds)} (실행이 끝난 뒤부터 셉니다)")
    else:
        left = _minutes(state.idle_left_seconds)
        out.print(f"  {left} 뒤 멈춤 (실행이 없을 때; 한도 {_minutes(state.idle_seconds)})")
    out.print(f"  미리 불러온 라이브러리: {', '.join(state.imports)}")


def serve_command(
    stop: Annotated[bool, typer.Option("--stop", help="이 환경의 커널 서버를 멈춥니다.")] = False,
    status: Annotated[
        bool, typer.Option("--status", help="이 환경의 커널 서버 상태를 보입니다.")
    ] = False,
    idle_minutes: Annotated[
        float | None,
        typer.Option(
            "--idle-minutes",
            min=0.05,
            max=24 * 60,
            help="실행이 없는 채로 이만큼(분) 지나면 서버가 멈춥니다 "
            "[기본값: 10, 환경변수 WORKBENCH_SERVE_IDLE_MINUTES]",
        ),
    ] = None,
) -> None:
    """커널 서버를 미리 띄웁니다: 라이브러리를 한 번만 불러 두고 실행마다 새 커널을 내줍니다.

    `workbench run`은 서버가 없으면 스스로 띄웁니다.
    실행이 없는 채로 한도(기본 10분)가 지나면 서버가 멈춥니다.
    실행마다 새 커널이라 앞 실행의 변수나 모듈이 남지 않습니다.
    쓰지 않으려면 `workbench run --no-serve` 또는 WORKBENCH_NO_SERVE=1.
    """
    from workbench.runner import ServeUnavailableError
    from workbench.runner import serve_start as start_server
    from workbench.runner import serve_status as server_status
    from workbench.runner import serve_stop as stop_server

    if stop:
        state = stop_server()
        if not state.running:
            out.print("이 환경에서 실행 중인 커널 서버가 없습니다.")
        elif state.kernels:
            out.print(
                f"커널 서버(프로세스 {state.pid})에 멈추라고 알렸습니다. 실행 중인 커널 "
                f"{state.kernels}개가 끝나면 멈춥니다."
            )
        else:
            out.print(f"커널 서버를 멈췄습니다 (프로세스 {state.pid}).")
        return
    if status:
        state = server_status(idle_minutes)
        if not state.running:
            out.print(
                "이 환경의 커널 서버는 실행 중이 아닙니다. `workbench run`이 필요할 때 띄우고, "
                "`workbench serve`로 미리 띄울 수 있습니다."
            )
            return
        out.print("[bold]커널 서버: 실행 중[/]")
        _describe(state)
        return
    try:
        state = start_server(idle_minutes)
    except ServeUnavailableError as exc:
        out.print(f"[bold red]오류:[/] 커널 서버를 띄우지 못했습니다: {exc.reason}")
        raise typer.Exit(1) from None
    out.print("[bold]커널 서버: 준비됨[/]")
    _describe(state)


def register(app: typer.Typer) -> None:
    """Add ``workbench serve`` to ``app``."""
    app.command("serve")(serve_command)
