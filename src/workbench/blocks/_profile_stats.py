"""The profile's statistics over the whole table, computed by DuckDB on an Arrow copy.

:func:`workbench.blocks.profile` asks here for what it needs of every column: how many
values are present and distinct, the value counts of text and booleans, the statistics
and histogram counts of numbers, the median length of text, the duplicate rows and the
correlations. The frame is handed to DuckDB as Arrow (no copy for pandas' Arrow-backed
text and for plain numbers), one scan answers every column's aggregates, and only what
the report shows comes back to pandas. Columns Arrow cannot hold as one type (mixed
Python objects, lists) are left to the pandas code in :mod:`._profile`.

DuckDB runs on one thread here: the sums behind a mean or a correlation then always add
in the same order, so two runs give the same digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

__all__ = ["COUNT_LIMIT", "ColumnFacts", "TableFacts", "counts_of", "pairwise_corr", "table_facts"]

#: Value counts are fetched for text with at most this many distinct values (every
#: column of dates has fewer: 1900-2099 is 73,049 days), and always for one that is
#: neither an identifier nor free text.
COUNT_LIMIT = 100_000
HISTOGRAM_BINS = 30


@dataclass
class ColumnFacts:
    """What DuckDB found in one column (the rows read_table did not flag as totals)."""

    kind: str  # "number", "integer", "boolean", "text"
    present: int
    distinct: int
    median_length: float | None = None
    counts: pd.Series | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    histogram: tuple[np.ndarray, np.ndarray] | None = None


@dataclass
class TableFacts:
    """The facts of every column Arrow could hold (by position), and the duplicate rows."""

    columns: dict[int, ColumnFacts]
    duplicates: int | None  # None: a column Arrow cannot hold; pandas counts them
    connection: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)

    def correlations(self, positions: list[int]) -> np.ndarray | None:
        """Pearson r of every pair (pairwise complete rows), or None if one is not here."""
        if self.connection is None or any(p not in self.columns for p in positions):
            return None
        pairs = [(i, j) for i in range(len(positions)) for j in range(i + 1, len(positions))]
        r = np.eye(len(positions))
        if pairs:
            terms = ", ".join(
                f'corr("c{positions[i]}"::DOUBLE, "c{positions[j]}"::DOUBLE)' for i, j in pairs
            )
            found = self.connection.execute(f"SELECT {terms} FROM t").fetchall()[0]
            for (i, j), value in zip(pairs, found, strict=True):
                r[i, j] = r[j, i] = np.nan if value is None else value
        return np.clip(r, -1.0, 1.0)


def _arrow(series: pd.Series) -> tuple[str, pa.Array] | None:
    """Return the column as an Arrow array and its kind (None: left to pandas)."""
    import pyarrow as pa

    dtype = series.dtype
    try:
        if pd.api.types.is_bool_dtype(dtype):
            return "boolean", pa.array(series, from_pandas=True)
        if isinstance(dtype, pd.CategoricalDtype):
            return None
        if pd.api.types.is_integer_dtype(dtype):
            return "integer", pa.array(series, from_pandas=True)
        if pd.api.types.is_float_dtype(dtype):
            return "number", pa.array(series, type=pa.float64(), from_pandas=True)
        if isinstance(dtype, pd.StringDtype) or (
            dtype is np.dtype(object) and pd.api.types.infer_dtype(series, skipna=True) == "string"
        ):
            return "text", pa.array(series, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return None
    return None


def _connect(table: pa.Table) -> duckdb.DuckDBPyConnection:
    import duckdb

    connection = duckdb.connect(config={"threads": 1})
    connection.execute("SET enable_progress_bar = false")  # no bar on the kernel's stderr
    connection.register("w", table)
    return connection


def table_facts(whole: pd.DataFrame, keep: np.ndarray | None) -> TableFacts:
    """Compute the facts of ``whole``'s columns over the rows ``keep`` marks (None: all).

    Duplicate rows are counted over every row of ``whole`` (totals included), as the
    overview reports them.
    """
    import pyarrow as pa

    arrays, kinds = {}, {}
    for position in range(whole.shape[1]):
        found = _arrow(whole.iloc[:, position])
        if found is not None:
            kinds[position], arrays[f"c{position}"] = found
    if not arrays:
        return TableFacts({}, None)
    names = list(arrays)
    if keep is not None:
        arrays["_keep"] = pa.array(keep)
    connection = _connect(pa.table(arrays))
    rows = "* EXCLUDE (_keep) FROM w WHERE _keep" if keep is not None else "* FROM w"
    connection.execute(f"CREATE VIEW t AS SELECT {rows}")
    duplicates = None
    if len(names) == whole.shape[1]:
        duplicates = _duplicates(connection, ", ".join(f'"{n}"' for n in names), len(whole))
    columns = _aggregates(connection, kinds)
    for position, facts in columns.items():
        _details(connection, position, facts)
    return TableFacts(columns, duplicates, connection)


def _duplicates(connection: duckdb.DuckDBPyConnection, columns: str, rows: int) -> int:
    """Rows equal to an earlier row, over every row of the table.

    Rows whose hashes all differ all differ (twice as fast as comparing them); only
    when some hashes repeat are the rows themselves compared, so the count is exact.
    """
    hashes = connection.execute(f"SELECT count(DISTINCT hash({columns})) FROM w").fetchall()
    if hashes[0][0] == rows:
        return 0
    distinct = connection.execute(f"SELECT count(*) FROM (SELECT DISTINCT {columns} FROM w)")
    return rows - int(distinct.fetchall()[0][0])


_NUMBER_TERMS = (
    "min({c})",
    "max({c})",
    "avg({c}::DOUBLE)",
    "stddev_samp({c}::DOUBLE)",
    "quantile_cont({c}::DOUBLE, [0.25, 0.5, 0.75])",
    # DuckDB refuses the skewness of infinite values (pandas gives NaN): left out, flagged.
    "skewness(CASE WHEN isfinite({c}::DOUBLE) THEN {c}::DOUBLE END)",
    "count(*) FILTER (WHERE NOT isfinite({c}::DOUBLE))",
)


def _aggregates(connection: duckdb.DuckDBPyConnection, kinds: dict[int, str]) -> dict[int, Any]:
    """One scan: present and distinct values of every column, statistics of numbers."""
    terms: list[str] = []
    for position, kind in kinds.items():
        c = f'"c{position}"'
        terms += [f"count({c})", f"count(DISTINCT {c})"]
        if kind in ("number", "integer"):
            terms += [term.format(c=c) for term in _NUMBER_TERMS]
    values = list(connection.execute(f"SELECT {', '.join(terms)} FROM t").fetchall()[0])
    columns = {}
    for position, kind in kinds.items():
        facts = ColumnFacts(kind, int(values.pop(0)), int(values.pop(0)))
        if kind in ("number", "integer"):
            low, high, mean, std, quartiles, skew, infinite = values[:7]
            del values[:7]
            facts.stats = {
                "min": low,
                "max": high,
                "stats": [mean, std, *(quartiles or [None] * 3), None if infinite else skew],
            }
        columns[position] = facts
    return columns


def _details(connection: duckdb.DuckDBPyConnection, position: int, facts: ColumnFacts) -> None:
    """Value counts of text and booleans, histogram counts of numbers."""
    c = f'"c{position}"'
    if facts.kind in ("text", "boolean") and facts.distinct <= COUNT_LIMIT:
        facts.counts = _counts(connection, c)
    if facts.kind == "text" and facts.counts is not None:
        facts.median_length = _median_length(facts.counts)
    elif facts.kind == "text":
        found = connection.execute(f"SELECT quantile_cont(length({c}), 0.5) FROM t").fetchall()
        facts.median_length = found[0][0]
    elif facts.kind in ("number", "integer") and facts.present:
        facts.histogram = _histogram(connection, c, facts)


def counts_of(facts: TableFacts, position: int) -> pd.Series | None:
    """Return a column's value counts (fetched now if the first pass left them out)."""
    column = facts.columns.get(position)
    if column is None or facts.connection is None or column.kind not in ("text", "boolean"):
        return None
    if column.counts is None:
        column.counts = _counts(facts.connection, f'"c{position}"')
    return column.counts


