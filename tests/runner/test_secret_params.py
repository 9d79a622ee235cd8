"""Secret parameters: given only through the environment, never written anywhere."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workbench.exceptions import NotebookContractError, ParameterError
from workbench.runner import find_analysis, resolve_parameters
from workbench.runner._secrets import REDACTED, Redactor, resolve_secrets

# Characters that JSON, HTML and URLs each escape, so every encoding is exercised.
SECRET = 'sk-live-7Qx9"<&>/+=%ab'


def write_notebook(path: Path, source: str, secrets: list[str] | None = None) -> Path:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("x = 1")])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["workbench"] = {"name": path.stem, "title": path.stem}
    if secrets is not None:
        nb.metadata["workbench"]["secrets"] = secrets
    nbformat.write(nb, path)
    return path


def test_secret_parameters_are_found_by_mark_metadata_and_name(tmp_path):
    nb = write_notebook(
        tmp_path / "n.ipynb",
        'api_key = ""  # secret: 외부 API 키\n'
        'serviceKey = ""  # 공공데이터포털 인증키\n'
        'db_password = ""  # 데이터베이스 암호\n'
        'conn = ""  # 연결 정보\n'
        'join_key = "법정동코드"  # 결합 열\n'
        "top_n = 10  # 상위 몇 개\n",
        secrets=["conn"],
    )
    analysis = find_analysis(nb)
    assert set(analysis.secrets) == {"api_key", "serviceKey", "db_password", "conn"}
    assert analysis.parameter("api_key").help == "외부 API 키"
    assert "api_key" not in analysis.defaults()
    assert analysis.defaults() == {"join_key": "법정동코드", "top_n": 10}


def test_metadata_naming_an_unknown_secret_is_a_contract_error(tmp_path):
    nb = write_notebook(tmp_path / "n.ipynb", "top_n = 10  # n\n", secrets=["token"])
    with pytest.raises(NotebookContractError, match="token"):
        find_analysis(nb)


@pytest.mark.parametrize("origin", ["-p", "file", "values"])
def test_a_secret_given_as_a_plain_parameter_is_refused_with_the_way_to_pass_it(
    fixture_notebook, tmp_path, origin
):
    analysis = find_analysis(fixture_notebook("uses_secret"))
    kwargs: dict = {}
    if origin == "-p":
        kwargs["cli_pairs"] = [("api_key", SECRET)]
    elif origin == "file":
        params = tmp_path / "p.yaml"
        params.write_text(f"api_key: {json.dumps(SECRET)}\n", encoding="utf-8")
        kwargs["params_file"] = params
    else:
        kwargs["values"] = {"api_key": SECRET}
    with pytest.raises(ParameterError, match="비밀 값") as info:
        resolve_parameters(analysis, kwargs.pop("values", None), **kwargs)
    assert "-s api_key" in str(info.value) and "export api_key" in str(info.value)
    assert SECRET not in str(info.value)


def test_secrets_come_from_the_environment_or_a_prompt(fixture_notebook):
    analysis = find_analysis(fixture_notebook("uses_secret"))
    assert resolve_secrets(analysis, ["api_key"], environ={"api_key": SECRET}) == {
        "api_key": SECRET
    }
    asked = resolve_secrets(analysis, ["api_key"], environ={}, prompt=lambda name: SECRET)
    assert asked == {"api_key": SECRET}
    with pytest.raises(ParameterError, match="환경변수 api_key"):
        resolve_secrets(analysis, ["api_key"], environ={})
    with pytest.raises(ParameterError, match=r"비밀 매개변수가 없습니다.*-p로"):
        resolve_secrets(analysis, ["label"], environ={"label": "abcd"})
    with pytest.raises(ParameterError, match="너무 짧습니다"):
        resolve_secrets(analysis, ["api_key"], environ={"api_key": "ab"})


def test_the_redactor_finds_every_encoding_of_a_secret():
    redactor = Redactor([SECRET])
    for form in _forms(SECRET):
        text = f"앞 {form.decode()} 뒤"
        assert redactor.text(text) == f"앞 {REDACTED} 뒤"
    assert redactor.text("아무 관계 없는 글") == "아무 관계 없는 글"


def _forms(secret: str) -> list[bytes]:
    import html
    import urllib.parse

    texts = {
        secret,
        secret.replace('"', '""'),
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        html.escape(secret),
        urllib.parse.quote(secret, safe=""),
        base64.b64encode(secret.encode()).decode().rstrip("="),
    }
    return [t.encode("utf-8") for t in texts]


def assert_nowhere(folder: Path, secret: str) -> None:
    """Grep every byte of every file under ``folder`` for every form of ``secret``."""
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [str(path) for form in _forms(secret) if form in data]
    assert hits == [], hits


def workbench(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.kernel
def test_a_secret_reaches_the_kernel_and_no_file_of_the_run(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    done = workbench(
        "run", str(fixture_notebook("uses_secret")), "-s", "api_key", "-p", "leak", "true",
        "--out", str(out), "-q", env={"api_key": SECRET},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    result = (out / "results" / "result.csv").read_text(encoding="utf-8-sig")
    assert f"{len(SECRET)}" in result  # the kernel had the real value
    assert REDACTED in result  # and what it published of it is redacted
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["secrets"] == ["api_key"] and "api_key" not in manifest["parameters"]
    assert_nowhere(out, SECRET)


@pytest.mark.kernel
def test_an_error_quoting_a_secret_shows_it_masked(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    done = workbench(
        "run", str(fixture_notebook("uses_secret")), "-s", "api_key", "-p", "fail", "true",
        "--out", str(out), "-q", env={"api_key": SECRET},
    )  # fmt: skip
    assert done.returncode == 1
    assert "인증 실패" in done.stderr and REDACTED in done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert_nowhere(out, SECRET)


@pytest.mark.kernel
def test_a_secret_given_with_p_on_the_command_line_is_refused(fixture_notebook, tmp_path):
    done = workbench(
        "run", str(fixture_notebook("uses_secret")), "-p", "api_key", SECRET,
        "--out", str(tmp_path / "run"), "-q", env={},
    )  # fmt: skip
    assert done.returncode == 2
    assert "-s api_key" in done.stderr and SECRET not in done.stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.kernel
def test_a_missing_secret_without_a_terminal_is_a_clear_refusal(fixture_notebook, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "api_key"}
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "run", str(fixture_notebook("uses_secret")),
         "-s", "api_key", "--out", str(tmp_path / "run"), "-q"],
        capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 2
    assert "export api_key" in done.stderr


@pytest.mark.kernel
def test_a_rerun_reads_the_recorded_secret_from_the_environment(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    notebook = str(fixture_notebook("uses_secret"))
    env = {"api_key": SECRET}
    assert (
        workbench("run", notebook, "-s", "api_key", "--out", str(out), "-q", env=env).returncode
        == 0
    )
    again = tmp_path / "again"
    done = workbench("rerun", str(out), "--verify", "--out", str(again), "-q", env=env)
    assert done.returncode == 0, done.stderr
    assert_nowhere(again, SECRET)
    missing = {k: v for k, v in os.environ.items() if k != "api_key"}
    refused = subprocess.run(
        [sys.executable, "-m", "workbench", "rerun", str(out), "--out", str(tmp_path / "x")],
        capture_output=True, text=True, timeout=120, env=missing, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert refused.returncode == 2 and "api_key" in refused.stderr


@pytest.mark.kernel
def test_a_secret_reaches_no_file_of_a_batch_folder(fixture_notebook, tmp_path):
    matrix = tmp_path / "m.csv"
    matrix.write_text("run_id,label,leak\na,가,true\nb,나,true\n", encoding="utf-8")
    out = tmp_path / "batch"
    done = workbench(
        "batch", str(fixture_notebook("uses_secret")), "--matrix", str(matrix), "-s", "api_key",
        "--out", str(out), "--workers", "2", "-q", env={"api_key": SECRET},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert (out / "index.csv").is_file() and (out / "a" / "report.html").is_file()
    assert_nowhere(out, SECRET)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"run_id,api_key\na,{SECRET}\n", encoding="utf-8")
    refused = workbench(
        "batch", str(fixture_notebook("uses_secret")), "--matrix", str(bad),
        "--out", str(tmp_path / "b2"), "-q", env={},
    )  # fmt: skip
    assert refused.returncode == 2 and "비밀 값" in refused.stderr
    assert SECRET not in refused.stderr


@pytest.mark.kernel
def test_a_secret_inside_a_binary_result_removes_it_and_fails_the_run(fixture_notebook, tmp_path):
    out = tmp_path / "run"
    done = workbench(
        "run", str(fixture_notebook("uses_secret")), "-s", "api_key", "-p", "binary", "true",
        "--out", str(out), "-q", env={"api_key": SECRET},
    )  # fmt: skip
    assert done.returncode == 1
    assert "keys.parquet" in done.stderr and "비밀" in done.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed"
    assert manifest["error"]["reason"] == "secret_in_result"
    assert not (out / "results.held" / "keys.parquet").exists()
    assert (out / "results.held" / "result.csv").is_file()
    assert_nowhere(out, SECRET)
