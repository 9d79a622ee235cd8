"""What the catalog and the file readers tell a person, in Korean: one template per message.

A field written ``{name:을/를}`` gets the particle that fits how it ends
(:func:`workbench._korean.render`); the exceptions keep the facts as fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

from workbench._korean import Catalogue, josa

__all__ = ["message", "no_column"]

_MESSAGES = {
    "file_not_found": (
        "파일 {path:이/가} 없습니다. 경로와 파일 이름을 확인하세요 (상대 경로는 지금 폴더 "
        "{cwd}에서 찾습니다)."
    ),
    "file_is_folder": "{path:은/는} 폴더입니다. 폴더가 아니라 자료 파일을 지정하세요.",
    "file_not_regular": (
        "{path:은/는} 일반 파일이 아닙니다 (파이프, 장치, 소켓). 내용이 디스크에 저장된 "
        "파일을 주세요."
    ),
    "dataset_not_found": (
        "카탈로그에 자료 '{name}'{name_josa} 없습니다.{hint} 자료 이름은 `workbench catalog "
        "list`로 볼 수 있습니다."
    ),
    "dataset_close": " 비슷한 이름: '{close}'.",
    "catalog_not_mapping": (
        "{path}에는 'datasets:'로 시작하는 항목들이 있어야 하는데 {kind:이/가} 들어 있습니다. "
        "카탈로그 형식은 README의 자료 목록 절을 보세요."
    ),
    # Access to personal data (ethics.yml)
    "access_refused": (
        "자료 '{name}'{name_josa} {label} 자료({sensitivity})입니다: 프로젝트의 윤리 기록에 "
        "목적(purpose)과 법적 근거(legal_basis)가 있어야 불러옵니다. {problem} {fix}:\n\n"
        "{snippet}"
    ),
    "access_no_record": "{path:이/가} 없습니다.",
    "access_create": "{path:을/를} 다음 내용으로 만드세요",
    "access_not_listed": "{path}에 '{name}' 항목이 없습니다: {have}",
    "access_lists": "있는 항목: {names}.",
    "access_lists_none": "항목이 하나도 없습니다.",
    "access_close": " '{close}'{close_josa} '{name}'의 오타인가요?",
    "access_add": "{path}에 다음을 추가하세요{where}",
    "access_under_datasets": " ('datasets:' 아래)",
    "access_incomplete": (
        "{path}의 '{name}' 항목에 {fields:이/가} 없습니다 (비어 있거나 아직 예시 문구입니다)."
    ),
    "access_complete": "{path}의 항목을 채우세요",
    "record_not_mapping": (
        "{path}에는 'datasets:' 같은 '이름: 값' 항목들이 있어야 하는데 {kind:이/가} 들어 있습니다."
    ),
    "record_datasets_not_mapping": (
        "{path}의 'datasets'는 자료 이름마다 purpose와 legal_basis를 적는 '이름: 값' "
        "항목이어야 하는데 {kind:이/가} 들어 있습니다."
    ),
    "record_entry_not_mapping": (
        "{path}의 자료 '{name}' 항목은 purpose와 legal_basis를 적는 '이름: 값' 항목이어야 "
        "하는데 {value:이/가} 들어 있습니다."
    ),
    "record_entry_invalid": "{path}: 자료 '{name}' 항목이 맞지 않습니다",
    "record_field": "  - 항목 '{field}': {error}",
    # catalog.yml
    "catalog_invalid": "{path}: 카탈로그의 항목이 맞지 않습니다",
    "pii_kind": "개인정보 종류 {value:은/는} 알 수 없습니다. 쓸 수 있는 종류: {kinds}",
    "format_unknown": (
        "자료 위치 {source}의 형식을 알 수 없습니다. 'format:'을 적으세요 (csv, tsv, excel, "
        "parquet, json, duckdb, sql, sample 중 하나)"
    ),
    "sql_needs_connection": "형식이 sql인 자료에는 연결 이름을 적은 'connection:'이 있어야 합니다",
    "needs_table": "형식이 {format}인 자료에는 'table:'이나 'query:'가 있어야 합니다",
    "source_password": "자료 위치에 암호가 들어 있습니다. 접속 정보는 카탈로그에 적지 않습니다",
    "connection_url_in_catalog": (
        "{path}: 연결 '{name}'의 'url'이 카탈로그에 적혀 있습니다. 접속 정보는 catalog.yml에 "
        "두지 않습니다: 'url_env: 환경변수이름'을 적고 URL은 그 환경변수나 git에 올리지 않는 "
        "catalog.local.yml에 두세요."
    ),
    "dataset_twice": (
        "자료 '{name}'{name_josa} {first}와 {second} 두 곳에 정의되어 있습니다. 한쪽의 이름을 "
        "바꾸세요."
    ),
    # Database connections
    "connection_unknown": (
        "연결 '{name}'{name_josa} 정의되어 있지 않습니다 (있는 연결: {known}). catalog.yml의 "
        "connections: 아래에 '{name}: {{url_env: {env}}}'를 적고, URL(예: {example})은 그 "
        "환경변수나 {local}의 connections: {name}: url: 에 두세요."
    ),
    "connection_env_unset": "환경변수 {variable}{variable_josa} 설정되어 있지 않습니다. ",
    "connection_env_empty": "환경변수 {variable}{variable_josa} 비어 있습니다. ",
    "connection_no_env": (
        "catalog.yml에 'url_env'가 없습니다. url_env: {variable} 항목을 적고 그 환경변수를 "
        "설정하세요. "
    ),
    "connection_needs_url": (
        "연결 '{name}'의 URL이 필요합니다: 환경변수 {variable}에 두거나 catalog.local.yml의 "
        "connections: {name}: url: 에 적으세요. {where}URL은 {example} 꼴이고, 로컬 파일은 "
        "{local}입니다 (git에 올리지 마세요)."
    ),
    # Reading files
    "read_failed": (
        "{path:을/를} 읽지 못했습니다: {detail}. 파일이 손상되었거나 내용이 확장자와 다른 "
        "형식일 수 있습니다: 만든 프로그램에서 다시 저장해 보세요."
    ),
    "json_line": "{number}번째 줄이 올바른 JSON이 아닙니다 ({error})",
    "json_not_records": (
        "{path}: JSON 파일에는 객체들의 배열이나 한 줄에 객체 하나(JSON lines)가 있어야 "
        '합니다. 예: [{{"가구ID": "H000001", ...}}, ...].'
    ),
    "ragged_line": (
        "{line}번째 줄의 칸 수({saw})가 다른 줄({expected})과 다릅니다. 값 안의 구분자(쉼표)를 "
        "따옴표로 감싸거나 그 줄을 고치세요"
    ),
    "bad_encoding_byte": (
        "{path:을/를} {encoding:으로/로} 읽을 수 없습니다: {offset}번째 바이트({byte})가 맞지 "
        "않습니다. 인코딩을 빼면 자동으로 알아내고, 알면 맞는 것(예: 'cp949')을 주세요."
    ),
    "sheet_type": "시트는 이름이나 0부터 세는 번호로 주세요. 받은 값: {value}.",
    "sheet_not_found": (
        "{path}에 시트 {sheet:이/가} 없습니다. 있는 시트: {names} (이름으로, 또는 0부터 "
        "{last}까지의 번호로)."
    ),
    "dataset_empty": "자료 '{name}': {path:이/가} 비어 있습니다. 머리글 줄이 있는 파일을 주세요.",
    "no_column": (
        "자료 '{name}'에 열 '{column}'{column_josa} 없습니다{asked}.{hint} 있는 열: {columns}."
    ),
    "columns_one_string": (
        "열 목록(columns)은 열 이름의 목록으로 주세요 (예: ['시도', '인구']), 문자열 하나가 아니라."
    ),
    "file_option_on_catalog": (
        "'{option}'{option_josa} 파일에만 쓰는 설정입니다. {source}에서는 catalog.yml에 "
        "적힌 값을 씁니다: 인자에서 빼세요."
    ),
    "unknown_encoding": (
        "인코딩 {encoding:은/는} 알 수 없는 이름입니다. 'utf-8'이나 'cp949'처럼 쓰거나, "
        "빼면 자동으로 알아냅니다."
    ),
    "sheet_not_excel": (
        "시트({sheet})는 Excel 파일(.xlsx, .xlsm, .xls)에만 있습니다. {path:은/는} Excel "
        "파일이 아니니 --sheet를 빼세요."
    ),
    "header_rows_invalid": ("머리글 줄 수는 1 이상의 정수여야 합니다. 받은 값: {value}."),
    "header_rows_not_table": (
        "머리글 여러 줄({value}줄)은 CSV와 Excel 파일에만 쓸 수 있습니다. {path:은/는} "
        "머리글이 한 줄인 형식입니다."
    ),
    "search_empty": "검색어가 비어 있습니다. '소득'이나 'income'처럼 찾을 낱말을 주세요.",
    # Row filters (where=) and aggregates
    "filter_where": "where의 {position}번째 조건",
    "filter_operator": (
        "{where}(열 '{column}'): 연산자 {op:은/는} 쓸 수 없습니다. 쓸 수 있는 연산자: "
        "{known}. 예: ('{column}', '>=', 65)"
    ),
    "filter_needs_list": (
        "{where}(열 '{column}'): {op}에는 값의 목록이 필요한데 {value:을/를} 받았습니다. "
        "예: ('{column}', {op}, ['서울특별시', '부산광역시'])"
    ),
    "filter_between": (
        "{where}(열 '{column}'): 'between'에는 (하한, 상한) 두 값이 필요한데 {value:을/를} "
        "받았습니다. 예: ('{column}', 'between', (20, 64))"
    ),
    "filter_shape": (
        "{where} {value:은/는} (열, 연산자, 값) 꼴이 아닙니다. 조건마다 세 값을 주세요. "
        "예: [('나이', '>=', 65), ('시도', '==', '서울특별시')]"
    ),
    "filter_text": (
        "where에 글자로 쓴 식 {value:을/를} 받았습니다. 식은 읽지 않으니 {{열: 값}} 사전이나 "
        "(열, 연산자, 값) 조건의 목록으로 주세요. 예: where={{'시도': '서울특별시', "
        "'나이': ('>=', 65)}}"
    ),
    "aggregate_unknown": (
        "열 '{column}'의 집계 {function:은/는} 쓸 수 없습니다. 쓸 수 있는 집계: {known}."
    ),
    # SQL datasets
    "sql_table_not_found": (
        "자료 '{name}': 연결 '{connection}'에서 표 {table:을/를} 찾을 수 없습니다. "
        "catalog.yml의 'table:'을 확인하고 (기본 스키마 밖의 표는 '스키마.표'로 적습니다), "
        "연결한 사용자가 그 표를 볼 수 있는지 확인하세요."
    ),
    "sql_operator": "열 '{column}'의 조건에 쓸 수 없는 연산자 {op:이/가} 있습니다.",
    "sql_aggregate": "열 '{column}'의 집계 {function:은/는} 쓸 수 없습니다.",
    "sql_url_unparsable": "(SQLAlchemy가 읽을 수 없는 URL)",
    "sql_its_query": "catalog.yml의 query: {query}",
    "sql_failed_loading": (
        "자료 '{name}'({what}): 연결 '{connection}' ({url})에서 불러오지 못했습니다. {hint} "
        "데이터베이스의 오류 메시지: {error}: {detail}"
    ),
    "sql_failed_aggregating": (
        "자료 '{name}'({what}): 연결 '{connection}' ({url})에서 집계하지 못했습니다. {hint} "
        "데이터베이스의 오류 메시지: {error}: {detail}"
    ),
    "sql_failed_fingerprinting": (
        "자료 '{name}'({what}): 연결 '{connection}' ({url})에서 내용의 지문(sha256)을 "
        "계산하지 못했습니다. {hint} 데이터베이스의 오류 메시지: {error}: {detail}"
    ),
    "sql_hint_url": "URL은 {form} 꼴이어야 합니다.",
    "sql_hint_server": (
        "서버에 접속할 수 있는지, 연결 URL의 사용자·암호·데이터베이스 이름이 맞는지 확인하세요."
    ),
    "sql_hint_query": "자료의 'table:'이나 'query:'와 열 이름, 조건의 값을 확인하세요.",
    "sql_hint_value": "조건의 값마다 그 열의 형식에 맞는지 확인하세요.",
    "sql_hint_other": "연결 URL과 자료의 'table:'이나 'query:'를 확인하세요.",
    # Loading files (catalog datasets)
    "load_failed": "{source}에서 {dataset:을/를} 불러오지 못했습니다: {problem}",
    "value_misfit": (
        "{line}번째 줄 열 '{column}'의 값 {value:을/를} {type} 형식으로 읽을 수 없습니다. {why}"
    ),
    "type_declared": (
        "catalog.yml의 'columns:'에 적힌 이 열의 형식이 {type}입니다: 값을 고치거나 형식을 "
        "바꾸세요."
    ),
    "type_guessed": (
        "이 열의 형식은 앞쪽 줄들을 보고 짐작한 것입니다: catalog.yml의 'columns:' 아래에 "
        "이 열의 형식(type)을 적으세요."
    ),
    "duckdb_failed": "DuckDB가 읽지 못했습니다 ({error}). 파일과 catalog.yml의 항목을 확인하세요.",
    "source_not_found": (
        "자료 '{name}': 파일 {source:이/가} 없습니다. {catalog}의 'source:'를 확인하세요 "
        "(상대 경로는 카탈로그 파일이 있는 폴더를 기준으로 찾습니다)."
    ),
    "source_no_match": (
        "자료 '{name}': {source}에 맞는 파일이 하나도 없습니다. {catalog}의 'source:'를 "
        "확인하세요 (상대 경로는 카탈로그 파일이 있는 폴더를 기준으로 찾습니다)."
    ),
    "aggregate_not_numeric": (
        "자료 '{name}'의 열 '{column}'에는 숫자가 아닌 {sql_type} 값이 있어 {function:을/를} "
        "계산할 수 없습니다. count, min, max, nunique를 쓰거나 catalog.yml에서 이 열의 "
        "형식(type)을 숫자로 적으세요."
    ),
    "suffix_unknown": (
        "{path:은/는} 읽을 수 없는 파일 형식입니다 (확장자 {suffix}). 읽을 수 있는 확장자: "
        "{known}. CSV나 Excel 파일 (.xlsx)로 저장해 다시 주세요."
    ),
    "no_suffix": "확장자 없음",
    "infer_unknown": (
        "read_table의 'infer'에 알 수 없는 추론 {unknown:이/가} 있습니다. 쓸 수 있는 것: {known}."
    ),
    # Text encodings
    "encoding_unknown_catalog": (
        "catalog.yml의 인코딩 {encoding:은/는} 알 수 없는 이름입니다. 'utf-8'이나 'cp949'처럼 "
        "쓰거나, 'encoding:'을 빼면 자동으로 알아냅니다."
    ),
    "iconv_cannot": (
        "이 컴퓨터의 iconv는 {encoding:을/를} 변환하지 못합니다. engine='python'을 주세요."
    ),
    "undecodable": (
        "{path:을/를} 읽을 수 없습니다: {line}번째 줄의 {offset}번째 바이트({byte})가 "
        "{encoding} 문자가 아닙니다. 시도한 인코딩: {tried}. 인코딩을 알면 catalog.yml의 이 "
        "자료에 'encoding:'을 적고 (예: 'cp949'), 모르면 파일을 UTF-8 CSV로 다시 저장하세요."
    ),
    "undecodable_offset": (
        "{path:을/를} {encoding:으로/로} 읽을 수 없습니다: {offset}번째 바이트가 {encoding} "
        "문자가 아닙니다. 인코딩을 확인하거나 파일을 UTF-8로 다시 저장하세요."
    ),
    "undecodable_late": (
        "{path:을/를} {encoding:으로/로} 읽다가 앞쪽 {size} 바이트 뒤에서 {encoding} 문자가 "
        "아닌 바이트를 만났습니다. 파일을 다시 내려받거나 encoding=...으로 맞는 인코딩을 주세요."
    ),
    "undecodable_damaged": (
        "{path:을/를} 읽을 수 없습니다: {offset}번째 바이트({byte!r})가 CP949 문자가 "
        "아닙니다. 다른 곳은 한국어 CP949 글자로 읽히니 파일이 그 위치에서 손상된 것 "
        "같습니다. 시도한 인코딩: utf-8, cp949. 원본을 다시 내려받거나 encoding=...을 "
        "지정하세요."
    ),
    "undecodable_not_text": (
        "{path:을/를} 읽을 수 없습니다: {offset}번째 바이트({byte!r})가 UTF-8 문자가 "
        "아니고, 파일이 CP949/EUC-KR도 아닙니다. 시도한 인코딩: utf-8, cp949, "
        "charset-normalizer. 표 형식의 텍스트 파일인지 확인하고 UTF-8 CSV로 다시 저장하거나 "
        "encoding=...을 지정하세요."
    ),
    "tried_declared": "{encoding} (catalog.yml에 적힌 것)",
    "tried_guess": "{encoding} (charset-normalizer의 추측)",
    "tried_no_guess": "charset-normalizer (추측하지 못함)",
    # Declared columns (validate=True)
    "schema_head": "자료 '{name}'({source})의 내용이 {catalog}에 선언된 열과 맞지 않습니다:",
    "schema_line": "  - 열 '{column}': {problem}",
    "schema_rows": " (행 번호: {rows})",
    "schema_type": "{count}개 값이 {type:이/가} 아닙니다",
    "schema_min": "{count}개 값이 최솟값 {value}보다 작습니다",
    "schema_max": "{count}개 값이 최댓값 {value}보다 큽니다",
    "schema_allowed": "{count}개 값이 허용된 값({value}) 가운데 하나가 아닙니다",
    "schema_pattern": "{count}개 값이 형식 {value}에 맞지 않습니다",
    "schema_not_nullable": (
        "{count}개 값이 비어 있습니다 (이 열은 nullable: false로 선언되었습니다)"
    ),
    "schema_field_uniqueness": "{count}개 값이 겹칩니다 (이 열은 unique: true로 선언되었습니다)",
    "schema_other": "{count}개 값이 검사 {check:을/를} 통과하지 못했습니다",
    "schema_column_in_dataframe": "카탈로그에 선언되었지만 자료에 없습니다",
    "schema_column_in_schema": "자료에 있지만 선언되지 않았습니다 (schema_strict: true)",
    "schema_fix": "자료나 선언을 고치세요. 검사 없이 불러오려면 validate=False를 주세요.",
    # The access audit log
    "audit_entry": "{time}에 쓴 자료 {dataset}의 {seq}번 항목",
    "audit_label": "{seq}번 항목",
    "audit_this_line": "이 줄",
    "audit_genesis": "시작(0 64개)",
    "audit_entries_missing": "{seqs}번 항목이 없습니다",
    "audit_blank": "빈 줄입니다 (감사 기록에는 빈 줄이 없습니다: 손으로 고친 흔적입니다)",
    "audit_cut": "줄이 끝나지 않았습니다: 파일이 항목 중간에서 잘렸습니다",
    "audit_not_json": (
        "JSON 항목이 아닙니다: {column}번째 글자부터 읽을 수 없습니다 (잘렸거나 손으로 고쳤습니다)"
    ),
    "audit_not_entry": "감사 항목이 아닙니다: JSON 객체여야 하는데 {kind:이/가} 들어 있습니다",
    "audit_not_entry_seq": "감사 항목이 아닙니다: 'seq'는 1 이상이어야 하는데 {seq}입니다",
    "audit_field": "{label:이/가} 바뀌었습니다: 필드 {field}에 {value:이/가} 들어 있습니다",
    "audit_field_missing": "{label:이/가} 바뀌었습니다: 필드 {field:이/가} 없습니다",
    "audit_no_newline": "{entry}에 줄 끝이 없습니다: 파일이 잘렸거나 손으로 고쳤습니다",
    "audit_inserted": (
        "{line}번째 줄에 항목이 끼워 넣어졌습니다: {seq}번 항목은 이미 {first_line}번째 줄에 "
        "있습니다"
    ),
    "audit_inserted_twice": (
        "{line}번째 줄에 항목이 끼워 넣어졌습니다: {seq}번 항목이 두 번 나옵니다 "
        "({first}번째 줄과 {second}번째 줄)"
    ),
    "audit_inserted_again": (
        "{line}번째 줄에 항목이 끼워 넣어졌습니다: {seq}번 항목이 {again}번째 줄에 다시 나오고, "
        "그쪽이 앞 항목에 이어집니다"
    ),
    "audit_order": (
        "항목의 순서가 바뀌었습니다: {seq}번 항목이 {line}번째 줄에, {wanted}번 항목"
        "({wanted_line}번째 줄)보다 앞에 있습니다"
    ),
    "audit_missing": "{missing}: {after}",
    "audit_follows": "{seq}번 항목이 {before}번 항목 바로 다음에 옵니다",
    "audit_starts_at": "기록이 {seq}번 항목부터 시작합니다",
    "audit_altered": "{entry:이/가} 바뀌었습니다: 해시가 내용과 맞지 않습니다",
    "audit_relinked": (
        "{entry:이/가} {before}에 이어지지 않습니다: 'prev'가 {before}의 해시가 아닙니다 "
        "({before:이/가} 바뀐 뒤 해시를 다시 계산했거나, {seq}번 항목이 바뀌었습니다)"
    ),
    "audit_head_unreadable": "머리 기록 {name:을/를} 읽을 수 없습니다: {text}",
    "audit_head_missing": (
        "머리 기록 {name:이/가} 없어서 끝에서 잘려 나간 항목이 없는지 확인할 수 없습니다 "
        "(기록은 {entry}에서 끝납니다)"
    ),
    "audit_ends_at": "{entry}에서 끝나는데",
    "audit_no_entries": "항목이 하나도 없는데",
    "audit_head_behind": (
        "{missing}: 기록은 {ends_at}, 머리 기록 {name}에는 마지막으로 쓴 항목이 {head}번으로 "
        "적혀 있습니다"
    ),
    "audit_rehashed": (
        "{entry:이/가} 바뀐 뒤 해시가 다시 계산되었습니다: 해시가 머리 기록의 것과 다릅니다"
    ),
    "audit_head_ahead": (
        "기록이 머리 기록 {name}의 마지막 항목({head}번)을 지나 이어집니다: {first}–{end}번 "
        "항목은 workbench가 덧붙인 것이 아니거나, {head}번 항목이 바뀌었습니다"
    ),
    "audit_last_line": "마지막 줄을 읽을 수 없습니다: {problem}",
    "audit_at_line": "감사 기록 {path}의 {line}번째 줄: {problem}",
    "audit_in_log": "감사 기록 {path}: {problem}",
    "audit_cannot_append": (
        "감사 기록 {path}에 덧붙일 수 없습니다: {problem}. `workbench audit verify --log "
        "{path}`로 확인하고, 두 파일(기록과 .head 머리 기록)을 증거로 보관한 뒤 다른 곳으로 "
        "옮겨 새 기록을 시작하세요."
    ),
    "audit_cannot_write": (
        "감사 기록 {path:을/를} 쓸 수 없습니다 ({error}). 공개가 아닌 자료를 불러올 때마다 "
        "여기에 기록하니, 그 폴더에 쓸 수 있게 하세요."
    ),
}


#: Render one of the templates above: ``message("key", field=value)``.
message = Catalogue(_MESSAGES)


def no_column(dataset: str, column: str, available: Iterable[str], asked: str = "") -> str:
    """Say that ``dataset`` has no ``column``, with the closest name and every column."""
    available = [str(name) for name in available]
    close = get_close_matches(column, available, n=1)
    return message(
        "no_column",
        name=dataset,
        column=column,
        column_josa=josa(f"'{column}'", "이/가"),
        asked=asked,
        hint=message("dataset_close", close=close[0]) if close else "",
        columns=", ".join(f"'{name}'" for name in available),
    )
