"""Notebook outputs as the release gate reads them: their texts, their tables, their PII.

Every form an output holds is read, since a report or a released notebook may show any
of them: plain text, HTML (its text *and* its attribute values: ``title``, ``alt``,
``href``, ``data-*``...), markdown, LaTeX, SVG, JSON (``application/json`` and every
``*+json``), and the texts drawn in a matplotlib figure (``FIGURE_MIME``, added by the
kernel hooks). Pictures cannot be read as text: an image with no figure texts beside it
is reported by the gate as unchecked.

A displayed DataFrame is read twice: as text (identifiers that carry their own shape or
context, such as a resident number or "김철수님") and as a table, so that a column headed
성명 marks bare names. The gate, ``%%wb_check`` and the pre-commit hook share this reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from html.parser import HTMLParser
from typing import Any

import pandas as pd

from workbench.ethics._digest import value_digest
from workbench.ethics._findings import FIGURE_MIME, MODEL_MIME, OWN_MIMES, Finding, Location
from workbench.ethics._scan import scan, scan_text

__all__ = [
    "IMAGE_MIMES",
    "figure_texts_of",
    "html_tables",
    "html_text",
    "json_lines",
    "json_table",
    "model_records",
    "output_findings",
    "output_texts",
    "scan_figure_texts",
    "scan_output",
    "scan_texts",
    "texts_hold_personal_information",
]

#: Output forms that cannot be read as text (pictures, documents).
IMAGE_MIMES = frozenset({"image/png", "image/jpeg", "image/gif", "image/bmp", "application/pdf"})
#: Attributes that only lay out or style an element (never shown to a reader as text).
_LAYOUT_ATTRIBUTES = frozenset(
    {"class", "style", "border", "colspan", "rowspan", "width", "height", "valign", "halign"}
    | {"align", "cellpadding", "cellspacing", "id", "type", "rel", "target", "dir", "lang"}
)


class _HTMLText(HTMLParser):
    """Collect an HTML fragment's text and the values of its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")
        for name, value in attrs:
            if value and name not in _LAYOUT_ATTRIBUTES and not value.startswith("data:"):
                self.attributes.append(value)

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(markup: str) -> str:
    r"""Return the text of an HTML (or SVG) fragment, then its attribute values, one a line.

    Examples
    --------
    >>> html_text('<b>a&amp;b</b><img alt="사진: 김철수님" src="x.png">')
    ' a&b  \n사진: 김철수님\nx.png'
    """
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    return "\n".join(["".join(parser.parts), *parser.attributes])


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item, path)
    else:
        yield path, value


def json_lines(value: Any) -> str:
    """Return a JSON value's leaves as ``key.path: value`` lines (keys are context too).

    >>> print(json_lines({"people": [{"성명": "김철수"}, {"성명": "이영희"}], "n": 2}))
    people.성명: 김철수
    people.성명: 이영희
    n: 2
    """
    lines = []
    for path, leaf in _leaves(value):
        text = "" if leaf is None else str(leaf)
        lines.append(f"{path}: {text}" if path else text)
    return "\n".join(lines)


def json_table(value: Any) -> pd.DataFrame:
    """Return a JSON value as a table of text: one column per key path, nested or not.

    >>> json_table({"people": [{"성명": "김철수"}, {"성명": "이영희"}]}).to_dict("list")
    {'people.성명': ['김철수', '이영희']}
    """
    columns: dict[str, list[str]] = {}
    for path, leaf in _leaves(value):
        if leaf is not None:
            columns.setdefault(path or "값", []).append(str(leaf))
    return pd.DataFrame({k: pd.Series(v, dtype="string") for k, v in columns.items()})


def _text_of(mime: str, value: Any) -> str | None:
    """Read one form of an output as text, or None when it is not text."""
    if mime in OWN_MIMES or mime in IMAGE_MIMES:
        return None
    if mime == "application/json" or mime.endswith("+json"):
        return json_lines(value)
    text = "".join(value) if isinstance(value, list) else str(value)
    if mime in ("text/html", "image/svg+xml"):
        return html_text(text)
    if mime.startswith("text/") or mime in ("application/javascript", "application/xml"):
        return text
    return None


