"""Korean particles for this package's messages: the shared rule of :mod:`workbench._korean`.

Every message of this package names a grant, a finding, a checker or a file; the
particle after the name must agree with its last sound (``키를``, ``파일을``), never
``을(를)``. Messages written as templates live in ``_MESSAGES`` (:func:`message`).
"""

from __future__ import annotations

from workbench._korean import Catalogue, with_josa

__all__ = ["message", "particle"]

_MESSAGES = {
    "key_not_base64": "base64로 적힌 공개 키가 아닙니다 (A-Z, a-z, 0-9, +, /, = 로 된 44자)",
    "key_length": "Ed25519 공개 키는 {expected}바이트인데 이 값은 {got}바이트입니다",
}

_PAIRS = {"을": "을/를", "이": "이/가", "은": "은/는", "과": "과/와", "으로": "으로/로"}


def particle(word: object, with_consonant: str) -> str:
    """Return ``word`` followed by the right form of a particle.

    ``with_consonant`` is the form used after a final consonant (을, 이, 은, 과, 으로).

    Examples
    --------
    >>> particle("김철수", "이"), particle("키", "을"), particle("grant-3a9f", "은")
    ('김철수가', '키를', 'grant-3a9f는')
    >>> particle("서울", "으로"), particle("파일", "으로"), particle("행정안전부", "으로")
    ('서울로', '파일로', '행정안전부로')
    """
    return with_josa(word, _PAIRS[with_consonant])


#: Render one of the templates above: ``message("key", field=value)``.
message = Catalogue(_MESSAGES)
