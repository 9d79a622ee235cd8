"""A labelled corpus of Korean personal information and look-alikes, from seeded generators.

``build_corpus(n, seed)`` returns a DataFrame with one column per kind (every value of
that kind), a free-text memo column, and look-alike columns that hold no personal
information, plus the labels the tests check against. The benchmark reuses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

RRN_W = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5])
SURNAMES = list("김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허남심노하곽성차주우구민")
GIVEN = list("민서지현준우예은수아도하윤진영호성재동희경태정석연혜상철용훈주빈나")
SIDO = [
    "서울특별시",
    "부산광역시",
    "경기도",
    "대구광역시",
    "충청남도",
    "전라북도",
    "제주특별자치도",
]
SIGUNGU = [
    "강남구",
    "수원시 영통구",
    "해운대구",
    "청주시",
    "천안시 동남구",
    "전주시 완산구",
    "제주시",
]
ROADS = ["테헤란로", "세종대로", "중앙로", "월드컵로10길", "해운대해변로", "백제대로", "연삼로"]
DONGS = ["역삼동", "우동", "신천리", "영통동", "봉명동", "효자동3가", "이도이동"]
PLATE_LETTERS = list(
    "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자하허호"
)


@dataclass
class Corpus:
    """The corpus: the table, each PII column's kind, look-alike columns, identifiers."""

    frame: pd.DataFrame
    kinds: dict[str, str]
    memo_counts: dict[str, int]
    lookalikes: list[str]
    identifiers: set[str] = field(default_factory=set)


def _digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    return rng.integers(0, 10, size=(n, width))


def _join(d: np.ndarray) -> list[str]:
    """Digit rows (up to 18 digits) as strings, without a Python loop over digits."""
    width = d.shape[1]
    numbers = d @ (10 ** np.arange(width - 1, -1, -1, dtype=np.int64))
    return [f"{x:0{width}d}" for x in numbers]


