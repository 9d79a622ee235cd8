"""`workbench batch` (issue 6): one run per matrix row, in parallel, with an index."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from workbench.cli._common import err, handle_errors, out, secret_prompt


@contextlib.contextmanager
def _batch_progress(title: str, quiet: bool) -> Iterator[Callable[[Any], None] | None]:
    """Show a Rich bar on stderr: done, failed and running counts, elapsed time and ETA."""
    if quiet:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    counts = {"done": 0, "failed": 0, "running": 0, "skipped": 0}
    # The bar appears once the matrix is checked ("plan"): a refused matrix shows only
    # its error.
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(
            "완료 {task.fields[done]} · 실패 {task.fields[failed]} · 실행 중 {task.fields[running]}"
        ),
        TimeElapsedColumn(),
        TextColumn("남은 시간"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )
    task = bar.add_task(title, total=None, done=0, failed=0, running=0)

    def update(event: Any) -> None:
        if event.kind == "plan":
            bar.update(task, total=event.total)
            bar.start()
            return
        if event.kind == "settle":  # Ctrl-C on Dask: started runs finish on their workers
            bar.console.print(
                "작업자에서 이미 시작된 실행이 끝나기를 기다립니다. 바로 멈추려면 Ctrl-C를 "
                "한 번 더 누르세요 (그 실행은 실패(interrupted)로 기록합니다)."
            )
            return
        if event.kind == "start":
            counts["running"] += 1
        elif event.kind == "finish":
            status = event.outcome.status
            if status == "skipped":
                counts["skipped"] += 1
            else:
                counts["running"] = max(counts["running"] - 1, 0)
            key = "done" if status in ("succeeded", "skipped") else "failed"
            counts[key] += 1
            bar.advance(task)
        bar.update(task, done=counts["done"], failed=counts["failed"], running=counts["running"])

    try:
        yield update
    finally:
        bar.stop()


def _print_summary(result: Any) -> None:
    from workbench.runner import short_cause

    done = result.count("succeeded")
    skipped = result.count("skipped")
    failed = result.count("failed")
    blocked = result.count("blocked")
    color = "green" if result.ok else "yellow"
    out.print(
        f"[{color}]일괄 실행 끝[/] 전체 {len(result.rows)}건: 완료 {done}, 재사용 {skipped}, "
        f"실패 {failed}, 공개 보류 {blocked}"
    )
    for outcome in sorted(result.outcomes.values(), key=lambda o: o.number):
        if outcome.status in ("failed", "blocked"):
            label = "실패" if outcome.status == "failed" else "공개 보류"
            cause = short_cause(outcome.message)
            out.print(
                f"  {label} {outcome.number}행 {outcome.run_id}: {outcome.reason}"
                + (f" — {cause}" if cause else ""),
                highlight=False,
            )
    out.print(f"  목록: {result.index_html}")
    out.print(f"  표:   {result.index_csv}")
    if (result.out / "index.pdf").is_file():
        out.print(f"  PDF:  {result.out / 'index.pdf'}")


def batch_command(
    name: Annotated[str, typer.Argument(help="분석 이름 또는 .ipynb 경로")],
    matrix: Annotated[
        Path, typer.Option("--matrix", "-m", help="행마다 매개변수 한 벌 (.csv 또는 .yaml)")
    ],
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", min=1, help="동시 실행 수 (기본: CPU 코어 수)")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask 스케줄러 주소 (예: tcp://10.0.0.5:8786)"),
    ] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="일괄 실행 폴더")] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="실행 하나의 제한 시간(초)")
    ] = None,
    retries: Annotated[
        int,
        typer.Option("--retries", min=0, help="커널이 죽은 실행을 다시 시도할 횟수 (셀 오류 제외)"),
    ] = 0,
    resume: Annotated[
        bool, typer.Option("--resume", help="완료된 실행은 건너뛰고 나머지만 실행")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="진행 표시 없음")] = False,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf", help="완료된 실행의 보고서와 전체 목록을 PDF로도 저장 (Chromium 필요)"
        ),
    ] = False,
    secret: Annotated[
        list[str] | None,
        typer.Option(
            "--secret",
            "-s",
            metavar="NAME",
            help="비밀 매개변수 NAME을 환경변수 $NAME에서 읽음 (Dask에서는 각 작업 노드의 "
            "환경변수). 값은 어떤 파일에도 남지 않습니다.",
        ),
    ] = None,
) -> None:
    """표준 분석을 매개변수 표의 행마다 실행하고, 전체 목록(index.html, index.csv)을 만듭니다."""
    from workbench.runner import run_batch

    try:
        with handle_errors(), _batch_progress(name, quiet) as progress:
            result = run_batch(
                name,
                matrix,
                out=out_dir,
                workers=workers,
                scheduler=scheduler,
                timeout=timeout,
                retries=retries,
                resume=resume,
                progress=progress,
                secret_names=secret or (),
                prompt=secret_prompt,
                pdf=pdf,
            )
    except KeyboardInterrupt:
        err.print(
            "[bold red]중단됨[/]: 진행 중이던 실행은 실패(interrupted)로 기록했습니다. "
            "--resume 으로 나머지를 이어서 실행할 수 있습니다."
        )
        raise typer.Exit(130) from None
    _print_summary(result)
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("batch")(batch_command)
