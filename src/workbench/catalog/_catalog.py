"""The dict-like catalog: find a dataset by name, load it in one line, audited.

Modelled on kedro's DataCatalog (dict-like, lazy, errors that name the dataset), with
what it lacks for public administration: owner agencies, sensitivity, Korean encodings,
access rules from the project's ethics record, and an audit log of every access.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench import config
from workbench._korean import josa
from workbench.catalog import TEXT_COLUMNS_ATTR
from workbench.catalog._filters import Filter, normalize_aggregations, normalize_where
from workbench.catalog._messages import message, no_column
from workbench.catalog._model import (
    CatalogFile,
    Connection,
    DatasetEntry,
    load_catalog_file,
    merge_catalogs,
)
from workbench.config import current_user
from workbench.exceptions import CatalogError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Catalog", "open_catalog"]

# Set by the runner in a run's kernel (runner/_kernel.py): loads name the run they serve.
_RUN_DIR_ENV = "WORKBENCH_RUN_DIR"
SAMPLE_CATALOG = Path(__file__).resolve().parent.parent / "samples" / "catalog.yml"
_SENSITIVITY_KO = {
    "public": "공개",
    "internal": "내부",
    "personal": "개인정보",
    "pseudonymised": "가명정보",
}


class Catalog(Mapping[str, DatasetEntry]):
    """Datasets by name, merged from one or more catalog files.

    Parameters
    ----------
    catalog : CatalogFile
        The merged catalog.
    project : pathlib.Path, optional
        The project folder: where ``ethics.yml``, ``catalog.local.yml``, the audit log
        and the cache live (see :mod:`workbench.config`).
    user : str, optional
        Recorded in the audit log; default the login name.
    """

    def __init__(
        self, catalog: CatalogFile, *, project: Path | None = None, user: str | None = None
    ) -> None:
        self._catalog = catalog
        self.project = project
        self.user = user

    # --- the mapping ------------------------------------------------------------------

    def __getitem__(self, name: str) -> DatasetEntry:
        try:
            return self._catalog.datasets[name]
        except KeyError:
            raise CatalogError(self._not_found(name)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._catalog.datasets

    def __iter__(self) -> Iterator[str]:
        return iter(self._catalog.datasets)

    def __len__(self) -> int:
        return len(self._catalog.datasets)

    def _ipython_key_completions_(self) -> list[str]:
        return list(self._catalog.datasets)

    def _not_found(self, name: str) -> str:
        close = difflib.get_close_matches(name, list(self), n=1)
        hint = message("dataset_close", close=close[0]) if close else ""
        return message(
            "dataset_not_found", name=name, name_josa=josa(f"'{name}'", "이/가"), hint=hint
        )

    @property
    def connections(self) -> dict[str, Connection]:
        """Named database connections (URLs resolved only when a dataset loads)."""
        return dict(self._catalog.connections)

    def by_agency(self) -> dict[str, list[DatasetEntry]]:
        """Group datasets by owner agency, both sorted by name."""
        groups: dict[str, list[DatasetEntry]] = {}
        for entry in sorted(self.values(), key=lambda e: (e.owner, e.name)):
            groups.setdefault(entry.owner, []).append(entry)
        return groups

    def _repr_html_(self) -> str:
        rows = []
        for agency, entries in self.by_agency().items():
            rows.append(f'<tr><th colspan="5" style="text-align:left">{escape(agency)}</th></tr>')
            for e in entries:
                keys = ", ".join(sorted(set(e.key_columns().values()))) or "-"
                rows.append(
                    f"<tr><td><code>{escape(e.name)}</code></td><td>{escape(e.title)}</td>"
                    f"<td>{_SENSITIVITY_KO[e.sensitivity]}</td><td>{escape(keys)}</td>"
                    f"<td>{escape(e.update_cycle)}</td></tr>"
                )
        head = (
            "<tr><th>이름</th><th>제목</th><th>민감도</th><th>연결 키</th><th>갱신 주기</th></tr>"
        )
        return (
            f"<p><strong>자료 목록</strong> ({len(self)}개)</p>"
            f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def __repr__(self) -> str:
        return (
            f"<Catalog of {len(self)} datasets: {', '.join(list(self)[:8])}{'…' * (len(self) > 8)}>"
        )

    # --- reading ----------------------------------------------------------------------

    def _check_columns(self, entry: DatasetEntry, names: Iterable[str], what: str) -> None:
        if not entry.columns:
            return  # undeclared columns: the engine reports unknown ones
        for name in names:
            if name not in entry.columns:
                raise CatalogError(no_column(entry.name, name, entry.columns, f" ({what})"))

    def _prepare(
        self, name: str, purpose: str | None, columns: Sequence[str] | None, where: Any
    ) -> tuple[DatasetEntry, str | None, list[Filter], str | None]:
        entry = self[name]
        if columns is not None:
            if isinstance(columns, str):
                raise ParameterError(message("columns_one_string"), parameter="columns")
            self._check_columns(entry, columns, "columns")
        filters = normalize_where(where)
        self._check_columns(entry, [f.column for f in filters], "where")
        granted, grant = self._access(name, purpose, columns)
        return entry, granted, filters, grant

    def load(
        self,
        name: str,
        *,
        purpose: str | None = None,
        columns: Sequence[str] | None = None,
        where: Mapping[str, Any] | Iterable[Any] | None = None,
        validate: bool = True,
    ) -> pd.DataFrame:
        """Load a dataset as a pandas DataFrame.

        Parameters
        ----------
        name : str
            The dataset's name in the catalog.
        purpose : str, optional
            Why it is loaded; recorded in the audit log. For a ``personal`` or
            ``pseudonymised`` dataset the project's ``ethics.yml`` must list the dataset
            (with a purpose and a legal basis); its purpose is used when none is given.
        columns : list of str, optional
            Only these columns (read only these, where the format allows).
        where : mapping or list, optional
            Row filters, e.g. ``{"시도": "서울특별시", "나이": (">=", 65)}``; values are
            bound as SQL parameters, never pasted into SQL.
        validate : bool
            Check declared column types and constraints (pandera); on failure a
            :class:`~workbench.exceptions.SchemaError` lists every offending column.

        Returns
        -------
        pandas.DataFrame
        """
        entry, granted, filters, grant = self._prepare(name, purpose, columns, where)
        frame = self._read(entry, list(columns) if columns is not None else None, filters)
        if validate and entry.columns:
            from workbench.catalog._schema import validate_frame

            validate_frame(entry, frame, partial=columns is not None)
        texts = [c for c in entry.text_columns() if c in frame.columns]
        if texts:
            frame.attrs[TEXT_COLUMNS_ATTR] = texts
        self._audit(entry, granted, frame, columns, grant)
        return frame

    def aggregate(
        self,
        name: str,
        by: Sequence[str],
        values: Mapping[str, str | Sequence[str]],
        *,
        where: Mapping[str, Any] | Iterable[Any] | None = None,
        purpose: str | None = None,
    ) -> pd.DataFrame:
        """Group and aggregate inside the engine (DuckDB or the database), not in pandas.

        Parameters
        ----------
        by : list of str
            Group-by columns.
        values : mapping
            Column -> aggregate name(s) among count, sum, mean, min, max, median, std,
            nunique. Result columns are named ``<column>_<aggregate>``.

        Examples
        --------
        >>> cat = open_catalog(samples=True)
        >>> cat.aggregate("population", ["연도"], {"인구": ["sum", "mean"]}).columns.tolist()
        ['연도', '인구_sum', '인구_mean']
        """
        aggs = normalize_aggregations(values, "values")
        used = [*by, *aggs]
        entry, granted, filters, grant = self._prepare(name, purpose, used, where)
        frame = self._engine(entry).aggregate(
            entry, self._source(entry), list(by), aggs, filters, cache_dir=self._cache()
        )
        self._audit(entry, granted, frame, used, grant)
        return frame

    def describe(self, name: str) -> pd.DataFrame:
        """Return the declared columns of a dataset (type, description, PII kind, key)."""
        import pandas as pd

        entry = self[name]
        return pd.DataFrame(
            [
                {
                    "열": column,
                    "유형": spec.type,
                    "설명": spec.description,
                    "개인정보": spec.pii or "",
                    "연결 키": spec.key or "",
                }
                for column, spec in entry.columns.items()
            ],
            columns=["열", "유형", "설명", "개인정보", "연결 키"],
        )

    def check_access(self, name: str, purpose: str | None = None) -> str | None:
        """Raise unless the project's ethics record allows loading ``name``.

        Returns the purpose that a load would record (see :meth:`load`).
        """
        return self._access(name, purpose, None)[0]

    def _access(
        self, name: str, purpose: str | None, columns: Sequence[str] | None
    ) -> tuple[str | None, str | None]:
        """Return the purpose to record and the data-sharing grant's id (None if none)."""
        from workbench.catalog._access import check_access, check_grant

        ethics = config.ethics_file(self.project)
        granted = check_access(self[name], ethics, purpose)
        return granted, check_grant(self[name], ethics.parent, granted, columns)

    def exists(self, name: str) -> bool:
        """Tell whether the dataset's source is there (files) or reachable (databases)."""
        entry = self[name]
        return bool(self._engine(entry).exists(entry, self._source(entry)))

    def fingerprint(self, name: str) -> str:
        """Return a sha256 of the dataset's content (recorded in run manifests)."""
        entry = self[name]
        return str(self._engine(entry).fingerprint(entry, self._source(entry)))

    # --- plumbing ---------------------------------------------------------------------

    def _cache(self) -> Path:
        return config.cache_dir(self.project)

    def _engine(self, entry: DatasetEntry) -> Any:
        if entry.format == "sql":
            from workbench.catalog import _sql

            return _sql
        from workbench.catalog import _files

        return _files

    def _source(self, entry: DatasetEntry) -> str:
        if entry.format != "sql":
            return entry.resolve_source()
        from workbench.catalog._credentials import connection_url

        assert entry.connection is not None  # checked by the model
        return connection_url(entry.connection, self.connections, self.project)

    def _read(
        self, entry: DatasetEntry, columns: list[str] | None, filters: list[Filter]
    ) -> pd.DataFrame:
        return self._engine(entry).load(
            entry, self._source(entry), columns, filters, cache_dir=self._cache()
        )

    def _audit(
        self,
        entry: DatasetEntry,
        purpose: str | None,
        frame: pd.DataFrame,
        columns: Sequence[str] | None,
        grant: str | None = None,
    ) -> None:
        if entry.sensitivity == "public":
            return
        from workbench.catalog._audit import AuditLog, frame_sha256

        AuditLog(config.audit_log_path(self.project)).append(
            user=self.user or current_user(),
            dataset=entry.name,
            purpose=purpose or "",
            columns=list(columns) if columns is not None else [str(c) for c in frame.columns],
            rows=len(frame),
            sha256=frame_sha256(frame),
            grant=grant,
            run=os.environ.get(_RUN_DIR_ENV),
        )


def open_catalog(
    *paths: str | os.PathLike[str],
    project: str | os.PathLike[str] | None = None,
    samples: bool | None = None,
) -> Catalog:
    """Open the catalog: shared catalogs, then the project's ``catalog.yml``.

    Parameters
    ----------
    *paths : path
        Catalog files to use instead of the ones found (``$WORKBENCH_CATALOG_PATH`` and the
        project's ``catalog.yml``).
    project : path, optional
        The project folder; default the one holding the current folder.
    samples : bool, optional
        Include the bundled sample catalog (datasets generated by :mod:`workbench.samples`).
        Default: only when no other catalog is found, so a new user has data to try.

    Examples
    --------
    >>> import workbench as wb
    >>> "households" in wb.catalog(samples=True)
    True
    """
    root = Path(project).resolve() if project is not None else config.find_project()
    files = [Path(p) for p in paths] if paths else config.catalog_files(root)
    if samples or (samples is None and not files):
        files = [SAMPLE_CATALOG, *files]
    loaded = [(path, load_catalog_file(path)) for path in files]
    local = config.local_catalog_file(root)
    if local.is_file():
        loaded.append((local, load_catalog_file(local, local=True)))
    return Catalog(merge_catalogs(loaded), project=root)
