"""The personal-information rules, as data.

Each :class:`KindRule` says how one kind of personal information looks: a regular
expression (RE2 syntax, run by ``pyarrow.compute``), an optional validator that checks
the digits of each match, the column names that make a weaker pattern enough, and a
confidence. The logic that applies them lives in :mod:`workbench.ethics._scan`; the
check-digit arithmetic in :mod:`workbench.ethics._checkdigits`.

Patterns use ``(?:^|[^0-9])`` style edges instead of look-arounds (RE2 has none), and
name the part to validate ``(?P<v>...)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "AMBIGUOUS_CORPORATE_CONFIDENCE",
    "BLANK",
    "COMPOUND_SURNAMES",
    "CORPORATE_HINTS",
    "DECIMAL_FRACTION",
    "DECIMAL_REPLACEMENT",
    "KIND_LABELS",
    "KIND_ORDER",
    "NAME_PHRASE_WORDS",
    "NAME_STOPWORDS",
    "RANDOM_TAIL_CONFIDENCE",
    "RULES",
    "SIDO",
    "SURNAMES",
    "VALUE_GROUPS",
    "KindRule",
    "anchored",
    "exclude_replacement",
    "mask",
]

# 13-digit numbers: a person's number whose check digit fails (issued since October 2020,
# random tail) keeps this confidence; a corporate number that also reads as a birth date
# and gender digit, this one. A column named for corporations reads 13 digits as such.
RANDOM_TAIL_CONFIDENCE = 0.8
AMBIGUOUS_CORPORATE_CONFIDENCE = 0.7
CORPORATE_HINTS = r"(?i)법인|corp"

# Digit edges: a number must not be part of a longer number (or a longer code).
_L = r"(?:^|[^0-9A-Za-z])"
_R = r"(?:$|[^0-9A-Za-z])"

# The 17 시도, in full and in the short forms people write.
SIDO = (
    "서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시",
    "울산광역시", "세종특별자치시", "경기도", "강원특별자치도", "강원도", "충청북도",
    "충청남도", "전북특별자치도", "전라북도", "전라남도", "경상북도", "경상남도",
    "제주특별자치도", "서울시", "부산시", "대구시", "인천시", "광주시", "대전시", "울산시",
    "세종시", "제주도", "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종",
    "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주",
)  # fmt: skip

# Surnames that cover well over 99% of Koreans (통계청 성씨 통계), single syllable.
SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구"
    "민진지엄채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국"
    "어은편용예경봉사부가복태목형피두감음빈동온호범좌팽승간상갈단견당화창옹순빙운나"
)
COMPOUND_SURNAMES = ("남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방", "망절")

# Words that end in 님/씨 and start with a surname syllable but are not names.
NAME_STOPWORDS = (
    "고객", "선생", "부모", "사장", "교수", "과장", "부장", "차장", "대리", "팀장", "원장",
    "회장", "실장", "소장", "이사", "주임", "기사", "공주", "도련", "하느", "임금", "사모",
    "반장", "조장", "마음", "어머", "아버", "형", "주인", "손", "간호사", "조교", "상담사",
    "민원인", "신청인", "대상자", "보호자", "수급자", "아가", "아저", "가족", "장모",
    "장인", "시어머", "시아버", "할머", "할아버", "우리", "여러분", "모두", "구청장",
    "시장", "국장", "계장", "주무관", "도지사", "군수", "구청", "동장", "이장", "통장",
    "강사", "간사", "변호사", "세무사", "노무사", "선배", "이모", "고모", "감독", "목사",
    "신부", "박사", "전도사", "위원장", "위원", "장관", "차관", "단장", "조부모", "형수",
    "제수", "사부", "도사", "선장", "기장", "반장", "정비사", "설계사", "복지사",
)  # fmt: skip

# Words that follow 성명/이름 in a phrase about a name, not a name (변경 is also 변 + 경).
NAME_PHRASE_WORDS = (
    "변경", "정정", "수정", "확인", "기재", "누락", "오류", "불일치", "일치", "표기", "조회",
    "입력", "검색", "공개", "비공개", "삭제", "등록", "중복", "미기재", "기입", "작성", "서명",
    "동의", "항목", "필수", "선택", "신청", "요청", "정보", "란", "칸", "및", "등", "변경신청",
    "정정신청", "철자", "표시", "가림", "마스킹", "비교", "대조", "검증", "인증", "오기",
)  # fmt: skip

_SUR = "[" + SURNAMES + "]"
_COMP = "(?:" + "|".join(COMPOUND_SURNAMES) + ")"
_NAME = "(?:" + _COMP + "|" + _SUR + r")[가-힣]{1,2}"
_SIDO = "(?:" + "|".join(sorted(SIDO, key=len, reverse=True)) + ")"
_PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자하허호배"
_REGIONS = "서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산"

# Road-name addresses (도로명주소법): road name, building number (지하 for underground
# buildings, 부번 after a hyphen); lot-number addresses: 동/리/가, 산 lots, 부번, 번지.
# Either may go on with a 상세주소 (동, 층, 호: 101동 1203호, 3층 301호, A동 B101호) and a
# 참고항목 in brackets ((신당동, 래미안아파트)), which are part of what is masked.
_ROAD = r"[가-힣0-9]{1,12}(?:로|길)\s?(?:지하\s?)?[0-9]{1,4}(?:-[0-9]{1,4})?"
_LOT = r"[가-힣0-9]{1,8}(?:동|리|가)\s?(?:산\s?)?[0-9]{1,5}(?:-[0-9]{1,4})?(?:\s?번지)?"
_UNIT = r"(?:[0-9]{1,4}|[A-Za-z]{1,2}|[가나다라마바사아자차카타파하])\s?동"
_FLOOR = r"(?:지하\s?)?[0-9]{1,3}\s?층"
_ROOM = r"[A-Za-z]?[0-9]{1,5}\s?호"
_DETAIL = (
    r"(?:,?\s?(?:"
    + "|".join(
        (
            rf"(?:{_UNIT}\s?)?(?:{_FLOOR}\s?)?{_ROOM}",
            rf"{_UNIT}(?:\s?{_FLOOR})?",
            _FLOOR,
        )
    )
    + r"))?"
    r"(?:\s?\([가-힣0-9.·]{1,20}(?:,\s?[가-힣0-9A-Za-z .·]{1,30})?\))?"
)


@dataclass(frozen=True)
class KindRule:
    """How one kind of personal information is recognised.

    Attributes
    ----------
    kind : str
        The kind's name (``resident_id``, ``phone``, ...).
    pattern : str
        RE2 pattern that finds the kind in any text; ``(?P<v>...)`` is the part that is
        masked and validated. Empty when the kind needs column-name context.
    validator : str or None
        Name of the check in :mod:`workbench.ethics._checkdigits` (or of a classifier in
        the scanner) applied to the digits of each match.
    confidence : float
        Confidence of a match that passes the pattern (and the validator, if any).
    column_hints : str
        RE2 pattern over the column name; when it matches, ``context_pattern`` is also
        used on that column.
    context_pattern : str
        A weaker pattern, trusted only in a column whose name says what it holds.
    context_confidence : float
        Confidence of a match found only by ``context_pattern``.
    gate : str
        Literal text that every match contains (a cheap filter before the regex), or
        ``"digits"``/``"hangul"`` for the union of the patterns of those rules.
    exclude : str
        RE2 pattern of look-alikes blanked out of a matching cell before its match is
        taken (titles such as 고객님 for names; account numbers after 계좌 for 13-digit
        numbers). The pattern's first capturing group, if it has one, is kept and only
        the rest blanked (주무관 of 주무관님 stays, so that 김영희 주무관님 is still a name).
    """

    kind: str
    pattern: str
    validator: str | None = None
    confidence: float = 0.9
    column_hints: str = ""
    context_pattern: str = ""
    context_confidence: float = 0.8
    gate: str = "digits"
    exclude: str = ""


# 13-digit numbers (6-7): resident, foreigner or corporate numbers, told apart by the
# scanner from their date, gender digit and check digits.
_THIRTEEN = _L + r"(?P<v>[0-9]{6}[- ]?[0-9]{7})" + _R
_ACCOUNT_CONTEXT = r"계좌(?:번호)?\s*[:：]?\s*[0-9]{10,14}"
_STOPWORD = "(?:" + "|".join(NAME_STOPWORDS) + ")"
# 고객님: the title is kept (group 1), its 님 blanked, so 김영희 주무관님 stays a name.
_STOP_NAMES = "(" + _STOPWORD + r"\s?)(?:님|씨)"
# A name before a title or a letter's closing (김영희 주무관님께, 이수진 드림) has three
# syllables here: two-syllable words before them are common (감사 드림, 민원 담당), and
# so are departments (도로과 주무관) and the stop words.
_TITLES = "주무관|사무관|서기관|주사보|주사|팀장|과장|계장|국장|실장|소장|동장|센터장|담당관|선생님"
_TITLED = r"\s?(?:드림|올림|배상|" + _TITLES + ")"
_NOT_TITLED = (
    r"(?:^|[^가-힣])(?:[가-힣]{2}|"
    + _STOPWORD
    + r"|[가-힣]*(?:과|팀|실|국|청|계|센터|본부))"
    + _TITLED
)
# Labels before a name: strong ones (성명, 작성자:) take any end; weak ones (저는, 주민,
# 민원인 without a colon) need the name to end the phrase (입니다) or open a bracket.
_NAME_LABELS = "성명|이름|성함"
_ROLE_LABELS = "작성자|민원인|신청인|신고인|보호자|대표자|제출자|담당자"
_WEAK_LABELS = r"저는|제\s?이름은|주민|민원인|신청인|신고인|작성자|보호자"
_NAME_ENDS = r"입니다|이고|이며|인데|이라고|라고|\s?\("
# Phrases about a name, not a name: 이름 변경 요청, 성명 정정, 성명: 기재 누락.
_NAME_PHRASES = (
    r"(?:"
    + _NAME_LABELS
    + "|"
    + _ROLE_LABELS
    + r"|개명)\s*[:：]?\s*(?:"
    + "|".join(NAME_PHRASE_WORDS)
    + r")"
    r"(?:$|[^가-힣]|신청|요청|사항|내역|여부|부탁|완료|처리|예정|하|합|해|되|됨|된|을|를|이|가|은|는|에|의|도)"
)
# Amounts in Korean units (12조 3456억 원) read like plates (12조 3456): the digits
# before 억, 만, 천 or 원 are an amount.
_AMOUNT = r"[0-9]{2,3}\s?[" + _PLATE_LETTERS + r"]\s?[0-9]{4}\s?(?:억|만|천|백|원|달러|엔|위안)"
# 행정동 names with dotted numbers (종로1.2.3.4가동) read like IP addresses.
_DOTTED_DONG = r"[0-9]{1,3}(?:\.[0-9]{1,3}){1,5}\s?(?:가동|가|동)"

RULES: tuple[KindRule, ...] = (
    KindRule(
        "email",
        r"(?P<v>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})",
        confidence=0.95,
        gate="@",
    ),
    KindRule(
        "resident_id", _THIRTEEN, validator="thirteen", confidence=0.99, exclude=_ACCOUNT_CONTEXT
    ),
    KindRule(
        "foreigner_id", _THIRTEEN, validator="thirteen", confidence=0.99, exclude=_ACCOUNT_CONTEXT
    ),
    KindRule(
        "corporate_id", _THIRTEEN, validator="thirteen", confidence=0.95, exclude=_ACCOUNT_CONTEXT
    ),
    KindRule(
        "business_id",
        _L + r"(?P<v>[1-9][0-9]{2}-[0-9]{2}-[0-9]{5})" + _R,
        validator="business_id",
        confidence=0.95,
        column_hints=r"(?i)사업자|business|brn|biz",
        context_pattern=_L + r"(?P<v>[1-9][0-9]{9})" + _R,
        context_confidence=0.9,
    ),
    KindRule(
        "card_number",
        _L + r"(?P<v>(?:[2-6][0-9]{3}[- ]?[0-9]{4}[- ]?[0-9]{4}[- ]?[0-9]{4}"
        r"|9[0-9]{3}[- ]?[0-9]{4}[- ]?[0-9]{4}[- ]?[0-9]{4}"
        r"|3[47][0-9]{2}[- ]?[0-9]{6}[- ]?[0-9]{5}))" + _R,
        validator="luhn",
        confidence=0.95,
    ),
    KindRule(
        "phone",
        r"(?:^|[^0-9A-Za-z+-])(?P<v>(?:\+82[- ]?(?:\(0\))?|0)"
        r"(?:1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|50[2-8])"
        r"(?:[- .)]{1,2}[0-9]{3,4}[- .][0-9]{4}|[0-9]{7,8}))(?:$|[^0-9A-Za-z-])",
        confidence=0.95,
    ),
    KindRule(
        "bank_account",
        _L + r"(?P<v>[0-9]{3}-[0-9]{2,3}-[0-9]{6}|[0-9]{3}-[0-9]{6}-[0-9]{5}"
        r"|[0-9]{4}-[0-9]{3}-[0-9]{6}|[0-9]{6}-[0-9]{2}-[0-9]{6}"
        r"|[0-9]{3}-[0-9]{4}-[0-9]{4}-[0-9]{2}|[0-9]{3}-[0-9]{6}-[0-9]{2}-[0-9]{3})"
        + _R
        + r"|계좌(?:번호)?\s*[:：]?\s*(?P<w>[0-9]{10,14})"
        + _R,
        confidence=0.85,
        column_hints=r"(?i)계좌|account|acct",
        context_pattern=_L + r"(?P<v>[0-9]{10,14})" + _R,
        context_confidence=0.8,
    ),
    KindRule(
        "driver_license",
        _L + r"(?P<v>(?:1[1-9]|2[0-8])[- ][0-9]{2}[- ][0-9]{6}[- ][0-9]{2}"
        r"|(?:" + _REGIONS + r")\s?[0-9]{2}-[0-9]{6}-[0-9]{2})" + _R,
        confidence=0.9,
    ),
    KindRule(
        "passport",
        r"(?:^|[^0-9A-Za-z-])(?P<v>[MSRODG][0-9]{8}|[MSRODG][0-9]{3}[A-Z][0-9]{4})" + _R,
        confidence=0.85,
    ),
    KindRule(
        "vehicle_plate",
        r"(?:^|[^0-9가-힣])(?P<v>(?:(?:"
        + _REGIONS
        + r")\s?)?[0-9]{2,3}\s?["
        + _PLATE_LETTERS
        + r"]\s?[0-9]{4})"
        + _R,
        confidence=0.85,
        exclude=_AMOUNT,
    ),
    KindRule(
        "ip_address",
        r"(?:^|[^0-9.])(?P<v>(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}"
        r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))(?:$|[^0-9.])",
        confidence=0.8,
        gate=".",
        exclude=_DOTTED_DONG,
    ),
    KindRule(
        "address",
        r"(?P<v>(?:" + _SIDO + r"|[가-힣]{1,5}(?:시|군|구))\s+(?:[가-힣0-9]{1,10}\s+){0,3}"
        r"(?:" + _ROAD + "|" + _LOT + ")" + _DETAIL + ")",
        confidence=0.9,
        column_hints=r"(?i)주소|address|addr|거주지|소재지",
        context_pattern=r"(?P<v>(?:" + _ROAD + "|" + _LOT + ")" + _DETAIL + ")",
        context_confidence=0.85,
        gate="hangul",
    ),
    KindRule(
        "person_name",
        r"(?:^|[^가-힣])(?P<v>" + _NAME + r")(?:\s?(?:님|씨)|" + _TITLED + ")"
        r"|(?:(?:" + _NAME_LABELS + r")\s*[:：]?|(?:" + _ROLE_LABELS + r")\s*[:：])"
        r"\s*(?P<w>" + _NAME + r")(?:$|[^가-힣])"
        r"|(?:^|[^가-힣])(?:" + _WEAK_LABELS + r")\s+(?P<x>" + _NAME + ")(?:" + _NAME_ENDS + ")",
        confidence=0.75,
        column_hints=r"(?i)성명|이름|성함|^name$|_name$|^name_|fullname|full_name|"
        r"고객명|환자명|대상자명|보호자명|수급자명|신청인|대표자|담당자",
        context_pattern=r"^\s*(?P<v>(?:" + _COMP + "|" + _SUR + r")[가-힣]{1,3})\s*$",
        context_confidence=0.9,
        gate="hangul",
        exclude=_STOP_NAMES + "|" + _NAME_PHRASES + "|" + _NOT_TITLED,
    ),
)

# The order in which kinds are reported (RULES is the order in which they are tried:
# cheap and unambiguous first, since a cell that is one identifier is not tried again).
KIND_ORDER: tuple[str, ...] = (
    "resident_id", "foreigner_id", "passport", "driver_license", "phone", "email",
    "card_number", "bank_account", "business_id", "corporate_id", "vehicle_plate",
    "address", "person_name", "ip_address",
)  # fmt: skip

KIND_LABELS: dict[str, str] = {
    "resident_id": "주민등록번호",
    "foreigner_id": "외국인등록번호",
    "passport": "여권번호",
    "driver_license": "운전면허번호",
    "phone": "전화번호",
    "email": "전자우편",
    "card_number": "카드번호",
    "bank_account": "계좌번호",
    "business_id": "사업자등록번호",
    "corporate_id": "법인등록번호",
    "vehicle_plate": "차량번호",
    "address": "주소",
    "person_name": "이름",
    "ip_address": "IP 주소",
}


#: The groups of a rule's pattern that hold the value, one per alternative, in order.
VALUE_GROUPS = ("v", "w", "x")


#: What a look-alike is blanked with: a separator (like a space, it ends a number or a
#: word) that no pattern's spacing (``\s``) can step over, so that blanking never joins
#: the words around a look-alike into a new match (민원 [담당 주무관]님 is no 민원님).
BLANK = "\x00"


#: A decimal number (``0.0212345678``, ``-1,052.6315789473``, ``3.5e-07``): the digits after
#: its point are a fraction, never an identifier, and are blanked before the rules run
#: (``\1\2`` keeps the edge and the whole part, ``\3`` the character after). Not a dotted
#: sequence (``192.168.0.1``, ``2024.01.15``, ``종로1.2.3.4가동``; a full stop after a number
#: ends a sentence: ``p = 0.0212345678.``), nor digits going on with a hyphen
#: (``1.900101-1234567``). The whole part stays, so an identifier written as a float
#: (``9001011234567.0``) is still found. Matches that touch share an edge character, so
#: the replacement runs twice (see :func:`workbench.ethics._match.without_decimals`).
DECIMAL_FRACTION = r"(^|[^0-9.])([0-9]+)\.[0-9]+($|[^0-9.-]|\.$|\.[^0-9])"
DECIMAL_REPLACEMENT = r"\1\2" + BLANK + r"\3"


def exclude_replacement(rule: KindRule) -> str:
    """Return what a look-alike is replaced by: its first group, if any, then :data:`BLANK`."""
    return (r"\1" if re.compile(rule.exclude).groups else "") + BLANK


def anchored(pattern: str) -> str:
    """Return the ``v`` group of a rule's pattern, anchored to the whole cell."""
    start = pattern.index("(?P<v>") + len("(?P<v>")
    depth, i, in_class = 1, start, False
    while depth:
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        i += 1
    return r"^\s*(?:" + pattern[start : i - 1] + r")\s*$"


