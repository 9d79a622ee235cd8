import io
import json
import os
import shutil
import subprocess
import sys
import warnings

import matplotlib
import pytest

matplotlib.use("Agg")

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
after = {k: repr(v) for k, v in matplotlib.rcParams.items()}
changed = sorted(k for k in before if before[k] != after[k])
workbench.plotting.use_korean_font()
print(json.dumps({"changed": changed, "koreanize": "koreanize_matplotlib" in sys.modules}))
"""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"changed": [], "koreanize": False}


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
