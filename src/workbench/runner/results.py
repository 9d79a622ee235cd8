"""Publish result tables from inside a notebook.

A standard notebook calls ``wb.publish(table, "name")`` for each table it publishes.
The table is shown in the notebook (and so in the report), and, when the notebook runs
under ``workbench run``, written to the run's ``results/`` folder, where the runner hashes
it into the manifest. Outside a run (an analyst in JupyterLab) nothing is written.

This module runs inside the kernel, so it imports nothing heavy at module level.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from workbench.exceptions import ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RUN_DIR_ENV", "publish", "results_dir"]

#: Set by the runner in the kernel's environment: the run directory being written.
RUN_DIR_ENV = "WORKBENCH_RUN_DIR"
#: Operational outputs for authorised staff; never released.
INTERNAL_DIR = "internal"
#: What each publish() call wrote (file, title, count columns), read by the release gate.
PUBLISHED_INDEX = "published.json"
_NAME = re.compile(r"^[\w가-힣][\w가-힣.-]{0,99}$")
_DISPLAY_ROWS = 20


def results_dir() -> Path | None:
    """Return the ``results/`` folder of the current run, or ``None`` outside a run."""
    run_dir = os.environ.get(RUN_DIR_ENV)
    return Path(run_dir) / "results" if run_dir else None


def publish(
    table: pd.DataFrame,
    name: str,
    *,
    title: str | None = None,
    fmt: Literal["csv", "parquet"] = "csv",
    show: bool = True,
    counts: str | list[str] | None = None,
    internal: bool = False,
) -> None:
    """Publish a result table.

    Parameters
    ----------
    table : pandas.DataFrame
        The table. Its index is written only if it is named (a meaningful key).
    name : str
        File name without suffix: letters (Korean included), digits, ``_``, ``-``, ``.``.
    title : str, optional
        A heading shown above the table in the report; defaults to ``name``.
    fmt : {"csv", "parquet"}
        CSV is written as UTF-8 with a BOM so that Excel opens Korean text correctly.
    show : bool
        Display the table (its first rows) in the notebook.
    counts : str or list of str, optional
        The column(s) that count people or units. The release gate checks them against
        the disclosure rules (cells below the threshold, zeros).
    internal : bool
        An operational output for authorised staff (e.g. a household visit list): written
        to the run's ``internal/`` folder, never shown, never in the report or the
        released results.

    Nothing is returned, so that a call at the end of a cell adds no output line; the file
    is ``results_dir() / f"{name}.{fmt}"``.

    Examples
    --------
    >>> import pandas as pd
    >>> import workbench as wb
    >>> wb.publish(pd.DataFrame({"지역": ["종로구"], "가구 수": [3]}), "summary", show=False)
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"publish() expects a pandas DataFrame for '{name}'; got {type(table).__name__}."
        )
    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(
            f"The 'name' parameter of publish must be a file name of letters, digits, "
            f"'_', '-' or '.'; got {name!r}."
        )
    if fmt not in ("csv", "parquet"):
        raise ParameterError(
            f"The 'fmt' parameter of publish must be 'csv' or 'parquet'; got {fmt!r}."
        )
    count_columns = [counts] if isinstance(counts, str) else list(counts or [])
    missing = [c for c in count_columns if c not in table.columns]
    if missing:
        raise ParameterError(f"publish('{name}'): counts names columns not in the table: {missing}")
    keep_index = any(n is not None for n in table.index.names)
    if show and not internal:
        _show(table, title or name, index=keep_index)
    folder = results_dir()
    if folder is None:
        return
    if internal:
        folder = folder.parent / INTERNAL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    _record(folder.parent, name, f"{folder.name}/{name}.{fmt}", title, count_columns, internal)
    path = folder / f"{name}.{fmt}"
    if fmt == "csv":
        # lineterminator fixed so the bytes do not depend on the platform
        table.to_csv(path, index=keep_index, encoding="utf-8-sig", lineterminator="\n")
    else:
        table.to_parquet(path, index=keep_index)


def _record(
    run_dir: Path, name: str, file: str, title: str | None, counts: list[str], internal: bool
) -> None:
    """Remember what was published, for the release gate (outside results/)."""
    import json

    index = run_dir / PUBLISHED_INDEX
    data = json.loads(index.read_text(encoding="utf-8")) if index.is_file() else {}
    data[name] = {"file": file, "title": title or name, "counts": counts, "internal": internal}
    index.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _show(table: pd.DataFrame, title: str, *, index: bool) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # plain Python: nothing to show
        return
    if get_ipython() is None:
        return
    from html import escape

    shown = table.head(_DISPLAY_ROWS)
    more = (
        f"<p><em>전체 {len(table):,}행 중 {len(shown):,}행 표시</em></p>"
        if len(table) > len(shown)
        else ""
    )
    body = shown.to_html(border=0, index=index, na_rep="")
    display(HTML(f"<h4>{escape(title)}</h4>{body}{more}"))
