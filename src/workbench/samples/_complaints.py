"""Synthetic civil complaints (민원) in Korean, with planted topics, a trend and a campaign.

Every complaint is put together from sentence templates of its category (도로·교통,
환경·소음, 복지, 주차, 세금, 공원·녹지), with the slots filled from small word lists,
framed by the greetings and closings that real complaints carry. Planted signals:

- topics: the category decides the vocabulary, so topic models can recover it;
- a rising keyword: :data:`RISING_TERM` appears in many complaints of
  :data:`RISING_REGION` in :data:`RISING_MONTH` and rarely anywhere else;
- a campaign: :data:`CAMPAIGN_SHARE` of the rows are near-identical petitions against
  a planned incinerator (:data:`CAMPAIGN_PHRASE`) in :data:`CAMPAIGN_MONTH`;
- personal information: names in context (``김민준님``, ``박서연씨``), mobile phone
  numbers and resident registration numbers with valid check digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from workbench.samples._codes import GIVEN_FIRST, GIVEN_SECOND, SURNAMES
from workbench.samples._validation import check_int

__all__ = [
    "CAMPAIGN_MONTH",
    "CAMPAIGN_PHRASE",
    "CAMPAIGN_SHARE",
    "CATEGORIES",
    "COMPLAINT_REGIONS",
    "RISING_MONTH",
    "RISING_REGION",
    "RISING_TERM",
    "complaints",
    "planted_identifiers",
]

#: Each category with the department that normally handles it.
CATEGORIES: dict[str, str] = {
    "도로·교통": "도로과",
    "환경·소음": "환경과",
    "복지": "복지정책과",
    "주차": "교통행정과",
    "세금": "세무과",
    "공원·녹지": "공원녹지과",
}
#: A complaint sometimes goes to the department next door (routing is not trivial).
_OTHER_DEPARTMENT = {
    "도로·교통": "교통행정과",
    "환경·소음": "공원녹지과",
    "복지": "세무과",
    "주차": "도로과",
    "세금": "복지정책과",
    "공원·녹지": "환경과",
}
_OTHER_SHARE = 0.05

#: 시도, 시군구 and a few real 동 names of each 시군구 in the sample.
COMPLAINT_REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "종로구": ("서울특별시", ("청운동", "혜화동", "창신동", "평창동")),
    "마포구": ("서울특별시", ("합정동", "망원동", "서교동", "연남동")),
    "강남구": ("서울특별시", ("역삼동", "삼성동", "대치동", "개포동")),
    "수원시 장안구": ("경기도", ("정자동", "조원동", "파장동", "영화동")),
    "춘천시": ("강원특별자치도", ("효자동", "석사동", "퇴계동", "후평동")),
    "전주시 완산구": ("전북특별자치도", ("효자동", "서신동", "중화산동", "평화동")),
}

RISING_TERM = "싱크홀"
RISING_REGION = "마포구"
RISING_MONTH = "2024-08"
_RISING_SHARE = 0.02  # of all rows: extra 싱크홀 complaints in that month and region
_RISING_BASE = 0.06  # chance that a 도로·교통 complaint elsewhere mentions it anyway

CAMPAIGN_PHRASE = "소각장 건립"
CAMPAIGN_MONTH = "2024-05"
CAMPAIGN_SHARE = 0.03
_CAMPAIGN_REGION = "강남구"

_PII_SHARE = 0.2  # complaints that carry a name, phone or resident number
_YEAR = 2024

_LANDMARKS = ("주민센터 앞", "초등학교 근처", "아파트 입구", "시장 골목", "사거리", "버스정류장 옆")
_FILL = {
    "program": ("기초연금", "주거급여", "긴급복지 생계지원", "장애인연금", "아동수당", "부모급여"),
    "tax": ("재산세", "자동차세", "주민세", "지방소득세", "취득세"),
    "facility": ("놀이터", "산책로", "운동기구", "벤치", "화장실", "분수대"),
    "noise": ("공사장", "노래방", "확성기", "오토바이", "공장"),
    "weeks": ("일주일", "이주일", "한 달", "두 달", "석 달"),
}

_TEMPLATES: dict[str, tuple[str, ...]] = {
    "도로·교통": (
        "{place} 도로에 포트홀이 생겨 차량 바퀴가 손상될 뻔했습니다.",
        "{place} 교차로 신호등이 고장 나서 보행자가 위험합니다.",
        "{place} 횡단보도 신호 시간이 너무 짧아 어르신들이 건너기 어렵습니다.",
        "{place} 인도 보도블록이 깨져서 걷다가 넘어질 뻔했습니다.",
        "{place} 도로 차선이 지워져 야간 운전이 위험합니다.",
        "{place} 도로 아스팔트가 갈라지고 움푹 패였습니다.",
        "{place} 어린이보호구역에 과속 단속 카메라 설치를 요청합니다.",
        "{place} 버스 노선이 바뀐 뒤 배차 간격이 너무 길어졌습니다.",
    ),
    "환경·소음": (
        "{place} {noise} 소음이 새벽까지 심해서 잠을 잘 수 없습니다.",
        "{place} 음식점 악취가 심해 창문을 열 수 없습니다.",
        "{place} 골목에 쓰레기 무단투기가 계속되고 있습니다.",
        "{place} 공장 매연과 미세먼지 때문에 목이 아픕니다.",
        "{place} 하천에 폐수가 흘러 물고기가 죽어 있습니다.",
        "{place} {noise} 소음 단속을 요청합니다.",
        "{place} 재활용 쓰레기 수거가 며칠째 되지 않고 있습니다.",
        "{place} 위층 층간소음이 밤늦게까지 계속되어 고통스럽습니다.",
    ),
    "복지": (
        "{program} 신청 자격과 필요한 서류를 알고 싶습니다.",
        "혼자 사시는 어르신 돌봄 서비스를 {dong} 행정복지센터에 신청하고 싶습니다.",
        "{program} 신청 후 {weeks}이 지났는데 결과를 아직 받지 못했습니다.",
        "장애인 활동지원 시간이 줄어들어 생활이 어렵습니다.",
        "{program} 지급일이 언제인지 문의드립니다.",
        "{place} 행정복지센터 복지 상담 예약이 너무 어렵습니다.",
        "{program} 탈락 사유를 자세히 설명해 주시기 바랍니다.",
        "{program} 신청 방법과 상담 창구를 안내해 주세요.",
    ),
    "주차": (
        "{place} 골목에 불법주차 차량 때문에 차가 지나갈 수 없습니다.",
        "{place} 소화전 앞 불법주차 단속을 요청합니다.",
        "{place} 공영주차장 요금 정산기가 고장 났습니다.",
        "{place} 거주자 우선주차 구역 배정 기준을 알려 주세요.",
        "{place} 인도에 오토바이가 주차되어 통행이 불편합니다.",
        "주차위반 과태료 고지서를 받았는데 이의신청을 하고 싶습니다.",
        "{place} 장애인 전용 주차구역에 일반 차량이 상습 주차합니다.",
        "{place} 공영주차장 주차면이 부족해 확충을 요청합니다.",
    ),
    "세금": (
        "{tax} 고지서 금액이 작년보다 많이 올라 확인을 요청합니다.",
        "{tax} 분할 납부가 가능한지 문의드립니다.",
        "{tax} 체납 안내문을 받았는데 이미 납부했습니다.",
        "{tax} 감면 대상인지 확인 부탁드립니다.",
        "{tax} 환급금이 {weeks}이 지나도록 들어오지 않았습니다.",
        "{tax} 납부 기한을 연장할 수 있는지 궁금합니다.",
        "이사 후 {tax} 고지서가 예전 주소로 발송되었습니다.",
        "{tax} 납부 영수증 재발급을 요청합니다.",
    ),
    "공원·녹지": (
        "{place} 공원 가로등이 꺼져 밤에 산책하기 무섭습니다.",
        "{place} 가로수 가지가 전선에 닿아 위험합니다.",
        "{place} 공원 {facility} 시설이 낡아 아이가 다칠까 걱정됩니다.",
        "{place} 공원 {facility} 청소 상태가 좋지 않습니다.",
        "{place} 공원의 {facility} 일부가 부서져 있습니다.",
        "{place} 공원 산책로에 잡초가 무성해 정비를 요청합니다.",
        "{place} 공원 나무에 병충해가 번지고 있습니다.",
        "{place} 녹지에 꽃과 나무를 더 심어 주시면 좋겠습니다.",
    ),
}
_RISING_TEMPLATES = (
    "{place} 도로에 싱크홀이 생겨 땅이 꺼졌습니다.",
    "{place} 인근에서 싱크홀이 또 발견되어 주민들이 불안해합니다.",
    "{place} 공사장 주변 싱크홀 점검을 요청합니다.",
)
_CAMPAIGN_TEXT = (
    "{dong} 소각장 건립 계획에 반대합니다. 주민 의견 수렴 없이 추진되는 소각장 건립을 "
    "즉시 철회해 주십시오. 아이들의 건강과 주거 환경을 지켜 주시기 바랍니다."
)
_CAMPAIGN_EXTRA = ("", "", "주민 모두가 반대합니다.", "재검토를 강력히 요구합니다.")
_DETAILS = (
    "",
    "",
    "벌써 {weeks}째 이런 상황입니다.",
    "지난번에도 민원을 넣었지만 달라진 것이 없습니다.",
    "현장을 한번 확인해 주셨으면 합니다.",
)
_GREETINGS = ("", "", "안녕하세요.", "수고 많으십니다.", "담당자님께 민원 드립니다.")
_CLOSINGS = (
    "",
    "빠른 조치 부탁드립니다.",
    "검토 부탁드립니다.",
    "감사합니다.",
    "조속히 처리해 주시기 바랍니다.",
    "확인 후 답변 부탁드립니다.",
)
_PII = (
    "민원인 {name}님 연락처는 {phone}입니다.",
    "이웃 {name}씨도 같은 불편을 겪고 있습니다.",
    "회신은 {phone} 번호로 부탁드립니다.",
    "본인 확인을 위해 남기는 주민등록번호는 {rrn}입니다.",
    "어머니 {name}님 명의로 신청했으며 연락처는 {phone}입니다.",
)
_COLUMNS = ["접수번호", "접수일", "시도", "시군구", "분야", "처리부서", "민원내용"]


def complaints(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Generate seeded civil complaints of 2024 with planted structure.

    Six categories share the rows about equally, spread over six 시군구
    (:data:`COMPLAINT_REGIONS`) and the twelve months of 2024. Of the ``n`` rows, about
    2 % are extra complaints about :data:`RISING_TERM` in :data:`RISING_REGION` in
    :data:`RISING_MONTH`, and :data:`CAMPAIGN_SHARE` are one campaign of near-identical
    petitions (:data:`CAMPAIGN_PHRASE`, 환경·소음) in :data:`CAMPAIGN_MONTH`. One
    complaint in five carries a name in context, a mobile phone number or a resident
    registration number (valid check digit): the sample is personal information and
    must be masked before analysis.

    Parameters
    ----------
    n : int, default 2000
        Number of complaints. Must be at least 20.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; no global random state is used.

    Returns
    -------
    pandas.DataFrame
        Columns, in order: ``접수번호`` (str, ``"2024-000001"``), ``접수일`` (str,
        ``YYYY-MM-DD``), ``시도``, ``시군구``, ``분야`` (one of :data:`CATEGORIES`),
        ``처리부서`` (str), ``민원내용`` (str). Sorted by 접수일.

    Raises
    ------
    ParameterError
        If ``n`` is not an int >= 20 or ``seed`` is not an int >= 0.

    Examples
    --------
    >>> from workbench.samples import complaints
    >>> df = complaints(n=40, seed=1)
    >>> list(df.columns)
    ['접수번호', '접수일', '시도', '시군구', '분야', '처리부서', '민원내용']
    >>> df["접수번호"].iloc[0], df["접수일"].is_monotonic_increasing
    ('2024-000001', True)
    """
    n = check_int(n, "n", "complaints", minimum=20)
    seed = check_int(seed, "seed", "complaints", minimum=0)
    rng = np.random.default_rng(seed)
    n_rising = max(3, round(_RISING_SHARE * n))
    n_campaign = max(3, round(CAMPAIGN_SHARE * n))
    n_base = n - n_rising - n_campaign
    rows = [_ordinary(rng) for _ in range(n_base)]
    rows += [_rising(rng) for _ in range(n_rising)]
    rows += [_campaign(rng) for _ in range(n_campaign)]
    frame = pd.DataFrame(rows, columns=_COLUMNS[1:])
    frame = frame.sort_values("접수일", kind="stable").reset_index(drop=True)
    frame.insert(0, "접수번호", [f"{_YEAR}-{i:06d}" for i in range(1, len(frame) + 1)])
    return frame


