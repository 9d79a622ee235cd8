"""How numbers look: full precision in files, one readable format in every displayed table.

Two rules, kept apart on purpose:

- Published files (``results/``) keep full precision. Values are rounded to
  :data:`SIGNIFICANT` significant digits -- enough for any estimate, few enough that the
  CSV text does not depend on the last bits of a float -- and never to fixed decimals
  (a coefficient of ``3e-7`` stays ``3e-07``, not ``0.0``).
- Displayed tables (the notebook and the report) go through :func:`styled_html`, which
  picks a format per column from its name and values: thousands separators, shares as
  percentages, p-values as ``<0.001``, units read from the header (``(원)``, ``(명)``,
  ``(%)``), 예/아니요 for booleans, ``–`` for missing values, 합계 for pandas' ``All``
  margins, and readable labels where a table carries them (model terms).

This module imports pandas only inside its functions: it runs in every kernel.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LABELS_ATTR",
    "MISSING",
    "SIGNIFICANT",
    "column_kind",
    "format_number",
    "round_frame",
    "round_significant",
    "styled_html",
]

#: Significant digits kept in published results: 15, as many as a float64 holds exactly
#: in decimal, so a result is published at full precision while its text does not depend
#: on the last bits of the float. (The release gate reads the digits after a decimal point
#: as a fraction, never as a phone or resident number, so long decimals pass it.)
SIGNIFICANT = 15
#: Significant digits shown for a measured value (a coefficient, a mean) in a displayed table.
SHOWN_DIGITS = 4
#: How a missing value is displayed.
MISSING = "–"
#: ``DataFrame.attrs`` key of a ``{raw label: readable label}`` mapping applied on display
#: to the index and to the 항목/변수 column (e.g. model terms, see ``blocks.regression``).
LABELS_ATTR = "workbench_labels"
#: pandas' name for margins (``pd.crosstab(..., margins=True)``, ``pivot_table``).
MARGIN = "All"
_LABEL_COLUMNS = ("항목", "변수", "term")

_P_VALUE = re.compile(r"(^|\s|_)(p값|p-?value|p)$|유의확률", re.IGNORECASE)
_SHARE = re.compile(r"비율|비중|구성비|점유율|share|ratio|rate", re.IGNORECASE)
_PERCENT_UNIT = re.compile(r"\(%\)|%p?\)?$|퍼센트")
_COUNT_UNIT = re.compile(
    r"\((원|천원|만원|백만원|억원|명|천명|건|개|가구|곳|회|세대|대|호|km²?|㎡|m²)\)|"
    r"(수|건수|인원|가구수|금액|액)$"
)


def round_significant(value: Any, digits: int = SIGNIFICANT) -> Any:
    """Round a float to ``digits`` significant digits; other values are returned as given.

    ``-0.0`` becomes ``0.0`` so that the written text is stable.

    Examples
    --------
    >>> round_significant(3e-7), round_significant(2 / 3, 4), round_significant(123456.789, 4)
    (3e-07, 0.6667, 123500.0)
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return value
    if isinstance(value, numbers.Integral):
        return value
    value = float(value)
    if not math.isfinite(value):
        return value
    return float(f"{value:.{digits}g}") + 0.0


def round_frame(table: pd.DataFrame, digits: int = SIGNIFICANT) -> pd.DataFrame:
    """Return a copy with every float column (and float cell of object columns) rounded.

    ``attrs`` are kept. Integers, text and dates are untouched.
    """
    import numpy as np

    out = table.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if column.dtype.kind == "f":
            values = column.to_numpy(dtype="float64")
            rounded = np.array([round_significant(v, digits) for v in values], dtype="float64")
            out.isetitem(position, rounded.astype(cast("Any", column.dtype)))
        elif column.dtype == object:
            mapped = [round_significant(v, digits) for v in column.to_numpy()]
            out.isetitem(position, np.array(mapped, dtype=object))
    out.attrs = dict(table.attrs)
    return out


# --- display -------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict, set)) else False
    except (TypeError, ValueError):
        return False


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float)) or (hasattr(value, "dtype") and value.dtype.kind in "iuf")
    ) and not isinstance(value, bool)


