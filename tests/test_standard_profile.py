"""The `profile` standard analysis, run for real on the file kinds officials have."""

import json
import re
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from workbench import samples
from workbench.runner import run_analysis

sys.path.insert(0, str(Path(__file__).resolve().parent / "ethics"))
from name_corpus import NAME_COLUMNS, lookalike_columns, name_columns

pytestmark = pytest.mark.kernel


def kernel_stderr(run_dir) -> str:
    nb = nbformat.read(run_dir / "notebook.ipynb", as_version=4)
    return "".join(
        o.get("text", "")
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )


@pytest.mark.parametrize(
    ("file_name", "encoding"),
    [
        ("가구.csv", "cp949"),
        ("가구_bom.csv", "utf-8-sig"),
        ("가구.xlsx", "utf-8"),
        ("가구.parquet", "utf-8"),
    ],
)
def test_profile_report_has_korean_title_tables_and_charts(tmp_path, file_name, encoding):
    # 2,000 households: enough that common Korean names repeat.
    data = samples.write("households", tmp_path / file_name, encoding=encoding, n=2000)
    result = run_analysis("profile", {"data_path": str(data)}, out=tmp_path / "run")

    html = result.report.read_text(encoding="utf-8")
    assert "<title>자료 품질 및 기술통계 진단</title>" in html
    assert "<h1" in html and "자료 품질 및 기술통계 진단" in html
    assert "열별 요약" in html and "<table" in html
    charts = re.findall(r'<img[^>]+src="data:image/png;base64,', html)
    assert len(charts) == 2  # the grid of column charts and the correlation view
    assert html.index("먼저 살펴볼 점") < html.index("자료 개요")  # alerts come first
    assert "wb.read_table" not in html  # no code in the report
    assert html.count('alt="분석 결과 그래프"') == len(charts)

    columns = pd.read_csv(
        result.run_dir / "results" / "columns.csv", encoding="utf-8-sig", dtype=str
    )
    assert list(columns["열"])[:3] == ["가구ID", "법정동코드", "시도"]
    kinds = dict(zip(columns["열"], columns["유형"], strict=True))
    assert kinds["나이"] == "숫자"
    assert kinds["법정동코드"] != "숫자"
    assert kinds["성명"] == "식별자"
    overview = pd.read_csv(result.run_dir / "results" / "overview.csv", encoding="utf-8-sig")
    assert 2000 in overview["값"].astype(float).astype(int).tolist()  # 행 수
    top = pd.read_csv(result.run_dir / "results" / "top_values.csv", encoding="utf-8-sig")
    assert "성명" not in set(top["열"])  # names are never listed value by value
    alerts = pd.read_csv(result.run_dir / "results" / "alerts.csv", encoding="utf-8-sig")
    assert "성명" in set(alerts.loc[alerts["경고"] == "개인정보로 보이는 열", "열"])

    stderr = kernel_stderr(result.run_dir)
    assert "Glyph" not in stderr and "missing from" not in stderr, stderr


def test_profile_default_runs_on_bundled_sample_and_records_it(tmp_path):
    result = run_analysis("profile", out=tmp_path / "run")
    manifest = json.loads((result.run_dir / "manifest.json").read_text(encoding="utf-8"))
    (record,) = manifest["inputs"]
    assert record["path"] == "sample://households"
    assert len(record["sha256"]) == 64
    assert {r["path"] for r in manifest["results"]} == {
        "results/alerts.csv",
        "results/overview.csv",
        "results/columns.csv",
        "results/top_values.csv",
    }


def test_household_income_publishes_regions_and_coefficients(households_csv, tmp_path):
    result = run_analysis(
        "household_income", {"data_path": str(households_csv)}, out=tmp_path / "run"
    )
    regions = pd.read_csv(result.run_dir / "results" / "regions.csv", encoding="utf-8-sig")
    assert regions["가구 수"].min() >= 10 or "기타" in set(regions["지역"])
    coefficients = pd.read_csv(
        result.run_dir / "results" / "coefficients.csv", encoding="utf-8-sig"
    )
    age = coefficients.set_index("항목").loc["나이", "계수"]
    assert age > 0  # the sample's income rises with age before the peak
    assert "가구 소득 분석" in result.report.read_text(encoding="utf-8")


