"""The template's options: read from its ``cookiecutter.json``, checked here.

``cookiecutter.json`` is the one list of options, defaults and choices; its
``__prompts__`` section is the help text that cookiecutter shows and that
``workbench new --help-options`` prints. The rules that no JSON can say (a 7-digit
기관코드, options that do not go together) live in :func:`validate_answers`, which both
``workbench new`` and the template's ``pre_gen_project`` hook call before anything is
written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.project._names import (
    ProjectOptionError,
    package_name,
    project_slug,
    validate_package_name,
    validate_project_name,
    validate_slug,
)

__all__ = [
    "DERIVED",
    "Option",
    "load_options",
    "resolve_answers",
    "template_dir",
    "template_version",
    "validate_answers",
    "workbench_version",
]

#: Options computed from others unless given: the folder and the package name.
DERIVED = ("project_slug", "package_name")
#: Sensitivities whose data is about people: they need a legal basis and stay unlicensed.
PERSONAL = ("personal", "pseudonymised")
_AGENCY_CODE = re.compile(r"^\d{7}$")
#: Characters refused in free-text answers: they would break YAML, TOML or the template.
_TEXT_FORBIDDEN = set('"\\{}`')


@dataclass(frozen=True)
class Option:
    """One question of the template.

    Attributes
    ----------
    key : str
        The key in ``cookiecutter.json`` (and in ``--option KEY=VALUE``).
    default : str
        The default answer (the first choice for a choice option).
    help : str
        What to answer, in Korean.
    choices : tuple of str
        The allowed answers, or empty for free text.
    """

    key: str
    default: str
    help: str
    choices: tuple[str, ...] = ()


def template_dir(template: str | os.PathLike[str] | None = None) -> Path:
    """Return the template folder: ``template`` if given, else the one shipped with workbench.

    The installed package carries it as ``workbench/_template``; a source checkout has it
    at the top of the repository as ``template/``.
    """
    if template is not None:
        folder = Path(template).resolve()
        if not (folder / "cookiecutter.json").is_file():
            raise ProjectOptionError(
                f"템플릿 폴더 {folder}에 cookiecutter.json이 없습니다. 프로젝트 템플릿 폴더를 "
                "지정하십시오."
            )
        return folder
    package_dir = Path(__file__).resolve().parent.parent
    for folder in (package_dir / "_template", package_dir.parent.parent / "template"):
        if (folder / "cookiecutter.json").is_file():
            return folder
    raise ProjectOptionError(
        "workbench에 프로젝트 템플릿이 없습니다 (설치가 깨졌습니다). workbench를 다시 설치하십시오."
    )


def _read_spec(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "cookiecutter.json").read_text(encoding="utf-8"))
    return data


def load_options(template: str | os.PathLike[str] | None = None) -> list[Option]:
    """Return the template's options in question order, with their help text."""
    spec = _read_spec(template_dir(template))
    prompts = spec.get("__prompts__", {})
    options = []
    for key, value in spec.items():
        if key.startswith("_"):
            continue
        choices = tuple(str(v) for v in value) if isinstance(value, list) else ()
        prompt = prompts.get(key, key)
        help_text = prompt.get("__prompt__", key) if isinstance(prompt, dict) else str(prompt)
        default = choices[0] if choices else str(value)
        options.append(Option(key=key, default=default, help=help_text, choices=choices))
    return options


