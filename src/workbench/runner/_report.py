"""Turn an executed notebook into ``report.html`` for officials: no code, Korean headings.

The report reads in the order an official reads: the title block (title, summary, when it
ran in Korea's time), **핵심 결과** (the sentences the notebook declares as its key results,
with their values), the notebook's own body, then 분석 조건 (each parameter under its
Korean explanation; files by their names, secrets masked), 자료, 공개 전 점검 (in plain
Korean) and 재현 정보. It is exported in-process by nbconvert with every input hidden and
anything an official should not read removed (stderr, the injected-parameters cell, cells
tagged ``remove-cell``), through a template (``templates/workbench_report``) that fetches
nothing from the network and prints on A4.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from workbench.runner._manifest import Manifest
from workbench.runner._registry import HIDDEN_TAGS

if TYPE_CHECKING:
    from workbench.runner._registry import Analysis

__all__ = ["korean_time", "start_warm_up", "warm_up", "write_report"]

REMOVE_TAGS = HIDDEN_TAGS | {"remove-cell", "remove_cell", "parameters"}
_NBCONVERT_ALT = 'alt="No description has been provided for this image"'
_CHART_ALT = 'alt="분석 결과 그래프"'
_LEVELS = {"auto": "자동 분석", "standard": "표준 분석", "advanced": "고급 분석"}
_TEMPLATES = Path(__file__).with_name("templates")
#: Korea Standard Time (no daylight saving).
KST = timezone(timedelta(hours=9), "KST")
#: Findings that are notes for the analyst (kept in the manifest and the run log).
_DEVELOPER_NOTES = {"disclosure.unchecked"}


# One exporter per process, used by one thread at a time (nbconvert is not thread-safe).
_render_lock = threading.Lock()


@cache
def _exporter() -> Any:
    # Built once per process: constructing the exporter loads its Jinja templates.
    from nbconvert import HTMLExporter

    # nbconvert warns about every chart without alternative text (the lab template has no
    # way to set one) and then fills in an English placeholder; write_report replaces it.
    log = logging.getLogger("workbench.report")
    log.setLevel(logging.ERROR)
    return HTMLExporter(
        log=log,
        template_name="workbench_report",
        extra_template_basedirs=[str(_TEMPLATES)],
        language_code="ko",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def korean_time(stamp: str | None) -> str:
    """Write an ISO time as Koreans read it, in Korea's time.

    >>> korean_time("2026-12-02T07:45:10.5Z")
    '2026년 12월 2일 16:45'
    >>> korean_time(None)
    '–'
    """
    if not stamp:
        return "–"
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    k = when.astimezone(KST)
    return f"{k.year}년 {k.month}월 {k.day}일 {k.hour:02d}:{k.minute:02d}"


def _shown_value(analysis: Analysis | None, name: str, value: Any) -> str:
    """Return a parameter's value as the report shows it: files by name, lists joined."""
    from workbench.runner._key_results import format_value

    inputs = analysis.meta.inputs if analysis is not None else {}
    if isinstance(value, str):
        if value.startswith("sample://"):
            return f"예시 자료 ({value.removeprefix('sample://').split('?')[0]})"
        if value.startswith("catalog:"):
            return f"자료 목록의 '{value.removeprefix('catalog:')}'"
        # Paths: the declared inputs, and any other value naming an existing file (a
        # formula such as "y ~ a / b" stays as it is).
        if name in inputs or (Path(value).is_absolute() and Path(value).exists()):
            return Path(value.replace("\\", "/")).name if value else "(예시 자료)"
        text = value or "(비움)"
    elif isinstance(value, list | tuple):
        text = ", ".join(format_value(v) for v in value) or "(비움)"
    elif isinstance(value, dict):  # a column map: 그쪽 열 → 이 분석의 열 (per input: a: ...)
        text = (
            "; ".join(
                f"{k}: {_shown_value(analysis, k, v)}" if isinstance(v, dict) else f"{k} → {v}"
                for k, v in value.items()
            )
            or "(비움)"
        )
    else:
        text = format_value(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _title_block(manifest: Manifest, summary: str, *, titled: bool) -> str:
    a = manifest.analysis
    level = _LEVELS.get(a.level, a.level)
    title = "" if titled else f"<h1>{escape(a.title)}</h1>\n<p>{escape(summary)}</p>\n"
    return (
        f'<div class="wb-title">{title}<p class="wb-meta">{level} · {escape(a.title)} '
        f"({escape(a.name)} v{escape(a.version)}) · {korean_time(manifest.started_at)} 실행"
        "</p></div>"
    )


def _key_block(sentences: list[str]) -> str:
    if not sentences:
        return ""
    items = "".join(f"<li>{escape(s)}</li>" for s in sentences)
    return f'<div class="wb-keep"><h2>핵심 결과</h2>\n<ul class="wb-key">{items}</ul></div>'


def _conditions(manifest: Manifest, analysis: Analysis | None) -> str:
    rows = []
    shown = {n: _shown_value(analysis, n, v) for n, v in manifest.parameters.items()}
    shown.update({n: "•••• (비밀 값, 기록하지 않음)" for n in manifest.secrets})
    for name, value in shown.items():
        label = analysis.label(name) if analysis is not None else name
        rows.append(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>")
    table = (
        f'<table class="wb-conditions"><tbody>{"".join(rows)}</tbody></table>'
        if rows
        else "<p>(없음)</p>"
    )
    return f"<h2>분석 조건</h2>\n{table}"


def _data(manifest: Manifest) -> str:
    items = []
    for record in manifest.inputs:
        shown = _shown_value(None, record.parameter, record.path)
        items.append(
            f"<li>{escape(shown)} "
            f'<span class="wb-small">(지문 sha256 {record.sha256[:12]}…)</span></li>'
        )
    listed = "".join(items) or "<li>(이 분석은 입력 파일 없이 예시 자료를 만들어 씁니다)</li>"
    return f"<h2>자료</h2>\n<ul>{listed}</ul>"


def _where(finding: dict[str, Any]) -> str:
    from workbench.ethics import Location

    return Location.from_dict(finding.get("location") or {}).label()


def _checks(manifest: Manifest) -> str:
    """공개 전 점검, said for the reader (developer notes stay in the manifest)."""
    reasons = {a["id"]: a for a in manifest.approvals}
    shown = [f for f in manifest.findings if f.get("rule") not in _DEVELOPER_NOTES]
    approved = [f for f in shown if f["id"] in reasons]
    lines = [
        f"<li>{escape(_where(f))}: {escape(f['message'])} — <strong>승인</strong> "
        f"({escape(reasons[f['id']]['by'])}: {escape(reasons[f['id']]['reason'])})</li>"
        for f in approved
    ]
    lines += [
        f"<li>{escape(_where(f))}: {escape(f['message'])}</li>"
        for f in shown
        if f["id"] not in reasons
    ]
    lead = (
        "이 보고서와 결과 표는 공개 전 점검(개인정보, 작은 숫자, 회귀분석의 관측 수)을 거쳤습니다."
    )
    if approved:
        lead += f" 점검에 걸린 {len(approved)}건은 담당자가 사유를 적고 승인했습니다."
    elif not shown:
        lead += " 걸린 항목이 없습니다."
    details = f"<ul>{''.join(lines)}</ul>" if lines else ""
    return f"<h2>공개 전 점검</h2>\n<p>{lead}</p>{details}"


def _reproduction(manifest: Manifest) -> str:
    a = manifest.analysis
    results = (
        "".join(
            f'<li>{escape(r.path)} <span class="wb-small">(sha256 {r.sha256[:12]}…)</span></li>'
            for r in manifest.results
        )
        or "<li>(없음)</li>"
    )
    packages = ", ".join(
        f"{escape(k)} {escape(str(v))}" for k, v in manifest.environment.get("packages", {}).items()
    )
    git = manifest.git or {}
    commit = f"git {escape(git['commit'][:12])}" if git.get("commit") else "git 정보 없음"
    return (
        "<h2>재현 정보</h2>\n"
        f"<p>분석 노트북 {escape(Path(a.notebook).name)} (sha256 "
        f"{a.notebook_sha256[:12]}…) · {commit} · 실행 {korean_time(manifest.started_at)}"
        f" ~ {korean_time(manifest.finished_at)}</p>\n"
        f"<p>결과 파일</p><ul>{results}</ul>\n"
        f'<p class="wb-small">실행 환경: {packages}</p>\n'
        "<p>같은 입력과 매개변수로 다시 실행하려면: "
        "<code>workbench rerun manifest.json --verify</code></p>"
    )


def _footer(manifest: Manifest, analysis: Analysis | None) -> str:
    return "\n".join(
        [
            "<hr/>",
            _conditions(manifest, analysis),
            _data(manifest),
            _checks(manifest),
            _reproduction(manifest),
        ]
    )


def _find_analysis(manifest: Manifest) -> Analysis | None:
    """Return the analysis a manifest names (labels, key results), if it can be found."""
    from workbench.runner._registry import find_analysis

    for name in (manifest.analysis.notebook, manifest.analysis.name):
        with contextlib.suppress(Exception):
            return find_analysis(name)
    return None


def _clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    kept = []
    for cell in nb.cells:
        if REMOVE_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.output_type == "stream" and o.get("name") == "stderr")
            ]
        kept.append(cell)
    nb.cells = kept
    return nb


