"""Synthetic small businesses, as in a 사업자 등록 extract, with valid 사업자등록번호."""

from __future__ import annotations

import numpy as np
import pandas as pd

# The 법정동코드 draw that households uses, so that businesses and households join.
from workbench.samples._households import _regions as draw_places
from workbench.samples._validation import check_int

__all__ = ["business_number_check_digit", "businesses"]

# 업종 with its share of small businesses, the trade names it uses, the median yearly
# sales (백만원) and the mean number of employees beside the owner.
_TRADES: dict[str, tuple[float, tuple[str, ...], float, float]] = {
    "음식점업": (0.22, ("식당", "분식", "국밥", "치킨", "반찬가게"), 180.0, 1.5),
    "소매업": (0.20, ("마트", "상회", "문구", "잡화"), 220.0, 1.0),
    "도매업": (0.08, ("상사", "유통", "무역"), 900.0, 2.5),
    "개인서비스업": (0.12, ("미용실", "세탁소", "수선"), 90.0, 0.6),
    "교육서비스업": (0.07, ("학원", "교습소"), 150.0, 2.0),
    "제조업": (0.08, ("정밀", "산업", "공업"), 1500.0, 6.0),
    "건설업": (0.07, ("건설", "종합건설", "설비"), 1200.0, 4.0),
    "정보통신업": (0.06, ("소프트", "시스템", "네트워크"), 600.0, 4.0),
    "운수업": (0.06, ("물류", "운수", "택배"), 300.0, 1.5),
    "숙박업": (0.04, ("모텔", "민박", "게스트하우스"), 250.0, 1.5),
}
# Common words in Korean trade names; all in KS X 1001, so EUC-KR can encode them.
_PREFIXES = (
    "한빛", "미래", "행복", "대한", "우리", "새롬", "푸른", "다온", "늘봄", "해오름",
    "청솔", "온누리", "하나", "바른", "으뜸", "가온", "누리", "동방", "태양", "금강",
    "백두", "한결", "소망", "든든", "참좋은", "신세계", "제일", "중앙",
)  # fmt: skip
# The 2-digit middle part: 01-79 individuals, 81/86/87 corporate head offices.
_CORPORATE_KINDS = np.array([81, 86, 87])
_CORPORATE_SHARE = 0.15
_WEIGHTS = np.array([1, 3, 7, 1, 3, 7, 1, 3, 5])
_FIRST_DAY = np.datetime64("1995-01-01")
_LAST_DAY = np.datetime64("2024-12-31")


def business_number_check_digit(first_nine: str) -> int:
    """Return the check digit of a 사업자등록번호 from its first nine digits.

    The 국세청 rule: weight the digits by 1 3 7 1 3 7 1 3 5, add the tens digit of
    (ninth digit x 5), and take what completes the sum to a multiple of ten.

    Examples
    --------
    >>> business_number_check_digit("124810099")  # 124-81-00998
    8
    """
    digits = [int(d) for d in first_nine]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS.tolist(), strict=True))
    total += digits[8] * 5 // 10
    return (10 - total % 10) % 10


def businesses(n: int = 500, seed: int = 0) -> pd.DataFrame:
    r"""Generate seeded synthetic small businesses with Korean columns.

    Each row is one business: a distinct, valid 사업자등록번호 (``123-45-67890``, the
    last digit the 국세청 check digit), a made-up 상호, its 업종, 개업일, the
    법정동코드 of its address (drawn like :func:`~workbench.samples.households`, so the
    two join on 법정동코드), employees and yearly sales. Sales are skewed, as real ones
    are: a few businesses dominate some 업종 in some 시군구, which the disclosure checks
    for dominance should catch.

    Parameters
    ----------
    n : int, default 500
        Number of businesses. Must be at least 1.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; the same ``(n, seed)`` always gives
        the same table, and no global random state is used or changed.

    Returns
    -------
    pandas.DataFrame
        Columns, in order: ``사업자등록번호`` (str), ``상호`` (str), ``업종`` (str),
        ``개업일`` (str, ``"YYYY-MM-DD"`` from 1995 to 2024), ``법정동코드`` (str, 10
        digits), ``시도`` (str), ``시군구`` (str), ``종업원수`` (int, employees beside
        the owner), ``연매출`` (float, 백만원 a year).

    Raises
    ------
    ParameterError
        If ``n`` is not an int >= 1 or ``seed`` is not an int >= 0.

    Examples
    --------
    >>> from workbench.samples import businesses
    >>> table = businesses(n=3, seed=1)
    >>> bool(table["사업자등록번호"].str.fullmatch(r"\d{3}-\d{2}-\d{5}").all())
    True
    """
    n = check_int(n, "n", "businesses", minimum=1)
    seed = check_int(seed, "seed", "businesses", minimum=0)
    rng = np.random.default_rng(seed)

    names = list(_TRADES)
    shares = np.array([_TRADES[t][0] for t in names])
    trade = rng.choice(len(names), size=n, p=shares / shares.sum())
    corporate = rng.random(n) < _CORPORATE_SHARE
    numbers = _business_numbers(rng, corporate)
    prefix = rng.integers(0, len(_PREFIXES), n)
    suffix = rng.random(n)
    labels = []
    for i in range(n):
        words = _TRADES[names[trade[i]]][1]
        label = _PREFIXES[prefix[i]] + words[int(suffix[i] * len(words))]
        labels.append(f"(주){label}" if corporate[i] else label)
    age_days = np.minimum(rng.exponential(2500.0, n), (_LAST_DAY - _FIRST_DAY).astype(int))
    opened = _LAST_DAY - age_days.astype(np.int64).astype("timedelta64[D]")
    mean_staff = np.array([_TRADES[names[t]][3] for t in trade]) * np.where(corporate, 3.0, 1.0)
    staff = rng.poisson(mean_staff).astype(np.int64)
    median_sales = np.array([_TRADES[names[t]][2] for t in trade])
    sales = np.round(median_sales * (1 + staff) ** 0.6 * rng.lognormal(-0.6, 0.9, n), 1)

    frame = pd.DataFrame(
        {
            "사업자등록번호": numbers,
            "상호": labels,
            "업종": [names[t] for t in trade],
            "개업일": np.datetime_as_string(opened, unit="D").tolist(),
            **draw_places(rng, n),
            "종업원수": staff,
            "연매출": sales.astype(np.float64),
        }
    )
    return frame


def _business_numbers(rng: np.random.Generator, corporate: np.ndarray) -> list[str]:
    """Distinct valid numbers: tax office 101-699, kind, serial, check digit."""
    n = len(corporate)
    serials = rng.choice(600 * 10_000, size=n, replace=False)  # (office, serial) pairs
    kinds = np.where(
        corporate,
        _CORPORATE_KINDS[rng.integers(0, len(_CORPORATE_KINDS), n)],
        rng.integers(1, 80, n),
    )
    result = []
    for pair, kind in zip(serials.tolist(), kinds.tolist(), strict=True):
        office, serial = 101 + pair // 10_000, pair % 10_000
        first_nine = f"{office:03d}{kind:02d}{serial:04d}"
        check = business_number_check_digit(first_nine)
        result.append(f"{office:03d}-{kind:02d}-{serial:04d}{check}")
    return result
