"""SQL datasets: a table or a query in an external database, read through SQLAlchemy.

A dataset with ``format: sql`` names a ``connection`` (whose URL comes from the
environment or ``catalog.local.yml``, see :mod:`workbench.catalog._credentials`) and a
``table`` (``name`` or ``schema.name``, reflected from the database) or a ``query`` (run
as a subquery). Column selection, row filters and aggregation are built with SQLAlchemy
Core and run in the database: identifiers are quoted by the dialect, and user values
reach SQL only as bound parameters, so a filter value such as ``x'; DROP TABLE t; --``
is compared as data.

Every failure is a :class:`~workbench.exceptions.DataReadError` naming the dataset, the
connection and the URL with its password hidden; the driver's own message is scrubbed
of the password too, and the original exception is not chained (its text could echo
connection parameters into a notebook's traceback).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from workbench.catalog._credentials import redact, url_secrets
from workbench.catalog._messages import message, no_column
from workbench.exceptions import DataReadError, WorkbenchError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.sql.elements import ColumnElement
    from sqlalchemy.sql.selectable import FromClause

    from workbench.catalog._filters import Filter
    from workbench.catalog._model import DatasetEntry

__all__ = ["aggregate", "exists", "fingerprint", "load"]

T = TypeVar("T")
_FINGERPRINT_BATCH = 10_000
_URL_FORM = "postgresql+psycopg://USER:PASSWORD@HOST:5432/DATABASE"
_BACKGROUND = re.compile(r"\s*\(Background on this error at: [^)]*\)")
# PostgreSQL's "LINE 1: SELECT ... ^" excerpt of the statement: noise in a one-line message.
_STATEMENT_ECHO = re.compile(r"\s*LINE \d+: .*?\^")


def load(
    entry: DatasetEntry,
    source: str,
    columns: list[str] | None,
    filters: list[Filter],
    *,
    cache_dir: Path,
) -> pd.DataFrame:
    """Read a SQL dataset (only ``columns``, only rows passing ``filters``) into pandas.

    Parameters
    ----------
    entry : DatasetEntry
        The dataset: its ``connection`` and ``table`` or ``query``.
    source : str
        The connection's URL (a secret: it never appears in a message).
    columns : list of str, optional
        Columns to select, in this order; default all.
    filters : list of Filter
        Conditions that must all hold; values are bound as parameters.
    cache_dir : pathlib.Path
        Unused: a database table can change at any time, so it is read afresh.

    Returns
    -------
    pandas.DataFrame
        Decimal values become floats; row order is the database's.

    Raises
    ------
    DataReadError
        If the database cannot be reached, the table or a column is missing, or the
        query fails.
    """

    def work() -> pd.DataFrame:
        with _connect(source) as conn:
            selectable = _selectable(conn, entry)
            if columns is None:
                statement = sa.select(selectable)
            else:
                statement = sa.select(*(_column(entry, selectable, c) for c in columns))
            statement = statement.where(*_conditions(entry, selectable, filters))
            return _frame(conn.execute(statement))

    frame = _guarded(entry, source, "loading", work)
    frame.attrs["source"] = f"sql:{entry.connection}/{entry.table or 'query'}"
    return frame


def aggregate(
    entry: DatasetEntry,
    source: str,
    by: list[str],
    aggs: dict[str, list[str]],
    filters: list[Filter],
    *,
    cache_dir: Path,
) -> pd.DataFrame:
    """Group and aggregate in the database; return ``by...`` then ``<column>_<aggregate>``.

    The aggregates are count (non-null values), sum, mean, min, max, median, std (the
    sample standard deviation, as pandas computes it) and nunique (distinct non-null
    values). Groups are sorted by ``by``; a NULL key forms its own group, sorted as the
    database sorts NULLs (last, in PostgreSQL). Median uses ``percentile_cont(0.5)`` in
    PostgreSQL and ``median()`` elsewhere.
    """

    def work() -> pd.DataFrame:
        with _connect(source) as conn:
            selectable = _selectable(conn, entry)
            keys = [_column(entry, selectable, c) for c in by]
            values = [
                _aggregate(_column(entry, selectable, c), f, conn.dialect.name).label(f"{c}_{f}")
                for c, functions in aggs.items()
                for f in functions
            ]
            statement = (
                sa.select(*keys, *values)
                .select_from(selectable)
                .where(*_conditions(entry, selectable, filters))
            )
            if keys:
                statement = statement.group_by(*keys).order_by(*keys)
            return _frame(conn.execute(statement))

    return _guarded(entry, source, "aggregating", work)


def exists(entry: DatasetEntry, source: str) -> bool:
    """Tell whether the database is reachable and the table (or query) is there.

    An unreachable server, refused credentials, a missing table or a failing query all
    answer False; :func:`load` gives the reason.
    """
    try:
        with _connect(source) as conn:
            if entry.query:
                conn.execute(sa.select(sa.text("*")).select_from(_query_probe(entry)).limit(0))
                return True
            schema, table = _split_table(entry)
            return bool(sa.inspect(conn).has_table(table, schema=schema))
    except Exception:  # any failure means "not there"; nothing is shown, nothing leaks
        return False


def fingerprint(entry: DatasetEntry, source: str) -> str:
    """Return the sha256 of the dataset's content: its rows as CSV, sorted by all columns.

    The header (column names) and every row are written as UTF-8 CSV and hashed, the rows
    in the order ``ORDER BY`` all columns gives, so the digest does not depend on how the
    table happens to be stored. It is comparable between runs against the same server
    (text sorts by the server's collation).

    Cost: a full scan and sort in the database and every row sent over the network
    (streamed in batches of 10,000 through a server-side cursor, so memory stays flat).
    That suits tables of up to some millions of rows; for larger ones, fingerprint a
    ``query`` that selects the rows an analysis uses, or a summary of them. Columns of
    types that cannot be sorted (PostgreSQL ``json``) make it fail.
    """

    def work() -> str:
        digest = hashlib.sha256()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        with _connect(source) as conn:
            selectable = _selectable(conn, entry)
            columns = list(selectable.c)
            statement = sa.select(*columns).order_by(*columns)
            result = conn.execution_options(
                stream_results=True, yield_per=_FINGERPRINT_BATCH
            ).execute(statement)
            writer.writerow(result.keys())
            for rows in result.partitions():
                writer.writerows(rows)
                digest.update(buffer.getvalue().encode("utf-8"))
                buffer.seek(0)
                buffer.truncate()
            digest.update(buffer.getvalue().encode("utf-8"))  # a header with no rows
        return digest.hexdigest()

    return _guarded(entry, source, "fingerprinting", work)


# --- statements ------------------------------------------------------------------------


@contextmanager
def _connect(source: str) -> Iterator[Connection]:
    """Open one connection (no pool: a notebook reads a dataset now and then)."""
    engine = sa.create_engine(source, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def _split_table(entry: DatasetEntry) -> tuple[str | None, str]:
    """Split ``schema.table`` (or a bare ``table``) into its parts."""
    assert entry.table is not None  # a sql dataset has a table or a query (the model)
    schema, dot, table = entry.table.partition(".")
    return (schema, table) if dot else (None, entry.table)


def _query_probe(entry: DatasetEntry) -> FromClause:
    assert entry.query is not None
    return sa.text(entry.query.strip().rstrip(";")).columns().subquery("q")


def _selectable(conn: Connection, entry: DatasetEntry) -> FromClause:
    """Return the dataset's table (reflected) or its query as a subquery with columns."""
    if entry.query:
        # The query comes from the catalog (written by the data's steward), not from
        # the analyst's call; it is run as written. Ask the database for its columns.
        probe = conn.execute(sa.select(sa.text("*")).select_from(_query_probe(entry)).limit(0))
        names = list(probe.keys())
        probe.close()
        text = sa.text(entry.query.strip().rstrip(";"))
        return text.columns(*(sa.column(name) for name in names)).subquery("q")
    schema, table = _split_table(entry)
    try:
        return sa.Table(table, sa.MetaData(), schema=schema, autoload_with=conn)
    except sa.exc.NoSuchTableError:
        raise DataReadError(
            message(
                "sql_table_not_found",
                name=entry.name,
                table=f"'{entry.table}'",
                connection=entry.connection,
            ),
            dataset=entry.name,
            kind="table",
        ) from None


def _column(entry: DatasetEntry, selectable: FromClause, name: str) -> ColumnElement[Any]:
    try:
        return selectable.c[name]
    except KeyError:
        raise DataReadError(
            no_column(entry.name, name, (c.name for c in selectable.c)),
            dataset=entry.name,
            column=name,
            kind="column",
        ) from None


def _plain(value: Any) -> Any:
    """Turn a numpy scalar (from a DataFrame) into the Python value a driver can bind."""
    item = getattr(value, "item", None)
    return item() if callable(item) and type(value).__module__ == "numpy" else value


def _conditions(
    entry: DatasetEntry, selectable: FromClause, filters: list[Filter]
) -> list[ColumnElement[bool]]:
    """Build one SQLAlchemy condition per filter; every value is a bound parameter."""
    conditions: list[ColumnElement[bool]] = []
    for f in filters:
        column = _column(entry, selectable, f.column)
        value = _plain(f.value)
        if f.op == "==":
            conditions.append(column == value)
        elif f.op == "!=":
            conditions.append(column != value)
        elif f.op == "<":
            conditions.append(column < value)
        elif f.op == "<=":
            conditions.append(column <= value)
        elif f.op == ">":
            conditions.append(column > value)
        elif f.op == ">=":
            conditions.append(column >= value)
        elif f.op == "in":
            conditions.append(column.in_([_plain(v) for v in value]))
        elif f.op == "not in":
            conditions.append(column.not_in([_plain(v) for v in value]))
        elif f.op == "between":
            low, high = value
            conditions.append(column.between(_plain(low), _plain(high)))
        elif f.op == "is null":
            conditions.append(column.is_(None))
        elif f.op == "is not null":
            conditions.append(column.is_not(None))
        else:  # normalize_where admits only the operators above
            raise DataReadError(
                message("sql_operator", column=f.column, op=repr(f.op)),
                dataset=entry.name,
                column=f.column,
                kind="operator",
            )
    return conditions


def _aggregate(column: ColumnElement[Any], function: str, dialect: str) -> ColumnElement[Any]:
    """Return the SQL aggregate named like the pandas one (means and spreads as floats)."""
    if function == "count":
        return sa.func.count(column)
    if function == "nunique":
        return sa.func.count(sa.distinct(column))
    if function in ("sum", "min", "max"):
        return getattr(sa.func, function)(column)  # type: ignore[no-any-return]
    if function == "mean":
        return sa.cast(sa.func.avg(column), sa.Float)
    if function == "std":
        return sa.cast(sa.func.stddev_samp(column), sa.Float)
    if function == "median":
        if dialect == "postgresql":
            return sa.cast(sa.func.percentile_cont(0.5).within_group(column), sa.Float)
        return sa.cast(sa.func.median(column), sa.Float)
    raise DataReadError(
        message("sql_aggregate", column=column, function=repr(function)), kind="aggregate"
    )


def _frame(result: sa.CursorResult[Any]) -> pd.DataFrame:
    names = list(result.keys())
    rows = [tuple(row) for row in result]
    return pd.DataFrame.from_records(rows, columns=names, coerce_float=True)


# --- failures --------------------------------------------------------------------------


def _guarded(entry: DatasetEntry, source: str, doing: str, work: Callable[[], T]) -> T:
    """Run ``work``, turning any failure into a DataReadError that reveals no secret.

    The new error is raised outside the ``except`` block, so the driver's exception is
    neither its cause nor its context: a traceback shows only the scrubbed message.
    """
    try:
        return work()
    except WorkbenchError:  # ours: they name the dataset, never the URL
        raise
    except Exception as exc:  # drivers raise many unrelated types
        text = _failure_message(entry, source, doing, exc)
    raise DataReadError(text, dataset=entry.name, kind="driver")


def _safe_url(source: str) -> str:
    """Render the URL with its password hidden and its query options left out."""
    try:
        url = sa.engine.make_url(source)
    except Exception:  # an unparsable URL: say so rather than show it
        return message("sql_url_unparsable")
    shown = url.set(query={}).render_as_string(hide_password=True)
    return shown + ("?…" if url.query else "")


def _driver_message(exc: BaseException) -> str:
    """Return the driver's own words (without SQLAlchemy's statement dump), on one line."""
    original = getattr(exc, "orig", None)
    text = str(original if isinstance(original, BaseException) else exc)
    text = _BACKGROUND.sub("", text)
    text = _STATEMENT_ECHO.sub("", " ".join(text.split()))
    return text.rstrip(".") or type(exc).__name__


def _hint(exc: BaseException) -> str:
    if isinstance(exc, sa.exc.ArgumentError | sa.exc.NoSuchModuleError):
        return message("sql_hint_url", form=_URL_FORM)
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        return message("sql_hint_server")
    if isinstance(exc, sa.exc.ProgrammingError):
        return message("sql_hint_query")
    if isinstance(exc, sa.exc.DataError):
        return message("sql_hint_value")
    return message("sql_hint_other")


def _failure_message(entry: DatasetEntry, source: str, doing: str, exc: BaseException) -> str:
    if entry.table:
        what = f"표 '{entry.table}'"
    else:
        query = " ".join(str(entry.query).split())
        what = message("sql_its_query", query=repr(query[:80] + ("…" if len(query) > 80 else "")))
    detail = redact(_driver_message(exc), url_secrets(source))
    return message(
        f"sql_failed_{doing}",
        name=entry.name,
        what=what,
        connection=entry.connection,
        url=_safe_url(source),
        error=type(exc).__name__,
        detail=detail,
        hint=_hint(exc),
    )
