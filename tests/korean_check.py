"""Is a message Korean? The check every Korean-message test uses.

Paths, options, quoted names, code, lists of names and the names of programs and formats
may stay as written; the rest must be mostly Hangul, with no English sentence left.
"""

from __future__ import annotations

import re

__all__ = ["ENGLISH", "assert_korean", "korean_share"]

#: Framework English that must never show (Typer/Click defaults, tracebacks).
ENGLISH = re.compile(
    r"Usage:|Options|Arguments|Commands|Show this message|\[required\]|\[default|"
    r"<(str|int|float|path|bool|list)|Error|Try '|Invalid value|No such|Missing|"
    r"expected|expects|must be|must hold|Did you mean|not found|cannot|Cannot|does not|"
    r"is not|Traceback|Unknown",
)
#: What may stay as written inside a Korean message: paths, options, quoted names, code,
#: lists of names, and the names of programs and formats.
_VERBATIM = re.compile(
    r"`[^`]*`|'[^']*'|\"[^\"]*\"|\S*[/\\]\S*|--?[\w-]+|\S+\.\w+|\w*_\w*|\[[^\]]*\]|"
    r"[A-Za-z][\w.-]*(?:, [A-Za-z][\w.-]*)+|"  # a list of names
    r"\b(workbench|JupyterLab|CSV|TSV|Excel|Parquet|JSON|YAML|sha256|pytest|ruff|pip|"
    r"pre-commit|manifest|python3|Chromium|DuckDB|UTF-8|CP949|ID|KEY|VALUE|NAME|nbformat)\b"
)


def korean_share(text: str) -> float:
    """Share of Hangul among the letters of ``text`` once verbatim parts are removed."""
    letters = [c for c in _VERBATIM.sub(" ", text) if c.isalpha()]
    hangul = [c for c in letters if "\uac00" <= c <= "\ud7a3"]
    return len(hangul) / len(letters) if letters else 0.0


def assert_korean(output: str, *given: str) -> None:
    text = output
    for value in given:
        text = text.replace(value, " ")
    assert not ENGLISH.search(text), f"English in: {output}"
    assert korean_share(text) >= 0.6, f"not Korean enough ({korean_share(text):.2f}): {output}"
