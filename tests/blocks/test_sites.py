import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from key_results_check import Key, assert_key_results, count, decimals
from korean_check import assert_korean
from workbench.blocks._sites import (
    EXACT_MAX_PAIRS,
    coverage_curve,
    radius_sensitivity,
    select_sites,
)
from workbench.exceptions import ParameterError, WorkbenchError
from workbench.runner import run_analysis
from workbench.samples._ev_demand import ev_demand


def random_instance(seed: int, n_demand: int = 40, n_sites: int = 12):
    rng = np.random.default_rng(seed)
    demand = pd.DataFrame(
        {
            "x": rng.uniform(0, 5000, n_demand),
            "y": rng.uniform(0, 5000, n_demand),
            "weight": rng.integers(0, 50, n_demand).astype(float),
        }
    )
    candidates = pd.DataFrame(
        {"x": rng.uniform(0, 5000, n_sites), "y": rng.uniform(0, 5000, n_sites)},
        index=[f"S{j}" for j in range(n_sites)],
    )
    return demand, candidates


def brute_force(demand, candidates, k, radius) -> float:
    d = demand[["x", "y"]].to_numpy()
    s = candidates[["x", "y"]].to_numpy()
    within = np.hypot(d[:, None, 0] - s[None, :, 0], d[:, None, 1] - s[None, :, 1]) <= radius
    w = demand["weight"].to_numpy()
    return max(
        float(w[within[:, list(combo)].any(axis=1)].sum())
        for combo in itertools.combinations(range(len(s)), k)
    )


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 3, 4])
def test_exact_equals_brute_force_optimum(seed, k):
    demand, candidates = random_instance(seed)
    result = select_sites(demand, candidates, k=k, radius=1200, method="exact")
    assert result.method == "exact"
    assert len(result.sites) == k
    assert set(result.sites) <= set(candidates.index)
    assert result.covered_demand == pytest.approx(brute_force(demand, candidates, k, 1200))
    # The reported coverage is what the chosen sites really cover.
    assert result.covered_demand == pytest.approx(
        brute_force(demand, candidates.loc[result.sites], k, 1200)
    )


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("k", [2, 3, 5])
def test_greedy_within_its_guarantee_of_exact(seed, k):
    demand, candidates = random_instance(seed, n_demand=60, n_sites=15)
    exact = select_sites(demand, candidates, k=k, radius=1000, method="exact")
    greedy = select_sites(demand, candidates, k=k, radius=1000, method="greedy")
    assert greedy.method == "greedy"
    assert len(greedy.sites) == k
    assert greedy.covered_demand <= exact.covered_demand + 1e-9
    assert greedy.covered_demand >= (1 - 1 / math.e) * exact.covered_demand - 1e-9


def test_auto_chooses_exact_for_small_and_greedy_for_large(monkeypatch):
    demand, candidates = random_instance(0)
    assert select_sites(demand, candidates, k=2, radius=1000).method == "exact"
    monkeypatch.setattr("workbench.blocks._sites.EXACT_MAX_PAIRS", 0)
    assert select_sites(demand, candidates, k=2, radius=1000).method == "greedy"
    assert EXACT_MAX_PAIRS > 0


def test_covered_flags_and_shares_are_consistent():
    demand, candidates = random_instance(3)
    result = select_sites(demand, candidates, k=3, radius=1500)
    assert result.covered.dtype == bool and len(result.covered) == len(demand)
    assert result.covered_demand == pytest.approx(demand["weight"][result.covered].sum())
    assert result.total_demand == pytest.approx(demand["weight"].sum())
    assert 0 <= result.coverage <= 1


def test_custom_column_names():
    demand = pd.DataFrame({"X좌표": [0.0, 10.0], "Y좌표": [0.0, 0.0], "수요": [1.0, 2.0]})
    result = select_sites(
        demand, demand, k=1, radius=5, method="greedy", x="X좌표", y="Y좌표", weight="수요"
    )
    assert result.sites == [1]


def test_curve_is_monotone_in_sites_and_radius():
    demand, candidates = random_instance(1, n_demand=80, n_sites=20)
    curve = coverage_curve(demand, candidates, ks=[1, 2, 3, 4], radius=1000, method="exact")
    assert list(curve.columns) == ["충전소 수", "포괄 수요", "포괄률", "풀이 방법"]
    assert curve["포괄 수요"].is_monotonic_increasing
    sens = radius_sensitivity(demand, candidates, k=3, radii=[500, 1000, 2000], method="exact")
    assert list(sens.columns) == ["반경(m)", "포괄 수요", "포괄률", "풀이 방법"]
    assert sens["포괄 수요"].is_monotonic_increasing
    assert set(sens["풀이 방법"]) == {"정확해"}


