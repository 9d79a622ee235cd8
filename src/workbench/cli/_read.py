"""``workbench read FILE``: how the workbench reads a file, before any analysis runs.

Prints the read report (encoding, delimiter, sheet, title lines and footnotes left out,
header rows flattened, numbers and missing marks, summary rows, split codes) and the
first rows. Exit 0 when the file reads; 2 when it cannot be read (nothing ran).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from workbench.cli._common import err, handle_errors, out

__all__ = ["read_command"]


def read_command(
    file: Annotated[Path, typer.Argument(help="읽을 자료 파일 (CSV, Excel, Parquet, JSON)")],
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Excel 시트 이름 또는 0부터 센 번호")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="인코딩 (예: cp949); 없으면 자동 판별")
    ] = None,
    header_rows: Annotated[
        int | None, typer.Option("--header-rows", min=1, help="머리글 줄 수; 없으면 자동 판별")
    ] = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="추론 없이 모든 칸을 텍스트로 읽기 (infer=False)")
    ] = False,
    rows: Annotated[int, typer.Option("--rows", min=0, help="미리 볼 행 수")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="읽기 보고서를 JSON으로 출력")] = False,
) -> None:
    """파일을 어떻게 읽었는지(읽기 보고서)와 앞부분 행을 보여 줍니다.

    분석 전에 인코딩, 머리글, 숫자·결측 표시, 합계 행, 주석 처리를 확인하세요.
    읽을 수 없는 파일이면 이유와 고치는 방법을 보여 주고 종료 코드 2로 끝납니다.
    """
    from workbench.catalog import read_table
    from workbench.exceptions import DataReadError

    chosen: str | int | None = int(sheet) if sheet is not None and sheet.isdigit() else sheet
    with handle_errors():
        try:
            frame, report = read_table(
                file,
                sheet=chosen,
                encoding=encoding,
                header_rows=header_rows,
                infer=not raw,
                report=True,
            )
        except DataReadError as exc:
            err.print(f"[bold red]오류:[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(2) from None
    if as_json:
        out.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    out.print("[bold]읽기 보고서[/]")
    for line in report.lines():
        out.print(f"  {escape(line)}", highlight=False)
    if rows:
        table = Table(*(escape(str(c)) for c in frame.columns), title=f"앞부분 {rows}행")
        for values in frame.head(rows).itertuples(index=False):
            table.add_row(*("" if v is None else escape(str(v)) for v in values))
        table.caption = ", ".join(f"{c}: {t}" for c, t in frame.dtypes.astype(str).items())
        out.print(table)
