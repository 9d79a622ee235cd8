"""Korean particles chosen by the final consonant of the word before them.

Every message of this package names a grant, a finding, a checker or a file; the
particle after the name must agree with its last sound (``키를``, ``파일을``), never
``을(를)``. Digits and Latin letters are read as Koreans read them aloud.
"""

from __future__ import annotations

__all__ = ["particle"]

# Digits read as Sino-Korean numbers: 영 일 이 삼 사 오 육 칠 팔 구 (batchim, is it ㄹ).
_DIGITS = {"0": (True, False), "1": (True, True), "3": (True, False), "6": (True, False)}
_DIGITS |= {"7": (True, True), "8": (True, True)}
# Latin letters whose English name ends in a consonant sound (엘, 엠, 엔, 알).
_LETTERS = {"l": (True, True), "m": (True, False), "n": (True, False), "r": (True, True)}
_PAIRS = {"을": "를", "이": "가", "은": "는", "과": "와", "으로": "로", "이에요": "예요"}


def _final(word: str) -> tuple[bool, bool]:
    """Return (has a final consonant, that consonant is ㄹ) for the last readable letter."""
    for char in reversed(word.strip()):
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            jong = code % 28
            return jong != 0, jong == 8
        if char.isdigit():
            return _DIGITS.get(char, (False, False))
        if char.isalpha():
            return _LETTERS.get(char.lower(), (False, False))
    return False, False


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
    text = str(word)
    consonant, rieul = _final(text)
    if with_consonant == "으로":
        return text + ("으로" if consonant and not rieul else "로")
    return text + (with_consonant if consonant else _PAIRS[with_consonant])
