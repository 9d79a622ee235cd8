"""The release gate's reading of ``results/``: every file, in every format, in subfolders.

A file is released as it is, so each is read the way someone opening it would see it:

- tables (CSV/TSV, Parquet, Excel -- every sheet --, JSON, nested or not): every column
  is scanned for personal information, and published tables that declare their count
  columns are checked by the disclosure rules; a table derived from a model (recorded by
  ``wb.publish`` in ``published.json``) by the residual-degrees-of-freedom rule;
- pictures (PNG, SVG, PDF...) that a notebook saved with ``savefig``: the texts drawn in
  them, which the kernel recorded together with the file's sha256;
- any other file that decodes as text: scanned as text, line by line;
- anything else (an unknown binary, a picture whose texts were not recorded or that
  changed since, a file that cannot be parsed) cannot be checked, so it is a ``fail``
  finding: the promise is that nothing leaves unchecked, and a person who has looked at
  the file may approve it (the approval is bound to the file's exact bytes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workbench.ethics import FIGURE_MIME, Finding, Location, value_digest

__all__ = ["figure_records", "file_findings"]

_CSV = {".csv": ",", ".tsv": "\t"}
_EXCEL = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
_JSON = frozenset({".json", ".geojson"})
_PICTURES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".pdf", ".eps", ".ps", ".webp"})
_TEXT_PROBE = 1 << 16


def figure_records(executed: Any) -> dict[str, dict[str, Any]]:
    """Return what the kernel recorded of each figure saved into the run folder, by file."""
    records: dict[str, dict[str, Any]] = {}
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(FIGURE_MIME)
            if isinstance(payload, Mapping) and payload.get("file"):
                records[str(payload["file"])] = dict(payload)
    return records


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unchecked(released: str, path: Path, why: str) -> Finding:
    """Report a file the gate cannot read: it blocks until a person has looked at it."""
    return Finding(
        rule="release.unchecked_file",
        severity="fail",
        location=Location("file", file=released),
        message=(
            f"{released}: {why} 개인정보를 점검하지 못했습니다. 공개할 파일이 아니면 "
            "results/ 밖(내부용은 wb.publish(..., internal=True))에 두고, 공개해야 하면 "
            "파일을 직접 확인한 뒤 승인하세요."
        ),
        count=1,
        digest=value_digest([_sha256(path)]),
    )


def _read_tables(path: Path, suffix: str) -> list[tuple[str | None, Any]]:
    """Return ``(sheet, table)`` pairs, every cell as text where the format allows."""
    import pandas as pd

    if suffix in _CSV:
        # As text: identifiers keep their leading zeros and their exact form.
        table = pd.read_csv(
            path, dtype=str, encoding="utf-8-sig", keep_default_na=False, sep=_CSV[suffix]
        )
        return [(None, table)]
    if suffix == ".parquet":
        table = pd.read_parquet(path)
        # A named index is released too (wb.publish writes it when it is a key).
        named = any(n is not None for n in table.index.names)
        return [(None, table.reset_index() if named else table)]
    if suffix in _EXCEL:
        engine: Any = "openpyxl" if suffix in (".xlsx", ".xlsm") else "calamine"
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, engine=engine)
        return [(str(name), sheet) for name, sheet in sheets.items()]
    from workbench.ethics import json_table

    return [(None, json_table(json.loads(path.read_text(encoding="utf-8-sig"))))]


def _text_findings(released: str, text: str) -> list[Finding]:
    from workbench.ethics import scan_texts

    lines = [line for line in text.splitlines() if line.strip()]
    counts = scan_texts(["\n".join(lines)]) if lines else []
    digest = value_digest(lines)
    return [
        Finding(
            rule=f"pii.{kind}",
            severity="fail",
            location=Location("file", file=released),
            message=(
                f"결과 파일 {released}에 개인정보({kind}) {count}건이 있습니다. 그 값을 지우거나 "
                "가명처리(wb.ethics.pseudonymise)한 뒤 다시 실행하세요."
            ),
            count=count,
            digest=digest,
        )
        for kind, count in counts
    ]


def _as_text(path: Path) -> str | None:
    """Return the file's text if it is text (UTF-8, no NUL bytes), else None."""
    head = path.read_bytes()[:_TEXT_PROBE]
    if b"\x00" in head:
        return None
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None


