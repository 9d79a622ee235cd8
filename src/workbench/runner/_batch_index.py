"""The batch index: ``index.csv`` and ``index.html``, one row per run.

Each row: status, duration, the release gate's result, the key results the notebook
declares (``key_results`` in its ``workbench`` metadata: ``{"name", "table", "column"}``,
the value in the first row of that published table), and a relative link to the report.
The HTML adds a bar chart comparing the runs on the first numeric key result, each bar
named by the key result with ``"role": "label"`` (e.g. the agency's name) if there is
one. Both files are written atomically, so a reader never sees half of one.
"""

from __future__ import annotations

import base64
import csv
import io
import math
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from workbench._io import write_atomically
from workbench.exceptions import WorkbenchError
from workbench.runner import _manifest as mf
from workbench.runner._batch_task import RowOutcome
from workbench.runner._errors import short_cause
from workbench.runner._key_results import key_specs, key_value
from workbench.runner._registry import Analysis

__all__ = ["index_rows", "write_index"]

_STATUS = {
    "succeeded": "완료",
    "failed": "실패",
    "blocked": "공개 보류",
    "pending": "대기",
    "running": "실행 중",
}
_CHART_MAX = 30  # beyond this many runs the chart shows the highest and lowest 15


def _gate(manifest: mf.Manifest | None) -> str:
    if manifest is None or manifest.status in ("running", "failed"):
        return ""
    if manifest.status == "blocked":
        from workbench.ethics import Location

        waiting = [
            f for f in manifest.findings if f.get("severity") == "fail" and not f.get("approved")
        ]
        if not waiting:
            return "보류"
        first = Location.from_dict(waiting[0].get("location") or {}).label()
        more = f" 외 {len(waiting) - 1}건" if len(waiting) > 1 else ""
        return f"보류: {first}{more}"
    return f"통과 (승인 {len(manifest.approvals)})" if manifest.approvals else "통과"


def _record(
    row: Any, outcome: RowOutcome | None, out: Path, specs: list[dict[str, str]]
) -> dict[str, Any]:
    """Return one row's record, read from its run directory's manifest."""
    run_dir = out / row.run_id
    manifest = None
    if (run_dir / mf.MANIFEST_NAME).is_file():
        try:
            manifest = mf.read_manifest(run_dir)
        except WorkbenchError:
            manifest = None
    status: str = manifest.status if manifest is not None else "pending"
    if outcome is not None and outcome.status != "skipped" and manifest is None:
        status = outcome.status
    record: dict[str, Any] = {
        "row": row.number,
        "run_id": row.run_id,
        "status": status,
        "reason": (manifest.error.reason if manifest and manifest.error else None)
        or (outcome.reason if outcome and outcome.status == "failed" else None)
        or "",
        "cause": short_cause(manifest.error.message)
        if manifest and manifest.error and manifest.status == "failed"
        else (short_cause(outcome.message) if outcome and outcome.status == "failed" else ""),
        "duration_seconds": manifest.duration_seconds if manifest else None,
        "attempts": outcome.attempts if outcome else 0,
        "gate": _gate(manifest),
        "report": f"{row.run_id}/{manifest.report}" if manifest and manifest.report else "",
    }
    record.update({f"param:{k}": v for k, v in row.given.items()})
    for spec in specs:
        record[spec["name"]] = key_value(run_dir, spec) if status == "succeeded" else None
    return record


def index_rows(
    analysis: Analysis,
    rows: Sequence[Any],
    outcomes: dict[str, RowOutcome],
    out: Path,
    *,
    cache: dict[str, dict[str, Any]] | None = None,
    final: bool = True,
) -> list[dict[str, Any]]:
    """Return one record per planned row, read from the run directories' manifests.

    ``cache`` keeps the records of finished rows between calls, so that refreshing the
    index as runs finish reads only the new ones; before the end (``final=False``) rows
    that have not finished are listed as pending without reading their folders.
    """
    specs = key_specs(analysis)
    cache = {} if cache is None else cache
    records = []
    for row in rows:
        outcome = outcomes.get(row.run_id)
        if outcome is None and not final:
            record = {"row": row.number, "run_id": row.run_id, "status": "pending"}
            record.update({f"param:{k}": v for k, v in row.given.items()})
            records.append(record)
            continue
        if outcome is None or row.run_id not in cache:
            cache.pop(row.run_id, None)
            record = _record(row, outcome, out, specs)
            if outcome is not None:
                cache[row.run_id] = record
        records.append(cache.get(row.run_id) or record)
    return records


