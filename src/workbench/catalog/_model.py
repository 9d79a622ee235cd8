"""The catalog model: what ``catalog.yml`` may say, validated with pydantic.

A catalog file lists datasets held by agencies (who owns what, where it lives, which key
joins it, how sensitive it is) and, optionally, named database connections. Several
files merge: the analysis center's shared catalog first, then the project's own; a later
file may add datasets but never silently redefine one (that is an error naming both).

Credentials never appear in a catalog: a connection names the environment variable that
holds its URL, or is completed from the git-ignored ``catalog.local.yml``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from workbench._io import read_yaml
from workbench._korean import josa, validation_problem
from workbench.catalog._messages import message
from workbench.exceptions import CatalogError

__all__ = [
    "KEY_ROLES",
    "PII_KINDS",
    "CatalogFile",
    "Column",
    "Connection",
    "DatasetEntry",
    "load_catalog_file",
    "merge_catalogs",
]

Sensitivity = Literal["public", "internal", "personal", "pseudonymised"]
#: ``text`` is free prose (a complaint, a memo): read as a string, scanned for personal
#: information inside its sentences, masked before it is published, never a category.
ColumnType = Literal["str", "text", "int", "float", "bool", "date", "datetime"]
Format = Literal["csv", "tsv", "excel", "parquet", "json", "duckdb", "sql", "sample"]

#: Kinds of personal information a column may hold (the ethics checks detect the same).
PII_KINDS = (
    "resident_id",
    "foreigner_id",
    "passport",
    "driver_license",
    "phone",
    "email",
    "card_number",
    "bank_account",
    "business_id",
    "corporate_id",
    "vehicle_plate",
    "address",
    "person_name",
    "ip_address",
    "birth_date",
)

#: Join keys shared across agencies. A column's ``key`` names one of these (or any
#: other string the center agrees on); datasets sharing a key role can be joined.
KEY_ROLES = (
    "법정동코드",
    "행정동코드",
    "시군구코드",
    "시도코드",
    "사업자등록번호",
    "법인등록번호",
    "기관코드",
    "가구ID",
    "개인ID",
)

_SUFFIX_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".parquet": "parquet",
    ".json": "json",
    ".jsonl": "json",
    ".duckdb": "duckdb",
}
# user:password@ in a URL: a credential written into the catalog.
_URL_PASSWORD = re.compile(r"://[^/@:\s]+:[^/@\s]+@")


class Column(BaseModel):
    """A column of a dataset: its type, meaning, personal-information kind and key role."""

    model_config = ConfigDict(extra="forbid")

    type: ColumnType = "str"
    description: str = ""
    pii: str | None = None
    key: str | None = None
    vintage: str | None = None  # the date of the code table a key's codes follow (2025-01-01)
    nullable: bool = True
    unique: bool = False
    min: float | None = None
    max: float | None = None
    allowed: list[Any] | None = None
    pattern: str | None = None

    @field_validator("pii")
    @classmethod
    def _known_pii(cls, value: str | None) -> str | None:
        if value is not None and value not in PII_KINDS:
            raise ValueError(message("pii_kind", value=repr(value), kinds=", ".join(PII_KINDS)))
        return value


class Connection(BaseModel):
    """A named database connection. The URL comes from ``url_env`` or catalog.local.yml."""

    model_config = ConfigDict(extra="forbid")

    url_env: str | None = None
    url: str | None = None  # only allowed from catalog.local.yml (checked on load)
    description: str = ""


class DatasetEntry(BaseModel):
    """One dataset: where it lives, who owns it, what its columns mean."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = ""  # filled from the mapping key
    title: str
    owner: str  # the owner agency, e.g. 행정안전부 or 서울특별시 종로구
    description: str = ""
    source: str = Field(
        description="path or glob (relative to the catalog file), sample://, or a table"
    )
    format: Format | None = None
    encoding: str | None = None
    sheet: str | int | None = None
    header_rows: int | None = None  # None: detect merged multi-row Excel headers
    table: str | None = None
    query: str | None = None
    connection: str | None = None
    columns: dict[str, Column] = {}
    sensitivity: Sensitivity = "internal"
    licence: str = ""
    update_cycle: str = ""
    keywords: list[str] = []
    schema_strict: bool = False  # reject columns not declared in ``columns``
    catalog_file: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _infer_format(self) -> DatasetEntry:
        if self.format is None:
            if self.source.startswith("sample://"):
                self.format = "sample"
            elif self.connection is not None:
                self.format = "sql"
            else:
                suffix = Path(self.source.split("?")[0]).suffix.lower()
                if suffix not in _SUFFIX_FORMATS:
                    raise ValueError(message("format_unknown", source=repr(self.source)))
                self.format = _SUFFIX_FORMATS[suffix]  # type: ignore[assignment]
        if self.format == "sql" and self.connection is None:
            raise ValueError(message("sql_needs_connection"))
        if self.format in ("sql", "duckdb") and not (self.table or self.query):
            raise ValueError(message("needs_table", format=self.format))
        if _URL_PASSWORD.search(self.source):
            raise ValueError(message("source_password"))
        return self

    def text_columns(self) -> list[str]:
        """Return the columns of free text (``type: text``), in declaration order."""
        return [name for name, col in self.columns.items() if col.type == "text"]

    def key_columns(self) -> dict[str, str]:
        """Return column name -> key role for the columns that are join keys."""
        return {name: col.key for name, col in self.columns.items() if col.key}

    def resolve_source(self) -> str:
        """Return the source with a relative path made absolute against the catalog file."""
        if self.format in ("sample", "sql") or self.catalog_file is None:
            return self.source
        path = Path(os.path.expanduser(self.source))
        if not path.is_absolute():
            path = self.catalog_file.parent / path
        return str(path)


