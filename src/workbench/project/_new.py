"""``workbench new``: make a standard analysis project from the template (cookiecutter).

Answers are completed and checked here before cookiecutter runs, so a bad answer is
refused before anything is written; the template's ``pre_gen_project`` hook checks
them again for people who run ``cookiecutter`` on the template directly. The
``post_gen_project`` hook writes ``.workbench/template.json`` (version, answers, file
hashes) that ``workbench update`` merges against.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workbench._distribution import DISTRIBUTION
from workbench.project._names import ProjectOptionError
from workbench.project._options import resolve_answers, template_dir, workbench_version

__all__ = ["TemplateRenderError", "init_git", "new_project", "render"]

#: Cookiecutter modules that log a traceback when a hook fails.
_QUIET = ("hooks", "generate", "main")


class TemplateRenderError(ProjectOptionError):
    """Cookiecutter or one of the template's hooks failed; nothing was left behind."""


def render(
    template: Path, answers: Mapping[str, Any], output_dir: Path, *, no_input: bool = True
) -> Path:
    """Render ``template`` with ``answers`` into ``output_dir``; return the project folder.

    A failed hook leaves no project folder behind: cookiecutter removes the folder it
    created, and this function removes anything it finds left over.
    """
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    context = {
        "_workbench_version": workbench_version(),
        "_workbench_distribution": DISTRIBUTION,
        **answers,
    }
    slug = answers.get("project_slug")
    target = output_dir / str(slug) if slug else None
    # Only a folder this call created may be removed on failure, never one that was there.
    existed = target is not None and target.exists()
    # A failed hook has already said why (in Korean, on stderr); cookiecutter's own
    # logged traceback would bury that message.
    loggers = [logging.getLogger(f"cookiecutter.{name}") for name in _QUIET]
    was_disabled = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    # No-input renders ignore the user's ~/.cookiecutterrc (same answers, same project)
    # and keep cookiecutter's replay file out of the home folder.
    scratch = tempfile.TemporaryDirectory(prefix="workbench-replay-")
    config: dict[str, str] | bool = {"replay_dir": scratch.name} if no_input else False
    try:
        made = cookiecutter(
            str(template),
            no_input=no_input,
            extra_context=context,
            output_dir=str(output_dir),
            default_config=config,
        )
    except CookiecutterException as exc:
        if target is not None and not existed and target.exists():
            shutil.rmtree(target)
        raise TemplateRenderError(
            f"템플릿으로 프로젝트를 만들지 못했습니다: {exc}. "
            "위의 오류 메시지를 보고 답을 고치십시오."
        ) from None
    finally:
        scratch.cleanup()
        for logger, disabled in zip(loggers, was_disabled, strict=True):
            logger.disabled = disabled
    return Path(made)


def new_project(
    options: Mapping[str, str] | None = None,
    *,
    output_dir: str | os.PathLike[str] = ".",
    template: str | os.PathLike[str] | None = None,
    no_input: bool = True,
    git: bool = True,
) -> Path:
    """Make a new analysis project; return its folder.

    Parameters
    ----------
    options : mapping of str to str, optional
        Answers by option key (``project_name``, ``agency_code``, ``level``, ...); the
        rest take their defaults. ``project_slug`` and ``package_name`` are derived from
        ``project_name`` unless given.
    output_dir : path, default "."
        Where the project folder (named by its slug) is created.
    template : path, optional
        Another template folder (default: the one shipped with workbench).
    no_input : bool, default True
        False asks each question in the terminal (cookiecutter's prompts), with the
        given options as defaults; the answers are then checked by the template's hook.
    git : bool, default True
        Make the folder a git repository (when git is installed), so that ``make setup``
        installs the commit hooks once the project's venv exists.

    Raises
    ------
    ProjectOptionError
        A refused answer (nothing is written), or a folder of that name already exists.
    """
    folder = template_dir(template)
    out = Path(output_dir).resolve()
    given = dict(options or {})
    if no_input:
        answers: dict[str, Any] = resolve_answers(given, folder)
        target = out / answers["project_slug"]
        if target.exists():
            raise ProjectOptionError(
                f"{target}가 이미 있습니다. 다른 project_name(또는 project_slug)을 고르거나 "
                "다른 폴더(--output-dir)에서 실행하십시오. 기존 폴더는 덮어쓰지 않습니다.",
                "project_slug",
            )
    else:
        answers = given
    out.mkdir(parents=True, exist_ok=True)
    project = render(folder, answers, out, no_input=no_input)
    if git:
        init_git(project)
    return project


def init_git(project: Path) -> bool:
    """Make ``project`` a git repository (branch ``main``); False if git is not installed.

    Nothing is committed: the first commit is the analyst's, through the project's hooks.
    """
    git = shutil.which("git")
    if git is None or (project / ".git").exists():
        return git is not None
    subprocess.run([git, "init", "-q", "-b", "main", str(project)], check=True, capture_output=True)
    return True
