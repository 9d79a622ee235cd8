"""File datasets through DuckDB: CSV/TSV, Parquet, JSON, Excel, samples, DuckDB files.

DuckDB is the engine for every file format: column selection, row filters (bound as
parameters, never pasted) and aggregation run in DuckDB before anything reaches pandas.

Delimited text is ingested once per content through the one reader,
:func:`workbench.catalog.read_table` (:mod:`workbench.catalog._ingest`): the first
``load`` reads the file analysis-ready (title lines and footnotes left out, numbers with
separators, missing marks, summary rows flagged), applies the types declared in
catalog.yml, and writes the frame as a typed Arrow IPC file, ``<sha256>.<options>.arrow``,
that later loads map into memory without parsing or copying. (Measured on 5 million rows,
2 cores: a Parquet load took 1.5 s against under 0.3 s for Arrow IPC.) An ``aggregate``
builds no table when the file is plain -- nothing the reader would change -- and streams
the (transcoded, :mod:`workbench.catalog._transcode`) text through DuckDB; otherwise it
aggregates the ingested table, so both give the same numbers.

Frames equal :func:`workbench.catalog.read_table`'s for the same file, with
``df.attrs["source"]``, ``"encoding"`` for text files and ``"read_report"``.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from workbench._io import file_sha256
from workbench.catalog import _sources
from workbench.catalog import _transcode as tx
from workbench.catalog._filters import Filter, quote_identifier, to_sql
from workbench.catalog._ingest import ingest as ingest_file
from workbench.catalog._ingest import is_plain
from workbench.catalog._messages import message, no_column
from workbench.catalog._model import DatasetEntry
from workbench.catalog._tidy import is_identifier_name
from workbench.exceptions import CatalogError, DataReadError, ParameterError

__all__ = ["aggregate", "exists", "fingerprint", "load"]

_SQL_TYPES = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN"}
_SQL_TYPES |= {"date": "DATE", "datetime": "TIMESTAMP", "text": "VARCHAR"}
# pandas.read_csv's default missing-value markers, so that both readers agree.
_NA_STRINGS = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND"]
_NA_STRINGS += ["1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]
_AGGREGATES = {"count": "count({})", "sum": "coalesce(sum({}), 0)", "mean": "avg({})"}
_AGGREGATES |= {"min": "min({})", "max": "max({})", "median": "median({})"}
_AGGREGATES |= {"std": "stddev_samp({})", "nunique": "count(DISTINCT {})"}
_INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"}
_INTEGERS |= {"U" + name for name in _INTEGERS}
_INGEST_VERSION = 2  # bump when the ingest rules change: older cached tables are ignored
_NOT_UTF8 = re.compile(r"not utf-8 encoded.*?\bfile = (.+?)\s*$", re.S | re.M)
_BAD_VALUE = re.compile(
    r"Line: (\d+).*?converting column \"(.+?)\"\. Could not convert string \"(.*?)\" to '(\w+)'",
    re.S,
)


@dataclass
class _Source:
    """A dataset as a DuckDB FROM item, with what the frame's ``attrs`` record."""

    sql: str
    params: list[Any] = field(default_factory=list)
    arrow: pa.Table | None = None  # the whole dataset as one Arrow table, when it is one
    frame: pd.DataFrame | None = None  # ... or as the DataFrame a reader returned
    attrs: dict[str, Any] = field(default_factory=dict)


# --- the four functions the catalog calls -------------------------------------------------


def load(
    entry: DatasetEntry,
    source: str,
    columns: list[str] | None,
    filters: list[Filter],
    *,
    cache_dir: Path,
) -> pd.DataFrame:
    """Load a file dataset: only ``columns`` (in that order), only rows passing ``filters``.

    Raises
    ------
    DataReadError
        A missing or unreadable file (naming the dataset and the path).
    CatalogError
        A column the file does not have (naming the dataset and the column).
    """

    def run(con: duckdb.DuckDBPyConnection, src: _Source) -> pd.DataFrame:
        names = [name for name, _ in _describe(con, src)]
        _check_columns(entry, names, [*(columns or []), *(f.column for f in filters)])
        if not filters and src.frame is not None:
            frame = (src.frame if columns is None else src.frame[list(columns)]).copy()
            frame.attrs.update(src.attrs)
            return frame
        if not filters and src.arrow is not None:  # zero-copy: no need for a query
            table = src.arrow if columns is None else src.arrow.select(list(columns))
        else:
            select = ", ".join(map(quote_identifier, columns)) if columns is not None else "*"
            condition, values = to_sql(filters)
            query = f"SELECT {select} FROM {src.sql} WHERE {condition}"
            table = con.sql(query, params=[*src.params, *values]).to_arrow_table()
        return _to_frame(table, src.attrs)

    return _with_source(entry, source, cache_dir, run, ingest=True)


