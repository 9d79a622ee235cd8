"""``%%wb_check``: run a cell, check what it would show, show only what passes.

The cell's outputs (printed text, rich displays, the value of its last line, warnings on
stderr) are captured in order, each is checked with the release gate's own functions
(the text the gate reads from an output, the findings a displayed result carries, the
personal-information scan), and only outputs with no ``fail`` finding are shown. For each
held output a Korean notice says what was found and how often -- never the value.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import nbformat

from workbench._korean import josa
from workbench.exceptions import WorkbenchError

__all__ = ["CheckedCell", "OutputHeldError", "check_output", "run_checked"]

_NOTICE_STYLE = (
    "border-left:4px solid #c0504d;background:#fbeeee;padding:6px 10px;margin:4px 0;"
    "font-size:0.95em"
)
# Text-like representations the scan also reads, beyond what the gate reads.
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class OutputHeldError(WorkbenchError):
    """The cell failed, and its error message holds personal information (not shown)."""


@dataclass
class CheckedCell:
    """What ``%%wb_check`` saw: every output, and which were held back and why."""

    outputs: list[nbformat.NotebookNode] = field(default_factory=list)
    held: dict[int, list[Any]] = field(default_factory=dict)  # output index -> findings
    error: BaseException | None = None


class _Sink(io.TextIOBase):
    """A stream that appends what is written to the ordered list of outputs."""

    def __init__(self, name: str, outputs: list[Any]) -> None:
        self.name = name
        self._outputs = outputs

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._outputs.append(("stream", self.name, text))
        return len(text)


@contextmanager
def _capture(shell: Any) -> Iterator[list[Any]]:
    """Capture displays, the displayhook and both streams into one ordered list.

    Like :class:`IPython.utils.capture.capture_output`, but streams and displays share
    one list, so that the outputs are shown again in the order the cell made them.
    """
    from IPython.core.displayhook import CapturingDisplayHook
    from IPython.core.displaypub import CapturingDisplayPublisher

    outputs: list[Any] = []
    saved = (sys.stdout, sys.stderr, sys.displayhook, shell.display_pub)
    publisher = CapturingDisplayPublisher()
    publisher.outputs = outputs
    sys.stdout, sys.stderr = _Sink("stdout", outputs), _Sink("stderr", outputs)
    sys.displayhook = CapturingDisplayHook(shell=shell, outputs=outputs)
    shell.display_pub = publisher
    try:
        yield outputs
    finally:
        sys.stdout, sys.stderr, sys.displayhook, shell.display_pub = saved


def _as_nodes(raw: list[Any]) -> list[nbformat.NotebookNode]:
    """Turn captured items into notebook outputs, joining consecutive writes to a stream."""
    nodes: list[nbformat.NotebookNode] = []
    for item in raw:
        if isinstance(item, tuple):
            _, name, text = item
            last = nodes[-1] if nodes else None
            if last is not None and last.output_type == "stream" and last.name == name:
                last.text += text
            else:
                nodes.append(nbformat.v4.new_output("stream", name=name, text=text))
        elif item.get("data"):
            nodes.append(
                nbformat.v4.new_output(
                    "display_data", data=item["data"], metadata=item.get("metadata") or {}
                )
            )
    return nodes


def check_output(output: nbformat.NotebookNode) -> list[Any]:
    """Return the findings for one output, as the release gate would find them."""
    from workbench.ethics import (
        MODEL_MIME,
        Location,
        findings_from_output,
        model_findings,
        output_findings,
    )

    data = output.get("data", {})
    found = list(findings_from_output(data))
    records = data.get(MODEL_MIME)
    for record in records if isinstance(records, list) else []:
        if isinstance(record, dict) and "dof" in record:
            found += model_findings(record)
    # stderr and every text form too: in a notebook they are all on screen.
    found += output_findings(output, Location("output"), shown_only=False)
    return found


def _label(kind: str) -> str:
    from workbench.ethics import KIND_LABELS

    return KIND_LABELS.get(kind, kind)


def notice(number: int, findings: list[Any]) -> str:
    """Say, in Korean, why an output is held: kinds and counts, never a value."""
    parts = []
    for f in findings:
        if f.rule.startswith("pii."):
            parts.append(f"{_label(f.rule[4:])} {f.count}건")
        else:
            parts.append(f"공개 기준 위반({f.rule}) {f.count}건")
    return (
        f"출력 {number}{josa(number, '을/를')} 보류했습니다: "
        f"{', '.join(parts)}{josa(', '.join(parts), '이/가')} 들어 있습니다. "
        "값은 표시하지 않습니다. 개인정보는 지우거나 가명처리(wb.ethics.pseudonymise)하고, "
        "작은 셀은 숨기거나(wb.ethics.suppress) 묶은 뒤 다시 실행하세요."
    )


def _error_notice(error: BaseException, found: list[tuple[str, int]]) -> str:
    kinds = ", ".join(f"{_label(kind)} {count}건" for kind, count in found)
    return (
        f"셀 실행 중 {type(error).__name__} 오류가 났습니다. 오류 메시지에 개인정보"
        f"({kinds})가 있어 메시지를 표시하지 않습니다."
    )


def run_checked(shell: Any, cell: str) -> CheckedCell:
    """Run ``cell`` in ``shell`` with every output captured, and check each output.

    A traceback is not shown while the cell runs; the error is kept in
    :attr:`CheckedCell.error` so that the caller can raise it after the outputs.
    """
    errors: list[BaseException] = []

    def keep_error(*args: Any, **kwargs: Any) -> None:
        error = sys.exc_info()[1]
        if error is not None:
            errors.append(error)

    own = {name: vars(shell).get(name) for name in ("showtraceback", "showsyntaxerror")}
    shell.showtraceback = shell.showsyntaxerror = keep_error
    try:
        with _capture(shell) as raw:
            shell.run_cell(cell)
    finally:
        for name, value in own.items():
            if value is None:
                delattr(shell, name)
            else:
                setattr(shell, name, value)
    checked = CheckedCell(outputs=_as_nodes(raw), error=errors[-1] if errors else None)
    for n, output in enumerate(checked.outputs):
        blocking = [f for f in check_output(output) if f.severity == "fail"]
        if blocking:
            checked.held[n] = blocking
    return checked


def show(shell: Any, checked: CheckedCell) -> None:
    """Show the outputs that passed, a notice for each held one, then raise any error."""
    import html

    from IPython.display import publish_display_data

    for n, output in enumerate(checked.outputs):
        if n in checked.held:
            text = notice(n + 1, checked.held[n])
            publish_display_data(
                {
                    "text/plain": f"⚠ {text}",
                    "text/html": f'<div style="{_NOTICE_STYLE}">⚠ {html.escape(text)}</div>',
                }
            )
        elif output.output_type == "stream":
            stream = sys.stdout if output.name == "stdout" else sys.stderr
            stream.write(output.text)
            stream.flush()
        else:
            publish_display_data(dict(output.data), dict(output.get("metadata", {})))
    if checked.error is not None:
        _raise(shell, checked.error)


def _raise(shell: Any, error: BaseException) -> None:
    """Raise the cell's error again, showing only its own traceback, checked first.

    IPython renders an exception through its ``_render_traceback_`` when it has one: the
    traceback of the checked cell is formatted here, so the frames of the magic (whose
    call repeats the whole cell source) are never shown.
    """
    from workbench.ethics import scan_text

    stb = shell.InteractiveTB.structured_traceback(
        type(error), error, error.__traceback__, tb_offset=1
    )
    found = [(kind, count) for kind, count in scan_text([_ANSI.sub("", "\n".join(stb))])]
    if found:
        held = OutputHeldError(_error_notice(error, found))
        held._render_traceback_ = lambda: [f"OutputHeldError: {held}"]  # type: ignore[attr-defined]
        raise held from None
    # An exception without a __dict__ cannot take it: then it shows with the magic's frames.
    with contextlib.suppress(AttributeError):
        error._render_traceback_ = lambda: stb  # type: ignore[attr-defined]
    raise error
