"""The data map's drawing: key roles, agencies with their datasets, and the analyses.

Three columns, left to right: the key roles (연결 키) datasets can be joined on, the
agencies with their datasets, and the standard analyses that read those datasets. Every
label is written whole: each column is as wide as its longest label. The order of the
key roles, of the analyses and of the datasets within each agency is chosen to draw as
few crossing links as possible (layered crossing minimisation, as graph layout tools
do it: barycentre ordering, then an exact search over the orders of a column when it is
small, else adjacent swaps while they remove crossings).
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from workbench.catalog._model import KEY_ROLES, DatasetEntry

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from workbench.catalog._catalog import Catalog

__all__ = ["AnalysisUse", "Layout", "crossings", "draw", "layout"]

T = TypeVar("T", bound=Hashable)

SENSITIVITY_COLOURS = {
    "public": "#2e7d32",
    "internal": "#1565c0",
    "personal": "#c62828",
    "pseudonymised": "#ef6c00",
}
KEY_COLOURS = (
    "#7b1fa2", "#00838f", "#ad1457", "#558b2f", "#4e342e",
    "#283593", "#f9a825", "#d84315", "#0277bd", "#616161",
)  # fmt: skip
_ANALYSIS_COLOUR = "#37474f"
_TOP, _BOTTOM, _MARGIN, _LINKS = 1.0, 0.75, 0.3, 1.1  # inches
_ROW, _HEADER, _GAP = 0.42, 0.42, 0.22
# Font sizes (points) of the labels whose widths set the columns.
_DATASET_PT, _SENS_PT, _AGENCY_PT, _HUB_PT, _ANALYSIS_PT = 9.5, 8.0, 10.5, 10.0, 9.5
_EXACT = 7  # a column of at most this many nodes is ordered by trying every order


@dataclass(frozen=True)
class AnalysisUse:
    """A standard analysis and the catalog datasets it reads.

    ``keys`` are the columns it joins those datasets on (the columns its inputs share),
    empty when it reads one dataset.
    """

    name: str
    title: str
    datasets: tuple[str, ...]
    keys: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Return the label drawn for the analysis (its joins named when it has any)."""
        joined = f" · {', '.join(self.keys)}로 결합" if self.keys else ""
        return f"{self.title} ({self.name}){joined}"


@dataclass(frozen=True)
class Layout:
    """Where everything goes, in inches from the top left of the drawing."""

    boxes: list[tuple[str, float, float]]  # agency, top, bottom
    rows: dict[str, float]  # dataset -> y of its centre
    hubs: dict[str, float]  # key role -> y of its centre
    analyses: dict[str, float]  # analysis name -> y of its centre
    columns: dict[str, tuple[float, float]]  # "hubs" | "datasets" | "analyses" -> x0, x1
    width: float
    height: float


def text_width(text: str, points: float) -> float:
    """Estimate the drawn width of ``text`` in inches (Hangul one em, other glyphs ~0.62)."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.62 for c in text)
    return ems * points / 72


def key_roles(entry: DatasetEntry) -> dict[str, tuple[str, ...]]:
    """Return key role -> the entry's columns holding it, in role order."""
    found: dict[str, list[str]] = {}
    for column, role in entry.key_columns().items():
        found.setdefault(role, []).append(column)
    return {role: tuple(found[role]) for role in sorted(found, key=role_order)}


def role_order(role: str) -> tuple[int, str]:
    """Sort the predefined key roles first, in their declared order, then the rest by name."""
    return (KEY_ROLES.index(role), "") if role in KEY_ROLES else (len(KEY_ROLES), role)


def crossings(left: Sequence[T], right: Sequence[T], edges: Sequence[tuple[T, T]]) -> int:
    """Count the pairs of links that cross between two columns drawn in these orders."""
    at_left = {node: i for i, node in enumerate(left)}
    at_right = {node: i for i, node in enumerate(right)}
    ends = sorted((at_left[a], at_right[b]) for a, b in edges)
    return sum(
        1
        for (a1, b1), (a2, b2) in itertools.combinations(ends, 2)
        if a1 != a2 and b1 != b2 and (a1 < a2) != (b1 < b2)
    )


