"""Load a newer official 법정동코드 전체자료 into the project as a dated snapshot.

The file is what code.go.kr publishes: CP949 text, tab-separated, a header line
``법정동코드	법정동명	폐지여부`` and one line per code with 존재 or 폐지. Its 시도 and
시군구 codes (10-digit codes ending in 00000) become a new snapshot: the active one's
history, with codes it no longer lists ended and new ones started on the file's 기준일.
The snapshot goes into ``<project>/.workbench/regions/<기준일>/`` and the pointer
``current`` is moved to it only once it is complete; earlier snapshots stay.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.catalog._region_history import (
    COLUMNS,
    CROSSWALK_FILE,
    HISTORY_FILE,
    RegionSnapshot,
    active_snapshot,
    classify,
    parse_day,
    snapshot_dir,
    successors_by_dong,
    valid_on,
    write_rows,
)
from workbench.exceptions import ParameterError, SchemaError

__all__ = ["UpdateReport", "read_official", "update_regions"]

HEADER = ["법정동코드", "법정동명", "폐지여부"]
_STATES = ("존재", "폐지")


@dataclass(frozen=True)
class UpdateReport:
    """What ``update_regions`` stored and what changed against the previous table."""

    folder: Path
    table_date: str
    previous_date: str
    previous_origin: Path
    added: list[tuple[str, str]]
    abolished: list[tuple[str, str]]
    successors: list[tuple[str, str]]
    sido: int
    local: int


def _bad(path: Path, line: int, what: str) -> SchemaError:
    return SchemaError(
        f"{path}의 {line}번째 줄: {what} 행정표준코드관리시스템(code.go.kr)에서 받은 "
        "'법정동코드 전체자료' 파일(CP949, 탭 구분, 열: 법정동코드, 법정동명, 폐지여부)을 "
        "그대로 주세요.",
        failures=[{"file": str(path), "line": line, "message": what}],
    )


def read_official(path: Path) -> pd.DataFrame:
    """Read a 법정동코드 전체자료 file; columns 법정동코드, 법정동명, 폐지여부 (str).

    Raises
    ------
    SchemaError
        Naming the file and line: not CP949, a wrong header, a line without three
        tab-separated fields, a code that is not 10 digits, or 폐지여부 not 존재/폐지.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("cp949")
    except UnicodeDecodeError as error:
        bad_line = raw[: error.start].count(b"\n") + 1
        raise _bad(path, bad_line, "CP949 글자로 읽을 수 없습니다.") from None
    lines = text.splitlines()
    if not lines or lines[0].lstrip("\ufeff").strip().split("\t") != HEADER:
        first = lines[0][:60] if lines else ""
        raise _bad(path, 1, f"머리글이 법정동코드·법정동명·폐지여부를 탭으로 나눈 줄이 아닙니다 "
                            f"(읽은 줄: {first!r}).")  # fmt: skip
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 3:
            raise _bad(path, number, f"탭으로 나눈 칸이 3개가 아니라 {len(fields)}개입니다.")
        code, _, state = fields
        if not re.fullmatch(r"\d{10}", code):
            raise _bad(path, number, f"법정동코드 {code!r}가 10자리 숫자가 아닙니다.")
        if state not in _STATES:
            raise _bad(path, number, f"폐지여부 {state!r}가 '존재'나 '폐지'가 아닙니다.")
        rows.append(fields)
    if not rows:
        raise _bad(path, 2, "코드가 한 줄도 없습니다.")
    return pd.DataFrame(rows, columns=HEADER, dtype=str)


