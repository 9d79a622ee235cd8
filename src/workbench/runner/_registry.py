"""Find standard analyses and read their contract (metadata and parameters cell).

Nothing here starts a kernel or imports papermill: the cell tagged ``parameters`` is read
with :mod:`ast`, and defaults are parsed as Python literals.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import io
import json
import os
import tokenize
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import nbformat
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workbench._korean import validation_problem
from workbench.exceptions import AnalysisNotFoundError, NotebookContractError
from workbench.runner._kernel_hooks import SETUP_TAG
from workbench.runner._messages import message
from workbench.runner._secrets import is_secret_name, secret_comment

__all__ = [
    "Analysis",
    "DatasetSpec",
    "InputSpec",
    "Parameter",
    "find_analysis",
    "list_analyses",
    "notebook_sha256",
    "standard_notebook_dirs",
]

#: Environment variable with extra folders (``os.pathsep``-separated) of standard notebooks.
PATH_ENV = "WORKBENCH_NOTEBOOK_PATH"
INJECTED_TAG = "injected-parameters"
#: Cells the runner adds to a run's notebook (papermill's parameters, workbench's setup):
#: never part of what the notebook does, never numbered, never in the report.
HIDDEN_TAGS = frozenset({INJECTED_TAG, SETUP_TAG})


class InputSpec(BaseModel):
    """One input of a standard analysis: the parameter that holds its path."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    description: str = ""
    # The name of the input's schema; the data-access issue validates data against it.
    schema_name: str = Field("", alias="schema")
    # Columns the notebook needs, checked before any kernel starts; "{param}" stands for
    # the column named by a parameter's value.
    columns: list[str] = []


class DatasetSpec(BaseModel):
    """A public or administrative dataset an analysis is meant for, as it is published."""

    model_config = ConfigDict(extra="forbid")

    name: str  # as the provider titles it, e.g. "공동주택 관리비 공개자료"
    provider: str  # the agency or system that publishes it
    format: str = ""  # the file as downloaded, e.g. "CSV (CP949, 천 단위 쉼표)"
    # Input parameter the dataset is given as (e.g. "fees_path"); empty for the only one.
    input: str = ""
    # Its published column name -> the analysis's column (the `columns` parameter's map).
    columns: dict[str, str] = {}
    note: str = ""  # how it becomes the input, e.g. a block that derives it


class AnalysisMeta(BaseModel):
    """The ``workbench`` section of a standard notebook's metadata."""

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    summary: str = ""
    version: str = "0.0.0"
    level: Literal["auto", "standard", "advanced"] = "standard"
    inputs: dict[str, InputSpec] = {}
    outputs: list[str] = []
    # Parameters whose values are secret (API keys, passwords): passed only through the
    # environment or a prompt, never written to the run folder (runner/_secrets.py).
    secrets: list[str] = []
    # Results the batch index shows per run: {"name", "table", "column"}, the value in
    # the first row of that published table's column (see runner/batch/index.py).
    key_results: list[dict[str, Any]] = []
    # The public or administrative datasets the analysis is meant for (issue 13).
    datasets: list[DatasetSpec] = []


@dataclass(frozen=True)
class Parameter:
    """A parameter read from a notebook's ``parameters`` cell.

    Attributes
    ----------
    name : str
        The variable name.
    default : object
        The default value, parsed as a Python literal (``None`` if it is not a literal).
    type_name : str
        ``int``, ``float``, ``str``, ``bool``, ``list``, ``dict`` or ``NoneType``; ``any``
        when the default is not a literal.
    help : str
        The comment that documents the parameter (its meaning and unit).
    secret : bool
        Its value is secret (marked ``# secret: ...``, listed in the metadata's
        ``secrets``, or named like one: see :func:`workbench.runner._secrets.is_secret_name`).
    """

    name: str
    default: Any
    type_name: str
    help: str
    secret: bool = False


