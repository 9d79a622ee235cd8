import io
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import pytest

from korean_check import assert_korean

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from workbench import plotting
from workbench.exceptions import WorkbenchError

KOREAN_TITLE = "월소득 (만원)"
KOREAN_TICKS = ["서울특별시 종로구", "부산광역시 해운대구"]


@pytest.fixture(autouse=True)
def _restore_rcparams():
    # use_korean_font changes matplotlib's global settings; keep other tests unaffected.
    with matplotlib.rc_context():
        yield


def _korean_figure() -> Figure:
    fig = Figure()
    ax = fig.add_subplot()
    ax.bar([0, 1], [-5, 12])
    ax.set_xticks([0, 1], KOREAN_TICKS)
    ax.set_title(KOREAN_TITLE)
    ax.set_xlabel("지역")
    ax.set_ylabel("증감 (명)")
    return fig


def _glyph_warnings(fig: Figure) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    return [
        str(w.message)
        for w in caught
        if "Glyph" in str(w.message) or "missing from font" in str(w.message)
    ]


def test_korean_text_draws_without_missing_glyphs():
    assert plotting.use_korean_font() == "NanumGothic"
    assert matplotlib.rcParams["font.family"][0] == "NanumGothic"
    assert matplotlib.rcParams["axes.unicode_minus"] is False

    assert _glyph_warnings(_korean_figure()) == []


def test_default_font_warns_about_korean_so_the_check_is_real():
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        found = _glyph_warnings(_korean_figure())
    assert found, "DejaVu Sans has no Hangul: drawing Korean must warn"
    assert any("DejaVu Sans" in message for message in found)


def test_use_korean_font_is_idempotent():
    from matplotlib import font_manager

    first = plotting.use_korean_font()
    settings = dict(matplotlib.rcParams)
    fonts = len(font_manager.fontManager.ttflist)

    assert plotting.use_korean_font() == first
    assert dict(matplotlib.rcParams) == settings
    assert len(font_manager.fontManager.ttflist) == fonts


def test_use_korean_font_applies_house_style():
    plotting.use_korean_font()
    for key, value in plotting.HOUSE_STYLE.items():
        expected = list(value) if isinstance(value, tuple) else value
        assert matplotlib.rcParams[key] == expected, key
    assert matplotlib.rcParams["axes.spines.top"] is False


def test_import_changes_no_settings_and_never_imports_koreanize():
    code = """
import json, sys
import matplotlib
before = {k: repr(v) for k, v in matplotlib.rcParams.items()}
import workbench.plotting, workbench.blocks
from matplotlib.figure import Figure
after = {k: repr(v) for k, v in matplotlib.rcParams.items()}
changed = sorted(k for k in before if before[k] != after[k])
ticks = type(Figure().add_subplot().yaxis.get_major_formatter()).__name__
workbench.plotting.use_korean_font()
print(json.dumps({"changed": changed, "koreanize": "koreanize_matplotlib" in sys.modules,
                  "ticks": ticks}))
"""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"changed": [], "koreanize": False, "ticks": "ScalarFormatter"}


def test_korean_font_path_prefers_the_wheel():
    path = plotting.korean_font_path()
    assert path.name == "NanumGothic.ttf"
    assert "koreanize_matplotlib" in path.parts


def test_falls_back_to_system_fonts(monkeypatch, tmp_path):
    nanum = tmp_path / "truetype" / "nanum"
    nanum.mkdir(parents=True)
    shutil.copy(plotting.korean_font_path(), nanum / "NanumGothic.ttf")
    monkeypatch.setattr(plotting, "_wheel_font_files", list)
    monkeypatch.setattr(plotting, "SYSTEM_FONT_DIRS", (tmp_path,))

    assert plotting.korean_font_path() == nanum / "NanumGothic.ttf"


def test_no_korean_font_raises_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.setattr(plotting, "_wheel_font_files", list)
    monkeypatch.setattr(plotting, "SYSTEM_FONT_DIRS", (tmp_path,))
    # Forget the registration for this test only, and again afterwards.
    plotting._register_korean_font.cache_clear()
    try:
        with pytest.raises(WorkbenchError, match="koreanize-matplotlib") as excinfo:
            plotting.use_korean_font()
        assert "fonts-nanum" in str(excinfo.value)
        assert_korean(str(excinfo.value))
    finally:
        plotting._register_korean_font.cache_clear()


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_save_figure_gives_identical_bytes(fmt):
    plotting.use_korean_font()
    files = []
    for _ in range(2):
        buffer = io.BytesIO()
        plotting.save_figure(_korean_figure(), buffer, format=fmt)
        files.append(buffer.getvalue())
    assert files[0] == files[1]
    assert b"Matplotlib v" not in files[0]
    assert b"<dc:date>" not in files[0]
    assert b"CreationDate" not in files[0]


def test_save_figure_takes_format_from_the_suffix(tmp_path):
    plotting.use_korean_font()
    target = tmp_path / "chart.svg"
    plotting.save_figure(_korean_figure(), target)
    assert target.read_bytes().lstrip().startswith(b"<?xml")


