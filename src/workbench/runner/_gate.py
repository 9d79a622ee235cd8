"""The release gate: nothing personal, nothing disclosive leaves a run unapproved.

After a notebook runs, every published table and every output that the report would show
(text, HTML tables, DataFrame displays) is scanned for personal information, and every
published table that declares count columns is checked by the disclosure rules. A
``fail`` finding blocks the report and the release of ``results/`` until a person
approves it, with a reason; approvals are recorded in the manifest.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from workbench._io import read_yaml
from workbench.config import current_user
from workbench.exceptions import ParameterError
from workbench.runner._manifest import utc_now
from workbench.runner.results import PUBLISHED_INDEX

__all__ = ["HELD_DIR", "Approval", "GateReport", "check_outputs", "load_approvals"]

#: Where ``results/`` waits while the gate holds a run back (never released from there).
HELD_DIR = "results.held"

_SKIP_TAGS = frozenset({"injected-parameters", "remove-cell", "remove_cell", "parameters"})


@dataclass(frozen=True)
class Approval:
    """A person's decision to release despite a finding."""

    id: str
    reason: str
    by: str
    at: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "reason": self.reason, "by": self.by, "at": self.at}


@dataclass
class GateReport:
    """Every finding of a run, and which of them are approved."""

    findings: list[Any] = field(default_factory=list)
    approvals: dict[str, Approval] = field(default_factory=dict)

    @property
    def blocking(self) -> list[Any]:
        """``fail`` findings nobody approved."""
        return [f for f in self.findings if f.severity == "fail" and f.id not in self.approvals]

    def manifest_findings(self) -> list[dict[str, Any]]:
        """Return the findings as the manifest records them, each marked approved or not."""
        return [{**f.to_dict(), "approved": f.id in self.approvals} for f in self.findings]


def load_approvals(
    ids: list[str] | None = None,
    reason: str | None = None,
    approvals_file: str | os.PathLike[str] | None = None,
) -> list[Approval]:
    """Approvals from ``--approve ID --reason TEXT`` and/or a YAML file.

    The file is a list of ``{id, reason}`` (and optionally ``by``).
    """
    found: list[Approval] = []
    if ids:
        if not reason or not reason.strip():
            raise ParameterError("--approve needs --reason: say why the finding may be released.")
        found += [Approval(i, reason.strip(), current_user(), utc_now()) for i in ids]
    if approvals_file is not None:
        path = Path(approvals_file)
        data = read_yaml(path, ParameterError) or []
        if not isinstance(data, list):
            raise ParameterError(f"{path}: expected a list of {{id, reason}} entries.")
        for n, item in enumerate(data, start=1):
            if not isinstance(item, dict) or not item.get("id") or not item.get("reason"):
                raise ParameterError(f"{path}: entry {n} needs both 'id' and 'reason'.")
            by = str(item.get("by") or current_user())
            found.append(Approval(str(item["id"]), str(item["reason"]), by, utc_now()))
    return found


def _published(run_dir: Path) -> dict[str, dict[str, Any]]:
    index = run_dir / PUBLISHED_INDEX
    return json.loads(index.read_text(encoding="utf-8")) if index.is_file() else {}


def _read_result(path: Path) -> Any:
    import pandas as pd

    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    # As text: identifiers keep their leading zeros and their exact form for the scan.
    return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)


def _relocated(finding: Any, prefix: str) -> Any:
    from dataclasses import replace

    return replace(finding, location=f"{prefix}, {finding.location}")


def _table_findings(run_dir: Path, results_folder: Path) -> list[Any]:
    import pandas as pd

    from workbench import config
    from workbench.ethics import check_table, load_ethics_record, scan

    # The project's ethics record sets the thresholds (ACRO's defaults otherwise).
    rules = load_ethics_record(config.ethics_file()).thresholds.disclosure()

    published = _published(run_dir)
    by_file = {
        Path(meta["file"]).name: (name, meta)
        for name, meta in published.items()
        if not meta.get("internal")
    }
    findings: list[Any] = []
    for path in sorted(results_folder.glob("*")):
        if not path.is_file():
            continue
        name, meta = by_file.get(path.name, (path.stem, {}))
        table = _read_result(path)
        findings += [_relocated(f, f"table {name}") for f in scan(table).findings()]
        counts = [c for c in meta.get("counts") or [] if c in table.columns]
        if not counts:
            findings.append(_unchecked(name))
        else:
            # A flat published table: the other columns label the cells, the count
            # columns are the cells that the threshold and zero rules look at.
            labels = [c for c in table.columns if c not in counts]
            cells = table.set_index(labels) if labels else table
            cells = cells[counts].apply(pd.to_numeric, errors="coerce")
            findings += check_table(cells, name=name, rules=rules).findings()
    return findings


