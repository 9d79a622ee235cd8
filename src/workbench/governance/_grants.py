"""Data-sharing grants: a project asks, the holding agency's steward signs, a load checks.

``workbench catalog request`` writes a request (dataset, owning agency, this project,
purpose, legal basis, columns, end date). The steward of the agency that holds the data
reviews it and signs a *grant* with ``workbench catalog grant`` — possibly narrowing the
columns or the period — or a signed *refusal* with its reason, kept for the committee's
mediation. The project keeps signed grants in its ``grants/`` folder.

When governance is in effect (a ``trust.yml``, see :mod:`._trust`), loading a personal
or pseudonymised dataset needs a grant that is signed by a key in trust.yml, by a
steward of the dataset's owning agency, for this project, this dataset and this purpose,
not expired, covering the columns read. The refusal names the grant and the condition
that failed, and says what to do.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workbench._io import read_yaml, write_atomically
from workbench.governance._errors import GovernanceError, GrantError
from workbench.governance._keys import KeyCard
from workbench.governance._korean import particle
from workbench.governance._signing import digest, sign
from workbench.governance._trust import Trust, load_trust

__all__ = [
    "GRANTS_DIR",
    "find_grant",
    "project_name",
    "require_grant",
    "short_id",
    "sign_grant",
    "write_request",
]

GRANTS_DIR = "grants"
REQUEST_KIND = "workbench.grant-request"
GRANT_KIND = "workbench.grant"


def short_id(grant_id: str) -> str:
    """Return how messages name a grant: ``grant-`` and the first 12 digits of its id."""
    return f"grant-{grant_id[:12]}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def project_name(project: Path) -> str:
    """Return the project's name: ``project:`` of its ethics.yml, else its folder's name."""
    path = Path(project) / "ethics.yml"
    data = read_yaml(path, GovernanceError) if path.is_file() else None
    name = str(data.get("project") or "").strip() if isinstance(data, dict) else ""
    return name or Path(project).resolve().name


def _day(value: str | date | None, what: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise GovernanceError(
            f"{what} {particle(repr(str(value)), '은')} 날짜가 아닙니다: 2027-06-30처럼 적으세요."
        ) from None


def write_request(
    project: Path,
    dataset: str,
    agency: str,
    sensitivity: str,
    purpose: str,
    legal_basis: str,
    *,
    columns: Sequence[str] | None = None,
    until: str | date | None = None,
    requested_by: str = "",
    out: Path | None = None,
) -> Path:
    """Write a grant request for ``dataset`` and return its path (for the steward)."""
    if not purpose.strip() or not legal_basis.strip():
        raise GovernanceError(
            "요청서에는 --purpose(쓰는 목적)와 --legal-basis(법적 근거)가 모두 있어야 합니다."
        )
    body = {
        "kind": REQUEST_KIND,
        "project": project_name(project),
        "dataset": dataset,
        "agency": agency,
        "sensitivity": sensitivity,
        "purpose": purpose.strip(),
        "legal_basis": legal_basis.strip(),
        "columns": sorted(set(columns)) if columns else None,
        "until": _day(until, "--until"),
        "requested_by": requested_by,
        "requested_at": _now(),
    }
    path = out or Path(project) / GRANTS_DIR / f"{dataset}.request.json"
    if path.exists():
        raise GovernanceError(
            f"{particle(path, '이')} 이미 있습니다: --out으로 다른 파일을 주세요."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"request": body, "id": digest(body)}
    write_atomically(path, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode())
    return path


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GovernanceError(f"{particle(path, '을')} 읽을 수 없습니다: {exc}") from None
    if not isinstance(data, dict):
        raise GovernanceError(f"{path}: 요청서나 허가 파일이 아닙니다.")
    return data


def sign_grant(
    request_path: Path,
    private: Ed25519PrivateKey,
    card: KeyCard,
    *,
    columns: Sequence[str] | None = None,
    until: str | date | None = None,
    refuse: str | None = None,
    out: Path | None = None,
) -> Path:
    """Sign a grant (or, with ``refuse``, a refusal) for a request; return its path.

    ``columns`` and ``until`` may only narrow what was asked.
    """
    document = _read_json(request_path)
    request = document.get("request")
    if not isinstance(request, dict) or request.get("kind") != REQUEST_KIND:
        raise GovernanceError(f"{particle(request_path, '은')} 자료 이용 요청서가 아닙니다.")
    if "steward" not in card.roles:
        raise GovernanceError(
            f"{card.name}의 키({card.key_id})에는 steward 역할이 없어 허가에 서명할 수 없습니다."
        )
    if card.agency != request["agency"]:
        raise GovernanceError(
            f"자료 {particle(request['dataset'], '은')} {request['agency']} 보유 자료입니다: "
            f"{card.agency} 소속 {particle(card.name, '은')} 허가할 수 없습니다. "
            f"{request['agency']}의 자료 관리자에게 보내세요."
        )
    asked = request.get("columns")
    granted = sorted(set(columns)) if columns else asked
    if asked and granted and set(granted) - set(asked):
        extra = ", ".join(sorted(set(granted) - set(asked)))
        raise GovernanceError(f"요청하지 않은 열({extra})은 허가할 수 없습니다: 좁히기만 됩니다.")
    end = _day(until, "--until") or request.get("until")
    if request.get("until") and end and end > request["until"]:
        raise GovernanceError(f"허가 기간은 요청한 {request['until']}보다 길 수 없습니다.")
    if end is None and not refuse:
        raise GovernanceError("허가 기간이 없습니다: --until 2027-06-30처럼 끝나는 날을 주세요.")
    body = {
        "kind": GRANT_KIND,
        "request": request,
        "request_id": digest(request),
        "decision": "refused" if refuse else "granted",
        "reason": (refuse or "").strip(),
        "columns": granted,
        "until": end,
        "steward": {"name": card.name, "agency": card.agency, "key_id": card.key_id},
        "signed_at": _now(),
    }
    envelope = sign(private, body)
    stem = Path(request_path).name.removesuffix(".request.json").removesuffix(".json")
    suffix = "refusal" if refuse else "grant"
    path = out or Path(request_path).with_name(f"{stem}.{envelope['id'][:12]}.{suffix}.json")
    write_atomically(path, (json.dumps(envelope, ensure_ascii=False, indent=2) + "\n").encode())
    return path


def _grants(project: Path) -> list[tuple[Path, dict[str, Any]]]:
    folder = Path(project) / GRANTS_DIR
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        body = data.get("body") if isinstance(data, dict) else None
        if isinstance(body, dict) and body.get("kind") == GRANT_KIND:
            found.append((path, data))
    return found


def find_grant(project: Path, grant_id: str) -> dict[str, Any] | None:
    """Return the signed grant with this id from the project's grants/ folder."""
    return next((g for _, g in _grants(project) if g.get("id") == grant_id), None)


