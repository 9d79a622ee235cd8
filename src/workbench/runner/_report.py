"""Turn an executed notebook into ``report.html`` for officials: no code, Korean headings.

The report is the executed notebook exported in-process by nbconvert with every input
hidden, a header (title, summary, parameters) and a provenance footer added as markdown
cells, and anything an official should not read (stderr, the injected-parameters cell,
cells tagged ``remove-cell``) removed.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import threading
from collections.abc import Callable
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import nbformat

from workbench.runner._manifest import Manifest
from workbench.runner._registry import HIDDEN_TAGS

__all__ = ["write_report"]

REMOVE_TAGS = HIDDEN_TAGS | {"remove-cell", "remove_cell", "parameters"}
_NBCONVERT_ALT = 'alt="No description has been provided for this image"'
_CHART_ALT = 'alt="분석 결과 그래프"'
_LEVELS = {"auto": "자동 분석", "standard": "표준 분석", "advanced": "고급 분석"}


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
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return escape(text if len(text) <= 120 else text[:117] + "...")


def _header(manifest: Manifest, summary: str, *, titled: bool) -> str:
    """Title, summary and parameters; without title and summary if the notebook has them."""
    a = manifest.analysis
    rows = "".join(
        f"<tr><th>{escape(k)}</th><td>{_value(v)}</td></tr>" for k, v in manifest.parameters.items()
    )
    params = f"<table><tbody>{rows}</tbody></table>" if rows else "<p>(없음)</p>"
    level = _LEVELS.get(a.level, a.level)
    title = "" if titled else f"<h1>{escape(a.title)}</h1>\n<p>{escape(summary)}</p>\n"
    return (
        f"{title}<p>분석: <code>{escape(a.name)}</code> v{escape(a.version)} · {level} · "
        f"실행 시작 {escape(manifest.started_at)}</p>\n"
        f"<h2>분석 조건 (매개변수)</h2>\n{params}"
    )


def _where(finding: dict[str, Any]) -> str:
    from workbench.ethics import Location

    return Location.from_dict(finding.get("location") or {}).label()


def _footer(manifest: Manifest) -> str:
    a = manifest.analysis
    inputs = (
        "".join(
            f"<li><code>{escape(i.parameter)}</code>: {escape(i.path)} "
            f"(sha256 <code>{i.sha256[:16]}…</code>)</li>"
            for i in manifest.inputs
        )
        or "<li>(없음)</li>"
    )
    results = (
        "".join(
            f"<li>{escape(r.path)} (sha256 <code>{r.sha256[:16]}…</code>)</li>"
            for r in manifest.results
        )
        or "<li>(없음)</li>"
    )
    packages = ", ".join(
        f"{escape(k)} {escape(str(v))}" for k, v in manifest.environment.get("packages", {}).items()
    )
    reasons = {a["id"]: a for a in manifest.approvals}
    checks = (
        "".join(
            f"<li>{escape(_where(f))}: {escape(f['message'])}"
            + (
                f" — <strong>승인</strong> ({escape(reasons[f['id']]['by'])}: "
                f"{escape(reasons[f['id']]['reason'])})"
                if f["id"] in reasons
                else ""
            )
            + "</li>"
            for f in manifest.findings
        )
        or "<li>발견 사항 없음</li>"
    )
    git = manifest.git or {}
    commit = f"git {escape(git['commit'][:12])}" if git.get("commit") else "git 정보 없음"
    return (
        "<hr/>\n<h2>작성 근거 (재현 정보)</h2>\n"
        f"<p>노트북 <code>{escape(a.notebook)}</code> · sha256 "
        f"<code>{a.notebook_sha256[:16]}…</code> · {commit}</p>\n"
        f"<p>입력 자료</p><ul>{inputs}</ul>\n<p>결과 파일</p><ul>{results}</ul>\n"
        f"<p>공개 전 점검 (개인정보·공개 기준)</p><ul>{checks}</ul>\n"
        f"<p>실행 환경: {packages}</p>\n"
        "<p>같은 입력과 매개변수로 다시 실행하려면: "
        "<code>workbench rerun manifest.json --verify</code></p>"
    )


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
    executed: nbformat.NotebookNode, manifest: Manifest, path: Path, *, summary: str = ""
) -> Path:
    """Export ``executed`` to ``path`` as HTML with a header and a provenance footer.

    The caller passes the manifest as it will be written (results hashed), so that the
    footer can list them.
    """
    nb = _clean(executed)
    # A notebook that opens with its own "# title" keeps it; the run header follows it.
    first = nb.cells[0] if nb.cells else None
    titled = first is not None and first.cell_type == "markdown" and first.source.startswith("# ")
    header = nbformat.v4.new_markdown_cell(_header(manifest, summary, titled=titled))
    nb.cells.insert(1 if titled else 0, header)
    nb.cells.append(nbformat.v4.new_markdown_cell(_footer(manifest)))
    with _render_lock:
        body, _ = _exporter().from_notebook_node(
            nb, resources={"metadata": {"name": manifest.analysis.title}}
        )
    body = body.replace("<html>", '<html lang="ko">', 1).replace(_NBCONVERT_ALT, _CHART_ALT)
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


def start_warm_up(*more: Callable[[], None]) -> threading.Thread:
    """Prepare the report exporter, then ``more``, in a background thread while a notebook runs."""

    def warm_up() -> None:
        _warm_up()
        for step in more:
            with contextlib.suppress(Exception):  # the real step reports any problem
                step()

    thread = threading.Thread(target=warm_up, name="workbench-report-warm-up", daemon=True)
    thread.start()
    return thread
