"""Benchmark: ``workbench batch`` against papermill (a loop, a pool) and the fork floor.

Two notebooks, ``--runs`` runs each (default 40):

- ``household_income`` (pandas, statsmodels, scikit-learn, matplotlib: a group-by, an
  OLS, a chart, a cross-validation) on one 2,000-row sample CSV;
- ``images``: a small notebook whose cells draw a chart and write it as a PNG into a
  folder given as a parameter (one folder per run).

Four ways, in one alternating run (for each notebook: A, B, C, D), each timed around a
subprocess:

1. ``workbench batch NB --matrix M.csv --out DIR -q`` with its defaults (workers = cores);
2. a sequential loop of ``papermill NB OUT.ipynb -p ... -k python3``;
3. the same papermill command in a pool of as many processes as workbench has workers;
4. the fork floor: one interpreter imports the libraries once, then forks a child per run
   (as many at a time as workers) that executes the notebook's code with the run's
   parameters and exits. No notebook, no report, no gate: the limit for isolated runs.

``WORKBENCH_RUN_DIR`` is set for the papermill and floor runs so that ``wb.publish``
writes the same result CSVs. Printed: runs per minute per way, every ratio of workbench
to the others with its goal (>= 10x the loop, >= 0.8x the floor) met or MISSED, whether
workbench's result CSVs and pictures are byte-identical to papermill's, and the time
budget of one workbench run from a small in-process batch with timers around each step:
the batch's wait for a pre-forked kernel, then, in the run driver that runs the row,
the kernel's hand-over, execute, gate, report, manifest and the rest.

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
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from _common import BIN, NOTEBOOK, ROOT, compile_workbench, run_cmd

ROWS = 2_000
LOOP_GOAL = 10.0
FLOOR_GOAL = 0.8
LIBRARIES = ("pandas", "numpy", "statsmodels.api", "sklearn", "matplotlib.pyplot", "workbench")


def image_notebook(path: Path) -> Path:
    """Write the ``images`` notebook: a chart saved as a PNG into ``image_dir``."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    parameters = new_code_cell(
        'label = "가"  # the run\'s label, drawn in the chart and naming the picture\n'
        'image_dir = ""  # folder the picture is written to\n'
        "seed = 0  # random seed of the data drawn"
    )
    parameters.metadata["tags"] = ["parameters"]
    cells = [
        parameters,
        new_code_cell(
            "from pathlib import Path\n\n"
            "import matplotlib.pyplot as plt\n"
            "import numpy as np\n"
            "import pandas as pd\n\n"
            "import workbench as wb\n\n"
            "rng = np.random.default_rng(seed)\n"
            "table = pd.DataFrame({'월': range(1, 13), '값': rng.integers(10, 100, 12)})\n"
            "wb.publish(table, 'monthly', title='월별 값')"
        ),
        new_code_cell(
            "fig, ax = plt.subplots(figsize=(6, 3))\n"
            "ax.bar(table['월'], table['값'], color='#3b6ea5')\n"
            "ax.set_title(f'{label} 월별 값')\n"
            "folder = Path(image_dir)\n"
            "folder.mkdir(parents=True, exist_ok=True)\n"
            "fig.savefig(folder / 'chart.png', dpi=80, metadata={'Software': None})\n"
            "plt.close(fig)"
        ),
    ]
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    nb.metadata["workbench"] = {
        "name": "images",
        "title": "그림 저장",
        "summary": "Benchmark: a chart written as a PNG into a folder given as a parameter",
        "version": "1.0.0",
        "level": "standard",
        "inputs": {},
        "outputs": ["monthly"],
    }
    nbformat.write(nb, path)
    return path


