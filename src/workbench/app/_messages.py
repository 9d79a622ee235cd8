"""Errors and gate refusals, said in plain Korean for the page.

What an official reads here never holds a traceback or a value of their data: a refusal
names the kind of information, where it is (table and column, or a section of the
report) and how many cells, never the cells. Findings carry masked examples; they are
not shown either (a masked resident number still shows a birth date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbench._korean import Catalogue, josa
from workbench.exceptions import (
    AccessDeniedError,
    AnalysisNotFoundError,
    CatalogError,
    DataReadError,
    ParameterError,
    ReleaseBlockedError,
    RunExistsError,
    RunFailedError,
    SchemaError,
    UploadTooLargeError,
    WorkbenchError,
)

__all__ = ["Notice", "describe_error", "describe_finding", "message"]

#: What the page's own checks say (the form, an upload, the server's start), one
#: template per message; ``{name:은/는}`` gets the particle that fits the name.
_MESSAGES = {
    "form_list": (
        "{where} 칸의 값 {got:을/를} 목록으로 읽을 수 없습니다. 값을 쉼표로 구분해 "
        "적으세요 (예: 10, 20, 30)."
    ),
    "upload_suffix": (
        "{name:은/는} 이 페이지가 읽을 수 있는 파일이 아닙니다. 다음 형식의 파일을 "
        "올리세요: {have}."
    ),
    "upload_empty": "{name:은/는} 빈 파일입니다. 내용이 있는 파일을 다시 올리세요.",
    "server_token_file": (
        "페이지 서버를 시작할 수 없습니다: --WorkbenchVoila.token_file 설정이 없습니다. "
        "페이지는 `workbench app`으로 여세요."
    ),
    "server_token_short": (
        "페이지 서버를 시작할 수 없습니다: {path}의 토큰이 {got}자로 너무 짧습니다 "
        "({expected}자 이상). `workbench app`으로 다시 여세요."
    ),
}


#: Render one of the templates above: ``message("key", field=value)``.
message = Catalogue(_MESSAGES)


@dataclass(frozen=True)
class Notice:
    """A message box on the page.

    Attributes
    ----------
    level : str
        ``"error"`` (the run did not happen or failed), ``"blocked"`` (the release gate
        refused) or ``"info"``.
    title : str
        One line, in Korean.
    lines : list of str
        What happened, item by item, in Korean.
    advice : list of str
        What to do next, in Korean.
    detail : str
        Technical text for the analyst who helps (never data values); may be empty.
    """

    level: str
    title: str
    lines: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    detail: str = ""

    def text(self) -> str:
        """Return everything the notice says, as plain text (for logs and tests)."""
        return "\n".join([self.title, *self.lines, *self.advice, self.detail])


_DISCLOSURE = {
    "disclosure.threshold": "인원·건수가 너무 적은 칸",
    "disclosure.zero": "0인 칸",
    "disclosure.nk": "한두 곳이 대부분을 차지하는 칸",
    "disclosure.p_percent": "한 곳의 값을 거의 알아낼 수 있는 칸",
    "disclosure.negative": "음수가 있어 점검할 수 없는 칸",
    "disclosure.missing": "빈 값이 있어 점검할 수 없는 칸",
    "disclosure.dof": "관측 수가 너무 적은 회귀분석",
    "disclosure.all_missing": "값이 모두 비어 있는 칸",
    "release.unchecked_file": "글자로 읽을 수 없는 파일",
    "release.unchecked_image": "글자를 읽을 수 없는 그림",
    "risk.k_anonymity": "몇 사람만 해당하는 조합",
}

_ERROR_NAMES = {
    "DataReadError": "자료 파일을 읽지 못했습니다.",
    "SchemaError": "자료의 열이나 값이 이 분석이 기대하는 형식과 다릅니다.",
    "KeyError": "분석에 필요한 열이나 항목을 자료에서 찾지 못했습니다.",
    "ValueError": "자료의 값이 이 분석에 맞지 않습니다.",
    "TypeError": "자료의 값 유형(숫자·문자·날짜)이 이 분석에 맞지 않습니다.",
    "MemoryError": "자료가 너무 커서 메모리가 모자랐습니다.",
    "ParameterError": "입력한 값이 이 분석에 맞지 않습니다.",
    "AccessDeniedError": "이 자료를 쓸 목적이 윤리 기록(ethics.yml)에 없습니다.",
}


def _kind_label(rule: str) -> str:
    from workbench.ethics import KIND_LABELS

    if rule.startswith("pii."):
        kind = rule.removeprefix("pii.")
        return KIND_LABELS.get(kind, kind)
    return _DISCLOSURE.get(rule, rule)


def _where(location: Any) -> str:
    """Say in Korean where a finding is: a result table or file (and column), or the report.

    Read from the location's fields (never from a rendered string). Cell labels are not
    repeated: they are values of the data.
    """
    if location.parameter is not None:
        return f"입력한 값 '{location.parameter}'"
    if location.table is not None:
        where = f"결과 표 '{location.table}'"
    elif location.file is not None:
        where = f"결과 파일 '{location.file}'"
    elif location.model is not None:
        where = "회귀분석 결과"
    elif location.cell_number is not None:
        shown = "그림" if location.kind == "figure" else "출력"
        return f"보고서 {location.cell_number}번째 칸에 표시될 {shown}"
    else:
        return "보고서에 실릴 출력"
    if location.sheet is not None:
        where += f"의 시트 '{location.sheet}'"
    if location.kind == "column" and location.column is not None:
        where += f"의 열 '{location.column}'"
    elif location.kind == "figure":
        where += "의 그림 속 글자"
    return where


def describe_finding(finding: Any) -> str:
    """Return one Korean line for a gate finding: what kind, where, how many.

    Only the rule, the location and the count are read: never the finding's message
    text nor its examples, so no value of the data can reach the page.
    """
    label = _kind_label(str(finding.rule))
    count = int(getattr(finding, "count", 0) or 0)
    how_many = f" {count}건" if count else ""
    if str(finding.rule).startswith("pii."):
        return f"{_where(finding.location)}에 개인정보({label}){how_many}이 있습니다."
    if str(finding.rule).startswith("release."):
        return f"{_where(finding.location)}의 내용을 점검하지 못했습니다({label})."
    return f"{_where(finding.location)}에 공개 기준에 어긋나는 {label}{how_many}이 있습니다."


def _blocked(exc: ReleaseBlockedError) -> Notice:
    findings: list[Any] = list(exc.findings)
    personal = any(str(f.rule).startswith("pii.") for f in findings)
    advice = []
    if personal:
        advice.append(
            "개인정보가 든 열을 지우거나 가명처리한 파일로 다시 실행하세요 "
            "(예: 주민등록번호 열을 빼고 올리기)."
        )
    if any(str(f.rule) == "disclosure.dof" for f in findings):
        advice.append(
            "회귀분석은 관측(행)이 설명 변수보다 충분히 많아야 공개할 수 있습니다: "
            "더 많은 자료로 실행하거나 회귀식의 설명 변수를 줄이세요."
        )
    if not personal and any(str(f.rule) != "disclosure.dof" for f in findings):
        advice.append(
            "작은 칸을 합치도록 설정(예: 최소 인원)을 바꾸거나 자료를 넓게 묶어 다시 실행하세요."
        )
    ids = ", ".join(str(f.id) for f in findings)
    run = getattr(exc, "run_dir", None)
    advice.append(
        "꼭 공개해야 하는 이유가 있으면 승인 권한이 있는 담당자에게 검토를 요청하세요"
        + (f" (실행 기록: {_run_name(run)}, 점검 항목: {ids})." if run else f" (점검 항목: {ids}).")
    )
    return Notice(
        level="blocked",
        title=f"공개 보류: 결과를 공개하기 전 점검에서 {len(findings)}건이 걸렸습니다.",
        lines=[describe_finding(f) for f in findings],
        advice=advice,
    )


def _run_name(run_dir: object) -> str:
    from pathlib import Path

    return Path(str(run_dir)).name


def _failed(exc: RunFailedError) -> Notice:
    if exc.reason == "timeout":
        lines = ["정해진 시간 안에 분석이 끝나지 않았습니다."]
    elif exc.reason == "dead_kernel":
        lines = ["분석 도중 계산 엔진이 멈췄습니다 (자료가 너무 크면 메모리가 모자랄 수 있습니다)."]
    else:
        step = f"{exc.cell_index + 1}번째 단계에서 " if exc.cell_index is not None else ""
        cause = _ERROR_NAMES.get(str(exc.error_name), "분석 코드가 이 자료를 처리하지 못했습니다.")
        lines = [f"분석이 {step}멈췄습니다. {cause}"]
    run = f" (실행 기록: {_run_name(exc.run_dir)})" if exc.run_dir is not None else ""
    return Notice(
        level="error",
        title="분석을 끝내지 못했습니다.",
        lines=lines,
        advice=[
            "올린 자료가 이 분석에 맞는지(필요한 열, 숫자·날짜 형식) 확인하세요.",
            f"그래도 안 되면 분석 담당자에게 알려 주세요{run}.",
        ],
        # The error's name only: its value may quote a cell of the data.
        detail=f"{exc.reason}: {exc.error_name or ''}".strip(": "),
    )


def _parameter(exc: ParameterError, labels: dict[str, str]) -> Notice:
    message = str(exc)
    if exc.kind == "missing_columns" and isinstance(exc.expected, list):
        return Notice(
            level="error",
            title="자료에 이 분석에 필요한 열이 없습니다.",
            lines=[f"필요한 열: {', '.join(map(str, exc.expected))}"],
            advice=[
                "열 이름이 정확히 같은지 확인하거나, 이 자료에 맞는 다른 분석을 고르세요.",
                '열 이름만 다르면 열 이름 대응표에 {"자료의 열": "분석의 열"}로 적으세요.',
            ],
        )
    if "AccessDenied" in message or "ethics" in message.lower():
        return Notice(
            level="error",
            title="이 자료를 쓸 수 없습니다.",
            lines=["개인정보가 든 자료는 윤리 기록(ethics.yml)에 목적과 근거가 있어야 씁니다."],
            advice=["과제 책임자에게 윤리 기록에 이 자료의 이용 목적을 올려 달라고 요청하세요."],
            detail=message,
        )
    name = exc.parameter or ""
    label = labels.get(name, name)
    what = f"'{label}' 값이 올바르지 않습니다." if name else "입력한 값이 올바르지 않습니다."
    return Notice(
        level="error",
        title="입력값을 확인하세요.",
        lines=[what],
        advice=["설명에 적힌 형식(숫자, 쉼표로 구분한 목록 등)으로 다시 입력하세요."],
        detail=message,
    )


_HANGUL = re.compile("[\uac00-\ud7a3]")

#: A path as the server sees it: reduced to its file name before an official reads it.
_SERVER_PATH = re.compile(
    r"(?<![^\s'\"`(])(?:[A-Za-z]:)?(?:[/\\][^/\\\s'\"`()]+)+[/\\]([^/\\\s'\"`()]+)"
)


def _reader_reason(exc: BaseException) -> str:
    """Say the reader's own Korean reason, server paths reduced to file names.

    The reason names the file, line or column and the fix; a reason that is not Korean
    gives way to the general line.
    """
    text = str(exc)
    if not _HANGUL.search(text):
        return _ERROR_NAMES[type(exc).__name__]
    return _SERVER_PATH.sub(r"\1", text)


def describe_error(exc: BaseException, labels: dict[str, str] | None = None) -> Notice:
    """Turn an error of a page action into a Korean notice.

    Parameters
    ----------
    exc : BaseException
        The error raised by the runner (or anything else).
    labels : dict, optional
        Parameter name -> what the page calls it, to name a bad parameter.

    Returns
    -------
    Notice
        Never a traceback; never a value read from the data.
    """
    labels = labels or {}
    if isinstance(exc, UploadTooLargeError):
        return Notice(
            level="error",
            title="파일이 너무 커서 받지 않았습니다.",
            lines=[
                f"'{exc.name}'{josa(exc.name, '은/는')} {exc.size / 2**20:,.1f} MB입니다. 이 "
                "페이지에는 "
                f"{exc.limit / 2**20:,.0f} MB까지 올릴 수 있습니다."
            ],
            advice=[
                "필요한 열이나 기간만 남겨 파일을 줄이거나, 분석 담당자에게 "
                "`workbench run`으로 실행해 달라고 요청하세요. 관리자는 "
                "`workbench app --max-upload-mb`로 상한을 바꿀 수 있습니다."
            ],
        )
    if isinstance(exc, ReleaseBlockedError):
        return _blocked(exc)
    if isinstance(exc, RunFailedError):
        return _failed(exc)
    if isinstance(exc, ParameterError):
        return _parameter(exc, labels)
    if isinstance(exc, AccessDeniedError):
        return _parameter(ParameterError(f"AccessDenied: {exc}"), labels)
    if isinstance(exc, DataReadError | SchemaError):
        return Notice(
            level="error",
            title="자료 파일을 읽지 못했습니다.",
            lines=[_reader_reason(exc)],
            advice=[
                "CSV(UTF-8 또는 CP949)·Excel·Parquet 파일인지, 첫 줄이 열 이름인지 확인하세요."
            ],
        )
    if isinstance(exc, AnalysisNotFoundError | CatalogError | RunExistsError):
        return Notice(
            level="error",
            title="분석을 시작하지 못했습니다.",
            lines=["고른 분석이나 자료를 찾지 못했습니다."],
            advice=["페이지를 새로 고친 뒤 다시 고르세요."],
            detail=str(exc),
        )
    if isinstance(exc, WorkbenchError):
        return Notice(
            level="error",
            title="분석을 실행하지 못했습니다.",
            lines=["자료나 설정에 문제가 있습니다."],
            advice=["분석 담당자에게 알려 주세요."],
            detail=type(exc).__name__,
        )
    return Notice(
        level="error",
        title="예상하지 못한 오류가 생겼습니다.",
        lines=["페이지에서 처리하지 못한 문제입니다. 자료에는 변경이 없습니다."],
        advice=["잠시 뒤 다시 해 보고, 계속되면 분석 담당자에게 알려 주세요."],
        detail=type(exc).__name__,
    )
