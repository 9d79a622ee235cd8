"""The naming rule: a Korean project name gives an ASCII folder and package name."""

from __future__ import annotations

import pytest

from workbench.project import ProjectOptionError, package_name, project_slug, resolve_answers


def test_korean_name_gives_a_valid_slug_and_package() -> None:
    slug = project_slug("복지 사각지대 분석 2026")
    assert slug == "bogji-sagagjidae-bunseog-2026"
    package = package_name(slug)
    assert package == "bogji_sagagjidae_bunseog_2026"
    assert package.isidentifier() and package.isascii()


def test_mixed_names_keep_letters_and_digits() -> None:
    assert project_slug("Welfare Gaps (서울) v2") == "welfare-gaps-seoul-v2"
    assert package_name(project_slug("소상공인_위기-예측")) == "sosanggongin_wigi_yeceug"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ('복지 "사각지대"', "큰따옴표"),
        ("복지 '사각지대'", "작은따옴표"),
        ("복지/사각지대", "빗금"),
        ("복지\\사각지대", "역빗금"),
        ("!!! ... ---", "글자나 숫자가 없습니다"),
        ("2026 복지 분석", "숫자로 시작"),
        ("   ", "비어 있습니다"),
        ("복지\n분석", "제어 문자"),
    ],
)
def test_bad_names_get_a_clear_error(name: str, says: str) -> None:
    with pytest.raises(ProjectOptionError, match=says) as caught:
        project_slug(name)
    assert caught.value.option == "project_name"


@pytest.mark.parametrize(
    ("package", "says"),
    [
        ("json", "표준 모듈"),
        ("workbench", "workbench"),
        ("class", "표준 모듈"),
        ("My_Pkg", "소문자"),
    ],
)
def test_package_names_that_cannot_be_the_projects_own(package: str, says: str) -> None:
    with pytest.raises(ProjectOptionError, match=says):
        resolve_answers({"project_name": "분석", "package_name": package})


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"agency_code": "174100"}, "agency_code"),
        ({"agency_code": "17410000"}, "agency_code"),
        ({"agency_code": "174100A"}, "agency_code"),
        ({"level": "expert"}, "level"),
        ({"sensitivity": "secret"}, "sensitivity"),
        ({"purpose": 'say "hi"'}, "purpose"),
        ({"analyst": "{{ evil }}"}, "analyst"),
        ({"sensitivity": "personal"}, "legal_basis"),
        (
            {"sensitivity": "personal", "legal_basis": "법 제1조", "licence": "공공누리 제1유형"},
            "licence",
        ),
        (
            {"sensitivity": "pseudonymised", "legal_basis": "법 제1조", "level": "course"},
            "sensitivity",
        ),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_refused_answers_name_the_option(options: dict[str, str], option: str) -> None:
    with pytest.raises(ProjectOptionError) as caught:
        resolve_answers({"project_name": "분석", **options})
    assert caught.value.option == option
    assert option in str(caught.value) or option == "legal_basis"


def test_defaults_resolve_to_a_valid_project() -> None:
    answers = resolve_answers({})
    assert answers["project_name"] == "새 분석 프로젝트"
    assert answers["project_slug"] == "sae-bunseog-peurojegteu"
    assert answers["level"] == "standard"
    assert answers["agency_code"] == "1741000"
