"""Notebook outputs as the release gate reads them: their texts, their tables, their PII.

A displayed DataFrame is read twice: as text (identifiers that carry their own shape or
context, such as a resident number or "김철수님") and as a table, so that a column headed
성명 marks bare names. The gate, ``%%wb_check`` and the pre-commit hook share this reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import unescape
from typing import Any

import pandas as pd

from workbench.ethics._scan import scan, scan_text

__all__ = ["html_tables", "output_texts", "scan_output"]


_TAG = re.compile(r"<[^>]+>")


def output_texts(output: Mapping[str, Any], *, shown_only: bool = True) -> list[str]:
    """Return the texts of one notebook output, for scanning.

    Parameters
    ----------
    output : mapping
        A notebook output (``stream``, ``display_data``, ``execute_result`` or ``error``).
    shown_only : bool, default True
        True: what a report shows a reader -- stdout, the HTML form read as text (else the
        plain one), markdown. False: every text the output holds -- stderr and error
        tracebacks too, and each text form (HTML as text, plain, JSON, LaTeX...).

    Examples
    --------
    >>> output_texts({"output_type": "display_data",
    ...               "data": {"text/html": "<b>a&amp;b</b>", "text/plain": "x"}})
    [' a&b ']
    >>> output_texts({"output_type": "stream", "name": "stderr", "text": "w"})
    []
    """
    kind = output.get("output_type")
    if kind == "stream":
        shown = output.get("name") == "stdout" or not shown_only
        return [str(output.get("text", ""))] if shown else []
    if kind == "error":
        traceback = [str(output.get("evalue", "")), *map(str, output.get("traceback", []))]
        return [] if shown_only else traceback
    data = output.get("data", {})
    if not shown_only:
        return [
            unescape(_TAG.sub(" ", str(value))) if mime == "text/html" else str(value)
            for mime, value in data.items()
            if mime.startswith("text/") or mime == "application/json"
        ]
    texts = []
    if "text/html" in data:
        texts.append(unescape(_TAG.sub(" ", str(data["text/html"]))))
    elif "text/plain" in data:
        texts.append(str(data["text/plain"]))
    if "text/markdown" in data:
        texts.append(str(data["text/markdown"]))
    return texts


def _cells(row: Any) -> list[str]:
    """Return the texts of a table row's cells, a cell spanning n columns n times."""
    texts = []
    for cell in row.find_all(["th", "td"]):
        span = str(cell.get("colspan", "1"))
        texts += [cell.get_text(" ", strip=True)] * (int(span) if span.isdigit() else 1)
    return texts


def html_tables(markup: str) -> list[pd.DataFrame]:
    """Return the tables of an HTML fragment (a displayed DataFrame), every cell as text.

    Index cells (``<th>`` in the body) are kept as columns, because an index can hold
    names too. Rows are aligned on the right; a column is named by the last header row
    with text above it (so the index name row and MultiIndex levels are read).

    Examples
    --------
    >>> df = pd.DataFrame({"성명": ["김철수"], "나이": [30]})
    >>> html_tables(df.to_html())[0].to_dict("list")
    {'열1': ['0'], '성명': ['김철수'], '나이': ['30']}
    >>> html_tables(df.set_index("성명").to_html())[0].columns.tolist()
    ['성명', '나이']
    """
    if "<table" not in markup:
        return []
    from bs4 import BeautifulSoup

    frames = []
    for table in BeautifulSoup(markup, "html.parser").find_all("table"):
        rows = table.find_all("tr")
        head_rows = [r for r in rows if r.find_parent("thead") is not None] or rows[:1]
        head = [_cells(r) for r in head_rows]
        body = [_cells(r) for r in rows if r not in head_rows]
        width = max(map(len, [*head, *body]), default=0)
        if not body or not width:
            continue
        head = [[""] * (width - len(h)) + h for h in head]
        names: list[str] = []
        for j in range(width):
            name = next((h[j] for h in reversed(head) if h[j]), "") or f"열{j + 1}"
            names.append(name if name not in names else f"{name}.{j + 1}")
        data = [[""] * (width - len(cells)) + cells for cells in body]
        frames.append(pd.DataFrame(data, columns=pd.Index(names), dtype="string"))
    return frames


def scan_output(output: Any, *, shown_only: bool = True) -> list[tuple[str, int]]:
    """Find personal information in one notebook output; return ``(kind, count)`` pairs.

    Its texts (see :func:`workbench.ethics.output_texts`) are scanned whole and line by
    line, and each HTML table it holds (a displayed DataFrame) is scanned column by
    column, so that a column named ``성명`` is read as names even without other context.
    A kind's count is the largest of these readings.

    Examples
    --------
    >>> df = pd.DataFrame({"성명": ["김철수", "이영희"], "나이": [30, 41]})
    >>> scan_output({"output_type": "execute_result", "data": {"text/html": df.to_html()}})
    [('person_name', 2)]
    """
    counts: dict[str, int] = {}

    def keep(found: Iterable[tuple[str, int]]) -> None:
        for kind, count in found:
            counts[kind] = max(counts.get(kind, 0), int(count))

    # Each form of the output (HTML read as text, plain text...) shows the same values:
    # read them one at a time, whole (context may span lines) and line by line (a
    # count of values, i.e. of table rows, not of outputs).
    for text in output_texts(output, shown_only=shown_only):
        if text.strip():
            keep(scan_text([text]))
            keep(scan_text([line for line in text.splitlines() if line.strip()]))
    markup = output.get("data", {}).get("text/html")
    if markup:
        for table in html_tables(str(markup)):
            per_kind: dict[str, int] = {}
            for kinds in scan(table).columns.values():
                for k in kinds:
                    per_kind[k.kind] = per_kind.get(k.kind, 0) + k.count
            keep(per_kind.items())
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
