"""Signed sign-off of held runs: independent checkers, recorded decisions (issue 18).

When governance is in effect for the project (a ``trust.yml``, see
:mod:`workbench.governance`), a ``fail`` finding is released only by signed decisions:
the number of independent approvals that ``ethics.yml`` asks (``thresholds.checkers``,
default 1; ``thresholds.checkers_personal``, default 2, when the run loaded personal or
pseudonymised data under a grant), none rejected, the run's author not counted. Unsigned
approvals (``--approve`` without ``--sign``) are then not enough. Each new decision is
checked, kept in the manifest (``decisions``) and appended to the hash-chained audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench import config
from workbench.runner._gate import Approval, GateReport, blocked_message
from workbench.runner._manifest import Manifest

__all__ = [
    "SignedGateReport",
    "decide",
    "grants_of_run",
    "record_reveal",
    "release_package",
    "results_digest",
    "signed_gate",
    "signoff_message",
]

_RESTRICTED = ("personal", "pseudonymised")


def _project() -> Path:
    return config.find_project() or Path.cwd().resolve()


@dataclass
class SignedGateReport(GateReport):
    """A gate report whose approvals come from signed decisions."""

    tallies: dict[str, Any] = field(default_factory=dict)  # finding id -> FindingTally
    required: int = 1
    personal: bool = False
    unsigned: list[str] = field(default_factory=list)  # ids approved without a signature


def _audit_entries(project: Path) -> list[dict[str, Any]]:
    from workbench.catalog import AuditLog

    log = AuditLog(config.audit_log_path(project))
    return log.entries() if log.path.is_file() else []


def grants_of_run(run_dir: Path, project: Path | None = None) -> list[dict[str, Any]]:
    """Return the signed grants that the run's loads used (from the audit log), in order.

    A grant recorded in the log but no longer in ``grants/`` is returned as
    ``{"id": …, "missing": True}``.
    """
    from workbench.governance import find_grant

    project = project or _project()
    target = Path(run_dir).resolve()
    ids: list[str] = []
    for entry in _audit_entries(project):
        run, grant = entry.get("run"), entry.get("grant")
        if run and grant and Path(run).resolve() == target and grant not in ids:
            ids.append(str(grant))
    return [find_grant(project, g) or {"id": g, "missing": True} for g in ids]


def _audit_decision(run_dir: Path, manifest: Manifest, envelope: dict[str, Any]) -> None:
    from workbench.catalog import AuditLog
    from workbench.governance import DECISIONS

    body = envelope["body"]
    checker = body["checker"]
    AuditLog(config.audit_log_path(_project())).append(
        user=f"{checker['name']}({checker['agency']})",
        dataset=manifest.analysis.name,
        purpose=f"반출 검토 {DECISIONS[body['decision']]}: {body['finding']} — {body['reason']}",
        columns=[],
        rows=0,
        sha256=envelope["id"],
        run=str(run_dir),
        extra={"event": "decision", "decision": envelope},
    )


def record_reveal(run_dir: Path, manifest: Manifest, finding: str, checker: str) -> None:
    """Record in the audit log that a checker revealed the masked values of a finding."""
    from workbench.catalog import AuditLog

    AuditLog(config.audit_log_path(_project())).append(
        user=checker,
        dataset=manifest.analysis.name,
        purpose=f"반출 검토 중 가린 값 보기: {finding}",
        columns=[],
        rows=0,
        sha256="",
        run=str(run_dir),
        extra={"event": "reveal", "finding": finding},
    )


def _check_new(
    envelope: dict[str, Any], trust: Any, manifest: Manifest, findings: set[str]
) -> None:
    """Refuse a new decision that would not count, saying why and what to do."""
    from workbench.governance import GovernanceError, particle

    body = envelope.get("body") or {}
    person, why = trust.signer(envelope)
    if person is None:
        raise GovernanceError(
            f"결정을 기록할 수 없습니다: {why}. trust.yml에 검토자의 공개 키를 올리세요."
        )
    if "checker" not in person.roles:
        raise GovernanceError(
            f"{particle(person.label(), '은')} 반출 검토자(checker)가 아니라 결정에 서명할 수 "
            "없습니다: trust.yml의 roles에 checker가 있는 사람이 서명하세요."
        )
    if body.get("run_id") != manifest.run_id:
        raise GovernanceError(
            f"{person.label()}의 결정은 다른 실행({body.get('run_id')})에 대한 것입니다."
        )
    if body.get("finding") not in findings:
        known = ", ".join(sorted(findings)) or "(없음)"
        raise GovernanceError(
            f"이 실행에는 검토할 점검 항목 {particle(body.get('finding'), '이')} 없습니다. "
            f"검토할 항목: {known}."
        )
    author = manifest.author or ""
    if author and author in {person.user, person.name}:
        raise GovernanceError(
            f"{particle(person.label(), '은')} 이 실행을 만든 사람({author})이라 자기 실행을 "
            "승인하거나 반려할 수 없습니다: 다른 검토자에게 맡기세요."
        )


def signed_gate(
    run_dir: Path,
    manifest: Manifest,
    report: GateReport,
    decisions: list[dict[str, Any]] | None = None,
) -> GateReport:
    """Apply the rule of independent signed checkers; record new decisions.

    Returns ``report`` unchanged when no trust.yml is in effect.
    """
    from workbench.ethics import load_ethics_record
    from workbench.governance import load_trust, tally

    project = _project()
    trust = load_trust(project)
    if not trust.in_effect:
        return report
    if manifest.author is None:
        manifest.author = config.current_user()
    fails = {f.id: f for f in report.findings if f.severity == "fail"}
    for envelope in decisions or []:
        _check_new(envelope, trust, manifest, set(fails))
    kept = list(manifest.decisions)
    for envelope in decisions or []:
        _audit_decision(run_dir, manifest, envelope)
        kept.append(envelope)
    manifest.decisions = kept
    thresholds = load_ethics_record(config.ethics_file()).thresholds
    grants = grants_of_run(run_dir, project)
    personal = any(
        (g.get("body") or {}).get("request", {}).get("sensitivity") in _RESTRICTED for g in grants
    )
    required = max(thresholds.checkers, thresholds.checkers_personal * personal)
    tallies = tally(
        fails,
        kept,
        trust,
        run_id=str(manifest.run_id),
        required=required,
        author=manifest.author or "",
    )
    approvals = {}
    for fid, t in tallies.items():
        if t.released:
            bodies = [b for _, b in t.approvals]
            approvals[fid] = Approval(
                fid,
                " / ".join(f"{b['checker']['name']}: {b['reason']}" for b in bodies),
                ", ".join(p.label() for p, _ in t.approvals),
                max(str(b["at"]) for b in bodies),
                fails[fid].rule,
                fails[fid].location.to_dict(),
            )
    unsigned = sorted(set(report.approvals) - set(approvals))
    return SignedGateReport(
        findings=report.findings,
        approvals=approvals,
        stale=report.stale,
        tallies=tallies,
        required=required,
        personal=personal,
        unsigned=unsigned,
    )


def signoff_message(run_dir: Path, report: GateReport) -> str:
    """Explain what blocks the release; with signed sign-off, per finding who is missing."""
    if not isinstance(report, SignedGateReport):
        return blocked_message(run_dir, report)
    why = "개인정보 자료를 쓴 실행이라 " if report.personal else ""
    lines = [
        f"공개 보류: 서명된 승인이 필요한 항목 {len(report.blocking)}건 — {why}항목마다 실행자가 "
        f"아닌 검토자 {report.required}명의 승인이 필요합니다(반려가 있으면 공개하지 않음)."
    ]
    for finding in report.blocking[:20]:
        tally = report.tallies.get(finding.id)
        status = tally.status() if tally else ""
        lines.append(f"  - [{finding.id}] {finding.location}: {finding.message} — {status}")
        lines += [
            f"      (인정되지 않은 결정: {text})" for text in (tally.ignored if tally else [])
        ]
    if report.unsigned:
        lines.append(
            f"  서명 없는 승인({', '.join(report.unsigned)})은 trust.yml이 있는 프로젝트에서는 "
            "인정되지 않습니다."
        )
    lines.append(
        f"검토: `workbench review {run_dir}` (검토 화면) 또는 "
        f'`workbench check {run_dir} --approve ID --reason "사유" --sign`'
    )
    return "\n".join(lines)


def decide(
    run_dir: Path,
    finding_ids: list[str],
    decision: str,
    reason: str,
    private: Any,
    card: Any,
) -> list[dict[str, Any]]:
    """Return the checker's signed decisions on findings of the run at ``run_dir``."""
    from workbench.governance import sign_decision
    from workbench.runner._rundir import require_run_dir

    manifest = require_run_dir(Path(run_dir).resolve()).read_manifest()
    results = results_digest(manifest)
    return [
        sign_decision(
            private,
            card,
            run_id=str(manifest.run_id),
            finding=f,
            decision=decision,
            reason=reason,
            results=results,
        )
        for f in finding_ids
    ]


