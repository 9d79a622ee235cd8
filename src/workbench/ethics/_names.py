"""Tell a list of Korean personal names from its values, whatever its header.

A bare name (``김민준``) has no context of its own, so one value decides nothing; a
column does (or the lines of printed text, the cells of a displayed table, the words of a
printed list). The evidence, computed over the distinct values with Arrow compute
functions and numpy (no Python loop over values; a large column is sampled):

1. **Shape.** A plausible name is Hangul only: a surname of the census table
   (:data:`SURNAME_FILE`, compound surnames such as 남궁 included) and one or two
   syllables that all occur in given names (:data:`GIVEN_NAME_FILE`), 2-4 syllables in
   all. Most names have three syllables, so at least half the plausible values must have
   3-4 (two-syllable words such as 정상 or 한신 are common; 외자 names are not).
2. **Public names are not personal.** Values shaped like a 행정동/법정동/읍/면/리
   (``이문동``, ``신당5동``, ``종로1.2.3.4가동``), 시도 and 시군구 names (the bundled region
   table), apartment complexes, companies, facilities, event or product titles, roles
   and ranks (주무관) never count as names, however name-like their syllables.
3. **A list of names does not repeat a suffix**: when one last syllable ends more than a
   quarter of the plausible values, they are a category list (사무관, 서기관...).
4. **Surnames at their population frequencies** (김 about 21 %, 이 15 %, 박 8 %): see
   :func:`_surname_test` -- an exact binomial test on 김+이+박 for up to 200 values, a
   G-test (likelihood ratio) with an effect-size floor above.

A list is names when it has at least :data:`MIN_DISTINCT` (5) distinct values, at least
:data:`MIN_PLAUSIBLE` of them plausible and the checks above pass. Five is the minimum
because fewer words that look like names are common by chance (a table of three staff);
up to about 8 values no surname test can reject anything (the chance that 5 real names
hold no 김, 이 or 박 is 5 %), so small lists are decided on shape alone, with a lower
confidence.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.ethics import _regex as rx
from workbench.ethics._rules import COMPOUND_SURNAMES, NAME_STOPWORDS, SIDO

__all__ = [
    "GIVEN_NAME_FILE",
    "MAX_EFFECT",
    "MIN_DISTINCT",
    "MIN_PLAUSIBLE",
    "SURNAME_FILE",
    "WORD_SPLIT",
    "NameEvidence",
    "TextNames",
    "name_evidence",
    "name_part",
    "name_syllables",
    "names_in_text",
    "plausible_names",
    "words_of",
]

_DATA = Path(__file__).resolve().parent / "data"
SURNAME_FILE = _DATA / "surnames.csv"
GIVEN_NAME_FILE = _DATA / "given_names.txt"
# The region table belongs to the catalog (workbench.samples.REGION_FILE reads it too);
# it is read here as a file, since ethics does not import the catalog.
_REGION_FILE = Path(__file__).resolve().parent.parent / "catalog" / "data" / "regions.csv"

MIN_DISTINCT = 5  # fewer distinct values than this are too few to call a list names
MIN_PLAUSIBLE = 0.7  # share of the distinct values that must be plausible names
MIN_LONG = 0.5  # share of plausible values with 3-4 syllables (외자 names are rare)
MAX_EFFECT = 0.5  # Cohen's w above which a rejected surname fit means "not names"
SAMPLE = 20_000  # values read from a larger column to decide (the count reads all)
_SMALL = 200  # up to this many values, the exact binomial test instead of the G-test
_MAX_ENDING = 0.25  # share of plausible values one last syllable may end
_Z_999 = 3.0902  # standard normal quantile of 0.999, for the chi-square critical value

# Public names, by shape. RE2 syntax (pyarrow.compute). Words that could also sit inside a
# name (전시 in 전시후, 공연 in 공연희) are matched only at the end of a value.
_DONG = r"^[가-힣][가-힣0-9.·,]*(?:동|가|읍|면|리)$"
_CONTAINS = (
    r"아파트|빌라|맨션|오피스텔|하이츠|캐슬|팰리스|타운|타워|빌딩|프라자|플라자|"
    r"래미안|푸르지오|힐스테이트|아이파크|더샵|편한세상|롯데|"
    r"\(주\)|㈜|주식회사|\(유\)|유한회사|\(사\)|㈔|사단법인|재단법인|\(재\)|협동조합|"
    r"축제|박람회|공모전|설명회|페스티벌|세미나|포럼|캠페인|이벤트|상품권|패키지|에디션|한마당"
)
_SUFFIX = (
    r"(?:센터|학교|대학|유치원|어린이집|병원|의원|보건소|약국|공원|도서관|복지관|체육관|회관|"
    r"박물관|미술관|문화원|경찰서|소방서|세무서|파출소|지구대|우체국|청|청사|터미널|공항|역|"
    r"시장|교회|성당|사|수영장|경기장|운동장|경로당|요양원|연구소|연구원|진흥원|사무소|출장소|"
    r"산업|건설|전자|상사|물산|제약|식품|은행|증권|보험|화학|통상|유통|공사|공단|협회|조합|재단|"
    r"그룹|마을|대로|로|대교|천|강|산|섬|호수|광장|단지|상가|주공|자이|"
    r"행사|대회|공연|전시|전시회|경연|기념|선물|세트|강좌|교실|캠프|투어|시즌|마켓|잔치)$"
)
_PUBLIC = f"{_DONG}|{_CONTAINS}|{_SUFFIX}"
# Whole values that are roles, ranks and forms of address, not names (주무관, 이사관).
_ROLES = (
    "주무관", "사무관", "서기관", "이사관", "부이사관", "관리관", "주사", "주사보", "서기",
    "서기보", "사무원", "연구관", "연구사", "지도관", "지도사", "교감", "교장", "교사", "교수",
    "부교수", "조교수", "원장", "소장", "계장", "반장", "주임", "대리", "과장", "차장", "부장",
    "팀장", "실장", "국장", "본부장", "이사", "상무", "전무", "사장", "회장", "위원", "위원장",
    "간사", "조교", "강사", "담당자", "담당관", "미정", "공석", "본인", "대리인", "보호자",
    "신청인", "민원인", "세대주", "배우자", "자녀", "부모", "기타", "없음", "해당없음",
)  # fmt: skip
_HANGUL_NAME = r"^[가-힣]{2,4}$"


@dataclass(frozen=True)
class NameEvidence:
    """What the values of one list say about holding personal names.

    Attributes
    ----------
    names : bool
        Whether the list is a list of personal names.
    confidence : float
        0-1: the share of plausible names, lowered for small lists and where the surname
        test could not be run.
    distinct : int
        Distinct values read.
    plausible : float
        Share of them that are plausible names.
    long : float
        Share of the plausible ones with 3-4 syllables.
    g_statistic : float or None
        The surname G-test's statistic; None when too few values (binomial test).
    effect : float
        Cohen's w of the G-test (``sqrt(G / n)``), 0 without one.
    rejected : bool
        Whether the surname test rejects population frequencies with a large effect.
    """

    names: bool
    confidence: float
    distinct: int
    plausible: float
    long: float
    g_statistic: float | None
    effect: float
    rejected: bool


@cache
def _surnames() -> tuple[pa.Array, np.ndarray]:
    """Return the surnames (Arrow, for index_in) and their population shares (sum 1)."""
    with SURNAME_FILE.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(line for line in stream if not line.startswith("#")))
    names = [row["성씨"] for row in rows]
    shares = np.array([float(row["비율"]) if row["비율"] else np.nan for row in rows])
    rest = np.isnan(shares)
    shares[rest] = max(0.0, 1.0 - np.nansum(shares)) / max(1, int(rest.sum()))
    return pa.array(names, pa.string()), shares / shares.sum()


@cache
def _given_syllables() -> pa.Array:
    text = GIVEN_NAME_FILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return pa.array(sorted(set("".join("".join(line.split()) for line in lines))), pa.string())


@cache
def _public_names() -> pa.Array:
    """Return whole values that are public names, roles and forms of address.

    시도 and 시군구 names whole and without their 시/군/구 (강남구, 강남; 수원시 장안구 as
    수원시, 수원, 장안구, 장안).
    """
    names = set(SIDO) | set(_ROLES) | set(NAME_STOPWORDS)
    with _REGION_FILE.open(encoding="utf-8") as stream:
        body = (line for line in stream if not line.startswith("#"))
        for row in csv.DictReader(body):
            for name in (row["시도명"], *row["시군구명"].split()):
                if name:
                    names.add(name)
                    if len(name) > 2 and name[-1] in "시군구도":
                        names.add(name[:-1])
    return pa.array(sorted(names), pa.string())


@cache
def name_syllables() -> tuple[frozenset[str], frozenset[str]]:
    """Return the surnames and the given-name syllables, as Python sets (for one text)."""
    return frozenset(_surnames()[0].to_pylist()), frozenset(_given_syllables().to_pylist())


@cache
def _lookups() -> tuple[dict[str, int], frozenset[str], frozenset[str]]:
    """Return the surname index, public names and given-name syllables as Python objects."""
    names = _surnames()[0].to_pylist()
    index = {name: i for i, name in reversed(list(enumerate(names)))}  # the first, as index_in
    return index, frozenset(_public_names().to_pylist()), frozenset(_given_syllables().to_pylist())


def _flag(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if array.null_count:
        array = pc.fill_null(array, False)
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _is_public(values: pa.Array) -> np.ndarray:
    """Which values are known public names, roles or placeholders (:func:`_public_names`)."""
    if len(values) > rx.SMALL_VALUES:
        return _flag(pc.is_in(values, value_set=_public_names()))
    public = _lookups()[1]
    return np.fromiter((v in public for v in values.to_pylist()), dtype=bool, count=len(values))


@cache
def _title_suffix() -> str:
    """Return the pattern of a role after a name (``김민준 주무관``, ``김민준(팀장)``)."""
    roles = "|".join(sorted(set(_ROLES) | set(NAME_STOPWORDS), key=len, reverse=True))
    return r"(?:\s+|\s*[(（]\s*)(?:" + roles + r")\s*[)）]?$"


def name_part(values: pa.Array) -> pa.Array:
    """Return the values trimmed, without a role written after a name.

    Examples
    --------
    >>> import pyarrow as pa
    >>> name_part(pa.array([" 김민준 주무관", "이서연(팀장)", "박지훈"])).to_pylist()
    ['김민준', '이서연', '박지훈']
    """
    values = pc.utf8_trim_whitespace(values)
    spaced = rx.search(values, r"[\s(（]")  # a role follows a space or a bracket
    if not spaced.any():
        return values
    rows = pa.array(spaced)
    return pc.replace_with_mask(values, rows, rx.replace(values.filter(rows), _title_suffix(), ""))


def plausible_names(
    values: pa.Array, *, loose: bool = False, public_shapes: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which values are plausible personal names, their syllable counts, their surnames.

    Parameters
    ----------
    values : pyarrow.Array of str
        Values as :func:`name_part` leaves them.
    loose : bool, default False
        Only the shape: Hangul, a surname and one or two more syllables, not a known
        public name or role. Once a list is known to be names, this is what is counted
        and masked, so that a name such as 김유리 (shaped like a 리) is not left out.
    public_shapes : bool, default True
        Whether a value shaped like a public name (…동, …리, …센터) is refused.

    Returns
    -------
    plausible : numpy.ndarray of bool
    length : numpy.ndarray of int
        Syllables (characters) of each value.
    surname : numpy.ndarray of int
        Index of the surname in the census table, -1 when none.

    Examples
    --------
    >>> import pyarrow as pa
    >>> ok, length, _ = plausible_names(pa.array(["김민준", "이문동", "남궁민수", "한파"]))
    >>> ok.tolist(), length.tolist()
    ([True, False, True, False], [3, 3, 4, 2])
    """
    if len(values) <= rx.SMALL_VALUES:
        return _plausible_few(values.to_pylist(), loose, public_shapes)
    table, _ = _surnames()
    length = np.asarray(pc.utf8_length(values).to_numpy(zero_copy_only=False), dtype=np.int64)
    hangul = rx.search(values, _HANGUL_NAME)
    public = _is_public(values)
    if public_shapes and not loose:
        public |= rx.search(values, _PUBLIC)
    first_two = pc.utf8_slice_codeunits(values, 0, 2)
    compound = _flag(pc.is_in(first_two, value_set=pa.array(COMPOUND_SURNAMES))) & (length >= 3)
    surname_text = pc.if_else(pa.array(compound), first_two, pc.utf8_slice_codeunits(values, 0, 1))
    index = pc.fill_null(pc.index_in(surname_text, value_set=table), -1)
    surname = np.asarray(index.to_numpy(zero_copy_only=False), dtype=np.int64)
    given_start = np.where(compound, 2, 1)
    given_length = length - given_start
    known = np.ones(len(values), dtype=bool)
    syllables = _given_syllables()
    for offset in () if loose else (1, 2, 3):
        syllable = pc.utf8_slice_codeunits(values, offset, offset + 1)
        in_given = (offset < given_start) | (offset >= length)
        known &= in_given | _flag(pc.is_in(syllable, value_set=syllables))
    ok = hangul & ~public & (surname >= 0) & (given_length >= 1) & (given_length <= 2) & known
    return ok, length, surname