def setup(work: Path, runs: int) -> dict[str, dict[str, Any]]:
    """Write the data, notebooks and matrices (untimed); return the two cases."""
    import workbench
    import workbench.samples

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    compile_workbench()
    csv = workbench.samples.write("households", work / "households.csv", n=ROWS, seed=0)
    images = image_notebook(work / "images.ipynb")
    cases: dict[str, dict[str, Any]] = {
        "household_income": {
            "notebook": NOTEBOOK,
            "rows": [{"data_path": str(csv.resolve())} for _ in range(runs)],
        },
        "images": {
            "notebook": images,
            # image_dir is filled in per way: {way} is replaced by the way's folder.
            "rows": [
                {"label": f"기관{i:03d}", "image_dir": f"{{way}}/run-{i:03d}/images", "seed": i}
                for i in range(runs)
            ],
        },
    }
    return cases


def params_for(row: dict[str, Any], way_dir: Path) -> dict[str, Any]:
    return {
        k: v.replace("{way}", str(way_dir)) if isinstance(v, str) else v for k, v in row.items()
    }


def write_matrix(path: Path, rows: list[dict[str, Any]], way_dir: Path) -> Path:
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["run_id", *rows[0]])
        writer.writeheader()
        for i, row in enumerate(rows):
            writer.writerow({"run_id": f"run-{i:03d}", **params_for(row, way_dir)})
    return path


def papermill_once(notebook: Path, params: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True)
    env = {**os.environ, "WORKBENCH_RUN_DIR": str(out)}
    cmd = [str(BIN / "papermill"), str(notebook), str(out / "notebook.ipynb")]
    for key, value in params.items():
        cmd += ["-p", key, str(value)]
    run_cmd([*cmd, "-k", "python3", "--no-progress-bar"], env)


def way_workbench(case: dict[str, Any], out: Path) -> float:
    matrix = write_matrix(out.parent / f"{out.name}-matrix.csv", case["rows"], out)
    start = time.perf_counter()
    cmd = [str(BIN / "workbench"), "batch", str(case["notebook"]), "--matrix", str(matrix)]
    run_cmd([*cmd, "--out", str(out), "-q"])
    return time.perf_counter() - start


def way_loop(case: dict[str, Any], out: Path) -> float:
    start = time.perf_counter()
    for i, row in enumerate(case["rows"]):
        papermill_once(case["notebook"], params_for(row, out), out / f"run-{i:03d}")
    return time.perf_counter() - start


def way_pool(case: dict[str, Any], out: Path, workers: int) -> float:
    def one(i: int) -> None:
        row = case["rows"][i]
        papermill_once(case["notebook"], params_for(row, out), out / f"run-{i:03d}")

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(len(case["rows"]))))
    return time.perf_counter() - start


def way_floor(case: dict[str, Any], out: Path, workers: int) -> float:
    spec = out.parent / f"{out.name}-floor.json"
    runs = [
        {"run_dir": str(out / f"run-{i:03d}"), "params": params_for(row, out)}
        for i, row in enumerate(case["rows"])
    ]
    spec.write_text(
        json.dumps({"notebook": str(case["notebook"]), "workers": workers, "runs": runs}),
        encoding="utf-8",
    )
    start = time.perf_counter()
    run_cmd([sys.executable, __file__, "--floor", str(spec)])
    return time.perf_counter() - start


