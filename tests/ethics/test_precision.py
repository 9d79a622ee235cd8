"""Precision on Korean data: addresses in every legal form, and the look-alikes of other kinds."""

from __future__ import annotations

import datetime

import pandas as pd
import pyarrow as pa
import pytest

from workbench.ethics import _checkdigits as cd
from workbench.ethics import mask_text, scan, scan_text

ROAD_ADDRESSES = [
    "서울특별시 중구 세종대로 110",
    "서울특별시 중구 세종대로 지하 110",  # 지하 building number
    "중구 세종대로 지하110",
    "서울 중구 다산로 12-3",  # 부번
    "서울특별시 중구 다산로 32, 101동 1203호",  # 상세주소
    "서울특별시 중구 다산로 32, 1203호",
    "서울특별시 중구 다산로 32, 3층 301호",  # 층 and 호
    "부산광역시 해운대구 센텀중앙로 97, A동 3003호",  # a lettered 동
    "서울특별시 마포구 월드컵북로 396, 지하1층 B101호(성산동)",
    "서울특별시 중구 다산로 32 (신당동)",  # 참고항목
    "서울특별시 중구 다산로 32, 101동 1203호 (신당동, 래미안아파트)",
    "서울특별시 강남구 테헤란로83길 21",
    "경기도 가평군 가평읍 가화로 123",
    "세종특별자치시 한누리대로 2130",
]
LOT_ADDRESSES = [
    "서울특별시 종로구 청운동 12-3",  # 부번
    "서울특별시 종로구 청운동 12-3번지",
    "경기도 가평군 청평면 대성리 산 12-3",  # 산 lot
    "경기도 가평군 청평면 대성리 산12",
    "경상북도 울릉군 울릉읍 도동리 산 1-1",
    "부산광역시 해운대구 우동 1234",
]


@pytest.mark.parametrize("address", ROAD_ADDRESSES + LOT_ADDRESSES)
def test_addresses_in_every_form_are_found_and_masked_whole(address: str) -> None:
    assert scan_text([f"주소지: {address} 방문"]) == [("address", 1)]
    masked = mask_text(address)
    assert not any(ch.isdigit() for ch in masked), masked
    assert masked.replace("*", "") == "".join(ch for ch in address if not ch.isdigit())


def test_address_column_counts_every_form() -> None:
    found = scan(pd.DataFrame({"x": ROAD_ADDRESSES + LOT_ADDRESSES})).columns["x"]
    assert [(k.kind, k.count) for k in found] == [("address", len(ROAD_ADDRESSES + LOT_ADDRESSES))]


@pytest.mark.parametrize(
    "amount",
    [
        "3조 5천억 원",
        "12억 3천만 원",
        "1,200만 원",
        "예산 12조 3456억 원",
        "총 25조 1234억원",
        "10조 1000억",
        "3조5천억원",
        "100주 1234원",
        "사업비 35조 2000억 원 중 12조 3000억 원 집행",
    ],
)
def test_amounts_in_korean_units_are_not_vehicle_plates(amount: str) -> None:
    assert scan_text([amount]) == []
    assert mask_text(amount) == amount


def test_a_plate_beside_an_amount_is_still_found() -> None:
    assert scan_text(["차량 12가 3456 확인, 예산 12조 3456억 원"]) == [("vehicle_plate", 1)]
    assert scan_text(["예산 12조 3456억 원, 차량 123조 4567"]) == [("vehicle_plate", 1)]


@pytest.mark.parametrize(
    "phrase",
    [
        "이름 변경 요청",
        "성명 정정",
        "개명 신청",
        "성명 변경 신청합니다",
        "이름 정정 요청",
        "이름: 변경 예정",
        "성명 기재 누락",
        "성함 확인 부탁드립니다",
        "성명 불일치로 반려",
    ],
)
def test_phrases_about_a_name_are_not_names(phrase: str) -> None:
    assert scan_text([phrase]) == []
    assert scan(pd.DataFrame({"민원유형": [phrase] * 3})).columns["민원유형"] == []


def test_a_name_after_a_phrase_or_looking_like_one_is_still_found() -> None:
    assert scan_text(["성명: 변경희"]) == [("person_name", 1)]  # 변 is a surname
    assert scan_text(["성명 정정: 박민수님"]) == [("person_name", 1)]
    assert scan_text(["이름 김철수"]) == [("person_name", 1)]


@pytest.mark.parametrize(
    "number",
    [
        "991231-3234567",  # gender digit 3: 2099-12-31, in the future
        "901301-1234567",  # month 13
        "900132-1234567",  # day 32
        "900230-1234567",  # 30 February
        "010229-3234567",  # 29 February 2001 (not a leap year)
        "900431-2234567",  # 31 April
    ],
)
def test_impossible_birth_dates_are_not_resident_numbers(number: str) -> None:
    assert scan_text([f"주민번호 {number}"]) == []
    assert scan(pd.DataFrame({"주민등록번호": [number]})).columns["주민등록번호"] == []
    assert mask_text(number) == number


def test_the_future_is_relative_to_today() -> None:
    d = cd.digit_matrix(pa.array(["2612313234567", "2701013234567", "0002293234567"]), 13)
    hyphen = pa.array([False] * 3).to_numpy(zero_copy_only=False)
    before_new_year = datetime.date(2026, 12, 31)
    resident, *_ = cd.classify_thirteen(d, hyphen, False, today=before_new_year)
    assert resident.tolist() == [True, False, True]
    resident, *_ = cd.classify_thirteen(d, hyphen, False, today=datetime.date(2027, 1, 1))
    assert resident.tolist() == [True, True, True]


def test_a_real_birth_date_is_still_a_resident_number() -> None:
    assert scan_text(["주민번호 000229-3234567"]) == [("resident_id", 1)]  # 2000 was leap
    assert scan_text(["주민번호 991231-1234567"]) == [("resident_id", 1)]


def test_dotted_dong_names_are_not_ip_addresses() -> None:
    for dong in ("종로1.2.3.4가동", "종로5.6가동", "회현1.2.3가동"):
        assert scan_text([f"{dong} 주민센터"]) == []
    assert scan_text(["접속 1.2.3.4 에서"]) == [("ip_address", 1)]
