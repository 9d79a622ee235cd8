"""The read report: what the reader found in a file and what it inferred, in Korean.

Every inference the reader makes (numbers with separators, missing marks, header rows,
notes above and below the table, summary rows, name-and-code cells) is recorded here with
the parameter that turns it off, so an official can check what was done to the file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["INFERENCES", "SUMMARY_COLUMN", "ReadReport"]

#: The boolean column ``read_table`` adds to flag summary rows (전국, 합계, 소계, 계, 총계).
SUMMARY_COLUMN = "합계행"

#: What the reader infers, each switched by ``read_table(..., infer={name: False})``.
INFERENCES = ("layout", "footnotes", "numbers", "missing", "empty", "summary", "codes", "dates")


@dataclass
class ReadReport:
    """What :func:`workbench.read_table` found in a file and did to it.

    Attributes hold plain data (so the report travels in ``DataFrame.attrs`` and JSON);
    :meth:`to_text` says it in Korean.
    """

    source: str = ""
    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    rows: int = 0
    columns: int = 0
    header_rows: int = 1
    first_line: int = 2  # the file's line (or sheet row) of the first data row, 1-based
    preamble: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    #: column -> {"separators": n, "signs": n, "unit": "%", "excel_text": n}
    numbers: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: column -> {mark: count} for marks read as missing ("-", "x", " ", "…")
    missing_marks: dict[str, dict[str, int]] = field(default_factory=dict)
    #: column -> why it stayed text though most of it is numbers (value and line)
    kept_text: dict[str, str] = field(default_factory=dict)
    summary_column: str | None = None
    summary_rows: int = 0
    summary_values: dict[str, int] = field(default_factory=dict)
    #: name column -> code column split from cells like "종로구  (1111000000)"
    split_codes: dict[str, str] = field(default_factory=dict)
    #: columns whose every value is a date or a year-month (converted when asked)
    date_columns: list[str] = field(default_factory=list)
    dates_converted: bool = False
    #: Excel cells holding a formula whose result was never saved
    formulas_without_values: list[str] = field(default_factory=list)
    formula_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data (for ``DataFrame.attrs`` and JSON)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReadReport:
        """Rebuild a report from :meth:`to_dict`'s output."""
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in data.items() if key in known})

    @property
    def changed(self) -> bool:
        """Tell whether the reader did anything beyond plain parsing."""
        return any(
            (self.preamble, self.footnotes, self.dropped_columns, self.numbers,
             self.missing_marks, self.kept_text, self.summary_rows, self.split_codes,
             self.formulas_without_values, self.header_rows > 1)
        )  # fmt: skip

    def lines(self) -> list[str]:
        """Return the report as Korean lines: what was found, where, how to turn it off."""
        what = [f"{self.rows:,}행 × {self.columns}열"]
        if self.encoding:
            what.append(f"인코딩 {self.encoding}")
        if self.delimiter:
            what.append(f"구분자 {_delimiter_name(self.delimiter)}")
        if self.sheet is not None:
            what.append(f"시트 '{self.sheet}'")
        lines = [f"{self.source}: " + ", ".join(what)]
        if self.preamble:
            shown = " / ".join(self.preamble[:3]) + (" …" if len(self.preamble) > 3 else "")
            lines.append(f"표 위의 제목·안내 {len(self.preamble)}줄을 표에서 뺐습니다: {shown}")
        if self.header_rows > 1:
            lines.append(
                f"머리글 {self.header_rows}줄을 한 줄로 합쳤습니다 (예: 2026.04_총인구수 (명)). "
                "다르면 header_rows=N으로 지정하세요."
            )
        if self.footnotes:
            shown = " / ".join(self.footnotes[:3]) + (" …" if len(self.footnotes) > 3 else "")
            lines.append(
                f"표 아래 주석 {len(self.footnotes)}줄을 표에서 뺐습니다: {shown} "
                "(끄려면 infer={'footnotes': False})"
            )
        if self.dropped_columns:
            lines.append(
                f"모든 행이 비어 있는 열을 뺐습니다: {', '.join(self.dropped_columns)} "
                "(행 끝의 구분자 등; 끄려면 infer={'empty': False})"
            )
        for column, note in self.numbers.items():
            how = []
            if note.get("separators"):
                how.append(f"천 단위 구분 기호 {note['separators']:,}개")
            if note.get("signs"):
                how.append(f"부호·괄호 {note['signs']:,}개")
            if note.get("unit"):
                how.append(f"단위 '{note['unit']}'")
            if note.get("excel_text"):
                how.append(f"텍스트로 저장된 숫자 {note['excel_text']:,}개")
            if note.get("sampled_rows"):
                how.append(f"개수는 앞 {note['sampled_rows']:,}행 기준")
            lines.append(
                f"열 '{column}'을 숫자로 읽었습니다 ({', '.join(how)} 정리; "
                "끄려면 infer={'numbers': False})"
            )
        for column, marks in self.missing_marks.items():
            shown = ", ".join(f"'{mark}' {count:,}개" for mark, count in marks.items())
            lines.append(
                f"열 '{column}'의 {shown}를 결측으로 읽었습니다 (끄려면 infer={{'missing': False}})"
            )
        for column, why in self.kept_text.items():
            lines.append(f"열 '{column}'은 텍스트로 남겼습니다: {why}")
        for name, code in self.split_codes.items():
            lines.append(
                f"열 '{name}'의 '이름 (코드)' 값을 이름과 코드 열 '{code}'로 나눴습니다 "
                "(끄려면 infer={'codes': False})"
            )
        if self.summary_rows:
            values = ", ".join(f"{v} {n:,}행" for v, n in self.summary_values.items())
            lines.append(
                f"합계 행 {self.summary_rows:,}개({self.summary_column} 열: {values})를 "
                "'합계행' 열(True)로 표시했습니다. 분석에서 빼려면 df[~df['합계행']] "
                "(끄려면 infer={'summary': False})"
            )
        if self.date_columns:
            names = ", ".join(self.date_columns)
            if self.dates_converted:
                lines.append(f"날짜로 읽은 열: {names} (끄려면 infer={{'dates': False}})")
            else:
                lines.append(
                    f"날짜·연월로 보이는 열: {names} (텍스트로 둠; 날짜로 읽으려면 "
                    "infer={'dates': True})"
                )
        if self.formula_count:
            cells = ", ".join(self.formulas_without_values[:5])
            more = " 등" if self.formula_count > 5 else ""
            lines.append(
                f"수식의 계산 결과가 저장되지 않은 셀 {self.formula_count:,}개({cells}{more})는 "
                "빈 값으로 읽었습니다. Excel에서 파일을 열어 다시 저장한 뒤 읽으세요."
            )
        return lines

    def to_text(self) -> str:
        """Return the report as Korean text, one finding per line."""
        return "\n".join(self.lines())

    def __str__(self) -> str:
        return self.to_text()


def _delimiter_name(delimiter: str) -> str:
    return {",": "쉼표", "\t": "탭", ";": "세미콜론", "|": "세로선"}.get(delimiter, repr(delimiter))
