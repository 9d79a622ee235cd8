"""mask_text / mask_texts: every identifier the scanner finds in a text comes back masked."""

from __future__ import annotations

import numpy as np
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


# How complaints and replies name a person besides 님/씨 and 성명: (issue 17): a role or
# 저는 before the name, a title or a letter's closing after it, a label with a colon.
_NAME_FORMS = (
    "민원인 {name}({phone})이 전화로 문의했습니다.",
    "저는 주민 {name}입니다. 연락처는 {phone}입니다.",
    "저는 {name}이라고 합니다. 회신은 {phone}로 부탁드립니다.",
    "빠른 처리 부탁드립니다. {name} 드림 ({phone})",
    "작성자: {name}, 연락처: {phone}",
    "{name} 주무관님께 문의드립니다. 제 번호는 {phone}입니다.",
    "담당 {name} 팀장님 확인 바랍니다. {phone}",
    "신청인 {name}(연락처 {phone})은 서류를 제출했습니다.",
)
# Prose with the same shapes and no person: titles after departments and common words,
# closings after two-syllable words, roles before ordinary nouns.
_NO_NAME = (
    "도로과 주무관님께 문의드립니다.",
    "민원 담당 주무관님 확인 부탁드립니다.",
    "감사 드림",
    "환경과 드림",
    "주민 이용 시설(체육관)이 닫혀 있습니다.",
    "저는 이번에 처음 민원을 넣습니다.",
    "작성자: 미기재",
    "신청인 명의로 접수되었습니다.",
    "고객님 요청으로 과장님께 전달했습니다.",
    "주민 여러분께 알립니다.",
)


def _name_form_sentences(n: int, seed: int) -> list[tuple[str, str, str]]:
    from name_corpus import people

    rng = np.random.default_rng(seed)
    names = people(rng, n)
    phones = [f"010-{a:04d}-{b:04d}" for a, b in rng.integers(1000, 10000, size=(n, 2))]
    forms = rng.choice(len(_NAME_FORMS), n)
    return [
        (_NAME_FORMS[f].format(name=name, phone=phone), name, phone)
        for f, name, phone in zip(forms, names, phones, strict=True)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("민원인 최수아(010-2345-6789)", "민원인 최*아(010-****-6789)"),
        ("저는 주민 김민준입니다", "저는 주민 김*준입니다"),
        ("이수진 드림", "이*진 드림"),
        ("작성자: 정우진", "작성자: 정*진"),
        ("김영희 주무관님께", "김*희 주무관님께"),
    ],
)
def test_names_with_a_role_a_title_or_a_closing_are_masked(text: str, expected: str) -> None:
    assert mask_text(text) == expected
    assert dict(scan_text([text]))["person_name"] == 1


def test_at_least_98_percent_of_names_and_every_phone_in_400_sentences_are_masked() -> None:
    sentences = _name_form_sentences(400, seed=17)
    masked = mask_texts([s for s, _, _ in sentences])
    names_left = [m for m, (_, name, _) in zip(masked, sentences, strict=True) if name in m]
    phones_left = [m for m, (_, _, phone) in zip(masked, sentences, strict=True) if phone in m]
    assert phones_left == []
    # 외자 names (김철 주무관) are left before a title: two syllables there are too often
    # a word (감사 드림); the seeded corpus has about 3 % of them.
    assert len(names_left) <= 0.02 * len(sentences) + 5, names_left[:5]
    assert all(len(name) == 2 for _, name, _ in sentences if any(name in m for m in names_left))
    # What is masked is what the scanner finds, and masking again changes nothing.
    assert scan_text(masked) == []
    assert mask_texts(masked) == masked


@pytest.mark.parametrize("text", _NO_NAME)
def test_roles_titles_and_closings_without_a_name_are_left_alone(text: str) -> None:
    assert mask_text(text) == text
    assert scan_text([text]) == []


def test_decimals_in_text_are_never_masked_as_identifiers_but_identifiers_are():
    """A complaint quoting a rate or a coefficient keeps it; a phone number beside it goes."""
    text = (
        "집행률 0.0212345678, 비율 12.9001011234567, 값 0.4111111111111111 · "
        "연락처 010-1234-5678 · 번호 9001011234567.0"
    )
    masked = mask_text(text)
    for decimal in ("0.0212345678", "12.9001011234567", "0.4111111111111111"):
        assert decimal in masked
    assert "010-1234-5678" not in masked and "번호 9001011234567" not in masked
    assert len(masked) == len(text)  # masked in place, nothing shifted
