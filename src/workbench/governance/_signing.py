"""Canonical JSON and Ed25519 signatures: what is signed, and how a signature is checked.

A signed document is an *envelope*: ``{"body": …, "id": …, "key_id": …, "signature": …}``.
``id`` is the sha256 of the body's canonical JSON (sorted keys, UTF-8, no spaces), so it
names the body exactly; ``signature`` is the base64 Ed25519 signature of the same bytes by
the key ``key_id`` (the first 16 hex digits of the sha256 of the raw public key). Who
owns a key is not in the envelope: it is looked up in ``trust.yml`` when checking.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from workbench.governance._korean import message

__all__ = [
    "canonical",
    "digest",
    "key_id",
    "public_key_text",
    "read_public_key",
    "sign",
    "signature_valid",
]


#: The length of an Ed25519 public key.
_KEY_BYTES = 32


def canonical(body: Any) -> bytes:
    """Return the canonical JSON bytes of ``body`` (sorted keys, UTF-8, compact).

    >>> canonical({"b": 1, "a": "가"}).decode("utf-8")
    '{"a":"가","b":1}'
    """
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def digest(body: Any) -> str:
    """Return the sha256 (hex) of the canonical JSON of ``body``."""
    return hashlib.sha256(canonical(body)).hexdigest()


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_text(public: Ed25519PublicKey) -> str:
    """Return a public key as trust.yml lists it (base64 of its 32 raw bytes)."""
    return base64.b64encode(_raw(public)).decode("ascii")


def read_public_key(text: str) -> Ed25519PublicKey:
    """Read a public key written by :func:`public_key_text`; ValueError if it is not one."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(message("key_not_base64")) from None
    if len(raw) != _KEY_BYTES:
        raise ValueError(message("key_length", expected=_KEY_BYTES, got=len(raw)))
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id(public: Ed25519PublicKey) -> str:
    """Return the short name of a public key: the first 16 hex digits of its sha256."""
    return hashlib.sha256(_raw(public)).hexdigest()[:16]


def sign(private: Ed25519PrivateKey, body: dict[str, Any]) -> dict[str, Any]:
    """Return the envelope of ``body`` signed with ``private``."""
    return {
        "body": body,
        "id": digest(body),
        "key_id": key_id(private.public_key()),
        "signature": base64.b64encode(private.sign(canonical(body))).decode("ascii"),
    }


def signature_valid(envelope: dict[str, Any], public: Ed25519PublicKey) -> bool:
    """Tell whether the envelope's id names its body and its signature is ``public``'s."""
    body = envelope.get("body")
    if not isinstance(body, dict) or envelope.get("id") != digest(body):
        return False
    try:
        signature = base64.b64decode(str(envelope.get("signature", "")), validate=True)
        public.verify(signature, canonical(body))
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True
