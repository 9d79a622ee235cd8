"""A file's column names without importing pandas (the runner checks inputs with it).

``workbench run`` checks that an input has the columns a notebook needs before the kernel
starts; importing pandas for that would put ~0.4 s on the path to the kernel's start.
"""

from __future__ import annotations

import csv
import os

from workbench.catalog._sniff import SNIFF_CHARS, layout_names, sniff_delimiter, sniff_layout
from workbench.catalog._sources import existing_file

__all__ = ["column_names"]


def column_names(path: str | os.PathLike[str]) -> list[str]:
    """Return a file's column names, reading as little as the format allows.

    A CSV/TSV is read only at its start (64 kB, encoding detected on its first
    megabyte), with :func:`workbench.read_table`'s layout rules: title lines skipped,
    several header rows flattened, empty trailing columns left out, and a
    ``<name>코드`` column after a column whose sampled cells are all ``이름 (코드)``.
    (The ``합계행`` flag depends on rows further down and is not listed.) Parquet: only
    its schema; Excel and JSON are read whole.
    """
    from workbench.catalog._transcode import detect_encoding

    file = existing_file(path)
    suffix = file.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        encoding = detect_encoding(file)
        with file.open(encoding=encoding, errors="replace", newline="") as stream:
            sample = stream.read(SNIFF_CHARS)
        default = "\t" if suffix == ".tsv" else ","
        delimiter = sniff_delimiter(sample, default)
        lines = sample.splitlines()
        rows = list(
            csv.reader(lines[:-1] if len(sample) == SNIFF_CHARS else lines, delimiter=delimiter)
        )
        layout = sniff_layout(rows)
        return layout_names(layout, rows[layout.skip :])
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(file).names)
    from workbench.catalog._readers import read_table  # Excel, JSON: pandas reads them

    return [str(c) for c in read_table(file).columns]
