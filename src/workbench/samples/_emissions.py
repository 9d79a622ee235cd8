"""Synthetic monthly greenhouse-gas records per facility, with planted anomalies.

The table looks like a 온실가스 목표관리제 / 배출권거래제 monthly extract: one row per
facility and month with fuel use, electricity use, emissions and output. Facilities are
businesses, not persons; the table holds no personal data. Three kinds of anomaly are
planted at known facility-months (see :func:`emission_anomaly_truth`):

- ``급증`` (spike): one month's fuel use and emissions jump 1.6-2.2 times, output does not;
- ``수준 변화`` (level shift): from a month in the last 6-9 months on, reported emissions
  are 1.4-1.7 times higher while fuel, electricity and output are unchanged (as after a
  wrong emission factor or a changed calculation method);
- ``원단위 이상`` (intensity outlier): a facility uses 2.3-3.0 times the fuel and
  electricity (and emits 2.3-3.0 times as much) per tonne of output as its industry peers,
  in every month.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from workbench.samples._codes import REGIONS
from workbench.samples._validation import check_int

__all__ = ["ANOMALY_KINDS", "emission_anomaly_truth", "emissions"]

#: The planted anomaly kinds, in the words of the truth table's 유형 column.
ANOMALY_KINDS = ("급증", "수준 변화", "원단위 이상")
SPIKE, SHIFT, INTENSITY = ANOMALY_KINDS

_GRID_FACTOR = 0.4594  # tCO2eq per MWh of purchased electricity (Korean grid, approx.)
_SPIKE_SHARE, _SHIFT_SHARE, _INTENSITY_SHARE = 0.08, 0.05, 0.04
_START = "2022-01"


class _Industry(NamedTuple):
    name: str
    output: float  # median monthly output of a facility (t)
    fuel: float  # fuel per tonne of output (TJ/t)
    electricity: float  # electricity per tonne of output (MWh/t)
    factor: float  # emission factor of the fuel mix (tCO2eq/TJ)
    phase: float  # month of peak production (0-11)


_INDUSTRIES = (
    _Industry("1차 철강", 50_000.0, 0.020, 0.50, 90.0, 3.0),
    _Industry("시멘트", 80_000.0, 0.0035, 0.10, 95.0, 4.0),
    _Industry("석유화학", 30_000.0, 0.012, 0.60, 60.0, 9.0),
    _Industry("펄프·제지", 15_000.0, 0.010, 0.70, 65.0, 10.0),
    _Industry("식품 제조", 5_000.0, 0.003, 0.30, 56.0, 8.0),
)


def emissions(n_facilities: int = 120, months: int = 36, seed: int = 0) -> pd.DataFrame:
    """Generate seeded monthly fuel, electricity, emissions and output per facility.

    Parameters
    ----------
    n_facilities : int, default 120
        Number of facilities, spread evenly over five industries (업종). At least 1.
    months : int, default 36
        Number of consecutive months from January 2022. At least 24 (two seasonal
        cycles, the least a seasonal decomposition needs).
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; the same arguments always give the
        same table, and no global random state is used.

    Returns
    -------
    pandas.DataFrame
        One row per facility and month, sorted by facility then month. Columns:
        ``시설ID`` (str, ``"FAC0001"``), ``업종`` (str), ``법정동코드`` (str, 10 digits),
        ``시도`` (str), ``시군구`` (str), ``연월`` (str, ``"YYYY-MM"``), ``연료사용량``
        (float, TJ), ``전력사용량`` (float, MWh), ``배출량`` (float, tCO2eq, fuel
        combustion plus purchased electricity) and ``생산량`` (float, t).

    Raises
    ------
    ParameterError
        If an argument is not an int in its range.

    See Also
    --------
    emission_anomaly_truth : The planted anomalies of the same table.

    Examples
    --------
    >>> df = emissions(n_facilities=5, months=24, seed=1)
    >>> df.shape
    (120, 10)
    >>> list(df.columns[-4:])
    ['연료사용량', '전력사용량', '배출량', '생산량']
    >>> df["연월"].iloc[[0, -1]].tolist()
    ['2022-01', '2023-12']
    """
    return _generate(n_facilities, months, seed, "emissions")[0]


def emission_anomaly_truth(
    n_facilities: int = 120, months: int = 36, seed: int = 0
) -> pd.DataFrame:
    """Return the facility-months where :func:`emissions` planted an anomaly.

    Parameters
    ----------
    n_facilities, months, seed : int
        The same arguments as given to :func:`emissions`.

    Returns
    -------
    pandas.DataFrame
        One row per planted facility-month: ``시설ID``, ``연월`` and ``유형`` (one of
        :data:`ANOMALY_KINDS`). About 8 % of facilities get one spike, 5 % a level shift
        lasting 6-9 months and 4 % are intensity outliers in every month (at least one
        facility of each kind when ``n_facilities >= 3``).

    Examples
    --------
    >>> truth = emission_anomaly_truth(n_facilities=120, months=36, seed=0)
    >>> sorted(truth["유형"].unique())
    ['급증', '수준 변화', '원단위 이상']
    >>> int((truth["유형"] == "원단위 이상").sum())
    180
    """
    return _generate(n_facilities, months, seed, "emission_anomaly_truth")[1]


def _generate(
    n_facilities: int, months: int, seed: int, owner: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = check_int(n_facilities, "n_facilities", owner, minimum=1)
    t_len = check_int(months, "months", owner, minimum=24)
    seed = check_int(seed, "seed", owner, minimum=0)
    rng = np.random.default_rng(seed)

    industry = np.arange(n) % len(_INDUSTRIES)
    rng.shuffle(industry)
    spec = [_INDUSTRIES[i] for i in industry]
    base_output = np.array([s.output for s in spec]) * np.exp(rng.normal(0.0, 0.6, n))
    efficiency = np.exp(rng.normal(0.0, 0.10, n))  # facility's own intensity level
    growth = rng.normal(0.0, 0.002, n)
    t = np.arange(t_len)
    calendar = t % 12
    phase = np.array([s.phase for s in spec])

    # Shapes (facility, month); seasonality: production peaks, winter heating, summer cooling.
    season = 1.0 + 0.08 * np.cos(2 * np.pi * (calendar[None, :] - phase[:, None]) / 12)
    output = base_output[:, None] * season * np.exp(growth[:, None] * t[None, :])
    output *= np.exp(rng.normal(0.0, 0.03, (n, t_len)))
    heating = 1.0 + 0.06 * np.cos(2 * np.pi * calendar / 12)
    cooling = 1.0 + 0.05 * np.cos(2 * np.pi * (calendar - 7) / 12)
    fuel_rate = np.array([s.fuel for s in spec]) * efficiency
    elec_rate = np.array([s.electricity for s in spec]) * efficiency
    fuel = output * fuel_rate[:, None] * heating * np.exp(rng.normal(0.0, 0.03, (n, t_len)))
    elec = output * elec_rate[:, None] * cooling * np.exp(rng.normal(0.0, 0.03, (n, t_len)))
    factor = np.array([s.factor for s in spec])[:, None]

    kinds = np.full((n, t_len), "", dtype=object)
    order = rng.permutation(n)
    n_spike, n_shift, n_int = (
        _planted_count(n, share) for share in (_SPIKE_SHARE, _SHIFT_SHARE, _INTENSITY_SHARE)
    )
    spikes = order[:n_spike]
    shifts = order[n_spike : n_spike + n_shift]
    outliers = order[n_spike + n_shift : n_spike + n_shift + n_int]

    shift_factor = np.ones((n, t_len))
    for f in spikes:
        month = int(rng.integers(2, t_len - 2))
        fuel[f, month] *= rng.uniform(1.6, 2.2)
        kinds[f, month] = SPIKE
    for f in shifts:
        start = t_len - int(rng.integers(6, 10))
        shift_factor[f, start:] = rng.uniform(1.4, 1.7)
        kinds[f, start:] = SHIFT
    for f in outliers:
        scale = rng.uniform(2.3, 3.0)
        fuel[f] *= scale
        elec[f] *= scale
        kinds[f] = INTENSITY

    emitted = (fuel * factor + elec * _GRID_FACTOR) * shift_factor
    emitted *= np.exp(rng.normal(0.0, 0.01, (n, t_len)))

    ids = [f"FAC{i:04d}" for i in range(1, n + 1)]
    month_labels = pd.period_range(_START, periods=t_len, freq="M").strftime("%Y-%m").tolist()
    regions = _regions(rng, n)
    frame = pd.DataFrame(
        {
            "시설ID": np.repeat(ids, t_len),
            "업종": np.repeat([s.name for s in spec], t_len),
            **{key: np.repeat(values, t_len) for key, values in regions.items()},
            "연월": month_labels * n,
            "연료사용량": np.round(fuel.ravel(), 3),
            "전력사용량": np.round(elec.ravel(), 1),
            "배출량": np.round(emitted.ravel(), 1),
            "생산량": np.round(output.ravel(), 1),
        }
    )
    planted = kinds.ravel() != ""
    truth = pd.DataFrame(
        {
            "시설ID": frame["시설ID"][planted].to_numpy(),
            "연월": frame["연월"][planted].to_numpy(),
            "유형": kinds.ravel()[planted].astype(str),
        }
    )
    return frame, truth


def _planted_count(n: int, share: float) -> int:
    """At least one facility of each kind once there are three facilities."""
    return max(1 if n >= 3 else 0, round(n * share))


def _regions(rng: np.random.Generator, n: int) -> dict[str, list[str]]:
    """Draw a 시군구 per facility (uniformly: plants are not where people live), a 읍면동."""
    picks = rng.integers(0, len(REGIONS), n)
    chosen = [REGIONS[i] for i in picks]
    dong = [101 + int(rng.integers(0, r.n_dong)) for r in chosen]
    return {
        "법정동코드": [f"{r.code}{d:03d}00" for r, d in zip(chosen, dong, strict=True)],
        "시도": [r.sido for r in chosen],
        "시군구": [r.sigungu for r in chosen],
    }
