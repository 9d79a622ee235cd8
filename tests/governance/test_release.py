"""release.zip: the released run with every finding, decision, signature and grant; verified."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from test_grants import granted
from test_signoff import LOADS_PERSONAL, check, held_run
from typer.testing import CliRunner

from conftest import write_trust
from workbench.cli import app
from workbench.governance._signing import digest

pytestmark = pytest.mark.kernel
RESULT = "results/recipients_by_region.csv"


@pytest.fixture
def released(project, trusted, people) -> tuple[Path, Path]:
    grant = granted(project, people["steward"], columns=["시군구", "가구원수"])
    run, ids = held_run(project, LOADS_PERSONAL)
    every = [a for i in ids for a in ("--approve", i)]
    for checker in ("checker", "checker2"):
        key = str(people[checker].path)
        done = check(run, *every, "--reason", "구 단위 합계", "--sign", "--key", key)
    assert done.exit_code == 0, done.output
    return run / "release.zip", grant


def verify(package: Path, *args: str):
    return CliRunner().invoke(app, ["verify", str(package), *args])


def test_the_release_package_lists_everything_and_verifies_elsewhere(
    released, project, tmp_path, monkeypatch
):
    package, grant_file = released
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        release = json.loads(archive.read("release.json"))
    assert names == {"manifest.json", "report.html", "release.json", RESULT}
    grant = json.loads(grant_file.read_text("utf-8"))
    assert [g["id"] for g in release["grants"]] == [grant["id"]]
    assert release["required"] == 2 and release["personal"] is True
    assert {d["body"]["checker"]["name"] for d in release["decisions"]} == {"최검토", "정심사"}
    assert {p["name"] for p in release["people"]} == {"최검토", "정심사", "박민지"}
    assert all(f["approved"] for f in release["findings"] if f["severity"] == "fail")

    here = verify(package, "--trust", str(project / "trust.yml"))
    assert here.exit_code == 0, here.output
    assert "검증 통과" in here.output and "서명된 결정 " in here.output

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no project, no trust.yml: signatures and hashes only
    away = verify(package)
    assert away.exit_code == 0, away.output
    assert "대조하지 않았습니다" in away.output


def test_one_changed_byte_fails_verification(released):
    package, _ = released
    with zipfile.ZipFile(package) as archive:
        info = archive.getinfo(RESULT)
    data = bytearray(package.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 2] ^= 0x01
    package.write_bytes(bytes(data))
    result = verify(package)
    assert result.exit_code == 1 and "검증 실패" in result.output


def test_a_result_changed_with_its_hashes_recomputed_still_fails(released):
    package, _ = released
    with zipfile.ZipFile(package) as archive:
        contents = {n: archive.read(n) for n in archive.namelist()}
    contents[RESULT] = contents[RESULT].replace("중구".encode(), "동구".encode())
    manifest = json.loads(contents["manifest.json"])
    for record in manifest["results"]:
        record["sha256"] = hashlib.sha256(contents[record["path"]]).hexdigest()
    contents["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    release = json.loads(contents["release.json"])
    for member in ("manifest.json", RESULT):
        release["files"][member] = hashlib.sha256(contents[member]).hexdigest()
    contents["release.json"] = json.dumps(release, ensure_ascii=False).encode()
    assert digest(manifest["results"]) != release["decisions"][0]["body"]["results"]
    with zipfile.ZipFile(package, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    result = verify(package)
    assert result.exit_code == 1
    assert "이 실행의 이 결과에 대한 것이 아닙니다" in result.output


def test_a_signer_unknown_here_is_reported(released, people, tmp_path):
    package, _ = released
    other = write_trust(tmp_path, [people["checker"]])  # a center that knows one checker
    result = verify(package, "--trust", str(other))
    assert result.exit_code == 1 and "정심사(행정안전부)" in result.output
