"""The data layer: the catalog of datasets across agencies, and robust table readers.

- ``wb.catalog()`` -- open the catalog (:func:`open_catalog`): dict-like, ``load``,
  ``aggregate``, ``describe``, with access rules and an audit log;
- :func:`read_table` -- CSV/TSV (UTF-8, UTF-8 with BOM, CP949), Excel, Parquet and JSON
  files, ``sample://NAME`` tables, or ``catalog:NAME`` datasets;
- :func:`read_inputs` -- several inputs of one analysis, with one column map;
- :func:`fingerprint` -- a SHA-256 of an input's content, recorded in run manifests;
- :class:`ReadReport` -- what ``read_table`` found in a file and did to it
  (``df.attrs["read_report"]``), and ``SUMMARY_COLUMN``, the flag of 전국/합계 rows.
- the data map: :func:`search`, :func:`related`, :func:`key_roles`, :func:`write_map`
  and their Korean labels (``FIELD_LABELS``, ``SENSITIVITY_LABELS``);
- :class:`AuditLog` -- the hash-chained access log; :func:`column_names` -- a text
  file's header without reading the rest.

Heavy modules (pandas, DuckDB, SQLAlchemy) are imported on first use.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from workbench._lazy import lazy_names
from workbench.catalog._columns import PARAMETER as COLUMN_MAP_PARAMETER
from workbench.catalog._columns import missing_columns_error, split_column_map
from workbench.catalog._report import SUMMARY_COLUMN, ReadReport
from workbench.catalog._sources import fingerprint, is_sample_uri

if TYPE_CHECKING:  # the types of the names served lazily below
    from workbench.catalog._audit import AuditLog as AuditLog
    from workbench.catalog._catalog import Catalog as Catalog
    from workbench.catalog._dcat import catalog_from_dcat as catalog_from_dcat
    from workbench.catalog._dcat import catalog_to_dcat as catalog_to_dcat
    from workbench.catalog._dcat import catalog_yaml as catalog_yaml
    from workbench.catalog._filters import FilterError as FilterError
    from workbench.catalog._headers import column_names as column_names
    from workbench.catalog._map import FIELD_LABELS as FIELD_LABELS
    from workbench.catalog._map import SENSITIVITY_LABELS as SENSITIVITY_LABELS
    from workbench.catalog._map import AnalysisUse as AnalysisUse
    from workbench.catalog._map import FieldMatch as FieldMatch
    from workbench.catalog._map import key_roles as key_roles
    from workbench.catalog._map import related as related
    from workbench.catalog._map import search as search
    from workbench.catalog._map import write_map as write_map
    from workbench.catalog._model import CatalogFile as CatalogFile
    from workbench.catalog._model import DatasetEntry as DatasetEntry

_LAZY = {
    "CatalogFile": "workbench.catalog._model",
    "catalog_from_dcat": "workbench.catalog._dcat",
    "catalog_to_dcat": "workbench.catalog._dcat",
    "catalog_yaml": "workbench.catalog._dcat",
    "AnalysisUse": "workbench.catalog._map",
    "AuditLog": "workbench.catalog._audit",
    "Catalog": "workbench.catalog._catalog",
    "DatasetEntry": "workbench.catalog._model",
    "FIELD_LABELS": "workbench.catalog._map",
    "FieldMatch": "workbench.catalog._map",
    "FilterError": "workbench.catalog._filters",
    "SENSITIVITY_LABELS": "workbench.catalog._map",
    "column_names": "workbench.catalog._headers",
    "key_roles": "workbench.catalog._map",
    "related": "workbench.catalog._map",
    "search": "workbench.catalog._map",
    "write_map": "workbench.catalog._map",
}

__all__ = [
    "CATALOG_SCHEME",
    "COLUMN_MAP_PARAMETER",
    "SUMMARY_COLUMN",
    "TEXT_COLUMNS_ATTR",
    "ReadReport",
    "fingerprint",
    "is_catalog_uri",
    "is_sample_uri",
    "missing_columns_error",
    "open_catalog",
    "read_inputs",
    "read_table",
    "split_column_map",
    *sorted(_LAZY),
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
    ``columns`` as a list: only those columns, ``where``, ``validate``); for files, those
    of the file reader (``sheet``, ``encoding``, ``header_rows``, ``infer``, ``report``,
    ``limits``). For any source, ``columns`` given as a mapping ``{그쪽 열: 이 분석의 열}``
    renames the columns after reading (a standard analysis's ``columns`` parameter); a
    key that is not a column raises :class:`~workbench.exceptions.ColumnMapError` with
    the closest columns.

    >>> frame = read_table("sample://households?n=5", columns={"월소득": "income"})
    >>> "income" in frame.columns, "월소득" in frame.columns
    (True, False)
    """
    rename = kwargs.pop("columns", None)
    if rename is not None and not isinstance(rename, dict | str):
        kwargs["columns"], rename = rename, None  # a catalog dataset's column list
    frame = _read(source, **kwargs)
    if not rename:
        return frame
    from workbench.catalog._columns import apply_column_map, only_input_map

    rename = only_input_map(rename)

    if isinstance(frame, tuple):  # report=True
        return apply_column_map(frame[0], rename, str(source)), frame[1]
    return apply_column_map(frame, rename, str(source))