def _figure_findings(released: str, path: Path, record: Mapping[str, Any] | None) -> list[Finding]:
    from workbench.ethics import scan_figure_texts

    if record is None:
        return [
            unchecked(released, path, "그림 속 글자를 알 수 없는 그림(savefig로 저장하지 않음)이라")
        ]
    if record.get("sha256") != _sha256(path):
        return [unchecked(released, path, "savefig로 저장한 뒤 파일이 바뀌어")]
    texts = [str(t) for t in record.get("texts", [])]
    digest = value_digest(["\n".join(texts)])
    return [
        Finding(
            rule=f"pii.{kind}",
            severity="fail",
            location=Location("figure", file=released),
            message=(
                f"그림 {released}에 그려진 글자에 개인정보({kind}) {count}건이 있습니다. 제목·축·"
                "범례·주석에서 그 값을 빼거나 가명처리한 자료로 다시 그리세요."
            ),
            count=count,
            digest=digest,
        )
        for kind, count in scan_figure_texts(texts)
    ]


def _table_findings(
    table: Any, where: Location, meta: Mapping[str, Any], rules: Any, published: bool
) -> list[Finding]:
    import pandas as pd

    from workbench.ethics import check_table, model_findings, scan

    name = where.table or Path(str(where.file)).stem
    context = {k: v for k, v in where.to_dict().items() if k in ("file", "sheet", "table")}
    texts = meta.get("text_columns") or ()
    findings = [f.within(**context) for f in scan(table, text_columns=texts).findings(table)]
    if meta.get("model"):
        findings += [f.within(**context) for f in model_findings(meta["model"], rules)]
        return findings
    counts = [c for c in meta.get("counts") or [] if c in table.columns]
    if not counts:
        findings.append(_not_checked(where, published))
        return findings
    # A flat published table: the other columns label the cells, the count columns are
    # the cells that the threshold and zero rules look at.
    labels = [c for c in table.columns if c not in counts]
    cells = table.set_index(labels) if labels else table
    cells = cells[counts].apply(pd.to_numeric, errors="coerce")
    checked = check_table(cells, name=name, rules=rules).findings()
    return findings + [f.within(**context) for f in checked]


def _not_checked(where: Location, published: bool) -> Finding:
    """Say, without blocking, that a table's cells could not be checked for small counts."""
    how = (
        '사람·건수를 세는 열을 wb.publish(..., counts="열 이름")으로 알려 주면 점검합니다.'
        if published
        else "wb.publish(표, 이름, counts=...)로 게시한 표만 점검할 수 있습니다."
    )
    return Finding(
        rule="disclosure.unchecked",
        severity="info",
        location=Location("table", file=where.file, sheet=where.sheet, table=where.table),
        message=f"작은 셀(공개 기준) 점검을 하지 않았습니다: {how}",
        count=0,
    )


def file_findings(
    path: Path,
    released: str,
    *,
    table_name: str | None,
    meta: Mapping[str, Any],
    figures: Mapping[str, Mapping[str, Any]],
    rules: Any,
) -> list[Finding]:
    """Check one file of ``results/``; ``released`` is its path as released (``results/...``).

    ``table_name`` and ``meta`` come from ``published.json`` when ``wb.publish`` wrote
    the file; ``figures`` from :func:`figure_records`.
    """
    suffix = path.suffix.lower()
    if path.is_symlink():
        return [unchecked(released, path, "심볼릭 링크라서")]
    if suffix in _PICTURES:
        findings = _figure_findings(released, path, figures.get(released))
        if suffix == ".svg" and not findings:
            text = _as_text(path)
            findings = _text_findings(released, text) if text is not None else []
        return findings
    if suffix in _CSV or suffix in _EXCEL or suffix in _JSON or suffix == ".parquet":
        try:
            tables = _read_tables(path, suffix)
        except Exception as exc:  # readers of every format raise their own types
            return [unchecked(released, path, f"표로 읽지 못해({type(exc).__name__})")]
        findings = []
        for sheet, table in tables:
            where = Location("table", file=released, sheet=sheet, table=table_name)
            findings += _table_findings(table, where, meta, rules, table_name is not None)
        return findings
    text = _as_text(path)
    if text is None:
        return [unchecked(released, path, "글자로 읽을 수 없는 파일이라")]
    return _text_findings(released, text)