def floor_main(spec_path: Path) -> int:
    """The fork floor (run as a subprocess): import once, fork one child per run."""
    import importlib

    import nbformat

    os.environ["MPLBACKEND"] = "Agg"
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    nb = nbformat.read(spec["notebook"], as_version=4)
    before: list[str] = []
    after: list[str] = []
    seen_parameters = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = [ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        (after if seen_parameters else before).append("\n".join(lines))
        seen_parameters = seen_parameters or "parameters" in cell.metadata.get("tags", [])
    for name in LIBRARIES:
        importlib.import_module(name)
    running: set[int] = set()
    for run in spec["runs"]:
        while len(running) >= spec["workers"]:
            pid, status = os.wait()
            running.discard(pid)
            if status:
                return 1
        Path(run["run_dir"]).mkdir(parents=True)
        injected = "\n".join(f"{k} = {v!r}" for k, v in run["params"].items())
        code = "\n".join([*before, injected, *after])
        pid = os.fork()
        if pid == 0:
            try:
                os.environ["WORKBENCH_RUN_DIR"] = run["run_dir"]
                exec(compile(code, spec["notebook"], "exec"), {"__name__": "__main__"})
                sys.stdout.flush()
            except BaseException:
                import traceback

                traceback.print_exc()
                os._exit(1)
            os._exit(0)
        running.add(pid)
    while running:
        pid, status = os.wait()
        running.discard(pid)
        if status:
            return 1
    return 0


def same_results(ours: Path, theirs: Path, runs: int) -> bool:
    """Every run's result CSVs and pictures equal the papermill loop's, byte for byte."""
    for i in range(runs):
        a, b = ours / f"run-{i:03d}", theirs / f"run-{i:03d}"
        names = sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.suffix in (".csv", ".png"))
        if not names:
            return False
        if any(
            not (a / n).is_file() or (a / n).read_bytes() != (b / n).read_bytes() for n in names
        ):
            return False
    return True


#: Installed (as ``sitecustomize``) in the run drivers of the budget's batch: times each
#: step where it runs now, in the drivers, and appends "step<TAB>seconds" lines to a file.
BUDGET_HOOK = """
import os, sys, threading, time

if os.environ.get("WB_BUDGET_FILE") and any(
    a.endswith("executors.local.drivers") for a in getattr(sys, "orig_argv", [])
):
    from workbench._lazy import skip_unused_imports

    skip_unused_imports()
    import workbench.runner._engine as engine
    import workbench.runner._gate as gate
    import workbench.runner._report as report
    from workbench.runner import _rundir
    from workbench.runner.batch import task
    from workbench.runner.batch.executors.local import pool

    _lock = threading.Lock()

    def timed(owner, name, step):
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                line = f"{step}\\t{time.perf_counter() - start}\\n"
                with _lock, open(os.environ["WB_BUDGET_FILE"], "a") as handle:
                    handle.write(line)

        setattr(owner, name, wrapper)

    timed(pool, "bind", "hand-over (driver)")
    timed(engine, "execute", "execute")
    timed(gate, "check_outputs", "gate")
    timed(report, "write_report", "report")
    timed(_rundir.RunDir, "hash_results", "manifest")
    timed(_rundir.RunDir, "finish", "manifest")
    timed(task, "attempt", "whole run (driver)")
"""


