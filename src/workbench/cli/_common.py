"""Shared pieces of the ``workbench`` command: the app, consoles, error handling."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from workbench._korean import josa
from workbench.cli._framework import typer_app

app = typer_app(
    name="workbench",
    help="workbench: 표준 분석 노트북을 재현 가능하게 실행하고 보고서와 실행 기록을 남깁니다.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# soft_wrap: never break a path or an identifier across lines (people copy them).
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
state = {"verbose": False}


@contextlib.contextmanager
def handle_errors() -> Iterator[None]:
    """Turn library errors into one message and an exit code."""
    from workbench.exceptions import (
        AnalysisNotFoundError,
        CatalogError,
        DataReadError,
        NotebookContractError,
        ParameterError,
        ReleaseBlockedError,
        RunExistsError,
        RunFailedError,
        WorkbenchError,
    )

    try:
        yield
    except ReleaseBlockedError as exc:
        err.print(f"[bold yellow]공개 보류[/]\n{escape(str(exc))}", highlight=False)
        err.print(f"실행 기록 (status: blocked): {Path(str(exc.run_dir)) / 'manifest.json'}")
        raise typer.Exit(1) from None
    except RunFailedError as exc:
        err.print(f"[bold red]실행 실패[/]\n{escape(str(exc))}", highlight=False)
        if exc.run_dir is not None:
            err.print(f"실행 기록 (status: failed): {Path(str(exc.run_dir)) / 'manifest.json'}")
        raise typer.Exit(1) from None
    except (
        AnalysisNotFoundError,
        CatalogError,
        # An input that cannot be read is refused before anything runs.
        DataReadError,
        NotebookContractError,
        ParameterError,
        RunExistsError,
    ) as exc:
        if state["verbose"]:
            err.print_exception()
        err.print(f"[bold red]오류:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
    except WorkbenchError as exc:
        if state["verbose"]:
            err.print_exception()
        err.print(f"[bold red]오류:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None


def secret_prompt(name: str) -> str:
    """Ask for a secret parameter's value on the terminal (never echoed); refuse otherwise."""
    import sys

    from workbench.exceptions import ParameterError

    if not sys.stdin.isatty():
        raise ParameterError(
            f"-s {name}: 환경변수 {name}{josa(name, '이/가')} 설정되어 있지 않고, 입력을 물어볼 "
            "터미널도 "
            f"없습니다. export {name}='…' 후 다시 실행하세요.",
            parameter=name,
        )
    return str(typer.prompt(f"비밀 매개변수 {name}", hide_input=True, err=True))


@contextlib.contextmanager
def progress_bar(title: str, quiet: bool) -> Iterator[Any]:
    """Show a Rich progress bar over the notebook's cells, on stderr."""
    if quiet:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(f"{title}: 커널 시작 중", total=None)

        def update(event: str, index: int, total: int, cell: Any) -> None:
            if event == "kernel":
                bar.update(task, total=total, completed=0)
            else:
                bar.update(
                    task, total=total, completed=index, description=f"{title}: 셀 {index + 1}"
                )

        yield update