def template_version(template: str | os.PathLike[str] | None = None) -> str:
    """Return ``<workbench version>+<12 hex digits of the template's content hash>``.

    The hash covers every file's path and bytes, so any edit to the template gives a new
    version even when workbench's own version number did not move.
    """
    folder = template_dir(template)
    digest = hashlib.sha256()
    for path in sorted(
        p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return f"{workbench_version()}+{digest.hexdigest()[:12]}"


def workbench_version() -> str:
    """Return the installed workbench's version (the one a project pins)."""
    from workbench._distribution import installed_version

    return installed_version()


def resolve_answers(
    given: Mapping[str, str], template: str | os.PathLike[str] | None = None
) -> dict[str, str]:
    """Complete ``given`` with defaults and derived names, then validate the whole.

    Raises
    ------
    ProjectOptionError
        For an unknown option (with the list of known ones) or any answer
        :func:`validate_answers` refuses.
    """
    options = {o.key: o for o in load_options(template)}
    unknown = sorted(set(given) - set(options))
    if unknown:
        raise ProjectOptionError(
            f"알 수 없는 옵션: {', '.join(unknown)}. 쓸 수 있는 옵션: {', '.join(options)}.",
            unknown[0],
        )
    answers = {key: given.get(key, option.default) for key, option in options.items()}
    answers["project_name"] = validate_project_name(answers["project_name"])
    if "project_slug" not in given:
        answers["project_slug"] = project_slug(answers["project_name"])
    if "package_name" not in given:
        answers["package_name"] = package_name(answers["project_slug"])
    validate_answers(answers, template)
    return answers


def validate_answers(
    answers: Mapping[str, Any], template: str | os.PathLike[str] | None = None
) -> None:
    """Refuse answers that cannot make a valid project; say which option and why.

    Checks every option's choice, free text that would break YAML/TOML, the 기관코드,
    the derived names, and the options that do not go together: a personal or
    pseudonymised project needs a legal basis and cannot carry an open (공공누리) licence,
    and a course project holds synthetic data only.
    """
    options = load_options(template)
    for option in options:
        value = str(answers.get(option.key, option.default))
        if option.choices and value not in option.choices:
            raise ProjectOptionError(
                f"옵션 {option.key}의 값은 {', '.join(option.choices)} 중 하나여야 합니다. "
                f"받은 값: {value!r}.",
                option.key,
            )
        bad = sorted(_TEXT_FORBIDDEN & set(value))
        if bad or any(not c.isprintable() for c in value):
            raise ProjectOptionError(
                f"옵션 {option.key}의 값 {value!r}에 쓸 수 없는 문자가 있습니다: "
                f"{' '.join(bad) or '줄바꿈·제어 문자'}. 빼고 다시 입력하십시오.",
                option.key,
            )
    validate_project_name(str(answers["project_name"]))
    validate_slug(str(answers["project_slug"]))
    validate_package_name(str(answers["package_name"]))
    code = str(answers["agency_code"])
    if not _AGENCY_CODE.match(code):
        raise ProjectOptionError(
            f"옵션 agency_code(기관코드)는 행정표준기관코드 7자리 숫자여야 합니다 "
            f"(예: 행정안전부 1741000). 받은 값: {code!r}.",
            "agency_code",
        )
    _check_combination(answers)


def _check_combination(answers: Mapping[str, Any]) -> None:
    sensitivity, level = answers["sensitivity"], answers["level"]
    if sensitivity in PERSONAL and not str(answers["legal_basis"]).strip():
        raise ProjectOptionError(
            f"민감도가 {sensitivity}인 프로젝트는 법적 근거(legal_basis)가 필요합니다. "
            "예: --option legal_basis='사회보장급여법 제12조'.",
            "legal_basis",
        )
    if sensitivity in PERSONAL and str(answers["licence"]).startswith("공공누리"):
        raise ProjectOptionError(
            f"민감도가 {sensitivity}인 프로젝트에 공공누리 이용허락({answers['licence']})을 붙일 "
            "수 없습니다: licence=비공개로 하고, 공개할 집계표는 공개 점검 후 따로 공개하십시오.",
            "licence",
        )
    if level == "course" and sensitivity in PERSONAL:
        raise ProjectOptionError(
            "교육 과정(level=course) 프로젝트는 합성 자료만 씁니다: 민감도(sensitivity)를 "
            f"public 또는 internal로 하십시오. 받은 값: {sensitivity!r}.",
            "sensitivity",
        )
