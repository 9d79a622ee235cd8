"""Small file helpers shared across layers: read YAML, hash a file, write atomically.

Callers pass the error class to raise, so that each layer keeps its own error while the
messages stay the same everywhere: the file, the line, what is wrong, what to do.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from workbench._korean import render

__all__ = ["atomic_path", "file_sha256", "read_yaml", "write_atomically"]


def read_yaml(path: str | os.PathLike[str], error: type[Exception]) -> Any:
    """Parse a UTF-8 YAML file (a BOM is allowed); ``None`` for an empty file.

    Every problem raises ``error`` with one message naming the file: not found, not UTF-8
    (with the byte offset), unreadable, or not valid YAML (with the line).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(
            render("파일 {path:을/를} 찾을 수 없습니다. 경로를 확인하세요.", path=path.resolve())
        ) from None
    except UnicodeDecodeError as exc:
        raise error(
            f"{path}: UTF-8 텍스트가 아닙니다 ({exc.start}번째 바이트를 읽을 수 없음). "
            "UTF-8로 저장해 주세요."
        ) from None
    except OSError as exc:
        raise error(f"{path}: 파일을 읽을 수 없습니다 ({exc.strerror}).") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" {mark.line + 1}번째 줄" if mark is not None else ""
        raise error(
            f"{path}{where}: YAML 문법이 맞지 않습니다. 괄호와 따옴표의 짝, 들여쓰기, "
            "'이름: 값'의 콜론 뒤 빈칸을 확인하세요."
        ) from None


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Return the SHA-256 hex digest of a file's bytes, read in blocks."""
    with Path(path).open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


@contextmanager
def atomic_path(target: str | os.PathLike[str], *, fsync: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it there on success, else delete it.

    The temporary file is created empty (mode 0644, as an ordinary new file). With
    ``fsync``, the file's bytes and the rename are flushed to disk before returning.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.fchmod(fd, 0o644)  # mkstemp makes it private; the file it replaces was not
    os.close(fd)
    try:
        yield Path(name)
        if fsync:
            _fsync(Path(name), os.O_RDONLY)
        os.replace(name, target)
        if fsync:
            _fsync(target.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _fsync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write under a temporary name next to ``path``, then rename: never half a file."""
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)
    return Path(path)