def _counts(connection: duckdb.DuckDBPyConnection, c: str) -> pd.Series:
    """Count per value, most frequent first, ties by value (as pandas' value_counts)."""
    found = connection.sql(
        f"SELECT {c} AS v, count(*) AS n FROM t WHERE {c} IS NOT NULL GROUP BY v ORDER BY n DESC, v"
    ).to_arrow_table()
    values = found.column("v").to_pandas()
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        values = values.astype("string")
    return pd.Series(found.column("n").to_numpy(), index=pd.Index(values), name="count")


def _median_length(counts: pd.Series) -> float | None:
    """Median length in characters of every value counted (as ``str.len().median()``)."""
    if counts.empty:
        return None
    lengths = pd.Series(counts.index, dtype="string").str.len().to_numpy(dtype=np.int64)
    order = np.argsort(lengths, kind="stable")
    lengths, ends = lengths[order], np.cumsum(counts.to_numpy()[order])
    total = int(ends[-1])
    middle = np.searchsorted(ends, [(total - 1) // 2, total // 2], side="right")
    return float(lengths[middle].mean())


def _histogram(
    connection: duckdb.DuckDBPyConnection, c: str, facts: ColumnFacts
) -> tuple[np.ndarray, np.ndarray] | None:
    """Bin edges and exact counts (at most 30 equal bins between the least and largest)."""
    low, high = facts.stats["min"], facts.stats["max"]
    if low is None or not (np.isfinite(low) and np.isfinite(high)):
        return None
    low, high = float(low), float(high)
    if low == high:  # one value: one bin around it, as numpy draws it
        return np.array([low - 0.5, low + 0.5]), np.array([facts.present])
    bins = min(HISTOGRAM_BINS, facts.distinct)
    edges = np.linspace(low, high, bins + 1)
    found = connection.execute(
        f"SELECT least(CAST(floor(({c}::DOUBLE - $low) * $scale) AS BIGINT), $last) AS b, "
        f"count(*) FROM t WHERE {c} IS NOT NULL GROUP BY b",
        {"low": low, "scale": bins / (high - low), "last": bins - 1},
    ).fetchall()
    counts = np.zeros(bins, dtype=np.int64)
    for index, count in found:
        counts[int(index)] = count
    return edges, counts


def pairwise_corr(frame: pd.DataFrame) -> pd.DataFrame:
    """Pearson r of every column pair over the rows where both are present (as pandas' corr).

    Matrix products instead of pandas' loop over pairs: seconds faster on millions of
    rows. Columns are standardised first, so that sums of squares of large amounts
    (원) lose no precision.
    """
    values = frame.to_numpy(dtype="float64", copy=True)
    present = ~np.isnan(values)
    values = (values - np.nanmean(values, axis=0)) / np.nanstd(values, axis=0)
    values[~present] = 0.0
    mask = present.astype("float64")
    pairs = mask.T @ mask  # rows where both columns are present
    sums = values.T @ mask  # [i, j]: sum of column i where j is present
    squares = (values**2).T @ mask
    products = values.T @ values
    with np.errstate(divide="ignore", invalid="ignore"):
        covariance = pairs * products - sums * sums.T
        spread = (pairs * squares - sums**2) * (pairs * squares - sums**2).T
        r = np.clip(covariance / np.sqrt(spread), -1.0, 1.0)
    np.fill_diagonal(r, 1.0)
    return pd.DataFrame(r, index=frame.columns, columns=frame.columns)