def _birth(rng: np.random.Generator, n: int, foreign: bool) -> np.ndarray:
    """Digit rows of YYMMDD + gender digit for real dates in 1940-2019."""
    days = rng.integers(0, (pd.Timestamp("2019-12-31") - pd.Timestamp("1940-01-01")).days, n)
    dates = pd.Timestamp("1940-01-01") + pd.to_timedelta(days, unit="D")
    yy = dates.year % 100
    base = np.where(dates.year >= 2000, 3, 1) + rng.integers(0, 2, n) + (4 if foreign else 0)
    cols = [yy // 10, yy % 10, dates.month // 10, dates.month % 10, dates.day // 10]
    return np.column_stack([*cols, dates.day % 10, base])


def person_numbers(rng: np.random.Generator, n: int, *, foreign: bool = False) -> list[str]:
    """Resident (or foreigner) numbers: half with a check digit, half random tails."""
    d = np.column_stack([_birth(rng, n, foreign), _digits(rng, n, 6)])
    check = (11 + (2 if foreign else 0) - (d[:, :12] @ RRN_W) % 11) % 10
    random_tail = rng.random(n) < 0.5
    d[:, 12] = np.where(random_tail, d[:, 12], check)
    sep = rng.choice(["-", "-", ""], n)
    return [f"{s[:6]}{h}{s[6:]}" for s, h in zip(_join(d), sep, strict=True)]


def corporate_numbers(rng: np.random.Generator, n: int) -> list[str]:
    office = rng.choice(["1101", "1201", "1301", "1311", "1144", "2801", "1601"], n)
    kind = rng.choice(["11", "12", "21", "31", "41", "71", "81"], n)
    serial = rng.integers(0, 999999, n)
    d = np.array(
        [[int(c) for c in f"{o}{k}{s:06d}"] for o, k, s in zip(office, kind, serial, strict=True)]
    )
    check = (10 - (d @ np.array([1, 2] * 6)) % 10) % 10
    return [f"{o}{k}-{s:06d}{c}" for o, k, s, c in zip(office, kind, serial, check, strict=True)]


def business_numbers(rng: np.random.Generator, n: int) -> list[str]:
    d = np.column_stack([rng.integers(1, 10, n), _digits(rng, n, 8)])
    total = d @ np.array([1, 3, 7, 1, 3, 7, 1, 3, 5]) + (d[:, 8] * 5) // 10
    check = (10 - total % 10) % 10
    return [f"{s[:3]}-{s[3:5]}-{s[5:]}{c}" for s, c in zip(_join(d), check, strict=True)]


def card_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """16-digit card numbers with a valid Luhn check, in three spellings."""
    prefixes = np.array([[4, 1, 2, 3], [5, 1, 2, 3], [5, 3, 1, 2], [5, 5, 8, 7], [9, 4, 1, 0],
                         [3, 5, 2, 8], [6, 0, 1, 1]])  # fmt: skip
    d = np.column_stack([prefixes[rng.integers(0, len(prefixes), n)], _digits(rng, n, 11)])
    doubled = d * np.array([2, 1] * 7 + [2])
    total = np.where(doubled > 9, doubled - 9, doubled).sum(axis=1)
    check = (10 - total % 10) % 10
    seps = rng.choice(["-", " ", ""], n)
    return [
        f"{s[:4]}{h}{s[4:8]}{h}{s[8:12]}{h}{s[12:]}{c}"
        for s, h, c in zip(_join(d), seps, check, strict=True)
    ]


def phones(rng: np.random.Generator, n: int) -> list[str]:
    forms = [
        "010-{a}-{b}", "010{a}{b}", "010 {a} {b}", "010.{a}.{b}", "+82-10-{a}-{b}",
        "+82 10 {a} {b}", "+8210{a}{b}", "02-{c}-{b}", "031-{c}-{b}", "(02){a}-{b}",
        "051-{a}-{b}", "070-{a}-{b}", "064 {c} {b}",
    ]  # fmt: skip
    a, b, c = rng.integers(1000, 9999, n), rng.integers(0, 9999, n), rng.integers(200, 999, n)
    pick = rng.integers(0, len(forms), n)
    return [
        forms[p].format(a=x, b=f"{y:04d}", c=z) for p, x, y, z in zip(pick, a, b, c, strict=True)
    ]


def emails(rng: np.random.Generator, n: int) -> list[str]:
    users = rng.integers(0, 10**6, n)
    hosts = rng.choice(["korea.kr", "gmail.com", "naver.com", "daum.net", "seoul.go.kr"], n)
    return [f"user{u}.k@{h}" for u, h in zip(users, hosts, strict=True)]


def ips(rng: np.random.Generator, n: int) -> list[str]:
    o = rng.integers(0, 256, size=(n, 4))
    o[:, 0] = rng.integers(1, 224, n)
    return [".".join(map(str, row)) for row in o]


def plates(rng: np.random.Generator, n: int) -> list[str]:
    letters = rng.choice(PLATE_LETTERS, n)
    front = rng.integers(10, 400, n)
    back = rng.integers(1000, 9999, n)
    forms = ["{f}{l}{b}", "{f}{l} {b}", "서울{f}{l}{b}"]
    pick = rng.integers(0, 3, n)
    return [
        forms[p].format(f=f, l=x, b=b)
        for p, f, x, b in zip(pick, front, letters, back, strict=True)
    ]


def passports(rng: np.random.Generator, n: int) -> list[str]:
    letter = rng.choice(list("MSRODG"), n)
    num = rng.integers(0, 10**8, n)
    mid = rng.choice(list("ABCDEFGHJK"), n)
    new = rng.random(n) < 0.5
    return [
        f"{x}{v // 10**4 % 1000:03d}{m}{v % 10**4:04d}" if w else f"{x}{v:08d}"
        for x, v, m, w in zip(letter, num, mid, new, strict=True)
    ]


def licences(rng: np.random.Generator, n: int) -> list[str]:
    region = rng.integers(11, 29, n)
    yy, s, c = rng.integers(0, 99, n), rng.integers(0, 999999, n), rng.integers(0, 99, n)
    return [
        f"{r}-{y:02d}-{x:06d}-{z:02d}" if r % 3 else f"서울 {y:02d}-{x:06d}-{z:02d}"
        for r, y, x, z in zip(region, yy, s, c, strict=True)
    ]


def bank_accounts(rng: np.random.Generator, n: int) -> list[str]:
    """Account numbers in the banks' hyphenated layouts, and some without hyphens."""
    forms = [
        (3, 2, 6),
        (3, 3, 6),
        (3, 6, 5),
        (4, 3, 6),
        (6, 2, 6),
        (3, 4, 4, 2),
        (3, 6, 2, 3),
        (13,),
    ]
    cuts = [np.cumsum((0, *f)) for f in forms]
    pick = rng.integers(0, len(forms), n)
    raw = _join(_digits(rng, n, 15))
    return [
        "-".join(r[a:b] for a, b in zip(cuts[p][:-1], cuts[p][1:], strict=True))
        for r, p in zip(raw, pick, strict=True)
    ]


def names(rng: np.random.Generator, n: int) -> list[str]:
    sur = rng.choice(SURNAMES, n)
    g1, g2 = rng.choice(GIVEN, n), rng.choice(GIVEN, n)
    short = rng.random(n) < 0.05
    comp = rng.random(n) < 0.02
    return [
        ("남궁" if c else s) + a + ("" if t else b)
        for s, a, b, t, c in zip(sur, g1, g2, short, comp, strict=True)
    ]


def addresses(rng: np.random.Generator, n: int) -> list[str]:
    i = rng.integers(0, len(SIDO), n)
    num, sub = rng.integers(1, 999, n), rng.integers(1, 99, n)
    road = rng.random(n) < 0.6
    return [
        f"{SIDO[k]} {SIGUNGU[k]} {ROADS[k]} {a}"
        if r
        else f"{SIDO[k]} {SIGUNGU[k]} {DONGS[k]} {a}-{b}"
        for k, a, b, r in zip(i, num, sub, road, strict=True)
    ]


def lookalikes(rng: np.random.Generator, n: int) -> dict[str, list[object]]:
    """Columns that look like identifiers but are not personal information."""
    sido = rng.choice(["11", "26", "27", "28", "29", "30", "31", "36", "41", "43", "44", "50"], n)
    code = [f"{s}{x:08d}" for s, x in zip(sido, rng.integers(0, 10**8, n), strict=True)]
    dates = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), unit="D")
    spelled = [dates.strftime(f) for f in ("%Y-%m-%d", "%Y%m%d", "%Y.%m.%d", "%Y년 %m월 %d일")]
    forms = rng.integers(0, 4, n)
    date_text = list(np.choose(forms, [np.asarray(x, dtype=object) for x in spelled]))
    amounts = rng.integers(1000, 10**10, n)
    amount_text = [f"{a:,}원" if a % 2 else str(a) for a in amounts]
    order = [
        f"ORD-{d}-{s:06d}" if s % 2 else f"{d}-{s:06d}"
        for d, s in zip(spelled[1], rng.integers(0, 10**6, n), strict=True)
    ]
    postal = [f"{p:05d}" for p in rng.integers(1000, 63999, n)]
    return {
        "법정동코드": code,
        "금액": list(amounts),
        "금액표시": amount_text,
        "접수일": date_text,
        "주문번호": order,
        "우편번호": postal,
    }


