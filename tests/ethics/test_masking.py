"""mask_text / mask_texts: every identifier the scanner finds in a text comes back masked."""

from __future__ import annotations

import pytest
from corpus import build_corpus

from workbench.ethics import mask_text, mask_texts, scan_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("주민번호 900101-1234568 확인", "주민번호 900101-1****** 확인"),
        ("외국인 9001015234561", "외국인 9001015******"),
        ("연락처 010-1234-5678", "연락처 010-****-5678"),
        ("+82 10 1234 5678로 연락", "+82 10 **** 5678로 연락"),
        ("대표번호 02-123-4567", "대표번호 02-***-4567"),
        ("메일 minsu.kim@korea.kr 회신", "메일 m***@korea.kr 회신"),
        ("카드 4111-1111-1111-1111 결제", "카드 4111-****-****-1111 결제"),
        ("계좌번호: 110-123-456789", "계좌번호: 110-***-******"),
        ("환불 계좌 9001011234568 로 송금", "환불 계좌 900********** 로 송금"),
        ("서울특별시 강남구 테헤란로 123 방문", "서울특별시 강남구 테헤란로 *** 방문"),
        ("접속 IP 192.168.10.1", "접속 IP 192.168.*.*"),
        ("김철수님 요청", "김*수님 요청"),
        ("담당 이영희 씨 확인", "담당 이*희 씨 확인"),
        ("성명: 남궁민수", "성명: 남**수"),
        ("이름 박지훈, 나이 34", "이름 박*훈, 나이 34"),
    ],
)
def test_each_kind_is_masked_in_place(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "합계 1,234,000원, 접수 2024.03.15",
        "고객님 요청으로 일정 변경",
        "선생님과 박사님 면담",
        "사업자번호 123-45-67890",  # check digit fails: not a business number
        "카드 4111-1111-1111-1112",  # Luhn fails
        "번호 901301-1234567",  # month 13: not a resident number
        "",
    ],
)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert mask_text(text) == text
    assert scan_text([text]) == []


def test_two_identifiers_side_by_side_are_both_masked() -> None:
    assert mask_text("010-1234-5678 010-2345-6789") == "010-****-5678 010-****-6789"
    assert mask_text("고객님, 박민수님과 김영희님") == "고객님, 박*수님과 김*희님"


def test_masked_text_holds_nothing_the_scanner_finds_and_masking_again_changes_nothing() -> None:
    corpus = build_corpus(500, seed=11)
    texts = [str(v) for v in corpus.frame["메모"]]
    masked = mask_texts(texts)
    assert scan_text(masked) == []
    assert mask_texts(masked) == masked
    leaked = [v for v in corpus.identifiers if any(v in t for t in masked)]
    assert leaked == []
    # The texts without identifiers come back as they were.
    clean = [t for t in texts if not scan_text([t])]
    assert clean and [mask_text(t) for t in clean] == clean


def test_mask_texts_is_mask_text_on_each_and_keeps_none() -> None:
    texts = ["김영희씨 전화 02-123-4567", "특이사항 없음", None, "성함: 최민수"]
    assert mask_texts(texts) == [
        "김*희씨 전화 02-***-4567",
        "특이사항 없음",
        None,
        "성함: 최*수",
    ]
    assert mask_texts([]) == []


def test_every_identifier_the_scanner_finds_in_a_sentence_is_masked() -> None:
    corpus = build_corpus(60, seed=5)
    for column, kind in corpus.kinds.items():
        values = [str(v) for v in corpus.frame[column]]
        sentences = [f"확인 요청: {v} 입니다" for v in values]
        found = [bool(scan_text([s])) for s in sentences]
        # Text gives no column name: bare names and unhyphenated account numbers
        # are not identifiers there; every other kind is found in nearly every sentence.
        if kind not in ("person_name", "bank_account"):
            assert sum(found) >= 0.95 * len(values), column
        masked = mask_texts(sentences)
        kept = [m for m, v, f in zip(masked, values, found, strict=True) if f and v in m]
        assert kept == [], (column, kept[:3])