def column_kind(name: Any, values: pd.Series) -> str:
    """Return the display kind of a column, from its header and its values.

    One of ``"bool"``, ``"pvalue"``, ``"share"`` (a share between 0 and 1, shown as a
    percentage), ``"percent"`` (already in percent, header ``(%)``), ``"count"``
    (integers, counts and amounts: thousands separators, no decimals), ``"number"``
    (measured values: 4 significant digits), ``"date"`` or ``"text"``.

    Examples
    --------
    >>> import pandas as pd
    >>> [column_kind(n, pd.Series(v)) for n, v in [("p값", [0.2]), ("결측 비율", [0.1]),
    ...  ("실업률(%)", [3.5]), ("월소득(원)", [2.5e6]), ("계수", [0.12]), ("주택", [True])]]
    ['pvalue', 'share', 'percent', 'count', 'number', 'bool']
    """
    import pandas as pd

    text = str(name).strip()
    present = values.dropna()
    if pd.api.types.is_bool_dtype(values.dtype) or (
        len(present) and all(isinstance(v, bool) for v in present)
    ):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return "date"
    numbers = [v for v in present if _is_number(v)]
    if not numbers:
        return "text"
    floats = [float(v) for v in numbers if math.isfinite(float(v))]
    if _P_VALUE.search(text) and all(0 <= v <= 1 for v in floats):
        return "pvalue"
    if _PERCENT_UNIT.search(text):
        return "percent"
    if _SHARE.search(text) and all(0 <= v <= 1 for v in floats):
        return "share"
    integral = all(v == int(v) for v in floats)
    if pd.api.types.is_integer_dtype(values.dtype) or (integral and _COUNT_UNIT.search(text)):
        return "count"
    if _COUNT_UNIT.search(text) and any(abs(v) >= 1000 for v in floats):
        return "count"
    return "number"


def _significant_text(value: float, digits: int = SHOWN_DIGITS) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 10 ** (digits - 1):  # 12,345: no decimals, thousands separated
        return f"{value:,.0f}"
    if abs(value) < 1e-4:
        return f"{value:.{digits - 1}e}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{float(f'{value:.{digits}g}'):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_number(value: Any, kind: str) -> str:
    """Format one value for display (see :func:`column_kind` for the kinds).

    Examples
    --------
    >>> [format_number(v, k) for v, k in [(0.0004, "pvalue"), (0.0312, "pvalue"),
    ...  (0.1234, "share"), (1234567, "count"), (3e-7, "number"), (1234.5678, "number"),
    ...  (0.5, "number"), (float("nan"), "number"), (True, "bool"), (12.345, "percent")]]
    ['<0.001', '0.031', '12.3%', '1,234,567', '3.000e-07', '1,235', '0.5', '–', '예', '12.3']
    """
    if _missing(value):
        return MISSING
    if isinstance(value, bool) or (hasattr(value, "dtype") and value.dtype.kind == "b"):
        return "예" if value else "아니요"
    if isinstance(value, dt.datetime) and value == dt.datetime.combine(value.date(), dt.time()):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if not _is_number(value):
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        return "∞" if number > 0 else "-∞"
    if kind == "pvalue":
        return "<0.001" if number < 0.001 else f"{number:.3f}"
    if kind == "share":
        return f"{number * 100:,.1f}%"
    if kind == "percent":
        return f"{number:,.1f}"
    if kind == "count" and number == int(number):
        return f"{number:,.0f}"
    return _significant_text(number)


def _label(value: Any, labels: dict[str, str]) -> Any:
    if isinstance(value, str):
        return labels.get(value, "합계" if value == MARGIN else value)
    return value


def _formatter(kind: str) -> Callable[[Any], str]:
    return lambda value: html.escape(format_number(value, kind))


def styled_html(table: pd.DataFrame, *, index: bool = True) -> str:
    """Return the table as an HTML ``<table>`` formatted for people (see module docstring).

    The values are not changed, only their text: published files keep full precision.
    Numbers are right-aligned (class ``wb-num``); labels and headers are escaped. With
    ``index``, the index levels come first, as columns.
    """
    import hashlib

    import pandas as pd
    from pandas.io.formats.style import Styler

    labels = {str(k): str(v) for k, v in dict(table.attrs.get(LABELS_ATTR) or {}).items()}
    shown = table.reset_index() if index else table.reset_index(drop=True)
    shown.attrs = {}
    headers = [html.escape(str(_label(name, {}))) for name in shown.columns]
    relabel = [
        (index and p < table.index.nlevels) or str(n) in _LABEL_COLUMNS
        for p, n in enumerate(shown.columns)
    ]
    # Styler addresses cells by label: positions keep repeated headers apart.
    shown.columns = pd.RangeIndex(shown.shape[1])
    for position, wanted in enumerate(relabel):
        if wanted:
            shown[position] = shown[position].map(lambda v: _label(v, labels))
    kinds = [column_kind(headers[p], shown[p]) for p in range(shown.shape[1])]
    classes = pd.DataFrame(
        [["wb-num" if k not in ("text", "bool", "date") else "" for k in kinds]] * len(shown),
        index=shown.index,
        columns=shown.columns,
    )
    digest = hashlib.sha1(shown.head(5).to_json().encode(), usedforsecurity=False).hexdigest()
    styler = (
        Styler(shown, uuid=f"wb{digest[:8]}", cell_ids=False)
        .format({p: _formatter(kind) for p, kind in enumerate(kinds)}, na_rep=MISSING)
        .set_td_classes(classes)
        .hide(axis="index")
        .relabel_index(headers, axis="columns")
    )
    return styler.to_html(table_attributes='class="dataframe wb-table"')