def _barycentre(
    nodes: Sequence[T], neighbours: dict[T, list[int]], tie: Callable[[T], object]
) -> list[T]:
    """Order nodes by the mean position of their neighbours (ties by ``tie``)."""

    def centre(node: T) -> float:
        found = neighbours.get(node, [])
        return sum(found) / len(found) if found else float("inf")

    return sorted(nodes, key=lambda n: (centre(n), tie(n)))


def _best_order(start: list[T], cost: Callable[[list[T]], int], exact: int = _EXACT) -> list[T]:
    """Find the order of fewest crossings: every order of a small column, else swaps."""
    best, best_cost = start, cost(start)
    if best_cost == 0:
        return best
    if len(start) <= exact:
        for order in itertools.permutations(start):
            found = cost(list(order))
            if found < best_cost:
                best, best_cost = list(order), found
                if found == 0:
                    break
        return best
    improved = True
    while improved:
        improved = False
        for i in range(len(best) - 1):
            trial = [*best[:i], best[i + 1], best[i], *best[i + 2 :]]
            found = cost(trial)
            if found < best_cost:
                best, best_cost, improved = trial, found, True
    return best


Groups = list[tuple[str, list[str]]]  # agencies, each with its datasets, in drawing order


def _orders(catalog: Catalog, uses: Sequence[AnalysisUse]) -> tuple[Groups, list[str], list[str]]:
    """Agencies with their datasets, key roles and analyses, in few-crossing orders."""
    groups: Groups = [(a, [e.name for e in entries]) for a, entries in catalog.by_agency().items()]
    key_links = [(role, name) for name in catalog for role in key_roles(catalog[name])]
    use_links = [(name, use.name) for use in uses for name in use.datasets if name in catalog]
    roles = sorted({role for role, _ in key_links}, key=role_order)
    analyses = [use.name for use in uses if any(n in catalog for n in use.datasets)]

    def total(blocks: Groups, hub_order: list[str], analysis_order: list[str]) -> int:
        rows = _flat(blocks)
        return crossings(hub_order, rows, key_links) + crossings(rows, analysis_order, use_links)

    best: tuple[int, Groups, list[str], list[str]] | None = None
    for _ in range(4):  # alternate sweeps until nothing improves
        rows = {name: i for i, name in enumerate(_flat(groups))}
        flat = _flat(groups)
        roles = _best_order(
            _barycentre(roles, _positions(key_links, rows, side=0), role_order),
            functools.partial(crossings, right=flat, edges=key_links),
        )
        analyses = _best_order(
            _barycentre(analyses, _positions(use_links, rows, side=1), str),
            functools.partial(crossings, flat, edges=use_links),
        )
        cost = total(groups, roles, analyses)
        if best is not None and cost >= best[0]:
            break
        best = (cost, groups, roles, analyses)
        groups = _regroup(groups, roles, analyses, key_links, use_links)
        groups = _best_order(
            groups, functools.partial(total, hub_order=roles, analysis_order=analyses), exact=0
        )
    assert best is not None
    return best[1], best[2], best[3]


def _flat(groups: Groups) -> list[str]:
    return [name for _, names in groups for name in names]


def _regroup(
    groups: Groups,
    roles: list[str],
    analyses: list[str],
    key_links: Sequence[tuple[str, str]],
    use_links: Sequence[tuple[str, str]],
) -> Groups:
    """Datasets within each agency by the mean rank of the roles and analyses they link."""
    at = {r: i / max(len(roles) - 1, 1) for i, r in enumerate(roles)}
    at |= {a: i / max(len(analyses) - 1, 1) for i, a in enumerate(analyses)}
    links: dict[str, list[float]] = {}
    for role, name in key_links:
        links.setdefault(name, []).append(at[role])
    for name, analysis in use_links:
        links.setdefault(name, []).append(at[analysis])
    order = {name: i for i, name in enumerate(_flat(groups))}

    def centre(name: str) -> tuple[float, int]:
        found = links.get(name)
        return (sum(found) / len(found) if found else 2.0, order[name])

    return [(agency, sorted(names, key=centre)) for agency, names in groups]


