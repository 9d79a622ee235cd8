"""Data-sharing grants: a personal dataset loads only with a valid, signed grant."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BASIS, PURPOSE, write_trust
from korean_check import assert_korean
from workbench.catalog import open_catalog
from workbench.catalog._audit import AuditLog
from workbench.cli import app
from workbench.config import audit_log_path
from workbench.governance import GovernanceError, GrantError, load_key, sign_grant, write_request
from workbench.governance._signing import sign

FUTURE = (date.today() + timedelta(days=180)).isoformat()
PAST = (date.today() - timedelta(days=1)).isoformat()


def request(project: Path, **kw) -> Path:
    options = {"purpose": PURPOSE, "legal_basis": BASIS, "until": FUTURE} | kw
    purpose, basis = options.pop("purpose"), options.pop("legal_basis")
    return write_request(
        project, "welfare_recipients", "보건복지부", "personal", purpose, basis, **options
    )


def granted(project: Path, card, *, req: Path | None = None, **kw) -> Path:
    """Sign a grant for ``req`` with ``card``'s key and keep it in the project's grants/."""
    private, loaded = load_key(card.path)
    path = sign_grant(req or request(project), private, loaded, **kw)
    assert path.parent == project / "grants"
    return path


def refused(**load) -> GrantError:
    with pytest.raises(GrantError) as caught:
        open_catalog().load("welfare_recipients", **load)
    return caught.value


def test_without_a_grant_the_load_is_refused_and_says_how_to_ask(project, trusted):
    error = refused()
    assert error.condition == "missing" and error.dataset == "welfare_recipients"
    assert "workbench catalog request welfare_recipients" in str(error)
    assert "보건복지부" in str(error) and "불러올 수 없습니다" in str(error)


def test_the_cli_request_and_grant_let_the_load_through_and_the_audit_names_it(
    project, trusted, people
):
    runner = CliRunner()
    asked = runner.invoke(
        app,
        [
            "catalog",
            "request",
            "welfare_recipients",
            "--purpose",
            PURPOSE,
            "--legal-basis",
            BASIS,
            "--until",
            FUTURE,
        ],
    )
    assert asked.exit_code == 0, asked.output
    req = project / "grants" / "welfare_recipients.request.json"
    body = json.loads(req.read_text(encoding="utf-8"))["request"]
    assert body["project"] == "복지사각지대-2026" and body["agency"] == "보건복지부"

    command = ["catalog", "grant", str(req), "--key", str(people["steward"].path)]
    declined = runner.invoke(app, command, input="n\n")
    assert declined.exit_code == 1 and "서명하지 않았습니다" in declined.output
    assert "복지 사각지대 가구 발굴" in declined.output and "사회보장급여법" in declined.output
    assert not list((project / "grants").glob("*.grant.json"))
    signed = runner.invoke(app, command, input="y\n")
    assert signed.exit_code == 0, signed.output
    assert "허가에 서명했습니다" in signed.output and "박민지" in signed.output
    grant = json.loads(next((project / "grants").glob("*.grant.json")).read_text("utf-8"))

    frame = open_catalog().load("welfare_recipients")
    assert len(frame) == 30 and frame["월소득"].iloc[0] == 1_200_000
    entry = AuditLog(audit_log_path(project)).entries()[-1]
    assert entry["grant"] == grant["id"] and entry["dataset"] == "welfare_recipients"
    assert AuditLog(audit_log_path(project)).verify() == 1


def test_an_expired_grant_is_refused(project, trusted, people):
    granted(project, people["steward"], req=request(project, until=PAST))
    error = refused()
    assert error.condition == "expired" and error.grant and error.grant.startswith("grant-")
    assert PAST in str(error) and "기간" in str(error)


def test_a_grant_for_another_project_is_refused(project, trusted, people):
    req = request(project)
    ethics = project / "ethics.yml"
    ethics.write_text(ethics.read_text("utf-8").replace("복지사각지대-2026", "다른사업"), "utf-8")
    granted(project, people["steward"], req=req)
    error = refused()
    assert error.condition == "project" and "복지사각지대-2026" in str(error)
    assert "다른사업" in str(error)


def test_a_grant_for_another_purpose_is_refused(project, trusted, people):
    granted(project, people["steward"], req=request(project, purpose="노인 돌봄 수요 추정"))
    error = refused()
    assert error.condition == "purpose" and "노인 돌봄 수요 추정" in str(error)
    # The same grant serves a load that declares its purpose.
    frame = open_catalog().load("welfare_recipients", purpose="노인 돌봄 수요 추정")
    assert len(frame) == 30


def test_a_grant_signed_by_a_key_not_in_trust_yml_is_refused(project, trusted, people):
    granted(project, people["stranger"])  # a steward of the right agency, but not trusted
    error = refused()
    assert error.condition == "untrusted" and "trust.yml" in str(error)


def test_a_grant_by_a_steward_of_another_agency_is_refused(project, trusted, people):
    private, card = load_key(people["other_steward"].path)
    req = request(project)
    with pytest.raises(GovernanceError, match="보건복지부 보유 자료"):
        sign_grant(req, private, card)
    # Made by hand with the other agency's (trusted) key, it still does not serve.
    grant = json.loads(granted(project, people["steward"], req=req).read_text("utf-8"))
    forged = sign(private, grant["body"])
    (project / "grants" / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    (project / "grants" / f"welfare_recipients.{grant['id'][:12]}.grant.json").unlink()
    error = refused()
    assert error.condition == "agency" and "이도윤(국토교통부)" in str(error)


def test_a_tampered_grant_is_refused(project, trusted, people):
    path = granted(project, people["steward"], columns=["시군구", "가구원수"])
    grant = json.loads(path.read_text("utf-8"))
    grant["body"]["columns"] = None  # widen it by hand
    path.write_text(json.dumps(grant, ensure_ascii=False), encoding="utf-8")
    assert refused().condition == "signature"


def test_a_narrowed_grant_covers_only_its_columns(project, trusted, people):
    granted(project, people["steward"], columns=["시군구", "가구원수"])
    error = refused()
    assert error.condition == "columns" and "가구ID" in str(error) and "월소득" in str(error)
    frame = open_catalog().load("welfare_recipients", columns=["시군구", "가구원수"])
    assert list(frame.columns) == ["시군구", "가구원수"]


def test_a_refusal_is_kept_with_its_reason(project, trusted, people):
    granted(project, people["steward"], refuse="소득 열은 제공할 수 없음")
    error = refused()
    assert error.condition == "refused" and "소득 열은 제공할 수 없음" in str(error)
    assert "위원회" in str(error)


def test_without_trust_yml_the_ethics_record_alone_still_decides(project):
    assert len(open_catalog().load("welfare_recipients")) == 30


def test_keys_new_keeps_the_private_key_private_and_out_of_projects(project, tmp_path):
    outside = CliRunner().invoke(
        app, ["keys", "new", "--name", "김철수", "--agency", "보건복지부", "--role", "steward"]
    )
    assert outside.exit_code == 0, outside.output
    pem = next(Path(os.environ["WORKBENCH_KEYS_DIR"]).glob("*.pem"))
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    assert "public_key" in outside.output and "김철수" in outside.output

    inside = CliRunner().invoke(
        app,
        ["keys", "new", "--name", "김철수", "--agency", "보건복지부", "--role", "steward"],
        env={"WORKBENCH_KEYS_DIR": str(project / "keys")},
    )
    assert inside.exit_code == 2 and "프로젝트" in inside.output
    assert not (project / "keys").exists()


def test_an_encrypted_key_needs_its_passphrase(project, tmp_path):
    from workbench.governance import new_key

    card = new_key("김철수", "보건복지부", ["steward"], passphrase="암호1", folder=tmp_path / "k")
    with pytest.raises(GovernanceError, match="암호"):
        load_key(card.path, "틀림")
    assert load_key(card.path, "암호1")[1].name == "김철수"


def test_the_centers_shared_trust_yml_applies(project, people, tmp_path, monkeypatch):
    center = tmp_path / "center"
    center.mkdir()
    write_trust(center, [people["steward"]])
    (center / "catalog.yml").write_text("datasets: {}\n", encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CATALOG_PATH", str(center / "catalog.yml"))
    assert refused().condition == "missing"
    granted(project, people["steward"])
    assert len(open_catalog().load("welfare_recipients")) == 30


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("not-a-key", "base64로 적힌 공개 키가 아닙니다"),
        ("AAAAAAA=", "Ed25519 공개 키는 32바이트인데 이 값은 5바이트입니다"),
    ],
)
def test_a_broken_trust_yml_is_named_with_the_entry_and_the_fix(project, people, key, says):
    (project / "trust.yml").write_text(
        "people:\n  - name: 박민지\n    agency: 보건복지부\n    roles: [steward]\n"
        f"    public_key: {key}\n",
        encoding="utf-8",
    )
    with pytest.raises(GovernanceError) as caught:
        open_catalog().load("welfare_recipients")
    message = str(caught.value)
    assert "trust.yml의 people 1번째 항목(박민지)" in message
    assert says in message
    assert "workbench keys new" in message
    assert_korean(message, str(project), "Ed25519")
