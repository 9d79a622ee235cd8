"""``workbench keys`` and ``workbench catalog request/grant``: who agreed, signed.

Thin: parse, call :mod:`workbench.governance`, print in Korean.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from workbench.cli._catalog import CatalogOption, SamplesOption
from workbench.cli._common import err, handle_errors, out

keys_app = typer.Typer(
    help="서명 키: 자료 이용을 허가하는 관리자와 반출 결과를 검토하는 검토자의 키.",
    no_args_is_help=True,
)

KeyOption = Annotated[
    Path | None,
    typer.Option("--key", help="서명할 개인 키 파일 (기본: 키 폴더에 하나뿐인 키)"),
]
PassphraseOption = Annotated[
    str | None,
    typer.Option(
        "--passphrase",
        help="개인 키 암호 (기본: $WORKBENCH_KEY_PASSPHRASE, 없으면 물어봄)",
    ),
]


SignOption = Annotated[
    bool,
    typer.Option("--sign", help="--approve를 검토자의 키로 서명 (trust.yml이 있는 프로젝트)"),
]
RejectOption = Annotated[
    list[str] | None,
    typer.Option("--reject", help="반려할 점검 항목 ID (서명됨; --reason 필요; 여러 번 가능)"),
]
ModifiedOption = Annotated[
    bool, typer.Option("--modified", help="--approve를 '수정 후 승인'으로 기록")
]


def signed_decisions(
    run_dir: Path,
    approve: list[str] | None,
    reject: list[str] | None,
    reason: str | None,
    modified: bool,
    key: Path | None,
    passphrase: str | None,
) -> list[dict[str, Any]]:
    """Sign the checker's decisions given on the command line (``check --sign``)."""
    from workbench.governance import GovernanceError, load_key
    from workbench.runner import decide

    if not approve and not reject:
        raise GovernanceError("--sign에는 --approve ID 또는 --reject ID가 필요합니다.")
    private, card = load_key(key, _passphrase(key, passphrase))
    kind = "approve_modified" if modified else "approve"
    decisions = decide(run_dir, list(approve or []), kind, reason or "", private, card)
    return decisions + decide(run_dir, list(reject or []), "reject", reason or "", private, card)


def _passphrase(key: Path | None, given: str | None) -> str | None:
    """Ask for the key's passphrase only when the key is encrypted and none was given."""
    import os

    from workbench.governance import PASSPHRASE_ENV, keys_dir

    if given is not None or os.environ.get(PASSPHRASE_ENV):
        return given
    paths = [key] if key else list(keys_dir().glob("*.pem"))
    if len(paths) == 1 and paths[0] and b"ENCRYPTED" in Path(paths[0]).read_bytes()[:64]:
        return str(typer.prompt("개인 키 암호", hide_input=True))
    return None


@keys_app.command("new")
def keys_new_command(
    name: Annotated[str, typer.Option("--name", help="키 주인의 이름 (예: 김철수)")],
    agency: Annotated[str, typer.Option("--agency", help="소속 기관 (예: 보건복지부)")],
    role: Annotated[
        list[str],
        typer.Option("--role", help="steward(자료 관리자) 또는 checker(반출 검토자); 여러 번 가능"),
    ],
    user: Annotated[
        str, typer.Option("--user", help="로그인 이름 (자기 실행 검토를 막는 데 씀)")
    ] = "",
    passphrase: Annotated[
        bool, typer.Option("--passphrase", help="개인 키를 암호로 잠금 (물어봄)")
    ] = False,
) -> None:
    """새 서명 키를 만들고, trust.yml에 넣을 공개 키 항목을 보여 줍니다."""
    import yaml

    from workbench.governance import new_key

    secret = None
    if passphrase:
        secret = str(typer.prompt("새 암호", hide_input=True, confirmation_prompt=True))
    with handle_errors():
        card = new_key(name, agency, role, user=user, passphrase=secret)
    out.print(f"[green]키를 만들었습니다[/]: {card.key_id}")
    out.print(f"  개인 키 (0600, 다른 사람에게 주지 마세요): {card.path}")
    out.print("  trust.yml의 people: 아래에 넣을 항목:")
    text = yaml.safe_dump([card.trust_entry()], allow_unicode=True, sort_keys=False)
    out.print("\n".join("    " + line for line in text.splitlines()), highlight=False)


