"""The template rendered over an option matrix: exact files, nothing left unrendered,
valid notebooks; and for a few cases the generated project's own tests and ruff pass.

The matrix is the product of the options that interact (sensitivity, level, licence),
invalid combinations dropped (and checked to be refused), the other options cycled, as
cookiecutter-data-science's tests do.
"""

from __future__ import annotations

import ast
import io
import itertools
import json
import sys
import tokenize
from pathlib import Path

import nbformat
import pytest
from project_helpers import TEMPLATE, files_of, run

from workbench import training
from workbench.project import ProjectOptionError, load_options, new_project, resolve_answers
from workbench.project._options import PERSONAL

INTERACTING = {
    "sensitivity": ["internal", "public", "personal", "pseudonymised"],
    "level": ["standard", "advanced", "course"],
    "licence": ["비공개", "공공누리 제1유형", "공공누리 제4유형"],
}
CYCLED = {
    "project_name": [
        "복지 사각지대 분석 2026",
        "Welfare Gaps",
        "소상공인_위기 예측",
        "a",
        "국민 (건강) 분석",
    ],
    "agency_name": ["행정안전부", "서울특별시", "국민건강보험공단"],
    "agency_code": ["1741000", "6110000", "B552047"[:0] + "1352000"],
    "analyst": ["", "김분석", "데이터분석팀"],
    "purpose": ["위기가구 조기 발견", "정책 효과 분석", "민원 개선"],
}


def _matrix() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    valid, invalid = [], []
    for i, combo in enumerate(itertools.product(*INTERACTING.values())):
        answers = dict(zip(INTERACTING, combo, strict=True))
        answers.update({key: values[i % len(values)] for key, values in CYCLED.items()})
        if answers["sensitivity"] in PERSONAL or i % 2:
            answers["legal_basis"] = "사회보장급여법 제12조"
        try:
            resolve_answers(answers)
        except ProjectOptionError:
            invalid.append(answers)
        else:
            valid.append(answers)
    return valid, invalid


VALID, INVALID = _matrix()


def _case_id(answers: dict[str, str]) -> str:
    return f"{answers['sensitivity']}-{answers['level']}-{answers['licence']}"


def expected_files(answers: dict[str, str]) -> set[str]:
    package = answers["package_name"]
    files = {
        ".gitignore",
        ".pre-commit-config.yaml",
        ".secrets.baseline",
        ".workbench/template.json",
        "Makefile",
        "README.md",
        "catalog.yml",
        "ethics.yml",
        "pyproject.toml",
        "params/example.yml",
        "data/raw/.gitkeep",
        "data/interim/.gitkeep",
        "data/processed/.gitkeep",
        "reports/.gitkeep",
        "notebooks/01_example.ipynb",
        f"src/{package}/__init__.py",
        f"src/{package}/tables.py",
        "tests/test_example.py",
        "tests/test_tables.py",
    }
    if answers["level"] == "advanced":
        files |= {f"src/{package}/pipeline.py", "tests/test_pipeline.py"}
    if answers["level"] == "module":
        files |= {
            f"src/{package}/analyses/__init__.py",
            f"src/{package}/analyses/{package}.ipynb",
            "tests/test_analysis.py",
        }
    if answers["level"] == "course":
        files |= {f"lessons/{p.name}" for p in training.lessons()}
        files |= {"data/raw/households.csv", "data/raw/population.csv", "data/raw.sha256"}
    return files


def test_matrix_covers_every_level_and_drops_only_invalid_combinations() -> None:
    assert {a["level"] for a in VALID} == set(INTERACTING["level"])
    assert {a["sensitivity"] for a in VALID} == set(INTERACTING["sensitivity"])
    assert len(VALID) + len(INVALID) == 36
    assert all(a["sensitivity"] in PERSONAL for a in INVALID)


