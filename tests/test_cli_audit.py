"""`workbench audit verify | show`, invoked in-process."""

import json

import pytest
from typer.testing import CliRunner

from korean_check import assert_korean
from workbench import cli
from workbench.catalog._audit import AuditLog
from workbench.cli import app
from workbench.cli._audit import audit_app


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """Rich wraps at the terminal width; make it wide so messages stay on one line."""
    for console in (cli.out, cli.err):
        monkeypatch.setattr(console, "width", 300)


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (it has an ethics.yml) with five audit entries, as the cwd."""
    (tmp_path / "ethics.yml").write_text("datasets: {}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    log = AuditLog(tmp_path / ".workbench" / "audit.jsonl")
    for i, dataset in enumerate(["households", "tax", "households", "tax", "households"], 1):
        log.append(
            user="kim",
            dataset=dataset,
            purpose=f"목적 {i}",
            columns=["a"],
            rows=1000 * i,
            sha256="0" * 64,
        )
    return log


def edit_line(log: AuditLog, index: int, **changes) -> None:
    lines = log.path.read_text(encoding="utf-8").splitlines(keepends=True)
    entry = json.loads(lines[index])
    entry.update(changes)
    lines[index] = json.dumps(entry, ensure_ascii=False) + "\n"
    log.path.write_text("".join(lines), encoding="utf-8")


def test_every_audit_command_has_help_text():
    commands = {c.name for c in audit_app.registered_commands}
    assert commands == {"verify", "show"}
    for name in commands:
        result = invoke("audit", name, "--help")
        assert result.exit_code == 0
        assert "--log" in result.output


def test_verify_an_intact_log_of_the_current_project(project):
    result = invoke("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "감사 기록 5건: 변조 없음" in result.output
    assert str(project.path) in result.output


def test_verify_fails_after_an_edit_naming_the_entry(project):
    edit_line(project, 2, rows=1)
    result = invoke("audit", "verify")
    assert result.exit_code == 1
    assert "감사 기록 검증 실패" in result.output
    assert "의 3번 항목이 바뀌었습니다" in result.output
    assert_korean(result.output, str(project.path))


def test_verify_fails_after_a_deletion_naming_the_entry(project):
    lines = project.path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[3]
    project.path.write_text("".join(lines), encoding="utf-8")
    result = invoke("audit", "verify", "--log", str(project.path))
    assert result.exit_code == 1
    assert "4번 항목이 없습니다: 5번 항목이 3번 항목 바로 다음에 옵니다" in result.output


def test_verify_fails_after_the_last_entry_is_deleted(project):
    lines = project.path.read_text(encoding="utf-8").splitlines(keepends=True)
    project.path.write_text("".join(lines[:-1]), encoding="utf-8")
    result = invoke("audit", "verify")
    assert result.exit_code == 1
    assert "5번 항목이 없습니다" in result.output


def test_verify_without_a_log(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("audit", "verify", "--log", str(tmp_path / "none.jsonl"))
    assert result.exit_code == 0
    assert "감사 기록이 없습니다" in result.output


def test_verify_a_log_deleted_whole_fails(project):
    project.path.unlink()  # the head record still says five entries were written
    result = invoke("audit", "verify")
    assert result.exit_code == 1
    assert "1–5번 항목이 없습니다: 기록은 항목이 하나도 없는데" in result.output


def test_show_lists_entries_as_a_table(project):
    result = invoke("audit", "show")
    assert result.exit_code == 0, result.output
    for header in ("순번", "시각", "사용자", "자료", "목적", "행 수"):
        assert header in result.output
    assert "목적 1" in result.output
    assert "5,000" in result.output


def test_show_filters_by_dataset_and_keeps_the_last(project):
    result = invoke("audit", "show", "--dataset", "tax")
    assert result.exit_code == 0
    assert "목적 2" in result.output and "목적 4" in result.output
    assert "목적 1" not in result.output

    result = invoke("audit", "show", "--last", "2")
    assert "목적 4" in result.output and "목적 5" in result.output
    assert "목적 3" not in result.output

    result = invoke("audit", "show", "--dataset", "welfare")
    assert result.exit_code == 0
    assert "기록 없음" in result.output


def test_show_without_a_log(tmp_path):
    result = invoke("audit", "show", "--log", str(tmp_path / "none.jsonl"))
    assert result.exit_code == 0
    assert "기록 없음" in result.output


def test_show_prints_logged_text_verbatim_not_as_markup(project):
    edit_line(project, 0, purpose="[red]숨김[/red]")
    result = invoke("audit", "show")
    assert "[red]숨김[/red]" in result.output
    assert "의 1번 항목이 바뀌었습니다" in invoke("audit", "verify").output


def test_show_names_an_unreadable_line(project):
    with project.path.open("a", encoding="utf-8") as file:
        file.write("{broken\n")
    result = invoke("audit", "show")
    assert result.exit_code == 1
    assert "6번째 줄: JSON 항목이 아닙니다" in result.output


def rewrite_whole(log: AuditLog, index: int, **changes) -> None:
    """Edit one entry and recompute every hash after it, and the head: the chain is intact."""
    from workbench.catalog._audit import GENESIS, entry_hash

    entries = [json.loads(line) for line in log.path.read_text(encoding="utf-8").splitlines()]
    entries[index].update(changes)
    previous = GENESIS
    for entry in entries:
        entry["prev"] = previous
        entry["hash"] = previous = entry_hash({k: v for k, v in entry.items() if k != "hash"})
    lines = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in entries]
    log.path.write_text("".join(lines), encoding="utf-8")
    log._write_head(entries[-1])


@pytest.mark.kernel
def test_verify_with_runs_catches_a_log_rewritten_whole(project, fixture_notebook):
    run = invoke("run", str(fixture_notebook("ok")), "--out", "runs/one", "-q")
    assert run.exit_code == 0, run.output
    manifest = json.loads((project.path.parents[1] / "runs/one/manifest.json").read_text("utf-8"))
    assert manifest["audit_head"]["seq"] == 5

    result = invoke("audit", "verify", "--runs", "runs")
    assert result.exit_code == 0, result.output
    assert "실행 기록 1건" in result.output

    rewrite_whole(project, 1, purpose="다른 목적")
    assert invoke("audit", "verify").exit_code == 0  # the chain alone cannot tell
    result = invoke("audit", "verify", "--runs", "runs")
    assert result.exit_code == 1
    assert "runs/one/manifest.json" in result.output and "rewritten" in result.output
