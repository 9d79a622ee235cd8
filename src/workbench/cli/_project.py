"""``workbench new``, ``update``, ``doctor`` and the project's pre-commit ``hook`` commands."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from workbench.cli._common import err, handle_errors, out

hook_app = typer.Typer(
    help="생성된 프로젝트의 커밋 전 점검(pre-commit 로컬 훅)이 부르는 명령.",
    no_args_is_help=True,
)

TemplateOption = Annotated[
    Path | None,
    typer.Option("--template", help="다른 템플릿 폴더 (기본: workbench에 포함된 템플릿)"),
]
FilesArgument = Annotated[list[Path] | None, typer.Argument(help="점검할 파일 (pre-commit이 넘김)")]


@contextlib.contextmanager
def _bad_answers() -> Iterator[None]:
    """Exit 2 on a refused answer: bad input, like every refusal before work starts."""
    from workbench.project import ProjectOptionError

    try:
        yield
    except ProjectOptionError as exc:
        err.print(f"[bold red]오류:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from None


def _parse_options(values: list[str] | None) -> dict[str, str]:
    options = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(
                f"'이름=값' 형식으로 주세요 (받은 값 {item!r}). 예: --option level=standard",
                param_hint="--option",
            )
        options[key.strip()] = value
    return options


def _print_options(template: Path | None) -> None:
    from workbench.project import load_options

    table = Table(
        "옵션", "기본값", "선택지", "설명", title="프로젝트 템플릿 옵션 (--option 이름=값)"
    )
    for o in load_options(template):
        default = o.default if "{{" not in o.default else "(이름에서 만듦)"
        table.add_row(o.key, Text(default), Text(", ".join(o.choices) or "-"), Text(o.help))
    out.print(table)


def new_command(
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            metavar="이름=값",
            help="템플릿 옵션 (여러 번; 목록은 --options). 예: --option project_name='복지 2026'",
        ),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="묻지 않고 --option과 기본값으로 만듦")
    ] = False,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", help="프로젝트 폴더를 만들 곳")
    ] = Path("."),
    template: TemplateOption = None,
    list_options: Annotated[
        bool, typer.Option("--options", help="옵션, 기본값, 선택지, 설명을 보여 주고 끝냄")
    ] = False,
    no_git: Annotated[
        bool, typer.Option("--no-git", help="git 저장소로 만들지 않음 (기본: git init)")
    ] = False,
) -> None:
    """표준 분석 프로젝트를 템플릿으로 만듭니다 (답은 만들기 전에 점검)."""
    from workbench.project import new_project

    if list_options:
        with handle_errors(), _bad_answers():
            _print_options(template)
        return
    with handle_errors(), _bad_answers():
        folder = new_project(
            _parse_options(option),
            output_dir=output_dir,
            template=template,
            no_input=no_input,
            git=not no_git,
        )
    out.print(f"[green]프로젝트를 만들었습니다[/]: {folder}")
    if not no_git and not (folder / ".git").exists():
        err.print("git이 설치되어 있지 않아 git 저장소로 만들지 않았습니다 (커밋 전 점검 없음).")
    out.print(
        f"  다음: cd {folder} && make setup WORKBENCH_WHEELHOUSE=휠폴더 "
        "(또는 WORKBENCH_INDEX_URL=저장소 주소) && make test"
    )


def update_command(
    project: Annotated[Path | None, typer.Argument(help="프로젝트 폴더 (기본: 현재 폴더)")] = None,
    template: TemplateOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="바꾸지 않고 무엇이 바뀔지만 보여 줌")
    ] = False,
) -> None:
    """새 템플릿을 프로젝트에 반영합니다: 손대지 않은 파일만 갱신, 직접 고친 파일은 충돌로 알림.

    충돌이 있으면 종료 코드 1입니다 (파일은 그대로 두고 차이를 보여 줌).
    """
    from workbench.project import update_project

    with handle_errors(), _bad_answers():
        report = update_project(project, template=template, dry_run=dry_run)
    prefix = "(미리보기) " if dry_run else ""
    out.print(f"{prefix}템플릿 {report.old_version} → {report.new_version}: {report.project}")
    for label, paths in (
        ("갱신", report.updated),
        ("추가", report.added),
        ("삭제 (손대지 않은 파일)", report.removed),
        ("유지 (직접 고치거나 지운 파일)", report.kept),
    ):
        for path in paths:
            out.print(Text(f"  {label}: {path}"))
    if not report.changed and not report.conflicts:
        out.print("  바뀐 파일이 없습니다.")
    if not report.conflicts:
        return
    err.print(
        f"[bold yellow]충돌 {len(report.conflicts)}건[/]: "
        "직접 고친 파일과 새 템플릿이 모두 바뀌었습니다."
    )
    err.print("파일은 그대로 두었습니다. 아래 차이를 보고 필요한 부분을 직접 옮기십시오.")
    for conflict in report.conflicts:
        err.print(Text(f"--- 충돌: {conflict.path}"))
        err.print(Text(conflict.diff), highlight=False)
    if not dry_run:
        err.print(
            f"차이는 {report.project / '.workbench' / 'update-conflicts.diff'}에도 저장했습니다."
        )
    raise typer.Exit(1)


def doctor_command(
    project: Annotated[Path | None, typer.Argument(help="프로젝트 폴더 (기본: 현재 폴더)")] = None,
    record_raw: Annotated[
        bool,
        typer.Option("--record-raw", help="기록되지 않은 원자료의 해시를 data/raw.sha256에 추가"),
    ] = False,
) -> None:
    """프로젝트가 표준과 다른 점을 고치는 방법과 함께 보여 줍니다. 있으면 종료 코드 1."""
    from workbench.project import diagnose
    from workbench.project import record_raw as add_raw

    with handle_errors():
        if record_raw:
            root = (project or Path(".")).resolve()
            for rel in add_raw(root):
                out.print(Text(f"기록: {rel}"))
        findings = diagnose(project)
    if not findings:
        out.print("[green]표준과 다른 점이 없습니다.[/]")
        return
    for f in findings:
        out.print(Text(f"✗ {f.location}: {f.message}", style="bold"))
        out.print(Text(f"  고치는 법: {f.details.get('fix', '')}"))
    out.print(f"{len(findings)}건.")
    raise typer.Exit(1)


def _report(problems: list[object], title: str) -> None:
    if not problems:
        return
    err.print(f"[bold red]{title}[/] ({len(problems)}건)")
    for problem in problems:
        err.print(Text(f"  {problem}"), highlight=False)
    raise typer.Exit(1)


@hook_app.command("pii")
def hook_pii_command(files: FilesArgument = None) -> None:
    """노트북(출력과 코드)과 자료 파일의 개인정보를 찾아 커밋을 막습니다 (종료 코드 1)."""
    from workbench.project import scan_files

    with handle_errors():
        problems = scan_files(files or [])
    _report(list(problems), "개인정보가 있어 커밋할 수 없습니다")


@hook_app.command("large-files")
def hook_large_files_command(
    files: FilesArgument = None,
    max_kb: Annotated[int, typer.Option("--max-kb", min=1, help="허용 크기 (KB)")] = 500,
) -> None:
    """허용 크기를 넘는 파일의 커밋을 막습니다 (종료 코드 1)."""
    from workbench.project import large_files

    problems = large_files(files or [], max_kb=max_kb)
    _report(list(problems), "파일이 너무 큽니다")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("new")(new_command)
    app.command("update")(update_command)
    app.command("doctor")(doctor_command)
    app.add_typer(hook_app, name="hook")