def aggregate(
    entry: DatasetEntry,
    source: str,
    by: list[str],
    aggs: dict[str, list[str]],
    filters: list[Filter],
    *,
    cache_dir: Path,
) -> pd.DataFrame:
    """Group by ``by`` and aggregate in DuckDB: columns ``by...``, then ``<col>_<agg>``.

    Rows are sorted by ``by``; missing keys form their own group, last (as pandas'
    ``groupby(dropna=False)``). ``sum`` of no values is 0, as in pandas.
    """

    def run(con: duckdb.DuckDBPyConnection, src: _Source) -> pd.DataFrame:
        types = dict(_describe(con, src))
        _check_columns(entry, list(types), [*by, *aggs, *(f.column for f in filters)])
        select = [quote_identifier(column) for column in by]
        for column, functions in aggs.items():
            for function in functions:
                expression = _aggregate_sql(entry, column, types[column], function)
                select.append(f"{expression} AS {quote_identifier(f'{column}_{function}')}")
        condition, values = to_sql(filters)
        query = f"SELECT {', '.join(select)} FROM {src.sql} WHERE {condition}"
        if by:
            keys = ", ".join(map(quote_identifier, by))
            order = ", ".join(f"{quote_identifier(c)} ASC NULLS LAST" for c in by)
            query += f" GROUP BY {keys} ORDER BY {order}"
        con.execute("SET preserve_insertion_order = false")  # less memory; rows are sorted
        table = con.sql(query, params=[*src.params, *values]).to_arrow_table()
        return _to_frame(table, src.attrs)

    return _with_source(entry, source, cache_dir, run, ingest=False)


def exists(entry: DatasetEntry, source: str) -> bool:
    """Tell whether the dataset's file (or a file its glob matches) is there."""
    if entry.format == "sample":
        from workbench import samples

        try:
            return _sources.parse_sample_uri(source)[0] in samples.SAMPLES
        except ParameterError:
            return False
    if glob.has_magic(source):
        return any(Path(p).is_file() for p in glob.glob(source, recursive=True))
    return Path(source).is_file()


def fingerprint(entry: DatasetEntry, source: str) -> str:
    r"""Return a SHA-256 of the dataset's content.

    A file's bytes; a sample's as :func:`workbench.catalog.fingerprint`; for a glob,
    one line ``<name>\t<sha256>\n`` per matched file, sorted by name (its path relative
    to the folder before the first wildcard), hashed together.
    """
    if entry.format == "sample" or not glob.has_magic(source):
        if entry.format != "sample" and not Path(source).is_file():
            raise _missing(entry, source)
        return _sources.fingerprint(source)
    root = Path()
    for part in Path(source).parts:
        if glob.has_magic(part):
            break
        root /= part
    pairs = sorted((p.relative_to(root).as_posix(), file_sha256(p)) for p in _files(entry, source))
    return hashlib.sha256("".join(f"{n}\t{s}\n" for n, s in pairs).encode()).hexdigest()


# --- a dataset as a DuckDB source -----------------------------------------------------------


