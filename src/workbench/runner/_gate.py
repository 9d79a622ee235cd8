"""The release gate: nothing personal, nothing disclosive leaves a run unapproved.

After a notebook runs, everything the report or a released file could show is checked:
every file under ``results/`` (see :mod:`._gate_files`), every output the report would
show in every form (text, HTML with its attributes, markdown, LaTeX, JSON, the texts drawn
in figures, the models displayed), the markdown the report shows, and the run's
parameters. A ``fail`` finding blocks the report and the release of ``results/`` until
a person approves it, with a reason; approvals are recorded in the manifest.

An approval binds to content: a finding's id covers its place *and* a keyed digest of
the values it matched, so approving a finding of one run never releases different data
at the same place in another run (that finding is new, and the message says so).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nbformat

from workbench._io import read_yaml
from workbench._korean import josa
from workbench.config import current_user
from workbench.exceptions import ParameterError
from workbench.runner._manifest import utc_now
from workbench.runner._registry import HIDDEN_TAGS
from workbench.runner._rundir import HELD, PUBLISHED, RunDir

__all__ = ["Approval", "GateReport", "check_outputs", "load_approvals"]

#: Where ``results/`` waits while the gate holds a run back (never released from there).
HELD_DIR = HELD  # the name of the first layout API

_SKIP_TAGS = frozenset({"remove-cell", "remove_cell", "parameters"})
_UNNUMBERED = HIDDEN_TAGS | {"papermill-error-cell-tag"}
#: What a location shows instead of a label that is itself personal information.
REDACTED = "(개인정보라 가림)"
_LABEL_FIELDS = ("file", "sheet", "table", "model", "parameter", "row", "column")


@dataclass(frozen=True)
class Approval:
    """A person's decision to release despite a finding.

    ``rule`` and ``location`` record which place the approval was for, so that a finding
    at the same place with other values is recognised (and reported) as new.
    """

    id: str
    reason: str
    by: str
    at: str
    rule: str | None = None
    location: dict[str, Any] | None = None

    @property
    def place(self) -> str | None:
        """The same key as :attr:`workbench.ethics.Finding.place`, when known."""
        if self.rule is None or self.location is None:
            return None
        return json.dumps(
            {"rule": self.rule, "location": self.location}, ensure_ascii=False, sort_keys=True
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "reason": self.reason, "by": self.by, "at": self.at}
        if self.rule is not None:
            data.update(rule=self.rule, location=self.location)
        return data


@dataclass
class GateReport:
    """Every finding of a run, which of them are approved, and which are new at an old place."""

    findings: list[Any] = field(default_factory=list)
    approvals: dict[str, Approval] = field(default_factory=dict)
    #: finding id -> the approval of an earlier finding at the same place (other values)
    stale: dict[str, Approval] = field(default_factory=dict)

    @property
    def blocking(self) -> list[Any]:
        """``fail`` findings nobody approved."""
        return [f for f in self.findings if f.severity == "fail" and f.id not in self.approvals]

    def manifest_findings(self) -> list[dict[str, Any]]:
        """Return the findings as the manifest records them, each marked approved or not."""
        rows = []
        for f in self.findings:
            row = {**f.to_dict(), "approved": f.id in self.approvals}
            if f.id in self.stale:
                row["earlier_approval"] = self.stale[f.id].id
            rows.append(row)
        return rows


def _approval_entries(path: Path) -> list[Any]:
    data = read_yaml(path, ParameterError) or []
    if isinstance(data, dict) and isinstance(data.get("approvals"), list):
        return list(data["approvals"])  # another run's manifest.json
    if not isinstance(data, list):
        raise ParameterError(
            f"{path}: 승인 파일은 {{id, reason}} 항목의 목록(또는 실행의 manifest.json)이어야 "
            "합니다."
        )
    return data


def load_approvals(
    ids: list[str] | None = None,
    reason: str | None = None,
    approvals_file: str | os.PathLike[str] | None = None,
) -> list[Approval]:
    """Approvals from ``--approve ID --reason TEXT`` and/or a file.

    The file is a YAML list of ``{id, reason}`` (optionally ``by``, ``rule``,
    ``location``), or another run's ``manifest.json`` (its approvals are taken; they
    apply to this run only where the same place holds the same values).
    """
    found: list[Approval] = []
    if ids:
        if not reason or not reason.strip():
            raise ParameterError(
                "--approve에는 --reason이 필요합니다: 공개해도 되는 이유를 적으세요 "
                '(예: --reason "이미 공표된 통계").'
            )
        found += [Approval(i, reason.strip(), current_user(), utc_now()) for i in ids]
    if approvals_file is not None:
        path = Path(approvals_file)
        for n, item in enumerate(_approval_entries(path), start=1):
            if not isinstance(item, dict) or not item.get("id") or not item.get("reason"):
                raise ParameterError(
                    f"{path}: {n}번째 항목에 'id'와 'reason'이 모두 있어야 합니다."
                )
            by = str(item.get("by") or current_user())
            rule, location = item.get("rule"), item.get("location")
            found.append(
                Approval(
                    str(item["id"]),
                    str(item["reason"]),
                    by,
                    str(item.get("at") or utc_now()),
                    str(rule) if rule else None,
                    dict(location) if isinstance(location, dict) else None,
                )
            )
    return found


# --------------------------------------------------------------------------- results/
def _published(run_dir: Path) -> dict[str, dict[str, Any]]:
    index = run_dir / PUBLISHED
    return json.loads(index.read_text(encoding="utf-8")) if index.is_file() else {}


def _results_findings(
    run_dir: Path, folder: Path, executed: nbformat.NotebookNode, rules: Any
) -> list[Any]:
    from workbench.runner._gate_files import figure_records, file_findings

    by_file = {
        str(meta["file"]): (name, meta)
        for name, meta in _published(run_dir).items()
        if not meta.get("internal")
    }
    figures = figure_records(executed)
    findings: list[Any] = []
    for path in sorted(folder.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        released = "results/" + path.relative_to(folder).as_posix()
        name, meta = by_file.get(released, (None, {}))
        findings += file_findings(
            path, released, table_name=name, meta=meta, figures=figures, rules=rules
        )
    return findings


# --------------------------------------------------------------------------- notebook
def _output_checks(output: Any, where: Any, rules: Any, texts_clean: bool) -> list[Any]:
    from workbench.ethics import (
        FIGURE_MIME,
        IMAGE_MIMES,
        findings_from_output,
        model_findings,
        model_records,
        output_findings,
    )

    data = output.get("data", {})
    inside = {"cell_number": where.cell_number, "output_number": where.output_number}
    # A displayed wb.ethics.crosstab / pivot_table / ols carries its own findings.
    found = [f.within(**inside) for f in findings_from_output(data)]
    # Models displayed (their records) or printed (a statsmodels summary as text).
    for record in model_records(output):
        found += [f.within(**inside) for f in model_findings(record, rules)]
    found += output_findings(output, where, texts_clean=texts_clean)
    pictures = sorted(IMAGE_MIMES & set(data))
    if pictures and FIGURE_MIME not in data:
        found.append(_unchecked_picture(where, data[pictures[0]]))
    return found


def _unchecked_picture(where: Any, picture: Any) -> Any:
    from workbench.ethics import Finding, Location, value_digest

    return Finding(
        rule="release.unchecked_image",
        severity="fail",
        location=Location(
            "figure", cell_number=where.cell_number, output_number=where.output_number
        ),
        message=(
            "그림 속 글자를 읽을 수 없는 이미지(matplotlib 그림이 아님)라 개인정보를 점검하지 "
            "못했습니다. 이미지를 직접 확인한 뒤 승인하거나, 출력을 지우세요."
        ),
        count=1,
        digest=value_digest([str(picture)]),
    )


def _markdown_findings(source: str, number: int) -> list[Any]:
    from workbench.ethics import Finding, Location, scan_texts, value_digest

    found = scan_texts([source]) if source.strip() else []
    return [
        Finding(
            rule=f"pii.{kind}",
            severity="fail",
            location=Location("source", cell_number=number),
            message=(
                f"보고서에 실릴 글(마크다운)에 개인정보({kind}) {count}건이 있습니다. "
                "노트북의 글에서 그 값을 지우세요."
            ),
            count=count,
            digest=value_digest([source]),
        )
        for kind, count in found
    ]


def _shown_cells(executed: nbformat.NotebookNode) -> list[tuple[int, Any]]:
    """Return the cells the report shows, numbered as the notebook's author sees them."""
    cells = []
    number = 0
    for cell in executed.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _UNNUMBERED:
            continue
        number += 1
        if not tags & _SKIP_TAGS:
            cells.append((number, cell))
    return cells


