"""Korean-capable matplotlib style and reproducible figure files.

matplotlib's default font (DejaVu Sans) has no Hangul, so Korean titles and labels come
out as empty boxes with a "Glyph ... missing from font(s)" warning. :func:`use_korean_font`
registers NanumGothic and applies a small house style; :func:`save_figure` writes figure
files without timestamps, so the same figure gives the same bytes.

Importing this module changes nothing: matplotlib's settings change only when
:func:`use_korean_font` is called.
"""

from __future__ import annotations

import functools
import importlib.metadata
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import matplotlib

from workbench.exceptions import WorkbenchError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["HOUSE_STYLE", "korean_font_path", "save_figure", "use_korean_font"]

#: Distribution that ships the NanumGothic files. It is never imported: its import
#: needs ``distutils`` (gone in Python 3.12) and changes matplotlib's settings.
FONT_DISTRIBUTION = "koreanize-matplotlib"

#: Where Debian's ``fonts-nanum`` package puts its files (the fallback).
SYSTEM_FONT_DIRS: tuple[Path, ...] = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))

_REGULAR_FONT_FILE = "NanumGothic.ttf"

#: Settings applied by :func:`use_korean_font` besides the font family.
HOUSE_STYLE: dict[str, Any] = {
    # NanumGothic has no U+2212 MINUS SIGN; use the ASCII hyphen-minus for negatives.
    "axes.unicode_minus": False,
    "figure.figsize": (6.0, 3.5),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    # Reproducible files: fixed SVG element ids.
    "svg.hashsalt": "workbench",
}

# Metadata keys that carry a timestamp or a version, removed by save_figure. PNG has no
# timestamp by default, but its "Software" entry names the matplotlib version.
_VOLATILE_METADATA: dict[str, dict[str, None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}


def _wheel_font_files() -> list[Path]:
    """Return the ``.ttf`` files shipped in the koreanize-matplotlib wheel, if installed."""
    try:
        files = importlib.metadata.files(FONT_DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return []
    located = (Path(str(file.locate())) for file in files if file.suffix == ".ttf")
    return sorted(path for path in located if path.is_file())


def _system_font_files() -> list[Path]:
    """Return NanumGothic files installed system-wide (Debian ``fonts-nanum``)."""
    found: set[Path] = set()
    for directory in SYSTEM_FONT_DIRS:
        if directory.is_dir():
            found.update(directory.rglob("NanumGothic*.ttf"))
    return sorted(found)


def _font_files() -> list[Path]:
    """Return the NanumGothic files to register: the wheel's, else the system's."""
    for candidates in (_wheel_font_files(), _system_font_files()):
        if any(path.name == _REGULAR_FONT_FILE for path in candidates):
            return candidates
    raise WorkbenchError(
        "No Korean font found: matplotlib would draw Korean text as empty boxes. "
        f"Install the Python package `{FONT_DISTRIBUTION}` (pip install {FONT_DISTRIBUTION}), "
        "which ships NanumGothic, or the Debian package `fonts-nanum`."
    )


def korean_font_path() -> Path:
    """Return the path of the regular NanumGothic font file.

    Returns
    -------
    pathlib.Path
        ``NanumGothic.ttf`` from the koreanize-matplotlib wheel, or else from the
        system's fonts (Debian ``fonts-nanum``).

    Raises
    ------
    workbench.exceptions.WorkbenchError
        If neither is installed.
    """
    return next(path for path in _font_files() if path.name == _REGULAR_FONT_FILE)


@functools.cache
def _register_korean_font() -> str:
    """Add the NanumGothic files to matplotlib's font list once; return the family name.

    A failure is not cached (``functools.cache`` stores only returned values), so a
    call after installing the font succeeds.
    """
    from matplotlib import font_manager

    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in _font_files():
        if str(path) not in known:
            font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(korean_font_path())).get_name())


def use_korean_font() -> str:
    """Make matplotlib draw Korean text, and apply the workbench house style.

    Registers the NanumGothic files shipped in the ``koreanize-matplotlib`` wheel
    (without importing that package), or Debian's ``fonts-nanum`` if the wheel is
    missing, then sets ``font.family`` and :data:`HOUSE_STYLE` in
    ``matplotlib.rcParams``. The font is registered once per process; later calls only
    re-apply the settings, so the call is cheap and idempotent. Call it before creating
    a figure: text takes its font when it is created.

    Returns
    -------
    str
        The font family now in use, ``"NanumGothic"``.

    Raises
    ------
    workbench.exceptions.WorkbenchError
        If no Korean font is installed; the message names the package to install.

    Examples
    --------
    >>> from workbench.plotting import use_korean_font
    >>> use_korean_font()
    'NanumGothic'
    """
    family = _register_korean_font()
    # DejaVu Sans second: matplotlib falls back glyph by glyph to symbols Nanum lacks.
    settings: dict[Any, Any] = {**HOUSE_STYLE, "font.family": [family, "DejaVu Sans"]}
    matplotlib.rcParams.update(settings)
    return family


def save_figure(
    fig: Figure, target: str | Path | IO[bytes], *, format: str | None = None, **kwargs: Any
) -> None:
    """Save a figure without timestamps or version stamps, so equal figures give equal bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save.
    target : str, pathlib.Path or binary file object
        Where to write.
    format : str, optional
        ``"png"``, ``"svg"``, ``"pdf"`` …; by default taken from the file name's suffix,
        else ``"png"``.
    **kwargs
        Passed to :meth:`matplotlib.figure.Figure.savefig`. A ``metadata`` dict given
        here is added to the cleaned metadata.
    """
    if format is None:
        suffix = Path(target).suffix if isinstance(target, str | Path) else ""
        format = suffix.lstrip(".").lower() or "png"
    metadata = {**_VOLATILE_METADATA.get(format, {}), **kwargs.pop("metadata", {})}
    fig.savefig(target, format=format, metadata=metadata, **kwargs)
