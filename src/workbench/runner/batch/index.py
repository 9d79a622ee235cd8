"""The batch index: ``index.csv`` and ``index.html``, one row per run.

Each row: status, duration, the release gate's result, the key results the notebook
declares (``key_results`` in its ``workbench`` metadata: ``{"name", "table", "column"}``,
the value in the first row of that published table), and a relative link to the report.
The HTML opens with a summary per key result (how many runs, the total where the values
add up -- ``additive``, see :mod:`workbench.runner._key_results` -- mean, median, the
smallest and the largest) and adds a bar chart comparing the runs on the first numeric
key result, each bar named by the key result with ``"role": "label"`` (e.g. the agency's
name) if there is one. Both files are written atomically, so a reader never sees half of
one.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from workbench._io import write_atomically
from workbench.exceptions import WorkbenchError
from workbench.runner import _manifest as mf
from workbench.runner._errors import short_cause
from workbench.runner._key_results import format_value, is_additive, key_specs, key_value
from workbench.runner._registry import Analysis
from workbench.runner.batch.task import RowOutcome

__all__ = ["LiveIndex", "index_rows", "write_index"]

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


def _chart(records: list[dict[str, Any]], key: str, label_key: str | None) -> tuple[str, str]:
    """Draw a ranked bar chart (PNG, base64) of ``key``; return it and its caption.

    Equal values make no chart (the caption says so); zeros are left out of the bars and
    counted in the caption, so that a few agencies with a value are not lost among many
    without one.
    """
    points = [(_label(r, label_key), _number(r.get(key))) for r in records]
    values = sorted(((v, name) for name, v in points if v is not None), reverse=True)
    if not values:
        return "", ""
    if len({v for v, _ in values}) == 1:
        same = values[0][0]
        shown = format_value(round(same) if same.is_integer() else same)
        return "", f"모든 기관이 같은 값({shown})이라 그래프는 생략했습니다."
    notes = []
    zeros = sum(v == 0 for v, _ in values)
    if zeros and zeros < len(values):
        values = [(v, name) for v, name in values if v != 0]
        notes.append(f"값이 0인 {zeros}곳은 막대에서 뺐습니다")
    if len(values) > _CHART_MAX:
        half = _CHART_MAX // 2
        values = values[:half] + values[-half:]
        notes.append(f"상위 {half}곳과 하위 {half}곳만 그렸습니다")
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
    ax.set_title(f"기관별 {key} (큰 순서)")
    fig.tight_layout()
    buffer = io.BytesIO()
    save_figure(fig, buffer, format="png", dpi=100)
    caption = ("; ".join(notes) + ".") if notes else ""
    return base64.b64encode(buffer.getvalue()).decode("ascii"), caption


_OPERATIONS = {
    "row": "행",
    "run_id": "실행 ID",
    "status": "상태",
    "reason": "실패 사유",
    "cause": "원인",
    "duration_seconds": "소요 시간(초)",
    "attempts": "실행 횟수",
    "gate": "공개 점검",
}


def _cell(key: str, value: Any, kind: str | None = None) -> str:
    if key == "report":
        return f'<a href="{escape(value)}">보고서</a>' if value else ""
    if key == "status":
        return escape(_STATUS.get(value, value))
    if value is None or value == "":
        return "–" if kind is not None else ""
    if key == "duration_seconds" and isinstance(value, int | float):
        return f"{value:,.1f}"
    if kind is not None or isinstance(value, int | float):
        return escape(format_value(value, kind))
    return escape(str(value))


def _parameter_label(analysis: Analysis, name: str) -> str:
    """Return a column heading: the parameter's label up to its first aside."""
    return analysis.label(name).split(" (")[0].split(";")[0].strip() or name


def _summary_table(
    records: list[dict[str, Any]], specs: list[dict[str, Any]], label_key: str | None
) -> str:
    """Totals and spread of each numeric key result across the runs that succeeded.

    A total (합계) only for results that add up (:func:`is_additive`: counts and amounts,
    not rates, averages, AUC or coefficients).
    """
    import statistics

    rows = []
    for spec in specs:
        points = [(r, _number(r.get(spec["name"]))) for r in records]
        found = [(r, v) for r, v in points if v is not None]
        if not found or spec.get("role") == "label":
            continue
        values = [v for _, v in found]
        kind = spec.get("format") or ("int" if all(v.is_integer() for v in values) else None)
        low = min(found, key=lambda p: p[1])
        high = max(found, key=lambda p: p[1])
        total = format_value(sum(values), kind) if is_additive(spec, kind) else ""
        average = statistics.fmean(values)
        mean = format_value(average, "int" if average.is_integer() else "number")
        if kind == "percent":
            mean = format_value(average, kind)
        rows.append(
            f"<tr><th>{escape(spec['name'])}</th><td>{len(values):,}</td><td>{total}</td>"
            f"<td>{mean}</td>"
            f"<td>{format_value(statistics.median(values), kind)}</td>"
            f"<td>{format_value(low[1], kind)} ({escape(_label(low[0], label_key))})</td>"
            f"<td>{format_value(high[1], kind)} ({escape(_label(high[0], label_key))})</td></tr>"
        )
    if not rows:
        return ""
    return (
        "<h2>핵심 결과 요약</h2>\n<table><thead><tr><th>항목</th><th>기관 수</th><th>합계</th>"
        "<th>평균</th><th>중앙값</th><th>가장 작은 곳</th><th>가장 큰 곳</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>\n"
    )


