"""Synthetic crisis-indicator data for 복지사각지대 발굴, with planted crisis households."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.samples._codes import REGIONS
from workbench.samples._validation import check_int

__all__ = ["CRISIS_KINDS", "NO_CRISIS", "welfare_households"]

HOUSEHOLD_TYPES = ("독거노인", "한부모", "장애인", "일반")
_TYPE_PROBS = np.array([0.18, 0.10, 0.12, 0.60])

NO_CRISIS = "해당없음"
#: Planted crisis kinds. The first three are what the default rules of
#: :mod:`workbench.blocks._welfare` describe; the last one only the risk model can find.
CRISIS_KINDS = (
    "건보장기체납+금융연체",
    "독거노인+단전·단수·단가스",
    "실직·휴폐업+임차료체납",
    "복합체납",
)
# Chance of each kind for any household; the elderly-utility kind is drawn among 독거노인 only.
_KIND_RATES = {CRISIS_KINDS[0]: 0.04, CRISIS_KINDS[2]: 0.03, CRISIS_KINDS[3]: 0.035}
_ELDERLY_UTILITY_RATE = 0.15
_STRESSED_SHARE = 0.04


def welfare_households(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Generate seeded households with crisis indicators and a known crisis label.

    One row per household, as a 복지사각지대 발굴 extract joins them: a household ID, a
    real-looking 법정동코드, the household type, and the crisis indicators that agencies
    share (단전·단수·단가스, months of arrears in 건강보험료, 통신비, 관리비 and 임차료,
    금융연체, 휴폐업, 실업급여). The planted signal: about 12% of households are in
    crisis (``위기가구``), each of one kind (``위기유형``):

    - ``건보장기체납+금융연체``: 6-24 months of health-insurance arrears and a financial
      delinquency;
    - ``독거노인+단전·단수·단가스``: an elderly person living alone with electricity, water
      or gas cut off;
    - ``실직·휴폐업+임차료체납``: a business closure or unemployment benefit with 3-12
      months of rent arrears;
    - ``복합체납``: 2-5 months of arrears on phone and fee bills and 3-5 on health
      insurance at once, no single rule fits.

    Other households show the indicators only rarely and briefly, except about 4% who
    are 1-3 months behind on their phone and fee bills without being in crisis (false alarms).

    Parameters
    ----------
    n : int, default 3000
        Number of households. Must be at least 1.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; no global random state is used.

    Returns
    -------
    pandas.DataFrame
        Columns: ``가구ID``, ``법정동코드`` (10 digits), ``시도``, ``시군구``, ``가구유형``
        (독거노인, 한부모, 장애인, 일반), ``가구주나이``, ``가구원수``, ``단전``, ``단수``,
        ``단가스`` (bool), ``건강보험료체납개월``, ``통신비체납개월``, ``관리비체납개월``,
        ``임차료체납개월`` (int, months), ``금융연체``, ``휴폐업``, ``실업급여`` (bool),
        ``위기가구`` (bool, the known label) and ``위기유형`` (str, ``해당없음`` if none;
        ground truth that real data does not have).

    Raises
    ------
    ParameterError
        If ``n`` is not an int >= 1 or ``seed`` is not an int >= 0.

    Examples
    --------
    >>> from workbench.samples._welfare import welfare_households
    >>> df = welfare_households(n=200, seed=1)
    >>> df.shape
    (200, 19)
    >>> bool(df.loc[df["위기유형"] == "해당없음", "위기가구"].any())
    False
    """
    n = check_int(n, "n", "welfare_households", minimum=1)
    seed = check_int(seed, "seed", "welfare_households", minimum=0)
    rng = np.random.default_rng(seed)

    frame = pd.DataFrame({"가구ID": [f"W{i:06d}" for i in range(1, n + 1)], **_regions(rng, n)})
    kind_of_type = rng.choice(len(HOUSEHOLD_TYPES), size=n, p=_TYPE_PROBS)
    types = np.array(HOUSEHOLD_TYPES)[kind_of_type]
    elderly = types == "독거노인"
    frame["가구유형"] = types.tolist()
    frame["가구주나이"] = np.where(
        elderly, rng.integers(65, 96, n), np.clip(np.rint(rng.normal(48, 12, n)), 20, 90)
    ).astype(np.int64)
    size = np.where(elderly, 1, rng.integers(1, 6, n))
    frame["가구원수"] = np.where(types == "한부모", np.maximum(size, 2), size).astype(np.int64)

    kind = _draw_kinds(rng, elderly)
    frame = pd.concat([frame, _indicators(rng, kind)], axis=1)
    frame["위기가구"] = kind != NO_CRISIS
    frame["위기유형"] = kind.tolist()
    return frame


