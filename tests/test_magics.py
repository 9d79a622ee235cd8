"""``%load_ext workbench``: magics, through a real kernel (one notebook, one kernel)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def resident_number(first12: str) -> str:
    """A 주민등록번호 with a valid check digit, written 6-7 as people write it."""
    total = sum(int(d) * w for d, w in zip(first12, RRN_WEIGHTS, strict=True))
    digits = first12 + str((11 - total % 11) % 10)
    return f"{digits[:6]}-{digits[6:]}"


OK_NOTEBOOK = Path(__file__).parent / "fixtures" / "notebooks" / "ok.ipynb"
SECRET_NOTEBOOK = OK_NOTEBOOK.with_name("uses_secret.ipynb")
SECRET = "sk-magic-51b7c0d4e9"
RRN = resident_number("850317123456")
RRN_DIGITS = RRN.replace("-", "")

CELLS = {
    "load": "%load_ext workbench",
    "held_frame": (
        "%%wb_check\n"
        "import pandas as pd\n"
        "print('조회 건수: 2건')\n"
        f"pd.DataFrame({{'번호': ['{RRN}', '000000-0000000'], '월소득': [250, 310]}})"
    ),
    "held_print": f"%%wb_check\nprint('대상자 {RRN} 확인')\nprint('끝')",
    "clean": (
        "%%wb_check\nimport pandas as pd\n"
        "pd.DataFrame({'시도': ['서울특별시', '부산광역시'], '가구 수': [120, 85]})"
    ),
    "plain": "pd.DataFrame({'시도': ['서울특별시', '부산광역시'], '가구 수': [120, 85]})",
    "error": f"%%wb_check\nraise ValueError('잘못된 번호 {RRN}')",
    "clean_error": "%%wb_check\nprint('계산 시작')\n1 / 0",
    "catalog_all": "%wb_catalog",
    "catalog": "%wb_catalog 소득",
    "catalog_none": "%wb_catalog 없는낱말xyz",
    "run": f"%wb_run {OK_NOTEBOOK} -p rows 2 --out runs/ok",
    "run_bad": f"%wb_run {OK_NOTEBOOK} -p rows 둘",
    "set_secret": f"import os\nos.environ['api_key'] = '{SECRET}'",
    "run_secret": f"%wb_run {SECRET_NOTEBOOK} -s api_key -p leak True --out runs/secret",
    "run_secret_as_parameter": f"%wb_run {SECRET_NOTEBOOK} -p api_key {SECRET} --out runs/no",
}


@pytest.fixture(scope="module")
def magics_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kernel's working folder (where ``--out runs/...`` lands)."""
    return tmp_path_factory.mktemp("magics")


@pytest.fixture(scope="module")
def executed(magics_folder: Path) -> dict[str, list[dict]]:
    """Run the cells above in one real kernel; return each cell's outputs by name."""
    from nbclient import NotebookClient

    folder = magics_folder
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source, id=name) for name, source in CELLS.items()]
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,
        allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    nbformat.write(nb, folder / "executed.ipynb")
    return {cell.id: [dict(o) for o in cell.outputs] for cell in nb.cells}


def _text(outputs: list[dict]) -> str:
    return json.dumps(outputs, ensure_ascii=False)


@pytest.mark.kernel
def test_extension_loads_quietly(executed):
    assert [o for o in executed["load"] if o["output_type"] == "error"] == []


@pytest.mark.kernel
def test_wb_check_hides_a_table_with_a_resident_number_and_says_why(executed):
    outputs = executed["held_frame"]
    text = _text(outputs)
    assert RRN not in text and RRN_DIGITS not in text and RRN[:6] not in text
    assert "조회 건수: 2건" in text  # the clean printed line is still shown
    notices = [o for o in outputs if o["output_type"] == "display_data"]
    assert len(notices) == 1
    notice = notices[0]["data"]["text/plain"]
    assert "보류" in notice and "주민등록번호 1건" in notice


@pytest.mark.kernel
def test_wb_check_holds_printed_text_too(executed):
    text = _text(executed["held_print"])
    assert RRN not in text and RRN_DIGITS not in text
    assert "주민등록번호" in text


@pytest.mark.kernel
def test_wb_check_shows_a_clean_output_unchanged(executed):
    checked, plain = executed["clean"], executed["plain"]
    assert len(checked) == 1
    assert checked[0]["data"] == plain[0]["data"]
    assert "보류" not in _text(checked)


