"""IPython magics: ``%load_ext workbench`` (issue 8).

- ``%wb_catalog [words]`` -- the catalog (or the datasets matching the words) as a table;
- ``%%wb_check`` -- run a cell and pass every output through the release gate's check
  before it is shown: an output holding personal information (or a disclosive table) is
  held back, and a Korean notice says why (kind and count, never the value);
- ``%wb_run NAME [-p KEY VALUE ...] [--out DIR]`` -- run a standard analysis and show
  the run (status, results, findings, report).

IPython is imported only when the extension is loaded.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    """Register the workbench magics with an IPython shell."""
    from workbench.magics._magics import WorkbenchMagics

    ipython.register_magics(WorkbenchMagics)
