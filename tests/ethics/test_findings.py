"""Findings: a structured location, rendered in Korean; an id bound to place and values."""

import stat

import pytest

from workbench.ethics import Finding, Location, value_digest
from workbench.ethics import _digest as digest_module


def finding(digest=None, **where):
    location = Location(**{"kind": "column", "table": "명단", "column": "성명", **where})
    return Finding("pii.person_name", "fail", location, "메시지", 3, digest=digest)


def test_a_finding_round_trips_through_its_dict():
    original = finding(value_digest(["김민준"]), file="results/명단.csv", sheet="1")
    data = original.to_dict()
    assert data["location"] == {
        "kind": "column",
        "file": "results/명단.csv",
        "sheet": "1",
        "table": "명단",
        "column": "성명",
    }
    rebuilt = Finding.from_dict(data)
    assert rebuilt == original and rebuilt.id == data["id"] == original.id


def test_labels_are_korean_and_built_from_the_fields():
    assert str(Location("parameter", parameter="담당자")) == "매개변수 '담당자'"
    assert str(Location("model", model="y", cell_number=4, output_number=2)) == (
        "노트북 셀 4의 출력 2, 회귀모형 'y'"
    )
    risk = Location("quasi_identifiers", columns=("나이", "지역"))
    assert str(risk) == "준식별자 열 (나이, 지역)"
    # An older run's location string is kept as it was, never parsed.
    assert Location.from_dict("table t, column 성명").label() == "table t, column 성명"


def test_the_id_covers_place_and_values_but_not_their_order():
    a = finding(value_digest(["김민준", "이서연"]))
    assert finding(value_digest(["이서연", "김민준", "김민준"])).id == a.id
    other = finding(value_digest(["김민준", "박지호"]))
    assert other.place == a.place and other.id != a.id
    elsewhere = finding(value_digest(["김민준", "이서연"]), column="대표자")
    assert elsewhere.id != a.id
    assert a.id.startswith("person_name-") and len(a.id.split("-")[1]) == 8
    assert "김민준" not in str(a.to_dict())


def test_the_key_lives_in_the_project_and_only_its_owner_can_read_it(tmp_path, monkeypatch):
    monkeypatch.delenv(digest_module.KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(digest_module.KEY_ENV, raising=False)
    (tmp_path / "catalog.yml").write_text("datasets: {}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    first = value_digest(["900101-1234567"])
    key = tmp_path / ".workbench" / "approval.key"
    assert key.is_file() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert value_digest(["900101-1234567"]) == first  # the same key next time
    assert not [p for p in key.parent.iterdir() if p.name != "approval.key"]  # no temp file


def test_a_key_from_the_environment_gives_the_same_ids_on_every_machine(monkeypatch):
    monkeypatch.setenv(digest_module.KEY_ENV, "ab" * 32)
    one = value_digest(["김민준"])
    monkeypatch.setenv(digest_module.KEY_ENV, "cd" * 32)
    assert value_digest(["김민준"]) != one
    monkeypatch.setenv(digest_module.KEY_ENV, "ab" * 32)
    assert value_digest(["김민준"]) == one
    monkeypatch.setenv(digest_module.KEY_ENV, "not hex")
    with pytest.raises(Exception, match="16진수"):
        value_digest(["김민준"])


def test_a_damaged_key_file_is_a_clear_error(tmp_path, monkeypatch):
    bad = tmp_path / "approval.key"
    bad.write_text("zz", encoding="ascii")
    monkeypatch.delenv(digest_module.KEY_ENV, raising=False)
    monkeypatch.setenv(digest_module.KEY_FILE_ENV, str(bad))
    with pytest.raises(Exception, match="승인 키 파일"):
        value_digest(["x"])
