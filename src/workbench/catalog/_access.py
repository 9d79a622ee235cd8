"""Who may load what: personal datasets need a purpose and a legal basis in ethics.yml.

A dataset marked ``personal`` or ``pseudonymised`` in the catalog loads only when the
project's ethics record, ``ethics.yml``, lists it under ``datasets:`` with a ``purpose``
and a ``legal_basis``. ``public`` and ``internal`` datasets need no entry. A refusal says
exactly what to add, as a YAML snippet to paste.

Only the ``datasets:`` mapping is read here; the ethics checks (``workbench.ethics``)
extend the same file with other sections and other fields per dataset, and both layers
read it independently (neither imports the other). The file is read on every check, so
an edit takes effect on the next load without restarting a kernel.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, ValidationError

from workbench._io import read_yaml
from workbench._korean import josa, validation_problem
from workbench.catalog._messages import message
from workbench.catalog._model import DatasetEntry
from workbench.exceptions import AccessDeniedError

__all__ = ["RESTRICTED", "DatasetRecord", "check_access", "check_grant"]

#: Sensitivities that need an entry in ethics.yml before a dataset loads.
RESTRICTED = ("personal", "pseudonymised")
_SENSITIVITY_KO = {"personal": "개인정보", "pseudonymised": "가명정보"}
_PLACEHOLDER_PURPOSE = "<왜 이 자료가 필요한지>"
_PLACEHOLDER_BASIS = "<법적 근거, 예: 사회보장급여법 제12조>"
# A YAML key that needs no quotes (letters of any script, digits, _ and -).
_PLAIN_KEY = re.compile(r"^[^\W\d][\w-]*$")


class DatasetRecord(BaseModel):
    """What ethics.yml says about one dataset (the fields this layer reads).

    Other fields (allowed use, quasi-identifiers, retention, ...) belong to the ethics
    record's own model and are kept but not interpreted here.
    """

    model_config = ConfigDict(extra="allow")

    purpose: str | None = None
    legal_basis: str | None = None


def _filled(value: str | None) -> bool:
    """Tell whether a field holds real text, not nothing or the snippet's placeholder."""
    text = (value or "").strip()
    return bool(text) and not (text.startswith("<") and text.endswith(">"))


def _quote(value: str) -> str:
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(value, ensure_ascii=False)


def _snippet(name: str, record: DatasetRecord | None) -> str:
    key = name if _PLAIN_KEY.match(name) else _quote(name)
    purpose = record.purpose if record and _filled(record.purpose) else _PLACEHOLDER_PURPOSE
    basis = record.legal_basis if record and _filled(record.legal_basis) else _PLACEHOLDER_BASIS
    return (
        "datasets:\n"
        f"  {key}:\n"
        f"    purpose: {_quote(str(purpose))}\n"
        f"    legal_basis: {_quote(str(basis))}"
    )


def _refuse(entry: DatasetEntry, problem: str, fix: str, record: DatasetRecord | None) -> NoReturn:
    label = _SENSITIVITY_KO.get(entry.sensitivity, entry.sensitivity)
    raise AccessDeniedError(
        message(
            "access_refused",
            name=entry.name,
            name_josa=josa(f"'{entry.name}'", "은/는"),
            label=label,
            sensitivity=entry.sensitivity,
            problem=problem,
            fix=fix,
            snippet=_snippet(entry.name, record),
        )
    )


def _kind(value: object) -> str:
    return {"list": "목록", "str": "텍스트", "int": "숫자", "float": "숫자"}.get(
        type(value).__name__, type(value).__name__
    )


