"""Korean-capable matplotlib style and reproducible figure files.

matplotlib's default font (DejaVu Sans) has no Hangul, so Korean titles and labels come
out as empty boxes with a "Glyph ... missing from font(s)" warning. :func:`use_korean_font`
registers NanumGothic and applies a small house style; :func:`save_figure` writes figure
files without timestamps, so the same figure gives the same bytes.

The house style reads as a Korean statistical release does: every numeric axis of a
figure made after :func:`use_korean_font` writes its ticks with thousands separators
(``1,500,000``, never ``1.5`` under a ``1e6`` offset; see :class:`ThousandsFormatter`),
and :func:`legend` puts a legend outside the plot area, so it never hides data.

Importing this module changes nothing: matplotlib's settings change only when
:func:`use_korean_font` is called.
"""

from __future__ import annotations

import functools
import importlib.metadata
import re
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import matplotlib
from matplotlib.scale import LinearScale, register_scale
from matplotlib.ticker import ScalarFormatter

from workbench.exceptions import WorkbenchError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

__all__ = [
    "HOUSE_STYLE",
    "ThousandsFormatter",
    "korean_font_path",
    "legend",
    "save_figure",
    "use_korean_font",
]

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
    # Plain numbers, never "1e6" or an offset above the axis (see ThousandsFormatter).
    "axes.formatter.useoffset": False,
    "axes.formatter.limits": (-9, 15),
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


#: An axis whose view lies in this range shows years: 2024, never 2,024.
_YEARS = (1800.0, 2200.0)

#: A tick label's sign (hyphen or U+2212) and integer digits.
_INTEGER_PART = re.compile(r"^([-\u2212]?)(\d+)")


class ThousandsFormatter(ScalarFormatter):
    """Tick labels with thousands separators, no scientific notation and no offset.

    ``1500000`` is written ``1,500,000``; a small range keeps the decimals that tell its
    ticks apart (``0.0, 0.2, … 1.0``; ``0.25, 0.50``), as :class:`ScalarFormatter` chooses
    them. An axis whose whole view lies between 1800 and 2200 reads as years and is not
    grouped (``2024``, not ``2,024``). It stays a ``ScalarFormatter``, so
    ``ax.ticklabel_format(...)`` still works; a figure that asks for scientific notation
    or an offset there gets matplotlib's labels.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> ax.yaxis.set_major_formatter(ThousandsFormatter())
    >>> _ = ax.plot([0, 1], [0, 3_000_000])
    >>> ax.figure.canvas.draw()
    >>> [label.get_text() for label in ax.get_yticklabels()][1:3]
    ['0', '500,000']
    """

    def __init__(self) -> None:
        super().__init__(useOffset=False, useMathText=False, useLocale=False)
        self.set_scientific(False)

    def set_locs(self, locs: Any) -> None:
        """Take the tick positions (once per draw); note whether the axis shows years."""
        super().set_locs(locs)
        shown = list(self.axis.get_view_interval()) if self.axis is not None else list(locs)
        self._years = bool(shown) and all(_YEARS[0] <= v <= _YEARS[1] for v in shown)

    def __call__(self, x: float, pos: int | None = None) -> str:
        """Return the label of the tick at ``x``, its integer part grouped by thousands."""
        text = str(super().__call__(x, pos))
        if self.get_offset() or self.get_useMathText() or getattr(self, "_years", False):
            return text  # matplotlib's own form (asked for by ax.ticklabel_format), or years
        # Group the integer part only: "-1234567.5" -> "-1,234,567.5".
        return _INTEGER_PART.sub(lambda m: f"{m[1]}{int(m[2]):,}", text, count=1)


class _HouseLinearScale(LinearScale):
    """matplotlib's linear scale, with :class:`ThousandsFormatter` as its tick labels.

    Registered under matplotlib's own name ``"linear"`` by :func:`use_korean_font`, so
    every numeric axis made afterwards (``plt.subplots``, ``Figure.add_subplot``,
    ``twinx``, colorbars, pandas' ``.plot``) gets it; category and date axes keep their
    own labels (matplotlib replaces only a default formatter).
    """

    def __init__(self, *args: Any) -> None:  # matplotlib < 3.11 passes the axis
        super().__init__(*args)

    def set_default_locators_and_formatters(self, axis: Axis) -> None:
        """Set matplotlib's linear defaults, then :class:`ThousandsFormatter`."""
        super().set_default_locators_and_formatters(axis)
        axis.set_major_formatter(ThousandsFormatter())


def legend(ax: Axes, *args: Any, **kwargs: Any) -> Legend:
    """Draw the axes' legend outside the plot area, right of its top corner.

    A legend inside the axes hides the data under it (matplotlib's ``loc="best"`` only
    picks the least-covered corner). Outside, it covers nothing: the notebook's picture
    (saved with ``bbox_inches="tight"``) and ``tight``/``constrained`` layouts make room
    for it. Position arguments (``loc``, ``bbox_to_anchor``) are therefore not taken.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes whose labelled artists the legend lists.
    *args, **kwargs
        Passed to :meth:`matplotlib.axes.Axes.legend` (handles and labels, ``title``,
        ``fontsize``, ``ncols``...).

    Returns
    -------
    matplotlib.legend.Legend
        The legend drawn (it replaces any legend the axes had, e.g. pandas').

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> _ = ax.plot([1, 2], [3, 4], label="서울")
    >>> legend(ax).get_texts()[0].get_text()
    '서울'
    """
    return ax.legend(
        *args, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kwargs
    )


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
        "한글 글꼴(NanumGothic)을 찾지 못했습니다: 이대로는 그림의 한글이 빈 네모로 "
        f"그려집니다. 파이썬 패키지 `{FONT_DISTRIBUTION}`(pip install {FONT_DISTRIBUTION})나 "
        "데비안 패키지 `fonts-nanum`을 설치하세요."
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
    ``matplotlib.rcParams``, and makes numeric axes write thousands separators
    (:class:`ThousandsFormatter`). The font is registered once per process; later calls
    only re-apply the settings, so the call is cheap and idempotent. Call it before
    creating a figure: text takes its font, and an axis its tick labels, when created.

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
    register_scale(_HouseLinearScale)
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
