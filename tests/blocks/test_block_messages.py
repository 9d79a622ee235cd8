"""The blocks' Korean message catalogue, and a block's message as `workbench run` shows it."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from korean_check import assert_korean
from workbench.blocks import _messages
from workbench.cli import app, join_param_pairs

BLOCKS = Path(_messages.__file__).parent
NOTEBOOKS = Path(__file__).parents[2] / "notebooks" / "standard"


def _keys_used() -> set[str]:
    """Every catalogue key the blocks pass to parameter_error, length_error or message."""
    keys = set()
    for file in BLOCKS.glob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = ast.unparse(node.func)
            index = 2 if name == "length_error" else 0
            if name in ("parameter_error", "message", "length_error") and len(node.args) > index:
                arg = node.args[index]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    keys.add(arg.value)
    return keys


def test_every_key_the_blocks_use_is_in_the_catalogue_and_every_template_is_korean():
    used = _keys_used()
    assert used, "the walk found no catalogue calls"
    assert not used - set(_messages._MESSAGES), "keys missing from blocks/_messages.py"
    for key, template in _messages._MESSAGES.items():
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f]
        filled = template
        for field in fields:  # the values are names and numbers: left out of the check
            filled = re.sub(r"\{" + re.escape(field) + r"[^}]*\}", " ", filled)
        assert re.search("[가-힣]", template), key
        if len(re.findall("[가-힣]", filled)) > 6:  # a sentence, not a short word
            assert_korean(filled.replace("{{", "").replace("}}", ""))


def test_no_template_writes_both_particles():
    for key, template in _messages._MESSAGES.items():
        assert not re.search(r"[을이은과]\((를|가|는|와)\)", template), key


def test_every_notebook_name_is_a_parameter_of_that_standard_notebook():
    for (function, parameter), (analysis, names) in _messages.NOTEBOOK_NAMES.items():
        notebook = json.loads((NOTEBOOKS / f"{analysis}.ipynb").read_text(encoding="utf-8"))
        cells = notebook["cells"]
        tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assigned = {
            target.id
            for node in ast.parse("".join(tagged[0]["source"])).body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        assert set(names) <= assigned, (function, parameter, analysis)
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert re.search(rf"\b{re.escape(function.split('.')[0])}\(", code), (function, analysis)


@pytest.mark.kernel
def test_a_bad_notebook_parameter_gets_the_blocks_korean_message_from_workbench_run(tmp_path):
    """`workbench run ev_charging_sites -p n_sites=0`: the block refuses k=0 in Korean."""
    out = tmp_path / "run"
    args = join_param_pairs(["run", "ev_charging_sites", "-p", "n_sites=0", "--out", str(out)])
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0, result.output
    cause = next(line for line in result.output.splitlines() if "원인:" in line)
    said = cause.split("ParameterError:", 1)[1].strip()
    assert said.startswith("select_sites의 매개변수 'k'는 1 이상의 정수여야 합니다. 받은 값: 0.")
    assert "-p n_sites=" in said  # the name the user wrote, not only the block's own
    assert_korean(said, "select_sites", "ev_charging_sites")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed"


def test_an_input_schema_says_every_problem_of_an_agency_table_in_korean():
    import pandas as pd

    from workbench.blocks import FEES_SCHEMA
    from workbench.exceptions import SchemaError

    # As an agency exports it: the amount column named otherwise, a count with a
    # thousands separator left as text, a month written the Korean way, an empty cell.
    fees = pd.DataFrame(
        {
            "단지코드": ["A10001", "A10002", "A10003"],
            "세대수": ["1200", "1,350", "980"],
            "전용면적합계": [84000.0, 95000.5, -1.0],
            "난방방식": ["개별", None, "지역"],
            "준공연도": [1998, 2005, 2011],
            "부과월": ["2024-01", "2024년 1월", "2024-01"],
            "항목": ["경비비"] * 3,
            "부과금액": [1_500_000.0, 1_800_000.0, 1_200_000.0],
        }
    )
    with pytest.raises(SchemaError) as info:
        FEES_SCHEMA.validate(fees)
    said = {(f["column"], f["check"].split("(")[0]): f["rows"] for f in info.value.failures}
    assert said == {
        ("부과액", "column_in_dataframe"): [],
        ("세대수", "coerce_dtype"): [2],
        ("전용면적합계", "greater_than"): [3],
        ("난방방식", "not_nullable"): [2],
        ("부과월", "str_matches"): [2],
    }
    text = str(info.value)
    assert "열 '세대수': 값 1개를 정수로 읽을 수 없습니다 (2번째 행: '1,350')" in text
    assert "열 '부과월': 'YYYY-MM' 꼴이 아닌 값이 1개 있습니다 (2번째 행: '2024년 1월')" in text
    assert "매개변수 columns에" in text
    assert_korean(text, "FEES_SCHEMA")
    valid = fees.assign(
        세대수=[1200, 1350, 980], 전용면적합계=1.0, 난방방식="개별", 부과월="2024-01"
    )
    assert (
        FEES_SCHEMA.validate(valid.rename(columns={"부과금액": "부과액"}))["세대수"].sum() == 3530
    )