def _read_datasets(path: Path) -> dict[Any, Any]:
    """Return the ``datasets:`` mapping of ethics.yml ({} when the file has none)."""
    data = read_yaml(path, AccessDeniedError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AccessDeniedError(message("record_not_mapping", path=path, kind=_kind(data)))
    datasets = data.get("datasets")
    if datasets is None:
        return {}
    if not isinstance(datasets, dict):
        raise AccessDeniedError(
            message("record_datasets_not_mapping", path=path, kind=_kind(datasets))
        )
    return datasets


def _record(path: Path, name: str, raw: Any) -> DatasetRecord:
    if raw is None:
        return DatasetRecord()
    if not isinstance(raw, dict):
        raise AccessDeniedError(
            message("record_entry_not_mapping", path=path, name=name, value=f"{raw!r}")
        )
    try:
        return DatasetRecord.model_validate(raw)
    except ValidationError as exc:
        lines = [message("record_entry_invalid", path=path, name=name)]
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"])
            lines.append(message("record_field", field=field, error=validation_problem(error)))
        raise AccessDeniedError("\n".join(lines)) from None


def check_access(entry: DatasetEntry, ethics_path: Path, purpose: str | None) -> str | None:
    """Check that a dataset may be loaded; return the purpose to record in the audit log.

    Parameters
    ----------
    entry : DatasetEntry
        The catalog entry (its ``sensitivity`` decides what is needed).
    ethics_path : pathlib.Path
        The project's ethics record, ``ethics.yml`` (it may not exist).
    purpose : str, optional
        The purpose given by the caller of ``load`` (blank counts as none).

    Returns
    -------
    str or None
        ``purpose`` when given; otherwise the purpose registered in ethics.yml (None for
        a dataset that needs no entry and has none). A given purpose that differs from
        the registered one is allowed and is what gets recorded: the audit log keeps
        what the analyst declared for this load, and the registered purpose stays in
        ethics.yml for anyone comparing the two.

    Raises
    ------
    AccessDeniedError
        For a ``personal`` or ``pseudonymised`` dataset that ethics.yml does not list
        with both a purpose and a legal basis (the message shows the YAML to add, the
        dataset, its sensitivity and the file, and says when the file does not exist),
        or when ethics.yml is not valid (naming the file, the line or the dataset).

    Examples
    --------
    >>> from pathlib import Path
    >>> from workbench.catalog._model import DatasetEntry
    >>> open_data = DatasetEntry(
    ...     name="stations", title="정류장", owner="국토교통부", source="s.csv",
    ...     sensitivity="public")
    >>> check_access(open_data, Path("no-such-ethics.yml"), "노선 개편")
    '노선 개편'
    """
    purpose = purpose.strip() if purpose and purpose.strip() else None
    restricted = entry.sensitivity in RESTRICTED
    if not restricted and (purpose is not None or not ethics_path.is_file()):
        return purpose
    if not ethics_path.is_file():
        no_record = message("access_no_record", path=ethics_path)
        _refuse(entry, no_record, message("access_create", path=ethics_path), None)
    datasets = _read_datasets(ethics_path)
    if entry.name not in datasets:
        if not restricted:
            return purpose
        listed = [str(k) for k in datasets]
        close = difflib.get_close_matches(entry.name, listed, n=1)
        if listed:
            have = message("access_lists", names=", ".join(listed))
        else:
            have = message("access_lists_none")
        if close:
            quoted = f"'{close[0]}'"
            have += message(
                "access_close", close=close[0], close_josa=josa(quoted, "은/는"), name=entry.name
            )
        where = message("access_under_datasets") if datasets else ""
        fix = message("access_add", path=ethics_path, where=where)
        problem = message("access_not_listed", path=ethics_path, name=entry.name, have=have)
        _refuse(entry, problem, fix, None)
    record = _record(ethics_path, entry.name, datasets[entry.name])
    if restricted:
        missing = [
            field
            for field, value in (("purpose", record.purpose), ("legal_basis", record.legal_basis))
            if not _filled(value)
        ]
        if missing:
            _refuse(
                entry,
                message(
                    "access_incomplete",
                    path=ethics_path,
                    name=entry.name,
                    fields=" 또는 ".join(missing),
                ),
                message("access_complete", path=ethics_path),
                record,
            )
    if purpose is not None:
        return purpose
    return record.purpose.strip() if record.purpose and _filled(record.purpose) else None


def check_grant(
    entry: DatasetEntry, project: Path, purpose: str | None, columns: Sequence[str] | None
) -> str | None:
    """Return the id of the data-sharing grant that allows this load (None if not needed).

    A grant is needed for a ``personal`` or ``pseudonymised`` dataset once the project
    (or the center's shared catalog folder) has a ``trust.yml``; see
    :mod:`workbench.governance`. ``columns`` None means every column of the dataset.

    Raises
    ------
    workbench.governance.GrantError
        (an :class:`AccessDeniedError`) naming the grant and the condition that failed.
    """
    if entry.sensitivity not in RESTRICTED:
        return None
    from workbench.governance import require_grant

    wanted = list(columns) if columns is not None else (list(entry.columns) or ["*"])
    return require_grant(
        project, dataset=entry.name, agency=entry.owner, purpose=purpose, columns=wanted
    )