def _problem(
    envelope: dict[str, Any],
    trust: Trust,
    want: dict[str, Any],
    columns: Sequence[str],
) -> tuple[int, str, str, str] | None:
    """Return (how far it got, condition, problem, fix) for a grant that does not serve."""
    body = envelope["body"]
    request = body.get("request", {})
    person, why = trust.signer(envelope)
    if person is None:
        fix = "서명한 관리자의 공개 키를 trust.yml에 올리거나 허가 파일을 다시 받으세요"
        return 0, "untrusted" if "신뢰 목록" in str(why) else "signature", str(why), fix
    signer, agency = particle(person.label(), "은"), want["agency"]
    ask_steward = f"{agency}의 자료 관리자에게 서명받으세요"
    if "steward" not in person.roles:
        return 1, "role", f"서명한 {signer} 자료 관리자(steward)가 아닙니다", ask_steward
    if person.agency != agency:
        problem = f"서명한 {signer} 자료 보유 기관 {agency}의 관리자가 아닙니다"
        return 2, "agency", problem, ask_steward
    if request.get("dataset") != want["dataset"]:
        return -1, "dataset", "다른 자료의 허가입니다", "이 자료의 허가를 요청하세요"
    if body.get("decision") != "granted":
        reason = body.get("reason") or "없음"
        problem = f"{particle(person.label(), '이')} 거절했습니다(사유: {reason})"
        fix = "거절 파일을 첨부해 위원회에 조정을 신청하거나, 요청을 고쳐 다시 보내세요"
        return 3, "refused", problem, fix
    if request.get("project") != want["project"]:
        problem = f"프로젝트 '{request.get('project')}'에 준 허가입니다"
        problem += f"(이 프로젝트: '{want['project']}')"
        return 4, "project", problem, "이 프로젝트 이름으로 다시 요청하세요(ethics.yml의 project:)"
    if request.get("purpose") != want["purpose"]:
        problem = f"허가된 목적은 '{request.get('purpose')}', 이번 목적은 '{want['purpose']}'입니다"
        fix = "ethics.yml의 목적을 허가된 목적과 같게 하거나, 새 목적으로 다시 요청하세요"
        return 5, "purpose", problem, fix
    if not body.get("until") or str(body["until"]) < want["today"]:
        problem = f"허가 기간이 {body.get('until')}에 끝났습니다"
        return 6, "expired", problem, "기간을 늘려 다시 요청하세요"
    allowed = body.get("columns")
    outside = sorted(set(columns) - set(allowed)) if allowed else []
    if outside:
        what = "모든 열" if "*" in outside else f"허가되지 않은 열({', '.join(outside)})"
        listed = ", ".join(repr(c) for c in allowed)
        fix = f"columns=[{listed}]처럼 허가된 열만 읽거나 열을 더 요청하세요"
        return 7, "columns", f"{what}을 읽으려 합니다", fix
    return None


