"""Make a table read as text analysis-ready, and record each step in the read report.

Input: a frame of cells as read (text from a CSV; text, numbers, dates from Excel) with
its column names. Output: footnote rows removed, empty columns dropped, identifiers kept
as text, numbers written the statistics way (``1,234``, ``(123)``, ``▲12``, ``12.3%``)
turned into numbers when every value of a column parses, missing-value marks (``-``,
``x``, ``…``, blanks) made missing, name-and-code cells split, summary rows flagged.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from workbench.catalog._report import SUMMARY_COLUMN, ReadReport
from workbench.catalog._sniff import NAME_AND_CODE, footnote_count, unique_names

__all__ = ["IDENTIFIER_NAME", "SUMMARY_COLUMN", "identifier_columns", "is_identifier_name", "tidy"]

# Column names that mark identifiers: 법정동코드, 주민등록번호, 가구ID, user_id, userId,
# zip_code. "id" must stand alone (id, user_id, 가구id) or end a camelCase word (userId),
# so that "valid" or "width" do not match; "ID" in capitals may sit anywhere.
IDENTIFIER_NAME = re.compile(
    r"코드|번호|ID|(?i:code)|[a-z]Id(?![a-z])|(?:^|[^A-Za-z])[Ii][Dd](?![a-z])"
)
_LEADING_ZERO = re.compile(r"^\s*0\d")
# pandas.read_csv's default missing-value markers: text columns keep reading them as before.
PANDAS_NA = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND"]
PANDAS_NA += ["1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]
# Marks Korean statistics write for a missing or suppressed cell (blank is " ").
MISSING_MARKS = ("-", "…", "...", "x", "X", "(X)", "(x)", "－", "—", "–")
SUMMARY_VALUES = frozenset({"전국", "합계", "소계", "계", "총계", "총합계", "전체", "합"})
_PLAIN_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.?\d*|\.\d+)"
# 1,234 / (1,234) / ▲12 / △5 / -3.0% / 1,234명: a sign, parentheses, a unit (RE2 syntax).
_STATS_NUMBER = rf"\s*[+\-−▲△▼▽]?\s*(?:\(\s*{_DIGITS}\s*\)|{_DIGITS})\s*(?:%|[가-힣]{{1,2}})?\s*"
_NEGATIVE = r"\s*[\-−△▼▽(]"
_SIGNED = r"\s*[+\-−▲△▼▽(]"
_DATE_LIKE = (
    r"(?:19|20)\d{2}(?:[-./]\s*(?:0?[1-9]|1[0-2])(?:[-./]\s*\d{1,2})?\.?|"
    r"년\s*(?:0?[1-9]|1[0-2])월(?:\s*\d{1,2}일)?)"
)
# Year-months and dates written without separators (202504, 20250401): dates only in a
# column whose name says so (기준월, 접수일, 연월, 시점, date, month...), never codes.
_COMPACT_DATE = r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])?"
_DATE_NAME = re.compile(r"(?:월|일|연월|년월|일자|날짜|시점)\s*$|(?i:date|month|yyyymm|ym$)")
# A summary value, spaces allowed anywhere ("합 계"), as one RE2 pattern.
_SUMMARY_PATTERN = r"\s*(?:" + "|".join(r"\s*".join(v) for v in sorted(SUMMARY_VALUES)) + r")\s*"
_KNOWN_TEXT = {"numbers": False, "missing": False, "dates": False}
_TRUE = {"True", "TRUE", "true"}
_FALSE = {"False", "FALSE", "false"}


def is_identifier_name(name: object) -> bool:
    """Tell whether a column name marks an identifier (코드, 번호, ID, id, code)."""
    return IDENTIFIER_NAME.search(str(name)) is not None


def identifier_columns(frame: pd.DataFrame) -> list[Any]:
    """Columns that must stay text: by name, or by a value with leading zeros (``0123``)."""
    found = []
    for column in frame.columns:
        if is_identifier_name(column):
            found.append(column)
            continue
        if frame[column].dtype.kind in "iufb":  # numbers have no leading zeros
            continue
        values = frame[column].dropna()
        if not pd.api.types.is_string_dtype(values):  # Excel: numbers beside text
            values = values[values.map(lambda value: isinstance(value, str))]
        if len(values) and _matches(values.astype("str"), _LEADING_ZERO.pattern).any():
            found.append(column)
    return found


def tidy(
    frame: pd.DataFrame,
    report: ReadReport,
    infer: Mapping[str, bool | None],
    *,
    first_line: int,
    text: Collection[str] = (),
) -> pd.DataFrame:
    """Make ``frame`` (cells as read) analysis-ready; record every step in ``report``.

    ``first_line`` is the 1-based line (or sheet row) of the first data row, so messages
    can name where a value sits. ``text`` names columns already known to be text (a
    sample of the file held a value that is no number, date or truth value).
    """
    frame = frame.reset_index(drop=True)
    if infer["footnotes"] and len(frame):
        tail = frame.tail(30).astype(object)
        count = footnote_count(tail.where(tail.notna(), None).to_numpy().tolist())
        if count:
            tail = frame.iloc[len(frame) - count :]
            report.footnotes = [_row_text(row) for row in tail.itertuples(index=False)]
            report.footnotes = [text for text in report.footnotes if text]
            frame = frame.iloc[: len(frame) - count]
    if infer["empty"] and len(frame):
        empty = [c for c in frame.columns if _all_blank(frame[c])]
        report.dropped_columns += [str(c) for c in empty]
        frame = frame.drop(columns=empty)
    identifiers = set(identifier_columns(frame))
    columns: dict[str, pd.Series] = {}
    for column in frame.columns:
        series = frame[column]
        if infer["codes"] and column not in identifiers:
            split = _split_name_and_code(series)
            if split is not None:
                code_name = unique_names([*frame.columns, f"{column}코드"])[-1]
                columns[column], columns[code_name] = split
                report.split_codes[str(column)] = code_name
                continue
        if column in identifiers:
            columns[column] = _as_text(series, blanks=True)
        else:
            known = infer if column not in text else _KNOWN_TEXT
            columns[column] = _typed(str(column), series, report, known, first_line)
    result = pd.DataFrame(columns, index=frame.index, copy=False)
    if infer["summary"]:
        result = _flag_summary_rows(result, report)
    report.rows, report.columns = result.shape
    return result


def _row_text(row: tuple[Any, ...]) -> str:
    return " ".join(str(v).strip() for v in row if not _is_missing(v) and str(v).strip())


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _all_blank(series: pd.Series) -> bool:
    """Tell whether every cell is missing or blank (a filled cell early answers quickly)."""
    if series.dtype.kind in "iufb":
        return bool(series.isna().all())
    for part in (series.head(1000), series):
        text = part.astype("str").str.strip()
        if not (part.isna() | (text == "") | text.isna()).all():
            return False
    return True


def _as_text(series: pd.Series, *, blanks: bool) -> pd.Series:
    """Cells as pandas text; numbers typed in Excel as digits (``1.0`` -> ``"1"``)."""
    if not isinstance(series.dtype, pd.StringDtype):
        series = series.map(_cell_text, na_action="ignore").astype("str")
    missing = series.isna() | series.isin(PANDAS_NA)
    if blanks:
        missing |= series.str.strip() == ""
    return series.mask(missing)


def _cell_text(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat().removesuffix("T00:00:00")
    return None if value == "" else str(value)


def _typed(
    column: str,
    series: pd.Series,
    report: ReadReport,
    infer: Mapping[str, bool | None],
    first_line: int,
) -> pd.Series:
    """Numbers, booleans or text; whichever every non-missing value of the column agrees on."""
    if series.dtype.kind in "if":  # converted already by pandas' parser, from a sample's hints
        return series
    excel_numbers = None
    if not isinstance(series.dtype, pd.StringDtype):  # Excel: typed cells
        typed = series.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
        excel_numbers = typed & series.notna()
        if series.map(lambda v: isinstance(v, bool)).all() and len(series):
            return series.astype(bool)
    text = _as_text(series, blanks=False)
    stripped = text.str.strip()
    blank = stripped.isna() | (stripped == "") | text.isin(PANDAS_NA)
    if infer is _KNOWN_TEXT:  # a sample of the file showed text: nothing else to try
        return text.mask(blank)
    marks = stripped.isin(MISSING_MARKS) if infer["missing"] else pd.Series(False, text.index)
    values = stripped[~blank & ~marks]
    if values.empty:
        return _missing_only(column, text, stripped, blank, marks, report, infer)
    if (
        infer["dates"] is not False
        and _DATE_NAME.search(str(column))
        and _matches(values, _COMPACT_DATE, full=True).all()
    ):
        return _date_column(column, values, text, blank, report, infer)
    # KOSIS writes months as 2022.10; as numbers October would become 2022.1, so a column
    # of nothing but such year-months stays text (and is listed as a date column below).
    periods = _matches(values, r"\s*(?:19|20)\d{2}\.(?:0[1-9]|1[0-2])\s*", full=True).all()
    if (infer["numbers"] or excel_numbers is not None) and not periods:
        number = _numbers(column, values, report, infer, excel_numbers, first_line)
        if number is not None:
            if marks.any():
                counts = stripped[marks].value_counts()
                report.missing_marks[column] = {str(k): int(v) for k, v in counts.items()}
            blanks_written = int(((text != "") & (stripped == "")).sum())
            if blanks_written:
                report.missing_marks.setdefault(column, {})["' '(공백)"] = blanks_written
            return _reindexed(number, text.index)
    if values.isin(_TRUE | _FALSE).all() and not blank.any():
        return text.isin(_TRUE)
    if infer["dates"] is not False and _matches(values, _DATE_LIKE, full=True).all():
        return _date_column(column, values, text, blank, report, infer)
    return text.mask(blank)


def _date_column(
    column: str,
    values: pd.Series,
    text: pd.Series,
    blank: pd.Series,
    report: ReadReport,
    infer: Mapping[str, bool | None],
) -> pd.Series:
    """Record a column of dates or year-months; datetimes when dates are inferred."""
    report.date_columns.append(column)
    if infer["dates"] is True:
        report.dates_converted = True
        return _dates(values, text.index)
    return text.mask(blank)


def _missing_only(
    column: str,
    text: pd.Series,
    stripped: pd.Series,
    blank: pd.Series,
    marks: pd.Series,
    report: ReadReport,
    infer: Mapping[str, bool | None],
) -> pd.Series:
    """Type a column of nothing but blanks and marks: numbers when marks were used."""
    if marks.any():
        counts = stripped[marks].value_counts()
        report.missing_marks[column] = {str(k): int(v) for k, v in counts.items()}
        return pd.Series(np.nan, index=text.index, dtype="float64")
    return text.mask(blank)


def _numbers(
    column: str,
    values: pd.Series,
    report: ReadReport,
    infer: Mapping[str, bool | None],
    excel_numbers: pd.Series | None,
    first_line: int,
) -> pd.Series | None:
    """Parse every value as a number, or return None (saying why when most parse)."""
    plain = _matches(values, _PLAIN_NUMBER, full=True)
    if plain.all():
        numbers = _cast_numbers(values)
        note: dict[str, Any] = {}
    elif not infer["numbers"]:
        return None
    else:
        good = _matches(values, _STATS_NUMBER, full=True)
        units = _units(values) if good.all() else []
        if not good.all() or len(units) > 1:
            if good.mean() >= 0.9:
                bad = values[~good].index[0] if not good.all() else values.index[0]
                why = (
                    f"단위가 여러 가지입니다({', '.join(units)})"
                    if good.all()
                    else f"{first_line + int(bad)}행의 값 '{values[bad]}'은 숫자가 아닙니다"
                )
                report.kept_text[column] = (
                    f"{why}. 고친 뒤 다시 읽거나, 그 값을 결측으로 두려면 파일에서 '-'로 바꾸세요."
                )
            return None
        numbers = _cast_numbers(values, strip=r"[^\d.]")
        numbers = numbers.where(~_matches(values, _NEGATIVE), -numbers)
        note = {
            "separators": int(values.str.contains(",", regex=False).sum()),
            "signs": int(_matches(values, _SIGNED).sum()),
        }
        if units:
            note["unit"] = units[0]
    if excel_numbers is not None:
        stored_as_text = int((~excel_numbers.reindex(values.index, fill_value=False)).sum())
        if stored_as_text:
            note["excel_text"] = stored_as_text
    if any(note.values()):
        report.numbers[column] = {key: value for key, value in note.items() if value}
    return numbers


def _matches(texts: pd.Series, pattern: str, *, full: bool = False) -> pd.Series:
    """Match a regex (RE2) at the start of every text, or the whole text, with Arrow.

    pandas' own ``str.match`` falls back to Python's ``re`` one value at a time for many
    patterns; Arrow's kernel is many times faster on a million rows. Missing is False.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    regex = f"^(?:{pattern})$" if full else f"^(?:{pattern})"
    found = pc.match_substring_regex(pa.array(texts), regex)
    return pd.Series(found.fill_null(False).to_numpy(zero_copy_only=False), index=texts.index)


