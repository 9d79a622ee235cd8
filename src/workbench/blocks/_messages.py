"""What the analysis blocks tell a person, in Korean: one template per message.

A field written ``{name!r:은/는}`` is followed by the particle that fits how it ends
(:func:`workbench._korean.render`). :func:`parameter_error` builds the
:class:`~workbench.exceptions.ParameterError` that carries a message; it keeps the facts
as fields (``parameter``, ``expected``, ``got``, ``kind``) for code and tests.

The standard notebooks pass some of their parameters to a block under another name
(``n_sites`` becomes ``select_sites(k=...)``); :data:`NOTEBOOK_NAMES` lists those, and a
message about such a block parameter also names the one a person writes with
``workbench run <analysis> -p``.

>>> print(message("number", function="profile", name="top_n", expected="1 이상의 정수",
...               got=0))
profile의 매개변수 'top_n'은 1 이상의 정수여야 합니다. 받은 값: 0. 값을 고쳐 다시 실행하세요.
"""

from __future__ import annotations

from typing import Any

from workbench._korean import Catalogue
from workbench.exceptions import ParameterError

__all__ = ["NOTEBOOK_NAMES", "length_error", "message", "parameter_error", "quoted"]

_FIX_VALUE = "값을 고쳐 다시 실행하세요."
_FIX_COLUMNS = (
    "열 이름을 고치거나, 표준 분석에서는 매개변수 columns에 {{'자료의 열': '이 분석의 열'}}을 "
    "주세요."
)

