"""The finding: one problem that an ethics check (or a validation) found.

The same object renders in the CLI, the notebook, the manifest and the batch index.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["FINDINGS_MIME", "Finding", "Severity", "findings_from_output"]

#: The MIME type under which a displayed result carries its findings into the notebook,
#: so that the release gate sees them (nbconvert ignores it in the report).
FINDINGS_MIME = "application/vnd.workbench.findings+json"

Severity = Literal["fail", "review", "info"]


@dataclass(frozen=True)
class Finding:
    """One finding.

    Attributes
    ----------
    rule : str
        The rule's id, e.g. ``"pii.resident_id"``, ``"disclosure.threshold"``.
    severity : {"fail", "review", "info"}
        ``fail`` blocks a release until approved; ``review`` asks a person to look.
    location : str
        Where: ``"column 성명"``, ``"table regions, cell (서울특별시, 2024)"``,
        ``"notebook cell 5, output 1"``.
    message : str
        What is wrong and what to do, for a person (never a full identifier).
    count : int
        How many values or cells.
    details : dict
        Machine-readable extras (masked examples, thresholds, values of the statistic).
    """

    rule: str
    severity: Severity
    location: str
    message: str
    count: int = 1
    details: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        """A short stable id for approvals: the same rule at the same place, same id."""
        digest = hashlib.sha256(f"{self.rule}|{self.location}".encode()).hexdigest()
        return f"{self.rule.split('.')[-1]}-{digest[:8]}"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (with the id)."""
        data = asdict(self)
        data["id"] = self.id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Rebuild a finding written by :meth:`to_dict`."""
        fields = {k: data[k] for k in ("rule", "severity", "location", "message") if k in data}
        return cls(**fields, count=int(data.get("count", 1)), details=data.get("details", {}))


def findings_from_output(data: dict[str, Any]) -> list[Finding]:
    """Return the findings that a notebook output's MIME bundle carries (if any)."""
    payload = data.get(FINDINGS_MIME)
    if not isinstance(payload, list):
        return []
    return [Finding.from_dict(item) for item in payload if isinstance(item, dict)]