def _with_source(
    entry: DatasetEntry,
    source: str,
    cache_dir: Path,
    run: Callable[[duckdb.DuckDBPyConnection, _Source], pd.DataFrame],
    *,
    ingest: bool,
) -> pd.DataFrame:
    """Open the dataset in a fresh DuckDB connection and ``run`` a query on it.

    A text file whose first megabyte looked like UTF-8 but is not (DuckDB names the file)
    is read again as CP949, unless catalog.yml declares its encoding.
    """
    not_utf8: set[str] = set()
    while True:
        try:
            with _connected(entry, source) as con:
                return run(con, _open(con, entry, source, cache_dir, ingest, not_utf8))
        except (duckdb.Error, pa.ArrowException, OSError) as exc:
            # Through an Arrow stream, DuckDB's error arrives as an ArrowInvalid.
            match = _NOT_UTF8.search(str(exc))
            if entry.encoding or match is None or match.group(1) in not_utf8:
                problem, fields = _explain(entry, str(exc))
                raise DataReadError(
                    message("load_failed", dataset=f"자료 '{entry.name}'", source=source,
                            problem=problem),
                    path=source,
                    dataset=entry.name,
                    **fields,
                ) from exc  # fmt: skip
            not_utf8.add(match.group(1))


def _explain(entry: DatasetEntry, error: str) -> tuple[str, dict[str, Any]]:
    """Say which line, column and value DuckDB could not convert, and the fix.

    Returns the Korean text and the fields of the error (``line``, ``column``, ``kind``).
    """
    bad = _BAD_VALUE.search(error)
    if bad is None:  # DuckDB's own words; its settings dump after them would mislead
        return message("duckdb_failed", error=error.split("\n\n")[0]), {"kind": "duckdb"}
    line, column, value, sql_type = bad.groups()
    declared = entry.columns.get(column)
    why = (
        message("type_declared", type=repr(declared.type)) if declared else message("type_guessed")
    )
    text = message(
        "value_misfit", line=line, column=column, value=repr(value), type=sql_type, why=why
    )
    return text, {"line": int(line), "column": column, "kind": "type"}


@contextmanager
def _connected(entry: DatasetEntry, source: str) -> Iterator[duckdb.DuckDBPyConnection]:
    if entry.format == "duckdb":
        if not Path(source).is_file():
            raise _missing(entry, source)
        con = duckdb.connect(source, read_only=True)
    else:
        con = duckdb.connect()
    try:
        # 64-bit string offsets, as pandas' Arrow-backed strings: no copy on the way out.
        con.execute("SET arrow_large_buffer_size = true")
        yield con
    finally:
        con.close()


def _open(
    con: duckdb.DuckDBPyConnection,
    entry: DatasetEntry,
    source: str,
    cache_dir: Path,
    ingest: bool,
    not_utf8: set[str],
) -> _Source:
    if entry.format == "duckdb":
        table = ".".join(map(quote_identifier, (entry.table or "").split(".")))
        return _Source(f"({entry.query})" if entry.query else table, attrs={"source": source})
    if entry.format == "sample":
        from workbench import samples

        name, params = _sources.parse_sample_uri(source)
        return _frame_source(con, samples.get(name, **params), source)
    files = _files(entry, source)
    if entry.format == "excel":
        from workbench.catalog._readers import read_table

        frames = [read_table(p, sheet=entry.sheet, header_rows=entry.header_rows) for p in files]
        return _frame_source(con, pd.concat(frames, ignore_index=True), source, frames[0].attrs)
    if entry.format == "parquet":
        scan = "read_parquet(?, union_by_name = true)"
        return _typed_source(con, scan, [[str(p) for p in files]], {"source": source})
    if entry.format == "json":
        texts = [_text(entry, p, tx.known_sha256(p, cache_dir), cache_dir)[0] for p in files]
        paths = [str(text.path) for text in texts]
        sniffed = con.sql("DESCRIBE SELECT * FROM read_json_auto(?)", params=[paths]).fetchall()
        types = _final_types(entry, {name: sql_type for name, sql_type, *_ in sniffed})
        attrs = {"source": source, **_encoding_attrs([text.encoding for text in texts])}
        scan = "read_json(?, columns = ?, union_by_name = true)"
        return _typed_source(con, scan, [paths, types], attrs)
    return _csv_source(con, entry, files, source, cache_dir, ingest, not_utf8)


def _files(entry: DatasetEntry, source: str) -> list[Path]:
    if not glob.has_magic(source):
        if not Path(source).is_file():
            raise _missing(entry, source)
        return [Path(source)]
    files = sorted(Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file())
    if not files:
        raise _missing(entry, source)
    return files


def _frame_source(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, source: str, attrs: Any = None
) -> _Source:
    attrs = {str(key): value for key, value in (attrs or frame.attrs).items()}
    con.register("frame_part", frame)
    return _Source("frame_part", frame=frame, attrs={**attrs, "source": source})


