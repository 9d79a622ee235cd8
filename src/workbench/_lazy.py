"""Lazy public names for a package: ``import workbench.blocks`` loads no block yet.

A package lists ``name -> module`` and gets the module-level ``__getattr__`` and
``__dir__`` (PEP 562) that import a name's module on first use and keep the value.
``name -> "module:attribute"`` publishes a module's attribute under another name, where
two private modules use the same one (``FRAUD_RULES`` is ``_fraud``'s ``DEFAULT_RULES``).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for ``package`` serving ``names`` lazily."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - PEP 562 hook
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = names[name].partition(":")
        value = getattr(importlib.import_module(module), attribute or name)
        setattr(sys.modules[package], name, value)  # later lookups skip this hook
        return value

    def __dir__() -> list[str]:  # noqa: N807 - PEP 562 hook
        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__


#: Modules our own processes never use but would import at a cost: jsonschema (under
#: nbformat) imports ``rfc3987_syntax`` when it is installed -- JupyterLab's dependencies
#: install it -- only to check the "iri" formats that notebook schemas never use, and that
#: module builds a grammar at import: about 1.7 s on every command.
UNUSED_IMPORTS = ("rfc3987_syntax",)


def skip_unused_imports() -> None:
    """Make importing :data:`UNUSED_IMPORTS` fail fast in this process (only in ours).

    Called by the ``workbench`` command and the app's page kernel, never on import of
    ``workbench``: an analyst's own kernel keeps every module it may want. jsonschema
    imports the module inside ``suppress(ImportError)``, so its other checks are kept.
    """
    for name in UNUSED_IMPORTS:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
