"""The access audit log: one JSON line per load of a non-public dataset, hash-chained.

Each entry carries ``seq`` (1, 2, ...), ``time`` (UTC), ``user``, ``dataset``,
``purpose``, ``columns``, ``rows``, ``sha256`` (of the data loaded), ``prev`` (the
previous entry's ``hash``, 64 zeros for the first) and ``hash`` (the sha256 of the
entry's canonical JSON without ``hash``). Editing, removing, inserting or reordering an
entry therefore breaks the chain, and :meth:`AuditLog.verify` names the first break.

A chain cannot show that entries were cut from its *end*, so a small head record next to
the log (``audit.jsonl.head``: the last ``seq`` and ``hash``, replaced atomically on each
append) keeps the tail honest. Someone who rewrites the log, recomputes every hash and
updates the head defeats any local check; the log makes tampering evident, not
impossible. Copy both files when handing a log to an auditor.

Appends from many processes (the batch runner runs many kernels) are serialised by an
exclusive ``flock`` on the log and fsync'd before the lock is released. POSIX only.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench._io import atomic_path
from workbench.catalog._messages import message
from workbench.exceptions import AuditError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GENESIS", "AuditLog", "entry_hash", "frame_sha256"]

_TAIL_CHUNK = 64 * 1024
#: The ``prev`` of the first entry.
GENESIS = "0" * 64
# What each field holds (a bool is refused where an int is expected).
_FIELDS = {"seq": int, "time": str, "user": str, "dataset": str, "purpose": str}
_FIELDS |= {"columns": list, "rows": int, "sha256": str, "prev": str, "hash": str}
Item = tuple[int, "dict[str, Any] | Problem"]  # (line number, entry or what is wrong with it)


def frame_sha256(df: pd.DataFrame) -> str:
    """Return a sha256 of a frame's content: column names, dtypes and values, in order.

    The same data gives the same digest in every process (no randomised ``hash``); the
    index is ignored. Text columns are hashed from their UTF-8 bytes through Arrow (about
    15x faster than ``pandas.util.hash_pandas_object`` on a column of distinct strings),
    other columns with ``hash_pandas_object``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"시도": ["서울", "부산"], "n": [1, 2]})
    >>> frame_sha256(a) == frame_sha256(a.copy())
    True
    >>> frame_sha256(a) == frame_sha256(a.rename(columns={"n": "m"}))
    False
    """
    import pandas as pd

    digest = hashlib.sha256()
    header = [[str(name), str(dtype)] for name, dtype in df.dtypes.items()]
    digest.update(json.dumps([header, len(df)], ensure_ascii=False).encode("utf-8"))
    for _, column in df.items():
        text = _text_parts(column)
        if text is None:
            digest.update(b"H")
            try:
                rows = pd.util.hash_pandas_object(column, index=False)
            except (TypeError, ValueError):  # unhashable values (lists, dicts): by repr()
                rows = pd.util.hash_pandas_object(column.map(repr), index=False)
            digest.update(rows.to_numpy().astype("<u8").tobytes())
        else:
            digest.update(b"S")
            for part in text:
                digest.update(part)
    return digest.hexdigest()


def _text_parts(column: pd.Series) -> tuple[bytes, bytes, memoryview] | None:
    """Return a text column's validity, lengths and UTF-8 bytes; None if not all text."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if column.dtype != object and not isinstance(column.dtype, pd.StringDtype):
        return None
    try:
        array = pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return None  # mixed values: hash_pandas_object copes
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    valid = array.is_valid()
    # Nulls become "" so that no leftover bytes behind a null slot reach the digest.
    array = pc.if_else(valid, array.cast(pa.large_string()), pa.scalar("", pa.large_string()))
    offsets = np.frombuffer(array.buffers()[1], "<i8", len(array) + 1, array.offset * 8)
    data = array.buffers()[2]
    chars = memoryview(data)[offsets[0] : offsets[-1]] if data is not None else memoryview(b"")
    return np.asarray(valid).tobytes(), np.diff(offsets).astype("<i8").tobytes(), chars