def _positions(
    links: Sequence[tuple[str, str]], rows: dict[str, int], side: int
) -> dict[str, list[int]]:
    """For each node on the other side of ``links``, the row numbers of its datasets."""
    found: dict[str, list[int]] = {}
    for link in links:
        node, dataset = (link[0], link[1]) if side == 0 else (link[1], link[0])
        found.setdefault(node, []).append(rows[dataset])
    return found


def layout(catalog: Catalog, uses: Sequence[AnalysisUse] = ()) -> Layout:
    """Place key roles, agencies with their datasets, and analyses; widths fit every label."""
    groups, roles, analyses = _orders(catalog, uses)
    by_name = {use.name: use for use in uses}
    hub_w = max([text_width(r, _HUB_PT) + 0.4 for r in roles], default=0.0)
    dataset_w = max(
        [
            text_width(_dataset_label(catalog[n]), _DATASET_PT)
            + text_width("개인정보", _SENS_PT)
            + 0.55
            for _, names in groups
            for n in names
        ]
        + [text_width(agency, _AGENCY_PT) + 0.3 for agency, _ in groups]
        + [4.4]
    )
    analysis_w = max(
        [text_width(by_name[a].label, _ANALYSIS_PT) + 0.3 for a in analyses], default=0.0
    )
    x = _MARGIN
    columns = {}
    if roles:
        columns["hubs"] = (x, x + hub_w)
        x += hub_w + _LINKS
    columns["datasets"] = (x, x + dataset_w)
    x += dataset_w
    if analyses:
        columns["analyses"] = (x + _LINKS, x + _LINKS + analysis_w)
        x += _LINKS + analysis_w
    boxes: list[tuple[str, float, float]] = []
    rows: dict[str, float] = {}
    y = _TOP
    for agency, names in groups:
        top, y = y, y + _HEADER
        for name in names:
            rows[name], y = y + _ROW / 2, y + _ROW
        boxes.append((agency, top, y + 0.08))
        y += _GAP
    span = max(y - _TOP - _GAP, len(roles) * 0.6, len(analyses) * 0.5, 0.6)
    hubs = {role: _TOP + (i + 0.5) * span / len(roles) for i, role in enumerate(roles)}
    places = {a: _TOP + (i + 0.5) * span / len(analyses) for i, a in enumerate(analyses)}
    width = max(x + _MARGIN, 9.0)
    return Layout(boxes, rows, hubs, places, columns, width, _TOP + span + _BOTTOM)


def _dataset_label(entry: DatasetEntry) -> str:
    return f"{entry.title} ({entry.name})"


