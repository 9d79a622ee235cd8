"""Benchmark: ``workbench run`` against papermill + nbconvert and against a plain script.

The same analysis (``notebooks/standard/household_income.ipynb``: pandas, statsmodels,
scikit-learn, matplotlib; a group-by, an OLS, a chart, a cross-validation) on a
10,000-row sample CSV is run five ways, each as a subprocess of this one:

1. ``workbench run household_income -p data_path CSV --out DIR -q`` (report included)
   with its warm kernel server (``workbench serve``) already running: an analyst's run
   after run;
2. the same with no server running: the run starts the server and waits for its
   imports (an analyst's first run of the day, or after 10 idle minutes);
3. the same with ``--no-serve``: a fresh kernel process;
4. ``papermill NB OUT.ipynb -p data_path CSV -k python3`` then
   ``jupyter nbconvert --to html --no-input OUT.ipynb`` (timed as a pair, parts recorded);
5. ``python script.py``: the papermill-parameterised notebook exported to a script with
   nbconvert's PythonExporter, run with ``MPLBACKEND=Agg``.

The server lives in a folder of the benchmark's own (``$WORKBENCH_SERVE_DIR``) and is
stopped (untimed) before each run of way 2 and at the end. ``WORKBENCH_RUN_DIR`` is set
for ways 4 and 5 as well, so ``wb.publish`` writes the same
result CSVs in every way. workbench's own modules are compiled to .pyc first (as a wheel
install would). After one untimed warm-up of each (font cache, .pyc files) the
ways run round-robin ``--repeat`` times, each timed with ``time.perf_counter()`` around
``subprocess.run``. Printed: median/min/max seconds, the load average, and for each
workbench way the ratio to papermill + nbconvert (goal <= 0.5) and the gap to the script
(goal <= 0.50 s; issue 15), met or missed, and whether the published CSVs of every way
are byte-identical.

Run: ``.venv/bin/python benchmarks/bench_run.py [--repeat 5] [--work DIR] [--json FILE]``.
Exits 0 whether or not the goals are met; non-zero only when a command fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

from _common import BIN, NOTEBOOK, ROOT, compile_workbench, run_cmd

ROWS = 10_000
RATIO_GOAL = 0.5
GAP_GOAL = 0.5


def setup(work: Path) -> tuple[Path, Path]:
    """Write the data, a parameterised notebook and the script (untimed)."""
    import papermill
    from nbconvert import PythonExporter

    import workbench
    import workbench.samples

    shutil.rmtree(work / "runs", ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    compile_workbench()
    csv = workbench.samples.write("households", work / "households.csv", n=ROWS, seed=0)
    csv = csv.resolve()
    prepared = work / "prepared.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(prepared),
        parameters={"data_path": str(csv)},
        prepare_only=True,
        kernel_name="python3",
        progress_bar=False,
    )
    source, _ = PythonExporter().from_filename(str(prepared))
    # IPython-only lines (magics become get_ipython() calls) have no meaning in a script.
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith("get_ipython(")]
    script = work / "script.py"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return csv, script


def make_ways(work: Path, csv: Path, script: Path) -> dict:
    """Return {way: function(tag) -> (seconds, parts, run dir)} and a server stopper."""
    runs = work / "runs"

    def env_for(run_dir: Path, **extra: str) -> dict[str, str]:
        return {**os.environ, "WORKBENCH_RUN_DIR": str(run_dir), **extra}

    serve_env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_NO_SERVE"}
    serve_env["WORKBENCH_SERVE_DIR"] = str(work / "serve")
    wb_cmd = [str(BIN / "workbench"), "run", "household_income", "-p", "data_path", str(csv)]

    def stop_server() -> None:
        run_cmd([str(BIN / "workbench"), "serve", "--stop"], serve_env)

    def warm_server(tag: str):
        out = runs / f"workbench-{tag}"
        run_cmd([str(BIN / "workbench"), "serve"], serve_env)  # untimed: it is up already
        return run_cmd([*wb_cmd, "--out", str(out), "-q"], serve_env), {}, out

    def cold_server(tag: str):
        out = runs / f"workbench-cold-{tag}"
        stop_server()
        return run_cmd([*wb_cmd, "--out", str(out), "-q"], serve_env), {}, out

    def fresh_kernel(tag: str):
        out = runs / f"workbench-no-serve-{tag}"
        return run_cmd([*wb_cmd, "--out", str(out), "-q", "--no-serve"], serve_env), {}, out

    def papermill_nbconvert(tag: str):
        out = runs / f"papermill-{tag}"
        out.mkdir(parents=True)
        nb = out / "notebook.ipynb"
        pm = [str(BIN / "papermill"), str(NOTEBOOK), str(nb), "-p", "data_path", str(csv)]
        t_pm = run_cmd([*pm, "-k", "python3"], env_for(out))
        nbc = [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)]
        t_nbc = run_cmd(nbc)
        return t_pm + t_nbc, {"papermill": t_pm, "nbconvert": t_nbc}, out

    def plain_script(tag: str):
        out = runs / f"script-{tag}"
        out.mkdir(parents=True)
        env = env_for(out, MPLBACKEND="Agg")
        return run_cmd([sys.executable, str(script)], env), {}, out

    ways = {
        "workbench": warm_server,
        "workbench (cold server)": cold_server,
        "workbench --no-serve": fresh_kernel,
        "papermill+nbconvert": papermill_nbconvert,
        "script": plain_script,
    }
    return ways, stop_server


def summary(times: list[float]) -> dict:
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "all": times}


def compare_results(dirs: dict[str, Path]) -> dict[str, str]:
    """Byte-compare each way's results/*.csv with the workbench run's."""
    ref = dirs["workbench"] / "results"
    names = sorted(p.name for p in ref.glob("*.csv"))
    verdict = {}
    for way, run_dir in dirs.items():
        if way == "workbench":
            continue
        other = run_dir / "results"
        same = sorted(p.name for p in other.glob("*.csv")) == names and all(
            (ref / n).read_bytes() == (other / n).read_bytes() for n in names
        )
        verdict[way] = "OK" if same and names else "DIFFERENT"
    return verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each way")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "_work")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    csv, script = setup(work)
    ways, stop_server = make_ways(work, csv, script)
    times: dict[str, list[float]] = {w: [] for w in ways}
    parts: dict[str, list[float]] = {"papermill": [], "nbconvert": []}
    last: dict[str, Path] = {}
    loads = [os.getloadavg()[0]]
    try:
        for way, fn in ways.items():
            print(f"warm-up: {way}", file=sys.stderr)
            fn("warmup")
        for i in range(args.repeat):
            for way, fn in ways.items():
                seconds, split, last[way] = fn(str(i))
                times[way].append(seconds)
                for k, v in split.items():
                    parts[k].append(v)
            loads.append(os.getloadavg()[0])
            print(f"round {i + 1}/{args.repeat} done", file=sys.stderr)
    finally:
        stop_server()

    stats = {w: summary(t) for w, t in times.items()}
    stats.update({f"  {k}": summary(v) for k, v in parts.items()})
    print(f"\n{ROWS:,} rows, {args.repeat} rounds (seconds)")
    print(f"load average (1 min) during the rounds: {min(loads):.1f}-{max(loads):.1f}")
    print(f"{'way':<26}{'median':>8}{'min':>8}{'max':>8}")
    for way, s in stats.items():
        print(f"{way:<26}{s['median']:>8.2f}{s['min']:>8.2f}{s['max']:>8.2f}")
    goals = {}
    for way in ("workbench", "workbench (cold server)", "workbench --no-serve"):
        wb = stats[way]["median"]
        ratio = wb / stats["papermill+nbconvert"]["median"]
        gap = wb - stats["script"]["median"]
        goals[way] = {
            "ratio_over_papermill_nbconvert": ratio,
            "ratio_goal_met": ratio <= RATIO_GOAL,
            "gap_minus_script_seconds": gap,
            "gap_goal_met": gap <= GAP_GOAL,
        }
        print(
            f"{way}: /papermill+nbconvert = {ratio:.2f} (goal <= {RATIO_GOAL}: "
            f"{'met' if ratio <= RATIO_GOAL else 'MISSED'}); - script = {gap:+.2f} s "
            f"(goal <= {GAP_GOAL:.2f} s: {'met' if gap <= GAP_GOAL else 'MISSED'})"
        )
    same = compare_results(last)
    for way, verdict in same.items():
        print(f"result CSVs workbench vs {way}: {verdict}")
    if args.json:
        report = {
            "rows": ROWS,
            "repeat": args.repeat,
            "load_average": loads,
            "ways": {w.strip(): s for w, s in stats.items()},
            "ratio_goal": RATIO_GOAL,
            "gap_goal_seconds": GAP_GOAL,
            "goals": goals,
            "results_identical": same,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
