"""The `workbench` command, invoked in-process (no kernel unless marked)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench import cli
from workbench.cli import app, join_param_pairs


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """Rich wraps at the terminal width; make it wide so messages stay on one line."""
    for console in (cli.out, cli.err):
        monkeypatch.setattr(console, "width", 200)


def invoke(*args: str):
    return CliRunner().invoke(app, join_param_pairs(list(args)))


def test_param_pairs_are_joined_papermill_style():
    assert join_param_pairs(
        ["run", "x", "-p", "a", "1", "--param", "b", "두 단어", "-p", "c=3"]
    ) == [
        "run",
        "x",
        "-p",
        "a=1",
        "--param",
        "b=두 단어",
        "-p",
        "c=3",
    ]
    assert join_param_pairs(["run", "x", "--", "-p", "a", "1"]) == [
        "run",
        "x",
        "--",
        "-p",
        "a",
        "1",
    ]


def test_unknown_parameter_fails_before_any_kernel_starts(kernel_starts, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "profile", "-p", "nonexistent", "1")
    assert result.exit_code == 2
    assert "매개변수 'nonexistent' (-p): 분석 'profile'에 없는 이름입니다." in result.output
    assert "받는 매개변수: data_path, sheet, encoding, top_n, max_charts." in result.output
    assert "workbench show profile" in result.output
    assert kernel_starts == []
    assert not (tmp_path / "runs").exists()


def test_close_parameter_name_gets_did_you_mean(kernel_starts):
    result = invoke("run", "profile", "-p", "top", "3")
    assert result.exit_code == 2
    assert "비슷한 이름: 'top_n'." in result.output
    assert kernel_starts == []


def test_wrong_type_names_parameter_type_and_value(kernel_starts):
    result = invoke("run", "profile", "-p", "top_n", "many")
    assert result.exit_code == 2
    assert "매개변수 'top_n' (-p): 정수여야 하는데 'many'를 받았습니다" in result.output
    assert "예: -p top_n 10" in result.output
    assert kernel_starts == []


def test_missing_input_file_is_refused_before_running(kernel_starts, tmp_path):
    result = invoke("run", "profile", "-p", "data_path", str(tmp_path / "없음.csv"))
    assert result.exit_code == 2
    assert "없음.csv" in result.output and "data_path" in result.output
    assert kernel_starts == []


def test_unknown_analysis(kernel_starts):
    result = invoke("run", "household_incme")
    assert result.exit_code == 2
    assert "'household_incme'라는 표준 분석이 없습니다." in result.output
    assert "비슷한 이름: 'household_income'." in result.output


def test_existing_run_directory_is_not_overwritten(kernel_starts, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "manifest.json").write_text("{}", encoding="utf-8")
    result = invoke("run", "profile", "--out", str(out))
    assert result.exit_code == 2
    assert "이미 파일이 들어 있습니다" in result.output and "--force" in result.output
    assert (out / "manifest.json").read_text(encoding="utf-8") == "{}"


def test_force_never_deletes_a_folder_that_is_not_a_run(kernel_starts, tmp_path):
    out = tmp_path / "my-work"
    out.mkdir()
    (out / "notes.txt").write_text("소중한 메모", encoding="utf-8")
    result = invoke("run", "profile", "--out", str(out), "--force")
    assert result.exit_code == 2
    assert "workbench가 만든 실행 폴더가 아닙니다" in result.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "소중한 메모"


def test_analyses_lists_names_titles_levels():
    result = invoke("analyses")
    assert result.exit_code == 0
    for text in ("profile", "자료 품질 및 기술통계 진단", "auto", "household_income", "standard"):
        assert text in result.output


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_analyses_prints_every_name_whole_at_any_width(columns, tmp_path):
    """The names are what the user types next: never cut, folded or ellipsised."""
    import os
    import subprocess
    import sys

    from rich.cells import cell_len

    from workbench.runner import list_analyses

    env = {**os.environ, "COLUMNS": str(columns), "PYTHONPATH": os.pathsep.join(sys.path)}
    shown = subprocess.run(
        [sys.executable, "-m", "workbench", "analyses"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout
    lines = shown.splitlines()
    words = {word.strip("│┃ ") for line in lines for word in line.split()}
    for analysis in list_analyses():
        assert analysis.name in words, f"{analysis.name} not whole at {columns} columns"
    assert "…" not in shown
    assert max(cell_len(line.rstrip()) for line in lines) <= columns
    # The summaries wrap rather than being cut: each one is there, word for word.
    flat = " ".join(line.strip("│ ").strip() for line in lines)
    for analysis in list_analyses():
        assert analysis.meta.summary.split()[-1].strip("│ ") in flat


def test_show_prints_every_parameter_with_default_type_and_comment():
    result = invoke("show", "profile")
    assert result.exit_code == 0, result.output
    for text in (
        "data_path",
        "'sample://households'",
        "top_n",
        "int",
        "상위 값",
        "max_charts",
        "입력 자료",
    ):
        assert text in result.output


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


def test_every_command_has_help_and_is_in_the_readme():
    import typer.main

    from workbench.cli import app

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    commands = list(_commands(typer.main.get_command(app)))
    assert len(commands) > 10
    for path, command in commands:
        assert (command.help or "").strip(), f"`workbench {' '.join(path)}` has no help text"
        result = invoke(*path, "--help")
        assert result.exit_code == 0
        assert len(result.output.strip().splitlines()) > 3
        assert f"workbench {path[0]}" in readme, f"`workbench {path[0]}` is not in README.md"


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and "workbench" in result.output


@pytest.mark.kernel
def test_run_prints_report_path_and_writes_a_complete_run(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    result = invoke("run", str(fixture_notebook("ok")), "-p", "rows", "2", "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert str(out / "report.html") in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "succeeded"
    assert manifest["parameters"]["rows"] == 2


def test_missing_input_column_is_refused_before_any_kernel_starts(kernel_starts, tmp_path):
    data = tmp_path / "가구.csv"
    data.write_bytes("지역,나이,월소득\n서울,40,300\n".encode("cp949"))
    result = invoke("run", "household_income", "-p", "data_path", str(data))
    assert result.exit_code == 2
    assert "가구원수" in result.output and "주거형태" in result.output
    assert "data_path" in result.output
    assert kernel_starts == []


def test_show_lists_the_input_columns():
    result = invoke("show", "household_income")
    assert "필요한 열" in result.output
    assert "나이, 가구원수, 월소득, 주거형태" in result.output
