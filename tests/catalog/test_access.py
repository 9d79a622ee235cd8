"""Access rules: personal data loads only with a purpose and a legal basis in ethics.yml."""

import textwrap

import pytest

from workbench.catalog import open_catalog
from workbench.catalog._access import check_access
from workbench.catalog._audit import AuditLog, frame_sha256
from workbench.catalog._model import DatasetEntry
from workbench.config import audit_log_path
from workbench.exceptions import AccessDeniedError, WorkbenchError

REGISTERED = """\
datasets:
  households:
    purpose: "복지 사각지대 가구 발굴"
    legal_basis: "사회보장급여법 제12조"
"""


def entry(sensitivity: str, name: str = "households") -> DatasetEntry:
    return DatasetEntry(
        name=name,
        title="가구 조사",
        owner="보건복지부",
        source="sample://households?n=50",
        sensitivity=sensitivity,
    )


def ethics(tmp_path, text: str):
    path = tmp_path / "ethics.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refusal(dataset: DatasetEntry, path, purpose=None) -> str:
    with pytest.raises(AccessDeniedError) as caught:
        check_access(dataset, path, purpose)
    return str(caught.value)


@pytest.mark.parametrize("sensitivity", ["personal", "pseudonymised"])
def test_restricted_data_is_refused_without_ethics_yml(tmp_path, sensitivity):
    path = tmp_path / "ethics.yml"
    message = refusal(entry(sensitivity), path, "조사")
    label = {"personal": "개인정보", "pseudonymised": "가명정보"}[sensitivity]
    assert f"자료 'households'는 {label} 자료({sensitivity})입니다" in message
    assert f"{path}이 없습니다." in message
    assert "datasets:\n  households:\n    purpose: " in message
    assert '    legal_basis: "<법적 근거, 예: 사회보장급여법 제12조>"' in message
    assert not path.exists()  # nothing written on the user's behalf


def test_the_snippet_in_a_refusal_is_valid_yaml_for_ethics_yml(tmp_path):
    import yaml

    message = refusal(entry("personal"), tmp_path / "ethics.yml")
    snippet = message.split("\n\n", 1)[1]
    assert yaml.safe_load(snippet) == {
        "datasets": {
            "households": {
                "purpose": "<왜 이 자료가 필요한지>",
                "legal_basis": "<법적 근거, 예: 사회보장급여법 제12조>",
            }
        }
    }


def test_refused_when_listed_without_a_legal_basis(tmp_path):
    path = ethics(
        tmp_path,
        """\
        datasets:
          households:
            purpose: 복지 사각지대 가구 발굴
        """,
    )
    message = refusal(entry("personal"), path)
    assert f"{path}의 'households' 항목에 legal_basis가 없습니다" in message
    # The snippet keeps what is already there and asks only for what is missing.
    assert 'purpose: "복지 사각지대 가구 발굴"' in message
    assert 'legal_basis: "<법적 근거' in message


def test_refused_when_the_placeholders_were_pasted_unchanged(tmp_path):
    snippet = refusal(entry("personal"), tmp_path / "ethics.yml").split("\n\n", 1)[1]
    path = ethics(tmp_path, snippet)
    message = refusal(entry("personal"), path)
    assert "항목에 purpose 또는 legal_basis가 없습니다" in message


def test_refused_when_not_listed_names_what_is_listed(tmp_path):
    path = ethics(
        tmp_path,
        """\
        datasets:
          household:
            purpose: 조사
            legal_basis: 법
          tax: {purpose: 조사, legal_basis: 법}
        """,
    )
    message = refusal(entry("personal"), path)
    assert f"{path}에 'households' 항목이 없습니다: 있는 항목: household, tax." in message
    assert "'household'는 'households'의 오타인가요?" in message


def test_allowed_when_listed_returns_the_registered_purpose(tmp_path):
    path = ethics(tmp_path, REGISTERED)
    assert check_access(entry("personal"), path, None) == "복지 사각지대 가구 발굴"
    assert check_access(entry("pseudonymised"), path, "  ") == "복지 사각지대 가구 발굴"


def test_a_different_purpose_is_allowed_and_is_the_one_recorded(tmp_path):
    path = ethics(tmp_path, REGISTERED)
    assert check_access(entry("personal"), path, "긴급 지원 대상 확인") == "긴급 지원 대상 확인"


