"""The demand grid of ``ev_charging_sites``, built from what agencies publish.

Agencies publish charging stations as points (한국환경공단 전기차 충전소 현황: 충전소명,
주소, 위도, 경도, 충전기타입…), residents by 시군구 (행정안전부 주민등록 인구 및
세대현황) and registered vehicles by 시군구 and fuel (국토교통부 자동차 등록현황). No
one publishes demand on a grid; :func:`demand_grid` spreads the 시군구 counts over the
grid cells where that 시군구's stations are, under assumptions stated in its help.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.blocks._messages import parameter_error
from workbench.exceptions import ParameterError

__all__ = ["demand_grid"]

_EARTH_RADIUS = 6_371_008.8  # metres, the mean radius (IUGG)


def _squeezed(text: Any) -> str:
    return re.sub(r"\s+", "", str(text))


def _column(frame: pd.DataFrame, name: str, what: str) -> str:
    """Find the column called ``name``, or ending in it (MOIS writes 2026년04월_…)."""
    if name in frame.columns:
        return name
    ending = [c for c in frame.columns if str(c).endswith(name)]
    if ending:
        return str(ending[-1])  # the latest period when several are published side by side
    raise ParameterError(
        f"demand_grid: {what}에 '{name}' 열(또는 '…_{name}')이 없습니다. 있는 열: "
        f"{', '.join(map(str, frame.columns))}.",
        parameter=name,
    )


def _without_summary(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~frame["합계행"].astype(bool)] if "합계행" in frame.columns else frame


def _region_of(addresses: pd.Series, regions: Sequence[str]) -> pd.Series:
    """Each address's region: the longest region name its start matches (spaces ignored)."""
    names = sorted(((_squeezed(r), r) for r in regions), key=lambda p: len(p[0]), reverse=True)

    def match(address: Any) -> Any:
        text = _squeezed(address)
        return next((region for key, region in names if text.startswith(key)), None)

    return addresses.map(match)