def budget(case: dict[str, Any], out: Path, runs: int, workers: int) -> dict[str, float]:
    """Seconds per run spent in each step of a workbench run (an in-process batch).

    The batch's process only waits for a pre-forked kernel (timed here); the rest of a
    run happens in a run driver, timed there by :data:`BUDGET_HOOK`.
    """
    import threading

    from workbench.runner import run_batch
    from workbench.runner.batch.executors.local import pool

    spent: dict[str, float] = defaultdict(float)
    waits: list[float] = []
    lock = threading.Lock()
    original = pool.KernelPool.take

    def take(self: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(self)
        finally:
            with lock:
                waits.append(time.perf_counter() - start)

    hook = out.parent / f"{out.name}-hook"
    hook.mkdir(parents=True, exist_ok=True)
    (hook / "sitecustomize.py").write_text(BUDGET_HOOK, encoding="utf-8")
    record = out.parent / f"{out.name}-steps.tsv"
    record.unlink(missing_ok=True)
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "WB_BUDGET_FILE")}
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(hook), saved["PYTHONPATH"]) if p)
    os.environ["WB_BUDGET_FILE"] = str(record)
    pool.KernelPool.take = take  # type: ignore[method-assign]
    rows = case["rows"][:runs]
    matrix = write_matrix(out.parent / f"{out.name}-matrix.csv", rows, out)
    start = time.perf_counter()
    try:
        run_batch(case["notebook"], matrix, out=out, workers=workers)
    finally:
        pool.KernelPool.take = original  # type: ignore[method-assign]
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    wall = time.perf_counter() - start
    if record.is_file():
        for line in record.read_text(encoding="utf-8").splitlines():
            step, seconds = line.split("\t")
            spent[step] += float(seconds)
    per_run = {k: v / len(rows) for k, v in spent.items()}
    whole = per_run.get("whole run (driver)", 0.0)
    per_run["other (driver)"] = whole - sum(
        v for k, v in per_run.items() if k != "whole run (driver)"
    )
    # The first rows wait for the fork server's imports; later ones for a kernel that
    # was not forked and warmed ahead of them (0 when the pool keeps ahead).
    first, later = waits[:workers], waits[workers:]
    per_run["kernel wait, first rows"] = sum(first) / max(len(first), 1)
    per_run["kernel wait, later rows"] = sum(later) / max(len(later), 1)
    per_run["batch wall / runs"] = wall / len(rows)
    return per_run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--budget-runs", type=int, default=6)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "_work" / "batch")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        return floor_main(args.floor)

    work = args.work.resolve()
    load = [round(x, 1) for x in os.getloadavg()]
    workers = os.cpu_count() or 1
    cases = setup(work, args.runs)
    print("warm-up (font cache, .pyc files)", file=sys.stderr)
    for name, case in cases.items():
        papermill_once(case["notebook"], params_for(case["rows"][0], work), work / f"warm-{name}")

    report: dict[str, Any] = {"runs": args.runs, "rows": ROWS, "workers": workers, "cases": {}}
    for name, case in cases.items():
        seconds = {}
        ways = {
            "workbench batch": ("workbench", lambda out, c=case: way_workbench(c, out)),
            "papermill loop": ("loop", lambda out, c=case: way_loop(c, out)),
            f"papermill pool x{workers}": ("pool", lambda out, c=case: way_pool(c, out, workers)),
            f"fork floor x{workers}": ("floor", lambda out, c=case: way_floor(c, out, workers)),
        }
        for way, (folder, fn) in ways.items():  # alternating: each way in turn
            print(f"{name}: {way} ...", file=sys.stderr)
            seconds[way] = fn(work / name / folder)
        rate = {way: args.runs / s * 60 for way, s in seconds.items()}
        print(f"\n{args.runs} runs of {name}, {workers} cores")
        print(f"{'way':<22}{'seconds':>9}{'runs/min':>10}")
        for way, s in seconds.items():
            print(f"{way:<22}{s:>9.1f}{rate[way]:>10.1f}")
        ours = rate["workbench batch"]
        ratios = {way: ours / r for way, r in rate.items() if way != "workbench batch"}
        goals = {"papermill loop": LOOP_GOAL, f"fork floor x{workers}": FLOOR_GOAL}
        for way, ratio in ratios.items():
            goal = goals.get(way)
            verdict = f" (goal >= {goal}x): {'met' if ratio >= goal else 'MISSED'}" if goal else ""
            print(f"workbench / {way} = {ratio:.2f}x{verdict}")
        identical = same_results(work / name / "workbench", work / name / "loop", args.runs)
        print(f"results workbench vs papermill: {'identical' if identical else 'DIFFERENT'}")
        report["cases"][name] = {
            "seconds": seconds,
            "runs_per_minute": rate,
            "ratios": ratios,
            "goals_met": {w: ratios[w] >= g for w, g in goals.items()},
            "results_identical": identical,
        }

    print(f"\nTime budget of one workbench run ({args.budget_runs} runs, seconds per run):")
    steps = budget(cases["household_income"], work / "budget", args.budget_runs, workers)
    for step, value in steps.items():
        print(f"  {step:<26}{value:>7.2f}")
    report["budget_seconds_per_run"] = steps
    # The machine may be shared: say how busy it was (1, 5, 15-minute load averages).
    report["load_average"] = {"start": load, "end": list(os.getloadavg())}
    print(f"\nload average at start {load}, at end {[round(x, 1) for x in os.getloadavg()]}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