def read_inputs(paths: dict[str, str], *, columns: Any = None, **kwargs: Any) -> dict[str, Any]:
    """Read a standard analysis's several inputs, applying one column map to them.

    Parameters
    ----------
    paths : dict
        Input parameter -> its path (or URI); empty paths are left out.
    columns : mapping, optional
        Flat (each key looked up in every input, and must be in one) or per input
        parameter; see :mod:`workbench.catalog._columns`.
    **kwargs
        Passed to :func:`read_table` for each input.

    Returns
    -------
    dict
        Input parameter -> DataFrame (renamed), for each non-empty path.

    Examples
    --------
    >>> frames = read_inputs({"a": "sample://households?n=5", "b": ""},
    ...                      columns={"월소득": "income"})
    >>> list(frames), "income" in frames["a"].columns
    (['a'], True)
    """
    from workbench.catalog._columns import apply_column_map, split_column_map

    frames = {name: _read(path, **kwargs) for name, path in paths.items() if path}
    headers = {name: [str(c) for c in frame.columns] for name, frame in frames.items()}
    maps = split_column_map(columns, headers, {n: str(paths[n]) for n in frames})
    return {name: apply_column_map(frame, maps[name]) for name, frame in frames.items()}


def _read(source: Any, **kwargs: Any) -> Any:
    if is_catalog_uri(source):
        from workbench.catalog._catalog import open_catalog
        from workbench.exceptions import ParameterError

        # A notebook written for files passes sheet=None, encoding=None: harmless here.
        for option in _FILE_OPTIONS:
            if kwargs.pop(option, None) is not None:
                from workbench._korean import josa
                from workbench.catalog._messages import message

                raise ParameterError(
                    message(
                        "file_option_on_catalog",
                        option=option,
                        option_josa=josa(f"'{option}'", "은/는"),
                        source=source,
                    ),
                    parameter=option,
                )
        return open_catalog().load(source[len(CATALOG_SCHEME) :], **kwargs)
    from workbench.catalog._readers import read_table as read_file

    return read_file(source, **kwargs)


def open_catalog(*paths: Any, **kwargs: Any) -> Any:
    """Open the catalog; see :func:`workbench.catalog._catalog.open_catalog`."""
    from workbench.catalog._catalog import open_catalog as open_

    return open_(*paths, **kwargs)


__getattr__, __dir__ = lazy_names(__name__, _LAZY)


class _CallableModule(types.ModuleType):
    """Make ``wb.catalog()`` work although ``workbench.catalog`` is also this package.

    Importing a subpackage sets it as an attribute of its parent, so a function named
    ``workbench.catalog`` would be replaced by this module on first import; a module
    that can be called is the way to offer both.
    """

    def __call__(self, *paths: Any, **kwargs: Any) -> Any:
        return open_catalog(*paths, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