def require_grant(
    project: Path,
    *,
    dataset: str,
    agency: str,
    purpose: str | None,
    columns: Sequence[str],
    today: date | None = None,
) -> str | None:
    """Return the id of a valid grant for this load; None when no trust.yml is in effect.

    ``columns`` are the columns read (all of the dataset's when none were asked).

    Raises
    ------
    GrantError
        Naming the grant (the one that came closest), the condition that failed and the
        fix; or, with no grant at all, how to request one.
    """
    trust = load_trust(project)
    if not trust.in_effect:
        return None
    want = {
        "dataset": dataset,
        "agency": agency,
        "project": project_name(project),
        "purpose": (purpose or "").strip(),
        "today": (today or datetime.now(UTC).date()).isoformat(),
    }
    best: tuple[int, str, str, str, str] | None = None
    for _, envelope in _grants(project):
        problem = _problem(envelope, trust, want, columns)
        if problem is None:
            return str(envelope["id"])
        if best is None or problem[0] > best[0]:
            best = (*problem, str(envelope.get("id", "")))
    lead = f"자료 {particle(dataset, '을')} 불러올 수 없습니다"
    if best is None or best[0] < 0:
        raise GrantError(
            f"{lead}: {agency}의 자료 이용 허가가 {Path(project) / GRANTS_DIR}에 없습니다. "
            f'`workbench catalog request {dataset} --purpose "{want["purpose"] or "목적"}" '
            '--legal-basis "근거"`로 요청서를 만들어 자료 관리자에게 보내고, 서명된 허가 '
            f"파일을 {GRANTS_DIR}/에 두세요.",
            dataset=dataset,
            condition="missing",
        )
    _, condition, problem_text, fix, grant_id = best
    name = short_id(grant_id)
    raise GrantError(
        f"{lead}: 허가 {name}의 조건이 맞지 않습니다 — {problem_text}. {fix}.",
        dataset=dataset,
        condition=condition,
        grant=name,
    )
