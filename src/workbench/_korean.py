"""Korean particles (조사) chosen by how a word ends: ``을``/``를``, ``이``/``가``...

Messages name things that are not Korean words (a file ``x.csv``, a parameter
``top_n``, a number ``3``), so the final consonant (받침) is read the way a Korean
reader says the word: digits by their Sino-Korean reading (``3`` 삼 → 을), Latin
letters by their letter name (``csv`` ...브이 → 를) except that an English word
ending in ``l``, ``m``, ``n`` or ``ng`` keeps that consonant (``model`` 모델 → 을).
Quotes, brackets, dots and other marks after the word are skipped.

Written here rather than taken from a library: the maintained Hangul toolkits on PyPI
(``hgtk``) read Hangul syllables only, and every message here also names digits and
Latin names.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

__all__ = ["Catalogue", "josa", "render", "validation_problem", "with_josa"]

#: Each pair: (after a final consonant, after a vowel).
_PAIRS = {
    "을/를": ("을", "를"),
    "이/가": ("이", "가"),
    "은/는": ("은", "는"),
    "과/와": ("과", "와"),
    "와/과": ("과", "와"),
    "으로/로": ("으로", "로"),
    "이어야/여야": ("이어야", "여야"),
    "이다/다": ("이다", "다"),
    "이라는/라는": ("이라는", "라는"),
    "이나/나": ("이나", "나"),
}
_RIEUL = 8  # index of ㄹ among final consonants
# Final consonant of each digit's Sino-Korean reading: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGITS = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
# Letter names that end in a consonant: 엘 엠 엔 알.
_LETTERS = {"l": 8, "m": 16, "n": 4, "r": 8}


def _final(word: str) -> int | None:
    """Return the final consonant index (0 = none, 8 = ㄹ) of ``word`` as read aloud."""
    text = word.rstrip()
    end = len(text)
    while end and not text[end - 1].isalnum():
        end -= 1
    if not end:
        return None
    last = text[end - 1]
    if "\uac00" <= last <= "\ud7a3":
        return (ord(last) - 0xAC00) % 28
    if last in _DIGITS:
        return _DIGITS[last]
    if last.isascii() and last.isalpha():
        start = end
        while start and text[start - 1].isascii() and text[start - 1].isalpha():
            start -= 1
        letters = text[start:end]
        if len(letters) == 1 or letters.isupper():  # a letter or an acronym: letter names
            return _LETTERS.get(last.lower(), 0)
        if letters.lower().endswith("ng"):
            return 21
        return _LETTERS[last.lower()] if last.lower() in "lmn" else 0
    return None


def josa(word: object, pair: str) -> str:
    """Return the particle of ``pair`` that follows ``word``.

    Parameters
    ----------
    word : object
        The word (its ``str``), e.g. a file name, a parameter name, a number.
    pair : str
        ``"을/를"``, ``"이/가"``, ``"은/는"``, ``"과/와"``, ``"으로/로"``, ...

    >>> josa("파일", "을/를"), josa("폴더", "을/를"), josa("서울", "으로/로")
    ('을', '를', '로')
    >>> josa("x.csv", "이/가"), josa("3", "은/는"), josa("'model'", "을/를")
    ('가', '은', '을')
    """
    after_consonant, after_vowel = _PAIRS[pair]
    final = _final(str(word))
    if final is None:
        return after_consonant
    if pair == "으로/로" and final == _RIEUL:
        return after_vowel
    return after_consonant if final else after_vowel


def with_josa(word: object, pair: str) -> str:
    """Return ``word`` followed by its particle: ``with_josa("파일", "을/를") == "파일을"``."""
    return f"{word}{josa(word, pair)}"


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in _PAIRS:
            return with_josa(value, format_spec)
        return str(super().format_field(value, format_spec))


_FORMATTER = _Formatter()


def render(template: str, /, **fields: Any) -> str:
    """Fill ``template`` like :meth:`str.format`, with particles after some fields.

    A field whose format is a particle pair (``{path:이/가}``) is followed by the particle
    that fits how its value ends.

    >>> render("파일 {path:이/가} 없습니다. {n}개 중 {name!r:을/를} 고르세요.",
    ...        path="자료.csv", n=3, name="top_n")
    "파일 자료.csv가 없습니다. 3개 중 'top_n'을 고르세요."
    """
    return _FORMATTER.format(template, **fields)


#: pydantic's error types, as a person reads them (the English ``msg`` is the fallback).
_VALIDATION = {
    "missing": "꼭 있어야 하는 항목이 없습니다",
    "extra_forbidden": "알 수 없는 항목입니다 (철자를 확인하세요)",
    "string_type": "텍스트여야 합니다",
    "int_type": "정수여야 합니다",
    "int_parsing": "정수여야 합니다",
    "float_type": "숫자여야 합니다",
    "float_parsing": "숫자여야 합니다",
    "bool_type": "true 또는 false여야 합니다",
    "bool_parsing": "true 또는 false여야 합니다",
    "list_type": "목록이어야 합니다",
    "dict_type": "'이름: 값' 항목이어야 합니다",
    "model_type": "'이름: 값' 항목이어야 합니다",
    "literal_error": "{expected} 중 하나여야 합니다",
    "greater_than": "{gt}보다 커야 합니다",
    "greater_than_equal": "{ge} 이상이어야 합니다",
    "less_than": "{lt}보다 작아야 합니다",
    "less_than_equal": "{le} 이하여야 합니다",
}


class Catalogue:
    """A layer's Korean message templates: ``message(key, **fields)`` renders one.

    Each layer keeps its own dict of templates (``_MESSAGES``) and exposes
    ``message = Catalogue(_MESSAGES)``; a template's particles are chosen by :func:`render`.

    >>> message = Catalogue({"missing": "{column:이/가} 없습니다."})
    >>> message("missing", column="시군구")
    '시군구가 없습니다.'
    """

    def __init__(self, templates: Mapping[str, str]) -> None:
        self.templates = templates

    def __call__(self, key: str, /, **fields: Any) -> str:
        """Return the Korean message ``key`` filled with ``fields``."""
        return render(self.templates[key], **fields)


def validation_problem(error: Mapping[str, Any]) -> str:
    """Say one pydantic validation error (an item of ``exc.errors()``) in Korean.

    >>> validation_problem({"type": "missing", "msg": "Field required"})
    '꼭 있어야 하는 항목이 없습니다'
    >>> validation_problem({"type": "value_error", "msg": "Value error, 값이 틀립니다"})
    '값이 틀립니다'
    """
    template = _VALIDATION.get(str(error.get("type")))
    if template is None:
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return template.format(**{k: str(v) for k, v in (error.get("ctx") or {}).items()})
