"""Parameter widgets generated from a standard analysis's parameters cell (no kernel)."""

import ipywidgets as widgets
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from korean_check import assert_korean
from workbench.app import DataSource, ParameterForm
from workbench.exceptions import ParameterError
from workbench.runner import find_analysis, resolve_parameters

PARAMETERS = """\
data_path = ""  # 분석할 표의 경로
flag = True  # 작은 칸을 합칠지 여부
rate = 0.5  # 기준 비율 (0~1)
count = 3  # 상위 개수 (개)
label = "시군구"  # 지역 열 이름
ks = [50, 100]  # 검토할 상위 인원 (명)
"""


@pytest.fixture
def analysis(tmp_path):
    cell = new_code_cell(PARAMETERS)
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[cell])
    nb.metadata["workbench"] = {
        "name": "form_demo",
        "title": "양식 예시",
        "level": "auto",
        "inputs": {"data_path": {"description": "표"}},
    }
    path = tmp_path / "form_demo.ipynb"
    nbformat.write(nb, path)
    return find_analysis(path)


def test_each_type_gets_its_widget_holding_the_default(analysis, kernel_starts):
    form = ParameterForm(analysis, [])
    assert isinstance(form.fields["flag"], widgets.Checkbox) and form.fields["flag"].value
    assert isinstance(form.fields["rate"], widgets.FloatText) and form.fields["rate"].value == 0.5
    assert isinstance(form.fields["count"], widgets.IntText) and form.fields["count"].value == 3
    assert form.fields["label"].value == "시군구"
    assert form.fields["ks"].value == "50, 100"
    assert isinstance(form.inputs["data_path"], widgets.Dropdown)
    assert not kernel_starts


def test_rows_explain_parameters_in_korean(analysis):
    form = ParameterForm(analysis, [])
    shown = " ".join(row.children[0].value for row in form.box.children)
    assert "기준 비율 (0~1)" in shown and "검토할 상위 인원 (명)" in shown
    assert form.labels()["count"] == "상위 개수 (개)"


def test_the_data_picker_offers_uploads_catalog_and_the_example(analysis, tmp_path):
    upload = DataSource("올린 파일: 민원.csv", str(tmp_path / "민원.csv"), uploaded=True)
    dataset = DataSource("자료 목록: 인구 (population)", "catalog:population")
    form = ParameterForm(analysis, [upload, dataset])
    picker = form.inputs["data_path"]
    assert [value for _, value in picker.options] == [upload.value, dataset.value, ""]
    assert picker.value == upload.value


def test_a_new_upload_is_selected_without_losing_other_values(analysis, tmp_path):
    form = ParameterForm(analysis, [])
    form.fields["count"].value = 7
    newer = DataSource("올린 파일: 새.csv", str(tmp_path / "새.csv"), uploaded=True)
    form.set_sources([newer], newest=newer.value)
    assert form.inputs["data_path"].value == newer.value
    assert form.fields["count"].value == 7


def test_an_upload_fills_the_first_input_only(tmp_path):
    upload = DataSource("올린 파일: 관리비.csv", str(tmp_path / "관리비.csv"), uploaded=True)
    form = ParameterForm(find_analysis("apartment_fees"), [upload])
    assert list(form.inputs) == ["fees_path", "invoices_path", "bids_path"]
    assert form.inputs["fees_path"].value == upload.value
    assert form.inputs["invoices_path"].value == "" and form.inputs["bids_path"].value == ""
    newer = DataSource("올린 파일: 지급.csv", str(tmp_path / "지급.csv"), uploaded=True)
    form.inputs["invoices_path"].value = upload.value
    form.set_sources([newer, upload], newest=newer.value)
    assert form.inputs["fees_path"].value == newer.value
    assert form.inputs["invoices_path"].value == upload.value


def test_values_are_what_the_runner_accepts(analysis):
    form = ParameterForm(analysis, [])
    form.inputs["data_path"].value = ""  # the example data
    form.fields["ks"].value = "10, 20, 30"
    form.fields["flag"].value = False
    form.fields["rate"].value = 0.25
    values = form.values()
    assert values["ks"] == [10, 20, 30]
    resolved = resolve_parameters(analysis, values)
    assert resolved["ks"] == [10, 20, 30] and resolved["flag"] is False
    assert resolved["rate"] == 0.25 and resolved["count"] == 3


def test_nothing_is_chosen_for_the_official_before_an_upload(analysis, tmp_path):
    dataset = DataSource("자료 목록: 인구 (population)", "catalog:population")
    form = ParameterForm(analysis, [dataset])
    assert form.inputs["data_path"].value is None
    assert form.missing_inputs() == ["data_path"]
    form.set_sources([dataset])  # the catalog changed: still nothing chosen
    assert form.inputs["data_path"].value is None
    upload = DataSource("올린 파일: 표.csv", str(tmp_path / "표.csv"), uploaded=True)
    form.set_sources([upload, dataset], newest=upload.value)
    assert form.inputs["data_path"].value == upload.value and form.missing_inputs() == []


def test_fields_fit_the_chosen_file(tmp_path):
    form = ParameterForm(find_analysis("profile"), [])
    form.adapt(str(tmp_path / "표.csv"), ["시군구", "인구"])
    assert form.rows["sheet"].layout.display == "none"
    assert form.rows["encoding"].layout.display is None
    form.adapt(str(tmp_path / "표.xlsx"))
    assert form.rows["sheet"].layout.display is None
    assert form.rows["encoding"].layout.display == "none"
    form.adapt("catalog:population")  # its kind is the catalog's business: both shown
    assert form.rows["sheet"].layout.display is None
    regression = ParameterForm(find_analysis("regression"), [])
    regression.adapt(str(tmp_path / "표.csv"), ["시군구", "인구"])
    cluster = regression.fields["cluster"]
    assert isinstance(cluster, widgets.Combobox) and cluster.options == ("시군구", "인구")
    assert not isinstance(regression.fields["formula"], widgets.Combobox)


def test_an_unreadable_list_names_the_parameter(analysis):
    form = ParameterForm(analysis, [])
    form.fields["ks"].value = "10, [20"
    with pytest.raises(ParameterError) as info:
        form.values()
    assert (info.value.parameter, info.value.kind, info.value.got) == ("ks", "type", "10, [20")
    assert "쉼표로 구분해" in str(info.value)
    assert_korean(str(info.value), "10, [20")


def test_every_page_analysis_gets_a_form(kernel_starts):
    from workbench.app import page_analyses

    analyses = page_analyses()
    assert analyses[0].meta.level == "auto"
    assert {a.meta.level for a in analyses} <= {"auto", "standard"}
    assert "profile" in {a.name for a in analyses}
    for analysis in analyses:
        form = ParameterForm(analysis, [])
        assert set(form.inputs) == set(analysis.meta.inputs)
        resolve_parameters(
            analysis, {k: v for k, v in form.values().items() if k not in form.inputs}
        )
    assert not kernel_starts