def draw(catalog: Catalog, uses: Sequence[AnalysisUse] = ()) -> Figure:
    """Draw the map: key roles, agencies (boxes) with their datasets, analyses."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch, PathPatch
    from matplotlib.path import Path as MplPath

    from workbench.catalog._catalog import _SENSITIVITY_KO as SENSITIVITY_KO

    plan = layout(catalog, uses)
    fig = Figure(figsize=(plan.width, plan.height))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0), xlim=(0, plan.width), ylim=(plan.height, 0))
    ax.set_axis_off()

    def box(x: float, y: float, w: float, h: float, rounding: float, **style: object) -> None:
        shape = f"round,pad=0,rounding_size={rounding}"
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle=shape, **style))  # type: ignore[arg-type]

    def text(x: float, y: float, s: str, size: float, **style: object) -> None:
        ax.text(x, y, s, fontsize=size, va="center", **style)  # type: ignore[arg-type]

    def link(x0: float, y0: float, x1: float, y1: float, colour: str) -> None:
        mid = (x0 + x1) / 2
        curve = MplPath(
            [(x0, y0), (mid, y0), (mid, y1), (x1, y1)],
            [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4],
        )
        ax.add_patch(PathPatch(curve, fill=False, edgecolor=colour, lw=1.6, alpha=0.8))

    summary = f"{len(catalog)}개 자료 · {len(plan.boxes)}개 기관 · {len(plan.hubs)}개 연결 키"
    if plan.analyses:
        summary += f" · 분석 {len(plan.analyses)}개"
    text(_MARGIN, 0.4, "자료 지도", 15, weight="bold")
    text(_MARGIN + 1.45, 0.42, summary, 10, color="#555555")
    left, right = plan.columns["datasets"]
    text(left, _TOP - 0.2, "기관 · 자료", 9, color="#777777")
    colours = {r: KEY_COLOURS[i % len(KEY_COLOURS)] for i, r in enumerate(sorted(plan.hubs))}
    if plan.hubs:
        h0, h1 = plan.columns["hubs"]
        text(h0, _TOP - 0.2, "연결 키", 9, color="#777777")
        for name, row in plan.rows.items():
            for role in key_roles(catalog[name]):
                link(h1, plan.hubs[role], left, row, colours[role])
        for role, y in plan.hubs.items():
            c = colours[role]
            box(h0, y - 0.17, h1 - h0, 0.34, 0.17, facecolor="white", edgecolor=c, lw=1.6)
            text((h0 + h1) / 2, y, role, _HUB_PT, color=c, weight="bold", ha="center")
    if plan.analyses:
        a0, a1 = plan.columns["analyses"]
        text(a0, _TOP - 0.2, "이 자료를 쓰는 분석", 9, color="#777777")
        for use in uses:
            for name in use.datasets:
                if use.name in plan.analyses and name in plan.rows:
                    link(right, plan.rows[name], a0, plan.analyses[use.name], _ANALYSIS_COLOUR)
        for use in uses:
            if use.name in plan.analyses:
                y = plan.analyses[use.name]
                box(a0, y - 0.16, a1 - a0, 0.32, 0.05, facecolor="#eceff1", edgecolor="#90a4ae")
                text(a0 + 0.15, y, use.label, _ANALYSIS_PT)
    for agency, top, bottom in plan.boxes:
        box(left - 0.15, top, right - left + 0.3, bottom - top, 0.08, facecolor="#f5f5f5",
            edgecolor="#bdbdbd")  # fmt: skip
        text(left - 0.03, top + _HEADER / 2 + 0.02, agency, _AGENCY_PT, weight="bold")
    for name, row in plan.rows.items():
        entry = catalog[name]
        c = SENSITIVITY_COLOURS[entry.sensitivity]
        box(left, row - 0.16, right - left, 0.32, 0.05, facecolor="white", edgecolor=c, lw=1.2)
        box(left, row - 0.16, 0.07, 0.32, 0, facecolor=c, edgecolor="none")
        text(left + 0.15, row, _dataset_label(entry), _DATASET_PT)
        text(right - 0.1, row, SENSITIVITY_KO[entry.sensitivity], _SENS_PT, color=c, ha="right")
    if not plan.rows:
        text(left, _TOP + 0.3, "카탈로그에 자료가 없습니다.", 10)
    for i, (level, label) in enumerate(SENSITIVITY_KO.items()):
        x = _MARGIN + 1.05 * i
        box(x, plan.height - 0.42, 0.16, 0.16, 0, facecolor=SENSITIVITY_COLOURS[level], lw=0)
        text(x + 0.24, plan.height - 0.34, label, 8.5)
    note = "같은 연결 키를 가진 자료는 그 키로 결합할 수 있습니다."
    text(_MARGIN + 4.3, plan.height - 0.34, note, 8.5, color="#555555")
    return fig