@keys_app.command("list")
def keys_list_command() -> None:
    """이 컴퓨터의 서명 키 목록."""
    from rich.table import Table

    from workbench.governance import ROLE_LABELS, keys_dir, list_keys

    cards = list_keys()
    if not cards:
        out.print(f"{keys_dir()}에 키가 없습니다: `workbench keys new`로 만드세요.")
        return
    table = Table("키", "이름", "기관", "역할", "파일", title="서명 키")
    for card in cards:
        roles = ", ".join(ROLE_LABELS.get(r, r) for r in card.roles)
        table.add_row(card.key_id, card.name, card.agency, roles, str(card.path))
    out.print(table)


def request_command(
    name: Annotated[str, typer.Argument(help="자료 이름 (workbench catalog list 참고)")],
    purpose: Annotated[str, typer.Option("--purpose", help="쓰는 목적")],
    legal_basis: Annotated[str, typer.Option("--legal-basis", help="법적 근거")],
    columns: Annotated[
        str | None, typer.Option("--columns", help="필요한 열, 쉼표로 구분 (기본: 모든 열)")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="쓰는 기간의 끝 (YYYY-MM-DD)")
    ] = None,
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="요청서 파일")] = None,
    catalog_paths: CatalogOption = None,
    samples: SamplesOption = False,
) -> None:
    """자료 보유 기관에 보낼 자료 이용 요청서를 만듭니다."""
    from workbench.catalog import open_catalog
    from workbench.config import current_user, find_project
    from workbench.governance import GovernanceError, write_request

    with handle_errors():
        catalog = open_catalog(*(catalog_paths or []), samples=True if samples else None)
        entry = catalog[name]
        wanted = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
        unknown = [c for c in wanted or [] if entry.columns and c not in entry.columns]
        if unknown:
            raise GovernanceError(
                f"자료 {name}에 없는 열: {', '.join(unknown)}. 있는 열: {', '.join(entry.columns)}."
            )
        path = write_request(
            find_project() or Path.cwd(),
            name,
            entry.owner,
            entry.sensitivity,
            purpose,
            legal_basis,
            columns=wanted,
            until=until,
            requested_by=current_user(),
            out=out_path,
        )
    out.print(f"[green]요청서를 만들었습니다[/]: {path}")
    out.print(
        f"  {entry.owner}의 자료 관리자에게 보내세요. 관리자는 "
        f"`workbench catalog grant {path.name}`로 서명하고, 돌려받은 허가 파일을 이 "
        "프로젝트의 grants/에 두면 됩니다."
    )


def grant_command(
    request: Annotated[Path, typer.Argument(help="받은 요청서 파일 (.request.json)")],
    columns: Annotated[
        str | None, typer.Option("--columns", help="허가할 열로 좁힘 (쉼표로 구분)")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="허가 기간의 끝 (YYYY-MM-DD)")
    ] = None,
    refuse: Annotated[
        str | None, typer.Option("--refuse", metavar="사유", help="거절하고 사유를 남김 (조정용)")
    ] = None,
    key: KeyOption = None,
    passphrase: PassphraseOption = None,
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="허가 파일")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="묻지 않고 서명 (스크립트용)")] = False,
) -> None:
    """자료 관리자가 요청서를 검토해 허가(또는 거절)에 서명합니다."""
    from workbench.governance import load_key, sign_grant

    with handle_errors():
        private, card = load_key(key, _passphrase(key, passphrase))
        document = json.loads(request.read_text(encoding="utf-8")) if request.is_file() else {}
        body = document.get("request", {})
        out.print(
            f"요청: {body.get('project')} 프로젝트가 {body.get('dataset')} 자료를 "
            f"'{body.get('purpose')}' 목적으로 (근거: {body.get('legal_basis')})"
        )
        out.print(
            f"  요청한 열: {', '.join(body.get('columns') or []) or '모든 열'} · 기간: "
            f"{body.get('until') or '(없음)'} · 요청자: {body.get('requested_by') or '(없음)'}"
        )
        what = "거절" if refuse else "허가"
        if not yes and not typer.confirm(f"이 요청의 {what}에 서명할까요?", default=False):
            out.print("서명하지 않았습니다.")
            raise typer.Exit(1)
        wanted = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
        path = sign_grant(
            request, private, card, columns=wanted, until=until, refuse=refuse, out=out_path
        )
    out.print(f"[green]{what}에 서명했습니다[/] ({card.name}, {card.agency}): {path}")
    if refuse:
        out.print(
            "  거절 사유가 기록되었습니다: 요청한 쪽은 이 파일로 위원회에 조정을 "
            "신청할 수 있습니다."
        )
    else:
        out.print(
            "  이 파일을 요청한 프로젝트에 보내세요: 그 프로젝트의 grants/에 두면 자료를 "
            "불러올 수 있습니다."
        )