@pytest.mark.parametrize(
    ("kwargs", "kind", "message"),
    [
        ({"k": 0}, "range", "select_sites의 매개변수 'k'는 1 이상의 정수여야 합니다. 받은 값: 0."),
        ({"k": 2.0}, "type", "'k'는 1 이상의 정수여야 합니다. 받은 값: 2.0."),
        ({"k": True}, "type", "'k'는 1 이상의 정수여야 합니다. 받은 값: True."),
        ({"radius": 0}, "range", "'radius'는 0.0 초과의 숫자여야 합니다. 받은 값: 0."),
        ({"radius": float("nan")}, "range", "'radius'는 0.0 초과의 숫자여야 합니다. 받은 값: nan."),
        ({"radius": math.inf}, "range", "'radius'는 0.0 초과의 숫자여야 합니다. 받은 값: inf."),
        ({"radius": "1km"}, "type", "'radius'는 0.0 초과의 숫자여야 합니다. 받은 값: '1km'."),
        (
            {"method": "fast"},
            "choice",
            "'method'는 'auto', 'exact', 'greedy' 중 하나여야 합니다. 받은 값: 'fast'.",
        ),
    ],
)
def test_bad_parameters_give_korean_messages_with_the_range(kwargs, kind, message):
    demand, candidates = random_instance(0)
    params = {"k": 2, "radius": 1000.0, "method": "auto", **kwargs}
    with pytest.raises(ParameterError) as info:
        select_sites(demand, candidates, **params)
    assert message in str(info.value)
    assert info.value.parameter == next(iter(kwargs))
    assert info.value.kind == kind
    assert isinstance(info.value, WorkbenchError)
    assert_korean(str(info.value), "select_sites")


def test_k_names_the_parameter_of_the_standard_notebook():
    demand, candidates = random_instance(0)
    with pytest.raises(ParameterError) as info:
        select_sites(demand, candidates, k=0, radius=1000)
    # ev_charging_sites passes its n_sites as k: the message says what its user writes.
    assert "workbench run ev_charging_sites -p n_sites=" in str(info.value)


def test_bad_tables_are_refused_with_the_fix():
    demand, candidates = random_instance(0)
    with pytest.raises(ParameterError) as info:
        select_sites(demand, candidates, k=13, radius=1000)
    assert (info.value.parameter, info.value.expected, info.value.got) == ("k", 12, 13)
    assert "후보지 수(12) 이하여야" in str(info.value)
    with pytest.raises(ParameterError) as info:
        select_sites(demand.drop(columns="weight"), candidates, k=1, radius=1000)
    assert (info.value.parameter, info.value.expected) == ("demand", ["weight"])
    assert "열 'weight'가 없습니다" in str(info.value) and "weight=" in str(info.value)
    with pytest.raises(ParameterError) as info:
        select_sites(demand.to_numpy(), candidates, k=1, radius=1000)
    assert (info.value.parameter, info.value.kind, info.value.got) == ("demand", "type", "ndarray")
    with pytest.raises(ParameterError) as info:
        select_sites(demand.assign(weight=-1.0), candidates, k=1, radius=1000)
    assert (info.value.kind, info.value.got) == ("negative", len(demand))
    assert_korean(str(info.value), "select_sites")
    with pytest.raises(ParameterError) as info:
        select_sites(demand.assign(x=np.nan), candidates, k=1, radius=1000)
    assert (info.value.kind, info.value.got) == ("not_finite", len(demand))
    assert_korean(str(info.value), "select_sites")


# --- the sample generator ----------------------------------------------------------------


