import copy

import nbformat
import pytest

from korean_check import assert_korean
from workbench.exceptions import AnalysisNotFoundError, NotebookContractError
from workbench.runner import find_analysis, list_analyses
from workbench.runner._registry import notebook_sha256


def test_standard_analyses_are_listed_with_korean_titles():
    analyses = {a.name: a for a in list_analyses()}
    assert {"profile", "household_income"} <= set(analyses)
    assert analyses["profile"].meta.level == "auto"
    assert analyses["profile"].title == "자료 품질 및 기술통계 진단"
    assert analyses["household_income"].meta.level == "standard"


def test_parameters_are_read_with_defaults_types_and_comments():
    profile = find_analysis("profile")
    top_n = profile.parameter("top_n")
    assert top_n.default == 5
    assert top_n.type_name == "int"
    assert "상위 값" in top_n.help
    assert profile.parameter("data_path").default == "sample://households"
    assert "data_path" in profile.meta.inputs


def test_every_standard_parameter_is_documented():
    for analysis in list_analyses():
        for p in analysis.parameters:
            assert p.help, f"{analysis.name}.{p.name} has no comment"


def test_unknown_analysis_suggests_the_close_name():
    with pytest.raises(AnalysisNotFoundError, match="비슷한 이름: 'profile'") as info:
        find_analysis("profil")
    assert (info.value.name, info.value.suggestions) == ("profil", ["profile"])


def test_broken_metadata_names_the_field(fixture_notebook):
    path = fixture_notebook("ok")
    nb = nbformat.read(path, as_version=4)
    nb.metadata["workbench"]["level"] = "expert"
    nbformat.write(nb, path)
    with pytest.raises(NotebookContractError, match="level"):
        find_analysis(path)


def test_input_must_be_a_parameter(fixture_notebook):
    path = fixture_notebook("ok")
    nb = nbformat.read(path, as_version=4)
    nb.metadata["workbench"]["inputs"] = {"table_path": {}}
    nbformat.write(nb, path)
    with pytest.raises(NotebookContractError, match="table_path"):
        find_analysis(path)


def test_notebook_without_metadata_runs_under_its_file_name(fixture_notebook):
    path = fixture_notebook("ok")
    nb = nbformat.read(path, as_version=4)
    del nb.metadata["workbench"]
    nbformat.write(nb, path)
    assert find_analysis(path).name == "ok"


def test_hash_ignores_outputs_and_injected_cells_but_not_code():
    nb = find_analysis("profile").notebook
    executed = copy.deepcopy(nb)
    executed.cells[2].outputs = [nbformat.v4.new_output("stream", text="hello")]
    injected = nbformat.v4.new_code_cell("top_n = 3")
    injected.metadata["tags"] = ["injected-parameters"]
    executed.cells.insert(2, injected)
    assert notebook_sha256(executed) == notebook_sha256(nb)
    edited = copy.deepcopy(nb)
    edited.cells[2].source += "\nprint(1)"
    assert notebook_sha256(edited) != notebook_sha256(nb)


def _with_parameters(path, source):
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = source
    nbformat.write(nb, path)
    return path


def test_parameters_cell_forms(fixture_notebook):
    path = _with_parameters(
        fixture_notebook("ok"),
        "# a heading comment is not a parameter's help\n"
        "rows: int = 3  # number of rows (개)\n"
        "regions = [\n"
        '    "11110",\n'
        '    "26350",\n'
        "]  # 시군구코드 list\n"
        "label = str(1)  # not a literal\n"
        "threshold: float = 1  # annotated float\n"
        "a = b = 2\n"
        'data_path = ""  # optional input\n'
        "print('side effects are not parameters')\n",
    )
    params = {p.name: p for p in find_analysis(path).parameters}
    assert list(params) == ["rows", "regions", "label", "threshold", "data_path"]
    assert params["rows"].help == "number of rows (개)"
    assert params["regions"].default == ["11110", "26350"]
    assert params["regions"].type_name == "list"
    assert params["regions"].help == "시군구코드 list"
    assert params["label"].type_name == "any"
    assert params["threshold"].type_name == "float"


def test_parameters_cell_with_a_syntax_error_is_reported(fixture_notebook):
    path = _with_parameters(fixture_notebook("ok"), "rows = (3\n")
    with pytest.raises(NotebookContractError, match="매개변수 셀이 올바른 Python이 아닙니다"):
        find_analysis(path)


def test_a_broken_notebook_in_a_standard_folder_is_skipped_with_a_korean_warning(
    tmp_path, monkeypatch, fixture_notebook
):
    good = fixture_notebook("ok")
    (tmp_path / "깨진분석.ipynb").write_text('{"cells": "not a list"', encoding="utf-8")
    bad_meta = tmp_path / "bad_meta.ipynb"
    nb = nbformat.read(good, as_version=4)
    nb.metadata["workbench"]["level"] = "expert"
    nb.metadata["workbench"]["name"] = "bad_meta"
    nbformat.write(nb, bad_meta)
    monkeypatch.setenv("WORKBENCH_NOTEBOOK_PATH", str(tmp_path))

    with pytest.warns(UserWarning) as caught:
        names = {a.name for a in list_analyses()}

    assert "profile" in names and "bad_meta" not in names
    said = {str(w.message) for w in caught if "표준 분석 목록에서" in str(w.message)}
    assert len(said) == 2
    for text in said:
        assert_korean(text, str(tmp_path / "깨진분석.ipynb"), str(bad_meta))
    assert any(f"{tmp_path / '깨진분석.ipynb'}를 뺐습니다" in text for text in said)
    assert any("level" in text for text in said)
