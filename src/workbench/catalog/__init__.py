"""The data layer: read tables robustly, and (later) the catalog of datasets.

- :func:`read_table` -- CSV/TSV (UTF-8, UTF-8 with BOM, CP949), Excel, Parquet and JSON
  files, or ``sample://NAME`` tables, with identifier columns kept as text;
- :func:`fingerprint` -- a SHA-256 of an input's content, recorded in run manifests;
- :func:`is_sample_uri` -- tell ``sample://`` URIs from paths.

``read_table`` (and pandas with it) is imported on first use.
"""

from __future__ import annotations

from typing import Any

from workbench.catalog._sources import fingerprint, is_sample_uri

__all__ = ["fingerprint", "is_sample_uri", "read_table"]


def __getattr__(name: str) -> Any:
    if name == "read_table":
        from workbench.catalog._readers import read_table

        return read_table
    raise AttributeError(f"module 'workbench.catalog' has no attribute {name!r}")
