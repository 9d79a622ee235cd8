"""Every message the `workbench` command prints for bad input is Korean.

The walk drives every command of the real command tree (as Typer builds it) through
the CLI with bad input of each kind a user can give: an unknown option, a missing
argument, a value of the wrong type or out of range, and (table below) the names,
files and folders that do not exist or are not what they should be. Each must exit
non-zero with a Korean message: paths, names and options removed, most letters are
Hangul and no English sentence is left.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.testing import CliRunner

from korean_check import assert_korean
from workbench import cli
from workbench.cli import app, join_param_pairs


@pytest.fixture(autouse=True)
def _wide_and_elsewhere(monkeypatch, tmp_path):
    for console in (cli.out, cli.err):
        monkeypatch.setattr(console, "width", 200)
    monkeypatch.chdir(tmp_path)  # outside any project


def invoke(*args: str):
    return CliRunner().invoke(app, join_param_pairs(list(args)))


def _commands() -> list[tuple[tuple[str, ...], object]]:
    found = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        found.append((path, command))
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = _commands()
LEAVES = [(p, c) for p, c in COMMANDS if not isinstance(c, TyperGroup)]


def _id(path: tuple[str, ...]) -> str:
    return " ".join(path) or "workbench"


def test_the_walk_sees_every_command():
    names = {_id(p) for p, _ in LEAVES}
    assert {"run", "batch", "read", "catalog show", "audit verify", "hook pii", "lab"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[_id(p) for p, _ in COMMANDS])
def test_help_is_korean(path, command):
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "사용법:" in result.output
    assert_korean(result.output, *path, *(p.name for p in command.params))


def test_top_level_commands_are_grouped_in_korean_panels():
    from workbench.cli._messages import PANEL_OF

    root = typer.main.get_command(app)
    assert set(root.commands) <= set(PANEL_OF), "give each new command a panel in PANELS"
    output = invoke("--help").output
    positions = [output.index(f"─ {panel} ") for panel in ("분석 실행", "자료", "윤리", "프로젝트")]
    assert positions == sorted(positions)


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[_id(p) for p, _ in LEAVES])
def test_unknown_option(path, command):
    result = invoke(*path, "--no-such-option")
    assert result.exit_code == 2
    assert "--no-such-option이라는 옵션이 없습니다" in result.output
    assert_korean(result.output, *path)


REQUIRED = [(p, c) for p, c in LEAVES if any(a.required for a in c.params)]


@pytest.mark.parametrize(("path", "command"), REQUIRED, ids=[_id(p) for p, _ in REQUIRED])
def test_missing_argument(path, command):
    result = invoke(*path)
    assert result.exit_code == 2
    assert "주세요" in result.output or "필요합니다" in result.output
    assert_korean(result.output, *path)


NUMBERS = [
    (path, command, option)
    for path, command in LEAVES
    for option in command.params
    if isinstance(option, TyperOption) and option.type_descriptor.annotation in (int, float)
]


@pytest.mark.parametrize(
    ("path", "command", "option"), NUMBERS, ids=[f"{_id(p)} {o.opts[0]}" for p, _, o in NUMBERS]
)
def test_a_number_option_refuses_text_and_values_out_of_range(path, command, option):
    # Required arguments and options get a placeholder, so that the number is checked.
    args = list(path)
    for param in command.params:
        if param.required and isinstance(param, TyperArgument):
            args.append("x")
        elif param.required:
            args += [param.opts[0], "x"]
    flag = option.opts[0]
    result = invoke(*args, flag, "많이")
    assert result.exit_code == 2
    word = "정수" if option.type_descriptor.annotation is int else "숫자"
    assert f"{flag}의 값 '많이'가 맞지 않습니다" in result.output and word in result.output
    assert_korean(result.output, *path)
    if option.min is not None:
        below = str(option.min - 1)
        result = invoke(*args, flag, below)
        assert result.exit_code == 2
        assert f"{option.min} 이상" in result.output
        assert_korean(result.output, *path)


def _write(path: Path, text: str, encoding: str = "utf-8") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return str(path)


def _bad_inputs(tmp: Path) -> list[tuple[str, ...]]:
    """One command line per raise site a user reaches with bad input (nothing runs)."""
    listing = _write(tmp / "list.yaml", "- 1\n- 2\n")
    broken = _write(tmp / "broken.yaml", "top_n: [1\n")
    fields = _write(tmp / "fields.yml", "datasets:\n  x:\n    source: a.zzz\n    extra: 1\n")
    empty = _write(tmp / "empty.csv", "")
    table = _write(tmp / "table.csv", "a,b\n1,2\n")
    a_file = _write(tmp / "a_file.txt", "x")
    no_run = tmp / "not_a_run"
    no_run.mkdir()
    bad_run = tmp / "bad_run"
    _write(bad_run / "manifest.json", "{not json")
    full = tmp / "full"
    _write(full / "x.txt", "x")
    old_doc = _write(tmp / "old.doc", "x")
    damaged = tmp / "damaged.csv"  # CP949 text with one byte that is neither CP949 nor UTF-8
    damaged.write_bytes(("지역,인구\n" + "종로구,139417\n" * 50).encode("cp949")[:200] + b"\xff")
    corrupt_log = _write(tmp / "audit.jsonl", "{broken\n")
    not_dcat = _write(tmp / "empty.jsonld", "{}")
    return [
        ("catalog", "import", not_dcat, "--to", str(tmp / "imported.yml")),
        ("catalog", "search", "  "),
        ("read", old_doc),
        ("read", str(damaged)),
        ("audit", "verify", "--log", corrupt_log),
        ("audit", "show", "--log", corrupt_log),
        ("show", "없는분석"),
        ("run", "없는분석"),
        ("run", "householdincome"),
        ("run", str(tmp / "없는노트북.ipynb")),
        ("run", a_file),
        ("run", "profile", "-p", "없는매개변수", "1"),
        ("run", "profile", "-p", "top", "3"),
        ("run", "profile", "-p", "top_n", "많이"),
        ("run", "profile", "-p", "top_n=.nan"),
        ("run", "profile", "-p", "data_path", str(tmp / "없음.csv")),
        ("run", "profile", "-p", "data_path", "없는자료"),
        ("run", "profile", "-p", "data_path", empty),
        ("run", "profile", "-p", "data_path", str(tmp)),
        ("run", "profile", "-p", "data_path", "sample://없는예시"),
        ("run", "profile", "-p", "data_path", "sample://households?sed=1"),
        ("run", "profile", "-p", "data_path", "sample://households?n=0"),
        ("run", "profile", "-p", "data_path", "sample://"),
        ("read", "sample://households?n=1&n=2"),
        ("run", "profile", "-p", "noequals"),
        ("run", "profile", "--params-file", str(tmp / "없음.yaml")),
        ("run", "profile", "--params-file", listing),
        ("run", "profile", "--params-file", broken),
        ("run", "profile", "--approvals", str(tmp / "없음.yaml")),
        ("run", "profile", "--approve", "pii.rrn"),
        ("run", "profile", "--timeout", "-1"),
        ("run", "profile", "-p", "data_path", table, "--out", a_file),
        ("run", "profile", "-p", "data_path", table, "--out", str(full)),
        ("run", "profile", "-s", "top_n"),
        ("rerun", str(tmp / "없음" / "manifest.json")),
        ("rerun", str(bad_run)),
        ("rerun", str(no_run)),
        ("check", str(tmp / "없는실행")),
        ("check", str(no_run)),
        ("check", str(bad_run)),
        ("read", str(tmp / "없음.csv")),
        ("read", empty),
        ("read", str(tmp)),
        ("read", table, "--encoding", "없는인코딩"),
        ("read", table, "--sheet", "표1"),
        ("read", table, "--header-rows", "0"),
        ("scan", str(tmp / "없음.csv")),
        ("scan", empty),
        ("catalog", "show", "없는자료"),
        ("catalog", "related", "없는자료"),
        ("catalog", "list", "--catalog", str(tmp / "없음.yml")),
        ("catalog", "list", "--catalog", broken),
        ("catalog", "list", "--catalog", listing),
        ("catalog", "list", "--catalog", fields),
        ("update",),
        ("doctor", str(tmp / "없는폴더")),
        ("wheelhouse", str(full)),
        ("demo", "--out", a_file),
        ("batch", "없는분석", "--matrix", table),
        ("batch", "profile", "--matrix", str(tmp / "없음.csv")),
    ]


def _batch_matrix_inputs(tmp: Path) -> list[tuple[str, ...]]:
    empty = _write(tmp / "empty.csv", "")
    a_file = _write(tmp / "a_file.txt", "x")
    return [
        ("batch", "profile", "--matrix", a_file),
        ("batch", "profile", "--matrix", empty),
    ]


def _english_or_failing(tmp_path: Path, cases: list[tuple[str, ...]], starts: list) -> list[str]:
    failures = []
    for args in cases:
        started = len(starts)
        result = invoke(*args)
        output = result.output
        if len(starts) > started:
            failures.append(f"{args}: a kernel started\n{output}")
        elif result.exception is not None and not isinstance(result.exception, SystemExit):
            failures.append(f"{args}: raised {result.exception!r}")
        elif result.exit_code == 0:
            failures.append(f"{args}: exit 0\n{output}")
        else:
            try:
                assert_korean(output, *args, str(tmp_path))
            except AssertionError as exc:
                failures.append(f"{args}: {exc}")
    return failures


def test_every_bad_input_gets_a_korean_message(tmp_path, kernel_starts):
    failures = _english_or_failing(tmp_path, _bad_inputs(tmp_path), kernel_starts)
    assert not failures, "\n\n".join(failures)


def test_a_bad_batch_matrix_gets_a_korean_message(tmp_path, kernel_starts):
    failures = _english_or_failing(tmp_path, _batch_matrix_inputs(tmp_path), kernel_starts)
    assert not failures, "\n\n".join(failures)


# --- static companion: no new English message at a raise site the CLI reaches -------------

SRC = Path(__file__).resolve().parents[1] / "src" / "workbench"
#: Packages and modules whose errors reach the command line before or around a run.
#: Every package and module: the CLI runs notebooks, which reach the blocks, samples and
#: plotting; the page and the magics speak to people too.
REACHED = tuple(
    sorted(p.name for p in SRC.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists())
)
#: Raise sites whose English never reaches a person, with the reason.
INTERNAL = {
    "AssertionError": "a broken invariant: a bug report, not a message",
    "AttributeError": "module __getattr__: Python's own protocol for a missing name",
    "RuntimeError": "batch internals; caught and re-said by the batch runner",
    "TimeoutExpired": "subprocess protocol inside the kernel fork server",
    "ExecutionFailedError": "engine signal, re-said by RunFailedError in Korean",
    "OutputLimitError": "engine signal, re-said by RunFailedError in Korean",
    "_SecretInResultError": "caught in runner._run and re-said in Korean",
    "_BadBytesError": "transcoder signal, re-said by DataReadError",
    "OSError": "iconv pipe signal, caught by the transcoder",
    "DriverGoneError": "batch run-driver signal; the row then runs in the batch's process",
}
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KEY = re.compile(r"[a-z][a-z0-9_]*")


def _literal_text(node: object) -> str | None:
    """The literal text of a message argument, or None when it is not written inline."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_text(v) or "" for v in node.values)
    if isinstance(node, ast.FormattedValue):
        return ""
    if isinstance(node, ast.BinOp):
        return (_literal_text(node.left) or "") + (_literal_text(node.right) or "")
    return None


def english_raise_sites() -> set[str]:
    """Every ``raise X("English…")`` in the modules the CLI reaches: 'path: message'."""
    import ast

    found = set()
    for name in REACHED:
        root = SRC / name
        for file in sorted(root.rglob("*.py") if root.is_dir() else [root]):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                    continue
                kind = ast.unparse(node.exc.func).rsplit(".", 1)[-1]
                text = _literal_text(node.exc.args[0]) if node.exc.args else None
                if kind in INTERNAL or not text or not re.search("[A-Za-z]{3}", text):
                    continue
                if kind.endswith("_error") and (_KEY.fullmatch(text) or " " not in text):
                    # parameter_error("no_window", ...): a key into a Korean catalogue;
                    # length_error("ComplaintRouter.fit", ...): the function it names
                    continue
                if not _HANGUL.search(text):
                    where = file.relative_to(SRC).as_posix()
                    found.add(f"{where}: {' '.join(text.split())[:60]}")
    return found


def test_no_english_message_at_any_raise_site():
    """Every ``raise`` a person can read says its message in Korean (issue 14, item 4)."""
    found = sorted(english_raise_sites())
    assert not found, "say these in Korean (the layer's message catalogue):\n" + "\n".join(found)
