"""The project's ethics record, ``ethics.yml``: why data is used and under which rules.

One file per project says the purpose and legal basis of the work, which datasets it
uses and how (the catalog refuses personal datasets not listed here), the
quasi-identifiers and sensitive attributes of each, the disclosure thresholds that the
release gate applies, and how long data is kept. Errors name the file and the field.

The catalog reads the same file's ``datasets:`` section on its own (the data and ethics
layers do not import each other); this model is the whole record.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workbench._io import read_yaml
from workbench._korean import validation_problem
from workbench.exceptions import WorkbenchError

__all__ = ["DatasetUse", "EthicsRecord", "EthicsRecordError", "load_ethics_record"]


class EthicsRecordError(WorkbenchError):
    """An ``ethics.yml`` that cannot be read or breaks the model."""


class DatasetUse(BaseModel):
    """How the project may use one dataset."""

    model_config = ConfigDict(extra="forbid")

    purpose: str
    legal_basis: str
    allowed_use: list[str] = []
    quasi_identifiers: list[str] = []
    sensitive: list[str] = []
    retention: date | str | None = None


class Thresholds(BaseModel):
    """Disclosure and re-identification thresholds (ACRO's names and defaults)."""

    model_config = ConfigDict(extra="forbid")

    safe_threshold: int = Field(default=10, ge=1)
    safe_dof_threshold: int = Field(default=10, ge=0)
    safe_nk_n: int = Field(default=2, ge=1)
    safe_nk_k: float = Field(default=0.9, gt=0, le=1)
    safe_pratio_p: float = Field(default=0.1, ge=0)
    zeros_are_disclosive: bool = True
    k_anonymity: int = Field(default=5, ge=1)
    l_diversity: int = Field(default=2, ge=1)
    # Independent signed approvals a held finding needs (workbench.governance), and
    # how many when the run used personal or pseudonymised data.
    checkers: int = Field(default=1, ge=1)
    checkers_personal: int = Field(default=2, ge=1)

    def disclosure(self) -> dict[str, Any]:
        """Return the thresholds that :class:`~workbench.ethics.DisclosureRules` takes."""
        return self.model_dump(
            exclude={"k_anonymity", "l_diversity", "checkers", "checkers_personal"}
        )


class EthicsRecord(BaseModel):
    """The whole ``ethics.yml``."""

    model_config = ConfigDict(extra="forbid")

    project: str = ""
    purpose: str = ""
    legal_basis: str = ""  # e.g. 개인정보 보호법 제28조의2, 통계법 제33조
    controller: str = ""
    datasets: dict[str, DatasetUse] = {}
    thresholds: Thresholds = Field(default_factory=Thresholds)
    retention: date | str | None = None
    reviewed_by: str = ""
    reviewed_on: date | None = None


def load_ethics_record(path: str | os.PathLike[str]) -> EthicsRecord:
    """Read and validate ``ethics.yml``; a missing file is an empty record (defaults).

    Raises
    ------
    EthicsRecordError
        Naming the file and the field (or the line of a YAML syntax error).
    """
    path = Path(path)
    if not path.is_file():
        return EthicsRecord()
    data = read_yaml(path, EthicsRecordError) or {}
    if not isinstance(data, dict):
        raise EthicsRecordError(
            f"{path}: 'purpose:', 'datasets:' 같은 '이름: 값' 항목들이 있어야 합니다. "
            "윤리 기록 형식은 프로젝트 템플릿의 ethics.yml을 보세요."
        )
    try:
        return EthicsRecord.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path}: 윤리 기록의 항목이 맞지 않습니다"]
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]) or "(최상위)"
            lines.append(f"  - 항목 '{field}': {validation_problem(error)}")
        raise EthicsRecordError("\n".join(lines)) from None
