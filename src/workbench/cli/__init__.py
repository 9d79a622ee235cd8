"""The ``workbench`` command: parse, call the library, format. Nothing else.

Messages for people are in Korean; names of analyses, parameters and files stay as given.
Errors print one message (a traceback only with ``--verbose``) and exit non-zero:
2 for bad input (nothing ran), 1 for a run that failed or did not verify.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from workbench import __version__
from workbench.cli import _app, _batch, _distribute, _governance, _project, _serve
from workbench.cli._audit import audit_app
from workbench.cli._catalog import catalog_app
from workbench.cli._common import (
    app,
    err,
    handle_errors,
    out,
    progress_bar,
    secret_prompt,
    state,
)
from workbench.cli._read import read_command
from workbench.cli._regions import regions_app
from workbench.cli._scan import scan_command

app.add_typer(catalog_app, name="catalog")
app.add_typer(audit_app, name="audit")
app.add_typer(regions_app, name="regions")
app.command("scan")(scan_command)
app.command("read")(read_command)
_batch.register(app)
_project.register(app)
_distribute.register(app)
_app.register(app)
_serve.register(app)
_governance.register(app, catalog_app)


def _version(value: bool) -> None:
    if value:
        out.print(f"workbench {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="오류 시 전체 추적 정보를 표시")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="버전 표시")
    ] = False,
) -> None:
    state["verbose"] = verbose


def _print_run(result: Any) -> None:
    m = result.manifest
    out.print(f"[green]완료[/] {m.analysis.title} ({m.analysis.name}) · {m.duration_seconds:.1f}초")
    out.print(f"  보고서:   {result.report}")
    out.print(f"  실행 기록: {result.run_dir / 'manifest.json'}")
    if result.results:
        out.print(f"  결과 표:   {len(result.results)}개 ({result.run_dir / 'results'})")


#: Below this width `workbench analyses` prints one block per analysis instead of a table.
TABLE_WIDTH = 100


@app.command("analyses")
def analyses_command() -> None:
    """표준 분석 목록 (이름, 제목, 수준, 요약, 출처 패키지와 버전)."""
    from workbench._plugins import origin_of
    from workbench.runner import list_analyses

    with handle_errors():
        analyses = [(a, origin_of(a.path)) for a in list_analyses()]
    if out.width >= TABLE_WIDTH:
        # A name is what the user types next: never cut or folded; the summary wraps.
        table = Table(title="표준 분석")
        table.add_column("이름", no_wrap=True, overflow="ignore")
        table.add_column("제목", overflow="fold")
        table.add_column("수준", no_wrap=True)
        table.add_column("요약", overflow="fold", ratio=1)
        table.add_column("출처", overflow="fold")
        for a, origin in analyses:
            table.add_row(a.name, a.title, a.meta.level, a.meta.summary, origin)
        out.print(table)
        return
    # Narrow terminal: the name whole on its own line, the rest wrapped below it.
    out.print("[bold]표준 분석[/]")
    for a, origin in analyses:
        out.print(f"\n[bold cyan]{escape(a.name)}[/]", highlight=False)
        text = Text(f"{a.title} ({a.meta.level}) — {a.meta.summary} [출처: {origin}]")
        out.print(Padding(text, (0, 0, 0, 2), expand=False), soft_wrap=False, overflow="fold")


@app.command("show")
def show_command(name: Annotated[str, typer.Argument(help="분석 이름 또는 노트북 경로")]) -> None:
    """분석 하나의 매개변수(기본값, 유형, 설명)와 입력 자료."""
    from workbench.runner import find_analysis

    with handle_errors():
        a = find_analysis(name)
        out.print(f"[bold]{a.title}[/] ({a.name} v{a.meta.version}, {a.meta.level})")
        if a.meta.summary:
            out.print(a.meta.summary)
        out.print(f"노트북: {a.path}")
        params = Table("매개변수", "기본값", "유형", "설명", title="매개변수")
        for p in a.parameters:
            if p.secret:
                params.add_row(p.name, "(비밀)", p.type_name, f"{p.help} — -s {p.name}로 전달")
            else:
                params.add_row(p.name, repr(p.default), p.type_name, p.help)
        out.print(params)
        inputs = Table("매개변수", "설명", "필요한 열", "스키마", title="입력 자료")
        for key, spec in a.meta.inputs.items():
            needed = ", ".join(spec.columns) or "-"
            inputs.add_row(key, spec.description, needed, spec.schema_name or "-")
        out.print(inputs)
        if a.meta.datasets:
            sets = Table(
                "자료",
                "제공 기관",
                "형식",
                "열 이름 대응 (그쪽 → 이 분석)",
                title="맞는 공공·행정 자료",
            )
            for d in a.meta.datasets:
                pairs = ", ".join(f"{k} → {v}" for k, v in d.columns.items()) or "-"
                where = f" ({d.input})" if d.input else ""
                sets.add_row(
                    d.name + where, d.provider, d.format, pairs + (f"\n{d.note}" if d.note else "")
                )
            out.print(sets)
            out.print('열 이름이 다르면: -p columns \'{"그쪽 열": "이 분석의 열"}\'')
        out.print(f"실행: workbench run {a.name} -p 이름 값 ...")


# Typer cannot declare a repeatable two-value option, so `-p KEY VALUE` (papermill's form)
# is joined into `-p KEY=VALUE` by `join_param_pairs` before parsing; both forms work.
ParamOption = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        "-p",
        metavar="이름 값",
        help="매개변수의 이름과 값: '-p 이름 값' 또는 '-p 이름=값' (여러 번 사용 가능)",
    ),
]
_PARAM_FLAGS = ("-p", "--param")
ApproveOption = Annotated[
    list[str] | None,
    typer.Option("--approve", help="공개를 승인할 점검 항목 ID (여러 번 사용 가능; --reason 필요)"),
]
ReasonOption = Annotated[str | None, typer.Option("--reason", help="승인 사유")]
SecretOption = Annotated[
    list[str] | None,
    typer.Option(
        "--secret",
        "-s",
        metavar="이름",
        help="비밀 매개변수의 값을 같은 이름의 환경변수에서 읽음 (없으면 터미널에서 물어봄; "
        "여러 번 사용 가능). 값은 어떤 파일에도 남지 않습니다.",
    ),
]
ApprovalsFileOption = Annotated[
    Path | None, typer.Option("--approvals", help="승인 목록 YAML 파일 (id, reason)")
]


def join_param_pairs(args: list[str]) -> list[str]:
    """Rewrite ``-p KEY VALUE`` as ``-p KEY=VALUE``; leave everything else as it is."""
    joined: list[str] = []
    rest = list(args)
    while rest:
        token = rest.pop(0)
        joined.append(token)
        if token == "--":
            return joined + rest
        if token in _PARAM_FLAGS and len(rest) >= 2 and "=" not in rest[0]:
            key, value = rest.pop(0), rest.pop(0)
            joined.append(f"{key}={value}")
    return joined


def _split_pairs(values: list[str] | None) -> list[tuple[str, str]]:
    pairs = []
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(
                f"'이름 값' 또는 '이름=값'으로 주세요 (받은 값: {item!r}). 예: -p top_n 10",
                param_hint="-p",
            )
        pairs.append((key, value))
    return pairs


@app.command("run")
def run_command(
    name: Annotated[str, typer.Argument(help="분석 이름 또는 .ipynb 경로")],
    param: ParamOption = None,
    params_file: Annotated[
        Path | None, typer.Option("--params-file", "-f", help="매개변수 YAML 파일")
    ] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="실행 폴더")] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="실행 전체 제한 시간(초)")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="기존 실행 폴더를 덮어씀")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="진행 표시 없음")] = False,
    approve: ApproveOption = None,
    reason: ReasonOption = None,
    approvals_file: ApprovalsFileOption = None,
    secret: SecretOption = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="보고서를 PDF(report.pdf)로도 저장 (Chromium 필요)")
    ] = False,
    no_serve: Annotated[
        bool,
        typer.Option(
            "--no-serve",
            help="커널 서버(workbench serve)를 쓰지 않고 새 커널을 시작 (환경변수 "
            "WORKBENCH_NO_SERVE=1과 같음)",
        ),
    ] = False,
) -> None:
    """표준 분석을 실행하여 보고서(report.html), 결과 표, 실행 기록(manifest.json)을 만듭니다."""
    from workbench.runner import load_approvals, run_analysis

    with handle_errors(), progress_bar(name, quiet) as progress:
        approvals = load_approvals(approve, reason, approvals_file)
        result = run_analysis(
            name,
            cli_pairs=_split_pairs(param),
            params_file=params_file,
            out=out_dir,
            force=force,
            timeout=timeout,
            progress=progress,
            approvals=approvals,
            secret_names=secret or (),
            prompt=secret_prompt,
            serve=not no_serve,
        )
    _print_run(result)
    if pdf:
        from workbench.runner import write_report_pdf

        with handle_errors():
            out.print(f"  PDF 보고서: {write_report_pdf(result.run_dir)}")


@app.command("check")
def check_command(
    run_dir: Annotated[Path, typer.Argument(help="실행 폴더")],
    approve: ApproveOption = None,
    reason: ReasonOption = None,
    approvals_file: ApprovalsFileOption = None,
    sign: _governance.SignOption = False,
    reject: _governance.RejectOption = None,
    modified: _governance.ModifiedOption = False,
    key: _governance.KeyOption = None,
    passphrase: _governance.PassphraseOption = None,
) -> None:
    """실행 결과를 공개 전 점검(개인정보, 공개 기준)으로 다시 확인하고, 승인되면 보고서를 씁니다."""
    from workbench.runner import check_run, load_approvals

    with handle_errors():
        if sign or reject:  # signed decisions (trust.yml): see `workbench review`
            decisions = _governance.signed_decisions(
                run_dir, approve, reject, reason, modified, key, passphrase
            )
            report = check_run(run_dir, load_approvals(None, None, approvals_file), decisions)
        else:
            report = check_run(run_dir, load_approvals(approve, reason, approvals_file))
    approved = sum(1 for f in report.findings if f.id in report.approvals)
    out.print(f"[green]공개 가능[/]: 점검 항목 {len(report.findings)}건, 승인 {approved}건")
    out.print(f"  보고서: {Path(run_dir).resolve() / 'report.html'}")


@app.command("rerun")
def rerun_command(
    manifest: Annotated[Path, typer.Argument(help="실행 기록 manifest.json (또는 실행 폴더)")],
    verify: Annotated[
        bool, typer.Option("--verify", help="결과 파일의 sha256을 원본과 비교")
    ] = False,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="새 실행 폴더")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="제한 시간(초)")] = None,
    force: Annotated[bool, typer.Option("--force", help="기존 실행 폴더를 덮어씀")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="진행 표시 없음")] = False,
    secret: SecretOption = None,
) -> None:
    """기록된 노트북 버전, 매개변수, 입력으로 다시 실행하고 (--verify) 결과를 대조합니다."""
    from workbench.runner import rerun

    with handle_errors(), progress_bar("재실행", quiet) as progress:
        result = rerun(
            manifest,
            out=out_dir,
            force=force,
            verify=verify,
            timeout=timeout,
            progress=progress,
            secret_names=secret or (),
            prompt=secret_prompt,
        )
    _print_run(result.run)
    if not verify:
        return
    if result.identical:
        out.print("[green]검증 통과[/]: 입력과 결과 파일이 원본과 바이트 단위로 같습니다.")
        return
    err.print("[bold red]검증 실패[/]: 원본과 다른 점")
    for line in result.differences:
        err.print(f"  - {line}", highlight=False)
    raise typer.Exit(1)


@app.command("demo")
def demo_command(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="데모 폴더")] = Path(
        "workbench-demo"
    ),
    force: Annotated[bool, typer.Option("--force", help="기존 데모 폴더를 다시 만듦")] = False,
) -> None:
    """예시 자료로 'profile'과 'household_income' 분석을 실행하고 보고서 경로를 출력합니다."""
    from workbench.runner import demo

    with handle_errors():
        results = demo(out_dir, force=force, progress=lambda msg: err.print(msg))
    out.print("[bold]데모 완료[/]. 보고서:")
    for result in results:
        out.print(f"  {result.report}")


def main(args: list[str] | None = None) -> None:
    """Entry point of the ``workbench`` console script.

    As the console script (``args`` is None) it ends the process with ``os._exit`` once
    its output is flushed: every file is closed and every kernel reaped by then, and
    interpreter teardown of pandas, matplotlib and friends costs about 0.2 s a command.
    """
    from workbench._lazy import skip_unused_imports

    skip_unused_imports()
    argv = join_param_pairs(list(sys.argv[1:] if args is None else args))
    code: int = 0
    try:
        app(args=argv, prog_name="workbench")
    except KeyboardInterrupt:
        err.print("중단되었습니다.")
        code = 130
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    if args is not None:
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