class CatalogFile(BaseModel):
    """The contents of one ``catalog.yml``."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    datasets: dict[str, DatasetEntry] = {}
    connections: dict[str, Connection] = {}


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if len(parts) >= 2 and parts[0] in ("datasets", "connections"):
        kind = "자료" if parts[0] == "datasets" else "연결"
        rest = ".".join(parts[2:])
        return f"{kind} '{parts[1]}'" + (f", 항목 '{rest}'" if rest else "")
    return f"항목 '{'.'.join(parts)}'" if parts else "최상위"


def load_catalog_file(path: str | os.PathLike[str], *, local: bool = False) -> CatalogFile:
    """Read and validate one catalog file.

    Parameters
    ----------
    path : path
        A ``catalog.yml`` (or, with ``local=True``, a git-ignored ``catalog.local.yml``,
        the only place a connection may carry a ``url``).

    Raises
    ------
    CatalogError
        Naming the file, the entry and the field (and the line for a YAML syntax error).
    """
    path = Path(path)
    data = read_yaml(path, CatalogError) or {}
    if not isinstance(data, dict):
        kind = {"list": "목록", "str": "텍스트"}.get(type(data).__name__, "값")
        raise CatalogError(message("catalog_not_mapping", path=path, kind=kind))
    try:
        catalog = CatalogFile.model_validate(data)
    except ValidationError as exc:
        lines = [message("catalog_invalid", path=path)]
        for error in exc.errors():
            loc = tuple(
                p
                for p in error["loc"]
                if p not in ("function-after[_infer_format(), DatasetEntry]",)
            )
            lines.append(f"  - {_location(loc)}: {validation_problem(error)}")
        raise CatalogError("\n".join(lines)) from None
    for name, connection in catalog.connections.items():
        if connection.url and not local:
            raise CatalogError(message("connection_url_in_catalog", path=path, name=name))
    for name, entry in catalog.datasets.items():
        entry.name = name
        entry.catalog_file = path.resolve()
    return catalog


def merge_catalogs(files: list[tuple[Path, CatalogFile]]) -> CatalogFile:
    """Merge catalogs in order; a dataset defined twice is an error naming both files."""
    merged = CatalogFile()
    origin: dict[str, Path] = {}
    for path, catalog in files:
        for name, entry in catalog.datasets.items():
            if name in merged.datasets:
                raise CatalogError(
                    message(
                        "dataset_twice",
                        name=name,
                        name_josa=josa(f"'{name}'", "이/가"),
                        first=origin[name],
                        second=path,
                    )
                )
            merged.datasets[name] = entry
            origin[name] = path
        for name, connection in catalog.connections.items():
            # Field by field: catalog.local.yml completes a shared connection (adds its
            # url) without dropping what the shared catalog said (its url_env).
            earlier = merged.connections.get(name)
            merged.connections[name] = (
                earlier.model_copy(update=connection.model_dump(exclude_unset=True))
                if earlier is not None
                else connection
            )
    return merged
