"""Anomaly block: unusual facility-months in monthly energy and emissions records.

Three signals, each with a reason an official can read:

1. *Seasonal*: each facility's own monthly series (log scale) is split by STL into
   trend, season and residual; a residual far from the others (robust z) is unusual.
2. *Own history*: the emission intensity (배출원단위, emissions per unit of output) far
   from the facility's own median catches level shifts that STL's trend absorbs.
3. *Peers*: the intensity far from the industry's median (robust z), and an
   IsolationForest over intensity, fuel and electricity per unit of output among the
   same-industry facility-months.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.blocks._checks import check_number, check_table
from workbench.blocks._messages import message, parameter_error

__all__ = ["EmissionAnomalyDetector", "robust_z"]

_MAD_TO_Z = 0.6745  # Iglewicz-Hoaglin: 0.6745 (x - median) / MAD is ~N(0, 1) for normal data
DECIMALS = 4
_SETTLING_REFITS = 5  # refits per replacement; each cuts a replaced value's leak to a third
_MAX_REPLACED = 4  # values set aside when refitting STL (spikes in a facility's series)


def robust_z(values: Any) -> np.ndarray:
    """Return the robust (modified) z-score of each value: 0.6745 (x - median) / MAD.

    Parameters
    ----------
    values : array-like of float
        The values; NaN values are ignored and stay NaN.

    Returns
    -------
    numpy.ndarray
        The scores. When the MAD is 0 (more than half the values equal), the scale falls
        back to the mean absolute deviation times 1.2533; if that is 0 too, scores are 0.

    Examples
    --------
    >>> robust_z([1.0, 2.0, 3.0, 4.0, 100.0]).round(2).tolist()
    [-1.35, -0.67, 0.0, 0.67, 65.43]
    """
    x = np.asarray(values, dtype=float)
    finite = x[np.isfinite(x)]
    if finite.size == 0:
        return np.full(x.shape, np.nan)
    median = np.median(finite)
    mad = np.median(np.abs(finite - median))
    if mad > 0:
        return _MAD_TO_Z * (x - median) / mad
    mean_ad = np.mean(np.abs(finite - median))
    if mean_ad > 0:
        return (x - median) / (1.2533 * mean_ad)
    return np.where(np.isfinite(x), 0.0, np.nan)


class EmissionAnomalyDetector:
    """Flag unusual facility-months by seasonal residuals, own history and peers.

    Parameters
    ----------
    z_threshold : float, default 3.5
        A robust z at least this large (in absolute value) is unusual. 3.5 is the
        Iglewicz-Hoaglin rule; on normal data about 1 value in 2,000 passes it.
    contamination : float, default 0.01
        Share of each industry's facility-months the IsolationForest calls unusual,
        in (0, 0.5].
    period : int, default 12
        Season length in months for STL. A facility needs at least ``2 * period``
        months for the seasonal signal; shorter series get no seasonal score.
    min_peers : int, default 5
        Fewest facilities in an industry for the peer signals; smaller industries get
        no peer scores.
    facility_column, industry_column, month_column, output_column, emission_column : str
        Column names: facility ID, industry (업종), month (sortable text such as
        ``"2024-01"``, or dates), output and emissions.
    series_columns : tuple of str, default ("배출량",)
        Measures whose seasonal residual is scored (add "연료사용량", "전력사용량" to
        score those too, at the cost of more flags).
    input_columns : tuple of str, default ("연료사용량", "전력사용량")
        Inputs whose amount per unit of output feeds the IsolationForest, with the
        emission intensity.
    random_state : int, default 0
        Seed of the IsolationForest.

    Attributes
    ----------
    scores_ : pandas.DataFrame
        After :meth:`fit`: one row per input row (same index, in the input's order) with
        the facility, industry and month, one ``계절 z (<measure>)`` column per series
        column, ``배출원단위 자체 z``, ``배출원단위 동종 z``, ``업종 중앙값 대비 배수``,
        ``고립 점수`` (IsolationForest score, higher is more unusual), ``이상 여부``
        (bool) and ``사유`` (Korean reasons joined by "; ", empty when not flagged).
    n_flagged_ : int
        Number of flagged rows.

    Examples
    --------
    >>> from workbench.samples._emissions import emissions
    >>> df = emissions(n_facilities=30, months=24, seed=0)
    >>> detector = EmissionAnomalyDetector().fit(df)
    >>> detector.scores_.shape[0] == len(df)
    True
    >>> flagged = detector.scores_[detector.scores_["이상 여부"]]
    >>> bool(flagged["사유"].str.len().gt(0).all())
    True
    """

    def __init__(
        self,
        z_threshold: float = 3.5,
        contamination: float = 0.01,
        period: int = 12,
        min_peers: int = 5,
        facility_column: str = "시설ID",
        industry_column: str = "업종",
        month_column: str = "연월",
        output_column: str = "생산량",
        emission_column: str = "배출량",
        series_columns: tuple[str, ...] = ("배출량",),
        input_columns: tuple[str, ...] = ("연료사용량", "전력사용량"),
        random_state: int = 0,
    ) -> None:
        self.z_threshold = z_threshold
        self.contamination = contamination
        self.period = period
        self.min_peers = min_peers
        self.facility_column = facility_column
        self.industry_column = industry_column
        self.month_column = month_column
        self.output_column = output_column
        self.emission_column = emission_column
        self.series_columns = series_columns
        self.input_columns = input_columns
        self.random_state = random_state

    # --- public API ---------------------------------------------------------------------

    def fit(self, df: pd.DataFrame, y: None = None) -> EmissionAnomalyDetector:
        """Score every facility-month of ``df`` and store the result in ``scores_``.

        Parameters
        ----------
        df : pandas.DataFrame
            One row per facility and month with the configured columns; numeric
            measures must be numbers (non-positive values get no score).
        y : None
            Ignored; present for scikit-learn compatibility.

        Returns
        -------
        EmissionAnomalyDetector
            The fitted detector.

        Raises
        ------
        workbench.exceptions.ParameterError
            If a parameter is out of range, ``df`` is not a DataFrame, a column is
            missing, or a facility has the same month twice.
        """
        self._check_parameters()
        data = self._check_frame(df)
        threshold = float(self.z_threshold)
        scores = data[[self.facility_column, self.industry_column, self.month_column]].copy()
        for column in self.series_columns:
            scores[f"계절 z ({column})"] = self._seasonal_z(data, column)
        log_intensity = _log_ratio(data[self.emission_column], data[self.output_column])
        scores["배출원단위 자체 z"] = log_intensity.groupby(data[self.facility_column]).transform(
            lambda s: pd.Series(robust_z(s), index=s.index)
        )
        peer_z, ratio, isolation = self._peer_scores(data, log_intensity)
        scores["배출원단위 동종 z"] = peer_z
        scores["업종 중앙값 대비 배수"] = ratio
        scores["고립 점수"] = isolation
        numeric = scores.columns[3:]
        scores[numeric] = scores[numeric].astype(float).round(DECIMALS) + 0.0
        scores["사유"] = [self._reasons(row, threshold) for row in scores.itertuples(index=False)]
        scores["이상 여부"] = scores["사유"].str.len() > 0
        scores = scores.sort_index()
        scores.index = df.index
        self.scores_ = scores
        self.n_flagged_ = int(scores["이상 여부"].sum())
        return self

    def fit_predict(self, df: pd.DataFrame, y: None = None) -> np.ndarray:
        """Fit on ``df`` and return its flags (True for an unusual facility-month).

        Parameters
        ----------
        df : pandas.DataFrame
            As for :meth:`fit`.
        y : None
            Ignored.

        Returns
        -------
        numpy.ndarray of bool
            One flag per row of ``df``, in its order.
        """
        return self.fit(df).scores_["이상 여부"].to_numpy(dtype=bool)

    # --- checks -------------------------------------------------------------------------

    def _check_parameters(self) -> None:
        name = type(self).__name__
        check_number(name, "z_threshold", self.z_threshold, float, 0.0, None, low_open=True)
        check_number(name, "contamination", self.contamination, float, 0.0, 0.5, low_open=True)
        check_number(name, "period", self.period, int, 2, None)
        check_number(name, "min_peers", self.min_peers, int, 2, None)
        check_number(name, "random_state", self.random_state, int, 0, None)

    def _check_frame(self, df: Any) -> pd.DataFrame:
        function = f"{type(self).__name__}.fit"
        numeric = {*self.series_columns, *self.input_columns}
        numeric |= {self.output_column, self.emission_column}
        required = [self.facility_column, self.industry_column, self.month_column]
        check_table(
            function, "df", df, [*required, *sorted(numeric)], hint=message("hint_detector")
        )
        keys = [self.facility_column, self.month_column]
        twice = df.duplicated(subset=keys, keep=False)
        if twice.any():
            first = df.loc[twice, keys].iloc[0]
            raise parameter_error(
                "duplicate_rows",
                "df",
                function=function,
                kind="duplicate",
                got=int(twice.sum()),
                facility=keys[0],
                month=keys[1],
                count=int(twice.sum()),
                example=f"{first.iloc[0]}, {first.iloc[1]}",
            )
        data = df.reset_index(drop=True)
        for column in numeric:
            data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
        return data.sort_values(keys, kind="stable")

    # --- signals ------------------------------------------------------------------------

    def _seasonal_z(self, data: pd.DataFrame, column: str) -> pd.Series:
        values = data[column].where(data[column] > 0)
        result = pd.Series(np.nan, index=data.index)
        for _, series in np.log(values).groupby(data[self.facility_column], sort=False):
            if series.notna().sum() < 2 * self.period:
                continue
            filled = series.interpolate(limit_direction="both")
            resid = _stl_residual(filled.to_numpy(), self.period, float(self.z_threshold))
            z = robust_z(np.where(series.notna(), resid, np.nan))
            result.loc[series.index] = z
        return result

    def _peer_scores(
        self, data: pd.DataFrame, log_intensity: pd.Series
    ) -> tuple[pd.Series, pd.Series, pd.Series]:
        from sklearn.ensemble import IsolationForest

        features = pd.DataFrame({"intensity": log_intensity})
        for column in self.input_columns:
            features[column] = _log_ratio(data[column], data[self.output_column])
        peer_z = pd.Series(np.nan, index=data.index)
        ratio = pd.Series(np.nan, index=data.index)
        isolation = pd.Series(np.nan, index=data.index)
        for _, group in data.groupby(self.industry_column, sort=True):
            if group[self.facility_column].nunique() < self.min_peers:
                continue
            index = group.index
            peer_z.loc[index] = robust_z(log_intensity.loc[index])
            ratio.loc[index] = np.exp(log_intensity.loc[index] - log_intensity.loc[index].median())
            usable = features.loc[index].dropna()
            forest = IsolationForest(
                contamination=float(self.contamination), random_state=self.random_state
            ).fit(usable)
            # decision_function is negative for outliers; flip it so higher is stranger.
            isolation.loc[usable.index] = -forest.decision_function(usable)
        return peer_z, ratio, isolation

    def _reasons(self, row: tuple[Any, ...], threshold: float) -> str:
        values = dict(zip(self.scores_columns(), row, strict=False))
        reasons = []
        for column in self.series_columns:
            z = values[f"계절 z ({column})"]
            if _beyond(z, threshold):
                reasons.append(f"{column}: 계절 추세 대비 {_direction(z)} (로버스트 z {z:.1f})")
        z = values["배출원단위 자체 z"]
        if _beyond(z, threshold):
            reasons.append(f"배출원단위: 자체 이력 대비 {_direction(z)} (로버스트 z {z:.1f})")
        z = values["배출원단위 동종 z"]
        if _beyond(z, threshold):
            multiple = values["업종 중앙값 대비 배수"]
            reasons.append(
                f"동종 업종 대비 배출원단위 이상 (업종 중앙값의 {multiple:.1f}배, "
                f"로버스트 z {z:.1f})"
            )
        if values["고립 점수"] > 0:
            reasons.append("동종 업종 대비 연료·전력·배출 구성 이상 (Isolation Forest)")
        return "; ".join(reasons)

    def scores_columns(self) -> list[str]:
        """Return the column names of ``scores_`` before 사유 and 이상 여부, in order.

        Returns
        -------
        list of str
            Facility, industry and month columns, then the score columns.
        """
        return [
            self.facility_column,
            self.industry_column,
            self.month_column,
            *(f"계절 z ({column})" for column in self.series_columns),
            "배출원단위 자체 z",
            "배출원단위 동종 z",
            "업종 중앙값 대비 배수",
            "고립 점수",
        ]


# --- helpers -----------------------------------------------------------------------------


def _log_ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """log(numerator / denominator) where both are positive, NaN elsewhere."""
    ok = (numerator > 0) & (denominator > 0)
    ratio = numerator.where(ok) / denominator.where(ok)
    return pd.Series(np.log(ratio.to_numpy(dtype=float)), index=numerator.index)


def _beyond(z: float, threshold: float) -> bool:
    return bool(np.isfinite(z) and abs(z) >= threshold)


def _direction(z: float) -> str:
    return "높음" if z > 0 else "낮음"


def _stl_residual(values: np.ndarray, period: int, threshold: float) -> np.ndarray:
    """STL residuals with a nearly fixed season, made robust by refitting without outliers.

    With a few years of months, STL's default seasonal window (7) fits each calendar
    month's three or four values almost exactly, so residuals vanish and any noise looks
    unusual; a constant season (window longer than the series, degree 0) is stable from
    year to year, as it is for a plant. statsmodels' ``robust=True`` is unstable on such
    short series (its trend can collapse onto the data), so robustness comes from
    refitting: the most extreme value beyond ``threshold`` is replaced by its fitted
    value, one at a time (at most ``_MAX_REPLACED``), and replaced values follow a few
    refits until they settle. Otherwise a spike leaks a third of itself into the same
    month of the other years, which then look unusually low.
    """
    from statsmodels.tsa.seasonal import STL

    seasonal = 2 * (len(values) // 2) + 1 + 2 * period  # odd and longer than the series
    replaced = np.zeros(len(values), dtype=bool)
    while True:
        cleaned = values.copy()
        # Replaced values follow the fit until their leak into the season has died out.
        for _ in range(_SETTLING_REFITS if replaced.any() else 1):
            fitted = STL(cleaned, period=period, seasonal=seasonal, seasonal_deg=0).fit()
            expected = np.asarray(fitted.trend) + np.asarray(fitted.seasonal)
            cleaned = np.where(replaced, expected, values)
        z = np.abs(robust_z(values - expected))
        z[replaced] = 0.0
        worst = int(np.argmax(z))
        if z[worst] < threshold or replaced.sum() >= _MAX_REPLACED:
            return values - expected
        replaced[worst] = True