def test_sample_is_seeded_and_well_formed():
    a, b = ev_demand(seed=4), ev_demand(seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(ev_demand(seed=5))
    assert a["격자ID"].is_unique
    assert (a[["등록전기차", "충전기없는세대"]] >= 0).all().all()
    assert len(a.attrs["planted_centres"]) == 3


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("method", ["exact", "greedy"])
def test_planted_clusters_are_recovered(seed, method):
    n_clusters = 3
    grid = ev_demand(n_clusters=n_clusters, seed=seed)
    grid["weight"] = grid["등록전기차"] + grid["충전기없는세대"] / 6
    candidates = grid[grid["후보지"]]
    result = select_sites(grid, candidates, k=n_clusters, radius=1500, method=method)
    chosen = candidates.loc[result.sites, ["x", "y"]].to_numpy(dtype=float)
    centres = np.array(grid.attrs["planted_centres"])
    distance = np.hypot(*(chosen[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
    # Each planted cluster gets its own site, within one cell diagonal of its centre.
    nearest = distance.argmin(axis=1)
    assert sorted(nearest.tolist()) == list(range(n_clusters))
    assert distance.min(axis=1).max() <= 750


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"n_side": 5}, "n_side"), ({"n_clusters": 0}, "n_clusters"), ({"seed": -1}, "seed")],
)
def test_sample_refuses_bad_arguments(kwargs, name):
    with pytest.raises(ParameterError, match=f"ev_demand의 매개변수 '{name}'") as info:
        ev_demand(**kwargs)
    assert (info.value.parameter, info.value.got) == (name, kwargs[name])


def test_sample_refuses_clusters_that_do_not_fit():
    with pytest.raises(ParameterError, match="들어가지 않습니다") as info:
        ev_demand(n_side=10, n_clusters=9)
    assert (info.value.parameter, info.value.got) == ("n_clusters", 9)


# --- the standard notebook, run for real -------------------------------------------------


@pytest.mark.kernel
def test_notebook_runs_on_sample_and_recovers_the_clusters(tmp_path):

    result = run_analysis(Path("notebooks/standard/ev_charging_sites.ipynb"), out=tmp_path / "run")
    assert result.manifest.status == "succeeded"
    html = result.report.read_text(encoding="utf-8")
    assert "전기차 충전소 입지 분석" in html
    assert "최대포괄입지문제" in html
    for code in ("select_sites(", "import workbench", "DEMAND_GRID_SCHEMA", "wb.read_table"):
        assert code not in html
    names = sorted(p.name for p in result.results)
    assert names == [
        "coverage_curve.csv",
        "radius_sensitivity.csv",
        "sites.csv",
        "summary.csv",
    ]
    curve = pd.read_csv(tmp_path / "run" / "results" / "coverage_curve.csv", encoding="utf-8-sig")
    # Three planted clusters: the third site adds much, the fourth little (the elbow).
    gains = curve["포괄률"].diff()
    assert gains.iloc[2] > 3 * gains.iloc[3]
    assert set(curve["풀이 방법"]) == {"정확해"}
    item = "항목"
    assert_key_results(
        result.run_dir,
        [
            Key("새로 설치할 충전소는 {}개소입니다.", "summary", "값",
                {item: "충전소 수(개소)"}, count),
            Key("충전소에서 {}m 안의 수요를 포괄하는 것으로 보았습니다.", "summary", "값",
                {item: "포괄 반경(m)"}, count),
            Key("격자 전체의 충전 수요(등록 전기차와 가중한 충전기 없는 세대의 합)는 {}입니다.",
                "summary", "값", {item: "총 수요"}, decimals(0)),
            Key("고른 충전소가 포괄하는 수요는 {}입니다.", "summary", "값", {item: "포괄 수요"},
                decimals(0)),
            Key("총 수요 대비 포괄률은 {}입니다.", "summary", "값", {item: "포괄률"}),
        ],
    )  # fmt: skip


@pytest.mark.kernel
def test_notebook_runs_on_a_csv_with_greedy(tmp_path):

    data = tmp_path / "격자.csv"
    ev_demand(seed=2).to_csv(data, index=False, encoding="utf-8-sig")
    result = run_analysis(
        Path("notebooks/standard/ev_charging_sites.ipynb"),
        {"data_path": str(data), "method": "greedy", "n_sites": 2},
        out=tmp_path / "run",
    )
    assert result.manifest.status == "succeeded"
    sites = pd.read_csv(tmp_path / "run" / "results" / "sites.csv", encoding="utf-8-sig")
    assert len(sites) == 2


def test_notebook_refuses_a_missing_column_before_the_kernel(tmp_path):
    data = tmp_path / "격자.csv"
    ev_demand(seed=1).drop(columns="후보지").to_csv(data, index=False, encoding="utf-8-sig")
    with pytest.raises(WorkbenchError, match="후보지"):
        run_analysis(
            Path("notebooks/standard/ev_charging_sites.ipynb"),
            {"data_path": str(data)},
            out=tmp_path / "run",
        )
    assert not (tmp_path / "run" / "notebook.ipynb").exists()