def output_texts(output: Mapping[str, Any], *, shown_only: bool = True) -> list[str]:
    """Return the texts of one notebook output, for scanning.

    Parameters
    ----------
    output : mapping
        A notebook output (``stream``, ``display_data``, ``execute_result`` or ``error``).
    shown_only : bool, default True
        True: what a report or a released notebook may show a reader -- stdout and every
        text form of a display (HTML with its attributes, plain, markdown, LaTeX, SVG,
        JSON). False: also stderr and error tracebacks. Figure texts are not included
        (see :func:`figure_texts_of`).

    Examples
    --------
    >>> output_texts({"output_type": "display_data",
    ...               "data": {"text/html": "<b>a&amp;b</b>", "text/plain": "x"}})
    [' a&b ', 'x']
    >>> output_texts({"output_type": "stream", "name": "stderr", "text": "w"})
    []
    """
    kind = output.get("output_type")
    if kind == "stream":
        shown = output.get("name") == "stdout" or not shown_only
        text = output.get("text", "")
        return ["".join(text) if isinstance(text, list) else str(text)] if shown else []
    if kind == "error":
        traceback = [str(output.get("evalue", "")), *map(str, output.get("traceback", []))]
        return [] if shown_only else traceback
    # In MIME order: a notebook read back from disk has its forms sorted, one fresh from
    # the kernel in the order the kernel sent them.
    data = output.get("data", {})
    texts = (_text_of(str(mime), data[mime]) for mime in sorted(data))
    return [text for text in texts if text is not None]


def figure_texts_of(output: Mapping[str, Any]) -> list[str]:
    """Return the texts drawn in the figure an output shows (empty if none was recorded)."""
    payload = output.get("data", {}).get(FIGURE_MIME)
    texts = payload.get("texts") if isinstance(payload, Mapping) else None
    return [str(t) for t in texts] if isinstance(texts, list) else []


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


def _output_tables(output: Mapping[str, Any]) -> list[pd.DataFrame]:
    tables = []
    for mime, value in output.get("data", {}).items():
        if mime == "text/html":
            tables += html_tables("".join(value) if isinstance(value, list) else str(value))
        elif (mime == "application/json" or mime.endswith("+json")) and mime not in OWN_MIMES:
            table = json_table(value)
            if len(table.columns):
                tables.append(table)
    return tables


def _keep(counts: dict[str, int], found: Iterable[tuple[str, int]]) -> None:
    for kind, count in found:
        counts[kind] = max(counts.get(kind, 0), int(count))


def _text_counts(texts: list[str]) -> dict[str, int]:
    """Kinds in texts read whole (context may span lines) and line by line (rows)."""
    counts: dict[str, int] = {}
    for text in texts:
        if text.strip():
            _keep(counts, scan_text([text]))
            _keep(counts, scan_text([line for line in text.splitlines() if line.strip()]))
    return counts


def _figure_counts(texts: list[str]) -> dict[str, int]:
    """Kinds in a figure's texts: each text alone (a count of labels), and all together."""
    counts: dict[str, int] = {}
    texts = [t for t in texts if t.strip()]
    if texts:
        _keep(counts, scan_text(texts))
        _keep(counts, scan_text(["\n".join(texts)]))
    return counts


def _output_counts(output: Mapping[str, Any], shown_only: bool) -> dict[str, int]:
    # Each form of the output (HTML read as text, plain text...) shows the same values:
    # read them one at a time and keep the largest count (a count of values, i.e. of
    # table rows, not of forms).
    counts = _text_counts(output_texts(output, shown_only=shown_only))
    for table in _output_tables(output):
        per_kind: dict[str, int] = {}
        for kinds in scan(table).columns.values():
            for k in kinds:
                per_kind[k.kind] = per_kind.get(k.kind, 0) + k.count
        _keep(counts, per_kind.items())
    return counts


