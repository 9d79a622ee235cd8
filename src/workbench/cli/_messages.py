"""What the ``workbench`` command itself says, in Korean.

The words of its help pages, its answers to a command line it cannot parse, and the
panels its commands are shown in.

A field written ``{name:을/를}`` gets the particle that fits how it ends
(:func:`workbench._korean.render`).
"""

from __future__ import annotations

from workbench._korean import Catalogue

__all__ = ["ARGUMENT_WORDS", "PANELS", "PANEL_OF", "TYPE_WORDS", "WORDS", "message"]

_MESSAGES = {
    "no_such_option": (
        "{option:이라는/라는} 옵션이 없습니다.{hint} 쓸 수 있는 옵션은 도움말에 있습니다."
    ),
    "option_close": " 비슷한 옵션: {close}.",
    "no_such_command": "{name:이라는/라는} 명령이 없습니다.{hint} 명령 목록은 도움말에 있습니다.",
    "command_close": " 비슷한 명령: {close}.",
    "missing_command": "명령을 주세요 (예: {path} {example}).",
    "missing_argument": "{what:을/를} 주세요 ({label}).",
    "missing_option": "옵션 {option:이/가} 필요합니다 ({label}).",
    "needs_value": "옵션 {option}에 값을 주세요 (예: {option} {metavar}).",
    "takes_no_value": "옵션 {option:은/는} 값을 받지 않습니다. {option}만 쓰세요.",
    "extra_arguments": (
        "필요 없는 인자 {args:이/가} 있습니다. 값에 빈칸이 있으면 따옴표로 감싸세요."
    ),
    "bad_value": "{option}의 값 {value:이/가} 맞지 않습니다: {expected:을/를} 주세요.",
    "bad_value_unknown": "{option}의 값이 맞지 않습니다: {expected:을/를} 주세요.",
    "choice": "{choices} 중 하나",
    "range_both": "{low} 이상 {high} 이하의 {word}",
    "range_low": "{low} 이상의 {word}",
    "range_high": "{high} 이하의 {word}",
    "not_found": "{what} {value:을/를} 찾을 수 없습니다. 경로를 확인하세요.",
    "unparsed": "명령줄을 해석하지 못했습니다 ({detail}). 도움말을 확인하세요.",
    "usage": "사용법: {usage}",
    "help_hint": "도움말: {path} {option}",
    "aborted": "중단되었습니다.",
}

#: Words of the help pages (titles, markers) and the usage line.
WORDS = {
    "options": "옵션",
    "arguments": "인자",
    "commands": "명령",
    "error": "오류",
    "default": "[기본값: {}]",
    "envvar": "[환경변수: {}]",
    "required": "[필수]",
    "deprecated": "(사용 중지 예정) ",
    "help_option": "이 도움말을 보이고 끝냅니다.",
    "options_metavar": "[옵션]",
    "subcommand_metavar": "명령 [인자]...",
    "usage_prefix": "사용법: ",
    "help_try": "도움말: [blue]'{command_path} {help_option}'[/]",
}

#: Metavars by the type of an option's value, as Korean command-line help writes them.
TYPE_WORDS = {
    "int": "정수",
    "float": "숫자",
    "str": "텍스트",
    "Path": "경로",
    "bool": "",
    "datetime": "날짜",
}

#: Metavars of arguments by their name (usage lines show ``workbench run {이름}``).
ARGUMENT_WORDS = {
    "name": "이름",
    "file": "파일",
    "files": "파일",
    "path": "경로",
    "folder": "폴더",
    "project": "프로젝트",
    "run_dir": "실행폴더",
    "manifest": "실행기록",
    "text": "검색어",
}

#: Panels of ``workbench --help``, in order, and the top-level commands each one holds.
PANELS = {
    "분석 실행": ("analyses", "show", "run", "batch", "rerun", "demo", "serve"),
    "자료": ("read", "scan", "catalog", "regions"),
    "윤리": ("check", "audit", "review", "keys", "verify"),
    "프로젝트": ("new", "update", "doctor", "hook", "wheelhouse"),
    "화면": ("app", "lab"),
}
PANEL_OF = {name: panel for panel, names in PANELS.items() for name in names}


#: Render one of the templates above: ``message("key", field=value)``.
message = Catalogue(_MESSAGES)
