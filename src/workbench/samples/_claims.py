"""Synthetic unemployment-benefit records with planted overlapping periods.

Four tables, linked by 수급자ID: claims (수급 기간), job-seeking certifications
(실업인정), border crossings (출입국) and employment-insurance records (취업 기간).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError
from workbench.samples._messages import message
from workbench.samples._validation import check_int

__all__ = ["NO_CASE", "PLANTED_KINDS", "ClaimsSample", "benefit_claims"]

#: Kinds of planted cases; each is named after the rule that should flag it.
PLANTED_KINDS = ("수급 중 취업", "인정기간 중 출국")
NO_CASE = "없음"

_START = np.datetime64("2024-01-01")
_CYCLE = 28  # days between two 실업인정일
_TRAVEL_SHARE = 0.3  # people with a trip before their claim (not a signal)
_SHORT_TRIP_SHARE = 0.04  # a 2-4 day trip in a certified period: a weak, innocent signal
_LATE_REPORT_SHARE = 0.04  # a new job starting 0-2 days before the claim ends
_SHORT_JOB_SHARE = 0.01  # a reported 5-15 day job during the claim


@dataclass(frozen=True)
class ClaimsSample:
    """The four linked tables of :func:`benefit_claims` (dates as ISO text).

    Attributes
    ----------
    claims : pandas.DataFrame
        수급자ID, 수급시작일, 수급종료일, 사후확인 (bool: the planted truth, as a later
        investigation would confirm it), 사후확인유형 (one of PLANTED_KINDS, or "없음").
    certifications : pandas.DataFrame
        수급자ID, 회차, 인정기간시작, 실업인정일.
    travel : pandas.DataFrame
        수급자ID, 출국일, 입국일.
    employment : pandas.DataFrame
        수급자ID, 취업일, 이직일 (empty when the job is still held).
    """

    claims: pd.DataFrame
    certifications: pd.DataFrame
    travel: pd.DataFrame
    employment: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the tables by the names the default rules use."""
        return {
            "claims": self.claims,
            "certifications": self.certifications,
            "travel": self.travel,
            "employment": self.employment,
        }


def _iso(day: np.datetime64) -> str:
    return str(np.datetime_as_string(day, unit="D"))


