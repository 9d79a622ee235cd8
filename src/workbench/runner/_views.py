"""Rich HTML views of a standard analysis and of a run, for notebooks (JupyterLab).

Headings are Korean, as analysts read them. Every value is escaped; findings show their
message and count, which never hold an identifier.
"""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["analysis_html", "run_html"]

_LEVEL_KO = {"auto": "자동", "standard": "표준", "advanced": "고급"}
_STATUS_KO = {
    "succeeded": ("성공", "#2e7d32"),
    "failed": ("실패", "#c62828"),
    "blocked": ("공개 보류", "#ef6c00"),
    "running": ("실행 중", "#1565c0"),
}
_SEVERITY_KO = {"fail": "차단", "review": "검토", "info": "참고"}
_TABLE = 'style="border-collapse:collapse;margin:4px 0"'


def _table(head: list[str], rows: list[list[Any]]) -> str:
    if not rows:
        return "<p><em>없음</em></p>"
    ths = "".join(f'<th style="text-align:left;white-space:nowrap">{escape(h)}</th>' for h in head)
    body = "".join(
        "<tr>" + "".join(f'<td style="text-align:left">{_cell(v)}</td>' for v in row) + "</tr>"
        for row in rows
    )
    return f"<table {_TABLE}><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    if isinstance(value, _Raw):
        return value.html
    return escape("" if value is None else repr(value) if isinstance(value, str) else str(value))


class _Raw:
    """HTML that is already safe (built from escaped parts)."""

    def __init__(self, html: str) -> None:
        self.html = html


def _text(value: Any) -> _Raw:
    return _Raw(escape(str(value)))


def _code(value: Any) -> _Raw:
    return _Raw(f"<code>{escape(str(value))}</code>")


def analysis_html(analysis: Any) -> str:
    """Render a :class:`~workbench.runner.Analysis`: what it does and its parameters."""
    meta = analysis.meta
    params = [
        [_code(p.name), p.default, _text(p.type_name), _text(p.help)] for p in analysis.parameters
    ]
    inputs = [
        [_code(name), _text(spec.description), _text(", ".join(spec.columns) or "-")]
        for name, spec in meta.inputs.items()
    ]
    parts = [
        f'<h4 style="margin:4px 0">{escape(meta.title)} <code>{escape(meta.name)}</code></h4>',
        f"<p>{escape(meta.summary)}</p>" if meta.summary else "",
        (
            f"<p>버전 {escape(meta.version)} · 수준 {_LEVEL_KO.get(meta.level, meta.level)} · "
            f"노트북 <code>{escape(analysis.path.name)}</code></p>"
        ),
        "<p><strong>매개변수</strong></p>",
        _table(["이름", "기본값", "형식", "뜻(단위)"], params),
    ]
    if inputs:
        parts += ["<p><strong>입력</strong></p>", _table(["매개변수", "설명", "필요한 열"], inputs)]
    if meta.outputs:
        parts.append(f"<p><strong>결과</strong>: {escape(', '.join(meta.outputs))}</p>")
    parts.append(
        f"<p>실행: <code>run_analysis({escape(repr(meta.name))}, {{...}})</code> "
        "(<code>from workbench.runner import run_analysis</code>) 또는 "
        f"<code>workbench run {escape(meta.name)} -p 이름 값</code></p>"
    )
    return "<div>" + "".join(parts) + "</div>"


def _status(status: str) -> str:
    label, colour = _STATUS_KO.get(status, (status, "#555"))
    return (
        f'<span style="background:{colour};color:white;padding:1px 8px;border-radius:8px">'
        f"{escape(label)}</span>"
    )


def run_html(result: Any) -> str:
    """Render a :class:`~workbench.runner.RunResult`: status, inputs, results, findings."""
    from workbench.ethics import Location

    m = result.manifest
    seconds = f"{m.duration_seconds:.1f}초" if m.duration_seconds is not None else "-"
    params = [[_code(k), v] for k, v in m.parameters.items()]
    results = [[_code(r.path), _text(f"{r.bytes:,} B"), _code(r.sha256[:12])] for r in m.results]
    inputs = [[_code(i.parameter), _text(i.path), _code(i.sha256[:12])] for i in m.inputs]
    findings = [
        [
            _text(_SEVERITY_KO.get(f.get("severity", ""), f.get("severity", ""))),
            _code(f.get("id", "")),
            _text(Location.from_dict(f.get("location") or {}).label()),
            _text(f.get("message", "")),
            _text("승인됨" if f.get("approved") else ""),
        ]
        for f in m.findings
    ]
    report = ""
    if m.report:
        path = result.run_dir / m.report
        report = f'<p>보고서: <a href="{escape(path.as_uri())}">{escape(str(path))}</a></p>'
    error = f"<p><strong>오류</strong>: {escape(m.error.message)}</p>" if m.error else ""
    return (
        "<div>"
        f'<h4 style="margin:4px 0">{escape(m.analysis.title)} <code>{escape(m.analysis.name)}'
        f"</code> {_status(m.status)}</h4>"
        f"<p>실행 폴더 <code>{escape(str(result.run_dir))}</code> · 소요 {seconds} · "
        f"버전 {escape(m.analysis.version)}</p>"
        f"{error}{report}"
        "<p><strong>매개변수</strong></p>" + _table(["이름", "값"], params) + ""
        "<p><strong>입력</strong></p>" + _table(["매개변수", "경로", "SHA-256"], inputs) + ""
        "<p><strong>결과 파일</strong></p>" + _table(["파일", "크기", "SHA-256"], results) + ""
        "<p><strong>공개 점검 결과</strong></p>"
        + _table(["판정", "ID", "위치", "내용", "승인"], findings)
        + "</div>"
    )
