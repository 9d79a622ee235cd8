"""Explain a failed run in one screen: which cell, what it was doing, and why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from workbench.exceptions import WorkbenchError
from workbench.runner._registry import HIDDEN_TAGS, Analysis

__all__ = [
    "ExecutionFailedError",
    "describe_failure",
    "masked",
    "outside_failure",
    "short_cause",
]


@dataclass
class ExecutionFailedError(WorkbenchError):
    """A run that did not complete, with where and why."""

    reason: str  # cell_error | dead_kernel | timeout | interrupted
    cell_index: int | None  # index in the executed notebook (includes injected cells)
    error_name: str
    error_value: str
    traceback: str = ""

    def __str__(self) -> str:
        return f"{self.error_name}: {self.error_value}"


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_REASONS = {
    "cell_error": "셀 실행 중 오류",
    "dead_kernel": "커널이 종료됨 (프로세스가 죽음: 메모리 부족, os._exit, 충돌 등)",
    "timeout": "시간 초과",
    "interrupted": "사용자가 중단함",
    "stopped": "노트북이 마지막 셀 전에 멈춤 (sys.exit, exit() 또는 커널 종료)",
    "output_limit": "출력이 너무 큼 (끝없이 출력하는 셀): 출력을 줄이거나 파일로 쓰세요",
}
_TRACEBACK_LINES = 8
_ERROR_TAG = "papermill-error-cell-tag"


def _source_cell_number(executed: nbformat.NotebookNode | None, index: int | None) -> int | None:
    """Map an index in the executed notebook to the 1-based cell number in the source."""
    if index is None:
        return None
    if executed is None:
        return index + 1
    hidden = {*HIDDEN_TAGS, "papermill-error-cell-tag"}
    skipped = sum(
        1
        for cell in executed.cells[: index + 1]
        if hidden & set(cell.get("metadata", {}).get("tags", []))
    )
    return index + 1 - skipped


def describe_failure(
    analysis: Analysis, executed_path: Path, failure: Any
) -> tuple[str, int | None]:
    """Return (message, source cell number) for an :class:`ExecutionFailedError`."""
    try:
        executed = nbformat.read(executed_path, as_version=4)
    except (OSError, ValueError):
        executed = None
    index = failure.cell_index
    if executed is not None and index is not None and failure.reason == "cell_error":
        # papermill put an error banner at the top before raising: find the real cell.
        for i, cell in enumerate(executed.cells):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                index = i
                break
    number = _source_cell_number(executed, index)
    cell_text = ""
    if executed is not None and index is not None and index < len(executed.cells):
        lines = [line for line in executed.cells[index].source.splitlines() if line.strip()]
        cell_text = lines[0][:100] if lines else ""
    where = f"셀 {number}" if number is not None else "커널 시작 중"
    if cell_text:
        where += f" (`{cell_text}`)"
    parts = [
        f"분석 '{analysis.name}' 실패: {_REASONS.get(failure.reason, failure.reason)}",
        f"  위치: {where}",
        f"  원인: {failure.error_name}: {failure.error_value}".rstrip(": "),
    ]
    if failure.traceback:
        lines = _ANSI.sub("", failure.traceback).strip().splitlines()
        tail = [line for line in lines if line.strip(" -")][-_TRACEBACK_LINES:]
        parts.append("  추적 (마지막 줄):")
        parts.extend("    " + line for line in tail)
    return "\n".join(parts), number


def short_cause(message: str, width: int = 160) -> str:
    r"""Return the line of a run's error message that says why, fit for a list of runs.

    The ``원인:`` line if there is one, else the first line, cut to ``width``. A cause that
    quotes personal information (an error message can hold a value of the data) is
    replaced by a pointer to the run's manifest.

    >>> short_cause("분석 실패\n  원인: ValueError: 열 '소득'이 없습니다\n  추적: ...")
    "ValueError: 열 '소득'이 없습니다"
    >>> short_cause("원인: ValueError: 잘못된 번호 900101-1234568")
    '(개인정보가 들어 있어 생략합니다: 실행 폴더의 manifest.json을 보세요)'
    """
    from workbench.ethics import scan_text

    lines = [line.strip() for line in message.splitlines() if line.strip()]
    line = next((x for x in lines if x.startswith("원인:")), lines[0] if lines else "")
    line = line.removeprefix("원인:").strip()
    if line and scan_text([line]):
        return "(개인정보가 들어 있어 생략합니다: 실행 폴더의 manifest.json을 보세요)"
    return line if len(line) <= width else line[: width - 1] + "…"


def masked(text: str) -> str:
    """Return ``text`` with personal information masked (before a manifest or terminal).

    An error message can quote a value of the data (``ValueError: 잘못된 번호 900101-…``).
    """
    if not text:
        return text
    from workbench.ethics import mask_text

    return str(mask_text(text))


def outside_failure(exc: BaseException) -> str:
    """Say in one line, in Korean, why a run stopped outside the notebook."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        where = f" ({exc.filename})" if exc.filename else ""
        return (
            f"디스크 공간이 부족하여 실행을 끝내지 못했습니다{where}. 공간을 확보한 뒤 다시 "
            "실행하세요 (결과는 공개되지 않았습니다)."
        )
    if isinstance(exc, OSError):
        where = f" {exc.filename}:" if exc.filename else ""
        return f"파일을 쓰거나 읽지 못해 실행이 멈췄습니다:{where} {exc.strerror or exc}."
    return f"노트북 밖에서 실행이 멈췄습니다: {type(exc).__name__}: {exc}"