def _top_codes(frame: pd.DataFrame, path: Path) -> dict[str, tuple[str, str]]:
    """Return the existing 시도 and 시군구 codes with (시도명, 시군구명), 출장소 left out."""
    live = frame[frame["폐지여부"] == "존재"]
    codes = live["법정동코드"]
    heads = set(codes[~codes.str.endswith("00000")].str[:5])
    names: dict[str, tuple[str, str]] = {}
    for code, name in zip(codes, live["법정동명"], strict=True):
        sido, _, rest = " ".join(name.split()).partition(" ")
        if code.endswith("0" * 8):
            names[code[:2]] = (sido, "")
        elif code.endswith("00000"):
            names[code[:5]] = (sido, rest or sido)
    parents = {c[:4] + "0" for c, (_, n) in names.items() if " " in n}
    names = {c: v for c, v in names.items() if len(c) == 2 or c in heads or c in parents}
    if sum(len(c) == 2 for c in names) < 10:
        raise _bad(path, 2, "시도 코드(예: 1100000000 서울특별시, 존재)가 10개도 안 됩니다.")
    return names


def update_regions(
    path: Path | str, project: Path | None = None, *, date: Any = None
) -> UpdateReport:
    """Store the official file at ``path`` as the project's region snapshot of ``date``.

    Parameters
    ----------
    path : path-like
        The 법정동코드 전체자료 file.
    project : pathlib.Path, optional
        The project folder; default the one holding the current folder.
    date : datetime.date or str, optional
        The file's 기준일 (the day it was downloaded); default today. It must be after
        the active table's 기준일.

    Raises
    ------
    SchemaError
        A malformed file (see :func:`read_official`).
    ParameterError
        ``date`` not after the active table's 기준일, or a snapshot of that day exists.
    """
    path = Path(path)
    day = parse_day(date, "date")
    frame = read_official(path)
    names = _top_codes(frame, path)
    previous = active_snapshot(project)
    if day <= previous.table_date:
        raise ParameterError(
            f"지금 쓰는 지역 코드 표의 기준일이 {previous.table_date}입니다. 새 파일의 "
            f"기준일 {day}는 그보다 뒤여야 합니다: --date로 파일을 받은 날을 주세요.",
            parameter="date",
        )
    folder = snapshot_dir(project) / day
    if folder.exists():
        raise ParameterError(
            f"{folder}에 {day} 기준 표가 이미 있습니다. 덮어쓰지 않습니다: 다른 --date를 "
            "주거나, 그 폴더를 직접 지운 뒤 다시 하세요.",
            parameter="date",
        )
    history, added, abolished = _merge(previous, names, day)
    found = _crosswalk(frame, added, abolished, history, day)
    live = history[valid_on(history, day)]
    sido = int((live["수준"] == "시도").sum())
    local = sido + int(((live["수준"] == "시군구") & (live["자치"] == "true")).sum())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    header = [
        "workbench region code history: 시도 and 시군구 codes with the days they are valid",
        f"source: 행정안전부 행정표준코드관리시스템 법정동코드 전체자료 (file {path.name}, "
        f"sha256 {digest})",
        f"as_of: {day}",
        f"loaded: {dt.date.today().isoformat()} by workbench regions update",
        f"previous: {previous.origin} (기준일 {previous.table_date})",
        f"changes: codes added or ended on {day} ({len(added)} added, {len(abolished)} "
        f"ended, {len(found)} successor pairs found by shared 법정동 names in the file)",
        f"counts: {day}: {sido} 시도, {local} local governments",
    ]
    rows = history[[*COLUMNS, "시작일", "폐지일"]].fillna("").astype(str).values.tolist()
    tmp = folder.with_name(f".{day}.tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / HISTORY_FILE).write_text(write_rows(header, [*COLUMNS, "시작일", "폐지일"], rows),
                                    encoding="utf-8")  # fmt: skip
    crosswalk = previous.crosswalk.fillna("").astype(str).values.tolist()
    reason = f"법정동코드 전체자료({day})에서 찾음: 법정동 이름이 겹침"
    crosswalk += [[old, new, day, "변경", reason] for old, new in found]
    (tmp / CROSSWALK_FILE).write_text(
        write_rows([f"crosswalk of {previous.origin}, then {path.name}"],
                   list(previous.crosswalk.columns), crosswalk),
        encoding="utf-8",
    )  # fmt: skip
    os.replace(tmp, folder)
    pointer = folder.parent / "current"
    pointer_tmp = folder.parent / ".current.tmp"
    pointer_tmp.write_text(day + "\n", encoding="utf-8")
    os.replace(pointer_tmp, pointer)
    return UpdateReport(folder, day, previous.table_date, previous.origin, added, abolished,
                        found, sido, local)  # fmt: skip


