"""Kernel-side hooks: what a notebook shows carries what the release gate must check.

The runner inserts a hidden setup cell (tagged ``workbench-setup``, see
:func:`setup_cell`) after the parameters; it calls :func:`install`, which registers
IPython display formatters for MIME types of our own (nbconvert ignores them, so the
report does not change):

- every displayed matplotlib ``Figure`` carries the texts drawn in it (titles, axis and
  tick labels, legends, annotations, suptitles, table cells) under ``FIGURE_MIME``. A
  formatter sees every way a figure reaches the notebook -- ``plt.show()`` in the middle
  of a cell, the inline backend's end-of-cell flush, a figure as a cell's value -- while
  the figure is still open, and puts the texts in the same output as the picture. (A
  ``post_execute`` hook, run before the backend's ``flush_figures``, would miss figures
  that ``plt.show()`` already closed.)
- ``Figure.savefig`` into the run folder also emits the texts, with the file's sha256,
  so that the gate can check a chart saved into ``results/``;
- every displayed statsmodels result or summary, ``wb.blocks`` regression, or table
  derived from a model (``attrs["workbench_model"]``) carries a model record (residual
  degrees of freedom, a keyed digest of its coefficients) under ``MODEL_MIME``; the
  gate applies the project's disclosure rules to it. The tables a statsmodels result
  hands out (``fit.params``, ``fit.conf_int()``...) are tagged with its record when
  they are taken, so that they are checked like the model, displayed or published.

This module runs in the kernel: importing it imports nothing heavy.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.abc
import importlib.machinery
import os
import sys
from pathlib import Path
from typing import Any

from workbench.ethics import FIGURE_MIME, MODEL_ATTR, MODEL_MIME

__all__ = ["SETUP_TAG", "figure_texts", "install", "setup_cell"]

#: The tag of the hidden setup cell; the report, the gate, cell numbering and re-runs skip it.
SETUP_TAG = "workbench-setup"
_SETUP_SOURCE = (
    "# workbench: 보고서와 결과에 나갈 내용을 공개 전 점검이 볼 수 있게 합니다 (보고서에는 "
    "보이지 않음)\n"
    "import workbench.runner._kernel_hooks as _workbench_hooks\n\n"
    "_workbench_hooks.install()\n"
    "del _workbench_hooks"
)
_INSTALLED = "_workbench_hooks_installed"
_PATCHED = "_workbench_savefig"


def setup_cell() -> Any:
    """Return the hidden code cell that installs the hooks in a run's kernel."""
    import nbformat

    cell = nbformat.v4.new_code_cell(_SETUP_SOURCE)
    cell.id = "workbench-setup"
    cell.metadata["tags"] = [SETUP_TAG]
    cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def setup_index(cells: list[Any]) -> int:
    """Where the setup cell goes: after the (injected) parameters, else first."""
    position = 0
    for index, cell in enumerate(cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            position = index + 1
    return position


# --------------------------------------------------------------------------- figures
def figure_texts(figure: Any) -> list[str]:
    """Return every visible, non-empty text drawn in a matplotlib figure, in draw order.

    The figure is laid out first (``draw_without_rendering``) so that tick labels exist.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> ax = fig.add_subplot()
    >>> _ = ax.set_title("제목"); _ = ax.set_xticks([0, 1])
    >>> sorted(t for t in figure_texts(fig) if t in ("제목", "0", "1"))
    ['0', '1', '제목']
    """
    import warnings

    from matplotlib.text import Text

    with warnings.catch_warnings():
        # The picture itself is drawn (and warns about missing glyphs) by the backend.
        warnings.simplefilter("ignore")
        with contextlib.suppress(Exception):  # one that cannot be laid out is read as it is
            figure.draw_without_rendering()
    texts = []
    for artist in figure.findobj(lambda a: isinstance(a, Text)):
        if artist.get_visible() and str(artist.get_text()).strip():
            texts.append(str(artist.get_text()))
    for table in figure.findobj(lambda a: type(a).__name__ == "Table"):
        for cell in getattr(table, "get_celld", dict)().values():
            text = cell.get_text()
            if text.get_visible() and str(text.get_text()).strip():
                texts.append(str(text.get_text()))
    return list(dict.fromkeys(texts))


def _figure_payload(figure: Any) -> dict[str, Any] | None:
    try:
        return {"texts": figure_texts(figure)}
    except Exception:  # never break a display; the gate then cannot vouch for the picture
        return None


def _saved_path(fname: Any, kwargs: dict[str, Any]) -> Path | None:
    if not isinstance(fname, str | os.PathLike):
        return None  # a file object: not a file of the run
    path = Path(os.fspath(fname))
    if not path.suffix:
        from matplotlib import rcParams

        path = path.with_suffix("." + str(kwargs.get("format") or rcParams["savefig.format"]))
    return path.resolve()


def _record_saved(figure: Any, fname: Any, kwargs: dict[str, Any]) -> None:
    """Emit the texts of a figure saved into the run folder (with the file's sha256)."""
    from workbench.runner.results import RUN_DIR_ENV

    run_dir = os.environ.get(RUN_DIR_ENV)
    path = _saved_path(fname, kwargs)
    if not run_dir or path is None or not path.is_file():
        return
    root = Path(run_dir).resolve()
    if not path.is_relative_to(root):
        return
    from IPython.display import publish_display_data

    payload = {
        "file": path.relative_to(root).as_posix(),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "texts": figure_texts(figure),
    }
    publish_display_data({FIGURE_MIME: payload})


def _patch_savefig(module: Any) -> None:
    figure_class = module.Figure
    if getattr(figure_class.savefig, _PATCHED, False):
        return
    original = figure_class.savefig

    @functools.wraps(original)
    def savefig(self: Any, fname: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, fname, *args, **kwargs)
        _record_saved(self, fname, kwargs)
        return result

    setattr(savefig, _PATCHED, True)
    figure_class.savefig = savefig


class _AfterImport(importlib.abc.MetaPathFinder):
    """Run a callback once a module is imported (without importing it ourselves).

    Importing matplotlib costs about 0.4 s; a notebook that never plots must not pay it.
    """

    def __init__(self, name: str, callback: Any) -> None:
        self.name = name
        self.callback = callback
        self.done = False

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name or self.done:
            return None
        self.done = True  # once (left in sys.meta_path: removing it mid-search skips a finder)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        loader = getattr(spec, "loader", None)
        if spec is None or loader is None or not hasattr(loader, "exec_module"):
            return spec
        exec_module = loader.exec_module
        callback = self.callback

        def exec_then_patch(module: Any) -> None:
            exec_module(module)
            callback(module)

        loader.exec_module = exec_then_patch
        return spec


def _when_imported(name: str, callback: Any) -> None:
    if name in sys.modules:
        callback(sys.modules[name])
    elif not any(isinstance(f, _AfterImport) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(name, callback))


# --------------------------------------------------------------------------- models
def _model_name(result: Any) -> str:
    endog = getattr(getattr(result, "model", None), "endog_names", None)
    return endog if isinstance(endog, str) else "model"


def _result_records(result: Any) -> list[dict[str, Any]]:
    from workbench.ethics import model_record

    if getattr(result, "df_resid", None) is None:
        return []
    return [model_record(result, _model_name(result))]


def _summary_dof(summary: Any) -> float | None:
    """Read 'Df Residuals:' from a statsmodels summary (either kind) header table."""
    for table in getattr(summary, "tables", [])[:1]:
        rows = table.astype(str).to_numpy().tolist() if hasattr(table, "to_numpy") else table.data
        for row in rows:
            cells = [str(c).strip() for c in row]
            for i, cell in enumerate(cells[:-1]):
                if cell == "Df Residuals:":
                    try:
                        return float(cells[i + 1])
                    except ValueError:
                        return None
    return None


def _summary_records(summary: Any) -> list[dict[str, Any]]:
    from workbench.ethics import value_digest

    dof = _summary_dof(summary)
    if dof is None:
        return []
    tables = getattr(summary, "tables", [])[1:]  # the header holds the date and time
    shown = [t.to_csv() if hasattr(t, "to_csv") else str(t) for t in tables]
    return [{"name": "model", "dof": dof, "digest": value_digest([*shown, f"dof={dof!r}"])}]


def _frame_records(frame: Any) -> list[dict[str, Any]] | None:
    record = getattr(frame, "attrs", {}).get(MODEL_ATTR)
    return [dict(record)] if isinstance(record, dict) and "dof" in record else None


def _regression_records(fit: Any) -> list[dict[str, Any]]:
    records = _frame_records(getattr(fit, "coefficients", None))
    return records or _result_records(getattr(fit, "result", None))


_RECORD = "_workbench_model_record"


def _tag(wrapper: Any, value: Any) -> Any:
    """Mark a pandas table taken from a statsmodels result with the result's record."""
    if type(value).__name__ not in ("Series", "DataFrame") or not hasattr(value, "attrs"):
        return value
    state = object.__getattribute__(wrapper, "__dict__")
    if _RECORD not in state:  # read from the unwrapped result: no recursion through here
        state[_RECORD] = None
        with contextlib.suppress(Exception):
            records = _result_records(object.__getattribute__(wrapper, "_results"))
            state[_RECORD] = records[0] if records else None
    if state[_RECORD] is not None:
        value.attrs[MODEL_ATTR] = dict(state[_RECORD])
    return value


def _tag_model_tables(module: Any) -> None:
    """Make the tables a statsmodels result hands out carry the result's model record.

    ``fit.params``, ``fit.conf_int()``, ``fit.pvalues``... are plain Series and
    DataFrames; tagged through ``attrs`` (which pandas keeps through ``round``,
    ``to_frame`` and the like), one displayed or published is checked like the model.
    """
    wrapper_class = module.ResultsWrapper
    original = wrapper_class.__getattribute__
    if getattr(original, _PATCHED, False):
        return

    def get_tagged(self: Any, attr: str) -> Any:
        value = original(self, attr)
        if attr.startswith("_"):
            return value
        if callable(value) and not isinstance(value, type):
            method = value

            @functools.wraps(method)
            def call(*args: Any, **kwargs: Any) -> Any:
                return _tag(self, method(*args, **kwargs))

            return call
        return _tag(self, value)

    setattr(get_tagged, _PATCHED, True)
    wrapper_class.__getattribute__ = get_tagged


# --------------------------------------------------------------------------- install
#: (module, class name) -> reader, per MIME type. Classes are matched by name along the
#: object's MRO, so nothing is imported to register them, and IPython's
#: ``select_figure_formats`` (which pops ``Figure`` from every formatter when the inline
#: backend starts) cannot unregister them.
_READERS: dict[str, dict[tuple[str, str], Any]] = {
    FIGURE_MIME: {("matplotlib.figure", "Figure"): _figure_payload},
    MODEL_MIME: {
        ("statsmodels.base.wrapper", "ResultsWrapper"): _result_records,
        ("statsmodels.base.model", "Results"): _result_records,
        ("statsmodels.iolib.summary", "Summary"): _summary_records,
        ("statsmodels.iolib.summary2", "Summary"): _summary_records,
        ("pandas.core.frame", "DataFrame"): _frame_records,
        ("pandas", "DataFrame"): _frame_records,
        ("pandas.core.series", "Series"): _frame_records,
        ("pandas", "Series"): _frame_records,
        ("workbench.blocks._regression", "Regression"): _regression_records,
    },
}


def _read(mime: str, obj: Any) -> Any:
    """Return what the reader registered for ``obj``'s class (or a base) finds, or None.

    A reader never breaks a display: an object it cannot read carries nothing, and the
    gate then judges the output by its other forms alone.
    """
    readers = _READERS[mime]
    for cls in type(obj).__mro__:
        reader = readers.get((getattr(cls, "__module__", ""), cls.__name__))
        if reader is not None:
            try:
                return reader(obj) or None
            except Exception:
                return None
    return None


def _formatter(shell: Any, mime: str) -> Any:
    """Return a display formatter for ``mime`` that asks :func:`_read`."""
    from IPython.core.formatters import BaseFormatter

    class WorkbenchFormatter(BaseFormatter):  # type: ignore[misc]
        format_type = mime
        print_method = "_repr_workbench_json_"
        _return_type = (list, dict)

        def __call__(self, obj: Any) -> Any:
            return _read(mime, obj) if self.enabled else None

    return WorkbenchFormatter(parent=shell.display_formatter)


def install(shell: Any = None) -> None:
    """Register the formatters and the savefig hook in this kernel; safe to call twice."""
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None or getattr(shell, _INSTALLED, False):
        return
    formatters = shell.display_formatter.formatters
    for mime in _READERS:
        formatters[mime] = _formatter(shell, mime)
    _when_imported("matplotlib.figure", _patch_savefig)
    _when_imported("statsmodels.base.wrapper", _tag_model_tables)
    setattr(shell, _INSTALLED, True)
