"""The data map: search the catalog, find datasets that join, draw who holds what.

Everything here reads catalog entries only (names, titles, owners, columns, key roles);
no dataset is ever loaded, so the map works before any data is reachable. Two datasets
are *related* when they declare a column with the same key role (``Column.key``, e.g.
법정동코드): that is the join an analyst needs across agencies.
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from workbench._io import write_atomically
from workbench.catalog._catalog import _SENSITIVITY_KO
from workbench.catalog._map_drawing import (
    SENSITIVITY_COLOURS,
    AnalysisUse,
    draw,
    key_roles,
    role_order,
)
from workbench.catalog._messages import message
from workbench.catalog._model import DatasetEntry
from workbench.exceptions import ParameterError

if TYPE_CHECKING:
    from workbench.catalog._catalog import Catalog

__all__ = [
    "FIELD_LABELS",
    "SENSITIVITY_LABELS",
    "AnalysisUse",
    "FieldMatch",
    "Relation",
    "SearchHit",
    "SharedKey",
    "key_roles",
    "related",
    "search",
    "write_map",
]

#: Korean labels of the sensitivity levels, as shown to officials.
SENSITIVITY_LABELS: dict[str, str] = dict(_SENSITIVITY_KO)
#: Searched fields, in ranking order (a match in an earlier field ranks higher), with
#: their Korean labels.
FIELD_LABELS: dict[str, str] = {
    "name": "이름",
    "title": "제목",
    "owner": "기관",
    "key": "연결 키",
    "column": "열",
    "description": "설명",
    "column_description": "열 설명",
}
_RANK = {field: rank for rank, field in enumerate(FIELD_LABELS)}
_LINKS = 12  # partners named on a card; the rest are counted
_MAX_PIXELS = 60_000  # Agg refuses images over 2**16 pixels on a side
HTML_NAME = "data_map.html"
PNG_NAME = "data_map.png"


@dataclass(frozen=True)
class FieldMatch:
    """One field of a dataset that matched: ``field`` is a key of :data:`FIELD_LABELS`."""

    field: str
    text: str
    column: str | None = None  # the column, for column, column_description and key


@dataclass(frozen=True)
class SearchHit:
    """A dataset found by :func:`search`, with every field that matched."""

    dataset: str
    title: str
    owner: str
    matches: tuple[FieldMatch, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """Return the distinct matched fields, best-ranked first."""
        return tuple(sorted({m.field for m in self.matches}, key=_RANK.__getitem__))


@dataclass(frozen=True)
class SharedKey:
    """A key role two datasets share, with the columns holding it on each side."""

    role: str
    columns: tuple[str, ...]
    other_columns: tuple[str, ...]


@dataclass(frozen=True)
class Relation:
    """A dataset (``other``) that can be joined with ``dataset`` on shared key roles."""

    dataset: str
    other: str
    title: str
    owner: str
    keys: tuple[SharedKey, ...]

    @property
    def roles(self) -> tuple[str, ...]:
        """Return the shared key roles."""
        return tuple(k.role for k in self.keys)


def _normalise(text: str) -> str:
    # NFKC joins decomposed Hangul (macOS file names) and full-width Latin letters.
    return unicodedata.normalize("NFKC", text).casefold()


def _fields(entry: DatasetEntry) -> Iterable[FieldMatch]:
    yield FieldMatch("name", entry.name)
    yield FieldMatch("title", entry.title)
    yield FieldMatch("owner", entry.owner)
    yield FieldMatch("description", entry.description)
    for column, spec in entry.columns.items():
        yield FieldMatch("column", column, column)
        if spec.description:
            yield FieldMatch("column_description", spec.description, column)
        if spec.key:
            yield FieldMatch("key", spec.key, column)


def search(catalog: Catalog, text: str) -> list[SearchHit]:
    """Find datasets whose names, titles, owners, descriptions or columns mention ``text``.

    Matching is case-insensitive substring matching, in Korean or English ("소득" finds a
    column 월소득, "income" a description mentioning Income). Several words must all
    match, each anywhere in the dataset.

    Parameters
    ----------
    catalog : Catalog
        The catalog to search (entries only; no data is loaded).
    text : str
        One or more words.

    Returns
    -------
    list of SearchHit
        Datasets matching in their name or title first, then owner, key roles, column
        names, descriptions; more matched fields first; ties by dataset name.

    Raises
    ------
    ParameterError
        If ``text`` has no words.

    Examples
    --------
    >>> from workbench.catalog import open_catalog
    >>> hits = search(open_catalog(samples=True), "소득")
    >>> "households" in [hit.dataset for hit in hits]
    True
    """
    terms = _normalise(text).split()
    if not terms:
        raise ParameterError(
            message("search_empty"), "text", expected="a word", got=text, kind="empty"
        )
    hits = []
    for entry in catalog.values():
        fields = [f for f in _fields(entry) if f.text]
        found = [t for t in terms if any(t in _normalise(f.text) for f in fields)]
        if len(found) < len(terms):
            continue
        matches = [f for f in fields if any(t in _normalise(f.text) for t in terms)]
        matches.sort(key=lambda m: _RANK[m.field])  # stable: declared column order kept
        hits.append(SearchHit(entry.name, entry.title, entry.owner, tuple(matches)))
    return sorted(hits, key=lambda h: (_RANK[h.matches[0].field], -len(h.matches), h.dataset))


def related(catalog: Catalog, name: str) -> list[Relation]:
    """List the datasets that share a key role with dataset ``name``.

    Parameters
    ----------
    catalog : Catalog
        The catalog.
    name : str
        A dataset in it.

    Returns
    -------
    list of Relation
        Every other dataset with at least one key role in common, the most shared roles
        first, then by name. Empty when ``name`` declares no key column.

    Raises
    ------
    CatalogError
        If ``name`` is not in the catalog (with the closest name, if any).

    Examples
    --------
    >>> from workbench.catalog import open_catalog
    >>> links = related(open_catalog(samples=True), "households")
    >>> sorted(r.other for r in links if r.other in ("businesses", "population"))
    ['businesses', 'population']
    """
    own = key_roles(catalog[name])
    relations = []
    for other in catalog.values():
        if other.name == name:
            continue
        theirs = key_roles(other)
        shared = tuple(SharedKey(r, own[r], theirs[r]) for r in own if r in theirs)
        if shared:
            relations.append(Relation(name, other.name, other.title, other.owner, shared))
    return sorted(relations, key=lambda r: (-len(r.keys), r.other))


def _render(catalog: Catalog, uses: Sequence[AnalysisUse]) -> tuple[bytes, str]:
    """Return the map as PNG bytes and as an inline SVG element (text drawn as paths)."""
    import matplotlib

    from workbench.plotting import save_figure, use_korean_font

    with matplotlib.rc_context():  # leave the caller's matplotlib settings as they were
        use_korean_font()
        fig = draw(catalog, uses)
        png, svg = io.BytesIO(), io.BytesIO()
        longest = max(fig.get_figheight(), fig.get_figwidth())
        dpi = min(150.0, _MAX_PIXELS / longest)  # a very long catalog: smaller
        save_figure(fig, png, format="png", dpi=dpi)
        # Without the RDF block (Inkscape metadata): an inline drawing needs none.
        save_figure(fig, svg, format="svg", metadata={"Format": None, "Type": None})
    text = svg.getvalue().decode("utf-8")
    return png.getvalue(), text[text.index("<svg") :]


# --- the page ---------------------------------------------------------------------------

_CSS = """
body{font-family:"Malgun Gothic","Apple SD Gothic Neo","Noto Sans KR","NanumGothic",sans-serif;
margin:2rem auto;max-width:64rem;padding:0 1rem;color:#212121;line-height:1.5}
h1{margin-bottom:.2rem} .lead{color:#555} figure{margin:1rem 0;overflow-x:auto}
figure svg{min-width:56rem;width:100%;height:auto}
.agency{margin:1.5rem 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(18rem,1fr));gap:.8rem}
.card{border:1px solid #ccc;border-left:6px solid var(--c);border-radius:6px;padding:.6rem .8rem}
.card h4{margin:0} .card p{margin:.3rem 0} code{font-size:.9em;background:#f2f2f2;padding:0 .2em}
.sens{color:var(--c);font-weight:bold;font-size:.85em} .muted{color:#777}
table{border-collapse:collapse} th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _card(entry: DatasetEntry, holders: dict[str, list[str]]) -> str:
    colour = SENSITIVITY_COLOURS[entry.sensitivity]
    keys = key_roles(entry)
    key_text = "; ".join(f"{_e(r)} (열 {_e(', '.join(c))})" for r, c in keys.items())
    # The same order as related(): most shared roles first, then by name.
    shared = Counter(n for r in keys for n in holders[r] if n != entry.name)
    partners = sorted(shared, key=lambda n: (-shared[n], n))
    links = ", ".join(f'<a href="#ds-{_e(n)}"><code>{_e(n)}</code></a>' for n in partners[:_LINKS])
    if len(partners) > _LINKS:
        links += f" 외 {len(partners) - _LINKS}개"
    parts = [
        f'<article class="card" id="ds-{_e(entry.name)}" style="--c:{colour}">',
        f"<h4>{_e(entry.title)}</h4>",
        f'<p><code>{_e(entry.name)}</code> · <span class="sens">'
        f"{SENSITIVITY_LABELS[entry.sensitivity]}</span></p>",
    ]
    if entry.description:
        parts.append(f"<p>{_e(entry.description)}</p>")
    parts.append(f"<p>연결 키: {key_text or '<span class=muted>없음</span>'}</p>")
    if links:
        parts.append(f"<p>연결되는 자료: {links}</p>")
    if entry.update_cycle:
        parts.append(f'<p class="muted">갱신 주기: {_e(entry.update_cycle)}</p>')
    return "".join(parts) + "</article>"


def _holders(catalog: Catalog) -> dict[str, list[str]]:
    """Return key role -> the datasets holding it, by agency then name."""
    holders: dict[str, list[str]] = {}
    for entry in sorted(catalog.values(), key=lambda e: (e.owner, e.name)):
        for role in key_roles(entry):
            holders.setdefault(role, []).append(entry.name)
    return {role: holders[role] for role in sorted(holders, key=role_order)}


def _key_table(catalog: Catalog, holders: dict[str, list[str]]) -> str:
    if not holders:
        return '<p class="muted">연결 키를 선언한 자료가 없습니다.</p>'
    rows = []
    for role, names in holders.items():
        cells = "<br>".join(
            f'<a href="#ds-{_e(n)}"><code>{_e(n)}</code></a> ({_e(catalog[n].owner)}, '
            f"열 {_e(', '.join(key_roles(catalog[n])[role]))})"
            for n in names
        )
        rows.append(f"<tr><td>{_e(role)}</td><td>{len(names)}</td><td>{cells}</td></tr>")
    head = "<tr><th>연결 키</th><th>자료 수</th><th>자료 (기관, 열)</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _uses_table(catalog: Catalog, uses: Sequence[AnalysisUse]) -> str:
    rows = []
    for use in uses:
        names = [n for n in use.datasets if n in catalog]
        if not names:
            continue
        cells = "<br>".join(
            f'<a href="#ds-{_e(n)}"><code>{_e(n)}</code></a> ({_e(catalog[n].owner)})'
            for n in names
        )
        keys = _e(", ".join(use.keys)) if use.keys else '<span class="muted">결합 없음</span>'
        rows.append(
            f"<tr><td>{_e(use.title)} <code>{_e(use.name)}</code></td><td>{cells}</td>"
            f"<td>{keys}</td></tr>"
        )
    if not rows:
        return ""
    head = "<tr><th>분석</th><th>읽는 자료 (기관)</th><th>결합 열</th></tr>"
    return f"<h2>분석이 쓰는 자료와 결합</h2>\n<table>{head}{''.join(rows)}</table>\n"


def _page(catalog: Catalog, svg: str, uses: Sequence[AnalysisUse]) -> str:
    holders = _holders(catalog)
    sections = "".join(
        f'<section class="agency"><h3>{_e(agency)} <span class="muted">({len(entries)})</span>'
        f'</h3><div class="cards">{"".join(_card(e, holders) for e in entries)}</div></section>'
        for agency, entries in catalog.by_agency().items()
    )
    return (
        '<!DOCTYPE html>\n<html lang="ko">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>자료 지도</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<h1>자료 지도</h1>\n"
        f'<p class="lead">기관 {len(catalog.by_agency())}곳의 자료 {len(catalog)}개. '
        "같은 연결 키(예: 법정동코드)를 가진 자료는 그 키로 결합할 수 있습니다.</p>\n"
        f'<figure role="img" aria-label="기관별 자료와 연결 키 그림">{svg}</figure>\n'
        f"<h2>연결 키</h2>\n{_key_table(catalog, holders)}\n{_uses_table(catalog, uses)}"
        f"<h2>기관별 자료</h2>\n{sections}\n"
        "</body>\n</html>\n"
    )


def write_map(
    catalog: Catalog, out_dir: str | os.PathLike[str], uses: Sequence[AnalysisUse] = ()
) -> tuple[Path, Path]:
    """Write the data map: ``data_map.html`` and ``data_map.png`` in ``out_dir``.

    The page (Korean, self-contained: no script, font or style from the network) shows
    the drawing (every name whole, links ordered to cross as little as possible), a
    table of key roles with the datasets holding each, the analyses with the datasets
    they join, and one card per dataset grouped by owner agency. The PNG is the same
    drawing; the same catalog gives the same bytes.

    Parameters
    ----------
    catalog : Catalog
        The catalog to map (entries only; no data is loaded).
    out_dir : path
        Folder to write into; created if needed. Existing map files are replaced whole.
    uses : sequence of AnalysisUse, optional
        Analyses and the catalog datasets they read (``workbench catalog map`` passes the
        standard analyses'): drawn as a third column linked to those datasets, and listed
        with the columns each joins them on.

    Returns
    -------
    tuple of pathlib.Path
        The HTML page and the PNG image.
    """
    png, svg = _render(catalog, uses)
    html = _page(catalog, svg, uses).encode("utf-8")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    html_path, png_path = folder / HTML_NAME, folder / PNG_NAME
    write_atomically(png_path, png)
    write_atomically(html_path, html)
    return html_path, png_path
