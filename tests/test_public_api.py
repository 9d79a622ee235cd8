"""Notebooks and code outside a package use only its public names (issue 16, item 3).

A private module or name (``workbench.blocks._fees``, ``workbench.catalog._map.search``,
``from workbench.catalog import _FILE_OPTIONS``) may be imported only by modules inside
the package that owns it. This test reads every notebook's code cells (standard,
training, the page, the project template) and every module of the repository except the
tests, and names each file, cell and line that reaches into another package's private
parts. import-linter's ``private_modules`` contract (pyproject.toml) checks the same rule
for the modules under ``src/`` from the import graph; this test also covers notebooks,
the template, benchmarks and attribute use such as ``wb.blocks._fees``.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
#: The tests may exercise private parts; nothing else may.
SKIPPED_DIRS = {"tests", "build", "dist", "node_modules"}
#: Reaching in on purpose, each with its reason (file, private module).
ALLOWED = {
    # The batch benchmark prints where one run's time goes by wrapping the runner's own
    # steps (execute, gate, report, manifest): instrumentation, like a profiler.
    ("benchmarks/bench_batch.py", "workbench.runner._engine"),
    ("benchmarks/bench_batch.py", "workbench.runner._gate"),
    ("benchmarks/bench_batch.py", "workbench.runner._report"),
    ("benchmarks/bench_batch.py", "workbench.runner._rundir"),
    # The scan benchmark times the gate's own check on a run folder and forces the
    # scanner's Arrow path to compare it with the Python-pattern path: instrumentation.
    ("benchmarks/bench_scan.py", "workbench.runner._gate"),
    ("benchmarks/bench_scan.py", "workbench.ethics._regex"),
}
_JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}")
_JINJA_STATEMENT = re.compile(r"\{%.*?%\}")
_MAGIC = re.compile(r"^\s*[%!]")


class Violation(NamedTuple):
    where: str  # "notebooks/standard/x.ipynb, cell 3, line 5" or "src/.../y.py, line 5"
    name: str  # the private module or name reached, e.g. "workbench.blocks._fees"

    def __str__(self) -> str:
        return f"{self.where}: {self.name}"


def _private_owner(dotted: str) -> str | None:
    """Return the package owning the first private part of ``dotted``, or None.

    ``workbench.blocks._fees.FEES_SCHEMA`` -> ``workbench.blocks``; dunder names
    (``__version__``) are public.
    """
    parts = dotted.split(".")
    if parts[0] != "workbench":
        return None
    for index, part in enumerate(parts[1:], start=1):
        if part.startswith("_") and not (part.startswith("__") and part.endswith("__")):
            return ".".join(parts[:index])
    return None


def _inside(module: str | None, owner: str) -> bool:
    return module is not None and (module == owner or module.startswith(owner + "."))


def _reached(tree: ast.AST, module: str | None) -> Iterator[tuple[int, str]]:
    """Yield (line, dotted name) for every workbench name ``tree`` imports or uses.

    ``module`` is the importing module's package (``workbench.runner``) for code under
    ``src/``, used to resolve relative imports; None for notebooks and scripts.
    """
    aliases: dict[str, str] = {}  # local name -> workbench module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
                local = alias.asname or alias.name.split(".")[0]
                aliases[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and module is not None:
                parent = module.rsplit(".", node.level - 1)[0] if node.level > 1 else module
                base = f"{parent}.{base}" if base else parent
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"
                aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value
    for node in ast.walk(tree):  # wb.blocks._fees.X, after every alias is known
        if isinstance(node, ast.Attribute):
            chain = []
            current: ast.expr = node
            while isinstance(current, ast.Attribute):
                chain.append(current.attr)
                current = current.value
            # A name bound by a private import is reported once, at its import.
            bound = aliases.get(current.id) if isinstance(current, ast.Name) else None
            if bound is not None and _private_owner(bound) is None:
                yield node.lineno, ".".join([bound, *reversed(chain)])


def violations_in_code(source: str, where: str, module: str | None = None) -> list[Violation]:
    """Return the private workbench parts ``source`` reaches from outside their package."""
    tree = ast.parse(source)
    found: dict[tuple[int, str], None] = {}
    for line, dotted in _reached(tree, module):
        owner = _private_owner(dotted)
        if owner is not None and not _inside(module, owner):
            # Report the private part itself, not each attribute read from it.
            parts = dotted.split(".")
            depth = len(owner.split(".")) + 1
            found[(line, ".".join(parts[:depth]))] = None
    return [Violation(f"{where}, line {line}", name) for line, name in found]


def _without_jinja(text: str) -> str:
    text = _JINJA_STATEMENT.sub("", text)
    return _JINJA_EXPRESSION.sub("jinja_value", text)


def violations_in_notebook(path: Path, shown: str | None = None) -> list[Violation]:
    """Return the private workbench parts any code cell of the notebook reaches.

    IPython magics and shell lines (``%``, ``!``) are blanked, keeping line numbers; in
    the project template, Jinja placeholders become a plain name before parsing.
    """
    shown = shown or path.relative_to(ROOT).as_posix()
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = []
    for number, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        if shown.startswith("template/"):
            source = _without_jinja(source)
        lines = ["" if _MAGIC.match(line) else line for line in source.splitlines()]
        found += violations_in_code("\n".join(lines), f"{shown}, cell {number}")
    return found


def _package_of(path: Path) -> str | None:
    """``src/workbench/runner/_run.py`` -> ``workbench.runner``; None outside ``src``."""
    if SRC not in path.parents:
        return None
    return ".".join(path.relative_to(SRC).parent.parts)


def _files(suffix: str) -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob(f"*{suffix}")
        if not any(
            part.startswith(".") or part == "_work" or (index == 0 and part in SKIPPED_DIRS)
            for index, part in enumerate(path.relative_to(ROOT).parts[:-1])
        )
    )


def violations_in_module(path: Path) -> list[Violation]:
    text = path.read_text(encoding="utf-8")
    if "template" in path.relative_to(ROOT).parts:
        text = _without_jinja(text)
    return violations_in_code(text, str(path.relative_to(ROOT)), _package_of(path))


def test_checked_files_cover_every_notebook_kind() -> None:
    """The scan sees the bundled notebooks, the page and the template, not only src."""
    notebooks = {path.relative_to(ROOT).as_posix() for path in _files(".ipynb")}
    assert "notebooks/standard/apartment_fees.ipynb" in notebooks
    assert "notebooks/training/01_concepts.ipynb" in notebooks
    assert "src/workbench/app/page.ipynb" in notebooks
    assert any(name.startswith("template/") for name in notebooks)
    modules = {path.relative_to(ROOT).as_posix() for path in _files(".py")}
    assert "src/workbench/runner/_inputs.py" in modules
    assert "template/hooks/pre_gen_project.py" in modules
    assert "benchmarks/bench_load.py" in modules
    assert not any(name.startswith("tests/") for name in modules)


def test_notebooks_use_only_public_names() -> None:
    found = [v for path in _files(".ipynb") for v in violations_in_notebook(path)]
    assert not found, (
        "Notebooks import private workbench modules or names; import the public name "
        "instead (`wb.blocks.X`, `from workbench.blocks import X`; export it in the "
        "package's __init__.py if it is missing):\n" + "\n".join(map(str, found))
    )


def test_modules_use_only_other_packages_public_names() -> None:
    found = [
        v
        for path in _files(".py")
        for v in violations_in_module(path)
        if (v.where.split(",")[0], v.name) not in ALLOWED
    ]
    assert not found, (
        "Modules reach into another package's private modules or names; export the "
        "name in that package's __init__.py and import it from there:\n"
        + "\n".join(map(str, found))
    )


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from workbench.blocks._fees import FEES_SCHEMA", None, ["workbench.blocks._fees"]),
        ("from workbench.blocks import _fees", None, ["workbench.blocks._fees"]),
        ("import workbench.catalog._map as m", None, ["workbench.catalog._map"]),
        ("from workbench.catalog import _FILE_OPTIONS", None, ["workbench.catalog._FILE_OPTIONS"]),
        ("import workbench as wb\nwb.blocks._fees.FEES_SCHEMA", None, ["workbench.blocks._fees"]),
        ("import importlib\nimportlib.import_module('workbench._lazy')", None, ["workbench._lazy"]),
        ("from workbench.catalog._audit import AuditLog", "workbench.runner",
         ["workbench.catalog._audit"]),
        ("from workbench.catalog._audit import AuditLog", "workbench.catalog", []),
        ("from ._audit import AuditLog", "workbench.catalog", []),
        ("from workbench._lazy import lazy_names", "workbench.blocks", []),
        ("import workbench as wb\nwb.blocks.FEES_SCHEMA\nwb.__version__", None, []),
        ("from workbench.blocks import FEES_SCHEMA, PeerComparison", None, []),
        ("from workbench.blocks._fees import F\nF.validate(x)", None, ["workbench.blocks._fees"]),
    ],
)  # fmt: skip
def test_check_names_each_private_reach(
    source: str, module: str | None, expected: list[str]
) -> None:
    assert [v.name for v in violations_in_code(source, "x.py", module)] == expected


def test_notebook_check_names_file_cell_and_line(tmp_path: Path) -> None:
    """A private import in a code cell fails with the file, cell and line; magics are skipped."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["from workbench.blocks._x import y"]},
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": ["%load_ext workbench\n", "!ls\n", "from workbench.blocks._did import did\n"],
        },
    ]
    path = tmp_path / "probe.ipynb"
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    assert [str(v) for v in violations_in_notebook(path, "probe.ipynb")] == [
        "probe.ipynb, cell 1, line 3: workbench.blocks._did"
    ]