def test_household_income_names_missing_columns_before_running(tmp_path):
    from workbench.exceptions import ParameterError

    data = tmp_path / "bad.csv"
    data.write_text("지역,값\n서울,1\n", encoding="utf-8")
    with pytest.raises(ParameterError) as raised:
        run_analysis("household_income", {"data_path": str(data)}, out=tmp_path / "run")
    assert raised.value.kind == "missing_columns"
    assert raised.value.expected == ["나이", "가구원수", "월소득", "주거형태"]
    assert "bad.csv" in str(raised.value)
    assert not (tmp_path / "run").exists()


def _released_text(run_dir: Path) -> str:
    """Every file of a run folder as text (JSON decoded, so no name hides as \\uXXXX)."""
    texts = []
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        raw = path.read_bytes().decode("utf-8-sig", errors="replace")
        if path.suffix in (".json", ".ipynb"):
            raw = json.dumps(json.loads(raw), ensure_ascii=False)
        texts.append(raw)
    return "\n".join(texts)


def test_profile_releases_no_name_from_columns_without_a_name_header(tmp_path):
    # Every corpus name column of up to 3,000 rows (ten headers, 5 to 3,000 names,
    # national and regional surname shares) and the public-name look-alikes, in one CSV.
    names = {h: v for h, v in name_columns().items() if len(v) <= 3000}
    looks = lookalike_columns(sizes=(12, 400))
    columns = {**names, **looks}
    rows = max(map(len, columns.values()))
    table = pd.DataFrame({h: pd.Series(v + [None] * (rows - len(v))) for h, v in columns.items()})
    data = tmp_path / "명단.csv"
    table.to_csv(data, index=False, encoding="utf-8-sig")
    assert len(names) >= 10

    result = run_analysis("profile", {"data_path": str(data)}, out=tmp_path / "run")

    # Released: nothing personal was shown, and the look-alikes raise no finding.
    assert result.manifest.status == "succeeded"
    assert [f for f in result.manifest.findings if f["rule"].startswith("pii.")] == []
    summary = pd.read_csv(result.run_dir / "results" / "columns.csv", encoding="utf-8-sig")
    kinds = dict(zip(summary["열"], summary["유형"], strict=True))
    assert {h: kinds[h] for h in names} == {h: "식별자" for h in names}
    top = pd.read_csv(result.run_dir / "results" / "top_values.csv", encoding="utf-8-sig")
    assert not set(top["열"]) & set(names)
    assert set(top["열"]) & set(looks)  # public names are still described value by value
    released = _released_text(result.run_dir)
    leaked = sorted({v for h in names for v in names[h] if v in released})
    assert leaked == []
    assert len(NAME_COLUMNS) >= 10


def _pictures(run_dir: Path) -> list[str]:
    nb = nbformat.read(run_dir / "notebook.ipynb", as_version=4)
    return [o["data"]["image/png"] for c in nb.cells for o in c.get("outputs", [])
            if "image/png" in o.get("data", {})]  # fmt: skip


def test_profile_twice_gives_byte_identical_results_and_charts(tmp_path):
    # The statistics come from DuckDB on one thread: sums add in the same order each run.
    data = samples.write("households", tmp_path / "가구.csv", encoding="cp949", n=3000)
    first = run_analysis("profile", {"data_path": str(data)}, out=tmp_path / "first")
    second = run_analysis("profile", {"data_path": str(data)}, out=tmp_path / "second")
    files = sorted(p.name for p in (first.run_dir / "results").iterdir())
    assert files == ["alerts.csv", "columns.csv", "overview.csv", "top_values.csv"]
    for name in files:
        a = (first.run_dir / "results" / name).read_bytes()
        assert a == (second.run_dir / "results" / name).read_bytes(), name
    assert len(_pictures(first.run_dir)) == 2
    assert _pictures(first.run_dir) == _pictures(second.run_dir)