def _pick(rng: np.random.Generator, options: tuple[str, ...] | list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _day(rng: np.random.Generator, month: str | None = None) -> str:
    if month is None:
        first, last = np.datetime64(f"{_YEAR}-01", "M"), np.datetime64(f"{_YEAR}-12", "M")
    else:
        first = last = np.datetime64(month, "M")
    start = first.astype("datetime64[D]")
    days = int(((last + 1).astype("datetime64[D]") - start).astype(int))
    return str(start + np.timedelta64(int(rng.integers(days)), "D"))


def _fill(rng: np.random.Generator, template: str, sigungu: str) -> str:
    dong = _pick(rng, COMPLAINT_REGIONS[sigungu][1])
    place = dong if rng.random() < 0.7 else f"{dong} {_pick(rng, _LANDMARKS)}"
    slots = {key: _pick(rng, values) for key, values in _FILL.items()}
    return template.format(place=place, dong=dong, **slots)


def _frame_text(rng: np.random.Generator, body: list[str], sigungu: str) -> str:
    """Greeting, body, a detail, maybe personal information, a closing."""
    parts = [_pick(rng, _GREETINGS), *body, _fill(rng, _pick(rng, _DETAILS), sigungu)]
    if rng.random() < _PII_SHARE:
        parts.append(_personal(rng))
    parts.append(_pick(rng, _CLOSINGS))
    return " ".join(p for p in parts if p)


def _ordinary(rng: np.random.Generator) -> tuple[str, ...]:
    category = _pick(rng, list(CATEGORIES))
    sigungu = _pick(rng, list(COMPLAINT_REGIONS))
    templates = list(_TEMPLATES[category])
    if category == "도로·교통" and rng.random() < _RISING_BASE:
        templates = list(_RISING_TEMPLATES)
    first, second = rng.choice(len(templates), size=2, replace=False)
    body = [_fill(rng, templates[int(first)], sigungu)]
    if rng.random() < 0.6:
        body.append(_fill(rng, templates[int(second)], sigungu))
    department = CATEGORIES[category]
    if rng.random() < _OTHER_SHARE:
        department = _OTHER_DEPARTMENT[category]
    text = _frame_text(rng, body, sigungu)
    return (_day(rng), COMPLAINT_REGIONS[sigungu][0], sigungu, category, department, text)


def _rising(rng: np.random.Generator) -> tuple[str, ...]:
    sigungu = RISING_REGION
    first, second = rng.choice(len(_RISING_TEMPLATES), size=2, replace=False)
    body = [_fill(rng, _RISING_TEMPLATES[int(first)], sigungu)]
    if rng.random() < 0.5:
        body.append(_fill(rng, _RISING_TEMPLATES[int(second)], sigungu))
    text = _frame_text(rng, body, sigungu)
    sido = COMPLAINT_REGIONS[sigungu][0]
    return (_day(rng, RISING_MONTH), sido, sigungu, "도로·교통", CATEGORIES["도로·교통"], text)


def _campaign(rng: np.random.Generator) -> tuple[str, ...]:
    sigungu = _CAMPAIGN_REGION
    dong = COMPLAINT_REGIONS[sigungu][1][0]
    parts = [_pick(rng, _GREETINGS), _CAMPAIGN_TEXT.format(dong=dong), _pick(rng, _CAMPAIGN_EXTRA)]
    if rng.random() < _PII_SHARE:
        parts.append(_personal(rng))
    text = " ".join(p for p in parts if p)
    sido = COMPLAINT_REGIONS[sigungu][0]
    return (_day(rng, CAMPAIGN_MONTH), sido, sigungu, "환경·소음", CATEGORIES["환경·소음"], text)


def _personal(rng: np.random.Generator) -> str:
    return _pick(rng, _PII).format(name=_name(rng), phone=_phone(rng), rrn=_rrn(rng))


def _name(rng: np.random.Generator) -> str:
    surnames = list(SURNAMES)
    shares = np.array(list(SURNAMES.values()))
    surname = surnames[int(rng.choice(len(surnames), p=shares / shares.sum()))]
    return surname + _pick(rng, GIVEN_FIRST) + _pick(rng, GIVEN_SECOND)


def _phone(rng: np.random.Generator) -> str:
    return f"010-{int(rng.integers(2000, 10000)):04d}-{int(rng.integers(0, 10000)):04d}"


def _rrn(rng: np.random.Generator) -> str:
    """Draw a resident registration number of someone born 1940-1999, with its check digit."""
    year = int(rng.integers(1940, 2000))
    month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
    digits = f"{year % 100:02d}{month:02d}{day:02d}{int(rng.integers(1, 3))}"
    digits += f"{int(rng.integers(0, 100000)):05d}"
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    check = (11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11) % 10
    return f"{digits[:6]}-{digits[6:]}{check}"


_NAME_IN_CONTEXT = re.compile(
    f"[{''.join(SURNAMES)}][{''.join(GIVEN_FIRST)}][{''.join(GIVEN_SECOND)}](?=님|씨)"
)
_NUMBER = re.compile(r"01\d-\d{4}-\d{4}|\d{6}-\d{7}")


def planted_identifiers(texts: Iterable[str]) -> set[str]:
    """Return every name, mobile phone and resident number planted in the texts.

    Names are found in the context the generator writes them in (``김민준님``,
    ``박서연씨``), numbers by their shape. Tests use this to show that none of them
    survives into any output.

    Examples
    --------
    >>> sorted(planted_identifiers(["이웃 박서연씨도 010-2345-6789 번호로", "담당자님께"]))
    ['010-2345-6789', '박서연']
    """
    found: set[str] = set()
    for text in texts:
        found |= set(_NAME_IN_CONTEXT.findall(text)) | set(_NUMBER.findall(text))
    return found
