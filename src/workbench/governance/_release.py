"""``release.zip``: what leaves, with every finding, decision, signature and grant; verified.

The package holds the report (``report.html``, ``report.pdf`` when there is one), the
released results, the run's ``manifest.json`` and ``release.json``: the sha256 of every
other member, every finding of the gate, every signed decision, the people who signed
(name, agency, roles, public key) and the grants the run used. It is written with fixed
timestamps in name order, so the same release gives the same bytes.

:func:`verify_release` needs only the file (and, to check that the signers are trusted
here, a trust record): every member's hash, every signature, that each decision is for
this run and these results, and that the rule of independent checkers holds.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workbench._io import atomic_path
from workbench.governance._decisions import tally
from workbench.governance._errors import VerifyError
from workbench.governance._korean import particle
from workbench.governance._signing import digest, read_public_key
from workbench.governance._trust import Person, Trust

__all__ = ["RELEASE_JSON", "RELEASE_KIND", "verify_release", "write_release"]

RELEASE_JSON = "release.json"
RELEASE_KIND = "workbench.release"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_release(path: Path, members: Mapping[str, Path], release: dict[str, Any]) -> Path:
    """Write ``release.zip``: ``members`` (name in the zip -> file) and ``release.json``.

    ``release`` is completed with ``files`` (the sha256 of every member).
    """
    contents = {name: Path(file).read_bytes() for name, file in sorted(members.items())}
    files = {name: hashlib.sha256(data).hexdigest() for name, data in contents.items()}
    document = {**release, "kind": RELEASE_KIND, "files": files}
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    with atomic_path(path, fsync=True) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        for name, data in contents.items():
            _member(archive, name, data)
        _member(archive, RELEASE_JSON, text.encode("utf-8"))
    return path


def _people(release: dict[str, Any], problems: list[str]) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for item in release.get("people", []):
        try:
            public = read_public_key(str(item["public_key"]))
            person = Person(
                str(item["name"]),
                str(item["agency"]),
                tuple(item.get("roles", [])),
                str(item["key_id"]),
                public,
                str(item.get("user", "")),
                RELEASE_JSON,
            )
        except (KeyError, ValueError) as exc:
            problems.append(f"{RELEASE_JSON}의 서명자 항목을 읽을 수 없습니다: {exc}")
            continue
        people[person.key_id] = person
    return people


def _read(path: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    try:
        with zipfile.ZipFile(path) as archive:
            contents = {info.filename: archive.read(info) for info in archive.infolist()}
    except (OSError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise VerifyError(
            f"{particle(path, '은')} 읽을 수 없는 반출 꾸러미입니다(손상되었거나 바뀜): {exc}",
            problems=[str(exc)],
        ) from None
    try:
        release = json.loads(contents.pop(RELEASE_JSON).decode("utf-8"))
    except (KeyError, ValueError) as exc:
        raise VerifyError(
            f"{path}: {RELEASE_JSON}이 없거나 읽을 수 없습니다({exc}).", problems=[str(exc)]
        ) from None
    return contents, release


def _check_files(contents: dict[str, bytes], release: dict[str, Any], problems: list[str]) -> None:
    listed = release.get("files", {})
    for name in sorted(set(listed) | set(contents)):
        if name not in contents:
            problems.append(f"{particle(name, '이')} 꾸러미에서 빠졌습니다")
        elif name not in listed:
            problems.append(
                f"{particle(name, '은')} {RELEASE_JSON}에 없는 파일입니다(나중에 추가됨)"
            )
        elif hashlib.sha256(contents[name]).hexdigest() != listed[name]:
            problems.append(
                f"{particle(name, '이')} 바뀌었습니다(sha256이 {particle(RELEASE_JSON, '과')} 다름)"
            )


def _check_trust(people: dict[str, Person], trust: Trust | None, problems: list[str]) -> bool:
    if trust is None or not trust.in_effect:
        return False
    for person in people.values():
        here = trust.people.get(person.key_id)
        if here is None or (here.name, here.agency, set(here.roles)) != (
            person.name,
            person.agency,
            set(person.roles),
        ):
            problems.append(
                f"서명자 {person.label()}의 키({person.key_id})가 이 컴퓨터의 신뢰 목록에 없거나 "
                "이름·기관·역할이 다릅니다"
            )
    return True


def verify_release(path: str | Path, trust: Trust | None = None) -> dict[str, Any]:
    """Check a release package; return its ``release.json`` when everything holds.

    Raises
    ------
    VerifyError
        Listing every problem: a member changed, added or missing; a signature that does
        not match; a decision for another run or other results; a finding released
        without the approvals the rule asks; a signer not in ``trust`` (when given).
    """
    path = Path(path)
    contents, release = _read(path)
    problems: list[str] = []
    if release.get("kind") != RELEASE_KIND:
        problems.append(f"{RELEASE_JSON}의 kind가 {RELEASE_KIND}가 아닙니다")
    _check_files(contents, release, problems)
    people = _people(release, problems)
    trusted_here = _check_trust(people, trust, problems)
    signers = Trust(people, [])
    manifest = json.loads(contents.get("manifest.json", b"{}") or b"{}")
    results = digest(manifest.get("results", []))
    for record in manifest.get("results", []):
        data = contents.get(str(record.get("path")))
        if data is not None and hashlib.sha256(data).hexdigest() != record.get("sha256"):
            problems.append(f"{record['path']}의 내용이 실행 기록(manifest.json)과 다릅니다")
    for envelope in release.get("decisions", []):
        person, why = signers.signer(envelope)
        body = envelope.get("body", {})
        if person is None:
            problems.append(f"결정 {str(envelope.get('id', ''))[:12]}: {why}")
        elif body.get("run_id") != release.get("run_id") or body.get("results") != results:
            problems.append(f"{person.label()}의 결정은 이 실행의 이 결과에 대한 것이 아닙니다")
    for envelope in release.get("grants", []):
        person, why = signers.signer(envelope)
        if person is None:
            problems.append(f"허가 grant-{str(envelope.get('id', ''))[:12]}: {why}")
    fails = [f["id"] for f in manifest.get("findings", []) if f.get("severity") == "fail"]
    tallies = tally(
        fails,
        release.get("decisions", []),
        signers,
        run_id=str(release.get("run_id")),
        required=int(release.get("required", 1)),
        author=str(release.get("author") or ""),
    )
    for finding, counted in tallies.items():
        if not counted.released:
            problems.append(f"점검 항목 {finding}: {counted.status()}")
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise VerifyError(
            f"{path}: 반출 꾸러미 검증 실패 ({len(problems)}건)\n{lines}", problems=problems
        )
    release["trusted_here"] = trusted_here
    return release