_MESSAGES = {
    # Shared argument checks (_checks.py)
    "number": "{function}의 매개변수 {name!r:은/는} {expected:이어야/여야} 합니다. 받은 값: "
    "{got!r}. " + _FIX_VALUE,
    "int": "정수",
    "float": "숫자",
    "at_least": "{low} 이상",
    "above": "{low} 초과",
    "at_most": "{high} 이하",
    "below": "{high} 미만",
    "not_table": (
        "{function}의 {name!r:은/는} 표(DataFrame)여야 하는데 {got} 값이 들어왔습니다. 자료 "
        "파일은 wb.read(...)로 읽어 표로 만든 뒤에 주세요."
    ),
    "missing_columns": (
        "{function}의 표 {name!r}에 열 {missing:이/가} 없습니다. 있는 열: {columns}. "
        "{hint}" + _FIX_COLUMNS
    ),
    "choice": (
        "{function}의 매개변수 {name!r:은/는} {choices} 중 하나여야 합니다. 받은 값: {got!r}. "
        + _FIX_VALUE
    ),
    "not_empty_list": (
        "{function}의 매개변수 {name!r:은/는} {what}의 목록이어야 하고 비어 있으면 안 됩니다. "
        "받은 값: {got!r}. " + _FIX_VALUE
    ),
    "month_value": (
        "{function}: 열 {column!r}의 {row}번째 값 {value!r:을/를} 연월로 읽을 수 없습니다. "
        "'YYYY-MM' 꼴(예: '2024-01')로 적으세요."
    ),
    "date_value": (
        "{function}: 열 {column!r}의 {row}번째 값 {value!r:을/를} 날짜로 읽을 수 없습니다. "
        "'YYYY-MM-DD' 꼴(예: '2024-05-01')로 적으세요."
    ),
    "month_parameter": (
        "{function}의 매개변수 {name!r:은/는} 'YYYY-MM' 꼴의 월이어야 합니다 (예: "
        "'2023-07'). 받은 값: {got!r}. " + _FIX_VALUE
    ),
    "date_parameter": (
        "{function}의 매개변수 {name!r:은/는} 'YYYY-MM-DD' 꼴의 날짜여야 합니다 (예: "
        "'2024-06-01'). 받은 값: {got!r}. " + _FIX_VALUE
    ),
    "hint_xy": "열 이름이 다르면 select_sites에 x=, y=, weight= 인자로 알려 주세요. ",
    "hint_web_schema": "먼저 WEB_EVENTS_SCHEMA로 검사하세요. ",
    "hint_detector": "열 이름을 검출기에 알려 줄 수도 있습니다 (예: facility_column='사업장ID'). ",
    "notebook_name": " 표준 분석 {analysis}에서는 매개변수 {names}입니다 (workbench run "
    "{analysis} -p {first}=…).",
    # _anomaly.py
    "duplicate_rows": (
        "{function}: 시설과 월마다 한 행이어야 하는데 ({facility}, {month}) 쌍이 두 번 이상 "
        "나오는 행이 {count}개 있습니다 (예: {example}). 중복 행을 합치거나 지우세요."
    ),
    # _business_risk.py
    "no_window": (
        "closure_features: 카드매출이 {window}개월 연속으로 있는 점포가 없습니다. 매개변수 "
        "'window'를 줄이세요 (3 이상)."
    ),
    "split_one_outcome": (
        "time_split: test_from={test_from!r:으로/로} 나누면 {part} 기간에 결과가 확인된 행이 "
        "{rows}개이고 폐업과 영업 두 결과가 다 있지 않습니다. test_from을 자료 기간 안쪽으로 "
        "옮기세요."
    ),
    "part_train": "학습",
    "part_test": "평가",
    # _did.py
    "role_column_missing": (
        "{function}: 매개변수 {role!r}에 준 열 {column!r:이/가} 표에 없습니다. 있는 열: "
        "{columns}. 열 이름을 고치세요."
    ),
    "panel_small": (
        "{function}: 패널에 단위(지역)가 {units}개, 월이 {months}개 있습니다. 둘 다 2개 "
        "이상이어야 합니다: 자료가 너무 많이 걸러지지 않았는지 확인하세요."
    ),
    "no_adoption": (
        "did: 패널 기간 안에 정책을 도입한 단위가 없습니다. 열 {adoption!r:이/가} 비어 있거나 "
        "모든 월보다 늦습니다: 도입 월을 'YYYY-MM'으로 적은 행이 있는지 확인하세요."
    ),
    "event_window": (
        "event_study의 매개변수 'window'는 low <= -2, high >= 0인 정수 두 개 (low, high)여야 "
        "합니다. 받은 값: {got!r}. " + _FIX_VALUE
    ),
    # _fees.py
    "not_fitted": (
        "{estimator:은/는} 아직 학습되지 않았습니다. 먼저 {estimator}.fit(...)을 부르세요."
    ),
    # _fraud.py
    "rule_table": (
        "flag_overlaps: 규칙 {rule!r:은/는} 표 {table!r:이/가} 필요한데 받은 표는 {tables}입니다. "
        "tables에 {table!r:을/를} 넣거나 그 규칙을 빼세요."
    ),
    # _regression.py
    "formula_expected": "'결과 ~ 설명1 + C(범주)' 꼴의 회귀식 문자열",
    "column_of_data": "표의 열({columns}) 중 하나",
    "open_unit": "0과 1 사이의 숫자 (0 초과 1 미만)",
    "table": "표(pandas DataFrame)",
    "cluster_pair": (
        "regression: 묶음 열(cluster)은 표준오차 방식(covariance)이 'cluster'일 때에만 주고, "
        "그때는 꼭 주어야 합니다. 받은 값: 표준오차 방식 {covariance!r}, 묶음 열 {cluster!r}. "
        "둘을 함께 주거나 둘 다 빼세요."
    ),
    "formula_unknown_name": (
        "regression: 회귀식 {formula!r}의 {name!r:이/가} 표의 열에 없습니다. 있는 열: "
        "{columns}. 회귀식의 열 이름을 고치세요."
    ),
    "formula_unreadable": (
        "regression: 회귀식 {formula!r:을/를} 읽지 못했습니다. '결과 ~ 설명1 + C(범주)' 꼴인지, "
        "괄호와 연산자가 맞는지 확인하세요. 있는 열: {columns}."
    ),
    # _sites.py
    "not_finite": (
        "{function}의 표 {name!r}에는 행이 하나 이상 있고 열 {columns}의 값이 모두 숫자여야 "
        "합니다 (행 {rows}개, 비었거나 숫자가 아닌 값 {bad}개). 빈 좌표와 가중치를 채우거나 "
        "그 행을 빼세요."
    ),
    "cbc_not_optimal": (
        "select_sites: CBC가 입지 선택의 최적해를 증명하지 못했습니다 (상태 {status}). "
        "method='greedy'로 다시 실행하세요."
    ),
    "negative_weight": (
        "select_sites: 표 demand의 열 {weight!r}에 음수가 {count}개 있습니다. 수요 가중치는 "
        "0 이상이어야 합니다: 음수 값을 고치거나 그 행을 빼세요."
    ),
    "too_many_sites": (
        "select_sites의 매개변수 'k'는 후보지 수({candidates}) 이하여야 합니다. 받은 값: {got!r}. "
        + _FIX_VALUE
    ),
    # _text*.py
    "pos_list": "{groups} 중에서 고른 품사",
    "length_mismatch": (
        "{function}: {what}. 표의 행마다 하나씩 있도록 같은 행들에서 만든 값을 주세요."
    ),
    "labels_texts": "'labels'는 {labels}개, 'texts'는 {texts}개인데 표의 행은 {rows}개입니다",
    "documents_labels": "문서는 {documents}개인데 레이블은 {labels}개입니다",
    "texts_documents": "'texts'는 {texts}개, 'documents'는 {documents}개로 개수가 다릅니다",
    "tokens_rows": "'tokens'는 {tokens}개인데 표의 행은 {rows}개입니다",
    "few_departments": (
        "ComplaintRouter: 처리부서가 두 개 이상이고 부서마다 민원이 cv={cv}건 이상 있어야 "
        "합니다. 부서별 건수: {counts}. 드문 부서를 하나로 합치거나 cv를 줄이세요."
    ),
    "one_side": (
        "split_by_date: 모든 민원이 test_from={test_from}의 한쪽에 있습니다 (접수일 "
        "{first}부터 {last}까지). 이 기간 안의 날짜를 고르세요."
    ),
    "few_documents": (
        "ComplaintTopics: 내용이 있는 문서가 주제 수(n_topics={n_topics}) 이상 있어야 하는데 "
        "{got}개입니다. n_topics를 줄이거나 자료를 더 주세요."
    ),
    # _web.py
    "page_names": "페이지 이름",
    "no_before_after": (
        "completion_test: 개편일 {change_date} 전과 후에 모두 페이지 {start_page!r}에서 "
        "시작한 신청서 세션이 있어야 하는데 전 {before}개, 후 {after}개입니다. 시작 페이지와 "
        "change_date가 자료 기간에 맞는지 확인하세요."
    ),
    # _welfare.py
    "rule_operator": (
        "규칙 {rule!r}의 연산자로는 {operators} 중 하나를 쓰세요. 받은 연산자: {op!r}."
    ),
    "no_crisis": (
        "recall_threshold: y_true에 위기가구(참)가 하나도 없습니다. 재현율 기준을 정하려면 "
        "위기가구가 한 가구 이상 있어야 합니다: 위기 여부 열의 값을 확인하세요."
    ),
    # Input schemas (_schema.py)
    "schema_intro": "입력 표가 {name}의 형식에 맞지 않습니다:",
    "schema_input": "이 분석",
    "schema_line": "  - 열 {column!r}: {problem}",
    "schema_row": "{row}번째 행: {value!r}",
    "schema_fix": (
        "자료를 고치거나, 열 이름이 다르면 매개변수 columns에 {{'자료의 열': '이 분석의 열'}}을 "
        "주세요."
    ),
    "schema_missing": "꼭 있어야 하는 열인데 자료에 없습니다",
    "schema_extra": "이 분석이 모르는 열입니다",
    "schema_type": "값 {count}개를 {type:으로/로} 읽을 수 없습니다",
    "schema_empty": "빈 값이 {count}개 있습니다 (채워야 하는 열입니다)",
    "schema_gt": "{low}보다 커야 하는데 아닌 값이 {count}개 있습니다",
    "schema_ge": "{low} 이상이어야 하는데 아닌 값이 {count}개 있습니다",
    "schema_lt": "{low}보다 작아야 하는데 아닌 값이 {count}개 있습니다",
    "schema_le": "{low} 이하여야 하는데 아닌 값이 {count}개 있습니다",
    "schema_range": "{low} 이상 {high} 이하여야 하는데 아닌 값이 {count}개 있습니다",
    "schema_isin": "정해진 값({value}) 밖의 값이 {count}개 있습니다",
    "schema_pattern": "{pattern} 꼴이 아닌 값이 {count}개 있습니다",
    "schema_unique": "겹치면 안 되는데 겹친 값이 {count}개 있습니다",
    "schema_other": "검사 {check}에 맞지 않는 값이 {count}개 있습니다",
    # _emission_rows.py, _ev_grid.py
    "month_text": (
        "{column} 열의 {row}번째 값 {value!r:을/를} 연월로 읽을 수 없습니다. 202401, 2024.01, "
        "2024-01, 2024년 1월 중 하나로 적어 주세요."
    ),
    "positive": "{function}: {name:은/는} 0보다 큰 수여야 합니다. 받은 값: {got!r}.",
    # profile and column_chart
    "no_columns": (
        "{function}에 넘긴 표에 열이 하나도 없습니다. 파일을 읽을 때 구분 기호(쉼표·탭)와 "
        "머리글 줄이 맞는지 확인하고 다시 읽으세요."
    ),
    "column_not_found": "표에 열 {column:이/가} 없습니다. 있는 열: {columns}.",
    "bad_kind": (
        "column_chart의 kind는 'hist'(히스토그램), 'bar'(막대), 'month'(월별 건수), "
        "'length'(글자 수) 중 하나이거나 None(열 유형에 따라 고름)이어야 합니다. "
        "받은 값: {got}."
    ),
    "personal_kind": (
        "열 {column}에 개인정보가 있어 값별 그래프(kind={kind})를 그릴 수 없습니다. "
        "kind='length'(글자 수 분포)를 쓰거나, 가명처리한 뒤 그리세요."
    ),
}