def results_digest(manifest: Manifest) -> str:
    """Return the digest of the run's result hashes that a decision signs."""
    from workbench.governance import digest

    return digest([r.model_dump(mode="json") for r in manifest.results])


def _people(trust: Any, envelopes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the trust entries (with public keys) of everyone who signed ``envelopes``."""
    from workbench.governance import public_key_text

    ids = sorted({str(e.get("key_id")) for e in envelopes})
    return [
        {
            "name": p.name,
            "agency": p.agency,
            "roles": list(p.roles),
            "user": p.user,
            "key_id": p.key_id,
            "public_key": public_key_text(p.public),
        }
        for k in ids
        if (p := trust.people.get(k)) is not None
    ]


def release_package(run_dir: Path, report: GateReport) -> Path | None:
    """Write ``release.zip`` for a run released by signed decisions; None otherwise."""
    from workbench.governance import load_trust, write_release
    from workbench.runner._rundir import RELEASE, RunDir

    if not isinstance(report, SignedGateReport):
        return None
    folder = RunDir(run_dir)
    manifest = folder.read_manifest()
    members = {"manifest.json": folder.manifest, "report.html": folder.report}
    pdf = folder.path / "report.pdf"
    if pdf.is_file():
        members["report.pdf"] = pdf
    if folder.results.is_dir():
        for file in sorted(folder.results.rglob("*")):
            if file.is_file() and not file.is_symlink():
                members[file.relative_to(folder.path).as_posix()] = file
    grants = grants_of_run(folder.path)
    used = [g for g in grants if not g.get("missing")]
    release = {
        "run_id": manifest.run_id,
        "analysis": {"name": manifest.analysis.name, "version": manifest.analysis.version},
        "author": manifest.author,
        "required": report.required,
        "personal": report.personal,
        "findings": manifest.findings,
        "decisions": manifest.decisions,
        "people": _people(load_trust(_project()), manifest.decisions + used),
        "grants": used,
        "grants_missing": [g["id"] for g in grants if g.get("missing")],
    }
    return write_release(folder.path / RELEASE, members, release)
