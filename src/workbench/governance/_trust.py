"""``trust.yml``: whose public keys count, for which agency and which role.

A project lists the people who may grant its data or check its outputs in its own
``trust.yml``; a center shares one next to its shared catalog (in a folder on
``$WORKBENCH_CATALOG_PATH``). Both are read and merged. Governance is *in effect* for a
project as soon as one of these files exists: from then on a personal or pseudonymised
dataset needs a signed grant and held outputs need signed decisions::

    people:
      - name: 김철수
        agency: 보건복지부
        roles: [steward]        # steward: signs grants; checker: signs output decisions
        public_key: "k2N0…="    # printed by `workbench keys new`
        user: kimcs             # optional: their login, so their own runs are known
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from workbench._io import read_yaml
from workbench.governance._errors import GovernanceError
from workbench.governance._korean import particle
from workbench.governance._signing import key_id, read_public_key, signature_valid

__all__ = ["TRUST_FILE", "Person", "Trust", "load_trust", "trust_files"]

TRUST_FILE = "trust.yml"


@dataclass(frozen=True)
class Person:
    """One entry of trust.yml."""

    name: str
    agency: str
    roles: tuple[str, ...]
    key_id: str
    public: Ed25519PublicKey = field(repr=False, compare=False)
    user: str = ""
    source: str = ""  # the trust.yml that lists them

    def label(self) -> str:
        """Return how messages name the person: 이름(기관)."""
        return f"{self.name}({self.agency})"


@dataclass
class Trust:
    """The merged trust record of a project."""

    people: dict[str, Person]
    files: list[Path]

    @property
    def in_effect(self) -> bool:
        """Whether any trust.yml was found (then grants and signed decisions are required)."""
        return bool(self.files)

    def signer(self, envelope: dict[str, Any]) -> tuple[Person | None, str | None]:
        """Return (the signer, None), or (None, why the signature does not count)."""
        kid = str(envelope.get("key_id", ""))
        person = self.people.get(kid)
        where = ", ".join(str(f) for f in self.files) or TRUST_FILE
        if person is None:
            return None, (f"서명한 키 {particle(kid, '이')} 신뢰 목록({where})에 없습니다")
        if not signature_valid(envelope, person.public):
            return None, (f"{person.label()}의 서명이 내용과 맞지 않습니다(서명 뒤 파일이 바뀜)")
        return person, None


def trust_files(project: Path | None) -> list[Path]:
    """Return the trust.yml files that apply: the shared ones, then the project's."""
    from workbench.config import CATALOG_PATH_ENV

    found: list[Path] = []
    for entry in os.environ.get(CATALOG_PATH_ENV, "").split(os.pathsep):
        if entry:
            folder = Path(entry) if Path(entry).is_dir() else Path(entry).parent
            found.append(folder / TRUST_FILE)
    if project is not None:
        found.append(Path(project) / TRUST_FILE)
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return [p for p in unique if p.is_file()]


def _person(path: Path, number: int, item: Any) -> Person:
    where = f"{path}의 people {number}번째 항목"
    if not isinstance(item, dict):
        raise GovernanceError(f"{where}: name, agency, roles, public_key를 가진 항목이어야 합니다.")
    missing = [k for k in ("name", "agency", "public_key") if not str(item.get(k) or "").strip()]
    if missing:
        raise GovernanceError(f"{where}: {', '.join(missing)} 항목을 채우세요.")
    roles = item.get("roles", item.get("role", []))
    roles = [roles] if isinstance(roles, str) else list(roles or [])
    try:
        public = read_public_key(str(item["public_key"]))
    except ValueError as exc:
        raise GovernanceError(
            f"{where}({item['name']})의 public_key를 읽을 수 없습니다: {exc}. "
            "`workbench keys new`가 보여 준 값을 그대로 붙여 넣으세요."
        ) from None
    return Person(
        str(item["name"]).strip(),
        str(item["agency"]).strip(),
        tuple(str(r) for r in roles),
        key_id(public),
        public,
        str(item.get("user") or ""),
        str(path),
    )


def load_trust(project: Path | None, extra: list[Path] | None = None) -> Trust:
    """Read and merge the trust.yml files of a project (see :func:`trust_files`).

    ``extra`` files (e.g. ``workbench verify --trust``) are read after those.
    """
    files = [*trust_files(project), *(Path(p) for p in extra or [])]
    people: dict[str, Person] = {}
    for path in files:
        data = read_yaml(path, GovernanceError) or {}
        entries = data.get("people") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise GovernanceError(f"{path}: 'people:' 아래에 사람 목록을 적으세요.")
        for number, item in enumerate(entries, start=1):
            person = _person(path, number, item)
            people[person.key_id] = person
    return Trust(people, files)
