"""Key results: the numbers a standard analysis states first, in its report and its batch index.

A notebook declares them in its ``workbench`` metadata, each as::

    {"name": "분석한 가구", "table": "overview", "column": "값",
     "where": {"항목": "가구 수"}, "sentence": "분석한 가구는 {value}가구입니다.",
     "format": "int"}

``table`` and ``column`` name a published table (``results/<table>.csv`` or ``.parquet``)
and its column; ``where`` picks the row whose columns hold those values (default: the first
row); ``sentence`` is the Korean sentence the report's 핵심 결과 states, with ``{value}``
formatted by ``format`` (``int``, ``number``, ``percent`` for a share between 0 and 1,
``text``; default: by the value's type); ``role: label`` marks the value that names a run
in the batch index (e.g. the agency).

``additive`` says whether the values of several runs add up to a meaningful total, the
합계 the batch index prints: true for counts and amounts (민원 건수, 예산), false for
rates, shares, averages, medians, AUC, coefficients, p-values, ratios and the largest or
smallest of something. Default: true for ``int``, false otherwise; a ``percent`` is never
summed, whatever it says (see :func:`is_additive`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.runner._rundir import RunDir

if TYPE_CHECKING:
    from workbench.runner._registry import Analysis

__all__ = ["format_value", "is_additive", "key_sentences", "key_specs", "key_value"]

#: Formats that state a number (a value written as text is read as one).
_NUMERIC = ("int", "number", "percent")


def key_specs(analysis: Analysis) -> list[dict[str, Any]]:
    """Return the notebook's key results that name a table and a column."""
    return [
        {**k, "name": str(k.get("name") or k.get("column"))}
        for k in analysis.meta.key_results
        if k.get("table") and k.get("column")
    ]


def is_additive(spec: dict[str, Any], kind: str | None = None) -> bool:
    """Whether a key result's values over several runs add up to a meaningful total.

    Parameters
    ----------
    spec : dict
        The key result as declared (its ``additive`` and ``format``).
    kind : str, optional
        The format the values are shown in, when the declaration gives none (the batch
        index reads whole numbers as ``int``).

    Returns
    -------
    bool
        ``additive`` if declared ``true`` or ``false`` (a share is never summed);
        otherwise true only for counts (``int``).

    Examples
    --------
    >>> is_additive({"format": "int"}), is_additive({"format": "number"})
    (True, False)
    >>> is_additive({"format": "number", "additive": True}), is_additive({"format": "percent"})
    (True, False)
    >>> is_additive({"format": "int", "additive": False}), is_additive({}, "int")
    (False, True)
    """
    kind = spec.get("format") or kind
    if kind == "percent":
        return False
    declared = spec.get("additive")
    return declared if isinstance(declared, bool) else kind == "int"


def key_value(run_dir: Path, spec: dict[str, Any]) -> Any:
    """Return the key result's value from the run's published table, or None."""
    import pandas as pd

    csv_path = RunDir(run_dir).results / f"{spec['table']}.csv"
    parquet_path = csv_path.with_suffix(".parquet")
    try:
        if csv_path.is_file():
            table = pd.read_csv(csv_path, encoding="utf-8-sig")
        elif parquet_path.is_file():
            table = pd.read_parquet(parquet_path)
        else:
            return None
        for column, wanted in dict(spec.get("where") or {}).items():
            table = table[table[column].astype(str) == str(wanted)]
        value = table[spec["column"]].iloc[0]
    except (KeyError, IndexError, ValueError, OSError):
        return None
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, str) and spec.get("format") in _NUMERIC:
        number = _number_in(value)
        if number is not None:
            return round(number) if spec.get("format") == "int" else number
    return value


def _number_in(text: str) -> float | None:
    """Read a number a table of mixed items (항목, 값) published as text, or None."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def format_value(value: Any, kind: str | None = None) -> str:
    """Format a key result as a Korean report writes it.

    Examples
    --------
    >>> format_value(25746684), format_value(0.1464, "percent"), format_value(978156.006)
    ('25,746,684', '14.6%', '978,156')
    >>> format_value(3.14159), format_value(0.000123), format_value(True), format_value(None)
    ('3.14', '0.000123', '예', '–')
    >>> format_value("0.084546", "number"), format_value("975.0", "int")
    ('0.0845', '975')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "예" if value else "아니요"
    if isinstance(value, str) and kind in _NUMERIC:
        number = _number_in(value)
        if number is None:
            return value
        value = number
    if kind == "text" or isinstance(value, str):
        return str(value)
    number = float(value)
    if kind == "percent":
        return f"{number * 100:,.1f}%"
    if kind == "int" or (isinstance(value, int) and kind is None):
        return f"{round(number):,}"
    size = abs(number)
    if size >= 1000:
        return f"{number:,.0f}"
    if size >= 10:
        return f"{number:,.1f}"
    if size >= 1 or size == 0:
        return f"{number:.2f}"
    return f"{number:.3g}"


def key_sentences(analysis: Analysis, run_dir: Path) -> list[str]:
    """Return the 핵심 결과 sentences of a finished run (those whose value was found)."""
    sentences = []
    for spec in key_specs(analysis):
        template = spec.get("sentence")
        if not template:
            continue
        value = key_value(run_dir, spec)
        if value is None:
            continue
        sentences.append(str(template).format(value=format_value(value, spec.get("format"))))
    return sentences
