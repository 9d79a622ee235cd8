"""A bad input file is refused before any kernel starts: Korean message, exit 2, no folder."""

import re

import pytest
from typer.testing import CliRunner

from workbench.cli import app


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("민원.xlsx", b"<html>not a workbook</html>", "Excel 파일이 아니거나 손상되어"),
        ("민원.csv", b"\x00\x01\x02\xff\xfe\xfa", "1번째 줄의 3번째 바이트"),
        ("빈 표.parquet", b"PAR1 truncated", "빈 표.parquet"),
    ],
)
def test_an_unreadable_input_is_refused_before_any_kernel(
    tmp_path, kernel_starts, name, content, said
):
    data = tmp_path / name
    data.write_bytes(content)
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app, ["run", "profile", "-p", f"data_path={data}", "--out", str(out), "-q"]
    )
    assert result.exit_code == 2, result.output
    assert said in result.output and re.search(r"[가-힣]", result.output)
    assert "Traceback" not in result.output
    assert not out.exists() and not kernel_starts
