"""Dated region code snapshots: which 시도·시군구 codes are valid on a day, and since when.

The bundled snapshot is ``data/regions_history.csv`` (built by ``scripts/build_regions.py``
from registry packages; its header names the source, 기준일 and sha256) with its
crosswalk ``data/regions_crosswalk.csv``. ``workbench regions update FILE`` stores a newer
snapshot, derived from the official 법정동코드 전체자료, under the project's
``.workbench/regions/<기준일>/``; the folder named in ``.workbench/regions/current`` then
takes precedence over the bundled one. Earlier snapshots are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.config import STATE_DIR, find_project
from workbench.exceptions import ParameterError
from workbench.samples import region_file_header as read_header

__all__ = [
    "COLUMNS",
    "STALE_AFTER_DAYS",
    "RegionSnapshot",
    "RegionTableWarning",
    "active_snapshot",
    "classify",
    "parse_day",
    "read_header",
    "snapshot_dir",
    "successors_by_dong",
    "valid_on",
    "warn_if_stale",
]

DATA = Path(__file__).resolve().parent / "data"
HISTORY_FILE = "regions_history.csv"
CROSSWALK_FILE = "regions_crosswalk.csv"
#: A table used more than this many days after its 기준일 gets a warning.
STALE_AFTER_DAYS = 365
#: The table columns (``regions.csv``); the history adds ``시작일`` and ``폐지일``.
COLUMNS = ["시도코드", "시군구코드", "수준", "시도명", "시군구명", "구분", "자치", "상위코드"]
_SIDO_KINDS = ("특별자치시", "특별자치도", "통합특별시", "특별시", "광역시", "도")
UPDATE_HINT = "`workbench regions update 법정동코드_전체자료.txt`로 새 표를 넣으세요"


class RegionTableWarning(UserWarning):
    """The region table may not fit the data: it is old, or codes are newer than it.

    Attributes
    ----------
    kind : str
        ``stale`` (used long after its 기준일) or ``newer`` (codes it does not know, on a day
        at or after its 기준일) or ``abolished`` (codes no longer valid on ``as_of``).
    table_date, as_of : str
        The table's 기준일 and the day asked for.
    codes : list of str
        The codes concerned (``newer``, ``abolished``).
    """

    def __init__(self, message: str, *, kind: str, table_date: str, as_of: str,
                 codes: list[str] | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.kind = kind
        self.table_date = table_date
        self.as_of = as_of
        self.codes = list(codes or [])


@dataclass(frozen=True)
class RegionSnapshot:
    """One dated snapshot: every code with its days, the crosswalk, where it comes from."""

    history: pd.DataFrame
    crosswalk: pd.DataFrame
    table_date: str
    source: str
    origin: Path
    header: Mapping[str, list[str]] = field(default_factory=dict)

    def successors(self, code: str) -> list[tuple[str, str]]:
        """Return ``(new code, date)`` pairs that replaced ``code``, in code order."""
        rows = self.crosswalk[self.crosswalk["이전코드"] == code]
        return list(zip(rows["새코드"], rows["날짜"], strict=True))


def parse_day(value: Any, parameter: str = "as_of") -> str:
    """Return ``value`` (None = today, a date, or "YYYY-MM-DD") as an ISO date string."""
    if value is None:
        return dt.date.today().isoformat()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ParameterError(
            f"'{parameter}' 값 {value!r}를 날짜로 읽을 수 없습니다. "
            "YYYY-MM-DD 형식(예: '2026-07-01')이나 datetime.date로 주세요.",
            parameter=parameter,
        ) from None


def valid_on(history: pd.DataFrame, day: str) -> pd.Series:
    """Whether each history row is valid on ``day`` (시작일 <= day < 폐지일)."""
    started = history["시작일"] <= day
    ended = history["폐지일"].notna() & (history["폐지일"] <= day)
    return started & ~ended


@functools.cache
def place_names() -> tuple[str, ...]:
    """Return every 읍·면·동·리 word of the bundled 법정동 names (``삼성동``, ``우정읍``).

    From ``data/region_places.txt``, built with the region tables from the same dated
    source (``scripts/build_regions.py``); used for tokenisers' user dictionaries.

    >>> names = place_names()
    >>> "삼성동" in names and "우정읍" in names and "청운동" in names
    True
    """
    text = (DATA / "region_places.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))


def snapshot_dir(project: Path | None = None) -> Path:
    """Return the project's region snapshot folder, ``<project>/.workbench/regions``."""
    root = project if project is not None else (find_project() or Path.cwd().resolve())
    return root / STATE_DIR / "regions"


def _read_csv(path: Path) -> pd.DataFrame:
    text = path.read_text(encoding="utf-8")
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    frame = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    return frame.where(frame != "")


