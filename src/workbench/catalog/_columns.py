"""Column maps: the names an agency publishes → the names an analysis uses.

A standard analysis names its columns once (``부과액``, ``배출량``); an agency's file names
them its own way (``부과금액``, ``온실가스 배출량(tCO2eq)``). A column map says which is
which, ``{"그쪽 열": "이 분석의 열"}``; it is the ``columns`` parameter of every standard
analysis that reads a table (``workbench run NAME -p columns '{"부과금액": "부과액"}'``).

For an analysis with several inputs the map is either flat (each key is looked up in
every input; it must be in at least one) or given per input, keyed by the input
parameter: ``{"fees_path": {"부과금액": "부과액"}, "bids_path": {...}}``.

The same rules serve the runner's check before a kernel starts (on the files' headers)
and the reader in the notebook (on the frames): pandas is not imported here.
"""

from __future__ import annotations

import contextlib
import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from workbench.exceptions import ColumnMapError, ParameterError

__all__ = [
    "PARAMETER",
    "apply_column_map",
    "check_column_map",
    "close_columns",
    "missing_columns_error",
    "only_input_map",
    "split_column_map",
]

#: The parameter of a standard analysis that holds its column map.
PARAMETER = "columns"
_EXAMPLE = '-p columns \'{"그쪽 열": "이 분석의 열"}\''


