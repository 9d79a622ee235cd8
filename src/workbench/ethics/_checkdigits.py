"""Check digits and date checks of Korean identifiers, vectorised with numpy.

Every function takes a digit matrix (one row per number, one column per digit, values
0-9) and returns a boolean vector. Build the matrix with :func:`digit_matrix`.

Examples
--------
>>> import pyarrow as pa
>>> d = digit_matrix(pa.array(["4111111111111111", "4111111111111112"]), 16)
>>> luhn(d).tolist()
[True, False]
"""

from __future__ import annotations

import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "birth_date_valid",
    "business_id",
    "classify_thirteen",
    "corporate_id",
    "digit_matrix",
    "foreigner_check",
    "luhn",
    "resident_check",
]

_RRN_WEIGHTS = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5])
_BRN_WEIGHTS = np.array([1, 3, 7, 1, 3, 7, 1, 3, 5])
_CORP_WEIGHTS = np.array([1, 2] * 6)
_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
# Gender digit -> century of birth (1/2 1900s, 3/4 2000s; 5-8 the same for foreigners).
_LUHN_DOUBLE = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.uint8)
_CENTURY = np.array([0, 1900, 1900, 2000, 2000, 1900, 1900, 2000, 2000, 0])


def digit_matrix(strings: pa.Array | pa.ChunkedArray, width: int) -> np.ndarray:
    """Turn strings of exactly ``width`` ASCII digits into an ``(n, width)`` uint8 matrix.

    Reads Arrow's data buffer directly: no Python loop over the values.
    """
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    if len(strings) == 0:
        return np.zeros((0, width), dtype=np.uint8)
    arr = pc.cast(strings, pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[
        arr.offset : arr.offset + len(arr) + 1
    ]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.reshape(len(arr), width) - np.uint8(48)


def birth_date_valid(
    d: np.ndarray, genders: str = "1234", today: datetime.date | None = None
) -> np.ndarray:
    """Whether digits 1-6 are a real date, not after ``today``, and digit 7 one of ``genders``.

    Parameters
    ----------
    d : numpy.ndarray
        ``(n, 13)`` digit matrix.
    genders : str
        Allowed gender digits: ``"1234"`` for residents, ``"5678"`` for foreigners.
    today : datetime.date, optional
        Nobody is born after this day (default: today). The gender digit gives the
        century, so ``300101-3...`` is 2030-01-01, a date nobody holds yet.

    Examples
    --------
    >>> import datetime, pyarrow as pa
    >>> d = digit_matrix(pa.array(["2612011234567", "2701011234567", "9913011234567"]), 13)
    >>> birth_date_valid(d, "1234").tolist()  # gender 1 is the 1900s: 1926 and 1927
    [True, True, False]
    >>> d = digit_matrix(pa.array(["2612013234567", "2701013234567"]), 13)
    >>> birth_date_valid(d, "1234", today=datetime.date(2026, 12, 2)).tolist()
    [True, False]
    """
    allowed = np.isin(d[:, 6], [int(g) for g in genders])
    century = _CENTURY[d[:, 6]]
    year = century + d[:, 0] * 10 + d[:, 1]
    month = d[:, 2] * 10 + d[:, 3]
    day = d[:, 4] * 10 + d[:, 5]
    month_ok = (month >= 1) & (month <= 12)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    max_day = np.where((month == 2) & ~leap, 28, _DAYS[np.clip(month, 0, 12)])
    today = today or datetime.date.today()
    born = year * 10000 + month * 100 + day
    past = born <= today.year * 10000 + today.month * 100 + today.day
    return allowed & month_ok & (day >= 1) & (day <= max_day) & past


def resident_check(d: np.ndarray) -> np.ndarray:
    """Check the 주민등록번호 check digit (numbers issued before October 2020)."""
    total = d[:, :12] @ _RRN_WEIGHTS
    return (11 - total % 11) % 10 == d[:, 12]


def foreigner_check(d: np.ndarray) -> np.ndarray:
    """Check the 외국인등록번호 check digit (same weights, offset 13)."""
    total = d[:, :12] @ _RRN_WEIGHTS
    return (13 - total % 11) % 10 == d[:, 12]


def corporate_id(d: np.ndarray) -> np.ndarray:
    """Check the 법인등록번호 check digit (weights 1, 2 alternating, modulus 10)."""
    total = d[:, :12] @ _CORP_WEIGHTS
    return (10 - total % 10) % 10 == d[:, 12]


def business_id(d: np.ndarray) -> np.ndarray:
    """Check the 사업자등록번호 check digit (weights 1,3,7,1,3,7,1,3,5 plus a carry)."""
    total = d[:, :9] @ _BRN_WEIGHTS + (d[:, 8] * 5) // 10
    return (10 - total % 10) % 10 == d[:, 9]


def luhn(d: np.ndarray) -> np.ndarray:
    """Check card numbers with the Luhn algorithm (any width)."""
    width = d.shape[1]
    doubled = np.arange(width - 2, -1, -2)
    kept = np.setdiff1d(np.arange(width), doubled)
    total = _LUHN_DOUBLE[d[:, doubled]].sum(axis=1, dtype=np.int64)
    return (total + d[:, kept].sum(axis=1, dtype=np.int64)) % 10 == 0


def classify_thirteen(
    d: np.ndarray,
    hyphen: np.ndarray,
    corporate_context: bool,
    today: datetime.date | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tell 13-digit resident, foreigner and corporate numbers apart.

    A person's number needs a real birth date (not in the future) and gender digit; its
    check digit only
    raises the confidence (numbers issued since October 2020 end in random digits).
    A corporate number needs its check digit, and a hyphen or a column named for it.
    A number that could be either goes with the majority of the numbers given.

    Returns
    -------
    resident, foreigner, corporate, person_check, ambiguous : numpy.ndarray of bool
        The first three are disjoint; ``person_check`` marks a passing person check
        digit, ``ambiguous`` a number that passed both kinds of test.
    """
    resident_date = birth_date_valid(d, "1234", today)
    foreign_date = birth_date_valid(d, "5678", today)
    person = resident_date | foreign_date
    person_check = (resident_date & resident_check(d)) | (foreign_date & foreigner_check(d))
    corp = corporate_id(d) & (hyphen | corporate_context)
    corp_only = corp & ~person
    ambiguous = corp & person
    is_corp = corp_only | (ambiguous & (corp_only.sum() > (person & ~corp).sum()))
    return resident_date & ~is_corp, foreign_date & ~is_corp, is_corp, person_check, ambiguous