#: Block parameters that a standard notebook fills from a parameter of another name:
#: ``(function, parameter)`` to ``(analysis, the names a person writes with -p)``.
NOTEBOOK_NAMES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("select_sites", "k"): ("ev_charging_sites", ("n_sites",)),
    ("demand_grid", "cell"): ("ev_charging_sites", ("cell_size",)),
    ("event_study", "window"): ("policy_effect", ("months_before", "months_after")),
    ("did", "unit"): ("policy_effect", ("unit_column",)),
    ("did", "time"): ("policy_effect", ("time_column",)),
    ("did", "adoption"): ("policy_effect", ("adoption_column",)),
    ("event_study", "unit"): ("policy_effect", ("unit_column",)),
    ("event_study", "time"): ("policy_effect", ("time_column",)),
    ("event_study", "adoption"): ("policy_effect", ("adoption_column",)),
    ("funnel", "steps"): ("service_usage", ("form_steps",)),
    ("CrisisRiskModel", "model"): ("welfare_blind_spots", ("model_kind",)),
    ("CrisisRiskModel", "random_state"): ("welfare_blind_spots", ("seed",)),
    ("ClosureRiskModel", "random_state"): ("small_business_risk", ("seed",)),
    ("risk_tiers", "min_count"): ("small_business_risk", ("min_stores",)),
}


