"""Keyed digests of the values a finding matched, so that approvals bind to content.

A finding's id is made from where it is (its rule and location, as data) and from an
HMAC-SHA256 of the values it matched (the raw cells of a column, the texts of an output).
The values are never stored; the digest is, and without the key it cannot be turned back
into a value by trying every resident number or name.

The key is random, made once, and kept outside every run folder and every result:

1. ``$WORKBENCH_APPROVAL_KEY`` (at least 32 hex digits), for a batch spread over several
   machines (every worker must make the same ids);
2. else the file ``$WORKBENCH_APPROVAL_KEY_FILE`` (e.g. on the batch's shared storage);
3. else ``.workbench/approval.key`` in the project (git-ignored), when there is one;
4. else ``approval.key`` in the user's configuration folder
   (``$XDG_CONFIG_HOME/workbench``, by default ``~/.config/workbench``).

A key file is created with mode 0600, atomically (two processes starting at once agree on
one key).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from workbench.exceptions import ParameterError

__all__ = ["KEY_ENV", "KEY_FILE_ENV", "approval_key", "key_path", "value_digest"]

#: The key itself, as hex (a batch on several machines).
KEY_ENV = "WORKBENCH_APPROVAL_KEY"
#: A file holding the key (created if missing).
KEY_FILE_ENV = "WORKBENCH_APPROVAL_KEY_FILE"
KEY_NAME = "approval.key"
_KEY_BYTES = 32
#: Characters of the hex digest kept in a finding (64 bits: collisions are not a concern
#: for the handful of findings of one run, and ids stay readable).
DIGEST_CHARS = 16


def key_path() -> Path:
    """Return the key file used when no key is given in the environment."""
    from workbench import config

    given = os.environ.get(KEY_FILE_ENV)
    if given:
        return Path(given).expanduser()
    project = config.find_project()
    if project is not None:
        return project / config.STATE_DIR / KEY_NAME
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "workbench" / KEY_NAME


def _read_key(path: Path) -> bytes:
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (UnicodeDecodeError, ValueError) as exc:
        raise ParameterError(
            f"승인 키 파일 {path}의 내용이 16진수 키가 아닙니다. 파일을 지우면 새 키를 "
            "만듭니다(이전 실행의 승인 ID는 다시 승인해야 합니다)."
        ) from exc
    if len(key) < 16:
        raise ParameterError(f"승인 키 파일 {path}의 키가 너무 짧습니다(16바이트 이상 필요).")
    return key


def _create_key(path: Path) -> bytes:
    """Write a new random key to ``path`` (0600) unless another process just did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(_KEY_BYTES) + "\n")
        with contextlib.suppress(FileExistsError):  # the key exists: the other one wins
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return _read_key(path)


@cache
def _key_for(source: str) -> bytes:
    if source.startswith("env:"):
        try:
            key = bytes.fromhex(source.removeprefix("env:").strip())
        except ValueError as exc:
            raise ParameterError(
                f"${KEY_ENV}는 16진수 키여야 합니다(예: `python -c 'import secrets; "
                "print(secrets.token_hex(32))'`로 만든 값)."
            ) from exc
        if len(key) < 16:
            raise ParameterError(f"${KEY_ENV}의 키가 너무 짧습니다(16진수 32자 이상).")
        return key
    path = Path(source.removeprefix("file:"))
    return _read_key(path) if path.is_file() else _create_key(path)


def approval_key() -> bytes:
    """Return the key of the finding digests (see the module docstring for where it lives)."""
    given = os.environ.get(KEY_ENV)
    return _key_for(f"env:{given}" if given else f"file:{key_path()}")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 3.0 in a float column and 3 in an int column: one value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN
    except (TypeError, ValueError):  # pandas.NA has no truth value
        return True


def value_digest(values: Iterable[Any]) -> str | None:
    """Return a keyed digest of the distinct values, or None when there are none.

    Order and repetition do not count (a table sorted differently shows the same
    values); missing values are left out.

    Examples
    --------
    >>> value_digest(["b", "a", "a"]) == value_digest(["a", "b"])
    True
    >>> value_digest([]) is None
    True
    """
    distinct = sorted({_text(v) for v in values if not _missing(v)})
    if not distinct:
        return None
    payload = json.dumps(distinct, ensure_ascii=False).encode("utf-8")
    return hmac.new(approval_key(), payload, hashlib.sha256).hexdigest()[:DIGEST_CHARS]
