"""The gate reads everything a release could show: files of every format, every output form.

These tests call ``check_outputs`` on real files and on notebooks as nbformat writes them
(no kernel: what is checked is the reading, not the execution).
"""

import json

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from workbench.ethics import FIGURE_MIME, Location
from workbench.runner._gate import REDACTED, check_outputs

RRN = "900101-1234567"
NAMES = ["김민준", "이서연", "박지호", "최수아", "정도윤"]
HANGUL_FIX = ("지우", "가명처리", "승인", "빼")


def notebook(*outputs, markdown: str | None = None) -> nbformat.NotebookNode:
    cells = [new_code_cell("x = 1", outputs=list(outputs))]
    if markdown is not None:
        cells.insert(0, new_markdown_cell(markdown))
    return new_notebook(cells=cells)


def display(data: dict) -> nbformat.NotebookNode:
    return new_output("display_data", data=data)


def blocking(report) -> list:
    return report.blocking


def check_korean(finding, *names: str) -> None:
    """A finding's message and place are Korean, name what they are about and the fix."""
    text = f"{finding.location.label()} {finding.message}"
    assert any("가" <= ch <= "힣" for ch in finding.message)
    for name in names:
        assert name in text, (name, text)
    assert any(word in finding.message for word in HANGUL_FIX), finding.message
    assert RRN not in text and not any(n in text for n in NAMES)


