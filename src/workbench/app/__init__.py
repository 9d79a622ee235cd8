"""The no-code page for officials (Voilà + ipywidgets).

``workbench app`` serves :data:`PAGE_NOTEBOOK` with Voilà; the notebook calls
:func:`show_page`. Everything the page does lives here as plain functions and classes,
testable without a browser: :class:`ParameterForm` (widgets from a parameters cell),
:class:`AppSession` (uploads and runs through the runner and its release gate) and
:func:`describe_error` (errors and refusals in Korean, without data values).
"""

from __future__ import annotations

from pathlib import Path

from workbench._lazy import lazy_names

#: The Voilà notebook of the page, shipped inside the package.
PAGE_NOTEBOOK = Path(__file__).with_name("page.ipynb")

_LAZY = {
    "ReviewState": "workbench.app._review",
    "make_app": "workbench.app._review",
    "AppSession": "workbench.app._session",
    "Outcome": "workbench.app._session",
    "page_analyses": "workbench.app._session",
    "MAX_UPLOAD_ENV": "workbench.app._session",
    "DataSource": "workbench.app._form",
    "ParameterForm": "workbench.app._form",
    "parameter_widget": "workbench.app._form",
    "Notice": "workbench.app._messages",
    "describe_error": "workbench.app._messages",
    "describe_finding": "workbench.app._messages",
    "Page": "workbench.app._page",
    "PROJECT_ENV": "workbench.app._page",
    "show_page": "workbench.app._page",
}

__all__ = ["PAGE_NOTEBOOK", *sorted(_LAZY)]

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