def _typed_source(
    con: duckdb.DuckDBPyConnection, scan: str, params: list[Any], attrs: dict[str, Any]
) -> _Source:
    """Scan a typed format; identifier columns holding numbers become text (1.0 -> "1")."""
    select = []
    for name, sql_type, *_ in con.sql(f"DESCRIBE SELECT * FROM {scan}", params=params).fetchall():
        quoted = quote_identifier(name)
        if is_identifier_name(name) and sql_type != "VARCHAR":
            text = f"regexp_replace(CAST({quoted} AS VARCHAR), '\\.0$', '')"
            select.append(f"{text} AS {quoted}")
        else:
            select.append(quoted)
    return _Source(f"(SELECT {', '.join(select)} FROM {scan})", params, attrs=attrs)


# --- delimited text ------------------------------------------------------------------------


def _csv_source(
    con: duckdb.DuckDBPyConnection,
    entry: DatasetEntry,
    files: list[Path],
    source: str,
    cache_dir: Path,
    ingest: bool,
    not_utf8: set[str],
) -> _Source:
    """Each file as its cached table; else (an aggregate) as its text; globs by name."""
    parts: list[tuple[str, list[Any]]] = []
    tables: list[pa.Table] = []
    encodings: list[str] = []
    reports: list[Any] = []
    digest = _options_digest(entry)
    for number, path in enumerate(files):
        status = tx.file_status(path)
        sha = known = tx.known_sha256(path, cache_dir)
        cached = cache_dir / f"{sha}.{digest}.arrow"
        if sha is None or not cached.is_file():
            if not ingest and is_plain(entry, path):  # nothing for the reader to change
                text, sha = _text(entry, path, sha, cache_dir, forced=str(path) in not_utf8)
                parts.append(_csv_scan(con, entry, text.path))
                encodings.append(text.encoding)
                if sha is not None and known is None:
                    tx.remember_sha256(path, sha, cache_dir, status)
                continue
            sha = sha or file_sha256(path)
            cached = cache_dir / f"{sha}.{digest}.arrow"
            if not cached.is_file():
                ingest_file(entry, path, cached, source)
        if known is None:
            tx.remember_sha256(path, sha, cache_dir, status)
        table = pa.ipc.open_file(pa.memory_map(str(cached))).read_all()
        metadata = table.schema.metadata or {}
        encodings.append(metadata.get(b"workbench.encoding", b"").decode())
        reports.append(json.loads(metadata.get(b"workbench.read_report", b"null")))
        con.register(f"part_{number}", table)
        tables.append(table)
        parts.append((f"part_{number}", []))
    attrs = {"source": source, **_encoding_attrs(encodings)}
    if len(reports) == 1 and len(parts) == 1 and reports[0]:
        attrs["read_report"] = reports[0]
    if len(parts) == 1:
        return _Source(*parts[0], arrow=tables[0] if tables else None, attrs=attrs)
    union = " UNION ALL BY NAME ".join(f"SELECT * FROM {sql}" for sql, _ in parts)
    return _Source(f"({union})", [value for _, values in parts for value in values], attrs=attrs)


def _options_digest(entry: DatasetEntry) -> str:
    """Digest what, besides the bytes, decides the ingested table (in the cache name)."""
    types = {name: column.type for name, column in entry.columns.items()}
    spec = [_INGEST_VERSION, entry.format, entry.encoding, entry.header_rows, types]
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _text(
    entry: DatasetEntry, path: Path, sha: str | None, cache_dir: Path, *, forced: bool = False
) -> tuple[tx.TextFile, str | None]:
    """Return a UTF-8 version of a text file (itself or a transcoded copy), and its SHA-256."""
    if entry.encoding:
        encoding = tx.canonical_encoding(entry.encoding)
    elif forced or (sha is not None and (cache_dir / f"{sha}.cp949.utf8").is_file()):
        encoding = "cp949"  # DuckDB found it is not UTF-8 (now or on an earlier read)
    else:
        encoding = tx.detect_encoding(path)
    return tx.utf8_text(path, sha, encoding, cache_dir, declared=entry.encoding is not None)


