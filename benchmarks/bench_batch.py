"""Benchmark: ``workbench batch`` against a sequential papermill loop and a papermill pool.

40 runs of ``notebooks/standard/household_income.ipynb`` (pandas, statsmodels,
scikit-learn, matplotlib: a group-by, an OLS, a chart, a cross-validation) on one
2,000-row sample CSV, three ways, each timed around subprocesses:

1. ``workbench batch household_income --matrix M.csv --out DIR -q`` with its defaults
   (workers = cores; pre-started kernels forked from a pre-imported interpreter; reports
   exported in-process; the shared CSV read once, to Parquet);
2. a sequential loop of ``papermill NB OUT.ipynb -p data_path CSV -k python3``;
3. the same papermill command in a pool of as many processes as workbench has workers.

``WORKBENCH_RUN_DIR`` is set for the papermill runs so that ``wb.publish`` writes the same
result CSVs. Printed: runs per minute for each way, the ratios of workbench to the two
papermill ways (goals: >= 3x the loop, >= 1.4x the pool), and whether workbench's result
CSVs are byte-identical to papermill's (isolation and outputs intact). papermill writes no
HTML report; workbench does (its runs do more work).

Run: ``.venv/bin/python benchmarks/bench_batch.py [--runs 40] [--work DIR] [--json FILE]``.
Exits 0 whether or not the goals are met; non-zero only when a command fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _common import BIN, NOTEBOOK, ROOT, compile_workbench, run_cmd

ROWS = 2_000
LOOP_GOAL = 3.0
POOL_GOAL = 1.4


def setup(work: Path, runs: int) -> tuple[Path, Path]:
    """Write the data and the matrix (untimed)."""
    import workbench
    import workbench.samples

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    compile_workbench()
    csv = workbench.samples.write("households", work / "households.csv", n=ROWS, seed=0)
    matrix = work / "matrix.csv"
    lines = ["run_id,data_path"] + [f"run-{i:03d},{csv.resolve()}" for i in range(runs)]
    matrix.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return csv.resolve(), matrix


def papermill_once(csv: Path, out: Path) -> None:
    out.mkdir(parents=True)
    env = {**os.environ, "WORKBENCH_RUN_DIR": str(out)}
    cmd = [str(BIN / "papermill"), str(NOTEBOOK), str(out / "notebook.ipynb")]
    run_cmd([*cmd, "-p", "data_path", str(csv), "-k", "python3", "--no-progress-bar"], env)


def way_workbench(work: Path, matrix: Path) -> float:
    start = time.perf_counter()
    cmd = [str(BIN / "workbench"), "batch", "household_income", "--matrix", str(matrix)]
    run_cmd([*cmd, "--out", str(work / "workbench"), "-q"])
    return time.perf_counter() - start


def way_loop(work: Path, csv: Path, runs: int) -> float:
    start = time.perf_counter()
    for i in range(runs):
        papermill_once(csv, work / "loop" / f"run-{i:03d}")
    return time.perf_counter() - start


def way_pool(work: Path, csv: Path, runs: int, workers: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        done = pool.map(lambda i: papermill_once(csv, work / "pool" / f"run-{i:03d}"), range(runs))
        list(done)
    return time.perf_counter() - start


def same_results(work: Path, runs: int) -> bool:
    """Every workbench run's result CSVs equal the papermill loop's, byte for byte."""
    for i in range(runs):
        ours = work / "workbench" / f"run-{i:03d}" / "results"
        theirs = work / "loop" / f"run-{i:03d}" / "results"
        names = sorted(p.name for p in theirs.glob("*.csv"))
        if not names or names != sorted(p.name for p in ours.glob("*.csv")):
            return False
        if any((ours / n).read_bytes() != (theirs / n).read_bytes() for n in names):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "_work" / "batch")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    workers = os.cpu_count() or 1
    csv, matrix = setup(work, args.runs)
    print("warm-up (font cache, .pyc files)", file=sys.stderr)
    papermill_once(csv, work / "warm-up")

    seconds = {}
    print("workbench batch ...", file=sys.stderr)
    seconds["workbench batch"] = way_workbench(work, matrix)
    print("papermill sequential loop ...", file=sys.stderr)
    seconds["papermill loop"] = way_loop(work, csv, args.runs)
    print(f"papermill pool ({workers} processes) ...", file=sys.stderr)
    seconds[f"papermill pool x{workers}"] = way_pool(work, csv, args.runs, workers)

    rate = {way: args.runs / s * 60 for way, s in seconds.items()}
    print(f"\n{args.runs} runs of household_income ({ROWS:,} rows), {workers} cores")
    print(f"{'way':<22}{'seconds':>9}{'runs/min':>10}")
    for way, s in seconds.items():
        print(f"{way:<22}{s:>9.1f}{rate[way]:>10.1f}")
    ours = rate["workbench batch"]
    vs_loop = ours / rate["papermill loop"]
    vs_pool = ours / rate[f"papermill pool x{workers}"]
    print(f"workbench / papermill loop = {vs_loop:.2f}x (goal >= {LOOP_GOAL}x): "
          f"{'met' if vs_loop >= LOOP_GOAL else 'MISSED'}")  # fmt: skip
    print(f"workbench / papermill pool = {vs_pool:.2f}x (goal >= {POOL_GOAL}x): "
          f"{'met' if vs_pool >= POOL_GOAL else 'MISSED'}")  # fmt: skip
    identical = same_results(work, args.runs)
    print(f"result CSVs workbench vs papermill: {'identical' if identical else 'DIFFERENT'}")
    if args.json:
        report = {
            "runs": args.runs,
            "rows": ROWS,
            "workers": workers,
            "seconds": seconds,
            "runs_per_minute": rate,
            "ratio_vs_loop": vs_loop,
            "ratio_vs_pool": vs_pool,
            "results_identical": identical,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
