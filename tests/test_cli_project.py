"""`workbench new`, `update`, `doctor` and `hook`, invoked in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench import cli
from workbench.cli import app

TEMPLATE = Path(__file__).resolve().parents[1] / "template"
SLUG = "{{cookiecutter.project_slug}}"


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    for console in (cli.out, cli.err):
        monkeypatch.setattr(console, "width", 200)


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_new_makes_the_project_and_records_the_template(tmp_path: Path) -> None:
    result = invoke(
        "new",
        "--no-input",
        "--option",
        "project_name=복지 사각지대 분석 2026",
        "--option",
        "agency_code=6110000",
        "--output-dir",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    project = tmp_path / "bogji-sagagjidae-bunseog-2026"
    assert "프로젝트를 만들었습니다" in result.output
    assert (project / ".workbench" / "template.json").is_file()
    assert "6110000" in (project / "ethics.yml").read_text(encoding="utf-8")
    assert (project / ".git").is_dir()  # a repository; make setup installs its hooks
    assert "make setup WORKBENCH_WHEELHOUSE=" in result.output


def test_new_no_git_leaves_the_folder_out_of_git(tmp_path: Path) -> None:
    result = invoke("new", "--no-input", "--no-git", "--output-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "sae-bunseog-peurojegteu" / ".git").exists()


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ('"복지" 분석', "큰따옴표"),
        ("복지/분석", "빗금"),
        ("?!...", "물음표"),
        ("-- !! --", "글자나 숫자가 없습니다"),
        ("2026 복지", "숫자로 시작"),
    ],
)
def test_new_refuses_bad_names_and_leaves_no_folder(tmp_path: Path, name: str, says: str) -> None:
    result = invoke(
        "new", "--no-input", "--option", f"project_name={name}", "--output-dir", str(tmp_path)
    )
    assert result.exit_code == 2
    assert says in result.output
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_an_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "sae-bunseog-peurojegteu").mkdir()
    (tmp_path / "sae-bunseog-peurojegteu" / "mine.txt").write_text("내 파일", encoding="utf-8")
    result = invoke("new", "--no-input", "--output-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "이미 있습니다" in result.output
    assert [p.name for p in (tmp_path / "sae-bunseog-peurojegteu").iterdir()] == ["mine.txt"]


def test_new_lists_every_option_with_help_text() -> None:
    result = invoke("new", "--options")
    assert result.exit_code == 0
    for key in ("project_name", "agency_code", "legal_basis", "sensitivity", "level", "licence"):
        assert key in result.output
    assert "행정표준기관코드 7자리" in result.output
    assert "standard, advanced, course" in result.output


def test_new_rejects_a_malformed_option(tmp_path: Path) -> None:
    result = invoke("new", "--no-input", "--option", "level", "--output-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "--option: '이름=값' 형식으로 주세요 (받은 값 'level')" in result.output


def test_update_reports_a_conflict_with_its_diff_and_exits_1(tmp_path: Path) -> None:
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template, ignore=shutil.ignore_patterns("__pycache__"))
    made_now = invoke(
        "new", "--no-input", "--output-dir", str(tmp_path), "--template", str(template)
    )
    assert made_now.exit_code == 0, made_now.output
    project = tmp_path / "sae-bunseog-peurojegteu"
    makefile = project / "Makefile"
    makefile.write_text(makefile.read_text(encoding="utf-8") + "# 내 메모\n", encoding="utf-8")
    mine = makefile.read_bytes()
    made = template / SLUG / "Makefile"
    made.write_text(made.read_text(encoding="utf-8") + "# 템플릿 개선\n", encoding="utf-8")
    readme = template / SLUG / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\n추가 안내\n", encoding="utf-8")

    result = invoke("update", str(project), "--template", str(template))
    assert result.exit_code == 1
    assert "갱신: README.md" in result.output
    assert "충돌 1건" in result.output
    assert "+# 템플릿 개선" in result.output and "-# 내 메모" in result.output
    assert makefile.read_bytes() == mine

    again = invoke("update", str(project), "--template", str(template))
    assert again.exit_code == 0
    assert "바뀐 파일이 없습니다" in again.output


def test_doctor_exit_codes(tmp_path: Path) -> None:
    # --no-git: a repository's hooks arrive with make setup (tests/project/test_wheelhouse.py).
    assert invoke("new", "--no-input", "--no-git", "--output-dir", str(tmp_path)).exit_code == 0
    project = tmp_path / "sae-bunseog-peurojegteu"
    fresh = invoke("doctor", str(project))
    assert fresh.exit_code == 0
    assert "표준과 다른 점이 없습니다" in fresh.output
    (project / "ethics.yml").unlink()
    broken = invoke("doctor", str(project))
    assert broken.exit_code == 1
    assert "ethics.yml: 윤리 기록(ethics.yml)이 없습니다" in broken.output
    assert "고치는 법:" in broken.output


def test_doctor_record_raw(tmp_path: Path) -> None:
    assert invoke("new", "--no-input", "--no-git", "--output-dir", str(tmp_path)).exit_code == 0
    project = tmp_path / "sae-bunseog-peurojegteu"
    (project / "data" / "raw" / "a.csv").write_text("x\n1\n", encoding="utf-8")
    assert invoke("doctor", str(project)).exit_code == 1
    recorded = invoke("doctor", str(project), "--record-raw")
    assert recorded.exit_code == 0, recorded.output
    assert "기록: data/raw/a.csv" in recorded.output


def test_hook_large_files(tmp_path: Path) -> None:
    big = tmp_path / "big.parquet"
    big.write_bytes(b"\0" * 2048)
    result = invoke("hook", "large-files", "--max-kb", "1", str(big))
    assert result.exit_code == 1
    assert "big.parquet" in result.output
    assert invoke("hook", "large-files", str(big)).exit_code == 0


def test_every_project_command_has_help() -> None:
    for command in (["new"], ["update"], ["doctor"], ["hook", "pii"], ["hook", "large-files"]):
        result = invoke(*command, "--help")
        assert result.exit_code == 0
        assert "사용법" in result.output


def test_scan_reads_a_notebooks_outputs(tmp_path: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    cell = new_code_cell("print(row)")
    cell.outputs = [new_output("stream", name="stdout", text="주민번호 900101-1234568\n")]
    notebook = tmp_path / "결과.ipynb"
    nbformat.write(new_notebook(cells=[cell]), notebook)
    found = invoke("scan", str(notebook))
    assert found.exit_code == 1
    assert "(노트북 셀 1의 출력): 주민등록번호(resident_id) 1건" in found.output
    assert "1234568" not in found.output
    cell.outputs = []
    nbformat.write(new_notebook(cells=[cell]), notebook)
    clean = invoke("scan", str(notebook))
    assert clean.exit_code == 0
    assert "개인정보 없음" in clean.output


def test_hook_pii_blocks_and_names_the_kind_not_the_number(tmp_path: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    cell = new_code_cell("print(row)")
    cell.outputs = [new_output("stream", name="stdout", text="900101-1234568\n")]
    leak = tmp_path / "leak.ipynb"
    nbformat.write(new_notebook(cells=[cell]), leak)
    result = invoke("hook", "pii", str(leak), str(tmp_path / "deleted.csv"))
    assert result.exit_code == 1
    assert "leak.ipynb (노트북 셀 1의 출력): 주민등록번호(resident_id) 1건" in result.output
    assert "1234568" not in result.output
    assert invoke("hook", "pii", str(tmp_path / "deleted.csv")).exit_code == 0