def demand_grid(
    chargers: pd.DataFrame,
    population: pd.DataFrame,
    *,
    vehicles: pd.DataFrame | None = None,
    cell: float = 500.0,
    reach: float = 1000.0,
    evs_per_person: float = 0.013,
    latitude: str = "위도",
    longitude: str = "경도",
    coordinates: str = "위도경도",
    address: str = "주소",
    region: str = "행정구역",
    people: str = "총인구수",
    households: str = "세대수",
    vehicle_region: Sequence[str] = ("시도명", "시군구명"),
    vehicle_count: str = "전기",
) -> pd.DataFrame:
    """Build the ``ev_charging_sites`` demand grid from stations, population and vehicles.

    Assumptions (no boundaries or building data are needed, and none is pretended):

    - Coordinates: WGS84 latitude and longitude become metres on a local equirectangular
      projection about the stations' mean latitude (distance error well under 1% within
      100 km); ``x``, ``y`` are cell centres, in metres east and north of the grid's
      south-west corner.
    - A 시군구's settled area is the set of ``cell`` × ``cell`` cells whose centre lies
      within ``reach`` metres of one of its stations (stations follow where people live
      and park); a cell reached from two 시군구 goes to the one with the nearest station.
      A station is placed in a 시군구 by the longest region name its address starts with.
    - The 시군구's registered EVs (``vehicles``; else its population × ``evs_per_person``)
      and households are spread evenly over its cells. ``충전기없는세대`` counts the
      households of cells with no station yet; ``후보지`` marks those cells (a new site
      goes where there is none).
    - Regions of ``population`` with no station are left out and listed in
      ``attrs["regions_without_stations"]``; summary rows (``합계행``) are ignored.

    Parameters
    ----------
    chargers : pandas.DataFrame
        One row per charger or station, with ``latitude``, ``longitude`` and ``address``.
    population : pandas.DataFrame
        One row per 시군구, ``region`` (its name, e.g. ``서울특별시 종로구``), ``people``
        and ``households`` (the columns named so, or ending so: ``2026년04월_총인구수``).
    vehicles : pandas.DataFrame, optional
        Registered EVs by 시군구: the ``vehicle_region`` columns joined by a space give the
        name, ``vehicle_count`` the number.
    cell, reach : float
        Cell side and settled distance around stations, in metres (> 0).
    evs_per_person : float
        EVs per resident where ``vehicles`` is not given (2024: about 0.013).
    latitude, longitude, address, region, people, households, vehicle_region, vehicle_count
        Column names, by default as the agencies publish them.
    coordinates : str
        Where the list has no ``latitude``/``longitude`` columns: one column holding
        ``"37.5720,126.9769"`` (the 무공해차 통합누리집 download writes them so).

    Returns
    -------
    pandas.DataFrame
        ``격자ID``, ``x``, ``y`` (m), ``시군구``, ``등록전기차``, ``충전기없는세대``,
        ``기존충전기`` (stations in the cell), ``후보지``; sorted by ``격자ID``.

    Raises
    ------
    ParameterError
        A named column missing, no station with coordinates, or no station matching a
        region of ``population``.

    Examples
    --------
    >>> chargers = pd.DataFrame({
    ...     "주소": ["서울특별시 종로구 세종대로 1", "서울특별시 중구 명동길 2"],
    ...     "위도": [37.5720, 37.5636], "경도": [126.9769, 126.9850]})
    >>> people = pd.DataFrame({"행정구역": ["서울특별시 종로구", "서울특별시 중구"],
    ...                        "총인구수": [139_000, 120_000], "세대수": [72_000, 64_000]})
    >>> grid = demand_grid(chargers, people, cell=1000, reach=1000)
    >>> sorted(grid["시군구"].unique()), round(float(grid["등록전기차"].sum()))
    (['서울특별시 종로구', '서울특별시 중구'], 3367)
    """
    for name, value in (("cell", cell), ("reach", reach), ("evs_per_person", evs_per_person)):
        if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            raise parameter_error(
                "positive", name, function="demand_grid", name=name, got=value, kind="range"
            )
    if (latitude not in chargers or longitude not in chargers) and coordinates in chargers:
        pairs = chargers[coordinates].astype(str).str.split(",", n=1, expand=True)
        chargers = chargers.assign(**{latitude: pairs[0].str.strip(), longitude: pairs[1]})
    stations = chargers[
        [_column(chargers, c, "충전소 자료") for c in (latitude, longitude, address)]
    ]
    stations.columns = ["lat", "lon", "address"]
    stations = stations.assign(
        lat=pd.to_numeric(stations["lat"], errors="coerce"),
        lon=pd.to_numeric(stations["lon"], errors="coerce"),
    ).dropna(subset=["lat", "lon"])
    if stations.empty:
        raise ParameterError("demand_grid: 위도·경도가 있는 충전소가 없습니다.", latitude)

    residents = _without_summary(population)
    counts = pd.DataFrame(
        {
            "시군구": residents[_column(residents, region, "인구 자료")].astype(str).str.strip(),
            "인구": pd.to_numeric(residents[_column(residents, people, "인구 자료")]),
            "세대": pd.to_numeric(residents[_column(residents, households, "인구 자료")]),
        }
    )
    stations = stations.assign(시군구=_region_of(stations["address"], list(counts["시군구"])))
    if stations["시군구"].isna().all():
        raise ParameterError(
            "demand_grid: 충전소 주소가 인구 자료의 어느 행정구역 이름으로도 시작하지 않습니다 "
            f"(예: {stations['address'].iloc[0]!r}). 인구 자료가 시군구 단위인지 확인하세요.",
            address,
        )
    stations = stations.dropna(subset=["시군구"])
    counts["전기차"] = _vehicles(vehicles, counts, vehicle_region, vehicle_count, evs_per_person)

    # Local equirectangular projection, origin one reach south-west of every station.
    lat0 = math.radians(float(stations["lat"].mean()))
    east = _EARTH_RADIUS * np.radians(stations["lon"].to_numpy()) * math.cos(lat0)
    north = _EARTH_RADIUS * np.radians(stations["lat"].to_numpy())
    east, north = east - east.min() + reach, north - north.min() + reach
    width = math.ceil((east.max() + reach) / cell)
    height = math.ceil((north.max() + reach) / cell)
    iy, ix = np.divmod(np.arange(width * height), width)
    centres = np.column_stack([(ix + 0.5) * cell, (iy + 0.5) * cell])

    from scipy.spatial import cKDTree

    distance, nearest = cKDTree(np.column_stack([east, north])).query(centres)
    settled = distance <= reach
    owner = stations["시군구"].to_numpy()[nearest]
    grid = pd.DataFrame(
        {
            "격자ID": [f"격자{r:03d}-{c:03d}" for r, c in zip(iy, ix, strict=True)],
            "x": centres[:, 0].round(1),
            "y": centres[:, 1].round(1),
            "시군구": owner,
        }
    )[settled]
    in_cell = pd.Series(
        (np.floor(north / cell) * width + np.floor(east / cell)).astype(int)
    ).value_counts()
    grid["기존충전기"] = grid.index.map(in_cell).fillna(0).astype(int)
    per_region = counts.set_index("시군구")
    cells = grid.groupby("시군구")["격자ID"].transform("size")
    grid["등록전기차"] = (grid["시군구"].map(per_region["전기차"]) / cells).round(4)
    spread = grid["시군구"].map(per_region["세대"]) / cells
    grid["충전기없는세대"] = spread.where(grid["기존충전기"] == 0, 0.0).round(4)
    grid["후보지"] = grid["기존충전기"] == 0
    grid = grid.sort_values("격자ID").reset_index(drop=True)
    grid.attrs["regions_without_stations"] = sorted(set(counts["시군구"]) - set(stations["시군구"]))
    return grid


def _vehicles(
    vehicles: pd.DataFrame | None,
    counts: pd.DataFrame,
    region: Sequence[str],
    count: str,
    evs_per_person: float,
) -> pd.Series:
    """Count registered EVs per region of ``counts``: from ``vehicles``, else estimated."""
    estimate = counts["인구"] * evs_per_person
    if vehicles is None:
        return estimate
    table = _without_summary(vehicles)
    columns = [region] if isinstance(region, str) else list(region)
    names = table[[_column(table, c, "자동차 등록 자료") for c in columns]].astype(str)
    keys = names.apply(lambda row: _squeezed("".join(row)), axis=1)
    numbers = pd.to_numeric(table[_column(table, count, "자동차 등록 자료")], errors="coerce")
    registered = dict(zip(keys, numbers, strict=True))
    given = counts["시군구"].map(lambda name: registered.get(_squeezed(name)))
    return given.fillna(estimate).astype(float)
