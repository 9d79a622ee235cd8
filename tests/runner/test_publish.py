"""wb.publish writes CSVs that Excel opens as data, and tells the gate what it wrote."""

import json

import pandas as pd
import pytest

import workbench as wb
from korean_check import assert_korean
from workbench.exceptions import ParameterError
from workbench.runner.results import RUN_DIR_ENV


def published(tmp_path, monkeypatch, table, name="t", **kwargs):
    monkeypatch.setenv(RUN_DIR_ENV, str(tmp_path))
    wb.publish(table, name, show=False, **kwargs)
    index = json.loads((tmp_path / "published.json").read_text(encoding="utf-8"))
    return (tmp_path / "results" / f"{name}.csv").read_text(encoding="utf-8-sig"), index[name]


def test_formula_cells_and_headers_are_neutralised_numbers_are_kept(tmp_path, monkeypatch):
    table = pd.DataFrame(
        {
            '=HYPERLINK("x")': ["+82-10-1234", "\tcmd", "1,234", "+5", "-1.5e3", "보통"],
            "값": [-1, -2.5, 3, 4, 5, 6],
        }
    )
    text, entry = published(tmp_path, monkeypatch, table)
    assert text.splitlines() == [
        '"\'=HYPERLINK(""x"")",값',
        "'+82-10-1234,-1.0",
        "'\tcmd,-2.5",
        '"1,234",3.0',
        "+5,4.0",
        "-1.5e3,5.0",
        "보통,6.0",
    ]
    assert entry["neutralised"] == 3  # two cells and the header


def test_a_table_without_formulas_is_written_as_before(tmp_path, monkeypatch):
    table = pd.DataFrame({"지역": ["종로구", "중구"], "가구 수": [3, -4]}).set_index("지역")
    text, entry = published(tmp_path, monkeypatch, table)
    assert text == "지역,가구 수\n종로구,3\n중구,-4\n"
    assert entry["neutralised"] == 0 and "model" not in entry


def test_a_table_derived_from_a_model_is_recorded_for_the_gate(tmp_path, monkeypatch):
    import numpy as np

    data = pd.DataFrame({"x": np.arange(30.0)})
    data["y"] = 2 * data["x"] + np.sin(data["x"])
    fit = wb.blocks.regression(data, "y ~ x", diagnose=False, name="추세")
    _, entry = published(tmp_path, monkeypatch, fit.coefficients.round(2), name="coef")
    assert entry["model"]["name"] == "추세" and entry["model"]["dof"] == 28.0
    assert len(entry["model"]["digest"]) == 16


BAD_PUBLISH = {
    "not a table": (
        lambda t: wb.publish(t.to_dict(), "시도별"),
        ("table", "dict", "type"),
        "wb.publish('시도별')에는 pandas DataFrame을 주세요",
    ),
    "a name with a space": (
        lambda t: wb.publish(t, "시도별 인구"),
        ("name", "시도별 인구", "name"),
        "이름 '시도별 인구'는 결과 파일 이름으로 쓸 수 없습니다",
    ),
    "an unknown format": (
        lambda t: wb.publish(t, "시도별", fmt="xlsx"),
        ("fmt", "xlsx", "value"),
        "'xlsx'를 받았습니다",
    ),
    "counts naming a column not in the table": (
        lambda t: wb.publish(t, "시도별", counts=["가구수", "인구"]),
        ("counts", ["가구수"], "missing_columns"),
        "열 '가구수'가 표에 없습니다. 표의 열: '시도', '인구'",
    ),
}


@pytest.mark.parametrize("case", list(BAD_PUBLISH))
def test_bad_publish_arguments_are_refused_in_korean_and_nothing_is_written(
    tmp_path, monkeypatch, case
):
    call, fields, said = BAD_PUBLISH[case]
    monkeypatch.setenv(RUN_DIR_ENV, str(tmp_path))
    table = pd.DataFrame({"시도": ["서울특별시", "부산광역시"], "인구": [9_386_034, 3_293_362]})

    with pytest.raises(ParameterError) as info:
        call(table)

    error = info.value
    assert (error.parameter, error.got, error.kind) == fields
    assert said in str(error)
    assert_korean(str(error), "pandas DataFrame", "pd.DataFrame(...)")
    assert list(tmp_path.iterdir()) == []
