"""The finding: one problem that an ethics check (or a validation) found.

The same object renders in the CLI, the notebook, the manifest, the app and the batch
index. Where it is (:class:`Location`) is data, not a sentence: every renderer asks it for
its Korean label, and nothing parses a location or a message back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

__all__ = [
    "FIGURE_MIME",
    "FINDINGS_MIME",
    "MODEL_ATTR",
    "MODEL_MIME",
    "OWN_MIMES",
    "Finding",
    "Location",
    "Severity",
    "findings_from_output",
]

#: The MIME type under which a displayed result carries its findings into the notebook,
#: so that the release gate sees them (nbconvert ignores it in the report).
FINDINGS_MIME = "application/vnd.workbench.findings+json"
#: The MIME type under which a displayed (or saved) matplotlib figure carries the texts
#: drawn in it (titles, labels, ticks, legends, annotations), for the gate to scan.
FIGURE_MIME = "application/vnd.workbench.figure-text+json"
#: The MIME type under which a displayed model (or table derived from one) carries its
#: record: residual degrees of freedom and a keyed digest of its coefficients.
MODEL_MIME = "application/vnd.workbench.model+json"
#: The ``DataFrame.attrs`` key (and ``published.json`` field) that marks a table derived
#: from a fitted model: ``{"name", "dof", "digest"}`` (see ``wb.ethics.model_record``).
MODEL_ATTR = "workbench_model"
#: The MIME types workbench itself adds to outputs (not scanned as text of the output).
OWN_MIMES = frozenset({FINDINGS_MIME, FIGURE_MIME, MODEL_MIME})

Severity = Literal["fail", "review", "info"]
LocationKind = Literal[
    "column",  # a column of a table (published, in a file, or displayed)
    "cell",  # one cell of a table: row and column labels
    "table",  # a table as a whole
    "output",  # a notebook output as a whole (its text)
    "figure",  # the text drawn in a figure (displayed, or saved as a file)
    "file",  # a file as a whole
    "parameter",  # a run parameter's value
    "model",  # a fitted model (regression)
    "quasi_identifiers",  # the quasi-identifier columns of a re-identification check
    "source",  # what a notebook cell says itself (its code or markdown)
    "text",  # a place recorded as text by an older workbench (kept, never parsed)
]


@dataclass(frozen=True)
class Location:
    """Where a finding is, as fields.

    Only the fields that apply are set. ``kind`` says what the finding is about; the
    other fields say what holds it (a file, a sheet, a table, a notebook output) and,
    inside, which column, cell or row.

    Examples
    --------
    >>> Location("column", file="results/sub/x.parquet", column="성명").label()
    "파일 results/sub/x.parquet, 열 '성명'"
    >>> str(Location("cell", table="지역별", row="중구", column="가구 수"))
    "표 '지역별', 칸 (중구, 가구 수)"
    >>> Location("figure", cell_number=3, output_number=1).label()
    '노트북 셀 3의 출력 1, 그림 속 글자'
    """

    kind: LocationKind
    file: str | None = None
    sheet: str | None = None
    table: str | None = None
    cell_number: int | None = None
    output_number: int | None = None
    model: str | None = None
    parameter: str | None = None
    row: str | None = None
    column: str | None = None
    columns: tuple[str, ...] | None = None
    line: int | None = None
    text: str | None = None

    def label(self) -> str:
        """Say in Korean where this is, from the outside in."""
        parts = []
        if self.text is not None:
            parts.append(self.text)
        if self.file is not None:
            where = f"파일 {self.file}"
            if self.line is not None:
                where += f" {self.line}번째 줄"
            if self.table is not None:
                where = f"결과 표 '{self.table}'({self.file})"
            parts.append(where)
        if self.sheet is not None:
            parts.append(f"시트 '{self.sheet}'")
        if self.cell_number is not None:
            shown = f"노트북 셀 {self.cell_number}"
            if self.output_number is not None:
                shown += f"의 출력 {self.output_number}"
            elif self.kind in ("output", "source"):
                shown += "의 출력" if self.kind == "output" else "의 내용"
            parts.append(shown)
        if self.table is not None and self.file is None:
            parts.append(f"표 '{self.table}'")
        if self.model is not None:
            parts.append(f"회귀모형 '{self.model}'")
        if self.parameter is not None:
            parts.append(f"매개변수 '{self.parameter}'")
        inner = {
            "column": f"열 '{self.column}'",
            "cell": f"칸 ({self.row}, {self.column})",
            "figure": "그림 속 글자",
            "quasi_identifiers": f"준식별자 열 ({', '.join(self.columns or ())})",
        }
        if self.kind in inner:
            parts.append(inner[self.kind])
        elif self.kind == "output" and self.cell_number is None and not parts:
            parts.append("노트북 출력")
        return ", ".join(parts) or "실행 전체"

    __str__ = label

    def to_dict(self) -> dict[str, Any]:
        """Return the fields that are set (JSON-ready)."""
        data = {k: v for k, v in asdict(self).items() if v is not None}
        if self.columns is not None:
            data["columns"] = list(self.columns)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | str | Location) -> Location:
        """Rebuild a location written by :meth:`to_dict` (or kept as text by old runs)."""
        if isinstance(data, Location):
            return data
        if isinstance(data, str):
            return cls("text", text=data)
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("columns") is not None:
            values["columns"] = tuple(values["columns"])
        values.setdefault("kind", "text")
        return cls(**values)

    def within(self, **where: Any) -> Location:
        """Return this location placed inside a container (a file, table, output...)."""
        return replace(self, **{k: v for k, v in where.items() if getattr(self, k) is None})


@dataclass(frozen=True)
class Finding:
    """One finding.

    Attributes
    ----------
    rule : str
        The rule's id, e.g. ``"pii.resident_id"``, ``"disclosure.threshold"``.
    severity : {"fail", "review", "info"}
        ``fail`` blocks a release until approved; ``review`` asks a person to look.
    location : Location
        Where, as fields (render it with ``str()`` or :meth:`Location.label`).
    message : str
        What is wrong and what to do, for a person (never a full identifier).
    count : int
        How many values or cells.
    details : dict
        Machine-readable extras (masked examples, thresholds, values of the statistic).
    digest : str or None
        A keyed digest of the values the rule matched
        (:func:`workbench.ethics._digest.value_digest`); the values are never kept.
    """

    rule: str
    severity: Severity
    location: Location
    message: str
    count: int = 1
    details: dict[str, Any] = field(default_factory=dict, compare=False)
    digest: str | None = None

    @property
    def place(self) -> str:
        """The rule and the location as one key: the same place, whatever the values."""
        return json.dumps(
            {"rule": self.rule, "location": self.location.to_dict()},
            ensure_ascii=False,
            sort_keys=True,
        )

    @property
    def id(self) -> str:
        """A short id for approvals: same place and same values, same id.

        The same place with different values (another run's data) gets another id, so an
        approval never silently releases data nobody looked at.
        """
        source = f"{self.place}|{self.digest or ''}"
        digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
        return f"{self.rule.split('.')[-1]}-{digest[:8]}"

    def within(self, **where: Any) -> Finding:
        """Return this finding placed inside a container (see :meth:`Location.within`)."""
        return replace(self, location=self.location.within(**where))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (with the id)."""
        data = asdict(self)
        data["location"] = self.location.to_dict()
        data["id"] = self.id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Rebuild a finding written by :meth:`to_dict`."""
        return cls(
            rule=str(data["rule"]),
            severity=data["severity"],
            location=Location.from_dict(data.get("location") or {}),
            message=str(data.get("message", "")),
            count=int(data.get("count", 1)),
            details=dict(data.get("details") or {}),
            digest=data.get("digest"),
        )


def findings_from_output(data: dict[str, Any]) -> list[Finding]:
    """Return the findings that a notebook output's MIME bundle carries (if any)."""
    payload = data.get(FINDINGS_MIME)
    if not isinstance(payload, list):
        return []
    return [Finding.from_dict(item) for item in payload if isinstance(item, dict)]