def _regions(rng: np.random.Generator, n: int) -> dict[str, list[str]]:
    """Draw a 시군구 per row, weighted by population, and a 읍면동 inside it."""
    weights = np.array([region.weight for region in REGIONS], dtype=float)
    picks = rng.choice(len(REGIONS), size=n, p=weights / weights.sum())
    dong = 101 + np.floor(rng.random(n) * np.array([r.n_dong for r in REGIONS])[picks])
    chosen = [REGIONS[i] for i in picks]
    return {
        "법정동코드": [f"{r.code}{int(d):03d}00" for r, d in zip(chosen, dong, strict=True)],
        "시도": [r.sido for r in chosen],
        "시군구": [r.sigungu for r in chosen],
    }


def _draw_kinds(rng: np.random.Generator, elderly: np.ndarray) -> np.ndarray:
    """Give each household at most one planted crisis kind."""
    n = len(elderly)
    kind = np.full(n, NO_CRISIS, dtype=object)
    u = rng.random(n)
    low = 0.0
    for name, rate in _KIND_RATES.items():
        kind[(u >= low) & (u < low + rate)] = name
        low += rate
    elderly_crisis = elderly & (kind == NO_CRISIS) & (rng.random(n) < _ELDERLY_UTILITY_RATE)
    kind[elderly_crisis] = CRISIS_KINDS[1]
    return kind


def _months(rng: np.random.Generator, n: int, share: float, low: int, high: int) -> np.ndarray:
    """Months of arrears: ``low..high`` for a ``share`` of rows, 0 for the rest."""
    return np.where(rng.random(n) < share, rng.integers(low, high + 1, n), 0)


def _indicators(rng: np.random.Generator, kind: np.ndarray) -> pd.DataFrame:
    """Background indicators for everyone, then each planted kind's own pattern."""
    n = len(kind)
    a, b, c, d = (kind == k for k in CRISIS_KINDS)
    cut = {name: rng.random(n) < 0.01 for name in ("단전", "단수", "단가스")}
    # One cut at least for the elderly-utility kind; a gas cut sometimes in 복합체납.
    which = rng.integers(0, 3, n)
    for i, name in enumerate(cut):
        cut[name] = cut[name] | (b & (which == i)) | (b & (rng.random(n) < 0.2))
    cut["단가스"] = cut["단가스"] | (d & (rng.random(n) < 0.3))
    health = _months(rng, n, 0.08, 1, 3)
    health = np.where(a, rng.integers(6, 25, n), np.where(d, rng.integers(3, 6, n), health))
    # Some households fall behind on several bills without being in crisis: the
    # model's false alarms, and the reason its precision is below 1.
    stressed = (kind == NO_CRISIS) & (rng.random(n) < _STRESSED_SHARE)
    phone = np.where(d, rng.integers(2, 6, n), _months(rng, n, 0.08, 1, 2))
    phone = np.where(stressed, rng.integers(1, 4, n), phone)
    fees = np.where(d | b, rng.integers(2, 6, n), _months(rng, n, 0.06, 1, 2))
    fees = np.where(stressed, rng.integers(1, 4, n), fees)
    rent = np.where(c, rng.integers(3, 13, n), _months(rng, n, 0.05, 1, 2))
    jobless = rng.random(n) < 0.5
    return pd.DataFrame(
        {
            **cut,
            "건강보험료체납개월": health.astype(np.int64),
            "통신비체납개월": phone.astype(np.int64),
            "관리비체납개월": fees.astype(np.int64),
            "임차료체납개월": rent.astype(np.int64),
            "금융연체": a | (rng.random(n) < 0.04),
            "휴폐업": (c & ~jobless) | (rng.random(n) < 0.02),
            "실업급여": (c & jobless) | (rng.random(n) < 0.03),
        }
    )
