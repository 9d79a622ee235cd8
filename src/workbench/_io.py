"""Small file helpers shared across layers: read a YAML file, write a file atomically.

Callers pass the error class to raise, so that each layer keeps its own error while the
messages stay the same everywhere: the file, the line, what is wrong, what to do.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

__all__ = ["read_yaml", "write_atomically"]


def read_yaml(path: str | os.PathLike[str], error: type[Exception]) -> Any:
    """Parse a UTF-8 YAML file (a BOM is allowed); ``None`` for an empty file.

    Every problem raises ``error`` with one message naming the file: not found, not UTF-8
    (with the byte offset), unreadable, or not valid YAML (with the line).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"{path.resolve()}: file not found.") from None
    except UnicodeDecodeError as exc:
        raise error(
            f"{path}: not UTF-8 text (undecodable byte at offset {exc.start}). "
            "Save the file as UTF-8."
        ) from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"{path}{where}: not valid YAML: {problem}") from None


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write under a temporary name next to ``path``, then rename: never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