def _sorted(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def scan_texts(texts: list[str]) -> list[tuple[str, int]]:
    r"""Find personal information in texts, each read whole and line by line.

    A kind's count is the larger of the two readings (of lines, i.e. of table rows).

    >>> scan_texts(["합계\n문의: 김철수님 010-1234-5678\n010-2222-3333"])
    [('phone', 2), ('person_name', 1)]
    """
    return _sorted(_text_counts(texts))


def scan_figure_texts(texts: list[str]) -> list[tuple[str, int]]:
    """Find personal information in the texts drawn in a figure (labels, ticks...)."""
    return _sorted(_figure_counts(texts))


def scan_output(output: Any, *, shown_only: bool = True) -> list[tuple[str, int]]:
    """Find personal information in one notebook output; return ``(kind, count)`` pairs.

    Its texts (see :func:`workbench.ethics.output_texts`) and the texts drawn in its
    figure are scanned whole and line by line, and each table it holds (a displayed
    DataFrame, a JSON list of records) is scanned column by column, so that a column
    named ``성명`` is read as names even without other context. A kind's count is the
    largest of these readings.

    Examples
    --------
    >>> df = pd.DataFrame({"성명": ["김철수", "이영희"], "나이": [30, 41]})
    >>> scan_output({"output_type": "execute_result", "data": {"text/html": df.to_html()}})
    [('person_name', 2)]
    """
    counts = _output_counts(output, shown_only)
    _keep(counts, _figure_counts(figure_texts_of(output)).items())
    return _sorted(counts)


def _pii_finding(kind: str, count: int, where: Location, digest: str | None) -> Finding:
    from workbench.ethics._rules import KIND_LABELS

    label = KIND_LABELS.get(kind, kind)
    if where.kind == "figure":
        fix = "그림의 제목·축·범례·주석에서 그 값을 빼거나 가명처리한 자료로 다시 그리세요."
        what = "그림 속 글자"
    else:
        fix = "출력을 지우거나 가명처리(wb.ethics.pseudonymise)한 뒤 다시 실행하세요."
        what = "출력"
    return Finding(
        rule=f"pii.{kind}",
        severity="fail",
        location=where,
        message=f"{label}({kind}) {count}건이 보고서에 실릴 {what}에 있습니다. {fix}",
        count=int(count),
        digest=digest,
    )


def texts_hold_personal_information(outputs: Iterable[Mapping[str, Any]]) -> bool:
    """Whether any text of these outputs (forms, lines, figure texts) holds a kind.

    One scan over every text of a notebook, so that a notebook whose texts hold nothing
    (most of them) is not read output by output (tables are still read one by one: a
    column header is context that the texts alone do not give).
    """
    strings: list[str] = []
    for output in outputs:
        for text in [*output_texts(output), "\n".join(figure_texts_of(output))]:
            if text.strip():
                strings.append(text)
                strings += [line for line in text.splitlines() if line.strip()]
        strings += [t for t in figure_texts_of(output) if t.strip()]
    return bool(strings) and bool(scan_text(strings))


def output_findings(
    output: Mapping[str, Any],
    where: Location,
    *,
    shown_only: bool = True,
    texts_clean: bool = False,
) -> list[Finding]:
    """Return the personal-information findings of one output, placed at ``where``.

    Texts drawn in a figure are reported at a ``figure`` location, the rest of the
    output at ``where``. Each finding's digest covers the texts it was found in.
    ``texts_clean`` says that :func:`texts_hold_personal_information` found nothing in
    the output's texts: only its tables are read.
    """
    findings = []
    texts = output_texts(output, shown_only=shown_only)
    if texts_clean:
        counts: dict[str, int] = {}
        for table in _output_tables(output):
            for kinds in scan(table).columns.values():
                for k in kinds:
                    counts[k.kind] = counts.get(k.kind, 0) + k.count
        digest = value_digest(texts)
        return [_pii_finding(k, n, where, digest) for k, n in _sorted(counts)]
    counts = _output_counts(output, shown_only)
    if counts:
        digest = value_digest(texts)
        findings += [_pii_finding(k, n, where, digest) for k, n in _sorted(counts)]
    drawn = figure_texts_of(output)
    counts = _figure_counts(drawn)
    if counts:
        at = Location(
            "figure",
            file=where.file,
            cell_number=where.cell_number,
            output_number=where.output_number,
        )
        digest = value_digest(drawn)
        findings += [_pii_finding(k, n, at, digest) for k, n in _sorted(counts)]
    return findings


#: The header line of every statsmodels summary (``summary()`` and ``summary2()``).
_DF_RESIDUALS = re.compile(r"Df Residuals:\s+(-?\d+(?:\.\d+)?)")
_DEPENDENT = re.compile(r"(?:Dep\. Variable|Dependent Variable):\s+(\S+)")


def model_records(output: Mapping[str, Any]) -> list[dict[str, Any]]:
    r"""Return the models an output shows, as records for the residual-dof rule.

    A displayed model carries its record (``MODEL_MIME``, added by the kernel hooks); a
    statsmodels summary *printed* (``print(fit.summary())``) is only text, so the
    residual degrees of freedom in its header are read back from it. The digest leaves
    out the Date and Time lines, so that the same model printed again keeps its id.

    Examples
    --------
    >>> text = "Dep. Variable:  y\nDate:  Sun, 06 Dec 2026\nDf Residuals:  6\n"
    >>> [(r["name"], r["dof"]) for r in model_records({"output_type": "stream",
    ...                                                "name": "stdout", "text": text})]
    [('y', 6.0)]
    """
    data = output.get("data", {})
    carried = data.get(MODEL_MIME) if isinstance(data, Mapping) else None
    if isinstance(carried, list):
        return [r for r in carried if isinstance(r, dict) and "dof" in r]
    records: dict[tuple[str, float, int], dict[str, Any]] = {}
    for text in output_texts(output):  # plain and HTML forms of one summary: read once
        kept = [line for line in text.splitlines() if not line.startswith(("Date:", "Time:"))]
        for n, match in enumerate(_DF_RESIDUALS.finditer(text)):
            before = _DEPENDENT.findall(text[: match.start()])
            name, dof = (before[-1] if before else "model"), float(match.group(1))
            records.setdefault(
                (name, dof, n),
                {"name": name, "dof": dof, "digest": value_digest([*kept, f"summary={n}"])},
            )
    return list(records.values())
