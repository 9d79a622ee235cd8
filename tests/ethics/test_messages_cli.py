"""A notebook run by `workbench run` that calls the ethics functions with bad input fails
with the ethics layer's Korean message, on screen and in the run's manifest."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from typer.testing import CliRunner

from korean_check import assert_korean
from workbench.cli import app

pytestmark = pytest.mark.kernel

TABLE = 'df = pd.DataFrame({"주민번호": ["900101-1234567"] * n, "나이": [37] * n})\n'


def notebook(folder: Path, call: str) -> Path:
    """Write a notebook (a parameters cell, then a table and ``call``) and return its path."""
    parameters = new_code_cell("n = 12")
    parameters.metadata["tags"] = ["parameters"]
    code = new_code_cell("import pandas as pd\nimport workbench as wb\n" + TABLE + call)
    nb = new_notebook(cells=[parameters, code])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "가명처리.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize(
    ("call", "says"),
    [
        ('wb.ethics.pseudonymise(df, masks={"성명": "person_name"})', "표에 없는 열: '성명'"),
        ('wb.ethics.risk(df, ["주민번호", "성별"])', "표에 없는 준식별자 열: '성별'"),
    ],
)
def test_a_run_that_misnames_a_column_fails_with_the_korean_message(tmp_path, call, says):
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", str(notebook(tmp_path, call)), "--out", str(out)])
    assert result.exit_code == 1
    assert f"원인: ParameterError: {says}" in result.output
    error = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["error"]
    assert error["error_name"] == "ParameterError" and error["reason"] == "cell_error"
    assert error["error_value"].startswith(says)
    assert_korean(error["error_value"])
