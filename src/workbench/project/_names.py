"""A project's folder name (slug) and Python package name, derived from its Korean name.

The rule, kept in one place so that ``workbench new``, the template's own defaults and
its ``pre_gen_project`` hook agree:

- the **slug** is ``python-slugify``'s ``slugify(project_name)``: Hangul is romanised
  syllable by syllable (``복지`` → ``bogji``), everything is lower case ASCII, and runs
  of anything else become one ``-`` (cookiecutter's own ``slugify`` filter is the same
  function, so ``cookiecutter template/`` derives the same default);
- the **package name** is the slug with ``-`` replaced by ``_``.

A name is refused, with a message that says why, when it holds quotes, slashes or other
characters that break file names, YAML or TOML; when it has no letter or digit; or when
it starts with a digit (a Python package cannot). Nothing is ever silently prefixed.
"""

from __future__ import annotations

import keyword
import re
import sys

from workbench.exceptions import WorkbenchError

__all__ = [
    "ProjectOptionError",
    "package_name",
    "project_slug",
    "validate_package_name",
    "validate_project_name",
    "validate_slug",
]

#: Characters that break a folder name on Windows, a YAML/TOML string or a template.
_FORBIDDEN = {
    '"': "큰따옴표",
    "'": "작은따옴표",
    "`": "역따옴표",
    "/": "빗금(/)",
    "\\": "역빗금(\\)",
    ":": "쌍점(:)",
    "*": "별표(*)",
    "?": "물음표(?)",
    "<": "부등호(<)",
    ">": "부등호(>)",
    "|": "세로줄(|)",
    "{": "중괄호({)",
    "}": "중괄호(})",
}
_MAX_NAME = 80
_SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
#: Package names that would shadow something the project imports.
_TAKEN = frozenset(sys.stdlib_module_names) | {"workbench", "tests", "src", "notebooks"}


class ProjectOptionError(WorkbenchError, ValueError):
    """An answer to the project template that cannot make a valid project.

    Parameters
    ----------
    message : str
        The full message: the option, what was expected, what was given, the fix.
    option : str, optional
        The option's key in ``cookiecutter.json``.
    """

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


def validate_project_name(name: str) -> str:
    """Return ``name`` stripped, or raise :class:`ProjectOptionError` saying what is wrong.

    Examples
    --------
    >>> validate_project_name("  복지 사각지대 분석 2026 ")
    '복지 사각지대 분석 2026'
    >>> validate_project_name("2026 분석")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbench.project._names.ProjectOptionError: 프로젝트 이름 '2026 분석'은 숫자로 시작합니다. ...
    """
    stripped = name.strip()
    where = f"프로젝트 이름 {name!r}"
    if not stripped:
        raise ProjectOptionError(
            "프로젝트 이름이 비어 있습니다. 예: '복지 사각지대 분석 2026'.", "project_name"
        )
    bad = sorted({_FORBIDDEN[c] for c in stripped if c in _FORBIDDEN})
    if bad or any(not c.isprintable() for c in stripped):
        what = ", ".join(bad) or "제어 문자"
        raise ProjectOptionError(
            f"{where}에 쓸 수 없는 문자가 있습니다: {what}. "
            "한글, 영문, 숫자, 공백, -, _ 로 지으십시오.",
            "project_name",
        )
    if not any(c.isalnum() for c in stripped):
        raise ProjectOptionError(
            f"{where}에 글자나 숫자가 없습니다 (문장부호만으로는 폴더·패키지 이름을 만들 수 "
            "없습니다). 예: '복지 사각지대 분석 2026'.",
            "project_name",
        )
    if stripped[0].isdigit():
        raise ProjectOptionError(
            f"{where}은 숫자로 시작합니다. 파이썬 패키지 이름은 숫자로 시작할 수 없으니 "
            "글자로 시작하십시오. 예: '분석 2026'.",
            "project_name",
        )
    if len(stripped) > _MAX_NAME:
        raise ProjectOptionError(
            f"{where}이 {len(stripped)}자입니다. {_MAX_NAME}자 이하로 줄이십시오.", "project_name"
        )
    return stripped


def project_slug(name: str) -> str:
    """Return the folder name for a project name (validated first).

    Examples
    --------
    >>> project_slug("복지 사각지대 분석 2026")
    'bogji-sagagjidae-bunseog-2026'
    """
    from slugify import slugify

    slug = str(slugify(validate_project_name(name)))
    return validate_slug(slug, source=name)


def package_name(slug: str) -> str:
    """Return the Python package name for a slug.

    Examples
    --------
    >>> package_name("bogji-sagagjidae-bunseog-2026")
    'bogji_sagagjidae_bunseog_2026'
    """
    return validate_package_name(validate_slug(slug).replace("-", "_"))


def validate_slug(slug: str, source: str | None = None) -> str:
    """Return ``slug`` if it is a lower-case ASCII folder name starting with a letter."""
    if _SLUG.match(slug):
        return slug
    origin = f" (프로젝트 이름 {source!r}에서 만든 이름)" if source is not None else ""
    raise ProjectOptionError(
        f"project_slug {slug!r}{origin}는 폴더 이름으로 쓸 수 없습니다: 영문 소문자로 시작하고 "
        "영문 소문자, 숫자, '-'만 쓰십시오. 예: 'welfare-2026'.",
        "project_slug",
    )


def validate_package_name(name: str) -> str:
    """Return ``name`` if it can be imported as the project's own package."""
    if not name.isidentifier() or not name.isascii() or name != name.lower():
        raise ProjectOptionError(
            f"package_name {name!r}은 파이썬 패키지 이름이 될 수 없습니다: 영문 소문자로 "
            "시작하고 영문 소문자, 숫자, '_'만 쓰십시오. 예: 'welfare_2026'.",
            "package_name",
        )
    if keyword.iskeyword(name) or name in _TAKEN:
        raise ProjectOptionError(
            f"package_name {name!r}은 파이썬 표준 모듈이나 workbench와 이름이 겹칩니다. "
            "다른 이름을 고르십시오 (예: '{name}_analysis').".replace("{name}", name),
            "package_name",
        )
    return name
