"""Shared fixtures: fixture notebooks, sample files, and a guard that no kernel starts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


@pytest.fixture
def fixture_notebook(tmp_path: Path):
    """Copy a fixture notebook into tmp_path (so tests never touch the originals)."""

    def copy(name: str) -> Path:
        target = tmp_path / f"{name}.ipynb"
        shutil.copy(FIXTURES / f"{name}.ipynb", target)
        return target

    return copy


@pytest.fixture
def kernel_starts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every attempt to launch a kernel process (and refuse it)."""
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    calls: list[object] = []

    async def refuse(self, cmd, **kwargs):  # pragma: no cover - must not run
        calls.append(cmd)
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(LocalProvisioner, "launch_kernel", refuse)
    return calls


@pytest.fixture
def households_csv(tmp_path: Path) -> Path:
    """A small CP949 CSV of sample households, as a public-data portal would publish it."""
    from workbench import samples

    return samples.write("households", tmp_path / "data" / "가구.csv", encoding="cp949", n=300)
