"""Small tables are matched with Python's ``re``, large ones with Arrow: same verdict.

The release gate scans tables of tens of rows, where compiling the RE2 patterns for
every Arrow call was all its time; the scanner now matches such tables with compiled
Python patterns. These tests scan the same data both ways and compare everything a
user sees (kinds, counts, confidences, masked examples).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from corpus import build_corpus
from name_corpus import people

from workbench.ethics import _regex as rx
from workbench.ethics import scan, scan_text


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    corpus = build_corpus(600, seed=5)
    # Names under a header that says nothing (found by their values), and decimals.
    names = people(np.random.default_rng(5), 600)
    decimals = [repr(v) for v in np.random.default_rng(6).normal(0, 1, 600) / 97.0]
    return corpus.frame.assign(담당=names, 계수=decimals)


def _both(monkeypatch: pytest.MonkeyPatch, run):  # type: ignore[no-untyped-def]
    small = run()
    with monkeypatch.context() as patch:
        patch.setattr(rx, "SMALL_VALUES", 0)  # every array goes to Arrow
        large = run()
    return small, large


def test_a_table_gets_the_same_findings_from_python_and_from_arrow(monkeypatch, frame):
    small, large = _both(monkeypatch, lambda: scan(frame))
    assert small.table_rows() == large.table_rows()
    assert small.found and {k for _, k, *_ in small.table_rows()} >= {"phone", "person_name"}


def test_texts_get_the_same_findings_from_python_and_from_arrow(monkeypatch, frame):
    lines = frame["메모"].tolist() + frame.head(40).to_string().splitlines()
    small, large = _both(monkeypatch, lambda: scan_text(lines))
    assert small == large
    assert dict(small).get("person_name", 0) > 0


def test_python_patterns_keep_re2_meaning() -> None:
    # RE2's $ is the end of the text; Python's would also match before a final newline.
    assert rx.compiled(r"^[0-9]{3}$").search("010\n") is None
    assert rx.compiled(r"[$]").search("$") is not None
    # \s is ASCII in RE2: an ideographic space does not separate.
    assert rx.compiled(r"a\sb").search("a\u3000b") is None
    arr = pa.array(["010\n", None, "x"])
    assert rx.search(arr, r"^[0-9]{3}$").tolist() == [False, False, False]
    assert rx.replace(arr, "x", "y").to_pylist() == ["010\n", None, "y"]


def test_a_long_value_goes_to_arrow_and_is_still_read() -> None:
    text = "가" * (rx.LONGEST + 10) + " 연락처 010-1234-5678"
    assert scan_text([text]) == [("phone", 1)]