MEMO_FORMS = [
    ("{name}님 전화 요청 {phone}", ("person_name", "phone")),
    ("{name}씨 방문 상담, 주소 {address}", ("person_name", "address")),
    ("본인 확인 주민번호 {rrn} 대조 완료", ("resident_id",)),
    ("환불 계좌 {bank} 로 송금 예정", ("bank_account",)),
    ("회신 메일 {email}", ("email",)),
    ("특이사항 없음. 다음 방문 2024-05-01", ()),
    ("고객님 요청으로 일정 변경 (접수 2024.03.15, 금액 1,250,000원)", ()),
]


def memos(rng: np.random.Generator, n: int) -> tuple[list[str], dict[str, int], set[str]]:
    """Free text with identifiers inside, and how many rows hold each kind."""
    pick = rng.integers(0, len(MEMO_FORMS), n)
    parts = {
        "name": names(rng, n), "phone": phones(rng, n), "address": addresses(rng, n),
        "rrn": person_numbers(rng, n), "bank": bank_accounts(rng, n), "email": emails(rng, n),
    }  # fmt: skip
    texts, counts, used = [], dict.fromkeys(("person_name", "phone", "address"), 0), set()
    for i, p in enumerate(pick):
        form, kinds = MEMO_FORMS[p]
        values = {k: v[i] for k, v in parts.items()}
        texts.append(form.format(**values))
        used |= {values[k] for k in values if "{" + k + "}" in form}
        for kind in kinds:
            counts[kind] = counts.get(kind, 0) + 1
    return texts, counts, used


PII_COLUMNS = {
    "주민등록번호": ("resident_id", person_numbers),
    "외국인등록번호": ("foreigner_id", lambda r, n: person_numbers(r, n, foreign=True)),
    "법인등록번호": ("corporate_id", corporate_numbers),
    "사업자등록번호": ("business_id", business_numbers),
    "카드번호": ("card_number", card_numbers),
    "연락처": ("phone", phones),
    "이메일": ("email", emails),
    "접속IP": ("ip_address", ips),
    "차량번호": ("vehicle_plate", plates),
    "여권번호": ("passport", passports),
    "면허번호": ("driver_license", licences),
    "계좌번호": ("bank_account", bank_accounts),
    "성명": ("person_name", names),
    "주소": ("address", addresses),
}


def build_corpus(n: int = 2000, seed: int = 20261122) -> Corpus:
    """Every kind in its own column, a memo column and the look-alike columns."""
    rng = np.random.default_rng(seed)
    data: dict[str, Sequence[object]] = {}
    kinds, identifiers = {}, set()
    for column, (kind, make) in PII_COLUMNS.items():
        data[column] = make(rng, n)
        kinds[column] = kind
        identifiers |= {str(v) for v in data[column]}
    data["메모"], memo_counts, used = memos(rng, n)
    identifiers |= used
    looks = lookalikes(rng, n)
    data.update(looks)
    # Short names (two syllables) can be ordinary words; check the others for leaks.
    identifiers = {v for v in identifiers if len(v) >= 3}
    return Corpus(pd.DataFrame(data), kinds, memo_counts, list(looks), identifiers)
