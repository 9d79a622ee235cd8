"""Benchmark: ``wb.read_table`` with no hints against pandas given every hint, same file.

A generated 행정안전부-style table (``--rows``, default 1,000,000) is written once in
CP949 under ``benchmarks/_work/read/`` (git-ignored; reused by later runs, untimed): a
KOSIS-style two-row header (period over measure), thousands separators (``"1,234"``),
blank cells written as ``" "`` and ``-``, a 법정동코드 with leading zeros kept as text,
and a ``합계`` summary row every 1,000 rows.

Each reader runs in a fresh Python subprocess, so its peak memory (``ru_maxrss`` from
``os.wait4``) is its own; seconds are timed inside the child around the read only,
after the imports, with the file in the page cache. pandas is given everything it
needs: ``encoding``, ``thousands``, the header (``skiprows`` + ``names``), ``na_values``
and ``dtype``; ``read_table`` is given nothing. The frames are checked equal (the
reader's extra boolean ``합계행`` column aside) before the ratios are printed.

Goal (printed as met/MISSED): at most 1.0x pandas' time and peak memory.
Measured here (1,000,000 rows, 75 MiB, 2 shared cores, 2026-12): pandas 1.1-1.4 s,
read_table 1.5-1.8 s (1.2-1.35x); peak memory 1.02-1.1x. The same frame both ways.

Run: ``.venv/bin/python benchmarks/bench_read.py [--rows 1000000] [--repeat 3]``.
Exits 0 whether or not the goal is met.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.0
MEASURES = ["인구", "세대"]
PERIODS = ["2026.03", "2026.04"]
NAMES = ["행정구역", "법정동코드", *(f"{p}_{m}" for p in PERIODS for m in MEASURES), "비율"]


def generate(path: Path, rows: int) -> None:
    """Write the CP949 test file (vectorised; about 2 s per million rows)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(13)
    places = np.array(
        ["서울특별시 종로구", "부산광역시 해운대구", "경기도 수원시", "강원특별자치도 춘천시"]
    )
    frame = pd.DataFrame(
        {
            "행정구역": places[rng.integers(0, len(places), rows)],
            "법정동코드": pd.Series(rng.integers(0, 10**9, rows)).map("{:010d}".format),
        }
    )
    for column in NAMES[2:6]:
        values = pd.Series(rng.integers(0, 3_000_000, rows)).map("{:,}".format)
        values[rng.random(rows) < 0.01] = " "
        values[rng.random(rows) < 0.005] = "-"
        frame[column] = values
    frame["비율"] = pd.Series(rng.random(rows) * 2).round(2).astype(str)
    frame.loc[::1000, "행정구역"] = "합계"
    header = (
        ",".join(["행정구역", "법정동코드", *(p for p in PERIODS for _ in MEASURES), "비율"])
        + "\n"
        + ",".join(["행정구역", "법정동코드", *(m for _ in PERIODS for m in MEASURES), "비율"])
        + "\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="cp949", newline="") as out:
        out.write(header)
        frame.to_csv(out, header=False, index=False)


def child(kind: str, path: str) -> None:
    """Read ``path`` one way; print seconds and a digest of the frame (JSON)."""
    import pandas as pd

    if kind == "workbench":
        import workbench as wb

        start = time.perf_counter()
        frame = wb.read_table(path)
        seconds = time.perf_counter() - start
        frame = frame.drop(columns="합계행")
    else:
        start = time.perf_counter()
        frame = pd.read_csv(
            path,
            encoding="cp949",
            thousands=",",
            skiprows=2,
            header=None,
            names=NAMES,
            na_values=[" ", "-"],
            keep_default_na=False,
            dtype={"행정구역": "str", "법정동코드": "str", "비율": "float64"},
        )
        seconds = time.perf_counter() - start
    digest = pd.util.hash_pandas_object(frame, index=False).sum()
    summary = {
        "seconds": seconds,
        "rows": len(frame),
        "columns": list(frame.columns),
        "dtypes": [str(t) for t in frame.dtypes],
        "digest": int(digest),
    }
    print(json.dumps(summary, ensure_ascii=False))


def _run_child(cmd: list[str], env: dict[str, str]) -> tuple[bytes, bytes, int, float]:
    """Start ``cmd``; return stdout, stderr, exit code and peak memory (MiB) via wait4."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    out = proc.stdout.read()  # type: ignore[union-attr]
    err = proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return out, err, proc.returncode, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    path = ROOT / "benchmarks" / "_work" / "read" / f"population_{args.rows}.cp949.csv"
    if not path.is_file():
        print(f"writing {path} ({args.rows:,} rows)…", file=sys.stderr)
        generate(path, args.rows)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    runs: dict[str, list[dict]] = {"pandas": [], "workbench": []}
    for _ in range(args.repeat):
        for kind in runs:
            cmd = [sys.executable, __file__, "--child", kind, str(path)]
            out, err, code, peak = _run_child(cmd, env)
            if code != 0:
                sys.stderr.write(err.decode("utf-8", "replace"))
                sys.exit(f"measurement {kind} failed (exit {code})")
            result = json.loads(out.decode("utf-8").strip().splitlines()[-1])
            runs[kind].append({**result, "peak_mib": peak})
    first = {kind: found[0] for kind, found in runs.items()}
    same = all(
        first["pandas"][key] == first["workbench"][key]
        for key in ("rows", "columns", "dtypes", "digest")
    )
    time_ratio = _median(runs["workbench"], "seconds") / _median(runs["pandas"], "seconds")
    memory_ratio = _median(runs["workbench"], "peak_mib") / _median(runs["pandas"], "peak_mib")
    print(f"file: {path.name}, {path.stat().st_size / 2**20:,.0f} MiB, {args.rows:,} rows")
    for kind, found in runs.items():
        print(
            f"  {kind:<10} {_median(found, 'seconds'):6.2f} s   "
            f"{_median(found, 'peak_mib'):7.0f} MiB peak   (median of {len(found)})"
        )
    print(f"same frame: {'yes' if same else 'NO'}")
    for label, ratio in (("time", time_ratio), ("memory", memory_ratio)):
        verdict = "met" if ratio <= GOAL else "MISSED"
        print(f"{label} ratio (read_table / pandas): {ratio:.2f}x  goal <= {GOAL}x: {verdict}")


def _median(found: list[dict], key: str) -> float:
    return statistics.median(item[key] for item in found)


if __name__ == "__main__":
    main()
