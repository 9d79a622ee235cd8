"""Secret parameters: API keys and passwords that a run uses but never records.

A parameter is secret when the notebook marks it (``api_key = ""  # secret: 외부 API 키``),
lists it in its metadata's ``secrets``, or is named like one (see :func:`is_secret_name`).
Its value comes only from the environment or a prompt (``workbench run … -s api_key`` reads
``$api_key``); a value given with ``-p``, a parameters file or a matrix is refused, because
those end up in shell history, files and the manifest.

The value reaches the kernel through its environment (``WORKBENCH_SECRET_<name>``), read
and removed by a hidden setup cell, so it is never written into the executed notebook. What
the notebook prints of it is redacted (``••••``) before anything reaches a file, and every
file of the run folder is checked for it at the end (:class:`Redactor`).
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench._korean import josa
from workbench.exceptions import ParameterError

if TYPE_CHECKING:
    from workbench.runner._registry import Analysis
    from workbench.runner._rundir import RunDir

__all__ = [
    "ENV_PREFIX",
    "REDACTED",
    "Redactor",
    "is_secret_name",
    "refuse_given_secrets",
    "resolve_secrets",
    "scrub_secrets",
    "secret_cell_source",
    "secret_comment",
]

REDACTED = "••••"
#: The kernel's environment carries each secret under this prefix (removed at first use).
ENV_PREFIX = "WORKBENCH_SECRET_"
#: Shorter values would redact ordinary text everywhere; such a secret is refused.
MIN_LENGTH = 4

# Words that make a parameter secret by name: the whole name or one of its parts
# (snake_case, camelCase). A bare "key" is secret only with a qualifier (api_key,
# serviceKey, private_key): join_key or key_column name a column, not a credential.
_SECRET_PARTS = frozenset(
    {"token", "password", "passwd", "pwd", "secret", "credential", "credentials", "apikey"}
)
_KEY_QUALIFIERS = frozenset({"api", "access", "secret", "private", "auth", "service", "client"})
_KOREAN = ("비밀번호", "암호", "인증키", "비밀키")
_MARK = re.compile(r"^\s*secret\s*[:：]\s*", re.IGNORECASE)


def _parts(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [p for p in re.split(r"[_\W]+", spaced.lower()) if p]


def is_secret_name(name: str) -> bool:
    """Tell whether a parameter's name says it holds a secret.

    Examples
    --------
    >>> [is_secret_name(n) for n in ("api_key", "serviceKey", "db_password", "token")]
    [True, True, True, True]
    >>> [is_secret_name(n) for n in ("join_key", "key_column", "top_n", "비밀번호")]
    [False, False, False, True]
    """
    if any(word in name for word in _KOREAN):
        return True
    parts = _parts(name)
    if name.lower() == "key" or any(p in _SECRET_PARTS for p in parts):
        return True
    return any(
        p == "key" and i > 0 and parts[i - 1] in _KEY_QUALIFIERS for i, p in enumerate(parts)
    )


def secret_comment(comment: str) -> tuple[bool, str]:
    """Split a ``secret: 설명`` comment into (is marked secret, the description).

    >>> secret_comment("secret: 외부 API 키")
    (True, '외부 API 키')
    >>> secret_comment("행 수")
    (False, '행 수')
    """
    match = _MARK.match(comment)
    return (True, comment[match.end() :]) if match else (False, comment)


def _how_to_pass(name: str) -> str:
    return (
        f"환경변수로 주세요: export {name}='…' 후 workbench run … -s {name} "
        f"(환경변수가 없고 터미널이면 입력을 물어봅니다)."
    )


def refuse_given_secrets(analysis: Analysis, names: Iterable[str], origin: str) -> None:
    """Refuse a secret parameter given as a plain value (``-p``, a file, a matrix)."""
    secrets = set(analysis.secrets)
    for name in names:
        if name in secrets:
            raise ParameterError(
                f"매개변수 '{name}'{josa(name, '은/는')} 비밀 값입니다{origin}. 이렇게 주면 "
                "명령 기록·파일·실행 "
                f"기록에 남습니다. {_how_to_pass(name)}",
                parameter=name,
            )


def resolve_secrets(
    analysis: Analysis,
    names: Iterable[str] = (),
    values: Mapping[str, str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    prompt: Callable[[str], str] | None = None,
) -> dict[str, str]:
    """Return the secret values a run needs, from ``values``, the environment or a prompt.

    Parameters
    ----------
    analysis : Analysis
        The analysis (its secret parameters).
    names : iterable of str
        ``-s NAME`` options: read ``$NAME`` (or ask, when ``prompt`` is given and it is not
        set).
    values : mapping, optional
        Secret values given by a calling program (the library API).
    environ : mapping, optional
        The environment to read (default ``os.environ``).
    prompt : callable, optional
        Asks the user for a value, given the parameter's name; ``None``: never ask.

    Raises
    ------
    ParameterError
        A name that is not a secret parameter of the analysis, a variable that is not set,
        or a value that is empty or too short to be a secret.
    """
    env = os.environ if environ is None else environ
    secrets = set(analysis.secrets)
    found: dict[str, str] = {}
    wanted = [*dict(values or {}), *names]
    for name in wanted:
        if name not in secrets:
            known = ", ".join(sorted(secrets)) or "(없음)"
            plain = analysis.parameter(name) is not None
            hint = " 일반 매개변수는 -p로 주세요." if plain else ""
            raise ParameterError(
                f"-s {name}: 분석 '{analysis.name}'에 '{name}'이라는 비밀 매개변수가 없습니다."
                f"{hint} 비밀 매개변수: {known}.",
                parameter=name,
            )
    for name in wanted:
        if values and name in values:
            value = values[name]
        elif name in env:
            value = env[name]
        elif prompt is not None:
            value = prompt(name)
        else:
            raise ParameterError(
                f"-s {name}: 환경변수 {name}{josa(name, '이/가')} 설정되어 있지 않습니다. "
                f"{_how_to_pass(name)}",
                parameter=name,
            )
        if not isinstance(value, str) or len(value) < MIN_LENGTH:
            raise ParameterError(
                f"비밀 매개변수 '{name}'의 값이 비어 있거나 너무 짧습니다 "
                f"({MIN_LENGTH}자 이상이어야 합니다).",
                parameter=name,
            )
        found[name] = value
    return found


def kernel_environment(secrets: Mapping[str, str]) -> dict[str, str]:
    """Return the environment variables that carry ``secrets`` into the kernel."""
    return {ENV_PREFIX + name: value for name, value in secrets.items()}


def secret_cell_source(names: Iterable[str]) -> str:
    """Return the setup cell's code that takes each secret out of the kernel's environment."""
    lines = ["import os as _wb_os"]
    lines += [f"{name} = _wb_os.environ.pop({ENV_PREFIX + name!r}, '')" for name in names]
    lines.append("del _wb_os")
    return "\n".join(lines)


class Redactor:
    """Replace secret values by ``••••`` in text, notebook nodes and files.

    Each value is also looked for as CSV, Python repr, JSON, HTML, URL and base64 text,
    the forms in which a result, a notebook, a report or a log would hold it.
    """

    def __init__(self, values: Iterable[str]) -> None:
        forms: set[str] = set()
        for value in values:
            if not value:
                continue
            forms |= {
                value,
                value.replace('"', '""'),  # inside a quoted CSV field
                repr(value)[1:-1],  # a Python repr (a printed list or dict)
                json.dumps(value)[1:-1],
                json.dumps(value, ensure_ascii=False)[1:-1],
                html.escape(value),
                html.escape(value, quote=False),
                urllib.parse.quote(value, safe=""),
                urllib.parse.quote_plus(value),
                base64.b64encode(value.encode("utf-8")).decode("ascii").rstrip("="),
            }
        self.forms = sorted((f for f in forms if f), key=len, reverse=True)
        self._bytes = [f.encode("utf-8") for f in self.forms]

    def __bool__(self) -> bool:
        return bool(self.forms)

    def text(self, text: str) -> str:
        """Return ``text`` with every form of every secret replaced."""
        for form in self.forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return text

    def node(self, value: Any) -> Any:
        """Redact a notebook node (dicts, lists and strings) in place; return it."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            for key in list(value):
                value[key] = self.node(value[key])
        elif isinstance(value, list):
            for i, item in enumerate(value):
                value[i] = self.node(item)
        return value

    def contains(self, data: bytes) -> bool:
        return any(form in data for form in self._bytes)

    def scrub_file(self, path: Path) -> str | None:
        """Redact a file that holds a secret: ``"redacted"`` (text), ``"removed"`` (binary).

        Compressed containers are looked into: a Parquet file's values and each member of
        a ZIP (an Excel workbook). Returns None when the file holds none.
        """
        data = path.read_bytes()
        if not (self.contains(data) or self._inside(path, data)):
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            path.unlink()
            return "removed"
        path.write_text(self.text(text), encoding="utf-8")
        return "redacted"

    def _inside(self, path: Path, data: bytes) -> bool:
        """Tell whether a compressed file (Parquet, ZIP/XLSX) holds a secret."""
        import io
        import zipfile

        if data[:4] == b"PAR1":
            import pyarrow.parquet as pq

            try:
                table = pq.read_table(io.BytesIO(data))
            except Exception:  # unreadable: treated by its bytes alone
                return False
            texts = [str(v) for column in table.columns for v in column.to_pylist()]
            texts += [str(name) for name in table.column_names]
            return any(self.text(t) != t for t in texts)
        if data[:2] == b"PK":
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    return any(
                        self.contains(archive.read(info))
                        for info in archive.infolist()
                        if info.file_size <= 256 * 1024 * 1024
                    )
            except (zipfile.BadZipFile, OSError):
                return False
        return False


def scrub_secrets(run_dir: RunDir, redactor: Redactor) -> list[str]:
    """Redact every file of a run folder that holds a secret; return what was changed.

    The notebook and the kernel's log are written redacted already; this is the last
    guard for what the notebook itself wrote (a result table, a file in ``internal/``).
    A binary file holding a secret cannot be redacted and is removed.
    """
    changed = []
    for path in run_dir.files():
        outcome = redactor.scrub_file(path)
        if outcome is not None:
            changed.append(f"{path.relative_to(run_dir.path).as_posix()}: {outcome}")
    return changed
