"""Parameter widgets generated from a standard analysis's parameters cell.

Each parameter becomes one row: its Korean explanation (the comment in the parameters
cell) and a widget chosen by the type of its default. A parameter that the notebook's
metadata declares as an input becomes a picker of data sources instead: the files the
official uploaded, the catalog's datasets, or the analysis's own example data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from workbench.app._messages import message
from workbench.exceptions import ParameterError
from workbench.runner import Analysis, Parameter

__all__ = ["DataSource", "ParameterForm", "is_column_parameter", "parameter_widget", "parse_list"]

#: Width of the explanation column of a row.
_LABEL_WIDTH = "46%"
#: Parameters that only matter for some kinds of file: name -> the suffixes they apply to.
_FILE_KIND_FIELDS = {
    "sheet": (".xlsx", ".xls", ".xlsm", ".ods"),
    "encoding": (".csv", ".txt", ".tsv"),
}
#: What a parameter's comment says when its value is a column of the input ("… 열 이름",
#: "결과 열 (참/거짓)").
_COLUMN_HELP = re.compile(r"열 이름|열\s*\(")


def is_column_parameter(param: Parameter) -> bool:
    """Tell whether a text parameter names a column of the input table.

    Its name ends in ``column`` or its comment says so (``열 이름``, ``… 열 (…)``).
    """
    if param.type_name != "str":
        return False
    return param.name.endswith("column") or bool(_COLUMN_HELP.search(param.help or ""))


@dataclass(frozen=True)
class DataSource:
    """Something an input parameter can point at.

    Attributes
    ----------
    label : str
        What the picker shows, in Korean.
    value : str
        What the runner receives: a file path, ``catalog:NAME`` or a ``sample://`` URI.
    uploaded : bool
        A file the official uploaded in this visit (the only kind preselected).
    """

    label: str
    value: str
    uploaded: bool = False


def parse_list(text: str) -> list[Any]:
    """Parse ``"50, 100, 150"`` (or ``"[50, 100]"``) into a list of scalars.

    >>> parse_list("50, 100, 150")
    [50, 100, 150]
    >>> parse_list("[0.5, a]")
    [0.5, 'a']
    >>> parse_list("")
    []
    """
    import yaml

    text = text.strip()
    if text.startswith("["):
        text = text[1:-1] if text.endswith("]") else text[1:]
    items = [part.strip() for part in text.split(",") if part.strip()]
    return [yaml.safe_load(item) for item in items]


def _format_list(value: Sequence[Any]) -> str:
    return ", ".join(str(v) for v in value)


def parameter_widget(param: Parameter) -> widgets.Widget:
    """Return the widget for one (non-input) parameter, holding its default.

    ``bool`` → checkbox, ``int`` → whole-number box, ``float`` → number box, ``list`` →
    text of comma-separated values, anything else → text.
    """
    layout = widgets.Layout(width="auto", flex="1 1 auto")
    kind, default = param.type_name, param.default
    if is_column_parameter(param):
        # Typed freely, with the uploaded file's own columns offered as suggestions.
        return widgets.Combobox(
            value="" if default is None else str(default),
            options=[],
            ensure_option=False,
            placeholder="열 이름",
            layout=layout,
        )
    if kind == "bool":
        return widgets.Checkbox(value=bool(default), indent=False, layout=layout)
    if kind == "int" and isinstance(default, int):
        return widgets.IntText(value=default, layout=layout)
    if kind == "float" and isinstance(default, int | float):
        return widgets.FloatText(value=float(default), layout=layout)
    if kind in ("list", "tuple") and isinstance(default, list | tuple):
        return widgets.Text(value=_format_list(default), placeholder="쉼표로 구분", layout=layout)
    text = "" if default is None else str(default)
    return widgets.Text(value=text, layout=layout)


def _label(param: Parameter) -> widgets.HTML:
    explanation = html.escape(param.help or param.name)
    name = html.escape(param.name)
    return widgets.HTML(
        f'<div class="wb-param">{explanation}<br><code class="wb-name">{name}</code></div>',
        layout=widgets.Layout(width=_LABEL_WIDTH),
    )


class ParameterForm:
    """The rows of widgets for one analysis; :meth:`values` reads them back.

    Parameters
    ----------
    analysis : Analysis
        The standard analysis.
    sources : sequence of DataSource
        Uploaded files and catalog datasets, newest upload first.
    """

    def __init__(self, analysis: Analysis, sources: Sequence[DataSource]) -> None:
        self.analysis = analysis
        self.inputs: dict[str, widgets.Dropdown] = {}
        self.fields: dict[str, widgets.Widget] = {}
        self.secret_fields: dict[str, widgets.Password] = {}
        self.rows: dict[str, widgets.HBox] = {}
        rows: list[widgets.Widget] = []
        for param in analysis.parameters:
            if param.name in analysis.meta.inputs:
                widget: widgets.Widget = self._picker(param, sources)
                self.inputs[param.name] = widget
            elif param.secret:
                # Typed into a password box, handed to the run as a secret: never a
                # parameter, so never written to the notebook, report or manifest.
                widget = widgets.Password(
                    placeholder="입력한 값은 어디에도 기록되지 않습니다",
                    layout=widgets.Layout(width="auto", flex="1 1 auto"),
                )
                self.secret_fields[param.name] = widget
            else:
                widget = parameter_widget(param)
                self.fields[param.name] = widget
            row = widgets.HBox([_label(param), widget], layout=widgets.Layout(width="100%"))
            self.rows[param.name] = row
            rows.append(row)
        self.box = widgets.VBox(rows, layout=widgets.Layout(width="100%"))

    def _picker(self, param: Parameter, sources: Sequence[DataSource]) -> widgets.Dropdown:
        options = [(s.label, s.value) for s in sources]
        default = "" if param.default is None else str(param.default)
        # The analysis's own example data: a sample:// table, or "" (generated from seed,
        # or, for a secondary input, left out).
        if default.startswith("sample://") or default == "":
            example = ("예시 자료 (분석에 딸린 연습용 자료)", default)
            # An upload goes to the first input; the others keep their default until
            # the official picks a file for them.
            first = not self.inputs
            options = [*options, example] if first else [example, *options]
        if not options:
            options.append(("(자료를 먼저 올리세요)", default))
        picker = widgets.Dropdown(
            options=options,
            value=options[0][1],
            layout=widgets.Layout(width="auto", flex="1 1 auto"),
        )
        if not self.inputs and not any(s.uploaded for s in sources):
            # Nothing chosen for the official: the first input waits for an upload or a
            # pick (another agency's catalog dataset is never preselected).
            picker.index = None
        return picker

    def set_sources(self, sources: Sequence[DataSource], newest: str | None = None) -> None:
        """Offer ``sources`` in every data picker; select ``newest`` in the first one."""
        pickers, self.inputs = self.inputs, {}
        for name, picker in pickers.items():
            param = self.analysis.parameter(name)
            current = picker.value
            if param is not None:
                picker.options = self._picker(param, sources).options
            values = [value for _, value in picker.options]
            if not self.inputs and newest in values:
                picker.value = newest
            elif current in values:
                picker.value = current
            elif not self.inputs:
                picker.index = None
            self.inputs[name] = picker

    def adapt(self, source: str | None, columns: Sequence[str] = ()) -> None:
        """Fit the fields to the chosen file: file-kind fields and column suggestions.

        ``sheet`` shows only for Excel files and ``encoding`` only for text files (both
        stay for catalog datasets and example data, whose kind the page does not see);
        every column parameter offers ``columns``.
        """
        suffix = Path(source).suffix.lower() if source and "://" not in source else ""
        is_file = bool(suffix) and not str(source).startswith("catalog:")
        for name, kinds in _FILE_KIND_FIELDS.items():
            row = self.rows.get(name)
            if row is not None and name in self.fields:
                row.layout.display = "none" if is_file and suffix not in kinds else None
        for widget in self.fields.values():
            if isinstance(widget, widgets.Combobox):
                widget.options = tuple(str(c) for c in columns)

    def missing_inputs(self) -> list[str]:
        """Return the inputs with nothing chosen (only the first can be: see ``_picker``)."""
        return [name for name, picker in self.inputs.items() if picker.value is None]

    def labels(self) -> dict[str, str]:
        """Return parameter name -> its Korean explanation (for error messages)."""
        return {p.name: self.analysis.label(p.name) for p in self.analysis.parameters}

    def values(self) -> dict[str, Any]:
        """Return the parameters as the runner takes them.

        Raises
        ------
        ParameterError
            When a list cannot be read.
        """
        values: dict[str, Any] = {name: w.value for name, w in self.inputs.items()}
        for name, widget in self.fields.items():
            param = self.analysis.parameter(name)
            value = widget.value
            if param is not None and param.type_name in ("list", "tuple"):
                try:
                    value = parse_list(str(value))
                except Exception:
                    label = self.analysis.label(name)
                    where = f"'{label}'" + (f" ({name})" if label != name else "")
                    raise ParameterError(
                        message("form_list", where=where, got=repr(value)),
                        parameter=name,
                        expected="list",
                        got=value,
                        kind="type",
                    ) from None
            values[name] = value
        return values

    def secrets(self) -> dict[str, str]:
        """Return the secret parameters typed in (empty ones left out: the run says so)."""
        return {name: w.value for name, w in self.secret_fields.items() if w.value}
