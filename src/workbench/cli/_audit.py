"""``workbench audit``: show and verify the access audit log.

A project that has never loaded a non-public dataset has no log: ``verify`` then says so
and exits 0 (a new project is not a tampered one), unless the log's head record shows
that entries were written, which fails like any other break in the chain.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from workbench.cli._common import err, handle_errors, out

if TYPE_CHECKING:
    from workbench.catalog import AuditLog

audit_app = typer.Typer(help="자료 접근 기록(감사 로그) 확인.", no_args_is_help=True)

LogOption = Annotated[
    Path | None,
    typer.Option("--log", help="감사 기록 파일 (기본: 현재 프로젝트의 .workbench/audit.jsonl)"),
]


def _open(log: Path | None) -> AuditLog:
    from workbench import config
    from workbench.catalog import AuditLog

    return AuditLog(log if log is not None else config.audit_log_path())


def _fail(title: str, exc: Exception) -> typer.Exit:
    # The message quotes the log's content: print it as text, never as Rich markup.
    err.print(f"[bold red]{title}[/]: {escape(str(exc))}", highlight=False)
    return typer.Exit(1)


@audit_app.command("verify")
def verify_command(
    log: LogOption = None,
    runs: Annotated[
        list[Path] | None,
        typer.Option(
            "--runs",
            help="실행 폴더(또는 일괄 실행 폴더): 실행 기록에 남은 감사 기록 끝과 대조 "
            "(통째로 다시 쓴 기록을 찾음; 여러 번 사용 가능)",
        ),
    ] = None,
) -> None:
    """감사 기록의 해시 사슬을 검사하여 변조·삭제·삽입된 첫 항목을 알려 줍니다."""
    from workbench.exceptions import AuditError

    with handle_errors():
        audit = _open(log)
        try:
            count = audit.verify()
        except AuditError as exc:
            raise _fail("감사 기록 검증 실패", exc) from None
        if runs:
            from workbench.runner import check_runs

            checked, problems = check_runs(audit.path, runs)
            if problems:
                err.print(
                    "[bold red]감사 기록 검증 실패[/]: 실행 기록과 맞지 않습니다", highlight=False
                )
                for problem in problems:
                    err.print(f"  - {escape(problem)}", highlight=False)
                raise typer.Exit(1)
    if count == 0:
        out.print(Text(f"감사 기록이 없습니다: {audit.path}"))
        return
    out.print(
        f"[green]감사 기록 {count}건: 변조 없음[/] ({escape(str(audit.path))})", highlight=False
    )
    if runs:
        out.print(f"  실행 기록 {checked}건의 감사 기록 끝과 일치합니다.", highlight=False)


@audit_app.command("show")
def show_command(
    dataset: Annotated[str | None, typer.Option("--dataset", "-d", help="이 자료의 기록만")] = None,
    last: Annotated[int | None, typer.Option("--last", "-n", min=1, help="마지막 N건만")] = None,
    log: LogOption = None,
) -> None:
    """감사 기록을 표로 보여 줍니다 (순번, 시각, 사용자, 자료, 목적, 행 수)."""
    from workbench.exceptions import AuditError

    with handle_errors():
        audit = _open(log)
        try:
            entries = audit.entries()
        except AuditError as exc:
            raise _fail("감사 기록을 읽을 수 없습니다", exc) from None
    if not entries:
        out.print(Text(f"기록 없음: 감사 기록이 없습니다 ({audit.path})"))
        return
    if dataset is not None:
        entries = [e for e in entries if e["dataset"] == dataset]
        if not entries:
            out.print(Text(f"기록 없음: 자료 '{dataset}'의 접근 기록이 없습니다."))
            return
    if last is not None:
        entries = entries[-last:]
    table = Table(title="자료 접근 기록")
    table.add_column("순번", justify="right", no_wrap=True)
    table.add_column("시각 (UTC)", no_wrap=True, min_width=19)
    for header in ("사용자", "자료", "목적"):
        table.add_column(header)
    table.add_column("행 수", justify="right", no_wrap=True)
    for e in entries:
        when = str(e["time"]).replace("T", " ").removesuffix("Z")
        cells = (e["seq"], when, e["user"], e["dataset"], e["purpose"] or "-", f"{e['rows']:,}")
        table.add_row(*(Text(str(c)) for c in cells))
    out.print(table)
    out.print(Text(f"{audit.path} · 변조 여부는 `workbench audit verify`로 확인하세요."))