def close_columns(column: str, available: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` of ``available`` that look like ``column`` (best first).

    >>> close_columns("부과액", ["단지코드", "부과금액", "부과월"])
    ['부과금액', '부과월']
    """
    names = [str(c) for c in available]
    return difflib.get_close_matches(str(column), names, n=n, cutoff=0.5)


def _file_name(source: object) -> str:
    text = str(source)
    return Path(text).name if ("/" in text or "\\" in text) else text


def _listing(available: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(f"'{c}'" for c in available[:limit])
    return shown + (f" 외 {len(available) - limit}개" if len(available) > limit else "")


def _unknown_key(source: object, key: str, available: Sequence[str]) -> ColumnMapError:
    close = close_columns(key, available)
    hint = f" 비슷한 열: {', '.join(repr(c) for c in close)}." if close else ""
    return ColumnMapError(
        f"열 이름 대응표(columns)의 '{key}' 열이 {_file_name(source)}에 없습니다.{hint} "
        f"파일의 열: {_listing(available)}. 대응표의 왼쪽에는 파일에 있는 열 이름을, "
        f"오른쪽에는 이 분석이 쓰는 열 이름을 적으세요: {_EXAMPLE}",
        source=str(source),
        column=key,
        suggestions=close,
    )


def check_column_map(columns: Any, inputs: Sequence[str] = ()) -> dict[str, Any]:
    """Check a column map's shape: ``{str: str}``, or ``{input: {str: str}}``.

    Parameters
    ----------
    columns : object
        The value given for the ``columns`` parameter (``None`` or ``""`` mean none).
    inputs : sequence of str
        The analysis's input parameters, for the per-input form.

    Returns
    -------
    dict
        The map (a copy).

    Raises
    ------
    ColumnMapError
        If it is not a mapping of text to text (per input or flat).

    Examples
    --------
    >>> check_column_map('{"거래금액": "price"}')
    {'거래금액': 'price'}
    >>> check_column_map({"fees_path": {"부과금액": "부과액"}}, ["fees_path"])
    {'fees_path': {'부과금액': '부과액'}}
    """
    if columns in (None, ""):
        return {}
    if isinstance(columns, str):
        with contextlib.suppress(json.JSONDecodeError):
            columns = json.loads(columns)
    if not isinstance(columns, Mapping):
        raise ColumnMapError(
            f'열 이름 대응표(columns)는 {{"그쪽 열": "이 분석의 열"}} 꼴이어야 합니다; '
            f"받은 값: {columns!r}. 예: {_EXAMPLE}",
            column=None,
        )
    result: dict[str, Any] = {}
    for key, value in columns.items():
        if isinstance(value, Mapping) and key in inputs:
            result[str(key)] = check_column_map(value)
            continue
        if not isinstance(key, str) or not isinstance(value, str) or not value.strip():
            where = (
                f" 입력 이름 {', '.join(inputs)} 중 하나에만 대응표를 줄 수 있습니다."
                if inputs
                else ""
            )
            raise ColumnMapError(
                f"열 이름 대응표(columns)의 항목 {key!r}: {value!r}은 열 이름(글자) 두 개의 "
                f"짝이어야 합니다.{where} 예: {_EXAMPLE}",
                column=str(key),
            )
        result[key] = value
    return result


def _per_input(columns: Mapping[str, Any]) -> bool:
    return bool(columns) and all(isinstance(v, Mapping) for v in columns.values())


def only_input_map(columns: Any) -> Any:
    """Return the inner map of a per-input map with one input; refuse one with several.

    A table read on its own (``read_table(path, columns=...)``) cannot tell which input
    it is, so ``{"data_path": {"가": "나"}}`` means ``{"가": "나"}``.

    >>> only_input_map({"data_path": {"가": "나"}}), only_input_map({"가": "나"})
    ({'가': '나'}, {'가': '나'})
    """
    is_map = isinstance(columns, Mapping)
    nested = [k for k, v in columns.items() if isinstance(v, Mapping)] if is_map else []
    columns = check_column_map(columns, nested)
    if not _per_input(columns):
        return columns
    if len(columns) > 1:
        raise ColumnMapError(
            f"입력별 열 이름 대응표({', '.join(columns)})는 표 하나를 읽을 때 쓸 수 없습니다. "
            "wb.read_inputs로 입력을 함께 읽거나, 이 표의 대응표만 주세요.",
        )
    return next(iter(columns.values()))


def split_column_map(
    columns: Any,
    headers: Mapping[str, Sequence[str] | None],
    files: Mapping[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """Give each input the part of a column map that applies to it, checked.

    Parameters
    ----------
    columns : mapping
        A flat map, or a map per input parameter (see the module's help).
    headers : mapping
        Input parameter -> its column names (``None`` where they cannot be known before
        it is loaded, e.g. a catalog dataset that declares no columns).
    files : mapping, optional
        Input parameter -> its file, named in messages.

    Returns
    -------
    dict
        Input parameter -> ``{그쪽 열: 이 분석의 열}`` for that input.

    Raises
    ------
    ColumnMapError
        A key that is in no input (with the closest columns), two keys mapped to one
        name, or a name that the file already has.

    Examples
    --------
    >>> split_column_map({"부과금액": "부과액"}, {"fees_path": ["단지코드", "부과금액"],
    ...                                          "bids_path": ["단지코드", "낙찰업체"]})
    {'fees_path': {'부과금액': '부과액'}, 'bids_path': {}}
    """
    columns = check_column_map(columns, list(headers))
    files = files or {}
    result: dict[str, dict[str, str]] = {name: {} for name in headers}
    if _per_input(columns):
        for name, mapping in columns.items():
            _check_keys(files.get(name, name), mapping, headers[name])
            result[name] = dict(mapping)
    else:
        unknown = [name for name, header in headers.items() if header is None]
        for key, value in columns.items():
            owners = [n for n, h in headers.items() if h is not None and key in h] or unknown
            if not owners:
                everything = [c for h in headers.values() for c in h or ()]
                where = ", ".join(_file_name(files.get(n, n)) for n in headers)
                raise _unknown_key(where, key, list(dict.fromkeys(everything)))
            for name in owners:
                result[name][key] = value
    for name, mapping in result.items():
        _check_targets(files.get(name, name), mapping, headers[name])
    return result


def _check_keys(source: object, mapping: Mapping[str, str], header: Sequence[str] | None) -> None:
    if header is None:
        return
    for key in mapping:
        if key not in header:
            raise _unknown_key(source, key, list(header))


def _check_targets(
    source: object, mapping: Mapping[str, str], header: Sequence[str] | None
) -> None:
    """Refuse a map that would leave two columns of one name."""
    seen: dict[str, str] = {}
    for key, value in mapping.items():
        if value in seen:
            raise ColumnMapError(
                f"열 이름 대응표(columns)가 '{seen[value]}' 열과 '{key}' 열을 둘 다 "
                f"'{value}'(으)로 바꿉니다. 한 열만 고르세요.",
                source=str(source),
                column=key,
            )
        seen[value] = key
    kept = set(header or ()) - set(mapping)
    for key, value in mapping.items():
        if value in kept:
            raise ColumnMapError(
                f"{_file_name(source)}에 이미 '{value}' 열이 있어 '{key}' 열을 '{value}'(으)로 "
                f"바꿀 수 없습니다. 대응표에서 '{key}'를 빼거나, 있는 '{value}' 열도 다른 이름으로 "
                "바꾸세요.",
                source=str(source),
                column=key,
            )


def apply_column_map(frame: Any, columns: Any, source: object = "") -> Any:
    """Rename a frame's columns by a flat column map, after checking every key is there.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as read.
    columns : mapping
        ``{그쪽 열: 이 분석의 열}``; empty or ``None`` leaves the frame as it is.
    source : str
        The file, named in messages (default: ``frame.attrs["source"]``).

    Returns
    -------
    pandas.DataFrame
        The frame with its columns renamed; ``attrs["column_map"]`` records the map.

    Raises
    ------
    ColumnMapError
        A key that is not a column (with the closest ones), or a name clash.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"거래금액": [1], "전용면적": [84.9]})
    >>> list(apply_column_map(frame, {"거래금액": "price"}).columns)
    ['price', '전용면적']
    """
    mapping = check_column_map(columns)
    if not mapping:
        return frame
    source = source or frame.attrs.get("source", "")
    header = [str(c) for c in frame.columns]
    _check_keys(source, mapping, header)
    _check_targets(source, mapping, header)
    renamed = frame.rename(columns=mapping)
    renamed.attrs = {**frame.attrs, "column_map": dict(mapping)}
    return renamed


def missing_columns_error(
    parameter: str,
    source: object,
    missing: Sequence[str],
    available: Sequence[str],
    given: Mapping[str, str] | None = None,
) -> ParameterError:
    """Build the error for required columns an input lacks (after its column map).

    The message names the input and file, each missing column with the closest
    existing ones, and the ``-p columns`` line that would map them (added to the map
    ``given`` for this input, so the line can be used as it is).

    >>> error = missing_columns_error("fees_path", "/d/관리비.csv", ["부과액"], ["부과금액"])
    >>> print(error)  # doctest: +NORMALIZE_WHITESPACE
    입력 'fees_path'(관리비.csv)에 이 분석에 필요한 열 '부과액'이 없습니다. 비슷한 열:
    '부과금액'(→'부과액'). 파일의 열: '부과금액'. 파일의 열 이름이 다르면 대응표로 알려
    주세요: -p columns '{"부과금액": "부과액"}'
    """
    hints, pairs = [], {}
    for column in missing:
        close = close_columns(column, available)
        if close:
            hints.append(", ".join(f"'{c}'(→'{column}')" for c in close))
            pairs[close[0]] = column
    whole = {**(given or {}), **pairs}
    example = f"-p columns '{json.dumps(whole, ensure_ascii=False)}'" if pairs else _EXAMPLE
    particle = "이" if _has_final_consonant(missing[-1]) else "가"
    similar = f" 비슷한 열: {'; '.join(hints)}." if hints else ""
    return ColumnMapError(
        f"입력 '{parameter}'({_file_name(source)})에 이 분석에 필요한 열 "
        f"{', '.join(repr(c) for c in missing)}{particle} 없습니다.{similar} "
        f"파일의 열: {_listing(list(available))}. 파일의 열 이름이 다르면 대응표로 알려 "
        f"주세요: {example}",
        source=str(source),
        column=missing[0],
        suggestions=list(pairs),
        parameter=parameter,
        missing=list(missing),
    )


def _has_final_consonant(word: str) -> bool:
    """Tell whether a word's last syllable has a final consonant (이 vs 가)."""
    last = word.rstrip()[-1:] or "a"
    if "가" <= last <= "힣":
        return (ord(last) - ord("가")) % 28 != 0
    return last.lower() in "lmnr0136789"