@functools.cache
def _load(folder: Path, stamp: float) -> RegionSnapshot:
    history = _read_csv(folder / HISTORY_FILE)
    history["자치"] = history["자치"].map({"true": True, "false": False}).astype(bool)
    header = read_header(folder / HISTORY_FILE)
    return RegionSnapshot(
        history=history,
        crosswalk=_read_csv(folder / CROSSWALK_FILE),
        table_date=header["as_of"][0],
        source=header["source"][0],
        origin=folder / HISTORY_FILE,
        header=header,
    )


def active_snapshot(project: Path | None = None) -> RegionSnapshot:
    """Return the project's snapshot if ``workbench regions update`` stored one, else the bundled.

    The pointer ``.workbench/regions/current`` names the active folder; a pointer to a
    missing folder is an error (never a silent fall-back to an older table).
    """
    folder = DATA
    pointer = snapshot_dir(project) / "current"
    if pointer.is_file():
        folder = pointer.parent / pointer.read_text(encoding="utf-8").strip()
        if not (folder / HISTORY_FILE).is_file():
            raise ParameterError(
                f"프로젝트의 지역 코드 표 {folder / HISTORY_FILE}가 없습니다 ({pointer}가 "
                f"가리킴). {UPDATE_HINT}. 또는 {pointer}를 지우면 내장 표를 씁니다.",
                parameter="regions",
            )
    return _load(folder, (folder / HISTORY_FILE).stat().st_mtime)


def warn_if_stale(snapshot: RegionSnapshot, as_of: str) -> None:
    """Warn when ``as_of`` is more than a year after the table's 기준일."""
    age = (dt.date.fromisoformat(as_of) - dt.date.fromisoformat(snapshot.table_date)).days
    if age > STALE_AFTER_DAYS:
        warnings.warn(
            RegionTableWarning(
                f"지역 코드 표의 기준일은 {snapshot.table_date}인데 {as_of} 기준으로 "
                f"쓰고 있습니다({age}일 뒤). 그 사이 바뀐 코드는 이 표에 없습니다: "
                f"{UPDATE_HINT}.",
                kind="stale",
                table_date=snapshot.table_date,
                as_of=as_of,
            ),
            stacklevel=3,
        )


def classify(names: Mapping[str, tuple[str, str]]) -> list[list[str]]:
    """Return table rows (:data:`COLUMNS`) for codes with their (시도명, 시군구명).

    ``names`` maps 2-digit 시도 and 5-digit 시군구 codes to their names (시군구명 ""
    for a 시도). 구분 follows the name: ``X시 Y구`` is an 일반구 of the 시 whose code is
    its own rounded down to tens; a 시군구 named like its 시도 is 세종's single tier; the
    시 of a 특별자치도 without any 군 are 제주's 행정시.
    """
    with_gun = {code[:2] for code, (_, name) in names.items() if name.endswith("군")}
    rows = []
    for code, (sido, name) in sorted(names.items()):
        if len(code) == 2:
            kind = next(k for k in _SIDO_KINDS if sido.endswith(k))
            rows.append([code, "", "시도", sido, "", kind, "true", ""])
            continue
        parent = ""
        if name == sido:
            kind = "단층제"
        elif " " in name:
            kind, parent = "일반구", code[:4] + "0"
        elif sido.endswith("특별자치도") and name.endswith("시") and code[:2] not in with_gun:
            kind = "행정시"
        else:
            kind = {"구": "자치구", "시": "시", "군": "군"}[name[-1]]
        auto = "true" if kind in ("자치구", "시", "군") else "false"
        rows.append([code[:2], code, "시군구", sido, name, kind, auto, parent])
    return rows


#: Share of a code's 법정동 (or of its successor's) that must be shared to call it a successor.
MIN_SHARE = 0.5


def successors_by_dong(old: frozenset[str], new: Mapping[str, frozenset[str]]) -> list[str]:
    """Return the new codes that took over the 법정동 of an old code, by 법정동 name.

    A new code is a successor when the names it shares with the old code are at least
    :data:`MIN_SHARE` of the old code's 법정동 or of its own (인천 중구 -> 제물포구, most
    of its 법정동, and 영종구, all of whose 법정동 came from 중구).
    """
    found = []
    for code, names in sorted(new.items()):
        shared = len(old & names)
        if shared and max(shared / max(len(old), 1), shared / max(len(names), 1)) >= MIN_SHARE:
            found.append(code)
    return found


def write_rows(header: list[str], columns: list[str], rows: list[list[str]]) -> str:
    """Return a region file's text: ``# `` header lines, then CSV."""
    out = io.StringIO()
    out.write("".join(f"# {line}\n" for line in header))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()
