"""Benchmark: ``workbench run profile`` against ydata-profiling (minimal mode).

Builds the same CP949 tables of 100,000 and 1,000,000 rows by 20 columns, shaped as
agencies publish them (a 법정동코드 column of 10-digit codes, 시도·시군구 names, ISO
dates, amounts, an identifier, a 합계 row at the top), then times, in one run:

- ours: ``workbench run profile -p data_path=<file>`` (a fresh kernel, the gate, the
  Korean report: everything a user waits for);
- ydata-profiling 4.18, ``minimal=True``: read the CP949 file with pandas and write its
  HTML report, in its own venv (``--ydata-venv``, by default ``benchmarks/_work/ydata``,
  created from PyPI on the first run; nothing is downloaded while timing).

Prints, for each, the wall seconds and the CPU seconds (user + system of the command and
its children: the kernel too), their ratios (goal: ours ≤ 0.2 × ydata-profiling at 1M
rows) and the load average around the pair: on a shared machine the wall time follows
the load, the CPU time much less. ``--repeat`` runs ours a second time and says whether
the published result files are byte-identical.

Run: ``.venv/bin/python benchmarks/bench_profile.py [--rows 100000 1000000]
[--ydata-venv PATH] [--repeat]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from _common import BIN, ROOT

WORK = ROOT / "benchmarks" / "_work"
YDATA_VENV = WORK / "ydata"  # reused when it exists: pass --ydata-venv for another one
YDATA = "ydata-profiling==4.18.*"
_YDATA_SCRIPT = """
import sys, pandas as pd
from ydata_profiling import ProfileReport
df = pd.read_csv(sys.argv[1], encoding="cp949", dtype={"법정동코드": str})
ProfileReport(df, minimal=True, progress_bar=False).to_file(sys.argv[2])
"""


def build_table(rows: int, seed: int = 1) -> pd.DataFrame:
    """Twenty columns as an agency's household file holds them, plus one 합계 row on top."""
    rng = np.random.default_rng(seed)
    regions = pd.DataFrame(
        {
            "법정동코드": ["1111010100", "1168010100", "2611010100", "4111710100", "5111010100"],
            "시도": ["서울특별시", "서울특별시", "부산광역시", "경기도", "강원특별자치도"],
            "시군구": ["종로구", "강남구", "중구", "수원시 장안구", "춘천시"],
        }
    )
    pick = rng.integers(0, len(regions), rows)
    income = rng.lognormal(15, 0.5, rows).round(-3)
    start = np.datetime64("2020-01-01")
    table = pd.DataFrame(
        {
            "가구ID": [f"H{n:08d}" for n in range(rows)],
            **{c: regions[c].to_numpy()[pick] for c in regions},
            "성별": rng.choice(["남", "여"], rows),
            "나이": rng.integers(19, 95, rows),
            "가구원수": rng.integers(1, 7, rows),
            "월소득(원)": income,
            "월지출(원)": (income * rng.uniform(0.4, 0.9, rows)).round(-3),
            "주거형태": rng.choice(
                ["자가", "전세", "월세", "기타"], rows, p=[0.5, 0.2, 0.25, 0.05]
            ),
            "면적(㎡)": rng.normal(75, 20, rows).round(1),
            "접수일": (start + rng.integers(0, 1500, rows).astype("timedelta64[D]")).astype(str),
            "수급여부": rng.choice(["Y", "N"], rows, p=[0.1, 0.9]),
            "장애여부": rng.choice(["Y", "N"], rows, p=[0.05, 0.95]),
            "차량수": rng.poisson(0.8, rows),
            "부채(원)": np.where(
                rng.random(rows) < 0.3, np.nan, rng.lognormal(16, 1, rows).round(-3)
            ),
            "건강점수": rng.normal(70, 10, rows).round(2),
            "만족도": rng.integers(1, 6, rows),
            "비고": np.where(rng.random(rows) < 0.95, None, "방문 상담 필요"),
            "조사연도": 2024,
        }
    )
    total = {c: None for c in table.columns} | {
        "시도": "전국",
        "가구원수": int(table["가구원수"].sum()),
    }
    return pd.concat([pd.DataFrame([total]), table], ignore_index=True)


def ensure_ydata(venv: Path) -> Path:
    """Return ydata-profiling's python, creating its venv from PyPI on the first run."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", YDATA, "setuptools"], check=True)
    return python


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return its wall and CPU seconds (its children included)."""
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode("utf-8", "replace")[-3000:])
        sys.exit(f"command failed (exit {done.returncode}): {' '.join(cmd[:4])}")
    return time.perf_counter() - start, _children_cpu() - cpu


def ours(data: Path, out: Path) -> list[str]:
    """The command a user types: ``workbench run profile`` on the file."""
    return [str(BIN / "workbench"), "run", "profile", "-q", "-p", f"data_path={data}",
            "-o", str(out)]  # fmt: skip


def same_results(first: Path, second: Path) -> bool:
    """Whether two runs published byte-identical result files."""
    files = sorted(p.relative_to(first) for p in (first / "results").rglob("*") if p.is_file())
    again = sorted(p.relative_to(second) for p in (second / "results").rglob("*") if p.is_file())
    return files == again and all(
        (first / f).read_bytes() == (second / f).read_bytes() for f in files
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--ydata-venv", type=Path, default=YDATA_VENV)
    parser.add_argument("--repeat", action="store_true", help="run ours twice, compare results")
    args = parser.parse_args(argv)
    ydata = ensure_ydata(args.ydata_venv)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        folder = Path(tmp)
        script = folder / "ydata_run.py"
        script.write_text(_YDATA_SCRIPT, encoding="utf-8")
        print(f"{'rows':>10} {'workbench s':>12} {'ydata s':>8} {'ratio':>6} "
              f"{'workbench cpu':>14} {'ydata cpu':>10} {'ratio':>6}  load average")  # fmt: skip
        for rows in args.rows:
            data = folder / f"가구_{rows}.csv"
            build_table(rows).to_csv(data, index=False, encoding="cp949")
            load = os.getloadavg()[0]
            wall, cpu = timed(ours(data, folder / f"run_{rows}"))
            their_wall, their_cpu = timed(
                [str(ydata), str(script), str(data), str(folder / f"ydata_{rows}.html")]
            )
            print(f"{rows:>10,} {wall:>12.1f} {their_wall:>8.1f} {wall / their_wall:>6.2f} "
                  f"{cpu:>14.1f} {their_cpu:>10.1f} {cpu / their_cpu:>6.2f}  "
                  f"{load:.1f} -> {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
            if args.repeat:
                timed(ours(data, folder / f"again_{rows}"))
                same = same_results(folder / f"run_{rows}", folder / f"again_{rows}")
                print(f"{'':>10} second run: results {'byte-identical' if same else 'DIFFER'}")


if __name__ == "__main__":
    main()