# --- how numbers and legends read -------------------------------------------------------

GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?$")  # 1,234,567 or 0.25, nothing else


def _draw(fig: Figure) -> None:
    """Lay the figure out and draw it, as the notebook's picture is drawn (Agg)."""
    FigureCanvasAgg(fig)
    fig.canvas.draw()


def _tick_texts(labels) -> list[str]:
    return [label.get_text() for label in labels if label.get_text()]


def test_millions_on_any_numeric_axis_read_with_thousands_separators():
    plotting.use_korean_font()
    fig = Figure(layout="tight")
    ax, bars = fig.subplots(1, 2)
    # 지역별 예산 (원), as an agency publishes it: millions, one above ten million.
    budget = [1_250_000, 3_480_000, 12_600_000]
    line = ax.plot([2022, 2023, 2024], budget, marker="o")[0]
    share = ax.twinx()
    share.plot([2022, 2023, 2024], [0.12, 0.25, 0.4], color="grey")
    bars.barh([*KOREAN_TICKS, "대구광역시 중구"], budget)
    _draw(fig)

    for axis in (ax.yaxis, bars.xaxis):
        texts = _tick_texts(axis.get_ticklabels())
        assert texts and all(GROUPED.match(t) for t in texts), texts
        assert "10,000,000" in texts or "12,000,000" in texts, texts
        assert axis.get_offset_text().get_text() == ""  # no "1e7" above the axis
    # Years stay years, and a small range keeps the decimals that tell its ticks apart.
    years = _tick_texts(ax.get_xticklabels())
    assert "2023" in years and not any("," in t for t in years), years
    shares = _tick_texts(share.get_yticklabels())
    assert len(set(shares)) == len(shares) and {"0.15", "0.20"} <= set(shares), shares
    # A category axis keeps its own labels.
    assert _tick_texts(bars.get_yticklabels()) == [*KOREAN_TICKS, "대구광역시 중구"]
    assert line.get_ydata()[2] == 12_600_000  # the data itself is untouched


def test_pandas_plots_and_colorbars_get_separators_too():
    import pandas as pd

    plotting.use_korean_font()
    fig = Figure()
    ax = fig.add_subplot()
    counts = pd.Series([2_500_000, 7_000_000], index=["서울특별시", "부산광역시"])
    counts.plot.barh(ax=ax)
    points = ax.scatter([1_000_000, 6_000_000], [0, 1], c=[4_000_000, 9_000_000])
    colorbar = fig.colorbar(points, ax=ax)
    _draw(fig)
    for labels in (ax.get_xticklabels(), colorbar.ax.get_yticklabels()):
        texts = _tick_texts(labels)
        assert texts and all(GROUPED.match(t) for t in texts) and any("," in t for t in texts)


def test_scientific_notation_asked_for_explicitly_still_works():
    plotting.use_korean_font()
    ax = Figure().add_subplot()
    ax.plot([0, 1], [0, 4_000_000])
    ax.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
    _draw(ax.figure)
    assert ax.yaxis.get_offset_text().get_text() == "1e6"
    assert "4.0" in _tick_texts(ax.get_yticklabels())


def test_a_legend_never_covers_the_data():
    plotting.use_korean_font()
    fig = Figure(figsize=(6, 3.5), layout="tight")
    ax = fig.add_subplot()
    months = list(range(12))
    for name, level in (("도입 지역", 3_000_000), ("비교 지역", 2_800_000)):
        ax.plot(months, [level + 50_000 * m for m in months], label=name)  # fills the box
    legend = plotting.legend(ax, title="집단")
    _draw(fig)

    box, drawn = ax.get_window_extent(), legend.get_window_extent()
    assert not drawn.overlaps(box), (drawn, box)
    assert fig.bbox.contains(drawn.x0, drawn.y0) and fig.bbox.contains(drawn.x1, drawn.y1)
    assert [t.get_text() for t in legend.get_texts()] == ["도입 지역", "비교 지역"]
    assert _glyph_warnings(fig) == []  # Korean labels in the legend render


def test_legend_refuses_a_position_inside_the_axes():
    ax = Figure().add_subplot()
    ax.plot([0, 1], [0, 1], label="가")
    with pytest.raises(TypeError, match="loc"):
        plotting.legend(ax, loc="best")


def test_every_legend_workbench_draws_goes_outside():
    """Blocks and notebooks draw legends only through plotting.legend."""
    root = Path(__file__).resolve().parents[1]
    direct = re.compile(r"(?<!plotting)\.legend\(")  # ax.legend(...), fig.legend(...)
    sources = {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for path in (root / "src" / "workbench").rglob("*.py")
        if path.name != "plotting.py"
    }
    for path in sorted((root / "notebooks").rglob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        sources[str(path.relative_to(root))] = "\n".join(code)
    offenders = [
        f"{name}: {line.strip()}"
        for name, text in sources.items()
        for line in text.splitlines()
        if direct.search(line)
    ]
    assert offenders == []