def _csv_text(records: list[dict[str, Any]]) -> str:
    columns = list(dict.fromkeys(k for r in records for k in r))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if record.get(k) is None else record.get(k) for k in columns})
    return buffer.getvalue()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def _label(record: dict[str, Any], label_key: str | None) -> str:
    name = record.get(label_key) if label_key else None
    return f"{name} ({record['run_id']})" if name else str(record["run_id"])


def _chart(records: list[dict[str, Any]], key: str, label_key: str | None) -> str:
    """Draw a PNG (base64) bar chart of ``key`` across succeeded runs; '' if none."""
    points = [(_label(r, label_key), _number(r.get(key))) for r in records]
    values = sorted(((v, name) for name, v in points if v is not None), reverse=True)
    if not values:
        return ""
    caption = ""
    if len(values) > _CHART_MAX:
        half = _CHART_MAX // 2
        values = values[:half] + values[-half:]
        caption = f"상위 {half}곳과 하위 {half}곳"
    from matplotlib.figure import Figure

    from workbench.plotting import save_figure, use_korean_font

    use_korean_font()
    fig = Figure(figsize=(8, max(2.5, 0.28 * len(values) + 1)))
    ax = fig.add_subplot()
    # Positions, not labels, on the axis: two agencies may share a name (중구).
    positions = list(range(len(values)))
    ax.barh(positions, [v for v, _ in values][::-1], color="#3b6ea5")
    ax.set_yticks(positions, [name for _, name in values][::-1])
    ax.set_xlabel(key)
    ax.set_title(f"기관별 {key}" + (f" ({caption})" if caption else ""))
    fig.tight_layout()
    buffer = io.BytesIO()
    save_figure(fig, buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _cell(key: str, value: Any) -> str:
    if key == "report":
        return f'<a href="{escape(value)}">보고서</a>' if value else ""
    if key == "status":
        return escape(_STATUS.get(value, value))
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return escape(str(value))


def _html_text(
    analysis: Analysis,
    records: list[dict[str, Any]],
    chart_key: str | None,
    label_key: str | None,
    final: bool,
) -> str:
    counts = {s: sum(r["status"] == s for r in records) for s in _STATUS}
    summary = " · ".join(f"{_STATUS[s]} {n}" for s, n in counts.items() if n)
    headers = {
        "row": "행",
        "run_id": "실행 ID",
        "status": "상태",
        "reason": "실패 사유",
        "cause": "원인",
        "duration_seconds": "소요 시간(초)",
        "attempts": "실행 횟수",
        "gate": "공개 점검",
        "report": "보고서",
    }
    columns = list(dict.fromkeys(k for r in records for k in r))
    head = "".join(f"<th>{escape(headers.get(c, c.removeprefix('param:')))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(c, r.get(c))}</td>" for c in columns) + "</tr>\n"
        for r in records
    )
    chart = _chart(records, chart_key, label_key) if chart_key and final else ""
    figure = (
        f"<h2>기관 비교: {escape(chart_key or '')}</h2>\n"
        f'<img alt="기관별 {escape(chart_key or "")} 막대그래프" '
        f'src="data:image/png;base64,{chart}"/>\n'
        if chart
        else ""
    )
    state = (
        "" if final else "<p><em>실행 중입니다. 이 목록은 실행이 끝날 때마다 갱신됩니다.</em></p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="ko">\n<head><meta charset="utf-8"/>'
        f"<title>일괄 실행: {escape(analysis.title)}</title>\n"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head>\n"
        f"<body>\n<h1>일괄 실행 결과: {escape(analysis.title)}</h1>\n"
        f"<p>분석 <code>{escape(analysis.name)}</code> v{escape(analysis.meta.version)} · "
        f"전체 {len(records)}건 · {escape(summary)}</p>\n{state}"
        f"{figure}<h2>실행 목록</h2>\n<table><thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{body}</tbody></table>\n</body></html>\n"
    )


def write_index(
    analysis: Analysis,
    rows: Sequence[Any],
    outcomes: dict[str, RowOutcome],
    out: Path,
    *,
    final: bool = True,
    cache: dict[str, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Write ``out/index.csv`` and ``out/index.html``; return the records."""
    records = index_rows(analysis, rows, outcomes, out, cache=cache, final=final)
    specs = key_specs(analysis)
    chart_key = next(
        (s["name"] for s in specs if any(_number(r.get(s["name"])) is not None for r in records)),
        None,
    )
    # UTF-8 with a BOM: Excel opens Korean text correctly.
    write_atomically(out / "index.csv", ("\ufeff" + _csv_text(records)).encode("utf-8"))
    label_key = next((s["name"] for s in specs if s.get("role") == "label"), None)
    html = _html_text(analysis, records, chart_key, label_key, final)
    write_atomically(out / "index.html", html.encode("utf-8"))
    return records
