"""Inputs shared by every row of a batch: parsed once, handed to the runs as Parquet.

Parsing a CSV (encoding detection included) or an Excel file in every one of 243 runs
repeats the same work 243 times. When every row's input parameter names the same CSV or
Excel file, the batch reads it once with the same reader a notebook uses
(``wb.read_table``), writes ``<out>/_shared/<parameter>-<sha12>.parquet``, and gives the
runs that path. Provenance stays true: each run's manifest lists the Parquet file as its
input (with its hash, so ``workbench rerun`` works), and ``shared_inputs`` records the
original file and its sha256.

Not converted (the runs read the original): samples and catalog datasets (already
cached or read by the catalog), Parquet itself, and any batch that sets a reader option
(``sheet``, ``encoding``, ``header_rows``), since the conversion uses the defaults.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from workbench._io import write_atomically
from workbench.catalog import fingerprint, is_catalog_uri, is_sample_uri
from workbench.runner._registry import Analysis
from workbench.runner.batch.plan import BatchRow

__all__ = ["SHARED_DIR", "share_inputs"]

SHARED_DIR = "_shared"
_CONVERTIBLE = (".csv", ".tsv", ".txt", ".xlsx", ".xls")
_READER_OPTIONS = ("sheet", "encoding", "header_rows")


def _reader_options_set(rows: list[BatchRow]) -> bool:
    return any(row.params.get(name) not in (None, "") for row in rows for name in _READER_OPTIONS)


def _convert(source: Path, target: Path) -> None:
    from workbench.catalog import read_table

    table = read_table(str(source))
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    write_atomically(target, buffer.getvalue())


def share_inputs(analysis: Analysis, rows: list[BatchRow], out: Path) -> list[dict[str, Any]]:
    """Convert inputs common to all rows to Parquet; rewrite the rows' parameters.

    Returns
    -------
    list of dict
        One record per converted input (``parameter``, ``original_path``,
        ``original_sha256``, ``path``), for the manifests' ``shared_inputs``.
    """
    if len(rows) < 2 or _reader_options_set(rows):
        return []
    records = []
    for name in analysis.meta.inputs:
        values = {row.params.get(name) for row in rows}
        if len(values) != 1:
            continue
        value = values.pop()
        if not isinstance(value, str) or not value or is_sample_uri(value):
            continue
        if is_catalog_uri(value):
            continue
        source = Path(value).expanduser().resolve()
        if source.suffix.lower() not in _CONVERTIBLE or not source.is_file():
            continue
        digest = fingerprint(source)
        target = out / SHARED_DIR / f"{name}-{digest[:12]}.parquet"
        if not target.is_file():  # a resumed batch reuses it
            _convert(source, target)
        for row in rows:
            row.params[name] = str(target)
        records.append(
            {
                "parameter": name,
                "original_path": str(source),
                "original_sha256": digest,
                "path": str(target),
            }
        )
    return records