def results(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    return folder


def test_a_parquet_file_in_a_subfolder_with_a_name_column_blocks(tmp_path):
    sub = results(tmp_path) / "sub"
    sub.mkdir()
    pd.DataFrame({"성명": NAMES, "점수": range(5)}).to_parquet(sub / "x.parquet")
    report = check_outputs(tmp_path, notebook())
    [finding] = blocking(report)
    assert finding.rule == "pii.person_name"
    assert finding.location == Location("column", file="results/sub/x.parquet", column="성명")
    check_korean(finding, "results/sub/x.parquet", "성명")


def test_every_sheet_of_an_excel_file_is_read(tmp_path):
    path = results(tmp_path) / "명단.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"지역": ["종로구"]}).to_excel(writer, sheet_name="요약", index=False)
        pd.DataFrame({"성명": NAMES}).to_excel(writer, sheet_name="명단", index=False)
    [finding] = blocking(check_outputs(tmp_path, notebook()))
    assert (finding.location.sheet, finding.location.column) == ("명단", "성명")
    check_korean(finding, "results/명단.xlsx", "명단", "성명")


def test_nested_json_is_read_as_strings_by_key(tmp_path):
    data = {"기관": "종로구", "대상": [{"성명": n, "번호": RRN} for n in NAMES[:2]]}
    (results(tmp_path) / "대상.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    found = {(f.rule, f.location.column) for f in blocking(check_outputs(tmp_path, notebook()))}
    assert ("pii.resident_id", "대상.번호") in found
    assert ("pii.person_name", "대상.성명") in found


def test_a_text_file_is_scanned_and_an_unknown_binary_cannot_pass(tmp_path):
    folder = results(tmp_path)
    (folder / "메모.txt").write_text(f"확인 요청\n민원인 {RRN}\n", encoding="utf-8")
    (folder / "blob.bin").write_bytes(b"\x00\x01\x02 not text")
    by_file = {f.location.file: f for f in blocking(check_outputs(tmp_path, notebook()))}
    assert by_file["results/메모.txt"].rule == "pii.resident_id"
    unreadable = by_file["results/blob.bin"]
    assert unreadable.rule == "release.unchecked_file" and unreadable.severity == "fail"
    check_korean(unreadable, "results/blob.bin")


def test_a_picture_passes_only_with_the_texts_recorded_when_it_was_saved(tmp_path):
    import hashlib

    folder = results(tmp_path)
    (folder / "chart.png").write_bytes(b"\x89PNG fake picture")
    (folder / "other.png").write_bytes(b"\x89PNG another")
    digest = hashlib.sha256(b"\x89PNG fake picture").hexdigest()
    saved = {"file": "results/chart.png", "sha256": digest, "texts": ["월별 민원", "1월"]}
    report = check_outputs(tmp_path, notebook(display({FIGURE_MIME: saved})))
    assert [f.location.file for f in report.blocking] == ["results/other.png"]
    # The same picture with a resident number in its title blocks as figure text.
    saved["texts"] = ["월별 민원", f"민원인 {RRN}"]
    report = check_outputs(tmp_path, notebook(display({FIGURE_MIME: saved})))
    by_file = {f.location.file: f for f in report.blocking}
    assert by_file["results/chart.png"].location.kind == "figure"
    assert by_file["results/chart.png"].rule == "pii.resident_id"


@pytest.mark.parametrize(
    ("mime", "value"),
    [
        ("text/html", f'<p title="민원인 {RRN}">표 보기</p>'),
        ("text/html", f'<img alt="주민번호 {RRN}" src="x.png">'),
        ("text/html", f'<a href="https://example.org/?rrn={RRN}">링크</a>'),
        ("text/html", f'<span data-person="{RRN}">개인</span>'),
        ("text/markdown", f"**민원인** {RRN}"),
        ("text/latex", f"$\\text{{민원인 {RRN}}}$"),
        ("application/json", {"민원": [{"번호": RRN}]}),
        ("application/vnd.custom+json", {"deep": {"deeper": [RRN]}}),
        ("image/svg+xml", f"<svg><text>{RRN}</text></svg>"),
    ],
)
def test_every_output_form_is_read(tmp_path, mime, value):
    out = display({mime: value, "text/plain": "<object>"})
    [finding] = blocking(check_outputs(tmp_path, notebook(out)))
    assert finding.rule == "pii.resident_id"
    assert finding.location == Location("output", cell_number=1, output_number=1)
    check_korean(finding, "노트북 셀 1의 출력 1")


def test_a_picture_that_is_not_a_matplotlib_figure_cannot_pass(tmp_path):
    out = display({"image/png": "iVBORw0KGgo=", "text/plain": "<IPython.core.display.Image>"})
    [finding] = blocking(check_outputs(tmp_path, notebook(out)))
    assert finding.rule == "release.unchecked_image"
    check_korean(finding, "노트북 셀 1의 출력 1")
    # A figure whose texts the kernel recorded is read instead.
    drawn = display({"image/png": "iVBORw0KGgo=", FIGURE_MIME: {"texts": ["제목", "1월"]}})
    assert blocking(check_outputs(tmp_path, notebook(drawn))) == []


def test_markdown_the_report_shows_is_read(tmp_path):
    [finding] = blocking(check_outputs(tmp_path, notebook(markdown=f"담당: {RRN}")))
    assert finding.location == Location("source", cell_number=1)


def test_a_personal_parameter_value_blocks(tmp_path):
    report = check_outputs(
        tmp_path, notebook(), parameters={"region": "종로구", "담당자번호": RRN, "top_n": 5}
    )
    [finding] = report.blocking
    assert finding.rule == "pii.resident_id"
    assert finding.location == Location("parameter", parameter="담당자번호")
    check_korean(finding, "매개변수 '담당자번호'")
    # A parameter named for names marks a bare name, as a column header does.
    [named] = check_outputs(tmp_path, notebook(), parameters={"성명": "김민준"}).blocking
    assert named.rule == "pii.person_name"


def test_a_header_that_is_personal_is_never_repeated(tmp_path):
    pd.DataFrame({RRN: ["010-1234-5678"]}).to_csv(results(tmp_path) / "h.csv", index=False)
    report = check_outputs(tmp_path, notebook())
    assert report.blocking and all(f.location.column == REDACTED for f in report.blocking)
    assert RRN not in json.dumps(report.manifest_findings(), ensure_ascii=False)


def test_a_label_that_is_personal_is_never_repeated(tmp_path):
    table = pd.DataFrame({"구분": [RRN], "가구 수": [3]})
    table.to_csv(results(tmp_path) / "t.csv", index=False)
    published = {"t": {"file": "results/t.csv", "counts": ["가구 수"], "internal": False}}
    (tmp_path / "published.json").write_text(json.dumps(published), encoding="utf-8")
    report = check_outputs(tmp_path, notebook())
    cells = [f for f in report.findings if f.location.kind == "cell"]
    assert cells and all(f.location.row == REDACTED for f in cells)
    assert RRN not in json.dumps(report.manifest_findings(), ensure_ascii=False)


def test_same_place_same_values_same_id_other_values_other_id(tmp_path):
    folder = results(tmp_path)
    pd.DataFrame({"성명": NAMES}).to_csv(folder / "p.csv", index=False)
    first = check_outputs(tmp_path, notebook()).blocking[0]
    pd.DataFrame({"성명": list(reversed(NAMES))}).to_csv(folder / "p.csv", index=False)
    assert check_outputs(tmp_path, notebook()).blocking[0].id == first.id  # order: same data
    pd.DataFrame({"성명": ["한지민", *NAMES[1:]]}).to_csv(folder / "p.csv", index=False)
    other = check_outputs(tmp_path, notebook()).blocking[0]
    assert other.place == first.place and other.id != first.id
    assert other.id.startswith("person_name-") and len(other.id) == len("person_name-") + 8


def summary_text(n: int, kind: str = "summary", when: str = "Sun, 06 Dec 2026") -> str:
    """A statsmodels summary of a small model, as print() writes it."""
    import numpy as np
    import statsmodels.formula.api as smf

    data = pd.DataFrame({"x": np.arange(n, dtype=float)})
    data["y"] = 2 * data["x"] + np.sin(data["x"])
    text = str(getattr(smf.ols("y ~ x", data).fit(), kind)())
    return "\n".join(
        f"Date:  {when}" if line.startswith("Date:") else line for line in text.splitlines()
    )


@pytest.mark.parametrize("kind", ["summary", "summary2"])
def test_a_printed_model_summary_is_checked_for_residual_dof(tmp_path, kind):
    printed = new_output("stream", name="stdout", text=summary_text(8, kind))
    [finding] = blocking(check_outputs(tmp_path, notebook(printed)))
    assert finding.rule == "disclosure.dof"
    assert finding.location == Location("model", model="y", cell_number=1, output_number=1)
    assert "잔차 자유도(6)" in finding.message and "관측을 늘리거나" in finding.message
    # Printed again on another day: the same finding (an approval still applies).
    later = new_output("stream", name="stdout", text=summary_text(8, kind, "Mon, 07 Dec 2026"))
    assert blocking(check_outputs(tmp_path, notebook(later)))[0].id == finding.id
    enough = new_output("stream", name="stdout", text=summary_text(40, kind))
    assert blocking(check_outputs(tmp_path, notebook(enough))) == []


def test_full_precision_decimals_in_a_csv_pass_and_a_phone_beside_them_blocks(tmp_path):
    folder = results(tmp_path)
    rng = pd.Series(range(1, 400)).map(lambda i: 1 / (i * 0.95))  # 0.0105263157894737...
    coefficients = pd.DataFrame({"항목": [f"x{i}" for i in range(len(rng))], "계수": rng})
    coefficients["p값"] = coefficients["계수"] / 47.0
    coefficients.to_csv(folder / "coefficients.csv", index=False, encoding="utf-8-sig")
    text = (folder / "coefficients.csv").read_text(encoding="utf-8-sig")
    assert "0.01052631578947" in text and "1052.6315789473" not in text  # as written
    # Decimals whose digits after the point are shaped like a phone number (02-1234-5678),
    # a resident number (900101-1234567) and a card number passing the Luhn check.
    shaped = [0.0212345678, -3.0312345678, 12.9001011234567, 0.4111111111111111]
    pd.DataFrame({"값": shaped}).to_csv(folder / "more.csv", index=False)
    assert blocking(check_outputs(tmp_path, notebook())) == []
    pd.DataFrame({"지점": ["본점"], "연락처": ["02-123-4567"]}).to_csv(
        folder / "contacts.csv", index=False
    )
    [finding] = blocking(check_outputs(tmp_path, notebook()))
    assert finding.rule == "pii.phone"
    assert finding.location.file == "results/contacts.csv"