def entry_hash(entry: Mapping[str, Any]) -> str:
    """Return the sha256 of an entry's canonical JSON (sorted keys, no ``hash`` field)."""
    body = {key: value for key, value in entry.items() if key != "hash"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Problem:
    """What is wrong with a log: ``kind`` for code and tests, ``text`` (Korean) for people.

    ``kind`` is one of ``blank``, ``cut``, ``not_json``, ``not_entry``, ``field``,
    ``no_newline``, ``inserted``, ``order``, ``missing``, ``altered``, ``relinked``,
    ``head_unreadable``, ``head_missing``, ``rehashed``, ``head_behind``; ``seq`` is the
    entry it is about, when one is.
    """

    kind: str
    text: str
    seq: int | None = None

    def __str__(self) -> str:
        return self.text


def _problem(kind: str, seq: int | None = None, /, key: str = "", **fields: Any) -> Problem:
    return Problem(kind, message(f"audit_{key or kind}", **fields), seq)


def _describe(entry: Mapping[str, Any]) -> str:
    return message("audit_entry", seq=entry["seq"], time=entry["time"], dataset=entry["dataset"])


def _missing(first: int, last: int) -> str:
    seqs = str(first) if first == last else f"{first}–{last}"
    return message("audit_entries_missing", seqs=seqs)


def _parse_line(raw: bytes, cut: bool) -> dict[str, Any] | Problem:
    """Return the entry on one line, or what is wrong with the line."""
    if not raw.strip():
        return _problem("blank")
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        if cut:
            return _problem("cut")
        column = getattr(exc, "colno", None) or getattr(exc, "start", 0) + 1
        return _problem("not_json", column=column)
    if not isinstance(value, dict):
        return _problem("not_entry", kind=type(value).__name__)
    seq = value.get("seq")
    label = message("audit_label", seq=seq) if type(seq) is int else message("audit_this_line")
    number = seq if type(seq) is int else None
    for field, kind in _FIELDS.items():
        if field not in value:
            return _problem("field", number, key="field_missing", label=label, field=f"'{field}'")
        if not isinstance(value[field], kind) or isinstance(value[field], bool):
            return _problem(
                "field", number, label=label, field=f"'{field}'", value=repr(value[field])
            )
    if value["seq"] < 1:
        return _problem("not_entry", value["seq"], key="not_entry_seq", seq=value["seq"])
    if cut:
        return _problem("no_newline", value["seq"], entry=_describe(value))
    return value


def parse_lines(data: bytes) -> list[Item]:
    """Split a log into (line number, entry or problem) pairs."""
    lines = data.split(b"\n")
    cut = not data.endswith(b"\n")
    if not cut or not data:
        lines.pop()  # the empty remainder after the final newline
        cut = False
    return [
        (number, _parse_line(raw, cut and number == len(lines)))
        for number, raw in enumerate(lines, start=1)
    ]


def _next_entry(items: list[Item], index: int) -> tuple[int, dict[str, Any]] | None:
    if index + 1 < len(items):
        number, item = items[index + 1]
        if isinstance(item, dict):
            return number, item
    return None


def _duplicate(
    number: int,
    item: dict[str, Any],
    previous: tuple[int, dict[str, Any]] | None,
    following: tuple[int, dict[str, Any]] | None,
    head: dict[str, Any] | None,
    first_line: int,
) -> Problem:
    """Describe an entry whose number the chain has already passed."""
    seq = item["seq"]
    if previous is None or previous[1]["seq"] != seq:
        return _problem("inserted", seq, line=number, seq=seq, first_line=first_line)
    # Two neighbours with one number: the chain goes on from the genuine one.
    other_line, other = previous
    successor_prev = following[1]["prev"] if following else (head or {}).get("hash")
    genuine_is_later = (
        successor_prev == item["hash"]
        and successor_prev != other["hash"]
        and entry_hash(item) == item["hash"]
    )
    inserted = other_line if genuine_is_later else number
    return _problem(
        "inserted", seq, key="inserted_twice", line=inserted, seq=seq, first=other_line,
        second=number,
    )  # fmt: skip


def _gap(number: int, item: dict[str, Any], expected: int, lines: dict[int, list[int]]) -> Problem:
    """Describe an entry whose number skips ahead of the chain."""
    seq = item["seq"]
    for wanted in range(expected, seq):
        later = [n for n in lines.get(wanted, []) if n > number]
        if later:
            return _problem("order", seq, seq=seq, line=number, wanted=wanted, wanted_line=later[0])
    if expected > 1:
        after = message("audit_follows", seq=seq, before=expected - 1)
    else:
        after = message("audit_starts_at", seq=seq)
    return _problem("missing", expected, missing=_missing(expected, seq - 1), after=after)


def chain_problem(
    items: list[Item], head: dict[str, Any] | None
) -> tuple[int | None, Problem | None]:
    """Return (line number, problem) for the first break in the chain, or (None, None)."""
    lines: dict[int, list[int]] = {}
    for number, item in items:
        if isinstance(item, dict):
            lines.setdefault(item["seq"], []).append(number)
    expected, prev_hash = 1, GENESIS
    previous: tuple[int, dict[str, Any]] | None = None
    for index, (number, item) in enumerate(items):
        if isinstance(item, Problem):
            return number, item
        seq = item["seq"]
        following = _next_entry(items, index)
        if seq < expected:
            return number, _duplicate(number, item, previous, following, head, lines[seq][0])
        if seq > expected:
            return number, _gap(number, item, expected, lines)
        actual = entry_hash(item)
        if actual != item["hash"] or item["prev"] != prev_hash:
            if (
                following is not None
                and following[1]["seq"] == seq
                and following[1]["prev"] == prev_hash
                and entry_hash(following[1]) == following[1]["hash"]
            ):
                return number, _problem(
                    "inserted", seq, key="inserted_again", line=number, seq=seq, again=following[0]
                )
            if actual != item["hash"]:
                return number, _problem("altered", seq, entry=_describe(item))
            before = message("audit_label", seq=seq - 1) if seq > 1 else message("audit_genesis")
            return number, _problem("relinked", seq, entry=_describe(item), before=before, seq=seq)
        expected, prev_hash, previous = seq + 1, item["hash"], (number, item)
    return None, None


def tail_problem(
    last: Mapping[str, Any] | None, head: Mapping[str, Any] | None, name: str
) -> Problem | None:
    """Compare the log's last entry with its head record; return what disagrees, if any."""
    if head is not None and "unreadable" in head:
        return _problem("head_unreadable", name=name, text=repr(head["unreadable"]))
    if head is None:
        if last is None or last["seq"] == 1:
            return None  # new, or the first append stopped between the log and the head
        return _problem("head_missing", name=name, entry=_describe(last))
    if last:
        end, ends_at = last["seq"], message("audit_ends_at", entry=_describe(last))
    else:
        end, ends_at = 0, message("audit_no_entries")
    if head["seq"] > end:
        missing = _missing(end + 1, head["seq"])
        return _problem(
            "head_behind", end + 1, missing=missing, ends_at=ends_at, name=name, head=head["seq"]
        )
    assert last is not None  # head["seq"] >= 1 here
    if head["seq"] == end and head["hash"] != last["hash"]:
        return _problem("rehashed", end, entry=_describe(last))
    if head["seq"] == end or (head["seq"] == end - 1 and head["hash"] == last["prev"]):
        return None  # (a writer may stop between the log and the head; the next append fixes it)
    return _problem(
        "head_ahead", head["seq"], name=name, head=head["seq"], first=head["seq"] + 1, end=end
    )


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_last_line(fd: int) -> tuple[bytes, bool] | None:
    """Return the open log's last line and whether it lacks its newline; None when empty."""
    start = os.fstat(fd).st_size
    tail, cut = b"", -1
    while start > 0 and cut < 0:
        step = min(_TAIL_CHUNK, start)
        start -= step
        tail = os.pread(fd, step, start) + tail
        cut = tail.rfind(b"\n", 0, len(tail) - 1)
    if not tail:
        return None
    complete = tail.endswith(b"\n")
    return tail[cut + 1 : len(tail) - complete], not complete


class AuditLog:
    """An append-only, hash-chained JSON-lines log of data accesses.

    Parameters
    ----------
    path : path
        The log file (``.workbench/audit.jsonl`` in a project, see
        :func:`workbench.config.audit_log_path`); its folder is created on first append.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = AuditLog(pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl")
    >>> entry = log.append(user="kim", dataset="households", purpose="복지 사각지대 분석",
    ...                    columns=["가구ID", "월소득"], rows=50, sha256="ab" * 32)
    >>> entry["seq"], entry["prev"] == "0" * 64
    (1, True)
    >>> log.verify()
    1
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    @property
    def head_path(self) -> Path:
        """The head record: the last entry's ``seq`` and ``hash``."""
        return self.path.with_name(self.path.name + ".head")

    def __repr__(self) -> str:
        return f"AuditLog({str(self.path)!r})"

    # --- writing ----------------------------------------------------------------------

    def append(
        self,
        *,
        user: str,
        dataset: str,
        purpose: str,
        columns: Sequence[str],
        rows: int,
        sha256: str,
        grant: str | None = None,
        run: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Append one entry, chained to the last one; return it (with ``seq`` and ``hash``).

        ``grant`` (the data-sharing grant's id), ``run`` (the run folder whose kernel
        loaded) and ``extra`` (e.g. a signed release decision) are added when given.

        Raises
        ------
        AuditError
            When the log's end is unreadable or disagrees with its head record (an entry
            cut off or appended by hand): appending then would hide the damage.
        """
        fields: dict[str, Any] = {"user": user, "dataset": dataset, "purpose": purpose}
        fields = {key: str(value) for key, value in fields.items()}
        fields |= {"columns": [str(c) for c in columns], "rows": int(rows), "sha256": str(sha256)}
        # Optional: the data-sharing grant of the load, the run it served, other records.
        fields |= {k: v for k, v in {"grant": grant, "run": run}.items() if v}
        fields |= dict(extra or {})
        try:
            return self._append(fields)
        except OSError as exc:
            error = exc.strerror or type(exc).__name__
            raise AuditError(
                message("audit_cannot_write", path=self.path, error=error),
                path=self.path,
                kind="write",
            ) from exc

    def _append(self, fields: dict[str, Any]) -> dict[str, Any]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            tail = _read_last_line(fd)
            last = _parse_line(*tail) if tail else None
            if isinstance(last, Problem):
                problem: Problem | None = _problem(
                    last.kind, last.seq, key="last_line", problem=last.text
                )
            else:
                problem = tail_problem(last, self._read_head(), self.head_path.name)
            if problem is not None or isinstance(last, Problem):  # (the second, for mypy)
                raise AuditError(
                    message("audit_cannot_append", path=self.path, problem=problem),
                    path=self.path,
                    kind=problem.kind if problem else None,
                    seq=problem.seq if problem else None,
                )
            entry: dict[str, Any] = {
                "seq": last["seq"] + 1 if last else 1,
                "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                **fields,
                "prev": last["hash"] if last else GENESIS,
            }
            entry["hash"] = entry_hash(entry)
            line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
            size = os.fstat(fd).st_size
            try:
                _write_all(fd, line.encode("utf-8"))
                os.fsync(fd)
            except OSError:
                os.ftruncate(fd, size)  # a disk-full half line would block every later append
                raise
            self._write_head(entry)
        finally:
            os.close(fd)  # releases the lock
        return entry

    def _write_head(self, entry: Mapping[str, Any]) -> None:
        record = json.dumps({"seq": entry["seq"], "hash": entry["hash"], "time": entry["time"]})
        # fsync'd, and so is the folder: the rename, and the log's own entry when new.
        with atomic_path(self.head_path, fsync=True) as tmp:
            tmp.write_bytes(record.encode("utf-8") + b"\n")

    # --- reading ----------------------------------------------------------------------

    def head(self) -> dict[str, Any] | None:
        """Return the head record (``seq``, ``hash`` of the last entry), or None if none."""
        head = self._read_head()
        return {"seq": head["seq"], "hash": head["hash"]} if head and "seq" in head else None

    def _read_head(self) -> dict[str, Any] | None:
        try:
            text = self.head_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            head = json.loads(text)
            if type(head["seq"]) is int and head["seq"] >= 1 and isinstance(head["hash"], str):
                return dict(head)
        except (ValueError, KeyError, TypeError):
            pass
        return {"unreadable": text[:200]}

    def _snapshot(self) -> tuple[bytes | None, dict[str, Any] | None]:
        """Return the log's bytes (None if absent) and its head, read under a shared lock."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None, self._read_head()
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            with os.fdopen(os.dup(fd), "rb") as file:
                return file.read(), self._read_head()
        finally:
            os.close(fd)

    def entries(self) -> list[dict[str, Any]]:
        """Return every entry, oldest first (not verified; see :meth:`verify`).

        Raises
        ------
        AuditError
            Naming the first line that is not a readable entry.
        """
        data, _ = self._snapshot()
        if data is None:
            return []
        entries = []
        for number, item in parse_lines(data):
            if isinstance(item, Problem):
                raise AuditError(
                    message("audit_at_line", path=self.path, line=number, problem=item),
                    path=self.path,
                    line=number,
                    kind=item.kind,
                    seq=item.seq,
                )
            entries.append(item)
        return entries

    def verify(self) -> int:
        """Check the whole chain; return the number of entries when it is intact.

        Returns
        -------
        int
            The number of entries (0 for a log that does not exist yet).

        Raises
        ------
        AuditError
            Naming the first problem: a line that is cut or not JSON (its line number),
            an altered entry (its hash no longer matches its content), a missing,
            inserted or out-of-order entry, or entries cut from the end (the head
            record says more were written).
        """
        data, head = self._snapshot()
        items = parse_lines(data or b"")
        where, problem = chain_problem(items, head)
        if problem is None:
            last = items[-1][1] if items else None
            problem = tail_problem(
                last if isinstance(last, dict) else None, head, self.head_path.name
            )
            where = None
        if problem is not None:
            key = "audit_at_line" if where is not None else "audit_in_log"
            raise AuditError(
                message(key, path=self.path, line=where, problem=problem),
                path=self.path,
                line=where,
                kind=problem.kind,
                seq=problem.seq,
            )
        return len(items)
