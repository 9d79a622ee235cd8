"""Rich HTML views of an analysis and of a run (what a notebook shows)."""

from __future__ import annotations

import pytest

from workbench.exceptions import ReleaseBlockedError
from workbench.runner import RunResult, find_analysis, read_manifest, run_analysis
from workbench.runner._views import analysis_html, run_html


def test_an_analysis_shows_its_title_level_and_documented_parameters():
    profile = find_analysis("profile")
    html = profile._repr_html_()
    assert html == analysis_html(profile)
    assert profile.title in html and "수준 자동" in html
    for parameter in profile.parameters:
        assert f"<code>{parameter.name}</code>" in html
    assert "상위 값" in html  # the parameter's comment: its meaning and unit
    assert "workbench run profile" in html


def test_an_analysis_view_escapes_what_a_notebook_author_wrote(fixture_notebook):
    analysis = find_analysis(fixture_notebook("ok"))
    meta = analysis.meta.model_copy(update={"title": "<script>alert(1)</script>"})
    html = analysis_html(type(analysis)(analysis.path, meta, analysis.parameters, "", {}))
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.kernel
def test_a_run_shows_status_parameters_results_and_report(fixture_notebook, tmp_path):
    result = run_analysis(fixture_notebook("ok"), {"rows": 2}, out=tmp_path / "run")
    html = result._repr_html_()  # what JupyterLab shows for a run
    assert "성공" in html
    assert "<code>rows</code>" in html and '<td style="text-align:left">2</td>' in html
    assert "results/table.csv" in html
    assert result.report.as_uri() in html


@pytest.mark.kernel
def test_a_blocked_run_shows_its_findings_but_never_the_identifier(fixture_notebook, tmp_path):
    run_dir = tmp_path / "run"
    with pytest.raises(ReleaseBlockedError):
        run_analysis(fixture_notebook("prints_resident_number"), out=run_dir)
    manifest = read_manifest(run_dir)
    result = RunResult(run_dir, manifest, run_dir / "report.html", run_dir / "notebook.ipynb")
    html = run_html(result)
    assert "공개 보류" in html and "resident_id" in html
    assert manifest.findings[0]["id"] in html
    assert "900101" not in html and "보고서:" not in html
