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
from typing import TYPE_CHECKING, Any, Literal

from workbench.exceptions import ParameterError
from workbench.runner._kernel import RUN_DIR_ENV
from workbench.runner._messages import message
from workbench.runner._rundir import INTERNAL, PUBLISHED, RESULTS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RUN_DIR_ENV", "publish", "results_dir", "show"]

# The run folder's names belong to RunDir (runner/_rundir.py); kept here under these names.
INTERNAL_DIR = INTERNAL
PUBLISHED_INDEX = PUBLISHED
_NAME = re.compile(r"^[\w가-힣][\w가-힣.-]{0,99}$")
_DISPLAY_ROWS = 20
#: A cell that Excel (or LibreOffice) would run as a formula starts with one of these
#: (OWASP, "CSV Injection"): =, +, -, @, tab, carriage return.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: ...unless it is a number, which Excel reads as a number whatever its sign.
_NUMBER = re.compile(r"^[+-]?(\d+(,\d{3})*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def results_dir() -> Path | None:
    """Return the ``results/`` folder of the current run, or ``None`` outside a run."""
    run_dir = os.environ.get(RUN_DIR_ENV)
    return Path(run_dir) / RESULTS if run_dir else None


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

    A CSV is safe to open in Excel: a text cell (or header) that starts with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return and is not a number is written with a leading
    ``'``, as OWASP recommends against CSV injection, so that Excel shows it as text
    instead of running it as a formula (``-12.5`` stays a number). How many cells were
    neutralised is recorded in the manifest (the file's ``neutralised``); the notebook and
    the report show the original values. A table derived from a model
    (``attrs["workbench_model"]``, set by ``wb.blocks.regression``) is recorded as such,
    for the release gate's residual-degrees-of-freedom check.

    Examples
    --------
    >>> import pandas as pd
    >>> import workbench as wb
    >>> wb.publish(pd.DataFrame({"지역": ["종로구"], "가구 수": [3]}), "summary", show=False)
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        kind = type(table).__name__
        raise ParameterError(
            message("publish_not_frame", name=name, kind=kind),
            "table",
            expected="pandas.DataFrame",
            got=kind,
            kind="type",
        )
    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(
            message("publish_name", name=repr(name)),
            "name",
            expected="letters, digits, '_', '-', '.'",
            got=name,
            kind="name",
        )
    if fmt not in ("csv", "parquet"):
        raise ParameterError(
            message("publish_fmt", fmt=repr(fmt)),
            "fmt",
            expected=["csv", "parquet"],
            got=fmt,
            suggestions=["csv", "parquet"],
            kind="value",
        )
    count_columns = [counts] if isinstance(counts, str) else list(counts or [])
    missing = [c for c in count_columns if c not in table.columns]
    if missing:
        raise ParameterError(
            message(
                "publish_counts",
                name=name,
                missing=", ".join(f"'{c}'" for c in missing),
                columns=", ".join(f"'{c}'" for c in table.columns),
            ),
            "counts",
            expected=[str(c) for c in table.columns],
            got=missing,
            kind="missing_columns",
        )
    keep_index = any(n is not None for n in table.index.names)
    if show and not internal:
        _show(table, title or name, index=keep_index)
    folder = results_dir()
    if folder is None:
        return
    if internal:
        folder = folder.parent / INTERNAL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{fmt}"
    entry: dict[str, Any] = {
        "file": f"{folder.name}/{name}.{fmt}",
        "title": title or name,
        "counts": count_columns,
        "internal": internal,
    }
    from workbench.ethics import MODEL_ATTR

    model = table.attrs.get(MODEL_ATTR)
    if isinstance(model, dict) and "dof" in model:
        entry["model"] = dict(model)
    from workbench.catalog import TEXT_COLUMNS_ATTR

    # Columns of free text (catalog type ``text``) that the table still holds: the gate
    # reads them as text (identifiers inside sentences, lists of names inside a cell).
    texts = [c for c in table.attrs.get(TEXT_COLUMNS_ATTR) or () if c in table.columns]
    if texts:
        entry["text_columns"] = texts
    if fmt == "csv":
        written = table.reset_index() if keep_index else table
        safe, entry["neutralised"] = neutralise_formulas(written)
        # lineterminator fixed so the bytes do not depend on the platform
        safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    else:
        table.to_parquet(path, index=keep_index)
    _record(folder.parent, name, entry)


def show(table: pd.DataFrame, title: str | None = None, *, index: bool | None = None) -> None:
    """Display a table as the report shows published ones, without publishing it.

    Numbers are formatted for reading (thousands separators, shares as percentages,
    p-values as ``<0.001``, ``–`` for missing values; see :mod:`workbench._format`); the
    table itself is not changed. ``index`` defaults to showing the index when it is named.
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"wb.show()에는 pandas DataFrame을 주세요 (받은 것: {type(table).__name__})."
        )
    keep_index = any(n is not None for n in table.index.names) if index is None else index
    _show(table, title, index=keep_index)


def _formula(value: Any) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and _NUMBER.match(value.strip()) is None
    )


def neutralise_formulas(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Return a copy whose text cells and headers Excel cannot run, and how many changed.

    Examples
    --------
    >>> import pandas as pd
    >>> safe, n = neutralise_formulas(pd.DataFrame({"v": ["=1+1", "@SUM(A1)", "-cmd", "-12.5"]}))
    >>> safe["v"].tolist(), n
    (["'=1+1", "'@SUM(A1)", "'-cmd", '-12.5'], 3)
    """
    import pandas as pd

    changed = 0
    out = table.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if column.dtype.kind in "biufcmM":  # numbers and dates: nothing to run
            continue
        values = column.astype(object)
        hits = values.map(_formula).astype(bool)
        if hits.any():
            changed += int(hits.sum())
            out.isetitem(position, values.where(~hits, "'" + values.astype(str)).to_numpy())
    if any(_formula(c) for c in out.columns):
        changed += sum(1 for c in out.columns if _formula(c))
        out.columns = pd.Index([f"'{c}" if _formula(c) else c for c in out.columns])
    return out, changed


def _record(run_dir: Path, name: str, entry: dict[str, Any]) -> None:
    """Remember what was published, for the release gate (outside results/)."""
    import json

    index = run_dir / PUBLISHED_INDEX
    data = json.loads(index.read_text(encoding="utf-8")) if index.is_file() else {}
    data[name] = entry
    index.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _show(table: pd.DataFrame, title: str | None, *, index: bool) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # plain Python: nothing to show
        return
    if get_ipython() is None:
        return
    from html import escape

    from workbench._format import styled_html

    shown = table.head(_DISPLAY_ROWS)
    more = (
        f"<p><em>전체 {len(table):,}행 중 {len(shown):,}행 표시</em></p>"
        if len(table) > len(shown)
        else ""
    )
    heading = f"<h4>{escape(title)}</h4>" if title else ""
    display(HTML(f"{heading}{styled_html(shown, index=index)}{more}"))