def test_public_and_internal_data_need_no_entry(tmp_path):
    missing = tmp_path / "ethics.yml"
    assert check_access(entry("public"), missing, None) is None
    assert check_access(entry("internal"), missing, "점검") == "점검"
    path = ethics(tmp_path, REGISTERED)
    # An internal dataset listed in ethics.yml is recorded with its registered purpose.
    assert check_access(entry("internal"), path, None) == "복지 사각지대 가구 발굴"
    assert check_access(entry("internal", name="stations"), path, None) is None


def test_other_sections_and_fields_of_ethics_yml_are_ignored(tmp_path):
    path = ethics(
        tmp_path,
        """\
        purpose: 지역 복지 분석
        legal_basis: 개인정보 보호법 제28조의2
        thresholds: {min_cell_count: 10}
        retention: 3년
        datasets:
          households:
            purpose: 복지 사각지대 가구 발굴
            legal_basis: 사회보장급여법 제12조
            quasi_identifiers: [법정동코드, 나이]
            allowed_use: 통계 작성
        """,
    )
    assert check_access(entry("personal"), path, None) == "복지 사각지대 가구 발굴"


def test_invalid_yaml_names_the_line(tmp_path):
    path = ethics(
        tmp_path,
        """\
        datasets:
          households:
            purpose: "unterminated
            legal_basis: 법
        """,
    )
    message = refusal(entry("personal"), path)
    assert f"{path} " in message and "번째 줄" in message
    assert "YAML 문법이 맞지 않습니다" in message


def test_a_wrongly_typed_field_names_the_file_the_dataset_and_the_field(tmp_path):
    path = ethics(
        tmp_path,
        """\
        datasets:
          households:
            purpose: [조사, 분석]
            legal_basis: 법
        """,
    )
    message = refusal(entry("personal"), path)
    assert f"{path}: 자료 'households' 항목이 맞지 않습니다" in message
    assert "항목 'purpose'" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- households\n", "'이름: 값' 항목들이 있어야 하는데 목록이"),
        ("datasets: [households]\n", "'datasets'는 자료 이름마다"),
        ("datasets:\n  households: 조사\n", "자료 'households' 항목은 purpose와"),
    ],
)
def test_a_wrongly_shaped_ethics_yml_names_the_file(tmp_path, text, expected):
    path = ethics(tmp_path, text)
    message = refusal(entry("personal"), path)
    assert str(path) in message
    assert expected in message


# --- through the catalog ------------------------------------------------------------------

CATALOG = """\
datasets:
  households:
    title: 가구 조사
    owner: 보건복지부
    source: sample://households?n=50
    sensitivity: personal
  open_households:
    title: 가구 조사 (공개용)
    owner: 보건복지부
    source: sample://households?n=20
    sensitivity: public
"""


@pytest.fixture
def catalog(tmp_path):
    (tmp_path / "catalog.yml").write_text(CATALOG, encoding="utf-8")
    return open_catalog(tmp_path / "catalog.yml", project=tmp_path)


def test_catalog_refuses_personal_data_without_ethics_yml(catalog, tmp_path):
    with pytest.raises(AccessDeniedError) as caught:
        catalog.load("households")
    message = str(caught.value)
    assert "households" in message
    assert str(tmp_path / "ethics.yml") in message
    assert "legal_basis:" in message
    assert not audit_log_path(tmp_path).exists()  # a refusal is not an access


def test_catalog_loads_listed_personal_data_and_audits_it(catalog, tmp_path):
    (tmp_path / "ethics.yml").write_text(REGISTERED, encoding="utf-8")
    catalog.user = "kim"
    frame = catalog.load("households")
    assert len(frame) == 50
    narrow = catalog.load("households", columns=["법정동코드"], purpose="긴급 지원 대상 확인")
    catalog.load("open_households")  # public: not audited

    log = AuditLog(audit_log_path(tmp_path))
    assert log.verify() == 2
    first, second = log.entries()
    assert first["dataset"] == "households"
    assert first["user"] == "kim"
    assert first["purpose"] == "복지 사각지대 가구 발굴"
    assert first["rows"] == 50
    assert first["columns"] == [str(c) for c in frame.columns]
    assert first["sha256"] == frame_sha256(frame)
    assert second["purpose"] == "긴급 지원 대상 확인"
    assert second["columns"] == ["법정동코드"]
    assert second["sha256"] == frame_sha256(narrow)


def test_access_errors_are_workbench_errors():
    assert issubclass(AccessDeniedError, WorkbenchError)
