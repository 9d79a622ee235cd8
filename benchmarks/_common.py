"""What the benchmarks share: paths, a checked timed command, and compiled modules."""

from __future__ import annotations

import compileall
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "standard" / "household_income.ipynb"
BIN = Path(sys.executable).parent


def run_cmd(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """Run ``cmd`` and return its wall time in seconds; on failure print stderr and exit."""
    start = time.perf_counter()
    try:
        subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr.decode("utf-8", "replace")[-4000:])
        sys.exit(f"command failed (exit {exc.returncode}): {' '.join(cmd)}")
    return time.perf_counter() - start


def compile_workbench() -> None:
    """Compile workbench's modules as a wheel install would.

    pip compiles installed packages to .pyc, but an editable checkout's own modules are
    compiled on first import - and never, where PYTHONDONTWRITEBYTECODE is set (as on
    these machines), which would charge workbench ~0.15 s a run that a user never pays.
    """
    import workbench

    compileall.compile_dir(str(Path(workbench.__file__).parent), quiet=1)
