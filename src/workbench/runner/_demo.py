"""The demo: sample data in a fresh folder, two standard analyses run on it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from workbench import samples
from workbench.exceptions import RunExistsError
from workbench.runner._run import RunResult, run_analysis

__all__ = ["DEMO_ANALYSES", "demo"]

MARKER = ".workbench-demo"
DEMO_ANALYSES = ("profile", "household_income")


def demo(
    out: str | os.PathLike[str] = "workbench-demo",
    *,
    force: bool = False,
    rows: int = 2000,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> list[RunResult]:
    """Run each of :data:`DEMO_ANALYSES` on sample data in a fresh folder.

    Sample households are written to ``out/data`` as a CP949 CSV (as public-data portals
    publish them); each analysis runs into ``out/runs/<name>``.

    Returns
    -------
    list of RunResult
        One per analysis, in order.
    """
    folder = Path(out).resolve()
    if folder.exists() and any(folder.iterdir()):
        if not force:
            raise RunExistsError(
                f"Demo folder {folder} already exists. Pass --force to recreate it, or --out "
                "to choose another folder."
            )
        if not (folder / MARKER).exists():
            raise RunExistsError(
                f"{folder} is not a demo folder made by `workbench demo`; refusing to delete it."
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by `workbench demo`\n", encoding="utf-8")
    data = samples.write(
        "households", folder / "data" / "households.csv", encoding="cp949", n=rows, seed=seed
    )
    say = progress or (lambda message: None)
    say(f"예시 자료: {data} (CP949, {rows:,}가구)")
    results = []
    for name in DEMO_ANALYSES:
        say(f"분석 실행: {name}")
        results.append(run_analysis(name, {"data_path": str(data)}, out=folder / "runs" / name))
    return results
