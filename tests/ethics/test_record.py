"""The ethics record is validated, and its thresholds reach the disclosure rules."""

import pytest

from workbench.ethics import DisclosureRules, load_ethics_record
from workbench.ethics._record import EthicsRecordError

RECORD = """\
project: 복지 사각지대 발굴
purpose: 위기가구 조기 발견
legal_basis: 사회보장급여법 제12조
datasets:
  households:
    purpose: 위기가구 발굴
    legal_basis: 사회보장급여법 제12조의2
    quasi_identifiers: [나이, 법정동코드, 가구원수]
    sensitive: [월소득]
    retention: 2027-12-31
thresholds:
  safe_threshold: 5
  safe_nk_k: 0.8
"""


def test_a_full_record_loads(tmp_path):
    path = tmp_path / "ethics.yml"
    path.write_text(RECORD, encoding="utf-8")
    record = load_ethics_record(path)
    assert record.datasets["households"].quasi_identifiers == ["나이", "법정동코드", "가구원수"]
    rules = DisclosureRules.from_mapping(record.thresholds.disclosure())
    assert rules.safe_threshold == 5 and rules.safe_nk_k == 0.8 and rules.safe_pratio_p == 0.1


def test_a_missing_record_gives_the_defaults(tmp_path):
    assert load_ethics_record(tmp_path / "ethics.yml").thresholds.safe_threshold == 10


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("thresholds:\n  safe_threshold: 0\n", "thresholds.safe_threshold"),
        ("datasets:\n  households:\n    purpose: x\n", "datasets.households.legal_basis"),
        ("purpose: x\nretension: 3년\n", "retension"),
    ],
)
def test_errors_name_the_field(tmp_path, text, field):
    path = tmp_path / "ethics.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EthicsRecordError, match=f"항목 '{field}'"):
        load_ethics_record(path)


def test_yaml_errors_name_the_line(tmp_path):
    path = tmp_path / "ethics.yml"
    path.write_text("purpose: x\ndatasets: [unclosed\n", encoding="utf-8")
    with pytest.raises(EthicsRecordError, match=r"ethics\.yml \d번째 줄"):
        load_ethics_record(path)