def verify_command(
    package: Annotated[Path, typer.Argument(help="반출 꾸러미 release.zip")],
    trust: Annotated[
        Path | None,
        typer.Option("--trust", help="서명자를 대조할 trust.yml (기본: 현재 프로젝트의 것)"),
    ] = None,
) -> None:
    """반출 꾸러미(release.zip)의 모든 서명과 해시를 확인합니다 (다른 컴퓨터에서도)."""
    from workbench.config import find_project
    from workbench.governance import VerifyError, load_trust, verify_release

    with handle_errors():
        record = load_trust(None, [trust]) if trust is not None else load_trust(find_project())
        try:
            release = verify_release(package, record)
        except VerifyError as exc:
            err.print(f"[bold red]검증 실패[/]\n{escape(str(exc))}", highlight=False)
            raise typer.Exit(1) from None
    decisions = release.get("decisions", [])
    out.print(
        f"[green]검증 통과[/]: {package} — 파일 {len(release.get('files', {}))}개, 점검 항목 "
        f"{len(release.get('findings', []))}건, 서명된 결정 {len(decisions)}건, "
        f"허가 {len(release.get('grants', []))}건"
    )
    if not release.get("trusted_here"):
        out.print(
            "  서명자 키를 이 컴퓨터의 신뢰 목록과 대조하지 않았습니다: --trust trust.yml을 주면 "
            "대조합니다."
        )


def review_command(
    folder: Annotated[
        Path, typer.Argument(help="실행 폴더, 일괄 실행 폴더, 또는 실행들이 든 폴더")
    ],
    port: Annotated[int, typer.Option("--port", help="포트 (127.0.0.1에서만 열림)")] = 8890,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="브라우저를 열지 않음")] = False,
    key: KeyOption = None,
    passphrase: PassphraseOption = None,
) -> None:
    """반출 검토 화면: 보류된 결과를 보고 승인·수정 후 승인·반려를 서명하여 기록합니다."""
    import asyncio
    import webbrowser

    from workbench.app import ReviewState, make_app
    from workbench.cli._app import _check_port
    from workbench.governance import GovernanceError, load_key

    with handle_errors():
        if not folder.is_dir():
            raise GovernanceError(
                f"{folder}: 폴더가 없습니다. 실행 폴더나 일괄 실행 폴더를 주세요."
            )
        private, card = load_key(key, _passphrase(key, passphrase))
    _check_port(port)
    state = ReviewState(folder, private, card)
    url = f"http://127.0.0.1:{port}/?token={state.token}"

    async def serve() -> None:
        make_app(state).listen(port, address="127.0.0.1")
        out.print(f"[bold]반출 검토[/] — 검토자 {state.checker}, 실행 {len(state.runs)}개")
        out.print(f"주소: {url}  (이 컴퓨터에서만 열립니다. 끝내려면 Ctrl-C)")
        if not no_browser:
            webbrowser.open(url)
        await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        out.print("검토 화면을 닫았습니다.")


def register(app: typer.Typer, catalog_app: typer.Typer) -> None:
    """Add ``keys``, ``verify`` and the catalog's ``request`` and ``grant`` commands."""
    app.add_typer(keys_app, name="keys")
    app.command("verify")(verify_command)
    app.command("review")(review_command)
    catalog_app.command("request")(request_command)
    catalog_app.command("grant")(grant_command)
