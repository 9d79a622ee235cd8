"""A project that holds personal data of another agency, with real Ed25519 keys.

``people`` makes keys in a keys folder outside the project (as ``workbench keys new``
does) and ``trusted`` writes the project's ``trust.yml`` listing the ones given.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from workbench.governance import new_key

CATALOG = """\
datasets:
  welfare_recipients:
    title: 기초생활 수급 가구
    owner: 보건복지부
    source: data/recipients.csv
    format: csv
    encoding: cp949
    sensitivity: personal
    columns:
      가구ID: {type: str}
      시군구: {type: str}
      가구원수: {type: int}
      월소득: {type: int}
"""
ETHICS = """\
project: 복지사각지대-2026
purpose: 복지 사각지대 가구 발굴
legal_basis: 사회보장급여법 제12조
datasets:
  welfare_recipients:
    purpose: 복지 사각지대 가구 발굴
    legal_basis: 사회보장급여법 제12조
"""
PURPOSE = "복지 사각지대 가구 발굴"
BASIS = "사회보장급여법 제12조"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "catalog.yml").write_text(CATALOG, encoding="utf-8")
    (root / "ethics.yml").write_text(ETHICS, encoding="utf-8")
    rows = "가구ID,시군구,가구원수,월소득\r\n" + "".join(
        f'H{i:04d},{["종로구", "중구", "용산구"][i % 3]},{1 + i % 4},"{1_200_000 + i * 1000:,}"\r\n'
        for i in range(30)
    )
    (root / "data" / "recipients.csv").write_bytes(rows.encode("cp949"))
    monkeypatch.chdir(root)
    monkeypatch.delenv("WORKBENCH_CATALOG_PATH", raising=False)
    monkeypatch.setenv("WORKBENCH_KEYS_DIR", str(tmp_path / "keys"))
    return root


@pytest.fixture
def people(tmp_path: Path, project: Path):
    """Make the keys of the people of the tests (folders outside the project)."""
    folder = tmp_path / "keys"
    specs = {
        "steward": ("박민지", "보건복지부", ["steward"], "parkmj"),
        "other_steward": ("이도윤", "국토교통부", ["steward"], "leedy"),
        "checker": ("최검토", "통계청", ["checker"], "choi"),
        "checker2": ("정심사", "행정안전부", ["checker"], "jung"),
        "stranger": ("한외부", "보건복지부", ["steward", "checker"], "han"),
    }
    return {
        key: new_key(name, agency, roles, user=user, folder=folder / key)
        for key, (name, agency, roles, user) in specs.items()
    }


def write_trust(project: Path, cards) -> Path:
    path = project / "trust.yml"
    entries = [card.trust_entry() for card in cards]
    path.write_text(yaml.safe_dump({"people": entries}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def trusted(project: Path, people) -> Path:
    """trust.yml listing everyone but the stranger."""
    return write_trust(project, [c for k, c in people.items() if k != "stranger"])