#: Render one of the templates above: ``message("key", field=value)``.
message = Catalogue(_MESSAGES)


def quoted(names: Any) -> str:
    """Return names as a person reads a list of them: ``'a', 'b'``."""
    return ", ".join(repr(str(name)) for name in names)


def parameter_error(
    key: str,
    /,
    parameter: str | None,
    *,
    function: str | None = None,
    expected: object = None,
    got: object = None,
    kind: str | None = None,
    **fields: Any,
) -> ParameterError:
    """Return a :class:`ParameterError` saying message ``key``, with its facts as fields.

    ``function``, ``expected`` and ``got`` are also passed to the template. A parameter
    that a standard notebook fills under another name (:data:`NOTEBOOK_NAMES`) gets a
    sentence naming it.
    """
    text = message(key, function=function, expected=expected, got=got, **fields)
    alias = NOTEBOOK_NAMES.get((str(function), str(parameter)))
    if alias is not None:
        analysis, names = alias
        text += message("notebook_name", analysis=analysis, names=quoted(names), first=names[0])
    return ParameterError(text, parameter, expected=expected, got=got, kind=kind)


def length_error(
    function: str, parameter: str, what: str, *, expected: int, got: int, **counts: int
) -> ParameterError:
    """Return the error for a list that must have one entry per row (``what``: its key)."""
    return parameter_error(
        "length_mismatch",
        parameter,
        function=function,
        expected=expected,
        got=got,
        kind="length",
        what=message(what, **counts),
    )