def _notebook_findings(executed: nbformat.NotebookNode, rules: Any) -> list[Any]:
    from workbench.ethics import Location, scan_texts, texts_hold_personal_information

    cells = _shown_cells(executed)
    markdown = [(n, str(c.source)) for n, c in cells if c.cell_type == "markdown"]
    findings: list[Any] = []
    # One scan of every text first: most notebooks hold nothing, and then need no more.
    if markdown and scan_texts(["\n".join(source for _, source in markdown)]):
        for number, source in markdown:
            findings += _markdown_findings(source, number)
    outputs = [o for _, c in cells if c.cell_type == "code" for o in c.get("outputs", [])]
    clean = not texts_hold_personal_information(outputs)
    for number, cell in cells:
        if cell.cell_type != "code":
            continue
        for m, output in enumerate(cell.get("outputs", []), start=1):
            where = Location("output", cell_number=number, output_number=m)
            findings += _output_checks(output, where, rules, clean)
    return findings


def _parameter_findings(parameters: Mapping[str, Any]) -> list[Any]:
    """Check the parameters' values: they are written into the report and the manifest."""
    import pandas as pd

    from workbench.ethics import KIND_LABELS, Finding, Location, scan, scan_texts, value_digest

    findings: list[Any] = []
    texts = {
        str(name): value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        for name, value in parameters.items()
    }
    if not texts:
        return findings
    # The name is context (a parameter called 성명 holds a name without saying so): each
    # value is scanned as a one-row column under its name, all in one table.
    by_column = scan(pd.DataFrame({n: pd.Series([t], dtype="string") for n, t in texts.items()}))
    for name, text in texts.items():
        counts = dict(scan_texts([text]))
        for kind in by_column.columns[name]:
            counts[kind.kind] = max(counts.get(kind.kind, 0), kind.count)
        for kind, count in sorted(counts.items()):
            findings.append(
                Finding(
                    rule=f"pii.{kind}",
                    severity="fail",
                    location=Location("parameter", parameter=str(name)),
                    message=(
                        f"매개변수 '{name}'의 값에 {KIND_LABELS.get(kind, kind)}({kind})가 "
                        "있습니다. 매개변수는 보고서와 실행 기록에 그대로 남으므로 개인정보를 "
                        "넣지 말고, 자료 파일(입력)로 넘기거나 가명처리한 값을 쓰세요."
                    ),
                    count=count,
                    digest=value_digest([text]),
                )
            )
    return findings