def write_report(
    executed: nbformat.NotebookNode,
    manifest: Manifest,
    path: Path,
    *,
    summary: str = "",
    analysis: Analysis | None = None,
) -> Path:
    """Export ``executed`` to ``path`` as the officials' report.

    The caller passes the manifest as it will be written (results hashed, so that the
    key results can be read from them and the footer can list them). ``analysis`` gives
    the parameters' Korean labels and the key results; by default it is found from the
    manifest.
    """
    analysis = analysis if analysis is not None else _find_analysis(manifest)
    summary = summary or (analysis.meta.summary if analysis is not None else "")
    nb = _clean(executed)
    # A notebook that opens with its own "# title" keeps it; the title block follows it.
    first = nb.cells[0] if nb.cells else None
    titled = first is not None and first.cell_type == "markdown" and first.source.startswith("# ")
    from workbench.runner._key_results import key_sentences

    sentences = key_sentences(analysis, path.parent) if analysis is not None else []
    header = _title_block(manifest, summary, titled=titled) + _key_block(sentences)
    nb.cells.insert(1 if titled else 0, nbformat.v4.new_markdown_cell(header))
    nb.cells.append(nbformat.v4.new_markdown_cell(_footer(manifest, analysis)))
    with _render_lock:
        body, _ = _exporter().from_notebook_node(
            nb, resources={"metadata": {"name": manifest.analysis.title}}
        )
    body = body.replace(_NBCONVERT_ALT, _CHART_ALT)
    path.write_text(body, encoding="utf-8")
    return path


