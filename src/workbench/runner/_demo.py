"""The demo: sample data in a fresh folder, two standard analyses run on it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from workbench import samples
from workbench._korean import josa
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
    folder = Path(os.path.abspath(out))
    if folder.is_symlink():
        raise RunExistsError(
            f"데모 폴더 {folder}{josa(folder, '은/는')} 심볼릭 링크입니다. 다른 --out을 지정하세요."
        )
    if folder.exists() and not folder.is_dir():
        raise RunExistsError(
            f"{folder}{josa(folder, '은/는')} 폴더가 아니라 파일입니다. 다른 --out을 지정하세요."
        )
    again = folder.exists() and any(folder.iterdir())
    if again:
        _check_replaceable(folder, force)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by `workbench demo`\n", encoding="utf-8")
    data = folder / "data" / "households.csv"
    data.unlink(missing_ok=True)
    data = samples.write("households", data, encoding="cp949", n=rows, seed=seed)
    say = progress or (lambda message: None)
    say(f"예시 자료: {data} (CP949, {rows:,}가구)")
    results = []
    for name in DEMO_ANALYSES:
        say(f"분석 실행: {name}")
        out_dir = folder / "runs" / name
        results.append(run_analysis(name, {"data_path": str(data)}, out=out_dir, force=again))
    return results


def _check_replaceable(folder: Path, force: bool) -> None:
    """Refuse to redo a demo folder unless ``force`` and it holds only what the demo wrote."""
    if not force:
        raise RunExistsError(
            f"데모 폴더 {folder}{josa(folder, '이/가')} 이미 있습니다. 다시 만들려면 --force, "
            "다른 곳에 만들려면 "
            "--out을 주세요."
        )
    if not (folder / MARKER).is_file():
        raise RunExistsError(
            f"{folder}{josa(folder, '은/는')} `workbench demo`가 만든 폴더가 아닙니다. "
            "--force로도 지우지 "
            "않습니다. 다른 --out을 지정하세요."
        )
    expected = {
        MARKER,
        "data",
        "data/households.csv",
        "runs",
        *(f"runs/{n}" for n in DEMO_ANALYSES),
    }
    found = {
        p.relative_to(folder).as_posix()
        for p in [*folder.iterdir(), *folder.glob("data/*"), *folder.glob("runs/*")]
    }
    foreign = sorted(found - expected)
    if foreign:
        raise RunExistsError(
            f"데모 폴더 {folder}에 데모가 만들지 않은 파일이 있습니다 ({', '.join(foreign[:5])}). "
            "지우지 않았습니다: 옮긴 뒤 다시 하거나 다른 --out을 지정하세요."
        )