@dataclass(frozen=True)
class Analysis:
    """A standard analysis: a notebook plus its contract."""

    path: Path
    meta: AnalysisMeta
    parameters: tuple[Parameter, ...]
    sha256: str
    notebook: nbformat.NotebookNode = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def title(self) -> str:
        return self.meta.title

    def parameter(self, name: str) -> Parameter | None:
        """Return the parameter called ``name``, or ``None``."""
        return next((p for p in self.parameters if p.name == name), None)

    def label(self, name: str) -> str:
        """Return what a person calls parameter ``name``: its comment, else its name."""
        param = self.parameter(name)
        return (param.help if param is not None else "") or name

    def defaults(self) -> dict[str, Any]:
        """Return every parameter's default value (secrets left out)."""
        return {p.name: p.default for p in self.parameters if not p.secret}

    @property
    def secrets(self) -> tuple[str, ...]:
        """The names of the secret parameters."""
        return tuple(p.name for p in self.parameters if p.secret)

    def _repr_html_(self) -> str:
        from workbench.runner._views import analysis_html

        return analysis_html(self)


def notebook_sha256(nb: nbformat.NotebookNode) -> str:
    """Hash what a notebook *does*: its cells' types and sources and its workbench metadata.

    Outputs, execution counts and papermill's injected-parameters cell are left out, so a
    source notebook and its executed copy hash the same.
    """
    cells = [
        {"cell_type": c.cell_type, "source": c.source}
        for c in nb.cells
        if not HIDDEN_TAGS & set(c.get("metadata", {}).get("tags", []))
    ]
    payload = {"cells": cells, "workbench": nb.metadata.get("workbench", {})}
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def standard_notebook_dirs() -> list[Path]:
    """Return the folders searched for standard analyses, in priority order.

    ``$WORKBENCH_NOTEBOOK_PATH`` first, then the notebooks shipped inside the installed
    package, then (for a source checkout) the repository's ``notebooks/standard``, then
    those of installed analysis packages (entry points ``workbench.analyses``).
    """
    from workbench._plugins import analysis_packages

    dirs = [Path(p) for p in os.environ.get(PATH_ENV, "").split(os.pathsep) if p]
    package_dir = Path(__file__).resolve().parent.parent
    dirs.append(package_dir / "_notebooks" / "standard")
    dirs.append(package_dir.parent.parent / "notebooks" / "standard")
    dirs += [package.folder for package in analysis_packages()]
    return [d for d in dirs if d.is_dir()]


def _literal(node: ast.expr) -> tuple[Any, str]:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None, "any"
    return value, type(value).__name__


def _trailing_comments(source: str) -> dict[int, str]:
    """Map line number -> the comment that ends that line."""
    comments: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string.lstrip("#").strip()
    except (tokenize.TokenError, SyntaxError):
        pass
    return comments


def _read_parameters(
    nb: nbformat.NotebookNode,
    declared: frozenset[str] = frozenset(),
    inputs: frozenset[str] = frozenset(),
) -> tuple[Parameter, ...]:
    """Read ``name = literal  # meaning (unit)`` lines of the cell tagged ``parameters``.

    The same contract papermill's inspection reads, parsed with :mod:`ast` so that
    listing analyses and validating parameters need not import papermill (a quarter of
    a second before the kernel can start).
    """
    cell = next(
        (c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])), None
    )
    if cell is None:
        return ()
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as exc:
        raise NotebookContractError(
            message("params_cell_syntax", line=exc.lineno, error=exc.msg)
        ) from None
    comments = _trailing_comments(cell.source)
    params = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, annotation = node.targets[0], None
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, annotation = node.target, node.annotation
        else:
            continue
        if not isinstance(target, ast.Name) or node.value is None:
            continue
        default, type_name = _literal(node.value)
        if isinstance(annotation, ast.Name):
            type_name = annotation.id
        end = node.end_lineno or node.lineno
        help_text = comments.get(end) or comments.get(node.lineno, "")
        marked, help_text = secret_comment(help_text)
        # An input is a path that is recorded and hashed: never secret by its name alone.
        by_name = is_secret_name(target.id) and target.id not in inputs
        secret = marked or target.id in declared or by_name
        params.append(Parameter(target.id, default, type_name, help_text, secret))
    return tuple(params)