def _warm_up() -> None:
    """Export a tiny notebook once: imports, templates and regexes compile here."""
    cell = nbformat.v4.new_code_cell(
        "1",
        outputs=[
            nbformat.v4.new_output(
                "display_data", data={"text/html": "<table><tr><td>1</td></tr></table>"}
            )
        ],
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 제목\n\n- 1"), cell])
    try:
        with _render_lock:
            _exporter().from_notebook_node(nb)
    except Exception:  # the real export reports any problem
        pass


#: Warm-ups done (or under way) in this process: each is needed once, not once per run.
_warmed: set[Callable[[], None]] = set()
_warmed_lock = threading.Lock()


def warm_up(*more: Callable[[], None]) -> None:
    """Prepare the report exporter, then ``more``, now; each only once per process.

    A batch's run driver calls this once before its runs (:mod:`workbench.runner.batch`);
    later calls, and :func:`start_warm_up` after it, cost nothing.
    """
    with _warmed_lock:
        steps = [s for s in (_warm_up, *more) if s not in _warmed]
        _warmed.update(steps)
    for step in steps:
        with contextlib.suppress(Exception):  # the real step reports any problem
            step()


def start_warm_up(*more: Callable[[], None]) -> threading.Thread:
    """Prepare the report exporter, then ``more``, in a background thread while a notebook runs.

    Each step runs once per process: the runs after the first (a batch, a page) skip it.
    """
    thread = threading.Thread(
        target=warm_up, args=more, name="workbench-report-warm-up", daemon=True
    )
    thread.start()
    return thread