@pytest.mark.kernel
def test_wb_check_fails_the_cell_without_quoting_the_number(executed):
    outputs = executed["error"]
    errors = [o for o in outputs if o["output_type"] == "error"]
    assert len(errors) == 1  # the cell still fails, so a notebook run stops here
    assert errors[0]["ename"] == "OutputHeldError"
    text = _text(outputs)
    assert RRN not in text and RRN_DIGITS not in text
    assert "ValueError" in text and "주민등록번호" in text


@pytest.mark.kernel
def test_wb_check_shows_a_clean_error_as_the_cell_raised_it(executed):
    outputs = executed["clean_error"]
    assert outputs[0]["text"] == "계산 시작\n"
    error = outputs[-1]
    assert error["ename"] == "ZeroDivisionError"
    shown = re.sub(r"\x1b\[[0-9;]*m", "", "".join(error["traceback"]))
    assert "1 / 0" in shown and "run_cell_magic" not in shown


@pytest.mark.kernel
def test_wb_catalog_shows_matching_datasets_as_html(executed):
    everything = executed["catalog_all"][0]["data"]["text/html"]
    assert "households" in everything and "population" in everything
    html = executed["catalog"][0]["data"]["text/html"]
    assert "households" in html and "자료 목록" in html
    assert "population" not in html  # no column, title or description says 소득
    assert "맞는 자료가 없습니다" in executed["catalog_none"][0]["data"]["text/html"]


@pytest.mark.kernel
def test_wb_run_runs_an_analysis_and_shows_the_run(executed):
    html = executed["run"][0]["data"]["text/html"]
    assert "성공" in html and "results/table.csv" in html and "report.html" in html
    printed = executed["run_bad"][0]["text"]
    assert printed.startswith("오류:") and "rows" in printed


@pytest.mark.kernel
def test_wb_run_takes_a_secret_from_the_environment_and_writes_it_nowhere(executed, magics_folder):
    html = executed["run_secret"][0]["data"]["text/html"]
    assert "성공" in html and SECRET not in html
    run_dir = magics_folder / "runs" / "secret"
    files = [p for p in run_dir.rglob("*") if p.is_file()]
    assert (run_dir / "report.html") in files
    assert not any(SECRET.encode() in p.read_bytes() for p in files)
    refused = executed["run_secret_as_parameter"][0]["text"]
    assert refused.startswith("오류:") and "-s api_key" in refused and SECRET not in refused
    assert not (magics_folder / "runs" / "no").exists()


def test_check_output_finds_what_the_gate_finds():
    from workbench.magics._check import check_output, notice

    shown = nbformat.v4.new_output("display_data", data={"text/plain": f"번호 {RRN}"})
    findings = check_output(shown)
    assert [f.rule for f in findings] == ["pii.resident_id"]
    message = notice(1, findings)
    assert "주민등록번호 1건" in message and RRN not in message
    clean = nbformat.v4.new_output("stream", name="stdout", text="합계 1,234,000원\n")
    assert check_output(clean) == []


def test_wb_run_line_is_parsed_with_a_korean_usage_message():
    from workbench.exceptions import ParameterError
    from workbench.magics._magics import parse_run_line

    assert parse_run_line("profile -p top_n 3 -p title '가구 현황'") == (
        "profile",
        [("top_n", "3"), ("title", "가구 현황")],
        None,
        [],
    )
    with pytest.raises(ParameterError, match="사용법"):
        parse_run_line("profile -x")


def test_load_ipython_extension_registers_the_magics():
    from IPython.core.interactiveshell import InteractiveShell

    import workbench

    shell = InteractiveShell.instance()
    try:
        workbench.load_ipython_extension(shell)
        magics = shell.magics_manager.lsmagic()
        assert {"wb_catalog", "wb_run"} <= set(magics["line"])
        assert "wb_check" in magics["cell"]
    finally:
        InteractiveShell.clear_instance()


def test_a_displayed_table_with_small_cells_is_held_like_the_gate_holds_it():
    import workbench as wb
    from workbench.ethics._findings import FINDINGS_MIME
    from workbench.magics._check import check_output, notice

    households = wb.samples.households()
    table = wb.ethics.crosstab(households["시도"], households["주거형태"])
    data = table._repr_mimebundle_()
    assert FINDINGS_MIME in data
    findings = check_output(nbformat.v4.new_output("display_data", data=data))
    assert any(f.rule == "disclosure.threshold" and f.severity == "fail" for f in findings)
    assert "공개 기준 위반" in notice(1, findings)