def _redact(findings: list[Any]) -> list[Any]:
    """Replace every label of a location that is itself personal information.

    (A table of names crossed with regions has names for labels: the gate's own messages
    and the manifest must not repeat them.)
    """
    from workbench.ethics import scan_texts

    personal: dict[str, bool] = {}

    def is_personal(label: str) -> bool:
        if label not in personal:
            personal[label] = bool(scan_texts([label]))
        return personal[label]

    result = []
    for finding in findings:
        location = finding.location
        changed = {
            name: REDACTED
            for name in _LABEL_FIELDS
            if isinstance(getattr(location, name), str) and is_personal(getattr(location, name))
        }
        if not changed:
            result.append(finding)
            continue
        hidden = {getattr(location, name) for name in changed}
        details = {
            k: REDACTED if isinstance(v, str) and v in hidden else v
            for k, v in finding.details.items()
        }
        message = finding.message
        for label in sorted(hidden, key=len, reverse=True):
            message = message.replace(label, REDACTED)
        result.append(
            replace(
                finding,
                location=replace(location, **changed),
                details=details,
                message=message,
            )
        )
    return result


def warm_up() -> None:
    """Import and compile what the gate uses (pandas, scanner, table reader) ahead of it."""
    import pandas  # noqa: F401 - published tables are read with it

    from workbench.ethics import scan_output

    table = "<table><thead><tr><th>성명</th></tr></thead><tr><td>김민준</td></tr></table>"
    scan_output({"output_type": "display_data", "data": {"text/html": table}})