def _unchecked(name: str) -> Any:
    """Say, without blocking, that a table's cells could not be checked for small counts."""
    from workbench.ethics import Finding

    return Finding(
        rule="disclosure.unchecked",
        severity="info",
        location=f"table {name}",
        message=(
            "작은 셀(공개 기준) 점검을 하지 않았습니다: 사람·건수를 세는 열을 "
            'wb.publish(..., counts="열 이름")으로 알려 주면 점검합니다.'
        ),
        count=0,
    )


def _notebook_findings(executed: nbformat.NotebookNode) -> list[Any]:
    from workbench.ethics import Finding, findings_from_output, scan_output

    findings: list[Any] = []
    number = 0
    for cell in executed.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        number += 1
        if cell.cell_type != "code" or tags & _SKIP_TAGS:
            continue
        for m, output in enumerate(cell.get("outputs", []), start=1):
            where = f"notebook cell {number}, output {m}"
            # A displayed wb.ethics.crosstab / pivot_table / ols carries its own findings.
            shown = findings_from_output(output.get("data", {}))
            findings += [_relocated(f, where) for f in shown]
            for kind, count in scan_output(output):
                findings.append(
                    Finding(
                        rule=f"pii.{kind}",
                        severity="fail",
                        location=where,
                        message=(
                            f"개인정보({kind}) {count}건이 보고서에 실릴 출력에 있습니다. "
                            "출력을 지우거나 가명처리(wb.ethics.pseudonymise)하세요."
                        ),
                        count=int(count),
                    )
                )
    return findings


def warm_up() -> None:
    """Import and compile what the gate uses (pandas, scanner, table reader) ahead of it."""
    import pandas  # noqa: F401 - published tables are read with it

    from workbench.ethics import scan_output

    table = "<table><thead><tr><th>성명</th></tr></thead><tr><td>김민준</td></tr></table>"
    scan_output({"output_type": "display_data", "data": {"text/html": table}})


def check_outputs(
    run_dir: Path, executed: nbformat.NotebookNode, approvals: list[Approval] | None = None
) -> GateReport:
    """Check a run's published tables and report-bound outputs.

    ``results/`` is read where it is, or in ``results.held/`` if an earlier check held it
    back. Internal outputs (``internal/``) are never released and not checked here.
    Approvals must name findings of this run (their ids are stable across re-runs).
    """
    folder = run_dir / "results"
    if not folder.is_dir():
        folder = run_dir / HELD_DIR
    findings = _table_findings(run_dir, folder) if folder.is_dir() else []
    findings += _notebook_findings(executed)
    wanted = {a.id: a for a in approvals or []}
    known = {f.id for f in findings}
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise ParameterError(
            f"No finding with id {', '.join(unknown)} in this run; the findings are: "
            f"{', '.join(sorted(known)) or '(none)'}."
        )
    return GateReport(findings=findings, approvals=wanted)


def blocked_message(run_dir: Path, report: GateReport) -> str:
    """Explain what blocks the release and how to approve it, in one screen."""
    lines = [
        f"공개 차단: 검토가 필요한 항목 {len(report.blocking)}건 — 보고서(report.html)와 결과 "
        "공개가 보류되었습니다.",
    ]
    for finding in report.blocking[:20]:
        lines.append(f"  - [{finding.id}] {finding.location}: {finding.message}")
    if len(report.blocking) > 20:
        lines.append(f"  … 외 {len(report.blocking) - 20}건 (manifest.json의 findings 참조)")
    lines.append(
        "고친 뒤 다시 실행하거나, 공개해도 되는 이유가 있으면 승인하세요: "
        f'workbench check {run_dir} --approve ID --reason "사유"'
    )
    return "\n".join(lines)


def hold_results(run_dir: Path) -> None:
    """Move ``results/`` aside so that nothing looks released."""
    results = run_dir / "results"
    if results.is_dir():
        results.rename(run_dir / HELD_DIR)


def release_results(run_dir: Path) -> None:
    """Put held results back where released results live."""
    held = run_dir / HELD_DIR
    if held.is_dir() and not (run_dir / "results").exists():
        held.rename(run_dir / "results")
