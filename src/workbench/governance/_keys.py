"""Key pairs of the people who grant data or check outputs (Ed25519).

``workbench keys new`` writes the private key to a folder outside every project
(``~/.config/workbench/keys``, or ``$WORKBENCH_KEYS_DIR``), readable by its owner only
(0600), encrypted when a passphrase is given, and a small card next to it with the
owner's name, agency, roles and public key: the lines to add to ``trust.yml``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workbench.governance._errors import GovernanceError
from workbench.governance._korean import particle
from workbench.governance._signing import key_id, public_key_text

__all__ = [
    "KEYS_DIR_ENV",
    "PASSPHRASE_ENV",
    "ROLES",
    "ROLE_LABELS",
    "KeyCard",
    "keys_dir",
    "list_keys",
    "load_key",
    "new_key",
]

KEYS_DIR_ENV = "WORKBENCH_KEYS_DIR"
#: Read when a key is encrypted and no passphrase is given (scripts, tests).
PASSPHRASE_ENV = "WORKBENCH_KEY_PASSPHRASE"
#: steward: signs data-sharing grants for their agency; checker: signs output decisions.
ROLES = ("steward", "checker")
ROLE_LABELS = {"steward": "자료 관리자", "checker": "반출 검토자"}


@dataclass(frozen=True)
class KeyCard:
    """Who a key belongs to, as ``trust.yml`` lists it."""

    name: str
    agency: str
    roles: tuple[str, ...]
    public_key: str
    key_id: str
    user: str = ""
    path: Path | None = None  # the private key file

    def trust_entry(self) -> dict[str, Any]:
        """Return the entry to add under ``people:`` in trust.yml."""
        entry: dict[str, Any] = {"name": self.name, "agency": self.agency}
        entry |= {"roles": list(self.roles), "public_key": self.public_key}
        return entry | ({"user": self.user} if self.user else {})


def keys_dir() -> Path:
    """Return the folder of private keys (``$WORKBENCH_KEYS_DIR`` wins)."""
    override = os.environ.get(KEYS_DIR_ENV)
    return Path(override) if override else Path.home() / ".config" / "workbench" / "keys"


def _inside_project(folder: Path) -> Path | None:
    from workbench.config import find_project

    for here in (folder, *folder.parents):
        if (here / ".git").exists():
            return here
    return find_project(folder)


def new_key(
    name: str,
    agency: str,
    roles: list[str],
    *,
    user: str = "",
    passphrase: str | None = None,
    folder: Path | None = None,
) -> KeyCard:
    """Create a key pair; write the private key (0600) and its card; return the card.

    Raises
    ------
    GovernanceError
        For an unknown role, a blank name or agency, or a folder inside a project or a
        git repository (a private key must never be committed).
    """
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        given = particle(", ".join(bad) or "(없음)", "은")
        raise GovernanceError(
            f"역할 {given} 쓸 수 없습니다: --role에 steward(자료 관리자) 또는 "
            "checker(반출 검토자)를 주세요."
        )
    if not name.strip() or not agency.strip():
        raise GovernanceError("--name과 --agency에 키 주인의 이름과 소속 기관을 적으세요.")
    folder = (folder or keys_dir()).expanduser().resolve()
    project = _inside_project(folder)
    if project is not None:
        raise GovernanceError(
            f"{particle(folder, '은')} 프로젝트(또는 git 저장소) {project} 안에 있어 개인 키를 "
            f"둘 수 없습니다: 키가 커밋되면 누구나 서명할 수 있습니다. 기본 위치({keys_dir()})를 "
            f"쓰거나 {particle('$' + KEYS_DIR_ENV, '을')} 프로젝트 밖 폴더로 정하세요."
        )
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    kid = key_id(public)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    path = folder / f"{kid}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    card = KeyCard(
        name.strip(), agency.strip(), tuple(roles), public_key_text(public), kid, user.strip(), path
    )
    (folder / f"{kid}.json").write_text(
        json.dumps({**card.trust_entry(), "key_id": kid}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    return card


def _card(path: Path) -> KeyCard:
    data = json.loads(path.read_text(encoding="utf-8"))
    return KeyCard(
        str(data["name"]),
        str(data["agency"]),
        tuple(data.get("roles", [])),
        str(data["public_key"]),
        str(data["key_id"]),
        str(data.get("user", "")),
        path.with_suffix(".pem"),
    )


def list_keys(folder: Path | None = None) -> list[KeyCard]:
    """Return the cards of the keys in the keys folder, by name."""
    folder = folder or keys_dir()
    cards = [_card(p) for p in sorted(folder.glob("*.json")) if p.with_suffix(".pem").is_file()]
    return sorted(cards, key=lambda c: (c.name, c.key_id))


def load_key(
    path: Path | None = None, passphrase: str | None = None
) -> tuple[Ed25519PrivateKey, KeyCard]:
    """Load a private key (the only one in the keys folder when ``path`` is None).

    The passphrase, when the key has one, comes from ``passphrase`` or
    ``$WORKBENCH_KEY_PASSPHRASE``.
    """
    if path is None:
        cards = list_keys()
        if len(cards) != 1:
            have = ", ".join(f"{c.name}({c.key_id})" for c in cards) or "없음"
            raise GovernanceError(
                f"서명할 키를 정할 수 없습니다: {keys_dir()}에 있는 키 {len(cards)}개({have}). "
                "--key로 개인 키 파일을 고르거나 `workbench keys new`로 만드세요."
            )
        assert cards[0].path is not None
        path = cards[0].path
    path = Path(path)
    if not path.is_file():
        raise GovernanceError(
            f"개인 키 {particle(path, '이')} 없습니다: `workbench keys list`로 확인하세요."
        )
    secret = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV)
    try:
        private = serialization.load_pem_private_key(
            path.read_bytes(), password=secret.encode("utf-8") if secret else None
        )
    except (TypeError, ValueError) as exc:
        raise GovernanceError(
            f"개인 키 {particle(path, '을')} 열 수 없습니다: 암호가 없거나 틀렸습니다 "
            f"(--passphrase 또는 ${PASSPHRASE_ENV}). ({exc})"
        ) from None
    if not isinstance(private, Ed25519PrivateKey):
        raise GovernanceError(f"{particle(path, '은')} Ed25519 개인 키가 아닙니다.")
    card_path = path.with_suffix(".json")
    if not card_path.is_file():
        raise GovernanceError(
            f"키 카드 {particle(card_path, '이')} 없습니다: 이름과 기관을 알 수 없습니다. "
            "`workbench keys new`로 만든 키를 쓰세요."
        )
    return private, _card(card_path)