def _apply(
    findings: list[Any], approvals: list[Approval] | None
) -> tuple[dict[str, Approval], dict[str, Approval]]:
    """Match approvals to findings: by id (same place, same values), else by place (new)."""
    by_id = {f.id: f for f in findings}
    by_place: dict[str, list[Any]] = {}
    for f in findings:
        by_place.setdefault(f.place, []).append(f)
    applied: dict[str, Approval] = {}
    stale: dict[str, Approval] = {}
    unknown = []
    for approval in approvals or []:
        if approval.id in by_id:
            f = by_id[approval.id]
            applied[f.id] = replace(approval, rule=f.rule, location=f.location.to_dict())
        elif approval.place is not None:
            for f in by_place.get(approval.place, []):
                stale.setdefault(f.id, approval)
        else:
            unknown.append(approval.id)
    if unknown:
        known = ", ".join(sorted(by_id)) or "(없음)"
        raise ParameterError(
            f"이 실행에는 ID가 {', '.join(sorted(unknown))}인 점검 항목이 없습니다(No finding "
            f"with id {', '.join(sorted(unknown))}). 이 실행의 항목: {known}. "
            "`workbench check 실행폴더`가 보여 주는 ID로 승인하세요."
        )
    return applied, {k: v for k, v in stale.items() if k not in applied}


def check_outputs(
    run_dir: Path,
    executed: nbformat.NotebookNode,
    approvals: list[Approval] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> GateReport:
    """Check a run's released files, report-bound outputs and parameters.

    ``results/`` is read where it is, or in ``results.held/`` if an earlier check held it
    back. Internal outputs (``internal/``) are never released and not checked here.
    ``parameters`` are the run's parameters as the report shows them (secrets left out).
    Approvals apply to findings with their id (same place, same values); one recorded
    with its place for a finding that now holds other values does not apply, and the
    finding is reported as new. An approval that names no finding at all is refused.
    """
    from workbench import config
    from workbench.ethics import load_ethics_record

    # The project's ethics record sets the thresholds (ACRO's defaults otherwise).
    rules = load_ethics_record(config.ethics_file()).thresholds.disclosure()
    folder = RunDir(run_dir).results_folder()
    findings = _results_findings(run_dir, folder, executed, rules) if folder else []
    findings += _notebook_findings(executed, rules)
    findings += _parameter_findings(parameters or {})
    findings = _redact(findings)
    applied, stale = _apply(findings, approvals)
    return GateReport(findings=findings, approvals=applied, stale=stale)


def blocked_message(run_dir: Path, report: GateReport) -> str:
    """Explain what blocks the release and how to approve it, in one screen."""
    lines = [
        f"공개 보류: 검토가 필요한 항목 {len(report.blocking)}건 — 보고서(report.html)와 결과 "
        "공개가 보류되었습니다.",
    ]
    for finding in report.blocking[:20]:
        line = f"  - [{finding.id}] {finding.location}: {finding.message}"
        if finding.id in report.stale:
            line += (
                f" (새 항목: 같은 곳의 이전 승인 "
                f"{report.stale[finding.id].id}{josa(report.stale[finding.id].id, '은/는')} 값이 "
                "달라 적용되지 않습니다. 내용을 다시 확인하고 승인하세요.)"
            )
        lines.append(line)
    if len(report.blocking) > 20:
        lines.append(f"  … 외 {len(report.blocking) - 20}건 (manifest.json의 findings 참조)")
    lines.append(
        "고친 뒤 다시 실행하거나, 공개해도 되는 이유가 있으면 승인하세요: "
        f'workbench check {run_dir} --approve ID --reason "사유"'
    )
    return "\n".join(lines)