def _plausible_few(
    values: list[str], loose: bool, public_shapes: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`plausible_names` of a few values, the same checks one value at a time."""
    index, public, given = _lookups()
    hangul = rx.compiled(_HANGUL_NAME).search
    shaped = rx.compiled(_PUBLIC).search if public_shapes and not loose else None
    ok = np.zeros(len(values), dtype=bool)
    length = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    surname = np.full(len(values), -1, dtype=np.int64)
    for i, value in enumerate(values):
        compound = len(value) >= 3 and value[:2] in COMPOUND_SURNAMES
        start = 2 if compound else 1
        surname[i] = index.get(value[:start], -1)
        ok[i] = (
            surname[i] >= 0
            and 1 <= len(value) - start <= 2
            and hangul(value) is not None
            and value not in public
            and (shaped is None or shaped(value) is None)
            and (loose or all(c in given for c in value[start:4]))
        )
    return ok, length, surname


def _critical_chi2(df: int) -> float:
    """Chi-square quantile 0.999 (Wilson-Hilferty approximation, within 1 % for df >= 2)."""
    h = 2.0 / (9.0 * df)
    return df * (1.0 - h + _Z_999 * math.sqrt(h)) ** 3


def _binomial_lower_tail(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), exactly."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


def _surname_test(surname: np.ndarray, weight: np.ndarray) -> tuple[float | None, float, bool]:
    """Do these surnames occur at their census shares? Returns (G, Cohen's w, rejected).

    ``weight`` counts each value once per person it stands for (its rows, or 1).
    Categories: the five largest surnames (김 이 박 최 정, 60 % of people) one by one and
    every other surname pooled, so that the thin tail of the census table (and regional
    differences in it) does not decide. Up to _SMALL values, a one-sided exact binomial
    test on the three largest (45 % of people) rejects when so few occur that the chance
    is under 1 % (none among 8 or more values); above, a G-test (likelihood-ratio test)
    rejects at the 0.1 % level when the effect is also large (Cohen's w > MAX_EFFECT: a
    word list that happens to start with surname syllables has w near 0.8, a regional
    list of real names about 0.2).
    """
    _, shares = _surnames()
    n = int(weight.sum())
    observed = np.bincount(surname, weights=weight, minlength=len(shares))
    top = np.argsort(-shares)[:5]
    if n <= _SMALL:
        k = int(observed[top[:3]].sum())
        return None, 0.0, _binomial_lower_tail(k, n, float(shares[top[:3]].sum())) < 0.01
    obs = np.append(observed[top], n - observed[top].sum())
    exp = np.append(shares[top], 1.0 - shares[top].sum()) * n
    seen = obs > 0
    g = float(2.0 * np.sum(obs[seen] * np.log(obs[seen] / exp[seen])))
    effect = math.sqrt(max(g, 0.0) / n)
    return g, effect, bool(g > _critical_chi2(len(obs) - 1) and effect > MAX_EFFECT)


def _repeated_ending(values: pa.Array) -> bool:
    """Whether one last syllable ends too many values to be names (관 in 주무관, 사무관...).

    The commonest last syllable of given names (수, 호, 희...) ends a few per cent of
    names; a category list repeats its suffix.
    """
    last = pc.utf8_slice_codeunits(values, -1, 2**31 - 1)
    counts = pc.value_counts(last).field("counts").to_numpy(zero_copy_only=False)
    return bool(counts.max() > max(2, _MAX_ENDING * len(values)))


def _sample(values: pa.Array) -> pa.Array:
    """At most SAMPLE values, evenly spread (deterministic: the same column, same sample)."""
    if len(values) <= SAMPLE:
        return values
    return values.take(pa.array(np.linspace(0, len(values) - 1, SAMPLE).astype(np.int64)))


def name_evidence(values: pa.Array) -> NameEvidence | None:
    """Weigh the evidence that a list of strings holds personal names.

    Parameters
    ----------
    values : pyarrow.Array of str
        A column's values, or lines or cells of printed text; nulls are ignored.

    Returns
    -------
    NameEvidence or None
        None when the list has fewer than :data:`MIN_DISTINCT` distinct values that
        tell (known public names, roles and placeholders, and values shaped both as a
        name and as a place, such as 김유리 or 이문동, do not) or hardly any short
        Hangul values.

    Examples
    --------
    >>> import pyarrow as pa
    >>> people = pa.array(["김민준", "이서연", "박지훈", "최수아", "정우진", "김하은"])
    >>> name_evidence(people).names
    True
    >>> places = pa.array(["이문동", "신림동", "정릉동", "강남구", "조원동", "신당5동"])
    >>> name_evidence(places) is None  # 강남구 is known, 이문동 could be 이 + 문동: too few left
    True
    >>> name_evidence(pa.array(["역삼동", "신림동", "삼성동", "청담동", "대치동"])).names
    False
    """
    values = _sample(values.drop_null())
    # Values without Hangul are never names, and name_part leaves them as they are (it
    # empties only values that are a bracketed role): when fewer than one in eleven
    # values has Hangul, fewer than one in ten is a name after it, the bar just below.
    hangul = int(rx.search(values, "[가-힣]").sum())
    if hangul == 0 or 11 * hangul < len(values):
        return None
    values = name_part(values)
    values = values.filter(_flag(pc.not_equal(values, "")))
    # One cheap pass first: a list with few short Hangul values is not names (repeated
    # non-name values such as "-" could hide many distinct names, hence a low bar).
    if len(values) and rx.search(values, _HANGUL_NAME).mean() < 0.1:
        return None
    counted = pc.value_counts(values)
    distinct, rows = counted.field("values"), counted.field("counts").to_numpy(zero_copy_only=False)
    if len(distinct) < MIN_DISTINCT:
        return None
    # Values that say nothing either way leave the count: known public names, roles and
    # placeholders (강남구, 주무관, 미정), and values both name- and place-shaped (김유리
    # and 이문동: a surname and given-name syllables, ending like a 리 or a 동).
    ok, length, surname = plausible_names(distinct)
    known = _is_public(distinct)
    either = plausible_names(distinct, public_shapes=False)[0] & ~ok
    telling = ~(known | either)
    distinct, rows = distinct.filter(pa.array(telling)), rows[telling]
    ok, length, surname = ok[telling], length[telling], surname[telling]
    if len(distinct) < MIN_DISTINCT:
        return None
    share = float(ok.mean())
    none = NameEvidence(False, 0.0, len(distinct), share, 0.0, None, 0.0, False)
    if share < MIN_PLAUSIBLE:
        return none
    long = float((length[ok] >= 3).mean())
    plausible = distinct.filter(pa.array(ok))
    # People are counted once per row, unless rows repeat the same few people (a staff
    # column): then once per distinct value.
    weight = rows[ok] if len(distinct) >= 0.5 * len(values) else np.ones(int(ok.sum()))
    g, effect, rejected = _surname_test(surname[ok], weight)
    evidence = NameEvidence(False, 0.0, len(distinct), share, long, g, effect, rejected)
    if long < MIN_LONG or rejected or _repeated_ending(plausible):
        return evidence
    # Confidence: the plausible share, times a size factor (0.8 at 5 distinct values,
    # 0.9 at 10, about 1 from 40), times 0.9 while the G-test had too few values, times
    # 0.9 when a few values fill many rows.
    size = 0.6 + 0.4 * (1.0 - 0.5 ** (len(distinct) / 5))
    tested = 1.0 if g is not None else 0.9
    spread = 1.0 if len(distinct) >= 0.1 * len(values) else 0.9
    confidence = round(min(0.95, share * size * tested * spread), 2)
    return NameEvidence(True, confidence, len(distinct), share, long, g, effect, False)


# --- names in printed text -----------------------------------------------------------

WORD_SPLIT = r"[\s,;|/·()\[\]{}'\"<>:=]+"
_MAX_GROUPS = 5  # word counts whose lines are read as the rows of one printed table
_MAX_LINES = 200  # lines read one by one as a list of words


@dataclass(frozen=True)
class TextNames:
    """Names found in printed text by reading its words as lists.

    Attributes
    ----------
    hits : numpy.ndarray of bool
        Per string: whether it holds a name of a list found to be names.
    confidence : float
        The highest confidence among those lists.
    names : tuple of str
        The distinct plausible names of those lists (to mask them).
    """

    hits: np.ndarray
    confidence: float
    names: tuple[str, ...]


def words_of(strings: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Every word of every string: the words, their string, their place in it."""
    split = pc.split_pattern_regex(pc.fill_null(strings, ""), WORD_SPLIT)
    flat = pc.list_flatten(split)
    parent = np.asarray(pc.list_parent_indices(split).to_numpy(zero_copy_only=False))
    keep = _flag(pc.not_equal(flat, ""))
    flat, parent = flat.filter(pa.array(keep)), parent[keep]
    first = np.searchsorted(parent, parent, side="left")
    return flat, parent, np.arange(len(parent)) - first


def names_in_text(strings: pa.Array) -> TextNames | None:
    """Find names in printed text: its lines read as a table, and long lines as lists.

    Lines with the same number of words (the rows of a printed DataFrame) are read
    column by column, each column a list; a line of at least :data:`MIN_DISTINCT` words
    (a printed list, ``참석자: 김민준, 이서연, ...``) is read as one list. Each list is
    weighed by :func:`name_evidence`.

    Parameters
    ----------
    strings : pyarrow.Array of str
        The lines (or texts).

    Returns
    -------
    TextNames or None
        None when no list is names.

    Examples
    --------
    >>> import pyarrow as pa
    >>> lines = ["    성명  나이", "0  김민준  34", "1  이서연  51", "2  박지훈  28",
    ...          "3  최수아  45", "4  정우진  39"]
    >>> names_in_text(pa.array(lines)).hits.tolist()
    [False, True, True, True, True, True]
    >>> names_in_text(pa.array(["참석: 김민준, 이서연, 박지훈, 최수아, 정우진"])).names
    ('김민준', '박지훈', '이서연', '정우진', '최수아')
    """
    words, parent, place = words_of(strings)
    counts = np.bincount(parent, minlength=len(strings))
    lists: list[np.ndarray] = []  # positions (in words) of each list
    sizes, size_counts = np.unique(counts[counts >= 2], return_counts=True)
    for size in sizes[np.argsort(-size_counts)][:_MAX_GROUPS]:
        rows = (counts == size)[parent]
        if int((counts == size).sum()) >= MIN_DISTINCT:
            lists += [np.flatnonzero(rows & (place == j)) for j in range(int(size))]
    starts = np.searchsorted(parent, np.arange(len(strings)))
    for i in np.flatnonzero(counts >= MIN_DISTINCT)[:_MAX_LINES]:
        lists.append(np.arange(starts[i], starts[i] + counts[i]))
    hits = np.zeros(len(strings), dtype=bool)
    confidence, found = 0.0, set()
    for positions in lists:
        column = words.take(pa.array(positions, pa.int64()))
        evidence = name_evidence(column)
        if evidence is None or not evidence.names:
            continue
        ok, _, _ = plausible_names(column, loose=True)
        hits[parent[positions[ok]]] = True
        confidence = max(confidence, evidence.confidence)
        found |= set(column.filter(pa.array(ok)).to_pylist())
    return TextNames(hits, confidence, tuple(sorted(found))) if found else None
