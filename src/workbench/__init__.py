"""workbench: standard analyses for data-based administration, run reproducibly.

The public API that notebooks use (``import workbench as wb``):

- :func:`catalog` -- the catalog of datasets across agencies: ``wb.catalog().load(name)``;
- :func:`read_table` -- read a CSV (UTF-8, UTF-8 with BOM, CP949), Excel, Parquet or
  JSON file, a bundled ``sample://`` table or a ``catalog:NAME`` dataset into pandas;
- :func:`read_inputs` -- an analysis's several inputs, renamed by one column map
  (``{그쪽 열: 이 분석의 열}``, as ``read_table(path, columns=...)`` does for one);
- :func:`publish` -- publish a result table: shown in the notebook and report, written
  to the run's ``results/`` folder so the runner can check and hash it;
- :func:`show` -- display a table formatted as the report shows it, without publishing;
- :func:`use_korean_font` -- make matplotlib draw Korean text;
- :mod:`workbench.catalog.regions` (``wb.regions``) -- clean, check and roll up region codes;
- :mod:`workbench.samples`, :mod:`workbench.blocks` -- seeded sample data, analysis blocks.

Importing ``workbench`` does no work: every name is resolved on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> (module, attribute or None for the module itself)
_LAZY: dict[str, tuple[str, str | None]] = {
    "read_table": ("workbench.catalog", "read_table"),
    "read_inputs": ("workbench.catalog", "read_inputs"),
    "publish": ("workbench.runner.results", "publish"),
    "show": ("workbench.runner.results", "show"),
    "use_korean_font": ("workbench.plotting", "use_korean_font"),
    "WorkbenchError": ("workbench.exceptions", "WorkbenchError"),
    "catalog": ("workbench.catalog", None),
    "regions": ("workbench.catalog.regions", None),
    "samples": ("workbench.samples", None),
    "ethics": ("workbench.ethics", None),
    "blocks": ("workbench.blocks", None),
    "plotting": ("workbench.plotting", None),
    "exceptions": ("workbench.exceptions", None),
    "training": ("workbench.training", None),
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'workbench' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext workbench``: register workbench's magics (``%wb_catalog``, ``%%wb_check``)."""
    from workbench.magics import load_ipython_extension as load

    load(ipython)
