"""Input schemas of the blocks: pandera schemas that say what is wrong in Korean.

A standard notebook checks its input with ``FEES_SCHEMA.validate(raw)`` before computing
anything. pandera's own report is English JSON; :class:`InputSchema` collects every
problem (lazy validation) and raises one :class:`~workbench.exceptions.SchemaError`
naming each column, what it breaks, how many values and the first rows, with the fix.

>>> import pandas as pd, pandera.pandas as pa
>>> schema = InputSchema({"세대수": pa.Column(int, pa.Check.gt(0), coerce=True)}, name="예시")
>>> schema.validate(pd.DataFrame({"세대수": ["10", "열"]}))
Traceback (most recent call last):
...
workbench.exceptions.SchemaError: 입력 표가 예시의 형식에 맞지 않습니다:
  - 열 '세대수': 값 1개를 정수로 읽을 수 없습니다 (2번째 행: '열')
자료를 고치거나, 열 이름이 다르면 매개변수 columns에 {'자료의 열': '이 분석의 열'}을 주세요.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pandera.errors as pe
import pandera.pandas as pa

from workbench.blocks._messages import message
from workbench.exceptions import SchemaError

__all__ = ["InputSchema"]

#: pandera check names (without arguments) and the message key that says them.
_CHECKS = {
    "column_in_dataframe": "schema_missing",
    "column_in_schema": "schema_extra",
    "coerce_dtype": "schema_type",
    "dtype": "schema_type",
    "not_nullable": "schema_empty",
    "greater_than": "schema_gt",
    "greater_than_or_equal_to": "schema_ge",
    "less_than": "schema_lt",
    "less_than_or_equal_to": "schema_le",
    "in_range": "schema_range",
    "isin": "schema_isin",
    "str_matches": "schema_pattern",
    "field_uniqueness": "schema_unique",
}
_TYPES = {"int": "정수", "float": "숫자", "datetime": "날짜·시각", "bool": "참/거짓", "str": "글자"}
_PATTERNS = {r"^\d{4}-\d{2}$": "'YYYY-MM'", r"^\d{4}-\d{2}": "'YYYY-MM'(-DD)"}
_EXAMPLES = 3


def _type_word(argument: str) -> str:
    return next((word for key, word in _TYPES.items() if key in argument), argument)


def _problem(check: str, count: int) -> str:
    """Say one failed check of a column (``check`` as pandera names it, with arguments)."""
    name, _, rest = check.partition("(")
    argument = rest.rstrip(")").strip("'\"")
    key = _CHECKS.get(name, "schema_other")
    numbers = [n for n in re.split(r"[,\s]+", argument) if n]
    low = numbers[0] if numbers else argument
    high = numbers[1] if len(numbers) > 1 else argument
    pattern = _PATTERNS.get(argument, argument)
    return message(
        key,
        count=count,
        type=_type_word(argument),
        value=argument,
        low=low,
        high=high,
        pattern=pattern,
        check=check,
    )


class InputSchema(pa.DataFrameSchema):  # type: ignore[misc]
    """A pandera ``DataFrameSchema`` whose :meth:`validate` reports in Korean.

    Raises
    ------
    workbench.exceptions.SchemaError
        With every problem at once; ``failures`` holds one dict per column and check
        (``column``, ``check``, ``count``, ``rows``: the first five row numbers, from 1).
    """

    @classmethod
    def get_backend(cls, check_obj: Any = None, check_type: type | None = None) -> Any:
        """Validate with pandera's own DataFrameSchema backend (registered for that class)."""
        return pa.DataFrameSchema.get_backend(check_obj, check_type)

    def validate(self, check_obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Validate ``check_obj`` like pandera, every problem at once, said in Korean."""
        kwargs["lazy"] = True
        try:
            return super().validate(check_obj, *args, **kwargs)
        except pe.SchemaErrors as exc:
            raise self._korean(exc.failure_cases, check_obj) from None

    def _korean(self, cases: pd.DataFrame, frame: Any) -> SchemaError:
        failures: list[dict[str, object]] = []
        lines = [message("schema_intro", name=self.name or message("schema_input"))]
        checks = cases["check"].astype(str)
        named = cases["column"].notna() & ~checks.str.startswith("column_in")
        cases = cases.assign(
            column=cases["column"].where(named, cases["failure_case"]).astype(str), check=checks
        )
        unreadable = set(cases.loc[cases["check"].astype(str).str.startswith("coerce"), "column"])
        seen: set[tuple[str, str]] = set()
        for case in cases.itertuples(index=False):
            check, column = str(case.check), str(case.column)
            if (column, check) in seen or (column in unreadable and check.startswith("dtype")):
                continue
            if column in unreadable and not check.startswith("coerce"):
                continue  # a comparison on values that could not be read: said once above
            seen.add((column, check))
            group = cases[(cases["column"] == column) & (cases["check"] == check)]
            found = group[group["index"].notna().to_numpy(dtype=bool)]
            rows = [_position(frame, int(i)) for i in found["index"]]
            count = len(rows) or 1
            failures.append({"column": column, "check": check, "count": count, "rows": rows[:5]})
            problem = _problem(check, count)
            if rows and check != "not_nullable":
                shown = ", ".join(
                    message("schema_row", row=row, value=value)
                    for row, value in zip(rows[:_EXAMPLES], found["failure_case"], strict=False)
                )
                problem += f" ({shown})"
            lines.append(message("schema_line", column=column, problem=problem))
        lines.append(message("schema_fix"))
        return SchemaError("\n".join(lines), failures)


def _position(frame: Any, label: int) -> int:
    """Return the 1-based row number of index ``label`` in ``frame`` (else ``label + 1``)."""
    try:
        return int(frame.index.get_loc(label)) + 1
    except (KeyError, TypeError, AttributeError):
        return label + 1
