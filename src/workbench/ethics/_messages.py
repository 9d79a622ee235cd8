"""What the ethics layer tells a person, in Korean: one template per message.

Findings (the disclosure rules) and errors (bad input to the disclosure, risk,
suppression and pseudonymisation functions) are said here. A field written
``{name:을/를}`` gets the particle that fits how it ends (:func:`workbench._korean.render`);
the exceptions keep the facts as fields (``parameter``, ``expected``, ``got``, ``kind``).
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench._korean import Catalogue

__all__ = ["GENERALISATION_HELP", "message", "names", "os_problem"]

_MESSAGES = {
    # Findings of the disclosure rules (ethics._disclosure)
    "threshold": (
        "셀 기여자 수 {count}명이 기준 {threshold}명 미만입니다. 셀을 억제하거나 범주를 합치세요."
    ),
    "zero": (
        "값이 0인 셀은 특정 집단에 해당자가 없다는 사실을 드러냅니다. 억제하거나 범주를 합치세요."
    ),
    "nk": "상위 {n}개 기여자가 셀 합계의 {ratio:.1%}를 차지합니다(기준 {k:.0%}). 셀을 억제하세요.",
    "p_percent": (
        "2위 기여자가 1위 값을 {p:.1%} 이내로 추정할 수 있습니다(기준 {pmin:.0%}). 셀을 억제하세요."
    ),
    "negative": "음수 값이 있어 지배성(NK, p%) 규칙을 판단할 수 없습니다. 사람이 검토하세요.",
    "missing": (
        "결측값 {missing}개가 있어 지배성(NK, p%) 규칙을 판단할 수 없습니다. 사람이 검토하세요."
    ),
    "dof": (
        "잔차 자유도({dof})가 기준 {threshold}보다 작습니다. 관측을 늘리거나 설명변수를 줄이세요."
    ),
    "all_missing": (
        "기여자 {missing}명의 값이 모두 결측이라 0이 아니라 빈 칸(결측)으로 표시합니다. "
        "결측이 왜 생겼는지 확인하세요."
    ),
    # Findings of the re-identification risk measures (ethics._risk)
    "k_anonymity": (
        "k-익명성 {k} < 기준 {threshold:g}: 동질집합 {classes}개(레코드 {records}건)가 기준보다 "
        "작고, 유일 레코드가 {uniques}건입니다. 준식별자를 더 일반화(연령대 폭 확대, 지역 상위 "
        "단위)하거나 해당 레코드를 삭제하십시오."
    ),
    "sensitive_risk": (
        "{label} {value:.3g} {sign} 기준 {threshold:g} (민감속성: {sensitive}). 준식별자를 더 "
        "일반화하거나 민감속성을 범주화하십시오."
    ),
    # Errors: disclosure control (ethics._disclosure, ethics._suppression)
    "bad_threshold": (
        "공개 기준 '{field}'의 값 {got}: {problem}. ethics.yml의 thresholds에서 고치세요."
    ),
    "pivot_values": (
        "pivot_table의 values에는 표의 열 이름 하나를 주세요 (받은 값: {got}). "
        "있는 열: {available}."
    ),
    "suppress_result": (
        "suppress()에는 공개 검사 결과(crosstab, pivot_table, check_table이 돌려준 것)를 "
        "주세요. 받은 값의 종류는 {got}입니다."
    ),
    "round_base": "round_to_base의 base는 0보다 큰 수여야 합니다. 받은 값: {got}. 예: base=5.",
    "round_table": (
        "round_to_base()에는 표(DataFrame)나 공개 검사 결과를 주세요. 받은 값의 종류는 {got}입니다."
    ),
    # Errors: re-identification risk (ethics._risk)
    "qi_none": (
        "준식별자 열을 하나 이상 주세요 (예: quasi_identifiers=['성별', '연령대']). 있는 열: "
        "{available}."
    ),
    "qi_missing": "표에 없는 준식별자 열: {missing}. 있는 열: {available}. 열 이름을 확인하세요.",
    "sensitive_missing": (
        "표에 없는 민감 속성 열: {missing}. 있는 열: {available}. 열 이름을 확인하세요."
    ),
    "sensitive_none": "민감 속성 열을 하나 이상 주세요. 있는 열: {available}.",
    "no_rows": "표에 행이 없어 재식별 위험을 잴 수 없습니다. 자료를 불러온 단계를 확인하세요.",
    "l_kind": "l_diversity의 kind는 'distinct'나 'entropy' 중 하나여야 합니다. 받은 값: {got}.",
    # Errors: pseudonymisation (ethics._pseudonymise)
    "columns_missing": (
        "표에 없는 열: {missing}. 있는 열: {available}. 가명처리할 열 이름을 확인하세요."
    ),
    "columns_twice": (
        "열 {twice:이/가} 여러 처리(tokens, masks, generalise, drop)에 함께 적혀 있습니다. "
        "열마다 처리를 하나만 고르세요."
    ),
    "mask_kind": "열 '{column}'의 마스킹 종류 {got:은/는} 없습니다. 고를 수 있는 종류: {kinds}.",
    "generalise_kind": (
        "열 '{column}'의 일반화 방법 {got:은/는} 없습니다. 고를 수 있는 방법:\n{kinds}"
    ),
    "age_width": (
        "열 '{column}'의 연령대 폭은 1 이상의 정수여야 합니다. 받은 값: {got}. "
        "예: ('age_band', 10)."
    ),
    "region_code": (
        "열 '{column}'에 10자리 법정동코드가 아닌 값이 {bad}개 있습니다. 일반화하기 전에 "
        "고치거나 빼세요."
    ),
    "unconverted": (
        "열 '{column}'에 {what:으로/로} 읽을 수 없는 값이 {bad}개 있습니다. 일반화하기 "
        "전에 고치거나 빼세요."
    ),
    "key_howto": (
        "키는 한 번 만들어 프로젝트 밖에 두고, 표를 연결해야 하는 기관과만 나누세요: "
        '`python -c "import secrets; print(secrets.token_hex(32))" > ~/.workbench/pseudonym.key`'
        "로 만든 뒤 key_file='~/.workbench/pseudonym.key'를 주거나 환경 변수 {env}에 "
        "넣으세요."
    ),
    "key_in_project": (
        "키 파일 {path:이/가} 프로젝트 {project} 안에 있어 결과와 함께 커밋되거나 공개될 수 "
        "있습니다. 프로젝트 밖(예: ~/.workbench/pseudonym.key)으로 옮기고 그 경로를 "
        "key_file로 주세요."
    ),
    "key_unreadable": "키 파일 {path:을/를} 읽을 수 없습니다 ({problem}). {howto}",
    "key_none": (
        "토큰화(tokens)에는 비밀 키가 필요한데 찾지 못했습니다: key_file이 없고 환경 변수 "
        "{env}도 비어 있습니다. {howto}"
    ),
    "key_short": (
        "키({source})가 {got}바이트입니다. 추측할 수 없도록 {expected}바이트 이상이어야 "
        "합니다. {howto}"
    ),
    "key_from_argument": "key 인자",
    "key_from_file": "키 파일 {path}",
    "key_from_env": "환경 변수 {env}",
    # scan(columns=...)
    "scan_missing_columns": (
        "표에 없는 열 {missing:을/를} 점검하라고 했습니다. 표의 열: {have}. "
        "columns에 이 중에서 고르세요."
    ),
}

#: Generalisation kinds, as the message lists them.
GENERALISATION_HELP = {
    "age_band": "('age_band', 폭[, 상한]): 37 → '30-39', 상한 이상은 '상한+'",
    "sigungu": "법정동코드(10자리) → 시군구 코드: 앞 5자리 + '00000'",
    "sido": "법정동코드(10자리) → 시도 코드: 앞 2자리 + '00000000'",
    "month": "날짜 → 'YYYY-MM'",
    "year": "날짜 → 'YYYY'",
}

#: What a key file read can go wrong with, as a person reads it.
_OS_PROBLEMS = {
    FileNotFoundError: "파일이 없습니다",
    IsADirectoryError: "파일이 아니라 폴더입니다",
    PermissionError: "읽을 권한이 없습니다",
}


#: Render one of the templates above: ``message("key", field=value)``.
message = Catalogue(_MESSAGES)


def names(values: Iterable[object]) -> str:
    """Return names as a message lists them: ``'a', 'b'`` (or ``(없음)``)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return listed or "(없음)"


def os_problem(exc: OSError) -> str:
    """Say why a file could not be read, in Korean (the system's text as a fallback)."""
    for kind, text in _OS_PROBLEMS.items():
        if isinstance(exc, kind):
            return text
    return f"읽기 오류: {exc.strerror or exc}"
