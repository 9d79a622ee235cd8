"""Complaint text, first step: mask personal information, then tokenise Korean with Kiwi.

Every later text block (trends, topics, routing, campaigns) sees only what
:func:`mask_complaints` returned: the masked text is the only text that is tokenised,
stored or shown. Tokenising uses Kiwi (kiwipiepy, with its model from the registry
package ``kiwipiepy_model``: nothing is downloaded at run time), or MeCab-ko when it is
installed (``python-mecab-ko`` with its dictionary ``python-mecab-ko-dic``, also offline).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from workbench.blocks._checks import check_choice, check_number
from workbench.blocks._messages import message, parameter_error, quoted
from workbench.exceptions import ParameterError

__all__ = [
    "ADMIN_STOPWORDS",
    "ADMIN_TERMS",
    "POS_GROUPS",
    "TOKENIZERS",
    "KoreanTokenizer",
    "mask_complaints",
    "region_words",
    "token_documents",
]

#: Part-of-speech groups a caller can choose, with Kiwi's (Sejong) tags.
POS_GROUPS: dict[str, tuple[str, ...]] = {
    "noun": ("NNG", "NNP"),
    "verb": ("VV",),
    "adjective": ("VA",),
    "root": ("XR",),
}

#: Words of administrative boilerplate: greetings, requests and thanks that every
#: complaint carries, and the words around the personal details that were masked.
_STOPWORD_TEXT = """
    안녕 안녕하다 수고 민원 민원인 부탁 감사 감사하다 요청 문의 확인 답변 회신 처리 조치
    검토 조속히 담당자 담당 주민 일동 드리다 바라다 주시다 하다 되다 있다 없다 같다 이다
    지난번 이번 현장 상황 연락처 번호 주민등록번호 명의 본인 이웃 어머니 아버지 가족
    벌써 한번 오늘 어제 내일 때문 정도 경우 관련 해당 사항 내용 말씀 생각 여기 저기
    빠르다 자세히 궁금하다 싶다 남기다 지나다 겪다 달라지다 넣다 불편 계속 근처
