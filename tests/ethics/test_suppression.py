"""Suppression: an attacker who solves the published table cannot pin down a hidden cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from korean_check import assert_korean
from workbench.ethics import check_table, pivot_table, round_to_base, suppress
from workbench.exceptions import ParameterError


def equations(published: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """Row and column equations of a published table with margins (last row and column).

    Hidden (missing) cells are unknowns; published cells and totals are constants.
    """
    grid = published.to_numpy(dtype=float)
    m, n = grid.shape[0] - 1, grid.shape[1] - 1
    unknowns = [(i, j) for i in range(m + 1) for j in range(n + 1) if np.isnan(grid[i, j])]
    where = {cell: k for k, cell in enumerate(unknowns)}
    lines = [[((i, j), 1.0) for j in range(n)] + [((i, n), -1.0)] for i in range(m + 1)]
    lines += [[((i, j), 1.0) for i in range(m)] + [((m, j), -1.0)] for j in range(n + 1)]
    a, b = [], []
    for line in lines:
        row, constant = np.zeros(len(unknowns)), 0.0
        for cell, sign in line:
            if cell in where:
                row[where[cell]] += sign
            else:
                constant -= sign * grid[cell]
        a.append(row)
        b.append(constant)
    return np.array(a), np.array(b), unknowns


def determined_by_rank(published: pd.DataFrame) -> list[tuple[int, int]]:
    """Unknowns fixed by the equations alone: e_k lies in the row space of A."""
    a, _, unknowns = equations(published)
    rank = np.linalg.matrix_rank(a)
    fixed = []
    for k, cell in enumerate(unknowns):
        unit = np.zeros(len(unknowns))
        unit[k] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            fixed.append(cell)
    return fixed


def ranges_by_lp(published: pd.DataFrame) -> dict[tuple[int, int], tuple[float, float]]:
    """Smallest and largest value of every unknown with non-negativity (an LP attack)."""
    a, b, unknowns = equations(published)
    ranges = {}
    for k, cell in enumerate(unknowns):
        c = np.zeros(len(unknowns))
        c[k] = 1.0
        low = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert low.status == 0  # the true table is a solution
        ranges[cell] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return ranges


def assert_nothing_recoverable(published: pd.DataFrame) -> None:
    assert published.isna().any().any()
    assert determined_by_rank(published) == []
    for cell, (low, high) in ranges_by_lp(published).items():
        assert high - low > 1e-6, cell


@pytest.fixture
def counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "w": [18, 1, 9, 5, 25],
            "x": [20, 15, 12, 33, 21],
            "y": [30, 3, 34, 10, 13],
            "z": [38, 37, 16, 16, 11],
        },
        index=["a", "b", "c", "d", "e"],
    )


def test_primary_only_is_recoverable(counts):
    # The attack works: with only the failing cells hidden, a reader gets them back.
    result = suppress(check_table(counts), secondary=False)
    assert determined_by_rank(result.table) != []


def test_secondary_suppression_protects_every_hidden_cell(counts):
    result = suppress(check_table(counts))
    published = result.table
    assert_nothing_recoverable(published)
    pattern = result.pattern
    assert set(zip(*np.where(pattern == "primary"), strict=True)) == {
        (1, 0),
        (1, 2),
        (2, 0),
        (3, 0),
    }
    assert (pattern == "secondary").to_numpy().sum() >= 1
    # every row and column with a hidden cell has at least two hidden cells
    hidden = published.isna().to_numpy()
    assert all(k != 1 for k in hidden.sum(axis=0)) and all(k != 1 for k in hidden.sum(axis=1))


def test_margins_are_true_totals_of_unsuppressed_data(counts):
    published = suppress(check_table(counts)).table
    assert published.loc["All", "All"] == counts.to_numpy().sum()
    assert published["All"].iloc[:-1].tolist() == counts.sum(axis=1).tolist()
    assert published.loc["All"].iloc[:-1].tolist() == counts.sum(axis=0).tolist()


def test_reported_intervals_contain_the_truth(counts):
    result = suppress(check_table(counts))
    full = counts.copy()
    for (row, column), (low, high) in result.intervals.items():
        truth = full.loc[row, column]
        assert low - 1e-6 <= truth <= high + 1e-6
        assert high - low > 0


@pytest.mark.parametrize("seed", range(6))
def test_random_tables_are_protected(seed):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(3, 7)), int(rng.integers(2, 6)))
    values = rng.integers(0, 45, size=shape)
    table = pd.DataFrame(values, index=[f"r{i}" for i in range(shape[0])])
    result = suppress(check_table(table))
    if (values < 10).any():
        assert_nothing_recoverable(result.table)
    assert (result.pattern.iloc[:-1, :-1] == "primary").to_numpy().sum() == (values < 10).sum()


def test_small_margin_is_hidden_and_protected():
    table = pd.DataFrame({"x": [2, 20, 30], "y": [3, 25, 12]}, index=["a", "b", "c"])
    result = suppress(check_table(table))
    assert result.pattern.loc["a", "All"] == "primary"  # row total 5 < 10
    assert_nothing_recoverable(result.table)


def test_pivot_sum_table_from_microdata():
    rng = np.random.default_rng(11)
    sizes = {("p", "u"): 12, ("p", "v"): 4, ("q", "u"): 15, ("q", "v"): 20, ("s", "u"): 11}
    sizes[("s", "v")] = 13
    rows = [
        {"g": g, "h": h, "v": float(rng.integers(1, 50))}
        for (g, h), k in sizes.items()
        for _ in range(k)
    ]
    result = suppress(pivot_table(pd.DataFrame(rows), "v", "g", "h", aggfunc="sum", margins=True))
    assert result.pattern.loc["p", "v"] == "primary"
    assert list(result.table.index) == ["p", "q", "s", "All"]
    assert_nothing_recoverable(result.table)


def test_mean_table_gets_primary_suppression_only():
    rng = np.random.default_rng(12)
    frame = pd.DataFrame(
        {"g": ["a"] * 15 + ["b"] * 4, "h": ["x"] * 19, "v": rng.normal(100, 5, 19)}
    )
    result = suppress(pivot_table(frame, "v", "g", "h", aggfunc="mean"))
    assert result.pattern["x"].tolist() == ["", "primary"]
    assert np.isnan(result.table.loc["b", "x"]) and not np.isnan(result.table.loc["a", "x"])


def test_suppress_rejects_a_plain_dataframe(counts):
    with pytest.raises(ParameterError) as info:
        suppress(counts)
    error = info.value
    assert (error.parameter, error.kind, error.got) == ("result", "type", "DataFrame")
    assert "crosstab, pivot_table, check_table이 돌려준 것" in str(error)
    assert_korean(str(error), "DataFrame")


def test_a_bad_threshold_names_the_field_and_ethics_yml(counts):
    with pytest.raises(ParameterError) as info:
        suppress(check_table(counts, rules={"safe_threshold": 0}))
    assert (info.value.parameter, info.value.kind, info.value.got) == (
        "safe_threshold",
        "threshold",
        0,
    )
    assert "1 이상이어야 합니다" in str(info.value) and "ethics.yml" in str(info.value)
    assert_korean(str(info.value))


def test_round_to_base():
    table = pd.DataFrame({"n": [3, 12, 7.5, np.nan], "label": ["a", "b", "c", "d"]})
    rounded = round_to_base(table, base=5)
    assert rounded["n"].tolist()[:3] == [5.0, 10.0, 10.0]
    assert np.isnan(rounded["n"].iloc[3]) and rounded["label"].tolist() == ["a", "b", "c", "d"]
    assert round_to_base(table, base=10)["n"].tolist()[:3] == [0.0, 10.0, 10.0]
    with pytest.raises(ParameterError) as info:
        round_to_base(table, base=0)
    assert (info.value.parameter, info.value.kind, info.value.got) == ("base", "range", 0)
    assert_korean(str(info.value))
    with pytest.raises(ParameterError) as info:
        round_to_base([1, 2], base=5)
    assert (info.value.parameter, info.value.got) == ("table", "list")
    assert_korean(str(info.value), "list")


def test_round_to_base_accepts_a_result(counts):
    rounded = round_to_base(suppress(check_table(counts)), base=3)
    finite = rounded.to_numpy()[~np.isnan(rounded.to_numpy())]
    assert (finite % 3 == 0).all()


def test_cells_missing_in_a_published_table_stay_hidden(counts):
    table = counts.astype(float)
    table.loc["a", "w"] = np.nan
    result = suppress(check_table(table))
    assert result.pattern.loc["a", "w"] == "missing"
    assert np.isnan(result.table.loc["a", "w"])
    assert_nothing_recoverable(result.table)