def benefit_claims(n: int = 3000, seed: int = 0, planted_share: float = 0.05) -> ClaimsSample:
    """Generate seeded benefit records with planted overlapping periods.

    Every claimant has a claim of 90-240 days in 2024, a 실업인정일 every 28 days and a
    job that ended just before the claim. Innocent noise makes weak signals: trips
    before the claim, 2-4 day trips in a certified period, a new job reported 0-2 days
    before the claim ends, short reported jobs of 5-15 days. Planted cases (a share
    ``planted_share`` of claimants) either work for 40 days or more of the claim
    ("수급 중 취업") or are abroad for 10-40 days of a certified period ("인정기간 중
    출국").

    Parameters
    ----------
    n : int, default 3000
        Number of claimants (at least 1).
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`.
    planted_share : float, default 0.05
        Share of claimants with a planted case, in [0, 0.5].

    Returns
    -------
    ClaimsSample
        The four tables.

    Raises
    ------
    ParameterError
        If an argument is out of range.

    Examples
    --------
    >>> sample = benefit_claims(n=100, seed=1)
    >>> len(sample.claims), sorted(sample.tables())
    (100, ['certifications', 'claims', 'employment', 'travel'])
    >>> int(sample.claims["사후확인"].sum())
    5
    """
    n = check_int(n, "n", "benefit_claims", minimum=1)
    seed = check_int(seed, "seed", "benefit_claims", minimum=0)
    if not (isinstance(planted_share, float | int) and 0 <= planted_share <= 0.5):
        raise ParameterError(
            message(
                "share_range",
                owner="benefit_claims",
                parameter="planted_share",
                low=0.0,
                high=0.5,
                got=repr(planted_share),
            ),
            parameter="planted_share",
            expected="float in [0.0, 0.5]",
            got=planted_share,
            kind="range",
        )
    rng = np.random.default_rng(seed)
    n_planted = round(n * planted_share)
    kinds = np.full(n, NO_CASE, dtype=object)
    planted = rng.choice(n, size=n_planted, replace=False)
    kinds[planted] = np.array(PLANTED_KINDS, dtype=object)[rng.integers(0, 2, n_planted)]

    claims: list[tuple[str, str, str, bool, str]] = []
    certs: list[tuple[str, int, str, str]] = []
    trips: list[tuple[str, str, str | None]] = []
    jobs: list[tuple[str, str, str | None]] = []
    for i in range(n):
        pid = f"C{i + 1:06d}"
        start = _START + np.timedelta64(int(rng.integers(0, 240)), "D")
        length = int(rng.integers(90, 241))
        end = start + np.timedelta64(length - 1, "D")
        claims.append((pid, _iso(start), _iso(end), kinds[i] != NO_CASE, kinds[i]))
        periods = []
        for k in range(1, length // _CYCLE + 1):
            first = start + np.timedelta64((k - 1) * _CYCLE, "D")
            day = start + np.timedelta64(k * _CYCLE - 1, "D")
            certs.append((pid, k, _iso(first), _iso(day)))
            periods.append((first, day))
        prior_end = start - np.timedelta64(int(rng.integers(1, 21)), "D")
        prior_start = prior_end - np.timedelta64(int(rng.integers(400, 3000)), "D")
        jobs.append((pid, _iso(prior_start), _iso(prior_end)))
        _noise(rng, pid, start, end, periods, trips, jobs)
        if kinds[i] == PLANTED_KINDS[0]:
            hired = start + np.timedelta64(int(rng.integers(20, length - 40 + 1)), "D")
            jobs.append((pid, _iso(hired), None))
        elif kinds[i] == PLANTED_KINDS[1]:
            first, day = periods[int(rng.integers(0, len(periods)))]
            away = int(rng.integers(10, 29))  # days abroad inside the certified period
            leave = first + np.timedelta64(int(rng.integers(0, _CYCLE - away + 1)), "D")
            back = leave + np.timedelta64(away - 1 + int(rng.integers(0, 13)), "D")
            trips.append((pid, _iso(leave), _iso(back)))

    return ClaimsSample(
        claims=pd.DataFrame(
            claims, columns=["수급자ID", "수급시작일", "수급종료일", "사후확인", "사후확인유형"]
        ),
        certifications=pd.DataFrame(
            certs, columns=["수급자ID", "회차", "인정기간시작", "실업인정일"]
        ),
        travel=_sorted(pd.DataFrame(trips, columns=["수급자ID", "출국일", "입국일"]), "출국일"),
        employment=_sorted(pd.DataFrame(jobs, columns=["수급자ID", "취업일", "이직일"]), "취업일"),
    )


def _noise(
    rng: np.random.Generator,
    pid: str,
    start: np.datetime64,
    end: np.datetime64,
    periods: list[tuple[np.datetime64, np.datetime64]],
    trips: list[tuple[str, str, str | None]],
    jobs: list[tuple[str, str, str | None]],
) -> None:
    """Add the innocent records that make weak or no signals."""
    if rng.random() < _TRAVEL_SHARE:
        back = start - np.timedelta64(int(rng.integers(25, 200)), "D")
        leave = back - np.timedelta64(int(rng.integers(3, 15)), "D")
        trips.append((pid, _iso(leave), _iso(back)))
    if rng.random() < _SHORT_TRIP_SHARE:
        first, _ = periods[int(rng.integers(0, len(periods)))]
        leave = first + np.timedelta64(int(rng.integers(0, 20)), "D")
        trips.append((pid, _iso(leave), _iso(leave + np.timedelta64(int(rng.integers(1, 4)), "D"))))
    if rng.random() < _SHORT_JOB_SHARE:
        hired = start + np.timedelta64(int(rng.integers(10, 60)), "D")
        left = hired + np.timedelta64(int(rng.integers(4, 15)), "D")
        jobs.append((pid, _iso(hired), _iso(left)))
    if rng.random() < _LATE_REPORT_SHARE:
        jobs.append((pid, _iso(end - np.timedelta64(int(rng.integers(0, 3)), "D")), None))
    elif rng.random() < 0.5:
        jobs.append((pid, _iso(end + np.timedelta64(int(rng.integers(1, 121)), "D")), None))


def _sorted(table: pd.DataFrame, column: str) -> pd.DataFrame:
    return table.sort_values(["수급자ID", column], kind="stable").reset_index(drop=True)
