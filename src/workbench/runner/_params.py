"""Validate and coerce run parameters before any kernel starts."""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from workbench._io import read_yaml
from workbench._korean import josa
from workbench.exceptions import ParameterError
from workbench.runner._limits import CONFIG_LIMIT, regular_file
from workbench.runner._messages import TYPE_WORDS, message
from workbench.runner._registry import Analysis
from workbench.runner._secrets import refuse_given_secrets

__all__ = ["check_plain_value", "load_params_file", "resolve_parameters"]

_TRUE = {"true", "yes", "y", "on", "1", "예", "참"}
_FALSE = {"false", "no", "n", "off", "0", "아니오", "거짓"}


def load_params_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a YAML (or JSON) file of parameters: a mapping of name to value.

    Raises
    ------
    ParameterError
        Naming the file and, for a syntax error, the line.
    """
    path = regular_file(path, "매개변수 파일", limit=CONFIG_LIMIT, option="--params-file")
    data = read_yaml(path, ParameterError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = {"list": "목록", "str": "텍스트", "int": "숫자", "float": "숫자"}
        raise ParameterError(
            message("params_file_not_mapping", path=path, kind=kind.get(type(data).__name__, "값")),
            expected="mapping",
            got=type(data).__name__,
        )
    return {str(k): v for k, v in data.items()}


def _coerce(value: Any, type_name: str) -> Any:
    """Convert ``value`` to ``type_name``; raise ValueError when it cannot be done."""
    if type_name in ("any", "NoneType"):
        return yaml.safe_load(value) if isinstance(value, str) else value
    if type_name == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError
    if type_name == "int":
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            return int(value.strip().replace("_", ""))
        raise ValueError
    if type_name == "float":
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            return float(value.strip())
        raise ValueError
    if type_name == "str":
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
        raise ValueError
    if type_name in ("list", "dict", "tuple"):
        parsed = yaml.safe_load(value) if isinstance(value, str) else value
        expected = {"list": list, "tuple": list, "dict": dict}[type_name]
        if isinstance(parsed, tuple):
            parsed = list(parsed)
        if not isinstance(parsed, expected):
            raise ValueError
        return parsed
    return value


def _check_known(analysis: Analysis, names: Iterable[str], origin: str) -> None:
    known = [p.name for p in analysis.parameters]
    for name in names:
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            hint = message("hint_close", close=close[0])
        elif known:
            hint = message("hint_known", known=", ".join(known))
        else:
            hint = message("hint_none")
        raise ParameterError(
            message(
                "unknown_parameter", name=name, origin=origin, analysis=analysis.name, hint=hint
            ),
            parameter=name,
            expected=known,
            suggestions=close or known,
            kind="unknown",
        )


def resolve_parameters(
    analysis: Analysis,
    values: Mapping[str, Any] | None = None,
    *,
    cli_pairs: Iterable[tuple[str, str]] = (),
    params_file: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Merge defaults, a parameters file, ``values`` and ``-p`` pairs, and coerce types.

    Later sources win: defaults < ``params_file`` < ``values`` < ``cli_pairs``. Each value
    is converted to the type of the parameter's default.

    Returns
    -------
    dict
        Every parameter of the analysis with its effective value.

    Raises
    ------
    ParameterError
        For an unknown name (with a did-you-mean) or a value that cannot take the type of
        the default (naming the parameter, the expected type and the value given).
    """
    sources: list[tuple[str, Mapping[str, Any]]] = []
    if params_file is not None:
        # Where a value came from, for messages in either language: " (p.yaml)", " (-p)".
        sources.append((f" ({params_file})", load_params_file(params_file)))
    if values:
        sources.append(("", dict(values)))
    cli = list(cli_pairs)
    if cli:
        sources.append((" (-p)", dict(cli)))

    effective = analysis.defaults()
    for origin, mapping in sources:
        _check_known(analysis, mapping, origin)
        refuse_given_secrets(analysis, mapping, origin)
        for name, raw in mapping.items():
            param = analysis.parameter(name)
            assert param is not None  # checked above
            check_plain_value(name, raw, origin)  # e.g. a YAML date, before it is coerced
            try:
                effective[name] = _coerce(raw, param.type_name)
            except (ValueError, TypeError, yaml.YAMLError):
                word, example = TYPE_WORDS.get(param.type_name, (param.type_name, "..."))
                raise ParameterError(
                    message(
                        "wrong_type",
                        name=name,
                        origin=origin,
                        expected=word,
                        value=repr(raw),
                        default=repr(param.default),
                        example=example,
                    ),
                    parameter=name,
                    expected=param.type_name,
                    got=raw,
                    kind="type",
                ) from None
            check_plain_value(name, effective[name], origin)
    return effective


_PLAIN = (str, int, float, bool, type(None))
_TYPE_WORDS = {"date": "날짜", "datetime": "날짜·시각", "set": "집합", "bytes": "바이트열"}


def check_plain_value(name: str, value: Any, origin: str = "") -> None:
    """Refuse a value that a notebook cell and the manifest (JSON) cannot hold exactly.

    YAML reads ``2024-01-01`` as a date and ``!!set`` as a set; papermill would write them
    into the notebook as code that means something else, and JSON has no NaN.

    >>> check_plain_value("start", "2024-01-01")
    >>> import datetime
    >>> check_plain_value("start", datetime.date(2024, 1, 1))
    Traceback (most recent call last):
    ...
    workbench.exceptions.ParameterError: 매개변수 'start'의 값 2024-01-01이 날짜(date)로 ...
    """
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(
            f"매개변수 '{name}'{origin}의 값 {value!r}{josa(repr(value), '은/는')} 유한한 수가 "
            "아닙니다. "
            "실제 숫자를 주세요.",
            parameter=name,
        )
    if isinstance(value, _PLAIN):
        return
    if isinstance(value, list | tuple):
        for item in value:
            check_plain_value(name, item, origin)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ParameterError(
                    f"매개변수 '{name}'{origin}의 키 {key!r}{josa(repr(key), '은/는')} "
                    "문자열이어야 합니다 "
                    "(따옴표로 감싸세요).",
                    parameter=name,
                )
            check_plain_value(name, item, origin)
        return
    kind = type(value).__name__
    word = _TYPE_WORDS.get(kind, kind)
    raise ParameterError(
        f"매개변수 '{name}'{origin}의 값 {value}{josa(value, '이/가')} {word}({kind})로 "
        "읽혔습니다. 노트북과 "
        f"실행 기록에 그대로 옮길 수 없습니다: 따옴표로 감싸 문자열로 주세요 (예: '{value}').",
        parameter=name,
    )
