"""Signed sign-off: independent checkers release a held run; the author's own does not count."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from test_grants import granted
from typer.testing import CliRunner

from conftest import write_trust
from workbench.catalog._audit import AuditLog
from workbench.cli import app
from workbench.config import audit_log_path, current_user
from workbench.exceptions import ReleaseBlockedError
from workbench.governance import new_key
from workbench.runner import run_analysis

pytestmark = pytest.mark.kernel

LOADS_PERSONAL = """\
import workbench as wb
df = wb.catalog().load("welfare_recipients", columns=["시군구", "가구원수"])
table = df.head(23).groupby("시군구").size().reset_index(name="가구 수")
wb.publish(table, "recipients_by_region", counts="가구 수")
"""
NO_PERSONAL = """\
import pandas as pd
import workbench as wb
table = pd.DataFrame({"지역": ["종로구", "중구"], "가구 수": [25, 3]})
wb.publish(table, "households_by_region", counts="가구 수")
"""


KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def notebook(project: Path, code: str) -> Path:
    parameters = new_code_cell("threshold = 10  # unused", metadata={"tags": ["parameters"]})
    nb = new_notebook(cells=[parameters, new_code_cell(code)], metadata={"kernelspec": KERNEL})
    nbformat.write(nb, project / "analysis.ipynb")
    return project / "analysis.ipynb"


def held_run(project: Path, code: str, name: str = "r1") -> tuple[Path, list[str]]:
    out = project / "runs" / name
    with pytest.raises(ReleaseBlockedError) as info:
        run_analysis(notebook(project, code), out=out)
    return out, [f.id for f in info.value.findings]


def check(run: Path, *args: str):
    return CliRunner().invoke(app, ["check", str(run), *args])


def manifest(run: Path) -> dict:
    return json.loads((run / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def personal_run(project, trusted, people):
    granted(project, people["steward"], columns=["시군구", "가구원수"])
    return held_run(project, LOADS_PERSONAL)


def test_a_personal_data_run_needs_two_different_checkers(personal_run, people, project):
    run, ids = personal_run
    assert manifest(run)["author"] == current_user() and ids
    approve = ["--reason", "시군구 합계로 공표된 수치", "--sign"]
    first = check(
        run,
        *[a for i in ids for a in ("--approve", i)],
        *approve,
        "--key",
        str(people["checker"].path),
    )
    assert first.exit_code == 1, first.output
    assert "승인 1/2" in first.output and "최검토(통계청)" in first.output
    assert "개인정보 자료를 쓴 실행" in first.output
    assert not (run / "report.html").exists() and not (run / "results").exists()

    # The same checker again is not a second checker.
    again = check(
        run,
        *[a for i in ids for a in ("--approve", i)],
        *approve,
        "--key",
        str(people["checker"].path),
    )
    assert again.exit_code == 1 and "승인 1/2" in again.output

    second = check(
        run,
        *[a for i in ids for a in ("--approve", i)],
        *approve,
        "--key",
        str(people["checker2"].path),
    )
    assert second.exit_code == 0, second.output
    assert (run / "report.html").exists() and (run / "results").is_dir()
    m = manifest(run)
    assert m["status"] == "succeeded"
    signers = {d["body"]["checker"]["name"] for d in m["decisions"]}
    assert signers == {"최검토", "정심사"}
    assert all(d["signature"] and d["body"]["run_id"] == m["run_id"] for d in m["decisions"])
    log = AuditLog(audit_log_path(project))
    decided = [e for e in log.entries() if e.get("event") == "decision"]
    assert [e["decision"]["id"] for e in decided] == [d["id"] for d in m["decisions"]]
    assert log.verify() == len(log.entries())
    # The load the run made names its grant in the same log.
    loads = [e for e in log.entries() if e.get("grant")]
    assert loads and Path(loads[0]["run"]).resolve() == run.resolve()


def test_the_authors_own_approval_does_not_count(personal_run, people, project, tmp_path):
    run, ids = personal_run
    me = new_key("나실행", "통계청", ["checker"], user=current_user(), folder=tmp_path / "me")
    write_trust(project, [c for k, c in people.items() if k != "stranger"] + [me])
    own = check(
        run, "--approve", ids[0], "--reason", "내가 확인함", "--sign", "--key", str(me.path)
    )
    assert own.exit_code == 2, own.output
    assert "자기 실행" in own.output and "나실행(통계청)" in own.output
    assert manifest(run)["decisions"] == [] and manifest(run)["status"] == "blocked"


def test_a_rejection_blocks_whatever_the_approvals(personal_run, people):
    run, ids = personal_run
    every = [a for i in ids for a in ("--approve", i)]
    check(run, *every, "--reason", "확인", "--sign", "--key", str(people["checker"].path))
    rejected = check(
        run,
        *[a for i in ids for a in ("--reject", i)],
        "--reason",
        "3가구 셀은 식별 위험",
        "--key",
        str(people["checker2"].path),
    )
    assert rejected.exit_code == 1
    assert "반려됨 — 정심사(행정안전부): 3가구 셀은 식별 위험" in rejected.output
    assert manifest(run)["status"] == "blocked"


def test_unsigned_approvals_do_not_release_once_trust_yml_exists(project, trusted, people):
    run, ids = held_run(project, NO_PERSONAL)
    unsigned = check(run, "--approve", ids[0], "--reason", "검토함")
    assert unsigned.exit_code == 1 and "서명 없는 승인" in unsigned.output
    # Without personal data one signed approval is enough (thresholds.checkers: 1).
    signed = check(
        run,
        "--approve",
        ids[0],
        "--reason",
        "검토함",
        "--sign",
        "--key",
        str(people["checker"].path),
    )
    assert signed.exit_code == 0, signed.output
    assert manifest(run)["status"] == "succeeded"
    # A steward's key is not a checker's.
    other, other_ids = held_run(project, NO_PERSONAL.replace("25", "26"), "r2")
    by_steward = check(
        other,
        "--approve",
        other_ids[0],
        "--reason",
        "검토함",
        "--sign",
        "--key",
        str(people["steward"].path),
    )
    assert by_steward.exit_code == 2 and "checker 역할이 없어" in by_steward.output