_STYLE = (
    "body{font-family:'NanumGothic','Nanum Gothic','Noto Sans KR',sans-serif;margin:2em;"
    "color:#1d2733}table{border-collapse:collapse;margin:0.5em 0 1.5em}"
    "td,th{border:1px solid #ccd3da;padding:3px 8px;text-align:left}"
    "td.num{text-align:right}.lead{font-size:1.1em}.small{color:#5b6773;font-size:0.9em}"
    "@page{size:A4;margin:14mm}@media print{thead{display:table-header-group}"
    "tr,img{break-inside:avoid}h2{break-before:auto}}"
)


def _html_text(
    analysis: Analysis,
    records: list[dict[str, Any]],
    chart_key: str | None,
    label_key: str | None,
    final: bool,
) -> str:
    from workbench.runner._report import korean_time

    specs = key_specs(analysis)
    counts = {s: sum(r["status"] == s for r in records) for s in _STATUS}
    summary = ", ".join(f"{_STATUS[s]} {n:,}건" for s, n in counts.items() if n)
    now = datetime.now(UTC).isoformat()
    chart, caption = _chart(records, chart_key, label_key) if chart_key and final else ("", "")
    figure = (
        f"<h2>기관 비교: {escape(chart_key or '')}</h2>\n"
        + (
            f'<img alt="기관별 {escape(chart_key or "")} 막대그래프" '
            f'src="data:image/png;base64,{chart}"/>\n'
            if chart
            else ""
        )
        + (f'<p class="small">{escape(caption)}</p>\n' if caption else "")
        if chart or caption
        else ""
    )
    # The briefing: who (label or run), the key results, the state and the report.
    params = list(dict.fromkeys(k for r in records for k in r if k.startswith("param:")))
    kinds = {s["name"]: s.get("format") for s in specs if s.get("role") != "label"}
    first = [label_key] if label_key else ["run_id"]
    columns = [*first, *params, *kinds, "status", "report"]
    heads = {"run_id": "실행 ID", "status": "상태", "report": "보고서"}
    heads.update({c: _parameter_label(analysis, c.removeprefix("param:")) for c in params})
    head = "".join(f"<th>{escape(heads.get(c, c))}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{_cell(c, r.get(c), kinds.get(c) if c in kinds else None)}</td>" for c in columns
        )
        + "</tr>\n"
        for r in records
    )
    ops_columns = [c for c in _OPERATIONS if any(c in r for r in records)]
    ops_head = "".join(f"<th>{_OPERATIONS[c]}</th>" for c in ops_columns)
    ops_body = "".join(
        "<tr>" + "".join(f"<td>{_cell(c, r.get(c))}</td>" for c in ops_columns) + "</tr>\n"
        for r in records
    )
    state = (
        "" if final else "<p><em>실행 중입니다. 이 목록은 실행이 끝날 때마다 갱신됩니다.</em></p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="ko">\n<head><meta charset="utf-8"/>'
        f"<title>일괄 실행 결과: {escape(analysis.title)}</title>\n"
        f"<style>{_STYLE}</style></head>\n"
        f"<body>\n<h1>일괄 실행 결과: {escape(analysis.title)}</h1>\n"
        f'<p class="lead">기관 {len(records):,}곳에 같은 분석을 실행했습니다: '
        f"{escape(summary)}.</p>\n"
        f'<p class="small">작성 {korean_time(now)} · 분석 {escape(analysis.name)} '
        f"v{escape(analysis.meta.version)}</p>\n{state}"
        f"{_summary_table(records, specs, label_key) if final else ''}{figure}"
        f"<h2>기관별 결과</h2>\n<table><thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{body}</tbody></table>\n"
        f"<h2>실행 기록 (운영)</h2>\n<table><thead><tr>{ops_head}</tr></thead>\n"
        f"<tbody>\n{ops_body}</tbody></table>\n</body></html>\n"
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


class LiveIndex:
    """Keep index.csv/index.html current as runs finish (at most every ``every`` seconds).

    The final write reads every run's manifest, so the index then says what the run
    folders say, whatever happened to the batch before (a resumed batch after SIGKILL).
    """

    def __init__(
        self, analysis: Analysis, rows: Sequence[Any], out: Path, every: float = 2.0
    ) -> None:
        self.analysis, self.rows, self.out, self.every = analysis, rows, out, every
        self.outcomes: dict[str, RowOutcome] = {}
        self.cache: dict[str, dict[str, Any]] = {}
        self.written = 0.0

    def add(self, outcome: RowOutcome) -> None:
        """Record a finished row; rewrite the index if the last write is old enough."""
        self.outcomes[outcome.run_id] = outcome
        self.cache.pop(outcome.run_id, None)  # a retried or replaced row is read again
        if time.monotonic() - self.written >= self.every:
            self.write(final=False)

    def write(self, *, final: bool) -> None:
        """Write both files (``final``: every row read from its run folder)."""
        write_index(
            self.analysis, self.rows, self.outcomes, self.out, final=final, cache=self.cache
        )
        self.written = time.monotonic()
