"""Check a run's report states the expected 핵심 결과, with the values of its result files.

Used by the tests that run a standard notebook: each lists the sentences an official
should read first, in order, and where each value comes from (table, row, column); the
value is read from ``results/<table>.csv`` and written as a Korean release writes it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pandas as pd


def count(text: str) -> str:
    """``"3000"``, ``"3,000"`` or ``"3000.0"`` -> ``"3,000"``."""
    return f"{round(float(text.replace(',', ''))):,}"


def percent(text: str) -> str:
    """A share ``"0.0662"`` -> ``"6.6%"``."""
    return f"{float(text) * 100:.1f}%"


def decimals(places: int) -> Callable[[str], str]:
    """``decimals(2)("2.085729")`` -> ``"2.09"`` (thousands separated)."""
    return lambda text: f"{float(text.replace(',', '')):,.{places}f}"


def text(value: str) -> str:
    return value


class Key(NamedTuple):
    sentence: str  # with "{}" where the value goes
    table: str
    column: str
    where: dict[str, str] | None = None  # the row; None for the first row
    written: Callable[[str], str] = text


def key_results(report: Path) -> list[str]:
    """Return the sentences under the report's 핵심 결과 heading."""
    page = report.read_text(encoding="utf-8")
    block = re.search(r'<h2>핵심 결과</h2>\s*<ul class="wb-key">(.*?)</ul>', page, re.S)
    assert block, "the report has no 핵심 결과"
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", block.group(1))]


def expected(run_dir: Path, keys: list[Key]) -> list[str]:
    """Return the sentences ``keys`` make from the run's result files."""
    sentences = []
    for key in keys:
        table = pd.read_csv(
            run_dir / "results" / f"{key.table}.csv", dtype=str, encoding="utf-8-sig"
        )
        for column, wanted in (key.where or {}).items():
            table = table[table[column] == wanted]
        assert len(table), f"{key.table}.csv has no row {key.where}"
        sentences.append(key.sentence.format(key.written(table[key.column].iloc[0])))
    return sentences


def assert_key_results(run_dir: Path, keys: list[Key]) -> None:
    """The report's 핵심 결과 are exactly ``keys``' sentences, in order."""
    assert key_results(run_dir / "report.html") == expected(run_dir, keys)
