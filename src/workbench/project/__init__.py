"""Standard analysis projects: the template, ``new``, ``update``, ``doctor``.

- :func:`new_project` -- make a project from the cookiecutter template, answers checked
  before anything is written; the template version and answers are recorded in
  ``.workbench/template.json``;
- :func:`update_project` -- bring a newer template in, three-way: untouched files are
  updated, files both sides changed are reported as conflicts, nothing the user wrote
  is overwritten;
- :func:`diagnose` -- how a project deviates from the standard, each with its fix;
- :func:`scan_files`, :func:`large_files`, :func:`scan_notebook` -- the project's offline
  pre-commit checks;
- :func:`run_pre_gen`, :func:`run_post_gen` -- what the template's cookiecutter hooks call;
- :func:`build_wheelhouse` -- a folder of pinned, hashed wheels that installs workbench
  (and a project's tools) with no network;
- :func:`load_options`, :func:`project_slug`, :func:`package_name` -- the template's
  options and the naming rule.

Names are imported on first use.
"""

from __future__ import annotations

from workbench._lazy import lazy_names

_LAZY = {
    "ProjectOptionError": "workbench.project._names",
    "project_slug": "workbench.project._names",
    "package_name": "workbench.project._names",
    "Option": "workbench.project._options",
    "load_options": "workbench.project._options",
    "resolve_answers": "workbench.project._options",
    "template_dir": "workbench.project._options",
    "template_version": "workbench.project._options",
    "new_project": "workbench.project._new",
    "update_project": "workbench.project._update",
    "UpdateReport": "workbench.project._update",
    "diagnose": "workbench.project._doctor",
    "scan_files": "workbench.project._precommit",
    "large_files": "workbench.project._precommit",
    "scan_notebook": "workbench.project._precommit",
    "run_pre_gen": "workbench.project._hooks",
    "run_post_gen": "workbench.project._hooks",
    "record_raw": "workbench.project._raw",
    "build_wheelhouse": "workbench.project._wheelhouse",
    "Wheelhouse": "workbench.project._wheelhouse",
    "WheelhouseError": "workbench.project._wheelhouse",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
