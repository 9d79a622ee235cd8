"""A batch run's manifest: its row and shared inputs are typed fields; old ones still read."""

from __future__ import annotations

import json

from workbench.runner import read_manifest


def old_manifest(**extra) -> dict:
    """A manifest as a batch wrote it before the fields were typed (extras, schema 2)."""
    return {
        "schema_version": 2,
        "status": "succeeded",
        "analysis": {
            "name": "household_income",
            "title": "가구 소득 분석",
            "version": "1.0.0",
            "level": "standard",
            "notebook": "/srv/notebooks/household_income.ipynb",
            "notebook_sha256": "ab" * 32,
        },
        "parameters": {"data_path": "/srv/out/_shared/data_path-0123456789ab.parquet"},
        "inputs": [
            {
                "parameter": "data_path",
                "path": "/srv/out/_shared/data_path-0123456789ab.parquet",
                "sha256": "cd" * 32,
            }
        ],
        "started_at": "2026-12-01T09:00:00.000Z",
        **extra,
    }


def test_an_old_batch_manifest_reads_into_the_typed_fields(tmp_path):
    data = old_manifest(
        batch={"row": 7, "run_id": "41110", "parameters": {"data_path": "/srv/가구.csv"}},
        shared_inputs=[
            {
                "parameter": "data_path",
                "original_path": "/srv/가구.csv",
                "original_sha256": "ef" * 32,
                "path": "/srv/out/_shared/data_path-0123456789ab.parquet",
            }
        ],
    )
    (tmp_path / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    manifest = read_manifest(tmp_path)
    assert manifest.batch is not None
    assert (manifest.batch.row, manifest.batch.run_id) == (7, "41110")
    assert manifest.batch.parameters == {"data_path": "/srv/가구.csv"}
    assert manifest.shared_inputs[0].original_path == "/srv/가구.csv"
    assert manifest.shared_inputs[0].path == manifest.inputs[0].path
    assert not manifest.model_extra  # nothing left untyped


def test_a_single_run_manifest_has_no_batch(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps(old_manifest()), "utf-8")
    manifest = read_manifest(tmp_path)
    assert manifest.batch is None and manifest.shared_inputs == []
