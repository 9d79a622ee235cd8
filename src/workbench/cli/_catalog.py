"""``workbench catalog``: list, search, show, related, map (the data map), DCAT export/import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from workbench.cli._common import handle_errors, out

if TYPE_CHECKING:
    from workbench.catalog import AnalysisUse, Catalog, DatasetEntry, FieldMatch

catalog_app = typer.Typer(
    help="자료 목록(카탈로그): 어느 기관이 어떤 자료를 가지고 있고 어떤 키로 연결되는지.",
    no_args_is_help=True,
)

CatalogOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        "-c",
        metavar="경로",
        help="catalog.yml 경로 (여러 번 사용 가능; 기본: 공유 카탈로그와 프로젝트의 catalog.yml)",
    ),
]
SamplesOption = Annotated[bool, typer.Option("--samples", help="내장 예시 카탈로그도 포함")]
NameArgument = Annotated[str, typer.Argument(help="자료 이름 (workbench catalog list 참고)")]


def _open(paths: list[Path] | None, samples: bool) -> Catalog:
    from workbench.catalog import open_catalog

    # Without --samples, leave the default: the samples only when no catalog is found.
    return open_catalog(*(paths or []), samples=True if samples else None)


def _keys(entry: DatasetEntry) -> str:
    from workbench.catalog import key_roles

    return ", ".join(key_roles(entry)) or "-"


@catalog_app.command("list")
def list_command(catalog: CatalogOption = None, samples: SamplesOption = False) -> None:
    """기관별 자료 목록 (이름, 제목, 기관, 민감도, 연결 키, 갱신 주기)."""
    from workbench.catalog import SENSITIVITY_LABELS

    with handle_errors():
        cat = _open(catalog, samples)
        groups = cat.by_agency()
        table = Table(
            "이름", "제목", "기관", "민감도", "연결 키", "갱신 주기",
            title=f"자료 목록 ({len(cat)}개, 기관 {len(groups)}곳)",
        )  # fmt: skip
        for agency, entries in groups.items():
            for entry in entries:
                table.add_row(
                    entry.name,
                    entry.title,
                    agency,
                    SENSITIVITY_LABELS[entry.sensitivity],
                    _keys(entry),
                    entry.update_cycle or "-",
                )
            table.add_section()
        out.print(table)
        out.print("자세히: workbench catalog show 이름 · 연결: workbench catalog related 이름")


def _where(match: FieldMatch) -> str:
    """Say in Korean where a search matched: 제목, 열 월소득, 연결 키 법정동코드 ..."""
    from workbench.catalog import FIELD_LABELS

    label = FIELD_LABELS[match.field]
    if match.field == "key":
        return f"{label} {match.text}"
    return f"{label} {match.column}" if match.column else label


@catalog_app.command("search")
def search_command(
    text: Annotated[str, typer.Argument(help="검색어 (한글 또는 영어; 여러 단어는 모두 포함)")],
    catalog: CatalogOption = None,
    samples: SamplesOption = False,
) -> None:
    """이름, 제목, 설명, 기관, 열 이름과 설명, 연결 키에서 자료를 찾습니다."""
    from workbench.catalog import search

    with handle_errors():
        hits = search(_open(catalog, samples), text)
        if not hits:
            out.print(f"'{text}'와 일치하는 자료가 없습니다.", highlight=False)
            return
        table = Table(
            "이름", "제목", "기관", "일치한 곳", title=f"'{text}' 검색 결과 ({len(hits)}개)"
        )
        for hit in hits:
            where = [_where(match) for match in hit.matches]
            table.add_row(hit.dataset, hit.title, hit.owner, ", ".join(dict.fromkeys(where)))
        out.print(table)


@catalog_app.command("show")
def show_command(
    name: NameArgument, catalog: CatalogOption = None, samples: SamplesOption = False
) -> None:
    """자료 하나의 정보(기관, 출처, 민감도 등)와 열 목록."""
    from workbench.catalog import SENSITIVITY_LABELS

    with handle_errors():
        entry = _open(catalog, samples)[name]
        out.print(f"[bold]{entry.title}[/] ({entry.name})", highlight=False)
        if entry.description:
            out.print(entry.description, highlight=False)
        facts = {
            "기관": entry.owner,
            "민감도": SENSITIVITY_LABELS[entry.sensitivity],
            "출처": entry.source,
            "형식": entry.format or "",
            "인코딩": entry.encoding or "",
            "이용 조건": entry.licence,
            "갱신 주기": entry.update_cycle,
            "카탈로그": str(entry.catalog_file or ""),
        }
        for label, value in facts.items():
            if value:
                out.print(f"  {label}: {value}", highlight=False)
        columns = Table("열", "유형", "설명", "개인정보", "연결 키", title="열 목록")
        for column, spec in entry.columns.items():
            columns.add_row(column, spec.type, spec.description, spec.pii or "", spec.key or "")
        if entry.columns:
            out.print(columns)
        else:
            out.print("  열 정보가 선언되지 않았습니다.")


@catalog_app.command("related")
def related_command(
    name: NameArgument, catalog: CatalogOption = None, samples: SamplesOption = False
) -> None:
    """같은 연결 키(예: 법정동코드)를 가진 자료, 곧 결합할 수 있는 자료."""
    from workbench.catalog import related

    with handle_errors():
        cat = _open(catalog, samples)
        relations = related(cat, name)
        if not relations:
            entry = cat[name]
            if entry.key_columns():
                message = f"'{name}'의 연결 키({_keys(entry)})를 가진 다른 자료가 없습니다."
            else:
                message = f"'{name}'에는 연결 키가 선언되지 않았습니다."
            out.print(message, highlight=False)
            return
        table = Table(
            "자료", "제목", "기관", "연결 키", f"열 ({name})", "열 (상대 자료)",
            title=f"'{name}'와 연결되는 자료 ({len(relations)}개)",
        )  # fmt: skip
        for r in relations:
            table.add_row(
                r.other,
                r.title,
                r.owner,
                "\n".join(k.role for k in r.keys),
                "\n".join(", ".join(k.columns) for k in r.keys),
                "\n".join(", ".join(k.other_columns) for k in r.keys),
            )
        out.print(table)


@catalog_app.command("map")
def map_command(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="지도를 쓸 폴더")] = Path("."),
    catalog: CatalogOption = None,
    samples: SamplesOption = False,
) -> None:
    """자료 지도(data_map.html, data_map.png): 기관별 자료, 연결 키, 그 자료를 쓰는 분석."""
    from workbench.catalog import write_map

    with handle_errors():
        html, png = write_map(_open(catalog, samples), out_dir, _analysis_uses())
    out.print("[bold]자료 지도[/]를 썼습니다:")
    out.print(f"  {html.resolve()}", highlight=False)
    out.print(f"  {png.resolve()}", highlight=False)


def _analysis_uses() -> list[AnalysisUse]:
    """List the standard analyses with the catalog datasets their inputs name (``schema``).

    An analysis with several such inputs joins them on the columns every input needs.
    """
    from workbench.catalog import AnalysisUse
    from workbench.runner import list_analyses

    uses = []
    for analysis in list_analyses():
        inputs = [spec for spec in analysis.meta.inputs.values() if spec.schema_name]
        if not inputs:
            continue
        shared = set.intersection(*(set(spec.columns) for spec in inputs))
        keys = [c for c in inputs[0].columns if c in shared and "{" not in c]
        uses.append(
            AnalysisUse(
                name=analysis.name,
                title=analysis.title,
                datasets=tuple(spec.schema_name for spec in inputs),
                keys=tuple(keys) if len(inputs) > 1 else (),
            )
        )
    return uses


_DCAT_FORMATS = {"dcat": "json-ld", "dcat-turtle": "turtle"}
_DCAT_SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld"}


@catalog_app.command("export")
def export_command(
    output_format: Annotated[
        str, typer.Option("--format", help="dcat (DCAT 3 JSON-LD) 또는 dcat-turtle (Turtle)")
    ] = "dcat",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="쓸 파일 (기본: 화면에 출력)")
    ] = None,
    catalog: CatalogOption = None,
    samples: SamplesOption = False,
) -> None:
    """카탈로그를 DCAT 3 (JSON-LD 또는 Turtle)로 내보냅니다."""
    from workbench._io import write_atomically
    from workbench.catalog import CatalogFile, catalog_to_dcat
    from workbench.exceptions import ParameterError

    with handle_errors():
        if output_format not in _DCAT_FORMATS:
            raise ParameterError(
                f"--format은 {', '.join(_DCAT_FORMATS)} 중 하나여야 합니다. "
                f"받은 값: {output_format}",
                parameter="format",
            )
        cat = _open(catalog, samples)
        merged = CatalogFile(datasets={n: cat[n] for n in cat}, connections=cat.connections)
        text = catalog_to_dcat(merged, _DCAT_FORMATS[output_format])  # type: ignore[arg-type]
        if output is None:
            out.print(text, highlight=False, markup=False, soft_wrap=True)
        else:
            write_atomically(output, text.encode("utf-8"))
            out.print(f"자료 {len(cat)}개를 DCAT으로 내보냈습니다: {output}", highlight=False)


@catalog_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="DCAT 파일 (.jsonld, .json 또는 .ttl)")],
    to: Annotated[Path, typer.Option("--to", help="쓸 카탈로그 파일")] = Path("catalog.yml"),
    force: Annotated[
        bool, typer.Option("--force", help="이미 있는 카탈로그 파일을 덮어씀")
    ] = False,
) -> None:
    """DCAT 3 파일(JSON-LD 또는 Turtle)을 읽어 catalog.yml로 씁니다."""
    from workbench._io import write_atomically
    from workbench.catalog import catalog_from_dcat, catalog_yaml
    from workbench.exceptions import CatalogError

    with handle_errors():
        if not file.is_file():
            raise CatalogError(f"DCAT 파일이 없습니다: {file}. 경로를 확인하세요.")
        if to.exists() and not force:
            raise CatalogError(
                f"{to} 파일이 이미 있어 덮어쓰지 않았습니다. 다른 이름을 --to로 주거나, "
                "덮어쓰려면 --force를 붙이세요."
            )
        syntax = _DCAT_SUFFIXES.get(file.suffix.lower(), "json-ld")
        imported = catalog_from_dcat(file.read_text(encoding="utf-8"), syntax)  # type: ignore[arg-type]
        write_atomically(to, catalog_yaml(imported).encode("utf-8"))
        out.print(f"자료 {len(imported.datasets)}개를 {to}에 썼습니다.", highlight=False)