def mask(value: str, kind: str) -> str:
    """Mask an identifier so that it can be shown.

    Examples
    --------
    >>> mask("900101-1234567", "resident_id")
    '900101-1******'
    >>> mask("010-1234-5678", "phone")
    '010-****-5678'
    >>> mask("김철수", "person_name")
    '김*수'
    """
    value = value.strip()
    if kind == "person_name":
        if len(value) <= 2:
            return value[0] + "*" * (len(value) - 1)
        return value[0] + "*" * (len(value) - 2) + value[-1]
    if kind in ("resident_id", "foreigner_id", "corporate_id"):
        return _mask_after_digits(value, 7)
    if kind == "phone":
        digits = [i for i, ch in enumerate(value) if ch.isdigit()]
        keep = set(digits[-4:])
        if value.startswith("+"):  # +82, then the area or carrier code without its 0
            head = 2 + (1 if value[digits[2]] == "2" else 2)
        else:
            head = 2 if value.startswith("02") else 3
        keep |= set(digits[:head])
        return "".join(ch if i in keep or not ch.isdigit() else "*" for i, ch in enumerate(value))
    if kind == "email":
        local, _, domain = value.partition("@")
        return local[:1] + "***@" + domain
    if kind == "card_number":
        digits = [i for i, ch in enumerate(value) if ch.isdigit()]
        keep = set(digits[:4]) | set(digits[-4:])
        return "".join(ch if i in keep or not ch.isdigit() else "*" for i, ch in enumerate(value))
    if kind == "ip_address":
        parts = value.split(".")
        return ".".join(parts[:2] + ["*"] * (len(parts) - 2))
    if kind == "address":
        return re.sub(r"[0-9]", "*", value)
    if kind == "vehicle_plate":
        return re.sub(r"[0-9]{4}$", "****", re.sub(r"\s", "", value))
    return _mask_after_digits(value, 3)


def _mask_after_digits(value: str, keep: int) -> str:
    """Keep the first ``keep`` characters that are digits or letters, mask later ones."""
    out, seen = [], 0
    for ch in value:
        if ch.isalnum() and ch.isascii():
            seen += 1
            out.append(ch if seen <= keep else "*")
        else:
            out.append(ch)
    return "".join(out)