"""
ADMIN_STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

#: Agency, programme and complaint terms that Kiwi would otherwise split (층간/소음).
ADMIN_TERMS: tuple[str, ...] = (
    "국민신문고",
    "행정복지센터",
    "주민센터",
    "기초연금",
    "기초생활수급",
    "주거급여",
    "긴급복지",
    "장애인연금",
    "아동수당",
    "부모급여",
    "활동지원",
    "지방소득세",
    "자동차세",
    "과태료",
    "층간소음",
    "싱크홀",
    "포트홀",
    "불법주차",
    "무단투기",
    "공영주차장",
    "우선주차",
    "어린이보호구역",
    "미세먼지",
    "소각장",
)

#: The morphological analysers a tokeniser can use, with the package that provides each.
TOKENIZERS: dict[str, str] = {"kiwi": "kiwipiepy", "mecab": "python-mecab-ko"}

_PLACE = re.compile(r".+(?:동|읍|면|리|가|로|길)$")
_HANGUL = re.compile(r"[가-힣]")


def mask_complaints(texts: Iterable[Any]) -> list[str]:
    """Return the texts with personal information masked: the only text later steps see.

    A thin wrapper of :func:`workbench.ethics.mask_texts` (names in context, resident
    and foreigner numbers, phones, e-mails, addresses, account and card numbers):
    missing values become empty strings, and anything else is read as text.

    Parameters
    ----------
    texts : iterable
        Complaint texts, e.g. a DataFrame column.

    Returns
    -------
    list of str
        The masked texts, in order.

    Examples
    --------
    >>> mask_complaints(["이웃 박서연씨도 불편합니다. 회신은 010-2345-6789 번호로", None])
    ['이웃 박*연씨도 불편합니다. 회신은 010-****-6789 번호로', '']
    """
    from workbench.ethics import mask_texts

    values = [None if _missing(t) else str(t) for t in texts]
    return [t or "" for t in mask_texts(values)]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


#: Columns of the region table whose names go into the user dictionary; 읍면동명 is read
#: when the table has it (the bundled table of 2025-01-01 stops at 시군구).
_REGION_NAME_COLUMNS = ("시도명", "시군구명", "읍면동명")


def region_words() -> tuple[str, ...]:
    """Return every place name of the region tables, split into words.

    ``"수원시 장안구"`` gives ``"수원시"`` and ``"장안구"``: every 시도 and 시군구 name the
    dated table has known (so 2026's 제물포구 and 전남광주통합특별시 as well as 전라남도),
    and every 읍·면·동·리 word of the 법정동 names (``삼성동``, ``우정읍``). These go into
    the tokeniser's user dictionary, so that a place name is one token and never split
    into nouns (삼성동 is not 삼성 + 동). An agency may add more with ``places``.

    Examples
    --------
    >>> words = region_words()
    >>> "마포구" in words and "장안구" in words and "서울특별시" in words
    True
    >>> "제물포구" in words and "삼성동" in words
    True
    """
    from workbench.catalog.regions import active_snapshot, place_names

    table = active_snapshot().history
    names = {n for c in _REGION_NAME_COLUMNS if c in table.columns for n in table[c].dropna()}
    words = {word for name in names for word in str(name).split()}
    return tuple(sorted(words | set(place_names())))


@functools.lru_cache(maxsize=4)
def _kiwi(words: tuple[str, ...], places: tuple[str, ...], num_workers: int) -> Any:
    """Return a Kiwi with the user dictionary (cached: loading the model takes about a second)."""
    from kiwipiepy import Kiwi

    kiwi = Kiwi(num_workers=num_workers)
    for word in places:
        kiwi.add_user_word(word, "NNP", 0.0)
    for word in words:
        kiwi.add_user_word(word, "NNG", 0.0)
    return kiwi


@functools.lru_cache(maxsize=1)
def _mecab() -> Any:
    """Return MeCab-ko with its bundled dictionary, or say in Korean what to install."""
    try:
        import mecab
    except ImportError:
        raise ParameterError(
            "형태소 분석기 MeCab이 설치되어 있지 않습니다(tokenizer='mecab'). "
            "`pip install python-mecab-ko python-mecab-ko-dic`으로 설치하거나 "
            "tokenizer='kiwi'(기본값)를 쓰세요.",
            parameter="tokenizer",
        ) from None
    return mecab.MeCab()


def _mecab_tokens(
    texts: list[str], user_words: frozenset[str], places: frozenset[str]
) -> list[list[tuple[str, str]]]:
    """Return (form, tag) of each text's morphemes by MeCab-ko, user words joined back.

    MeCab-ko takes user words only as a compiled dictionary; instead, adjacent nouns
    that together spell a user word (층간 + 소음) or a place (삼 + 성동) become that word,
    tagged as Kiwi's user dictionary tags it (places NNP, other words NNG). A verb or
    adjective is given by its stem (생기 of 생겼), like Kiwi's.
    """
    tagger = _mecab()
    known = user_words | places
    longest = max(map(len, known), default=0)
    out = []
    for text in texts:
        morphemes = tagger.parse(text)
        tokens: list[tuple[str, str]] = []
        i = 0
        while i < len(morphemes):
            joined = _joined_user_word(morphemes, i, known, longest)
            if joined is not None:
                tokens.append((joined[0], "NNP" if joined[0] in places else "NNG"))
                i = joined[1]
                continue
            m = morphemes[i]
            tag = "NNP" if m.surface in places else m.feature.pos.split("+")[0]
            form = m.surface
            if "+" in m.feature.pos and m.feature.expression:
                form = m.feature.expression.split("/")[0]
            tokens.append((form, tag))
            i += 1
        out.append(tokens)
    return out


def _joined_user_word(
    morphemes: Sequence[Any], start: int, user_words: frozenset[str], longest: int
) -> tuple[str, int] | None:
    """Return the longest user word spelled by adjacent nouns from ``start``, and its end."""
    found = None
    text, end = "", None
    for j in range(start, len(morphemes)):
        m = morphemes[j]
        noun = m.feature.pos.startswith(("NN", "NR"))  # 삼 of 삼성동 is a numeral (NR)
        if not noun or (end is not None and m.span.start != end):
            break
        text, end = text + m.surface, m.span.end
        if len(text) > longest:
            break
        if j > start and text in user_words:
            found = (text, j + 1)
    return found


class KoreanTokenizer:
    """Split Korean texts into content words with Kiwi, boilerplate and places left out.

    Parameters
    ----------
    pos : sequence of str, default ("noun",)
        Which parts of speech to keep, from :data:`POS_GROUPS`: ``"noun"``, ``"verb"``,
        ``"adjective"``, ``"root"``. Verbs and adjectives are given as their dictionary
        form (``생기다``).
    user_words : sequence of str, optional
        Extra words for the user dictionary (agency or programme names); always added
        to :data:`ADMIN_TERMS` and the region names of :func:`region_words`.
    stopwords : iterable of str, optional
        Words to drop; default :data:`ADMIN_STOPWORDS`.
    places : sequence of str, optional
        Extra place names for the user dictionary, e.g. the agency's 읍면동 (``삼성동``);
        always added to :func:`region_words`. Left out like the others unless
        ``keep_places``.
    keep_places : bool, default False
        Keep place names (시도, 시군구 and proper nouns ending in 동, 읍, 면, 리, 가, 로,
        길). They are left out by default: the region is a column of its own, and
        place names would otherwise crowd topics.
    min_length : int, default 2
        Shortest word kept, in characters (one-syllable nouns are rarely topics, and
        masked names leave one-syllable fragments such as ``김``).
    num_workers : int, default 2
        Kiwi's threads.
    tokenizer : {"kiwi", "mecab"}, default "kiwi"
        The morphological analyser (:data:`TOKENIZERS`). ``"mecab"`` needs
        ``python-mecab-ko`` and ``python-mecab-ko-dic``; without them a
        :class:`~workbench.exceptions.ParameterError` says, in Korean, what to install.

    Examples
    --------
    >>> tokenizer = KoreanTokenizer()
    >>> tokenizer.tokenize(["안녕하세요. 마포구 합정동 도로에 싱크홀이 생겼습니다."])
    [['도로', '싱크홀']]
    >>> KoreanTokenizer(pos=("noun", "verb")).tokenize(["층간소음 때문에 잠을 못 잡니다."])
    [['층간소음', '자다']]
    """

    def __init__(
        self,
        pos: Sequence[str] = ("noun",),
        user_words: Sequence[str] = (),
        stopwords: Iterable[str] | None = None,
        places: Sequence[str] = (),
        keep_places: bool = False,
        min_length: int = 2,
        num_workers: int = 2,
        tokenizer: str = "kiwi",
    ) -> None:
        self.pos = pos
        self.user_words = user_words
        self.stopwords = stopwords
        self.places = places
        self.keep_places = keep_places
        self.min_length = min_length
        self.num_workers = num_workers
        self.tokenizer = tokenizer

    def _tags(self) -> frozenset[str]:
        groups = [self.pos] if isinstance(self.pos, str) else list(self.pos)
        unknown = [g for g in groups if g not in POS_GROUPS]
        if unknown or not groups:
            raise parameter_error(
                "not_empty_list",
                "pos",
                function="KoreanTokenizer",
                name="pos",
                what=message("pos_list", groups=quoted(POS_GROUPS)),
                expected=list(POS_GROUPS),
                got=self.pos,
                kind="choice",
            )
        return frozenset(tag for g in groups for tag in POS_GROUPS[g])

    def tokenize(self, texts: Iterable[str]) -> list[list[str]]:
        """Return the kept words of each text, in order of appearance.

        Parameters
        ----------
        texts : iterable of str
            Texts, already masked (:func:`mask_complaints`).

        Returns
        -------
        list of list of str
            One list of words per text.
        """
        tags = self._tags()
        check_number("KoreanTokenizer", "min_length", self.min_length, int, 1)
        check_choice("KoreanTokenizer", "tokenizer", self.tokenizer, list(TOKENIZERS))
        places = tuple(sorted(set(region_words()) | {str(w) for w in self.places}))
        words = tuple(sorted(set(ADMIN_TERMS) | {str(w) for w in self.user_words}))
        stop = ADMIN_STOPWORDS if self.stopwords is None else frozenset(self.stopwords)
        drop_places = frozenset(places) if not self.keep_places else frozenset()
        texts = [str(t) for t in texts]
        if self.tokenizer == "mecab":
            analysed = _mecab_tokens(texts, frozenset(words), frozenset(places))
        else:
            kiwi = _kiwi(words, places, int(self.num_workers))
            analysed = [[(t.form, t.tag) for t in tokens] for tokens in kiwi.tokenize(texts)]
        out = []
        for tokens in analysed:
            kept = []
            for form, tag in tokens:
                if tag not in tags:
                    continue
                word = form + "다" if tag in ("VV", "VA") else form
                if (
                    len(word) < self.min_length
                    or word in stop
                    or not _HANGUL.search(word)
                    or word in drop_places
                    or (not self.keep_places and tag == "NNP" and _PLACE.match(word))
                ):
                    continue
                kept.append(word)
            out.append(kept)
        return out


def token_documents(tokens: Iterable[Sequence[str]]) -> list[str]:
    """Join each text's words with spaces: the documents the TF-IDF blocks read.

    Examples
    --------
    >>> token_documents([["도로", "싱크홀"], []])
    ['도로 싱크홀', '']
    """
    return [" ".join(words) for words in tokens]