def _csv_scan(
    con: duckdb.DuckDBPyConnection, entry: DatasetEntry, path: Path
) -> tuple[str, list[Any]]:
    """Return ``read_csv(...)`` with every column's type fixed, and its parameters."""
    delimiter, depth, names, has_rows = tx.text_layout(path, entry.format, entry.header_rows)
    if not names:
        raise DataReadError(message("dataset_empty", name=entry.name, path=path), path=path)
    options = "header = false, skip = ?, delim = ?, quote = '\"', escape = '\"', nullstr = ?"
    params = [str(path), depth, delimiter, _NA_STRINGS]
    known = _declared_types(entry, names)
    if not has_rows:  # nothing for DuckDB to sniff
        types = {name: known.get(name, "VARCHAR") for name in names}
    else:
        sniff = f"read_csv(?, {options}, names = ?{', types = ?' if known else ''})"
        extra = [names, known] if known else [names]
        sniffed = con.sql(f"DESCRIBE SELECT * FROM {sniff}", params=[*params, *extra]).fetchall()
        types = _final_types(entry, {name: sql_type for name, sql_type, *_ in sniffed})
    return f"read_csv(?, {options}, columns = ?, auto_detect = false)", [*params, types]


def _declared_types(entry: DatasetEntry, names: list[str]) -> dict[str, str]:
    types = {}
    for name in names:
        if name in entry.columns:
            types[name] = _SQL_TYPES[entry.columns[name].type]
        elif is_identifier_name(name):
            types[name] = "VARCHAR"  # a 법정동코드 never becomes a number
    return types


def _final_types(entry: DatasetEntry, sniffed: dict[str, str]) -> dict[str, str]:
    """Fix types: as declared, identifiers as text, undeclared dates kept as text."""
    types = {**sniffed, **_declared_types(entry, list(sniffed))}
    for name, sql_type in sniffed.items():
        if name not in entry.columns and sql_type.startswith(("DATE", "TIME")):
            types[name] = "VARCHAR"  # as read_table, which leaves date-like text alone
    return types


# --- results -------------------------------------------------------------------------------


def _describe(con: duckdb.DuckDBPyConnection, src: _Source) -> list[tuple[str, str]]:
    rows = con.sql(f"DESCRIBE SELECT * FROM {src.sql}", params=src.params).fetchall()
    return [(str(row[0]), str(row[1])) for row in rows]


def _aggregate_sql(entry: DatasetEntry, column: str, sql_type: str, function: str) -> str:
    quoted = quote_identifier(column)
    numeric = sql_type in _INTEGERS or sql_type in ("FLOAT", "DOUBLE") or "DECIMAL" in sql_type
    if function in ("sum", "mean", "median", "std") and not numeric:
        if sql_type != "BOOLEAN":
            raise ParameterError(
                message(
                    "aggregate_not_numeric",
                    name=entry.name,
                    column=column,
                    sql_type=sql_type,
                    function=repr(function),
                ),
                parameter="values",
                expected="count, min, max, nunique",
                got=function,
                kind="aggregate_type",
            )
        quoted = f"CAST({quoted} AS INTEGER)"
    expression = _AGGREGATES[function].format(quoted)
    if function == "sum" and sql_type in _INTEGERS:
        expression = f"CAST({expression} AS BIGINT)"  # DuckDB sums integers as HUGEINT
    return expression


def _to_frame(table: pa.Table, attrs: dict[str, Any]) -> pd.DataFrame:
    frame = table.to_pandas(date_as_object=False)
    frame.attrs.update(attrs)
    return frame


def _encoding_attrs(encodings: list[str]) -> dict[str, str]:
    labels = set(encodings)
    return {"encoding": labels.pop()} if len(labels) == 1 and "" not in labels else {}


def _check_columns(entry: DatasetEntry, available: list[str], asked: list[str]) -> None:
    for name in asked:
        if name not in available:
            raise CatalogError(no_column(entry.name, name, available))


def _missing(entry: DatasetEntry, source: str) -> DataReadError:
    key = "source_no_match" if glob.has_magic(source) else "source_not_found"
    return DataReadError(
        message(
            key,
            name=entry.name,
            source=source,
            catalog=entry.catalog_file or "catalog.yml",
        ),
        path=source,
        dataset=entry.name,
        kind="missing",
    )
