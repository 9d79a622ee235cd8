"""Where an input comes from, and what its content hashes to.

Kept free of pandas at import time: the runner imports these to validate and record
inputs before any kernel starts, and the command line should stay quick.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from workbench._io import file_sha256
from workbench._korean import josa
from workbench.catalog._messages import message
from workbench.exceptions import DataReadError, ParameterError

__all__ = ["existing_file", "fingerprint", "is_sample_uri", "parse_sample_uri"]

SAMPLE_SCHEME = "sample://"


def is_sample_uri(source: object) -> bool:
    """Tell whether ``source`` names a bundled sample, as in ``sample://households``.

    Parameters
    ----------
    source : object
        A path, a string, or anything else.

    Returns
    -------
    bool
        True for a string starting with ``sample://``.

    Examples
    --------
    >>> is_sample_uri("sample://households?n=10")
    True
    >>> is_sample_uri("data/households.csv")
    False
    """
    return isinstance(source, str) and source.startswith(SAMPLE_SCHEME)


def fingerprint(source: str | os.PathLike[str]) -> str:
    """Return a SHA-256 hex digest that identifies an input's content.

    Parameters
    ----------
    source : str or os.PathLike
        A file path (its bytes are hashed) or a ``sample://`` URI (the generated table,
        written as UTF-8 CSV without the index, is hashed; samples are deterministic,
        so the digest is stable).

    Returns
    -------
    str
        64 hexadecimal characters.

    Raises
    ------
    DataReadError
        If the file does not exist.

    Examples
    --------
    >>> len(fingerprint("sample://households?n=10"))
    64
    """
    digest = hashlib.sha256()
    if is_sample_uri(source):
        name, params = parse_sample_uri(str(source))
        from workbench import samples  # pandas only when a sample is asked for

        frame = samples.get(name, **params)
        digest.update(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
        return digest.hexdigest()
    return file_sha256(existing_file(source))


def parse_sample_uri(uri: str) -> tuple[str, dict[str, Any]]:
    """Split ``sample://NAME?key=value`` into the name and its keyword arguments."""
    parts = urlsplit(uri)
    name = parts.netloc
    if not name or parts.path not in ("", "/") or parts.fragment:
        raise ParameterError(
            f"예시 자료 주소 {uri!r}{josa(repr(uri), '을/를')} 해석할 수 없습니다. "
            "'sample://이름' 뒤에 '?키=값&...'을 붙여 쓰세요 "
            "(예: 'sample://households?n=500&seed=3').",
            parameter="source",
        )
    params: dict[str, Any] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in params:
            raise ParameterError(
                f"예시 자료 주소 {uri!r}에 매개변수 {key!r}{josa(repr(key), '이/가')} 두 번 "
                "있습니다. 하나만 남기세요.",
                parameter=key,
            )
        params[key] = int(value) if re.fullmatch(r"[+-]?\d+", value) else value
    return name, params


def existing_file(source: str | os.PathLike[str]) -> Path:
    """Return the absolute path of ``source``, or raise if it is not a file."""
    path = Path(source).expanduser().absolute()
    if not path.exists():
        raise DataReadError(message("file_not_found", path=path, cwd=Path.cwd()), path=path)
    if path.is_dir():
        raise DataReadError(message("file_is_folder", path=path), path=path)
    if not path.is_file():  # a FIFO would block the read forever, /dev/zero never ends
        raise DataReadError(message("file_not_regular", path=path), path=path)
    return path
