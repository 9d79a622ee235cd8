"""Signed release decisions and the rule of independent checkers.

A checker's decision on one finding of one run — 승인 (approve), 수정 후 승인
(approve_modified: approved once the output was changed as the reason says) or 반려
(reject) — is a signed envelope (:mod:`._signing`) naming the run, the finding, the
decision, the reason and the checker. A finding is released when it has at least the
required number of approvals from *different* trusted checkers, none of whom is the
run's author, and no standing rejection (each checker's latest decision counts).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workbench.governance._errors import GovernanceError
from workbench.governance._keys import KeyCard
from workbench.governance._korean import particle
from workbench.governance._signing import sign
from workbench.governance._trust import Person, Trust

__all__ = ["DECISIONS", "DECISION_KIND", "FindingTally", "sign_decision", "tally"]

DECISION_KIND = "workbench.decision"
#: The decisions a checker can sign, and how people read them.
DECISIONS = {"approve": "승인", "approve_modified": "수정 후 승인", "reject": "반려"}


def sign_decision(
    private: Ed25519PrivateKey,
    card: KeyCard,
    *,
    run_id: str,
    finding: str,
    decision: str,
    reason: str,
    results: str = "",
) -> dict[str, Any]:
    """Return a checker's signed decision on one finding of one run.

    ``results`` is the digest of the run's recorded result hashes
    (:func:`workbench.governance._signing.digest` of the manifest's ``results``): the
    decision is for exactly those files.
    """
    if decision not in DECISIONS:
        raise GovernanceError(
            f"결정 {particle(decision, '은')} 쓸 수 없습니다: approve(승인), "
            "approve_modified(수정 후 승인), reject(반려) 중 하나를 주세요."
        )
    if not reason.strip():
        raise GovernanceError(
            f"점검 항목 {finding}의 {DECISIONS[decision]}에는 사유가 필요합니다: --reason에 "
            "공개해도 되는(또는 안 되는) 이유를 적으세요."
        )
    if "checker" not in card.roles:
        raise GovernanceError(
            f"{card.name}의 키({card.key_id})에는 checker 역할이 없어 반출 결정에 서명할 수 "
            "없습니다: 반출 검토자의 키로 서명하세요."
        )
    body = {
        "kind": DECISION_KIND,
        "run_id": run_id,
        "finding": finding,
        "decision": decision,
        "reason": reason.strip(),
        "results": results,
        "checker": {"name": card.name, "agency": card.agency, "key_id": card.key_id},
        "at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    return sign(private, body)


@dataclass
class FindingTally:
    """Where one finding stands: who approved, who rejected, what does not count."""

    finding: str
    required: int
    approvals: list[tuple[Person, dict[str, Any]]] = field(default_factory=list)
    rejections: list[tuple[Person, dict[str, Any]]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # why a decision does not count

    @property
    def released(self) -> bool:
        """Enough independent approvals and no standing rejection."""
        return not self.rejections and len(self.approvals) >= self.required

    def status(self) -> str:
        """Say in Korean where the finding stands and what is still needed."""
        if self.rejections:
            who, body = self.rejections[0]
            return f"반려됨 — {who.label()}: {body['reason']}. 고쳐서 다시 실행하세요"
        have = len(self.approvals)
        names = ", ".join(p.label() for p, _ in self.approvals)
        if have >= self.required:
            return f"승인 {have}/{self.required} ({names})"
        more = self.required - have
        text = f"승인 {have}/{self.required}"
        text += f" ({names})" if names else ""
        return text + f" — 실행자가 아닌 다른 검토자 {more}명의 서명된 승인이 더 필요합니다"


def _is_author(person: Person, author: str) -> bool:
    return bool(author) and author in {person.user, person.name}


def tally(
    findings: Iterable[str],
    decisions: Iterable[dict[str, Any]],
    trust: Trust,
    *,
    run_id: str,
    required: int,
    author: str,
) -> dict[str, FindingTally]:
    """Count each finding's signed decisions under the rule of independent checkers."""
    result = {f: FindingTally(f, required) for f in findings}
    latest: dict[tuple[str, str], tuple[Person, dict[str, Any]]] = {}
    for envelope in decisions:
        body = envelope.get("body") or {}
        target = result.get(str(body.get("finding")))
        if target is None or body.get("kind") != DECISION_KIND:
            continue  # a decision on a finding this run no longer has (values changed)
        person, why = trust.signer(envelope)
        name = (body.get("checker") or {}).get("name", "?")
        if person is None:
            target.ignored.append(f"{name}의 결정은 인정되지 않습니다: {why}")
        elif body.get("run_id") != run_id:
            target.ignored.append(f"{person.label()}의 결정은 다른 실행에 대한 것입니다")
        elif "checker" not in person.roles:
            target.ignored.append(f"{particle(person.label(), '은')} 반출 검토자가 아닙니다")
        elif _is_author(person, author):
            target.ignored.append(
                f"{particle(person.label(), '은')} 이 실행을 만든 사람이라 자기 실행을 승인할 "
                "수 없습니다"
            )
        else:
            key = (target.finding, person.name)
            if key not in latest or str(body["at"]) >= str(latest[key][1]["at"]):
                latest[key] = (person, body)
    for (finding, _), (person, body) in sorted(latest.items()):
        bucket = result[finding].rejections if body["decision"] == "reject" else None
        (bucket if bucket is not None else result[finding].approvals).append((person, body))
    return result
