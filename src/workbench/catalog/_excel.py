"""Excel workbooks (.xlsx, .xlsm, legacy .xls) through python-calamine.

calamine reads cells as stored, whatever a sheet's ``dimension`` claims (KOSIS writes a
wrong one, which made openpyxl's read-only mode stop early), and reads BIFF ``.xls``.
Before anything is decompressed the archive's sizes are checked, so a zip bomb is refused
with a message instead of filling the memory; a sheet taller than the row limit likewise.
A formula whose result was never saved (files written by scripts) reads as empty in
every library: its cells are found in the sheet's XML and named in the read report.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from posixpath import join, normpath
from typing import Any

from workbench.catalog._messages import message
from workbench.exceptions import DataReadError, ParameterError

__all__ = ["EXCEL_SUFFIXES", "Limits", "Sheet", "read_sheet"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# A cell with a formula and no value: <c r="B2"><f>SUM(A1)</f></c> or <f .../><v></v>.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]+\d+)"[^>]*>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)


@dataclass(frozen=True)
class Limits:
    """What a workbook may hold before it is refused (a zip bomb, or not a table)."""

    max_rows: int = 5_000_000
    max_unzipped_bytes: int = 2 << 30
    max_ratio: int = 200  # decompressed / compressed, for members over 64 MB


@dataclass
class Sheet:
    """A sheet's cells as rows, its merged ranges and what the report needs."""

    name: str
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]]  # (first col, first row, last col, last row)
    formulas_without_values: list[str] = field(default_factory=list)
    formula_count: int = 0


def read_sheet(path: Path, sheet: str | int | None, limits: Limits) -> Sheet:
    """Read one sheet: by name, by zero-based index, or the first visible one."""
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() != ".xls":
        _check_archive(path, limits)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types per format
        raise DataReadError(
            f"{path}: Excel 파일로 읽을 수 없습니다 ({exc}). 파일이 손상되었거나 다른 형식입니다. "
            "Excel에서 열어 .xlsx로 다시 저장한 뒤 읽으세요."
        ) from exc
    try:
        name = _choose_sheet(path, workbook, sheet)
        data = workbook.get_sheet_by_name(name)
        if data.height > limits.max_rows:
            raise DataReadError(
                f"{path}: 시트 '{name}'의 행이 {data.height:,}개로 한도 {limits.max_rows:,}개를 "
                "넘습니다. 필요한 부분만 나눠 저장하거나, CSV로 내보내 카탈로그(DuckDB)로 읽으세요."
            )
        rows = data.to_python(skip_empty_area=False)
        merges = [
            (c1 + 1, r1 + 1, c2 + 1, r2 + 1) for (r1, c1), (r2, c2) in data.merged_cell_ranges or []
        ]
    finally:
        workbook.close()
    found = Sheet(name, rows, merges)
    if path.suffix.lower() != ".xls":
        cells = _formulas_without_values(path, name)
        found.formulas_without_values, found.formula_count = cells[:20], len(cells)
    return found


def _check_archive(path: Path, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataReadError(
            f"{path}: Excel(.xlsx) 파일이 아니거나 손상되었습니다 ({exc}). 내려받기가 끝까지 "
            "되었는지 확인하고, Excel에서 열어 다시 저장한 뒤 읽으세요."
        ) from exc
    total = sum(member.file_size for member in members)
    bomb = any(
        member.file_size > 64 << 20
        and member.file_size > limits.max_ratio * max(member.compress_size, 1)
        for member in members
    )
    if total > limits.max_unzipped_bytes or bomb:
        raise DataReadError(
            f"{path}: 압축을 풀면 {total / (1 << 20):,.0f} MB로, 한도 "
            f"{limits.max_unzipped_bytes / (1 << 20):,.0f} MB를 넘거나 압축률이 비정상입니다 "
            "(압축 폭탄일 수 있습니다). 출처를 확인하고, 정상 파일이면 CSV로 내보내 읽으세요."
        )


def _choose_sheet(path: Path, workbook: Any, sheet: str | int | None) -> str:
    names = [str(name) for name in workbook.sheet_names]
    if sheet is None:
        visible = [m.name for m in workbook.sheets_metadata if str(m.visible).endswith("Visible")]
        if visible or names:
            return str((visible or names)[0])
    if isinstance(sheet, int) and not isinstance(sheet, bool) and -len(names) <= sheet < len(names):
        return names[sheet]
    if isinstance(sheet, str) and sheet in names:
        return sheet
    if not isinstance(sheet, str | int) or isinstance(sheet, bool):
        raise ParameterError(message("sheet_type", value=repr(sheet)), parameter="sheet", got=sheet)
    raise DataReadError(
        message(
            "sheet_not_found",
            path=path,
            sheet=repr(sheet),
            names=", ".join(repr(name) for name in names),
            last=len(names) - 1,
        ),
        path=path,
    )


def _formulas_without_values(path: Path, sheet: str) -> list[str]:
    """Cells of ``sheet`` holding a formula with no saved result, streamed from the XML."""
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
            rel_id = next(
                node.get(f"{{{_REL_NS}}}id")
                for node in book.iter()
                if node.tag.endswith("}sheet") and node.get("name") == sheet
            )
            target = targets[rel_id]
            member = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            found: list[str] = []
            tail = b""
            with archive.open(member) as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    chunk = tail + block
                    cut = chunk.rfind(b"</c>") + 4 if b"</c>" in chunk else 0
                    found.extend(m.decode() for m in _FORMULA_WITHOUT_VALUE.findall(chunk[:cut]))
                    tail = chunk[cut:]
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError):
        return []  # an unusual layout: calamine read the cells; nothing more to report
    return found
