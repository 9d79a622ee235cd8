"""Synthetic 공동주택 관리비 data: fees, contractor invoices and tenders of apartment complexes.

A few complexes are planted as irregular, each in one way: an inflated fee item, billing
above what the contractor was paid, or rigged tenders (a single bidder and the same
winner again and again). :func:`apartments` returns them together with the truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.samples._validation import check_int

__all__ = [
    "ApartmentSample",
    "apartment_bids",
    "apartment_fees",
    "apartment_invoices",
    "apartments",
]

#: Monthly fee items and their typical charge in 원 per ㎡ of 전용면적 (2024 levels).
FEE_ITEMS = {
    "일반관리비": 420.0,
    "청소비": 160.0,
    "경비비": 330.0,
    "소독비": 18.0,
    "승강기유지비": 55.0,
    "수선유지비": 120.0,
    "장기수선충당금": 230.0,
    "난방비": 600.0,
}
#: Items done by outside contractors: they have invoices and tenders.
CONTRACT_ITEMS = ("청소비", "경비비", "소독비", "승강기유지비")
_HEATING = np.array(["개별", "중앙", "지역"])
_HEATING_PROBS = np.array([0.55, 0.15, 0.30])
_HEATING_FACTOR = {"개별": 0.35, "중앙": 1.15, "지역": 1.0}  # 개별: gas billed to households
_NOISE = 0.10  # log-scale spread between comparable complexes
_MONTH_NOISE = 0.03
_IRREGULAR_SHARE = 0.05
_VENDORS = 30  # contractors active in the area; any of them bids for any contract item
_SINGLE_BID_RATE = 0.05
_KINDS = ("항목 부풀림", "부과-지급 차이", "입찰 담합")


@dataclass(frozen=True)
class ApartmentSample:
    """Tables of one synthetic sample.

    Attributes
    ----------
    fees : pandas.DataFrame
        One row per complex, month and item, with the complex's attributes.
    invoices : pandas.DataFrame
        What each complex paid its contractors, per month and contract item.
    bids : pandas.DataFrame
        Tenders for the contract items.
    planted : pandas.DataFrame
        The irregular complexes: ``단지코드``, ``유형``, ``항목``.
    """

    fees: pd.DataFrame
    invoices: pd.DataFrame
    bids: pd.DataFrame
    planted: pd.DataFrame


def apartments(n: int = 300, seed: int = 0, n_irregular: int | None = None) -> ApartmentSample:
    """Generate seeded synthetic apartment fees, invoices and tenders.

    Complexes differ in 세대수 (60-2,500), 전용면적합계, 난방방식 (개별, 중앙, 지역) and
    준공연도 (1988-2023); charges per ㎡ depend on them (economies of scale, older
    buildings need more repairs, heating type) plus noise. Twelve months of 2024 are
    billed. ``n_irregular`` complexes are planted, in turn as an inflated item (x1.7 to
    x2.2), billing above payments (20-40% in half the months) or rigged tenders.

    Parameters
    ----------
    n : int, default 300
        Number of complexes, at least 20.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`.
    n_irregular : int, optional
        Number of planted irregular complexes, between 0 and ``n // 4``; by default 5%
        of ``n`` (15 of 300).

    Returns
    -------
    ApartmentSample
        The fees, invoices, bids and planted tables.

    Raises
    ------
    ParameterError
        If an argument is out of range.

    Examples
    --------
    >>> sample = apartments(n=40, seed=1, n_irregular=3)
    >>> sample.fees["단지코드"].nunique(), len(sample.planted)
    (40, 3)
    >>> sorted(sample.planted["유형"])
    ['부과-지급 차이', '입찰 담합', '항목 부풀림']
    """
    n = check_int(n, "n", "apartments", minimum=20)
    seed = check_int(seed, "seed", "apartments", minimum=0)
    if n_irregular is None:
        n_irregular = round(n * _IRREGULAR_SHARE)
    n_irregular = check_int(n_irregular, "n_irregular", "apartments", minimum=0)
    if n_irregular > n // 4:
        check_int(-1, "n_irregular", f"apartments (at most n // 4 = {n // 4})", minimum=0)
    rng = np.random.default_rng(seed)
    complexes = _complexes(rng, n)
    chosen = rng.choice(n, size=n_irregular, replace=False)
    planted = pd.DataFrame(
        {
            "단지코드": complexes["단지코드"].to_numpy()[chosen],
            "유형": [_KINDS[i % 3] for i in range(n_irregular)],
            "항목": "",
        }
    )
    planted["항목"] = [
        str(rng.choice(list(FEE_ITEMS) if kind == _KINDS[0] else list(CONTRACT_ITEMS)))
        if kind != _KINDS[2]
        else ""
        for kind in planted["유형"]
    ]
    fees, invoices = _fees_and_invoices(rng, complexes, planted)
    bids = _bids(rng, complexes, planted)
    return ApartmentSample(fees=fees, invoices=invoices, bids=bids, planted=planted)


def apartment_fees(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """Return the fee table of :func:`apartments` (one row per complex, month and item).

    Examples
    --------
    >>> list(apartment_fees(n=20, seed=0).columns)
    ['단지코드', '세대수', '전용면적합계', '난방방식', '준공연도', '부과월', '항목', '부과액']
    """
    return apartments(n=n, seed=seed).fees


def apartment_invoices(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """Return the invoice table of :func:`apartments` (what contractors were paid).

    Examples
    --------
    >>> list(apartment_invoices(n=20, seed=0).columns)
    ['단지코드', '부과월', '항목', '지급액']
    """
    return apartments(n=n, seed=seed).invoices


def apartment_bids(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """Return the tender table of :func:`apartments`.

    Examples
    --------
    >>> list(apartment_bids(n=20, seed=0).columns)
    ['단지코드', '입찰일', '항목', '참가업체수', '낙찰업체']
    """
    return apartments(n=n, seed=seed).bids


def _complexes(rng: np.random.Generator, n: int) -> pd.DataFrame:
    households = np.clip(np.rint(np.exp(rng.normal(np.log(500), 0.7, n))), 60, 2500)
    area_per_home = rng.uniform(49.0, 100.0, n)
    return pd.DataFrame(
        {
            "단지코드": [f"A{i:05d}" for i in range(1, n + 1)],
            "세대수": households.astype(np.int64),
            "전용면적합계": np.round(households * area_per_home, 1),
            "난방방식": _HEATING[rng.choice(3, size=n, p=_HEATING_PROBS)],
            "준공연도": rng.integers(1988, 2024, n).astype(np.int64),
        }
    )


def _base_rates(complexes: pd.DataFrame) -> np.ndarray:
    """Return the expected 원/㎡ per complex (rows) and item (columns)."""
    base = np.array(list(FEE_ITEMS.values()))
    scale = (complexes["세대수"].to_numpy() / 500.0) ** -0.08  # economies of scale
    age = 2024 - complexes["준공연도"].to_numpy()
    rates = np.outer(scale, base)
    items = list(FEE_ITEMS)
    rates[:, items.index("수선유지비")] *= 1 + 0.012 * age
    heating = complexes["난방방식"].map(_HEATING_FACTOR).to_numpy()
    rates[:, items.index("난방비")] *= heating
    return rates


def _fees_and_invoices(
    rng: np.random.Generator, complexes: pd.DataFrame, planted: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    items = list(FEE_ITEMS)
    n, k, months = len(complexes), len(items), 12
    rates = _base_rates(complexes) * np.exp(rng.normal(0.0, _NOISE, (n, k)))
    codes = complexes["단지코드"].to_numpy()
    row_of = {code: i for i, code in enumerate(codes)}
    for code, kind, item in planted.itertuples(index=False):
        if kind == _KINDS[0]:
            rates[row_of[code], items.index(item)] *= rng.uniform(1.7, 2.2)
    monthly = rates[:, None, :] * np.exp(rng.normal(0.0, _MONTH_NOISE, (n, months, k)))
    paid = np.round(monthly * complexes["전용면적합계"].to_numpy()[:, None, None], -1)
    billed = paid.copy()
    for code, kind, item in planted.itertuples(index=False):
        if kind == _KINDS[1]:
            hit = rng.choice(months, size=months // 2, replace=False)
            billed[row_of[code], hit, items.index(item)] *= rng.uniform(1.2, 1.4)
    billed = np.round(billed, -1)
    month_labels = [f"2024-{m:02d}" for m in range(1, months + 1)]
    index = pd.MultiIndex.from_product(
        [codes, month_labels, items], names=["단지코드", "부과월", "항목"]
    )
    fees = pd.DataFrame({"부과액": billed.reshape(-1)}, index=index).reset_index()
    fees = complexes.merge(fees, on="단지코드")
    invoices = pd.DataFrame({"지급액": paid.reshape(-1)}, index=index).reset_index()
    invoices = invoices[invoices["항목"].isin(CONTRACT_ITEMS)].reset_index(drop=True)
    return fees, invoices


def _bids(rng: np.random.Generator, complexes: pd.DataFrame, planted: pd.DataFrame) -> pd.DataFrame:
    """One tender per complex and contract item in 2020 and again in 2022 or 2023."""
    rigged = set(planted.loc[planted["유형"] == _KINDS[2], "단지코드"])
    rows = []
    for code in complexes["단지코드"]:
        favourite = f"업체{rng.integers(1, _VENDORS + 1):03d}"
        for item in CONTRACT_ITEMS:
            for year in (2020, 2022 + int(rng.integers(0, 2))):
                date = f"{year}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"
                if code in rigged:
                    bidders = 1 if rng.random() < 0.7 else 2
                    winner = favourite if rng.random() < 0.85 else _vendor(rng)
                else:
                    bidders = 1 if rng.random() < _SINGLE_BID_RATE else int(rng.integers(2, 8))
                    winner = _vendor(rng)
                rows.append((code, date, item, bidders, winner))
    columns = ["단지코드", "입찰일", "항목", "참가업체수", "낙찰업체"]
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["단지코드", "입찰일"], ignore_index=True
    )


def _vendor(rng: np.random.Generator) -> str:
    return f"업체{rng.integers(1, _VENDORS + 1):03d}"
