"""The data layer: the catalog of datasets across agencies, and robust table readers.

- ``wb.catalog()`` -- open the catalog (:func:`open_catalog`): dict-like, ``load``,
  ``aggregate``, ``describe``, with access rules and an audit log;
- :func:`read_table` -- CSV/TSV (UTF-8, UTF-8 with BOM, CP949), Excel, Parquet and JSON
  files, ``sample://NAME`` tables, or ``catalog:NAME`` datasets;
- :func:`fingerprint` -- a SHA-256 of an input's content, recorded in run manifests;
- :class:`ReadReport` -- what ``read_table`` found in a file and did to it
  (``df.attrs["read_report"]``), and ``SUMMARY_COLUMN``, the flag of 전국/합계 rows.

Heavy modules (pandas, DuckDB, SQLAlchemy) are imported on first use.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from workbench.catalog._report import SUMMARY_COLUMN, ReadReport
from workbench.catalog._sources import fingerprint, is_sample_uri

__all__ = [
    "CATALOG_SCHEME",
    "SUMMARY_COLUMN",
    "TEXT_COLUMNS_ATTR",
    "Catalog",
    "ReadReport",
    "fingerprint",
    "is_catalog_uri",
    "is_sample_uri",
    "open_catalog",
    "read_table",
]

CATALOG_SCHEME = "catalog:"
#: The ``DataFrame.attrs`` key under which a loaded dataset lists its ``text`` columns
#: (free prose): ``wb.publish`` records them, and ``workbench scan`` and the release gate
#: read those columns as text. pandas keeps ``attrs`` on selections and copies.
TEXT_COLUMNS_ATTR = "workbench_text_columns"
_FILE_OPTIONS = ("sheet", "encoding", "header_rows", "infer", "report", "limits")


def is_catalog_uri(source: object) -> bool:
    """Tell whether ``source`` names a catalog dataset, as in ``catalog:households``."""
    return isinstance(source, str) and source.startswith(CATALOG_SCHEME)


def read_table(source: Any, **kwargs: Any) -> Any:
    """Read a table from a file, a ``sample://`` URI, or a ``catalog:NAME`` dataset.

    For a catalog dataset the keywords are those of :meth:`Catalog.load` (``purpose``,
    ``columns``, ``where``, ``validate``); for files, those of the file reader
    (``sheet``, ``encoding``, ``header_rows``, ``infer``, ``report``, ``limits``).
    """
    if is_catalog_uri(source):
        from workbench.catalog._catalog import open_catalog
        from workbench.exceptions import ParameterError

        # A notebook written for files passes sheet=None, encoding=None: harmless here.
        for option in _FILE_OPTIONS:
            if kwargs.pop(option, None) is not None:
                raise ParameterError(
                    f"'{option}' applies to files; for {source} it is set in catalog.yml.",
                    parameter=option,
                )
        return open_catalog().load(source[len(CATALOG_SCHEME) :], **kwargs)
    from workbench.catalog._readers import read_table as read_file

    return read_file(source, **kwargs)


def open_catalog(*paths: Any, **kwargs: Any) -> Any:
    """Open the catalog; see :func:`workbench.catalog._catalog.open_catalog`."""
    from workbench.catalog._catalog import open_catalog as open_

    return open_(*paths, **kwargs)


def __getattr__(name: str) -> Any:
    if name == "Catalog":
        from workbench.catalog._catalog import Catalog

        return Catalog
    raise AttributeError(f"module 'workbench.catalog' has no attribute {name!r}")


class _CallableModule(types.ModuleType):
    """Make ``wb.catalog()`` work although ``workbench.catalog`` is also this package.

    Importing a subpackage sets it as an attribute of its parent, so a function named
    ``workbench.catalog`` would be replaced by this module on first import; a module
    that can be called is the way to offer both.
    """

    def __call__(self, *paths: Any, **kwargs: Any) -> Any:
        return open_catalog(*paths, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