def _load(path: Path, *, require_meta: bool) -> Analysis:
    try:
        # No JSON-schema validation here: compiling nbformat's schema costs 0.1 s before
        # the kernel can start, and papermill validates the notebook when it runs it.
        nb = nbformat.v4.reads(path.read_text(encoding="utf-8"))
        if nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
            raise ValueError(message("not_nbformat4"))  # re-said just below
    except FileNotFoundError:
        raise AnalysisNotFoundError(message("notebook_not_found", path=path), str(path)) from None
    except Exception as exc:  # nbformat raises several unrelated types
        raise NotebookContractError(message("notebook_unreadable", path=path)) from exc
    raw = nb.metadata.get("workbench")
    if raw is None:
        if require_meta:
            raise NotebookContractError(message("no_metadata", path=path))
        raw = {"name": path.stem, "title": path.stem}
    try:
        meta = AnalysisMeta.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(최상위)'}: {validation_problem(e)}"
            for e in exc.errors()
        )
        raise NotebookContractError(message("bad_metadata", path=path, problems=problems)) from None
    parameters = _read_parameters(nb, frozenset(meta.secrets), frozenset(meta.inputs))
    names = {p.name for p in parameters}
    undeclared = [name for name in meta.secrets if name not in names]
    if undeclared:
        raise NotebookContractError(
            message("undeclared_secrets", path=path, names=", ".join(undeclared))
        )
    secret_inputs = [name for name in meta.inputs if name in meta.secrets]
    if secret_inputs:
        raise NotebookContractError(
            message("secret_inputs", path=path, names=", ".join(secret_inputs))
        )
    missing = [name for name in meta.inputs if name not in names]
    if missing:
        raise NotebookContractError(
            message("undeclared_inputs", path=path, names=", ".join(missing))
        )
    return Analysis(path, meta, parameters, notebook_sha256(nb), nb)


@cache
def _load_cached(path: Path, mtime_ns: int) -> Analysis:
    return _load(path, require_meta=True)


def list_analyses() -> list[Analysis]:
    """Return every standard analysis found, sorted by name.

    A notebook whose contract is broken is skipped with a warning; an earlier folder
    wins when two hold the same analysis name.
    """
    found: dict[str, Analysis] = {}
    for folder in standard_notebook_dirs():
        for path in sorted(folder.glob("*.ipynb")):
            try:
                analysis = _load_cached(path, path.stat().st_mtime_ns)
            except NotebookContractError as exc:
                warnings.warn(message("notebook_skipped", path=path, error=exc), stacklevel=2)
                continue
            found.setdefault(analysis.name, analysis)
    return [found[name] for name in sorted(found)]


def find_analysis(name_or_path: str | os.PathLike[str]) -> Analysis:
    """Return the standard analysis called ``name_or_path``, or the notebook at that path.

    Raises
    ------
    AnalysisNotFoundError
        With a did-you-mean when the name is close to a known one.
    """
    text = os.fspath(name_or_path)
    path = Path(text)
    if text.endswith(".ipynb") or path.is_file():
        return _load(path.resolve(), require_meta=False)
    for folder in standard_notebook_dirs():  # by convention the file is named NAME.ipynb
        candidate = folder / f"{text}.ipynb"
        if candidate.is_file():
            analysis = _load_cached(candidate, candidate.stat().st_mtime_ns)
            if analysis.name == text:
                return analysis
    analyses = {a.name: a for a in list_analyses()}
    if text in analyses:
        return analyses[text]
    close = difflib.get_close_matches(text, list(analyses), n=1)
    hint = message("analysis_close", close=close[0]) if close else ""
    raise AnalysisNotFoundError(
        message("analysis_not_found", name=f"'{text}'", hint=hint), name=text, suggestions=close
    )
