"""Standard analyses run on catalog datasets, by name."""

import json

import pytest

from workbench.catalog import open_catalog
from workbench.catalog._audit import AuditLog
from workbench.exceptions import ParameterError
from workbench.runner import rerun, run_analysis

ETHICS = """\
datasets:
  households:
    purpose: 가구 소득 분석 교육
    legal_basis: 통계법 제33조
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder: the bundled sample catalog is the catalog."""
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.kernel
def test_run_on_a_catalog_dataset_records_name_and_hash(project):
    result = run_analysis("profile", {"data_path": "catalog:population"}, out=project / "run")
    manifest = json.loads((result.run_dir / "manifest.json").read_text(encoding="utf-8"))
    (record,) = manifest["inputs"]
    assert record["path"] == "catalog:population"
    assert record["sha256"] == open_catalog().fingerprint("population")
    assert "법정동코드" in (result.run_dir / "results" / "columns.csv").read_text(
        encoding="utf-8-sig"
    )

    again = rerun(result.run_dir / "manifest.json", verify=True, out=project / "again")
    assert again.identical, again.differences


def test_personal_dataset_without_ethics_entry_is_refused_before_the_kernel(project, kernel_starts):
    with pytest.raises(ParameterError) as info:
        run_analysis("profile", {"data_path": "households"}, out=project / "run")
    message = str(info.value)
    assert "data_path" in message and "ethics.yml" in message and "legal_basis" in message
    assert kernel_starts == []
    assert not (project / "run").exists()


@pytest.mark.kernel
def test_listed_personal_dataset_runs_and_leaves_an_audit_entry(project):
    (project / "ethics.yml").write_text(ETHICS, encoding="utf-8")
    result = run_analysis("household_income", {"data_path": "households"}, out=project / "run")
    assert result.manifest.inputs[0].path == "catalog:households"
    log = AuditLog(project / ".workbench" / "audit.jsonl")
    assert log.verify() >= 1
    entry = log.entries()[-1]
    assert entry["dataset"] == "households"
    assert entry["purpose"] == "가구 소득 분석 교육"
    assert entry["rows"] > 0