@pytest.mark.parametrize("answers", INVALID[:4], ids=_case_id)
def test_invalid_combinations_are_refused_before_anything_is_written(
    answers: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(ProjectOptionError):
        new_project(answers, output_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("answers", VALID, ids=_case_id)
def test_rendered_project(answers: dict[str, str], tmp_path: Path) -> None:
    project = new_project(answers, output_dir=tmp_path)
    resolved = resolve_answers(answers)
    assert project == tmp_path / resolved["project_slug"]
    assert files_of(project) == expected_files(resolved)
    for rel in files_of(project):
        data = (project / rel).read_bytes()
        if rel.endswith((".csv", ".parquet")):
            continue
        text = data.decode("utf-8")
        assert "{{" not in text and "{%" not in text, rel
        if rel.endswith(".ipynb"):
            nbformat.validate(nbformat.reads(text, as_version=4))
    record = json.loads((project / ".workbench/template.json").read_text(encoding="utf-8"))
    assert record["answers"] == resolved
    assert resolved["project_name"] in (project / "README.md").read_text(encoding="utf-8")
    ethics = (project / "ethics.yml").read_text(encoding="utf-8")
    assert f'purpose: "{resolved["purpose"]}"' in ethics


def test_module_level_is_a_package_publishing_its_analysis(tmp_path: Path) -> None:
    """The module package's install, listing and run: tests/project/test_wheelhouse.py."""
    import tomllib

    project = new_project({"project_name": "복지 분석", "level": "module"}, output_dir=tmp_path)
    assert files_of(project) == expected_files(
        resolve_answers({"project_name": "복지 분석", "level": "module"})
    )
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    entry = pyproject["project"]["entry-points"]["workbench.analyses"]
    assert entry == {"bogji_bunseog": "bogji_bunseog.analyses"}
    nb = nbformat.read(project / "src/bogji_bunseog/analyses/bogji_bunseog.ipynb", as_version=4)
    assert nb.metadata["workbench"]["name"] == "bogji_bunseog"
    # Other levels keep no empty analyses/ folder.
    other = new_project({"project_name": "다른 분석"}, output_dir=tmp_path)
    assert not (other / "src" / "dareun_bunseog" / "analyses").exists()


def test_course_lessons_are_the_class_copies(tmp_path: Path) -> None:
    project = new_project({"project_name": "교육 과정", "level": "course"}, output_dir=tmp_path)
    lessons = (
        sorted(p.name for p in (project / "lessons").glob("*.ipynb"))
        if (project / "lessons").is_dir()
        else []
    )
    assert lessons == [p.name for p in training.lessons()]
    for name in lessons:
        nb = nbformat.read(project / "lessons" / name, as_version=4)
        for cell in nb.cells:
            if training.SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
                assert cell.source == training.STUDENT_PLACEHOLDER
            if cell.cell_type == "code":
                assert cell.outputs == []
    sha = (project / "data/raw.sha256").read_text(encoding="utf-8").splitlines()
    assert [line.split("  ")[1] for line in sha] == [
        "data/raw/households.csv",
        "data/raw/population.csv",
    ]


def test_same_answers_give_byte_identical_projects(tmp_path: Path) -> None:
    answers = {"project_name": "복지 사각지대 분석 2026", "level": "course"}
    one = new_project(answers, output_dir=tmp_path / "one")
    two = new_project(answers, output_dir=tmp_path / "two")
    assert files_of(one) == files_of(two)
    for rel in files_of(one):
        assert (one / rel).read_bytes() == (two / rel).read_bytes(), rel


def test_hooks_are_valid_python_with_jinja_only_in_comments() -> None:
    for hook in sorted((TEMPLATE / "hooks").glob("*.py")):
        source = hook.read_text(encoding="utf-8")
        ast.parse(source)
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if "{{" in token.string or "{%" in token.string:
                assert token.type == tokenize.COMMENT, (hook.name, token.string)


def test_every_option_has_help_text() -> None:
    options = load_options()
    assert [o.key for o in options] == [
        "project_name",
        "project_slug",
        "package_name",
        "agency_name",
        "agency_code",
        "analyst",
        "purpose",
        "legal_basis",
        "sensitivity",
        "level",
        "licence",
    ]
    for option in options:
        assert option.help and option.help != option.key, option.key
    assert dict((o.key, o.choices) for o in options)["level"] == (
        "standard",
        "advanced",
        "course",
        "module",
    )


def test_plain_cookiecutter_derives_the_same_names(tmp_path: Path) -> None:
    from cookiecutter.main import cookiecutter

    made = cookiecutter(
        str(TEMPLATE),
        no_input=True,
        extra_context={"project_name": "복지 사각지대 분석 2026"},
        output_dir=str(tmp_path),
    )
    assert Path(made).name == "bogji-sagagjidae-bunseog-2026"
    assert (Path(made) / "src/bogji_sagagjidae_bunseog_2026/tables.py").is_file()


@pytest.mark.parametrize("name", ["분석/2026", "'따옴표' 분석", "...", "2026 분석"])
def test_plain_cookiecutter_refuses_bad_names_in_its_hook_and_leaves_nothing(
    name: str, tmp_path: Path
) -> None:
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    with pytest.raises(CookiecutterException):
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            extra_context={"project_name": name, "project_slug": "x", "package_name": "x"},
            output_dir=str(tmp_path),
        )
    assert list(tmp_path.iterdir()) == []


# The generated project's own tests start a kernel: run them for two cases that between
# them cover every generated test file, not for the whole matrix.
OWN_TEST_CASES = [
    {
        "project_name": "복지 사각지대 분석 2026",
        "level": "advanced",
        "sensitivity": "personal",
        "legal_basis": "사회보장급여법 제12조",
    },
    {
        "project_name": "교육 과정 2026",
        "level": "course",
        "sensitivity": "public",
        "licence": "공공누리 제1유형",
    },
]


@pytest.mark.kernel
@pytest.mark.parametrize("answers", OWN_TEST_CASES, ids=lambda a: a["level"])
def test_generated_project_passes_its_own_tests_and_ruff(
    answers: dict[str, str], tmp_path: Path
) -> None:
    project = new_project(answers, output_dir=tmp_path)
    tests = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout
    lint = run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = run([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], project)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
