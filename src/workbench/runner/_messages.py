"""What the runner tells a person, in Korean: one template per message, with named fields.

A field written ``{name:을/를}`` is followed by the particle that fits how it ends
(:func:`workbench._korean.render`). The exceptions that carry these messages keep the
same facts as fields (``exc.parameter``, ``exc.expected``, ...), for code and tests.
"""

from __future__ import annotations

from workbench._korean import Catalogue

__all__ = ["TYPE_WORDS", "message"]

_MESSAGES = {
    # Parameters (-p, --params-file, the page's form)
    "params_file_not_mapping": (
        "매개변수 파일 {path}에는 '이름: 값' 꼴의 항목이 있어야 하는데 {kind:이/가} "
        "들어 있습니다. 한 줄에 하나씩 'top_n: 10'처럼 쓰세요."
    ),
    "unknown_parameter": (
        "매개변수 '{name}'{origin}: 분석 '{analysis}'에 없는 이름입니다. {hint} "
        "매개변수 목록은 `workbench show {analysis}`로 볼 수 있습니다."
    ),
    "hint_close": "비슷한 이름: '{close}'.",
    "hint_known": "받는 매개변수: {known}.",
    "hint_none": "이 분석은 매개변수를 받지 않습니다.",
    "wrong_type": (
        "매개변수 '{name}'{origin}: {expected:이어야/여야} 하는데 {value:을/를} 받았습니다 "
        "(기본값 {default}). 예: -p {name} {example}"
    ),
    # Analyses and notebooks
    "analysis_not_found": (
        "{name:이라는/라는} 표준 분석이 없습니다.{hint} 목록은 `workbench analyses`로 "
        "보고, 직접 만든 노트북은 .ipynb 파일 경로로 주세요."
    ),
    "analysis_close": " 비슷한 이름: '{close}'.",
    "notebook_not_found": "노트북 {path:을/를} 찾을 수 없습니다. 경로를 확인하세요.",
    "notebook_unreadable": (
        "{path:은/는} 읽을 수 있는 노트북(.ipynb, nbformat 4)이 아닙니다. "
        "JupyterLab에서 열어 다시 저장해 보세요."
    ),
    # Inputs
    "input_not_found": (
        "입력 매개변수 '{name}': 파일 {path:을/를} 찾을 수 없습니다. 경로를 확인하세요."
    ),
    "input_unknown": (
        "입력 매개변수 '{name}': 파일 {path}도, 카탈로그의 자료 '{value}'도 없습니다. "
        "파일 경로를 주거나 `workbench catalog list`로 자료 이름을 확인하세요."
    ),
    "input_refused": "입력 매개변수 '{name}': {reason}",
    "input_columns": (
        "입력 매개변수 '{name}' ({value})에 분석에 필요한 열 {missing:이/가} 없습니다. "
        "지금 있는 열: {available}. 열 이름을 고치거나 다른 파일을 주세요."
    ),
    "input_not_path": ("입력 매개변수 '{name}'에는 파일 경로(텍스트)를 주세요. 받은 값: {value}."),
    "params_cell_syntax": (
        "매개변수 셀이 올바른 Python이 아닙니다 ({line}번째 줄: {error}). 셀을 고쳐 저장하세요."
    ),
    "no_metadata": (
        "{path}에 'workbench' 노트북 메타데이터가 없습니다. 표준 분석 템플릿의 메타데이터"
        "(name, title, inputs...)를 넣으세요."
    ),
    "bad_metadata": "{path}의 'workbench' 메타데이터가 맞지 않습니다: {problems}.",
    "undeclared_secrets": (
        "{path}: 메타데이터의 비밀 매개변수 {names:이/가} 매개변수 셀에 없습니다. 셀에 "
        "추가하거나 메타데이터에서 빼세요."
    ),
    "secret_inputs": (
        "{path}: 입력 {names:은/는} 비밀 값이 될 수 없습니다 (입력은 실행 기록에 남고 "
        "해시됩니다). secrets에서 빼세요."
    ),
    "undeclared_inputs": (
        "{path}: 메타데이터의 입력 {names:이/가} 매개변수 셀에 없습니다. 셀에 추가하거나 "
        "메타데이터에서 빼세요."
    ),
    # Re-runs
    "rerun_notebook_missing": (
        "실행 폴더에 실행된 노트북 {path:이/가} 없습니다. 실행 폴더가 온전한지 확인하세요."
    ),
    "rerun_edited": (
        "{path:은/는} 실행 뒤에 고쳐졌습니다 (코드 해시 {now}, 실행 기록 {recorded}). "
        "기록된 버전으로 다시 실행할 수 없습니다: 실행 폴더를 백업에서 되살리세요."
    ),
    "rerun_inputs_missing": "다시 실행할 수 없습니다: {items}. 입력 파일을 되살린 뒤 다시 하세요.",
    "diff_input_missing": "입력 '{name}' 파일이 없습니다: {path}",
    "diff_input_changed": (
        "입력 '{name}'{name_josa} 바뀌었습니다: {path} (sha256 {before} → {after})"
    ),
    "diff_result_missing": "결과 {path:이/가} 다시 실행한 결과에 없습니다",
    "diff_result_new": "결과 {path:은/는} 다시 실행할 때 새로 생겼습니다",
    "diff_result_differs": "결과 {path:이/가} 다릅니다 (sha256 {before} → {after})",
    # Run records
    "manifest_not_found": (
        "실행 기록 {path:을/를} 찾을 수 없습니다. 실행 폴더나 그 안의 manifest.json을 주세요."
    ),
    "manifest_not_json": (
        "{path:은/는} 올바른 JSON이 아닙니다 ({line}번째 줄). 실행 기록이 손상되었습니다: "
        "실행 폴더를 다시 만들거나 백업에서 되살리세요."
    ),
    "manifest_invalid": "{path:은/는} workbench 실행 기록이 아닙니다: {error}.",
    # wb.publish
    "publish_not_frame": (
        "wb.publish('{name}')에는 pandas DataFrame을 주세요. 받은 것: {kind}. 결과를 "
        "pd.DataFrame(...)으로 만들어 주세요."
    ),
    "publish_name": (
        "wb.publish의 이름 {name:은/는} 결과 파일 이름으로 쓸 수 없습니다. 글자, 숫자, '_', "
        "'-', '.'만 쓰세요 (예: '시도별_인구')."
    ),
    "publish_fmt": "wb.publish의 fmt는 'csv'나 'parquet'이어야 하는데 {fmt:을/를} 받았습니다.",
    "publish_counts": (
        "wb.publish('{name}')의 counts에 적은 열 {missing:이/가} 표에 없습니다. 표의 열: "
        "{columns}. counts에는 빈도(사람 수, 가구 수)를 담은 열 이름을 적으세요."
    ),
    # Standard analyses
    "notebook_skipped": "표준 분석 목록에서 {path:을/를} 뺐습니다: {error}",
    "not_nbformat4": "nbformat 4 노트북이 아닙니다",
}

#: Words for the types of parameter defaults, as a person reads them.
TYPE_WORDS = {
    "int": ("정수", "10"),
    "float": ("숫자", "0.5"),
    "bool": ("true 또는 false", "true"),
    "str": ("텍스트", "값"),
    "list": ("목록", "'[a, b]'"),
    "tuple": ("목록", "'[a, b]'"),
    "dict": ("이름: 값 사전", "'{a: 1}'"),
}


#: Render one of the templates above: ``message("key", field=value)``.
message = Catalogue(_MESSAGES)
