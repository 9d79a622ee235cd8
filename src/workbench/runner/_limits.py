"""Limits a run keeps, so that bad input fails in one line instead of hanging or filling a disk.

A file given as input or configuration must be a regular file (a FIFO would block the
read forever, ``/dev/zero`` never ends); a timeout must be a finite number of seconds; a
notebook's outputs are capped (a cell printing in a loop would grow the executed notebook
and this process's memory without end).
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

from workbench._korean import josa
from workbench.exceptions import ParameterError

__all__ = ["OUTPUT_LIMIT_ENV", "check_timeout", "output_limit", "regular_file"]

#: Environment variable: the cap on a run's outputs, in MB (default 64).
OUTPUT_LIMIT_ENV = "WORKBENCH_MAX_OUTPUT_MB"
_DEFAULT_OUTPUT_MB = 64.0
#: Configuration files (parameters, matrices, approvals) larger than this are refused.
CONFIG_LIMIT = 16 * 1024 * 1024


def regular_file(
    path: str | os.PathLike[str],
    what: str,
    *,
    limit: int | None = None,
    option: str = "",
    parameter: str | None = None,
) -> Path:
    """Return ``path`` if it is a regular file (of at most ``limit`` bytes); refuse otherwise.

    Parameters
    ----------
    path : path
        The file.
    what : str
        What it is, in Korean, for the message (``"매개변수 파일"``).
    limit : int, optional
        Largest size accepted, in bytes.
    option : str
        The option or parameter that named it, for the message.
    parameter : str, optional
        The parameter, for :attr:`ParameterError.parameter` (default ``option``).
    """
    p = Path(path)
    name = parameter or option or None
    where = f"{option} " if option else ""
    try:
        info = p.stat()
    except FileNotFoundError:
        raise ParameterError(
            f"{where}{what} {p}{josa(p, '을/를')} 찾을 수 없습니다.", name
        ) from None
    except OSError as exc:
        raise ParameterError(
            f"{where}{what} {p}{josa(p, '을/를')} 열 수 없습니다: {exc.strerror}.", name
        ) from None
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "폴더"
            if stat.S_ISDIR(info.st_mode)
            else "FIFO(이름 있는 파이프)"
            if stat.S_ISFIFO(info.st_mode)
            else "장치 파일"
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "소켓"
            if stat.S_ISSOCK(info.st_mode)
            else "일반 파일이 아닌 것"
        )
        raise ParameterError(
            f"{where}{what} {p}{josa(p, '은/는')} {kind}입니다. 내용이 저장된 일반 파일을 주세요.",
            name,
        )
    if limit is not None and info.st_size > limit:
        raise ParameterError(
            f"{where}{what} {p}{josa(p, '이/가')} 너무 큽니다 ({info.st_size:,} 바이트, 최대 "
            f"{limit:,}).",
            name,
        )
    return p


def check_timeout(timeout: float | None) -> float | None:
    """Refuse a timeout that is not a finite, positive number of seconds."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ParameterError(
            f"--timeout은 초 단위 숫자여야 합니다; {timeout!r}{josa(repr(timeout), '을/를')} "
            "받았습니다."
        )
    if not math.isfinite(timeout) or timeout <= 0:
        raise ParameterError(
            f"--timeout {timeout:g}: 0보다 크고 유한한 초 단위 숫자여야 합니다 "
            "(예: --timeout 600). 제한 없이 실행하려면 --timeout을 빼세요.",
            "timeout",
        )
    return float(timeout)


def output_limit() -> int:
    """Return the cap on a run's outputs in bytes (``$WORKBENCH_MAX_OUTPUT_MB``, 64 MB)."""
    raw = os.environ.get(OUTPUT_LIMIT_ENV, "")
    try:
        mb = float(raw) if raw else _DEFAULT_OUTPUT_MB
    except ValueError:
        raise ParameterError(
            f"환경변수 {OUTPUT_LIMIT_ENV}={raw!r}: MB 단위 숫자여야 합니다 (예: 64)."
        ) from None
    if not math.isfinite(mb) or mb <= 0:
        raise ParameterError(f"환경변수 {OUTPUT_LIMIT_ENV}={raw!r}: 0보다 큰 숫자여야 합니다.")
    return int(mb * 1024 * 1024)
