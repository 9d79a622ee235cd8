"""Synthetic region-by-month panel with a policy adopted by some regions (planted effect)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError
from workbench.samples._codes import REGIONS
from workbench.samples._messages import message
from workbench.samples._validation import check_int

__all__ = ["ADOPTION_MONTHS", "policy_panel"]

#: The months in which treated regions adopt the policy (staggered adoption).
ADOPTION_MONTHS = ("2023-01", "2023-04", "2023-07")
_START = pd.Period("2022-01", freq="M")


def policy_panel(
    n_regions: int = 20,
    n_months: int = 36,
    *,
    effect: float = 2.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Generate a seeded 시군구 × 연월 panel where half the regions adopt a policy.

    The outcome is a monthly 청년고용률 (%) made of a region level, a national month
    effect (trend and season), noise, and — from the adoption month on, in the adopting
    regions only — the planted ``effect``. Half of the regions (chosen at random) adopt
    the policy in one of :data:`ADOPTION_MONTHS`; the others never do. The planted
    effect is the same in every adopting region and month, so a two-way fixed-effects
    difference-in-differences recovers it, and event-study coefficients before
    adoption are zero in truth.

    Parameters
    ----------
    n_regions : int, default 20
        Number of 시군구, from 4 to 20 (taken from the bundled code list).
    n_months : int, default 36
        Number of months from 2022-01; at least 19, so every adoption month has six
        months before and after it.
    effect : float, default 2.0
        The planted policy effect, in percentage points of 청년고용률.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; no global random state is used.

    Returns
    -------
    pandas.DataFrame
        One row per region and month: ``시군구코드`` (str, 5 digits), ``시도``,
        ``시군구``, ``연월`` (str, ``"YYYY-MM"``), ``도입연월`` (str ``"YYYY-MM"``, or
        missing for regions that never adopt), ``청년고용률`` (float, %, 2 decimals).

    Raises
    ------
    ParameterError
        If an argument is out of range.

    Examples
    --------
    >>> panel = policy_panel(n_regions=4, n_months=24, seed=1)
    >>> panel.shape
    (96, 6)
    >>> panel["도입연월"].notna().groupby(panel["시군구코드"]).first().sum()
    np.int64(2)
    """
    n_regions = check_int(n_regions, "n_regions", "policy_panel", minimum=4)
    n_months = check_int(n_months, "n_months", "policy_panel", minimum=19)
    seed = check_int(seed, "seed", "policy_panel", minimum=0)
    if n_regions > len(REGIONS):
        raise ParameterError(
            message(
                "int_range",
                owner="policy_panel",
                parameter="n_regions",
                low=4,
                high=len(REGIONS),
                got=repr(n_regions),
            ),
            parameter="n_regions",
            expected=f"int in [4, {len(REGIONS)}]",
            got=n_regions,
            kind="range",
        )
    if isinstance(effect, bool) or not isinstance(effect, (int, float)) or not np.isfinite(effect):
        raise ParameterError(
            message("finite_number", owner="policy_panel", parameter="effect", got=repr(effect)),
            parameter="effect",
            expected="finite float",
            got=effect,
            kind="type",
        )
    rng = np.random.default_rng(seed)
    regions = REGIONS[:n_regions]
    months = pd.period_range(_START, periods=n_months, freq="M")

    treated = rng.permutation(n_regions) < n_regions // 2
    adoption = np.array(
        [ADOPTION_MONTHS[i] for i in rng.integers(0, len(ADOPTION_MONTHS), n_regions)],
        dtype=object,
    )
    adoption[~treated] = None

    level = rng.normal(42.0, 4.0, n_regions)  # region fixed effect (%)
    step = np.arange(n_months)
    month_effect = 0.05 * step + 1.2 * np.sin(2 * np.pi * step / 12) + rng.normal(0, 0.4, n_months)

    region_index = np.repeat(np.arange(n_regions), n_months)
    month_index = np.tile(np.arange(n_months), n_regions)
    month_text = np.array([str(m) for m in months], dtype=object)[month_index]
    adopted = adoption[region_index]
    post = np.array(
        [a is not None and m >= a for a, m in zip(adopted, month_text, strict=True)], dtype=bool
    )
    outcome = (
        level[region_index]
        + month_effect[month_index]
        + effect * post
        + rng.normal(0.0, 0.7, n_regions * n_months)
    )
    return pd.DataFrame(
        {
            "시군구코드": [regions[i].code for i in region_index],
            "시도": [regions[i].sido for i in region_index],
            "시군구": [regions[i].sigungu for i in region_index],
            "연월": month_text.tolist(),
            "도입연월": pd.Series(adopted, dtype=object).astype("str"),
            "청년고용률": np.round(outcome, 2),
        }
    )
