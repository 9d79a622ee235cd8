"""Seeded columns of Korean personal names and of public names that look like them.

The name columns draw surnames at published population shares (national: 통계청 2015
인구주택총조사, the ten largest as published, the rest of the mass spread over other
surnames in their usual order; regional: 함양군 in the same census, as reported by
hynews.kr 2016-09) and given names from their own list (typed independently of the
scanner's syllable file), with some one-syllable given names (외자) and compound
surnames. The look-alike columns hold real 행정동/법정동 names (with numbers and dotted
numbers), 시군구 names from the bundled region table, apartment complexes, companies,
facilities and event or product titles -- many starting with a surname syllable.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from workbench.samples import regions


def _items(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


# Headers that say nothing about names (none matches the person_name column hints).
HEADERS = (
    "담당", "작성", "col3", "수령인_1", "Unnamed: 2", "구분", "비고", "참석자", "대상", "x",
    "확인", "처리",
)  # fmt: skip

# Per cent: the ten largest as the 2015 census press release gave them, the next as the
# 2000 census did (통계청); the rest of the people spread over _OTHERS, larger first.
_NATIONAL_TOP = {
    "김": 21.5, "이": 14.7, "박": 8.4, "최": 4.7, "정": 4.3, "강": 2.4, "조": 2.1, "윤": 2.1,
    "장": 2.0, "임": 1.7, "유": 2.3, "신": 2.0, "한": 1.6, "오": 1.5, "서": 1.5, "전": 1.5,
    "권": 1.4, "황": 1.4, "송": 1.4, "안": 1.4, "홍": 1.1, "고": 0.9, "문": 0.9, "손": 0.9,
    "양": 0.8, "배": 0.8, "백": 0.8, "허": 0.7,
}  # fmt: skip
_OTHERS = list("남심노하곽성차주우구민류나진지엄채원천방공현함변염여추도소석선설마길연위표명기반")
# 함양군, 2015 census (persons of 37,898): the 21 largest surnames.
_HAMYANG = {
    "김": 7119, "이": 4635, "박": 4222, "정": 2633, "강": 1656, "최": 1271, "임": 1078,
    "서": 966, "노": 942, "오": 674, "조": 632, "권": 612, "양": 598, "하": 494, "장": 488,
    "한": 484, "윤": 474, "전": 434, "송": 432, "배": 430, "허": 412,
}  # fmt: skip

GIVEN_NAMES = _items(
    "민준 서준 예준 도윤 시우 주원 하준 지호 준서 건우 현우 우진 지훈 선우 민재 연우 정우 승현 "
    "준혁 승민 은우 유찬 지환 민성 준영 시후 진우 수현 동현 태윤 재원 민우 재민 윤호 시원 성민 "
    "준호 승준 성현 재현 우빈 태민 지성 민호 태현 민혁 성준 은호 규민 정민 민석 준수 은성 도훈 "
    "서연 서윤 지우 서현 민서 하은 하윤 윤서 지유 지민 채원 지윤 은서 수아 다은 예은 지아 수빈 "
    "소율 예린 예원 지원 소윤 하린 시은 유진 채은 윤아 유나 가은 서영 민지 예나 수민 다인 수연 "
    "영수 영호 영철 정호 상철 성호 성수 광수 동훈 상훈 정훈 민수 은정 미영 지영 수진 지혜 은영 "
    "현정 미경 혜진 선영 은주 영희 영숙 정숙 순자 정희 명숙 경숙 미숙 정순 영자 옥순 경희 "
    "보검 혜교 찬호 봉주 연아 흥민 강인 세리 용대 태환 승엽 희섭 명보 현주 다빈 소희 하늘 "
    "가람 나래 보라 슬기 아름 한별 은비 초롱 새롬 단비 이슬 푸름 누리 다솜"
)
_ONE_SYLLABLE = list("건준율훈혁진솔결찬별빈현민윤선철웅")
_COMPOUND = ("남궁", "황보", "제갈", "선우", "독고")


def _shares(top: dict[str, float], others: list[str], rest: float) -> tuple[list[str], np.ndarray]:
    names = list(top) + [s for s in others if s not in top]
    weights = np.array(list(top.values()) + [0.0] * (len(names) - len(top)), dtype=float)
    tail = np.linspace(2.0, 0.5, len(names) - len(top))  # larger surnames first
    weights[len(top) :] = rest * tail / tail.sum()
    return names, weights / weights.sum()


NATIONAL = _shares(_NATIONAL_TOP, _OTHERS, 100.0 - sum(_NATIONAL_TOP.values()))
REGIONAL = _shares(
    {k: v / 378.98 for k, v in _HAMYANG.items()}, _OTHERS, 100.0 - sum(_HAMYANG.values()) / 378.98
)


# Syllables of two-syllable given names, first and second, for names off the list above.
_FIRST = list("민서지현수영준예하도은유성정재승동상혜경미진종우태주시채다윤소건선희세명광기")
_SECOND = list("준우호민현서윤아연진희수영훈석철숙자빈원은주완기정혁성환규경미린율찬")


def people(
    rng: np.random.Generator, n: int, shares: tuple[list[str], np.ndarray] = NATIONAL
) -> list[str]:
    """``n`` personal names: surnames at ``shares``, 3 % 외자, 1 % compound surnames.

    Given names: 60 % from the list of common names (so popular names repeat), the rest
    two syllables drawn apart (so a large column has many distinct names, as real ones do).
    """
    surnames, weights = shares
    sur = rng.choice(surnames, n, p=weights)
    listed = rng.choice(GIVEN_NAMES, n)
    drawn = np.char.add(rng.choice(_FIRST, n), rng.choice(_SECOND, n))
    given = np.where(rng.random(n) < 0.6, listed, drawn)
    one = rng.choice(_ONE_SYLLABLE, n)
    short = rng.random(n) < 0.03
    compound = rng.random(n) < 0.01
    comp = rng.choice(_COMPOUND, n)
    return [
        (c if k else s) + (o if t else g)
        for s, g, o, t, k, c in zip(sur, given, one, short, compound, comp, strict=True)
    ]


# Real 행정동 and 법정동 names (서울 and elsewhere), as the registers write them.
DONGS = _items(
    "청운효자동 사직동 삼청동 부암동 평창동 무악동 교남동 가회동 종로1.2.3.4가동 종로5.6가동 "
    "이화동 혜화동 창신1동 창신2동 숭인1동 숭인2동 소공동 회현동 명동 필동 장충동 광희동 "
    "을지로동 신당동 다산동 약수동 청구동 신당5동 동화동 황학동 중림동 후암동 용산2가동 "
    "남영동 청파동 원효로1동 효창동 용문동 한강로동 이촌1동 이태원1동 한남동 서빙고동 보광동 "
    "왕십리2동 왕십리도선동 마장동 사근동 행당1동 응봉동 금호1가동 옥수동 성수1가1동 "
    "성수2가3동 송정동 용답동 화양동 군자동 중곡1동 능동 구의1동 광장동 자양1동 면목본동 "
    "상봉1동 중화1동 묵1동 망우본동 신내1동 성북동 삼선동 동선동 돈암1동 안암동 보문동 "
    "정릉1동 정릉동 길음1동 종암동 월곡1동 장위1동 석관동 이문1동 이문동 회기동 휘경1동 "
    "청량리동 용신동 제기동 전농1동 답십리1동 장안1동 신림동 서원동 신원동 조원동 미성동 "
    "난곡동 대학동 은천동 성현동 청룡동 보라매동 행운동 낙성대동 인헌동 남현동 신사동 "
    "한남동 방배동 서초동 반포동 잠원동 양재1동 도곡동 대치동 개포동 일원동 수서동 세곡동 "
    "역삼동 논현동 압구정동 청담동 삼성동 송파동 오금동 문정동 장지동 가락동 석촌동 "
    "강일동 상일동 명일동 고덕동 암사동 천호동 성내동 길동 둔촌동 을지로1가 충무로2가 "
    "남대문로5가 가평읍 청평면 상면 조종면 대성리 신천리 하판리 양평읍 양근리 정자동 "
    "서현동 이매동 야탑동 금곡동 구미동 영통동 매탄동 원천동 인계동 우만동 조원1동 신풍동"
)

APARTMENTS = _items(
    "래미안대치팰리스 래미안퍼스티지 반포자이 잠실엘스 헬리오시티 도곡렉슬 은마아파트 "
    "개포주공1단지 한신4차 신동아아파트 우성아파트 현대아파트 한양아파트 삼익아파트 "
    "e편한세상광교 힐스테이트서초 푸르지오써밋 아이파크삼성 롯데캐슬골드 더샵센트럴 "
    "정든마을 신안아파트 한보미도맨션 선경아파트 장미아파트 진주아파트 목동신시가지7단지 "
    "상계주공3단지 중계그린 공릉풍림아이원 동아하이츠 신림현대 한진타운 대림아파트 "
    "경남아너스빌 이편한세상 래미안 자이 푸르지오 동부센트레빌 성원상떼빌 우방아이유쉘"
)

COMPANIES = _items(
    "(주)한빛;한빛㈜;주식회사 대성;(주)정우산업;삼성전자;현대건설;이랜드리테일;신세계;"
    "한화솔루션;조선내화;정식품;강남제약;김안과병원;박문각;유한양행;동원산업;한국전력공사;"
    "신한은행;우리은행;하나증권;서울보증보험;한솔제지;(유)대명;㈜성진;주식회사 명진;"
    "장수식품;이화상사;오뚜기;농심;빙그레;진로;정관장;(재)희망;사단법인 나눔;한림건설;"
    "신동아건설;한진중공업;성우산업;영진유통;지성통상;민성물산;승원전자",
    sep=";",
)

FACILITIES = _items(
    "신림역 강남역 이대역 정릉역 한성대입구역 종로구청 성북구청 서울시청 신림초등학교 "
    "이문초등학교 정릉중학교 한성고등학교 서울대학교 조원동주민센터 신당동행정복지센터 "
    "강남세브란스병원 서울대병원 한양대병원 정릉보건소 중랑구보건소 이화여대도서관 "
    "성북구립도서관 신림종합사회복지관 강동노인복지관 한강공원 서울숲공원 남산공원 "
    "이촌한강공원 송파구민회관 정릉시장 광장시장 신원시장 이문시장 조계사 봉은사 "
    "명동성당 영락교회 강남경찰서 성북소방서 신림파출소 한강대교 성수대교 청계천 양재천 "
    "남산 북한산 도봉산 관악산 한강 이촌지구대 신길어린이집 정다운유치원 고척스카이돔"
)

TITLES = _items(
    "김장나눔행사 정월대보름축제 한마음체육대회 신년음악회 송년음악회 이벤트 한우선물세트 "
    "추석선물세트 김장김치 신라면 진라면 정관장홍삼 박카스 새우깡 초코파이 허니버터칩 "
    "한글날기념행사 이순신축제 조선왕릉문화제 정조대왕능행차 신인가요제 강변가요제 "
    "전국노래자랑 안전점검 이용안내 신청방법 정기점검 조기마감 한정판매 신상품 "
    "임시휴관 정상영업 이달의책 한여름밤의꿈 장미축제 유채꽃축제 서울빛초롱축제 "
    "김치박람회 한방엑스포 정보보호캠페인 이웃사랑캠페인 조기축구대회 신춘문예공모전"
)


def sigungu() -> list[str]:
    """The 시군구 names of the bundled region table (일반구 split from their 시)."""
    table = regions()
    names = table["시군구명"].dropna().str.split().explode()
    return sorted(set(names))


def lookalike(kind: str, rng: np.random.Generator, n: int) -> list[str]:
    """``n`` values of one kind of public name, drawn with repeats when ``n`` is large."""
    pool = {
        "dong": DONGS,
        "apartment": APARTMENTS,
        "company": COMPANIES,
        "facility": FACILITIES,
        "title": TITLES,
        "sigungu": tuple(sigungu()),
    }[kind]
    if n <= len(pool):
        return list(rng.choice(pool, n, replace=False))
    return list(rng.choice(pool, n))


LOOKALIKE_KINDS = ("dong", "apartment", "company", "facility", "title", "sigungu")

# (header, rows, surname shares): name columns of every size the tests use.
NAME_COLUMNS: tuple[tuple[str, int, tuple[list[str], np.ndarray]], ...] = (
    ("담당", 5, NATIONAL),
    ("작성", 8, NATIONAL),
    ("col3", 12, NATIONAL),
    ("수령인_1", 20, REGIONAL),
    ("Unnamed: 2", 40, NATIONAL),
    ("구분", 100, REGIONAL),
    ("비고", 300, NATIONAL),
    ("참석자", 1000, NATIONAL),
    ("대상", 3000, REGIONAL),
    ("x", 20000, NATIONAL),
    ("확인", 60000, NATIONAL),
    ("처리", 15, REGIONAL),
)


def name_columns(seed: int = 20261201) -> dict[str, list[str]]:
    """Every column of NAME_COLUMNS, generated from one seed."""
    rng = np.random.default_rng(seed)
    return {header: people(rng, rows, shares) for header, rows, shares in NAME_COLUMNS}


def lookalike_columns(seed: int = 20261202, sizes: tuple[int, ...] = (5, 12, 40, 400)) -> dict:
    """Each look-alike kind at each size, headed ``kind_size``."""
    rng = np.random.default_rng(seed)
    make: dict[str, Callable[[int], list[str]]] = {
        kind: (lambda n, k=kind: lookalike(k, rng, n)) for kind in LOOKALIKE_KINDS
    }
    return {f"{kind}_{n}": make[kind](n) for kind in LOOKALIKE_KINDS for n in sizes}
