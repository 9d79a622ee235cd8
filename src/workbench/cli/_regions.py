"""``workbench regions``: the region code table's source and 기준일, and loading a newer one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from workbench.cli._common import err, handle_errors, out

regions_app = typer.Typer(
    help="지역 코드 표(법정동코드의 시도·시군구): 출처와 기준일 보기, 새 전체자료 넣기.",
    no_args_is_help=True,
)

_SHOWN = 20


@regions_app.command("info")
def info_command() -> None:
    """지금 쓰는 지역 코드 표의 출처, 기준일, 위치, 오늘 기준 코드 수."""
    import datetime as dt

    from workbench.catalog.regions import (
        BUNDLED_DATA,
        STALE_AFTER_DAYS,
        active_snapshot,
        snapshot_dir,
        valid_on,
    )

    with handle_errors():
        snapshot = active_snapshot()
        today = dt.date.today().isoformat()
        live = snapshot.history[valid_on(snapshot.history, today)]
        sido = int((live["수준"] == "시도").sum())
        local = int(((live["수준"] == "시군구") & live["자치"]).sum())
        general = int((live["구분"] == "일반구").sum())
        bundled = snapshot.origin.parent == BUNDLED_DATA
        out.print(f"출처: {escape(snapshot.source)}", highlight=False)
        out.print(f"기준일: {snapshot.table_date}")
        where = (
            "내장 표 (workbench에 포함)" if bundled else "프로젝트 표 (workbench regions update)"
        )
        out.print(f"위치: {escape(str(snapshot.origin))} — {where}", highlight=False)
        for key in ("snapshot", "history_from", "history_covers", "loaded", "previous"):
            for value in snapshot.header.get(key, []):
                out.print(f"  {key}: {escape(value)}", highlight=False)
        out.print(
            f"오늘({today}) 기준: 시도 {sido}개, 자치 시군구 {local}개 (지방자치단체 "
            f"{sido + local}개), 일반구 {general}개"
        )
        changes = snapshot.crosswalk.drop_duplicates(["날짜", "사유"]).sort_values("날짜")
        if len(changes):
            out.print("표에 든 변경:")
            for row in changes.itertuples():
                out.print(f"  {row.날짜} {row.사유}", highlight=False)
        age = (dt.date.fromisoformat(today) - dt.date.fromisoformat(snapshot.table_date)).days
        if age > STALE_AFTER_DAYS:
            err.print(f"[yellow]표가 기준일에서 {age}일 지났습니다.[/] 새 전체자료를 넣으세요.")
        out.print(
            "새 표 넣기: 행정표준코드관리시스템(code.go.kr)의 '법정동코드 전체자료'를 받아 "
            f"`workbench regions update 파일` (저장 위치: {escape(str(snapshot_dir()))})",
            highlight=False,
        )


@regions_app.command("update")
def update_command(
    file: Annotated[Path, typer.Argument(help="법정동코드 전체자료 (CP949, 탭 구분 .txt)")],
    date: Annotated[
        str | None, typer.Option("--date", help="파일의 기준일 YYYY-MM-DD (기본: 오늘)")
    ] = None,
) -> None:
    """법정동코드 전체자료 파일을 프로젝트의 새 지역 코드 표로 넣습니다 (이전 표는 남김)."""
    from workbench.catalog.regions import update_regions
    from workbench.exceptions import SchemaError

    if not file.is_file():
        err.print(f"[bold red]오류:[/] 파일 {escape(str(file))}이 없습니다.", highlight=False)
        raise typer.Exit(2)
    with handle_errors():
        try:
            report = update_regions(file, date=date)
        except SchemaError as exc:
            err.print(f"[bold red]오류:[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(2) from None
    out.print(f"새 지역 코드 표(기준일 {report.table_date})를 넣었습니다: {report.folder}")
    out.print(f"이전 표(기준일 {report.previous_date})는 그대로 둡니다: {report.previous_origin}")
    out.print(f"{report.table_date} 기준: 시도 {report.sido}개, 지방자치단체 {report.local}개")
    for title, codes in (("새로 생긴 코드", report.added), ("없어진 코드", report.abolished)):
        out.print(f"{title}: {len(codes)}개")
        for code, name in codes[:_SHOWN]:
            out.print(f"  {code} {escape(name)}", highlight=False)
        if len(codes) > _SHOWN:
            out.print(f"  … 외 {len(codes) - _SHOWN}개")
    if report.successors:
        out.print("대응표에 더한 것 (법정동 이름이 겹치는 새 코드):")
        for old, new in report.successors[:_SHOWN]:
            out.print(f"  {old} → {new}")
    missing = sorted({c for c, _ in report.abolished} - {old for old, _ in report.successors})
    if missing:
        out.print(f"새 코드를 찾지 못한 없어진 코드: {', '.join(missing)}")
