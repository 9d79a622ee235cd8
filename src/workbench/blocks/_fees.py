"""Apartment fee blocks: per-㎡ peer comparison, billed-versus-invoiced gaps, bid red flags.

The inputs are those of a 공동주택 관리비 disclosure (K-apt style): fees per complex, month
and item (with the complex's attributes), what was paid to contractors, and tenders; their
columns are in :data:`FEES_SCHEMA`, :data:`INVOICES_SCHEMA` and :data:`BIDS_SCHEMA`.

Every score here is a *signal for review*, never a finding of wrongdoing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from workbench.blocks._checks import check_number, check_table
from workbench.blocks._messages import parameter_error
from workbench.blocks._schema import InputSchema

__all__ = [
    "ATTRIBUTE_COLUMNS",
    "BIDS_SCHEMA",
    "FEES_SCHEMA",
    "INVOICES_SCHEMA",
    "PeerComparison",
    "audit_ranking",
    "bid_flags",
    "billing_gaps",
    "per_area_costs",
]

#: Complex attributes repeated on every fee row.
ATTRIBUTE_COLUMNS = ("세대수", "전용면적합계", "난방방식", "준공연도")
_MAD_SCALE = 1.4826  # makes the MAD a consistent estimate of sigma for normal data
_MIN_SPREAD = 0.02  # floor on the log-scale spread, so identical peers do not give z = inf
DECIMALS = 4

_MONTH = pa.Check.str_matches(r"^\d{4}-\d{2}$")
#: Input contracts (pandera), checked in the notebook before anything is computed.
FEES_SCHEMA = InputSchema(
    {
        "단지코드": pa.Column(str),
        "세대수": pa.Column(int, pa.Check.gt(0), coerce=True),
        "전용면적합계": pa.Column(float, pa.Check.gt(0), coerce=True),
        "난방방식": pa.Column(str),
        "준공연도": pa.Column(int, pa.Check.in_range(1900, 2100), coerce=True),
        "부과월": pa.Column(str, _MONTH),
        "항목": pa.Column(str),
        "부과액": pa.Column(float, pa.Check.ge(0), coerce=True),
    },
    name="관리비 부과 자료(FEES_SCHEMA)",
)
INVOICES_SCHEMA = InputSchema(
    {
        "단지코드": pa.Column(str),
        "부과월": pa.Column(str, _MONTH),
        "항목": pa.Column(str),
        "지급액": pa.Column(float, pa.Check.ge(0), coerce=True),
    },
    name="용역업체 지급 자료(INVOICES_SCHEMA)",
)
BIDS_SCHEMA = InputSchema(
    {
        "단지코드": pa.Column(str),
        "항목": pa.Column(str),
        "참가업체수": pa.Column(int, pa.Check.ge(0), coerce=True),
        "낙찰업체": pa.Column(str),
    },
    name="입찰 자료(BIDS_SCHEMA)",
)


def per_area_costs(fees: pd.DataFrame) -> pd.DataFrame:
    """Average monthly charge per ㎡ of each item in each complex.

    Parameters
    ----------
    fees : pandas.DataFrame
        Long fee table with ``단지코드``, the :data:`ATTRIBUTE_COLUMNS`, ``부과월``,
        ``항목`` and ``부과액`` (원).

    Returns
    -------
    pandas.DataFrame
        One row per complex and item: ``단지코드``, the attribute columns, ``항목``,
        ``월수`` and ``원/㎡`` (mean monthly 부과액 divided by 전용면적합계).

    Raises
    ------
    ParameterError
        If a column is missing.

    Examples
    --------
    >>> fees = pd.DataFrame({"단지코드": ["A1", "A1"], "세대수": [500, 500],
    ...     "전용면적합계": [30000.0, 30000.0], "난방방식": ["개별", "개별"],
    ...     "준공연도": [2005, 2005], "부과월": ["2024-01", "2024-02"],
    ...     "항목": ["경비비", "경비비"], "부과액": [3.0e6, 3.6e6]})
    >>> per_area_costs(fees)[["항목", "월수", "원/㎡"]].to_dict("records")
    [{'항목': '경비비', '월수': 2, '원/㎡': 110.0}]
    """
    columns = ("단지코드", *ATTRIBUTE_COLUMNS, "부과월", "항목", "부과액")
    check_table("per_area_costs", "fees", fees, columns)
    keys = ["단지코드", *ATTRIBUTE_COLUMNS, "항목"]
    out = fees.groupby(keys, as_index=False, sort=True).agg(
        월수=("부과월", "nunique"), 부과합계=("부과액", "sum")
    )
    out["원/㎡"] = (out["부과합계"] / out["월수"] / out["전용면적합계"]).round(DECIMALS)
    return out.drop(columns="부과합계")


class PeerComparison:
    """Robust z-scores of per-㎡ costs among peer complexes (median and MAD, log scale).

    A complex's log 원/㎡ of an item is compared with the median of its peers; the
    difference is divided by the MAD (times 1.4826) of such differences, pooled over the
    peer groups of the same level.

    Peers share a size band (세대수), heating type (난방방식) and age band (years since
    준공연도). When such a group has fewer than ``min_peers`` complexes, the comparison
    falls back to size and heating, then heating only, then all complexes.

    Parameters
    ----------
    size_edges : tuple of int, default (300, 1000)
        Boundaries of the 세대수 bands.
    age_edges : tuple of int, default (10, 20)
        Boundaries of the age bands (years).
    reference_year : int, default 2024
        The year ages are counted to.
    min_peers : int, default 10
        Smallest peer group used for a comparison.

    Attributes
    ----------
    reference_ : pandas.DataFrame
        Per level, group and item: ``단지 수``, ``중앙값`` and ``척도`` (log scale).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> costs = pd.DataFrame({"단지코드": [f"A{i}" for i in range(30)], "세대수": 500,
    ...     "난방방식": "개별", "준공연도": 2005, "항목": "경비비",
    ...     "원/㎡": np.exp(rng.normal(6.0, 0.1, 30))})
    >>> costs.loc[0, "원/㎡"] *= 2
    >>> z = PeerComparison().fit(costs).transform(costs)
    >>> bool(z.loc[0, "로버스트z"] > 3.5), bool(z["로버스트z"].iloc[1:].abs().max() < 3.5)
    (True, True)
    """

    _LEVELS = (("규모", "난방", "경과"), ("규모", "난방"), ("난방",), ())

    def __init__(
        self,
        size_edges: tuple[int, ...] = (300, 1000),
        age_edges: tuple[int, ...] = (10, 20),
        reference_year: int = 2024,
        min_peers: int = 10,
    ) -> None:
        self.size_edges = size_edges
        self.age_edges = age_edges
        self.reference_year = reference_year
        self.min_peers = min_peers

    def _bands(self, costs: pd.DataFrame) -> pd.DataFrame:
        check_table(
            "PeerComparison",
            "costs",
            costs,
            ("단지코드", "세대수", "난방방식", "준공연도", "항목", "원/㎡"),
        )
        size = np.searchsorted(np.asarray(self.size_edges), costs["세대수"].to_numpy(), "right")
        age = self.reference_year - costs["준공연도"].to_numpy()
        age_band = np.searchsorted(np.asarray(self.age_edges), age, "right")
        return pd.DataFrame(
            {
                "규모": [_band_label(self.size_edges, b, "세대") for b in size],
                "난방": costs["난방방식"].astype(str).to_numpy(),
                "경과": [_band_label(self.age_edges, b, "년") for b in age_band],
            },
            index=costs.index,
        )

    def fit(self, costs: pd.DataFrame, y: None = None) -> PeerComparison:
        """Learn the median and spread of log 원/㎡ of each peer group and item.

        Parameters
        ----------
        costs : pandas.DataFrame
            The output of :func:`per_area_costs` (attribute columns, 항목, 원/㎡).
        y : None
            Ignored.

        Returns
        -------
        PeerComparison
            The fitted comparison.
        """
        check_number("PeerComparison", "min_peers", self.min_peers, int, 2, None)
        bands = self._bands(costs)
        log_cost = np.log(costs["원/㎡"].clip(lower=1e-9))
        frames = []
        for level, columns in enumerate(self._LEVELS):
            key = _group_key(bands, columns)
            grouped = pd.DataFrame({"집단": key, "항목": costs["항목"], "값": log_cost})
            by_group = grouped.groupby(["집단", "항목"])["값"]
            stats = by_group.agg(["size", "median"])
            stats.columns = ["단지 수", "중앙값"]
            # The spread is pooled over all groups of the level (per item): a MAD of ten
            # complexes is too unstable to divide by.
            deviation = (grouped["값"] - by_group.transform("median")).abs()
            pooled = _MAD_SCALE * deviation.groupby(grouped["항목"]).median()
            stats["척도"] = pooled.reindex(stats.index.get_level_values("항목")).to_numpy()
            stats["수준"] = level
            frames.append(stats.reset_index())
        self.reference_ = pd.concat(frames, ignore_index=True)
        return self

    def transform(self, costs: pd.DataFrame) -> pd.DataFrame:
        """Add each complex's peer group, peer median and robust z to ``costs``.

        Parameters
        ----------
        costs : pandas.DataFrame
            The output of :func:`per_area_costs`.

        Returns
        -------
        pandas.DataFrame
            ``costs`` with ``비교집단``, ``또래중앙값`` (원/㎡) and ``로버스트z``.
        """
        if not hasattr(self, "reference_"):
            raise parameter_error(
                "not_fitted", None, estimator=type(self).__name__, kind="not_fitted"
            )
        bands = self._bands(costs)
        out = costs.copy()
        out["비교집단"] = ""
        median = pd.Series(np.nan, index=costs.index)
        scale = pd.Series(np.nan, index=costs.index)
        for level, columns in enumerate(self._LEVELS):
            ref = self.reference_[self.reference_["수준"] == level].set_index(["집단", "항목"])
            key = pd.MultiIndex.from_arrays([_group_key(bands, columns), costs["항목"]])
            found = ref.reindex(key)
            usable = (found["단지 수"].to_numpy() >= self.min_peers) | (level == 3)
            todo = usable & median.isna().to_numpy() & found["중앙값"].notna().to_numpy()
            median[todo] = found["중앙값"].to_numpy()[todo]
            scale[todo] = found["척도"].to_numpy()[todo]
            out.loc[todo, "비교집단"] = key.get_level_values(0)[todo]
        log_cost = np.log(costs["원/㎡"].clip(lower=1e-9))
        out["또래중앙값"] = np.exp(median).round(DECIMALS)
        out["로버스트z"] = ((log_cost - median) / scale.clip(lower=_MIN_SPREAD)).round(DECIMALS)
        return out


def _band_label(edges: tuple[int, ...], band: int, unit: str) -> str:
    if band == 0:
        return f"{edges[0]}{unit} 미만"
    if band == len(edges):
        return f"{edges[-1]}{unit} 이상"
    return f"{edges[band - 1]}~{edges[band] - 1}{unit}"


def _group_key(bands: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    if not columns:
        return pd.Series("전체", index=bands.index)
    key = bands[columns[0]].astype(str)
    for column in columns[1:]:
        key = key + " / " + bands[column].astype(str)
    return key


def billing_gaps(fees: pd.DataFrame, invoices: pd.DataFrame) -> pd.DataFrame:
    """Compare what residents were billed with what contractors were paid, per item.

    Parameters
    ----------
    fees : pandas.DataFrame
        ``단지코드``, ``부과월``, ``항목``, ``부과액`` (원).
    invoices : pandas.DataFrame
        ``단지코드``, ``부과월``, ``항목``, ``지급액`` (원). Only items found here are
        compared.

    Returns
    -------
    pandas.DataFrame
        One row per complex and invoiced item: ``부과합계``, ``지급합계``, ``차액`` (원)
        and ``차이율`` (차액 / 지급합계).

    Examples
    --------
    >>> fees = pd.DataFrame({"단지코드": ["A1"] * 2, "부과월": ["2024-01", "2024-02"],
    ...     "항목": ["청소비"] * 2, "부과액": [1100.0, 1000.0]})
    >>> invoices = fees.rename(columns={"부과액": "지급액"}).assign(지급액=1000.0)
    >>> billing_gaps(fees, invoices)[["차액", "차이율"]].to_dict("records")
    [{'차액': 100.0, '차이율': 0.05}]
    """
    check_table("billing_gaps", "fees", fees, ("단지코드", "부과월", "항목", "부과액"))
    check_table("billing_gaps", "invoices", invoices, ("단지코드", "부과월", "항목", "지급액"))
    keys = ["단지코드", "부과월", "항목"]
    paid = invoices.groupby(keys, as_index=False)["지급액"].sum()
    billed = fees.groupby(keys, as_index=False)["부과액"].sum()
    both = paid.merge(billed, on=keys, how="left").fillna({"부과액": 0.0})
    out = both.groupby(["단지코드", "항목"], as_index=False).agg(
        부과합계=("부과액", "sum"), 지급합계=("지급액", "sum")
    )
    out["차액"] = out["부과합계"] - out["지급합계"]
    out["차이율"] = (out["차액"] / out["지급합계"].where(out["지급합계"] > 0)).round(DECIMALS)
    return out


def bid_flags(bids: pd.DataFrame, *, repeat_min: int = 4) -> pd.DataFrame:
    """Bid red flags per complex: single-bidder tenders and one contractor winning again.

    Parameters
    ----------
    bids : pandas.DataFrame
        ``단지코드``, ``참가업체수``, ``낙찰업체``: one row per tender.
    repeat_min : int, default 4
        A contractor winning at least this many of a complex's tenders is a repeated
        winner.

    Returns
    -------
    pandas.DataFrame
        One row per complex: ``입찰 건수``, ``단독입찰 건수``, ``단독입찰 비율``,
        ``최다낙찰 건수`` and ``반복낙찰`` (bool).

    Examples
    --------
    >>> bids = pd.DataFrame({"단지코드": ["A1"] * 3 + ["A2"] * 3,
    ...     "참가업체수": [1, 1, 4, 3, 5, 2], "낙찰업체": ["X", "X", "X", "X", "Y", "Z"]})
    >>> bid_flags(bids, repeat_min=3)[["단지코드", "단독입찰 건수", "반복낙찰"]].values.tolist()
    [['A1', 2, True], ['A2', 0, False]]
    """
    check_table("bid_flags", "bids", bids, ("단지코드", "참가업체수", "낙찰업체"))
    check_number("bid_flags", "repeat_min", repeat_min, int, 2, None)
    grouped = bids.groupby("단지코드")
    out = pd.DataFrame(
        {
            "입찰 건수": grouped.size(),
            "단독입찰 건수": grouped["참가업체수"].apply(lambda s: int((s <= 1).sum())),
            "최다낙찰 건수": grouped["낙찰업체"].agg(lambda s: int(s.value_counts().max())),
        }
    )
    out["단독입찰 비율"] = (out["단독입찰 건수"] / out["입찰 건수"]).round(DECIMALS)
    out["반복낙찰"] = out["최다낙찰 건수"] >= repeat_min
    columns = ["입찰 건수", "단독입찰 건수", "단독입찰 비율", "최다낙찰 건수", "반복낙찰"]
    return out[columns].reset_index()


def audit_ranking(
    z: pd.DataFrame,
    gaps: pd.DataFrame,
    bids: pd.DataFrame,
    *,
    z_threshold: float = 3.5,
    gap_threshold: float = 0.05,
    single_share: float = 0.5,
) -> pd.DataFrame:
    """Rank complexes for audit, with the reasons in words.

    Each red flag adds to the score: an item above ``z_threshold`` adds
    ``max z / z_threshold``; a billed-over-paid gap above ``gap_threshold`` adds
    ``max gap / gap_threshold``; a share of single-bidder tenders of at least
    ``single_share`` adds ``1 + share``; a repeated winner adds 1. A complex with no
    flag scores 0.

    Parameters
    ----------
    z : pandas.DataFrame
        The output of :meth:`PeerComparison.transform`.
    gaps : pandas.DataFrame
        The output of :func:`billing_gaps`.
    bids : pandas.DataFrame
        The output of :func:`bid_flags`.
    z_threshold : float, default 3.5
        Robust z above which an item is called inflated.
    gap_threshold : float, default 0.05
        Share by which billing may exceed payments before it is flagged.
    single_share : float, default 0.5
        Share of single-bidder tenders that is flagged.

    Returns
    -------
    pandas.DataFrame
        One row per complex, best first: ``순위``, ``단지코드``, ``점수``, ``최대z``,
        ``최대z항목``, ``최대차이율``, ``단독입찰 비율``, ``반복낙찰``, ``사유``.

    Examples
    --------
    >>> z = pd.DataFrame({"단지코드": ["A1", "A2"], "항목": "경비비", "로버스트z": [5.0, 0.1]})
    >>> gaps = pd.DataFrame({"단지코드": ["A1", "A2"], "항목": "청소비", "차이율": [0.0, 0.2]})
    >>> bids = pd.DataFrame({"단지코드": ["A1", "A2"], "단독입찰 비율": [0.0, 0.0],
    ...     "반복낙찰": [False, False]})
    >>> ranking = audit_ranking(z, gaps, bids)
    >>> ranking[["단지코드", "점수"]].values.tolist()
    [['A2', 4.0], ['A1', 1.4286]]
    >>> ranking["사유"].tolist()
    ['청소비 부과액이 지급액보다 20.0% 많음', '경비비 단위면적당 금액이 비교집단보다 높음 (z=5.0)']
    """
    check_number("audit_ranking", "z_threshold", z_threshold, float, 0.1, None)
    check_number("audit_ranking", "gap_threshold", gap_threshold, float, 0.001, None)
    check_number("audit_ranking", "single_share", single_share, float, 0.0, 1.0)
    check_table("audit_ranking", "z", z, ("단지코드", "항목", "로버스트z"))
    check_table("audit_ranking", "gaps", gaps, ("단지코드", "항목", "차이율"))
    check_table("audit_ranking", "bids", bids, ("단지코드", "단독입찰 비율", "반복낙찰"))
    top_z = _top_by_complex(z, "로버스트z")
    top_gap = _top_by_complex(gaps, "차이율")
    out = pd.DataFrame(
        {
            "최대z": top_z["로버스트z"],
            "최대z항목": top_z["항목"],
            "최대차이율": top_gap["차이율"],
            "최대차이항목": top_gap["항목"],
        }
    )
    out = out.join(bids.set_index("단지코드")[["단독입찰 비율", "반복낙찰"]], how="outer")
    out = out.fillna({"최대z": 0.0, "최대차이율": 0.0, "단독입찰 비율": 0.0})
    out["반복낙찰"] = out["반복낙찰"].fillna(False).astype(bool)
    fee = np.where(out["최대z"] >= z_threshold, out["최대z"] / z_threshold, 0.0)
    gap = np.where(out["최대차이율"] >= gap_threshold, out["최대차이율"] / gap_threshold, 0.0)
    single_share_flag = out["단독입찰 비율"] >= single_share
    single = np.where(single_share_flag & (out["단독입찰 비율"] > 0), 1 + out["단독입찰 비율"], 0)
    out["점수"] = (fee + gap + single + out["반복낙찰"].astype(float)).round(DECIMALS)
    out["사유"] = [
        _reasons(row, z_threshold, gap_threshold, single_share) for row in out.to_dict("records")
    ]
    out = out.rename_axis("단지코드").reset_index()
    out = out.sort_values(["점수", "단지코드"], ascending=[False, True], kind="stable")
    out.insert(0, "순위", np.arange(1, len(out) + 1))
    columns = ["순위", "단지코드", "점수", "최대z", "최대z항목", "최대차이율"]
    return out[[*columns, "단독입찰 비율", "반복낙찰", "사유"]].reset_index(drop=True)


def _top_by_complex(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Keep the row with the largest ``column`` of each complex, indexed by 단지코드."""
    valid = table.dropna(subset=[column])
    order = valid.sort_values([column, "항목"], ascending=[False, True], kind="stable")
    return order.drop_duplicates("단지코드").set_index("단지코드")[["항목", column]]


def _reasons(
    row: dict[Any, Any], z_threshold: float, gap_threshold: float, single_share: float
) -> str:
    reasons = []
    if row["최대z"] >= z_threshold:
        reasons.append(
            f"{row['최대z항목']} 단위면적당 금액이 비교집단보다 높음 (z={row['최대z']:.1f})"
        )
    if row["최대차이율"] >= gap_threshold:
        reasons.append(f"{row['최대차이항목']} 부과액이 지급액보다 {row['최대차이율']:.1%} 많음")
    share = row["단독입찰 비율"]
    if share >= single_share and share > 0:
        reasons.append(f"단독입찰 {share:.0%}")
    if row["반복낙찰"]:
        reasons.append("동일 업체 반복 낙찰")
    return "; ".join(reasons)
