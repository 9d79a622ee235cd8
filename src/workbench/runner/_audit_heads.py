"""Tie runs to the access audit log, so that a log rewritten whole is caught.

The log's hash chain catches an entry altered, inserted or removed, but not a log
rewritten from some entry on with every hash recomputed. Each run's manifest therefore
records the log's head (the last entry's ``seq`` and ``hash``) when the run ends; a
rewrite of any entry up to that one changes the hash there, and
``workbench audit verify --runs DIR`` finds the runs whose recorded head the log no
longer has.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from workbench.runner._rundir import MANIFEST

__all__ = ["audit_head", "check_runs"]


def audit_head() -> dict[str, Any] | None:
    """Return ``{"log", "seq", "hash"}`` of the current project's audit log, if it has one."""
    from workbench.catalog import AuditLog
    from workbench.config import audit_log_path

    log = AuditLog(audit_log_path())
    try:
        head = log.head() if log.path.is_file() else None
    except OSError:  # an unreadable log is for `audit verify` to report, not for a run
        return None
    return {"log": str(log.path.resolve()), **head} if head else None


def _manifests(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    found: set[Path] = set()
    for path in map(Path, paths):
        found |= {path} if path.is_file() else set(path.rglob(MANIFEST))
    return sorted(found)


def check_runs(log_path: Path, paths: Iterable[str | os.PathLike[str]]) -> tuple[int, list[str]]:
    """Check the audit heads recorded by runs under ``paths`` against the log.

    Returns
    -------
    (int, list of str)
        How many runs recorded a head of this log, and one problem per run whose head
        the log no longer has (naming the run's manifest).
    """
    from workbench.catalog import AuditLog

    target = log_path.resolve()
    by_seq: dict[int, str] | None = None
    checked, problems = 0, []
    for manifest in _manifests(paths):
        try:
            head = json.loads(manifest.read_text(encoding="utf-8")).get("audit_head")
        except (OSError, ValueError):
            continue
        if not isinstance(head, dict) or Path(str(head.get("log"))) != target:
            continue
        if by_seq is None:
            by_seq = {e["seq"]: e["hash"] for e in AuditLog(target).entries()}
        checked += 1
        seq, recorded = head.get("seq"), head.get("hash")
        if not isinstance(seq, int) or by_seq.get(seq) != recorded:
            now = by_seq.get(seq) if isinstance(seq, int) else None
            problems.append(
                f"{manifest}: the run saw entry {seq} with hash {str(recorded)[:12]}…, but the "
                + ("log no longer has that entry" if now is None else f"log has {now[:12]}…")
                + " (the log was rewritten after this run)"
            )
    return checked, problems