def _replaced(texts: pd.Series, pattern: str, replacement: str) -> pd.Series:
    """Replace every match of a regex (RE2) with Arrow; missing stays missing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pc.replace_substring_regex(pa.array(texts), pattern, replacement)
    as_str = dict.fromkeys(
        [pa.string(), pa.large_string()], pd.StringDtype("pyarrow", na_value=np.nan)
    )
    return pd.Series(array.to_pandas(types_mapper=as_str.get).array, index=texts.index)


def _cast_numbers(texts: pd.Series, *, strip: str | None = None) -> pd.Series:
    """Parse number text with Arrow, after removing what matches ``strip`` (a regex).

    int64 when no value has a point or an exponent, else float64.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(texts)
    if strip is not None:
        array = pc.replace_substring_regex(array, strip, "")
    fractional = pc.any(pc.match_substring_regex(array, r"[.eE]")).as_py()
    try:
        parsed = pc.cast(array, pa.float64() if fractional else pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # e.g. "+5", huge integers
        digits = pd.Series(array.to_numpy(zero_copy_only=False), index=texts.index)
        return pd.to_numeric(digits)
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=texts.index)


def _units(values: pd.Series) -> list[str]:
    """Return the distinct units written after the numbers (``%``, ``명``), if any."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(values)
    found = pc.struct_field(pc.extract_regex(array, r"(?P<unit>%|[가-힣]{1,2})\s*$"), "unit")
    return [str(unit) for unit in pc.unique(found.drop_null()).to_pylist()]


def _reindexed(numbers: pd.Series, index: pd.Index) -> pd.Series:
    """Numbers back on every row: int64 without missing values, else float64 (as pandas)."""
    if len(numbers) == len(index) and numbers.dtype.kind in "iu":
        return numbers.astype("int64").reindex(index)
    return numbers.astype("float64").reindex(index)


def _dates(values: pd.Series, index: pd.Index) -> pd.Series:
    compact = values.str.fullmatch(r"\d{6}|\d{8}")
    values = values.where(
        ~compact, values.str[:4] + "-" + values.str[4:6] + "-" + values.str[6:8].replace("", "01")
    )
    digits = values.str.replace(r"[년월일./\s]+", "-", regex=True).str.strip("-")
    parts = digits.str.split("-", expand=True)
    year, month = parts[0], parts[1].str.zfill(2)
    day = parts[2].str.zfill(2) if parts.shape[1] > 2 else None
    text = year + "-" + month + ("-" + day.fillna("01") if day is not None else "-01")
    return pd.to_datetime(text, format="%Y-%m-%d").reindex(index)


def _split_name_and_code(series: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    """Split ``서울특별시 종로구  (1111000000)`` into the name and the code, or None."""
    if not pd.api.types.is_string_dtype(series):
        return None
    pattern = f"\\s*{NAME_AND_CODE}\\s*"
    head = series.head(100).dropna()
    if not _matches(head[head.str.strip() != ""], pattern, full=True).all():
        return None
    values = series.dropna()
    values = values[values.str.strip() != ""]
    if values.empty or not _matches(values, pattern, full=True).all():
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = pc.extract_regex(pa.array(values), f"^{pattern}$")
    names, codes = (
        pd.Series(
            pc.struct_field(parts, part).to_numpy(zero_copy_only=False),
            index=values.index,
            dtype="str",
        )
        for part in ("name", "code")
    )
    names = _replaced(names, r"\s+", " ")
    return names.reindex(series.index), codes.reindex(series.index)


def _flag_summary_rows(frame: pd.DataFrame, report: ReadReport) -> pd.DataFrame:
    """Flag rows whose first text columns say 전국, 합계, 소계, 계 or 총계."""
    texts = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c])][:2]
    if SUMMARY_COLUMN in frame.columns or not texts:
        return frame
    flags = pd.Series(False, index=frame.index)
    for column in texts:
        hits = _matches(frame[column], _SUMMARY_PATTERN, full=True)
        if hits.any() and not flags.any():
            report.summary_column = str(column)
            counts = _replaced(frame[column][hits], r"\s+", "").value_counts()
            report.summary_values = {str(k): int(v) for k, v in counts.items()}
        flags |= hits
    if not flags.any() or flags.all():
        report.summary_column, report.summary_values = None, {}
        return frame
    report.summary_rows = int(flags.sum())
    frame[SUMMARY_COLUMN] = flags.to_numpy()
    return frame
