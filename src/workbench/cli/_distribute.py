"""``workbench wheelhouse``: what the analysis center hands to agencies with no network."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from workbench.cli._common import err, handle_errors, out


def wheelhouse_command(
    folder: Annotated[Path, typer.Argument(help="휠 폴더 (없거나 비어 있어야 함)")],
    extra: Annotated[
        list[str] | None,
        typer.Option("--extra", help="함께 넣을 workbench의 추가 기능 (여러 번; 예: test)"),
    ] = None,
    no_project_tools: Annotated[
        bool,
        typer.Option(
            "--no-project-tools",
            help="프로젝트 도구(pytest, ruff, pre-commit …)를 넣지 않음 (make setup은 안 됨)",
        ),
    ] = False,
    source: Annotated[
        Path | None,
        typer.Option("--source", help="workbench 소스 폴더나 휠 (기본: 설치된 것)"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="이전에 만든 휠 폴더를 새로 만듦")] = False,
) -> None:
    """인터넷 없는 기관에 설치할 휠 폴더와 requirements.txt(정확한 버전, sha256)를 만듭니다."""
    from workbench.project import build_wheelhouse

    with handle_errors():
        house = build_wheelhouse(
            folder,
            extras=extra or (),
            with_project_tools=not no_project_tools,
            source=source,
            force=force,
            progress=lambda message: err.print(message),
        )
    size = sum(p.stat().st_size for p in house.folder.glob("*.whl")) / 1024**2
    out.print(f"[green]휠 폴더를 만들었습니다[/]: {house.folder}")
    out.print(f"  휠 {len(house.wheels)}개, {size:,.0f} MB ({house.workbench_wheel} 포함)")
    out.print("  인터넷 없는 컴퓨터에서 설치:")
    out.print(Text(f"    {house.install_command()}"))
    out.print(Text(f"  프로젝트: make setup WORKBENCH_WHEELHOUSE={house.folder}"))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("wheelhouse")(wheelhouse_command)
