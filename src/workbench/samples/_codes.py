"""Reference tables behind the synthetic samples: regions and Korean names.

The region codes are real 시군구 codes of the 행정표준코드 법정동코드 (as of 2024, after
강원특별자치도 and 전북특별자치도 took their new codes), so joins against real code
tables work. The weights are rough populations in ten thousands; the 읍면동 counts
bound the generated 3-digit 읍면동 part of each 법정동코드.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["GIVEN_FIRST", "GIVEN_SECOND", "REGIONS", "SURNAMES", "Region"]


class Region(NamedTuple):
    """One 시군구 of the built-in region table.

    Attributes
    ----------
    code : str
        The 5-digit 시군구 code.
    sido : str
        The 시도 name.
    sigungu : str
        The 시군구 name (the 시도 name again for 세종특별자치시, which has none).
    weight : float
        Relative population, used as a sampling weight.
    n_dong : int
        How many 읍면동 codes (101, 102, ...) the 시군구 has in the sample.
    """

    code: str
    sido: str
    sigungu: str
    weight: float
    n_dong: int


REGIONS: tuple[Region, ...] = (
    Region("11110", "서울특별시", "종로구", 14, 40),
    Region("11440", "서울특별시", "마포구", 36, 26),
    Region("11680", "서울특별시", "강남구", 54, 14),
    Region("26350", "부산광역시", "해운대구", 38, 8),
    Region("27110", "대구광역시", "중구", 9, 30),
    Region("28185", "인천광역시", "연수구", 39, 8),
    Region("29110", "광주광역시", "동구", 11, 20),
    Region("30170", "대전광역시", "서구", 46, 22),
    Region("31140", "울산광역시", "남구", 31, 12),
    Region("36110", "세종특별자치시", "세종특별자치시", 39, 24),
    Region("41111", "경기도", "수원시 장안구", 27, 12),
    Region("41135", "경기도", "성남시 분당구", 47, 18),
    Region("51110", "강원특별자치도", "춘천시", 29, 30),
    Region("43111", "충청북도", "청주시 상당구", 19, 24),
    Region("44131", "충청남도", "천안시 동남구", 26, 28),
    Region("52111", "전북특별자치도", "전주시 완산구", 34, 30),
    Region("46110", "전라남도", "목포시", 21, 36),
    Region("47111", "경상북도", "포항시 남구", 24, 26),
    Region("48121", "경상남도", "창원시 의창구", 23, 28),
    Region("50110", "제주특별자치도", "제주시", 49, 30),
)

# The most common surnames with their approximate share (per cent) in the 2015 census.
SURNAMES: dict[str, float] = {
    "김": 21.5,
    "이": 14.7,
    "박": 8.4,
    "최": 4.7,
    "정": 4.3,
    "강": 2.3,
    "조": 2.1,
    "윤": 2.1,
    "장": 2.0,
    "임": 1.7,
    "한": 1.5,
    "오": 1.5,
    "서": 1.4,
    "신": 1.4,
    "권": 1.4,
    "황": 1.4,
    "안": 1.4,
    "송": 1.3,
    "유": 1.3,
    "전": 1.1,
    "홍": 1.1,
    "고": 0.9,
    "문": 0.9,
    "양": 0.9,
    "손": 0.9,
    "배": 0.8,
    "백": 0.7,
    "허": 0.6,
    "남": 0.6,
    "심": 0.5,
}

# Syllables for two-syllable given names; all are in KS X 1001, so EUC-KR can encode them.
GIVEN_FIRST: tuple[str, ...] = tuple("민서지현수영준예하도은유성정재승동상혜경미진종우태")
GIVEN_SECOND: tuple[str, ...] = tuple("준우호민현서윤아연진희수영훈석철숙자빈원은주완기")