def _dongs(frame: pd.DataFrame) -> dict[tuple[str, str], frozenset[str]]:
    """Return the 법정동 names (without the 시군구 part) under each (시군구 code, 폐지여부)."""
    codes, names = frame["법정동코드"], frame["법정동명"].str.split().str.join(" ")
    heads = dict(zip(codes[codes.str.endswith("00000")].str[:5], names[codes.str.endswith("00000")],
                     strict=True))  # fmt: skip
    found: dict[tuple[str, str], set[str]] = {}
    for code, name, state in zip(codes, names, frame["폐지여부"], strict=True):
        head = heads.get(code[:5])
        if head and not code.endswith("00000") and name.startswith(head + " "):
            found.setdefault((code[:5], state), set()).add(name[len(head) + 1 :])
    return {key: frozenset(value) for key, value in found.items()}


def _crosswalk(frame: pd.DataFrame, added: list[tuple[str, str]], abolished: list[tuple[str, str]],
               history: pd.DataFrame, day: str) -> list[tuple[str, str]]:  # fmt: skip
    """Return (old, new) pairs: new 시군구 codes that took over an old code's 법정동.

    The old codes are those ended on ``day`` and the 시 of new 일반구; an old 시도 code's
    successors are the 시도 of its 시군구's successors.
    """
    dongs = _dongs(frame)
    new = {code: dongs.get((code, "존재"), frozenset()) for code, _ in added if len(code) == 5}
    parents = {code[:4] + "0" for code in new} & set(history["시군구코드"].dropna())
    old = sorted({code for code, _ in abolished if len(code) == 5} | parents)
    pairs = [
        (code, successor)
        for code in old
        for successor in successors_by_dong(dongs.get((code, "폐지"), frozenset()), new)
    ]
    for sido in [code for code, _ in abolished if len(code) == 2]:
        pairs += sorted({(sido, n[:2]) for o, n in pairs if o[:2] == sido and n[:2] != sido})
    return pairs


def _merge(
    previous: RegionSnapshot, names: dict[str, tuple[str, str]], day: str
) -> tuple[pd.DataFrame, list[tuple[str, str]], list[tuple[str, str]]]:
    """Return the previous history with codes ended or started on ``day``, and the changes."""
    history = previous.history.copy()
    history["자치"] = history["자치"].map({True: "true", False: "false"})
    code = history["시군구코드"].fillna(history["시도코드"])
    label = (history["시도명"] + " " + history["시군구명"].fillna("")).str.strip()
    valid = valid_on(history, day)
    gone = valid & ~code.isin(list(names))
    history.loc[gone, "폐지일"] = day
    abolished = sorted(zip(code[gone], label[gone], strict=True))
    known = set(code[valid])
    new = [row for row in classify(names) if (row[1] or row[0]) not in known]
    extra = pd.DataFrame([[*row, day, None] for row in new], columns=[*COLUMNS, "시작일", "폐지일"])
    extra = extra.where(extra != "")
    added = sorted((row[1] or row[0], f"{row[3]} {row[4]}".strip()) for row in new)
    merged = pd.concat([history, extra], ignore_index=True)
    key = merged["시군구코드"].fillna(merged["시도코드"])
    order = merged.assign(_k=key.str[:2], _n=key.str.len(), _c=key).sort_values(
        ["_k", "_n", "_c", "시작일"]
    )
    return order.drop(columns=["_k", "_n", "_c"]), added, abolished
