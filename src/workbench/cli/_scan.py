"""``workbench scan``: which kinds of personal information a file holds.

Exit codes, like a linter's so that scripts and CI can act on them: 0 when nothing was
found, 1 when personal information was found, 2 when the file cannot be read.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from workbench.cli._common import err, handle_errors, out


class ScanFormat(StrEnum):
    """Output formats of ``workbench scan``."""

    table = "table"
    json = "json"


def scan_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="검사할 자료 파일 (CSV, Excel, Parquet, JSON), catalog:자료이름 "
            "또는 노트북 (.ipynb)"
        ),
    ],
    output_format: Annotated[
        ScanFormat, typer.Option("--format", help="출력 형식: table 또는 json")
    ] = ScanFormat.table,
    sample: Annotated[
        int | None, typer.Option("--sample", min=1, help="이 행 수만 무작위로 검사")
    ] = None,
    text: Annotated[
        list[str] | None,
        typer.Option(
            "--text",
            help="자유 서술 열 (문장 안의 개인정보를 찾음; 여러 번 쓸 수 있음). "
            "catalog:이름으로 읽으면 catalog.yml에서 type: text인 열을 씀",
        ),
    ] = None,
) -> None:
    """자료 파일의 열마다 개인정보 종류, 건수, 신뢰도를 보여 줍니다 (예시는 가려서 표시).

    노트북(.ipynb)은 셀마다 저장된 출력과 코드를 검사합니다.
    개인정보가 없으면 종료 코드 0, 있으면 1, 파일을 읽을 수 없으면 2입니다.
    """
    if file.suffix.lower() == ".ipynb":
        _scan_notebook(file, output_format)
        return
    from workbench.catalog import TEXT_COLUMNS_ATTR, is_catalog_uri, read_table
    from workbench.ethics import KIND_LABELS, scan
    from workbench.exceptions import DataReadError

    with handle_errors():
        try:
            # catalog:NAME reads a catalog dataset (its text columns come with it).
            frame = read_table(str(file) if is_catalog_uri(str(file)) else file)
        except DataReadError as exc:
            # Exit 1 means "personal information found": an unreadable file is bad input.
            err.print(f"[bold red]오류:[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(2) from None
        texts = [*frame.attrs.get(TEXT_COLUMNS_ATTR, ()), *(text or ())]
        unknown = [t for t in text or () if t not in frame.columns]
        if unknown:
            err.print(
                Text(
                    f"오류: --text로 준 열이 {file}에 없습니다: {', '.join(unknown)}. "
                    f"있는 열: {', '.join(map(str, frame.columns))}"
                ),
                style="bold red",
            )
            raise typer.Exit(2)
        result = scan(frame, sample=sample, path=str(file), text_columns=texts)
    if output_format is ScanFormat.json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
    elif not result.found:
        out.print(Text(f"개인정보 없음: {file} ({result.rows}행, {len(result.columns)}열)"))
    else:
        table = Table("열", "종류", "건수", "신뢰도", "예시(가림)", title=f"개인정보 검사: {file}")
        for column, kind, count, confidence, examples in result.table_rows():
            label = f"{KIND_LABELS[kind]} ({kind})"
            where = f"{column} (자유 서술)" if column in result.text_columns else column
            table.add_row(Text(where), label, f"{count:,}", f"{confidence:.2f}", Text(examples))
        out.print(table)
        out.print(Text(f"{result.rows:,}행 검사. 가명처리하거나 해당 열을 삭제하십시오."))
        if result.text_columns:
            out.print(Text("자유 서술 열은 wb.mask_texts로 가린 글만 쓰고 게시하십시오."))
    if result.found:
        raise typer.Exit(1)


def _scan_notebook(file: Path, output_format: ScanFormat) -> None:
    """Scan a notebook's stored outputs and code (the project's pre-commit check)."""
    from workbench.project import scan_notebook

    if not file.is_file():
        err.print(Text(f"오류: 파일이 없습니다: {file}"), style="bold red")
        raise typer.Exit(2)
    problems = scan_notebook(file)
    if output_format is ScanFormat.json:
        found = [
            {
                "location": p.location.to_dict() if p.location is not None else None,
                "where": p.location.label() if p.location is not None else "",
                "message": p.message,
            }
            for p in problems
        ]
        out.print_json(json.dumps({"path": str(file), "findings": found}, ensure_ascii=False))
    elif not problems:
        out.print(Text(f"개인정보 없음: {file} (노트북 출력과 코드)"))
    else:
        for problem in problems:
            out.print(Text(str(problem)))
    if problems:
        raise typer.Exit(1)
