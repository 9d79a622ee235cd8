import pytest

from workbench.exceptions import ParameterError
from workbench.runner import find_analysis, resolve_parameters


@pytest.fixture
def ok(fixture_notebook):
    return find_analysis(fixture_notebook("ok"))


def test_defaults_when_nothing_given(ok):
    assert resolve_parameters(ok) == {
        "rows": 3,
        "label": "가",
        "scale": 1.5,
        "verbose": False,
        "data_path": "",
    }


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("rows", "7", 7),
        ("scale", "2", 2.0),
        ("scale", "0.25", 0.25),
        ("verbose", "yes", True),
        ("verbose", "예", True),
        ("verbose", "false", False),
        ("label", "서울특별시", "서울특별시"),
    ],
)
def test_command_line_strings_take_the_default_type(ok, name, raw, expected):
    value = resolve_parameters(ok, cli_pairs=[(name, raw)])[name]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("name", "raw"), [("rows", "abc"), ("rows", "1.5"), ("verbose", "maybe"), ("scale", "x")]
)
def test_bad_value_names_parameter_type_and_value(ok, name, raw):
    with pytest.raises(ParameterError) as info:
        resolve_parameters(ok, cli_pairs=[(name, raw)])
    message = str(info.value)
    assert f"'{name}'" in message
    assert repr(raw) in message
    expected_type = {"rows": "int", "verbose": "bool", "scale": "float"}[name]
    word = {"rows": "정수여야", "verbose": "true 또는 false여야", "scale": "숫자여야"}[name]
    assert f"{word} 하는데" in message
    assert (info.value.parameter, info.value.expected, info.value.got) == (name, expected_type, raw)


def test_unknown_parameter_gets_did_you_mean(ok):
    with pytest.raises(ParameterError, match="비슷한 이름: 'rows'") as info:
        resolve_parameters(ok, cli_pairs=[("rowz", "1")])
    assert info.value.parameter == "rowz"
    assert info.value.suggestions == ["rows"]


def test_params_file_then_values_then_cli(ok, tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("rows: 10\nlabel: 부산\nscale: 3\n", encoding="utf-8")
    result = resolve_parameters(
        ok, {"label": "대구"}, cli_pairs=[("scale", "4")], params_file=params
    )
    assert result["rows"] == 10
    assert result["label"] == "대구"
    assert result["scale"] == 4.0


def test_params_file_errors_name_the_file_and_line(ok, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rows: 1\nlabel: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"bad\.yaml \d번째 줄: YAML 문법이 맞지 않습니다"):
        resolve_parameters(ok, params_file=bad)
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="'이름: 값' 꼴의 항목이 있어야 하는데 목록이") as e:
        resolve_parameters(ok, params_file=listing)
    assert (e.value.expected, e.value.got) == ("mapping", "list")
    with pytest.raises(ParameterError, match="찾을 수 없습니다"):
        resolve_parameters(ok, params_file=tmp_path / "missing.yaml")
    wrong_type = tmp_path / "wrong.yaml"
    wrong_type.write_text("rows: many\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"'rows' \(.*wrong\.yaml\): 정수여야"):
        resolve_parameters(ok, params_file=wrong_type)
