"""A page session: uploads, data sources, and runs through the runner and its gate."""

import io
import zipfile

import ipywidgets as widgets
import pandas as pd
import pytest

from korean_check import assert_korean
from workbench.app import AppSession
from workbench.exceptions import DataReadError
from workbench.samples import households

RRNS = ["900101-1234567", "850505-2345678", "770707-1456789", "010203-3456789"]


def resident_table() -> pd.DataFrame:
    """Visits by four people: each resident number repeats, so it is not 'an identifier'."""
    return pd.DataFrame(
        {
            "주민등록번호": [RRNS[i % 4] for i in range(24)],
            "민원유형": ["도로", "복지", "환경"] * 8,
            "처리일수": list(range(24)),
        }
    )


@pytest.fixture
def project(tmp_path, monkeypatch):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "workbench.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


def test_uploads_keep_their_own_name_inside_the_session(project):
    session = AppSession(project)
    first = session.save_upload("../../etc/민원 목록.csv", b"a,b\n1,2\n")
    second = session.save_upload("민원 목록.csv", b"a,b\n3,4\n")
    assert first == session.folder / "uploads" / "민원 목록.csv"
    assert second.name == "민원 목록-2.csv" and first.read_bytes() == b"a,b\n1,2\n"
    assert session.folder.is_relative_to(project / "runs" / "app")
    assert [s.value for s in session.sources()[:2]] == [str(second), str(first)]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [("run.exe", b"MZ", "읽을 수 있는 파일이 아닙니다"), ("빈.csv", b"", "빈.csv는 빈 파일입니다")],
)
def test_unreadable_uploads_are_refused(project, name, content, says):
    with pytest.raises(DataReadError) as info:
        AppSession(project).save_upload(name, content)
    assert info.value.path == name
    assert says in str(info.value)
    assert_korean(str(info.value), name)
    assert not (project / "uploads").exists() or not any((project / "uploads").iterdir())


def test_personal_catalog_data_is_offered_only_with_a_purpose(project):
    values = {s.value for s in AppSession(project).catalog_sources()}
    assert "catalog:population" in values and "catalog:households" not in values
    (project / "ethics.yml").write_text(
        "datasets:\n  households:\n    purpose: 가구 소득 분석\n    legal_basis: 통계법 제18조\n",
        encoding="utf-8",
    )
    values = {s.value for s in AppSession(project).catalog_sources()}
    assert "catalog:households" in values


def test_missing_columns_are_refused_before_any_kernel(project, kernel_starts):
    session = AppSession(project)
    path = session.save_upload("표.csv", "가,나\n1,2\n".encode())
    outcome = session.run("household_income", {"data_path": str(path)})
    assert outcome.notice is not None and not kernel_starts
    assert outcome.notice.title == "자료에 이 분석에 필요한 열이 없습니다."
    assert "나이" in outcome.notice.lines[0]


def test_an_unexpected_error_is_logged_not_shown(project, monkeypatch):
    import workbench.runner

    def explode(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(workbench.runner, "run_analysis", explode)
    session = AppSession(project)
    outcome = session.run("profile", {})
    assert outcome.notice is not None and "internal detail" not in outcome.notice.text()
    log = (session.folder / "app.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "internal detail" in log


@pytest.mark.kernel
def test_resident_numbers_are_profiled_as_identifiers_without_the_numbers(project):
    # Four people visit six times each: the column repeats, but its values are resident
    # numbers, so profile lists none of them and the gate has nothing to hold.
    session = AppSession(project)
    buffer = io.BytesIO()
    resident_table().to_csv(buffer, index=False, encoding="cp949")
    path = session.save_upload("방문.csv", buffer.getvalue())
    events = []
    outcome = session.run("profile", {"data_path": str(path)}, progress=lambda *e: events.append(e))
    assert events[0][0] == "kernel" and events[-1][0] == "cell"
    assert outcome.ok, outcome.notice and outcome.notice.text()
    assert "주민등록번호" in outcome.report_html and "식별자" in outcome.report_html
    # The page prints the report to PDF by default and offers it for download.
    assert outcome.report_pdf.startswith(b"%PDF")
    assert (outcome.run_dir / "report.pdf").read_bytes() == outcome.report_pdf
    released = outcome.report_html.encode() + outcome.results_zip
    run_files = b"".join(p.read_bytes() for p in outcome.run_dir.rglob("*") if p.is_file())
    for number in RRNS:
        for part in (number[:6], number[7:]):
            assert part.encode() not in released and part.encode() not in run_files, part


def test_a_regression_on_too_few_rows_is_refused_in_korean(project):
    session = AppSession(project)
    buffer = io.BytesIO()
    households(12, seed=1).to_csv(buffer, index=False, encoding="cp949")
    path = session.save_upload("가구.csv", buffer.getvalue())
    outcome = session.run("regression", {"data_path": str(path)})
    assert outcome.notice is not None and outcome.notice.level == "blocked"
    text = outcome.notice.text()
    assert "결과 표 'coefficients'" in text and "관측 수가 너무 적은 회귀분석" in text
    assert "설명 변수를 줄이세요" in text and "작은 칸을 합치도록" not in text
    assert not outcome.report_html and not outcome.results_zip
    assert not (session.folder / "regression-01" / "report.html").exists()


def test_an_upload_over_the_limit_is_refused_in_korean(project, monkeypatch):
    from workbench.app import describe_error
    from workbench.exceptions import UploadTooLargeError

    monkeypatch.setenv("WORKBENCH_APP_MAX_UPLOAD_MB", "1")
    session = AppSession(project)
    with pytest.raises(UploadTooLargeError) as info:
        session.save_upload("큰 표.csv", b"a,b\n" + b"1,2\n" * 300_000)
    assert not (session.folder / "uploads").exists() or not any(
        (session.folder / "uploads").iterdir()
    )
    text = describe_error(info.value).text()
    assert "큰 표.csv" in text and "1 MB까지" in text and "--max-upload-mb" in text
    assert session.save_upload("작은 표.csv", b"a,b\n1,2\n").exists()


def test_a_secret_typed_into_the_page_reaches_the_run_and_no_file(project, fixture_notebook):
    from workbench.app import ParameterForm
    from workbench.runner import find_analysis

    secret = "sk-page-7f3a9c2e1b"
    path = fixture_notebook("uses_secret")
    form = ParameterForm(find_analysis(path), [])
    assert isinstance(form.secret_fields["api_key"], widgets.Password)
    form.secret_fields["api_key"].value = secret
    form.fields["leak"].value = True  # the notebook prints, publishes and logs it
    values = form.values()
    assert "api_key" not in values and form.secrets() == {"api_key": secret}
    session = AppSession(project)
    outcome = session.run(str(path), values, secrets=form.secrets())
    assert outcome.ok, outcome.notice and outcome.notice.text()
    assert "••••" in outcome.report_html
    written = b"".join(p.read_bytes() for p in session.folder.rglob("*") if p.is_file())
    archive = zipfile.ZipFile(io.BytesIO(outcome.results_zip))
    assert archive.namelist()
    zipped = b"".join(archive.read(name) for name in archive.namelist())
    for blob in (written, outcome.report_html.encode(), zipped):
        assert secret.encode() not in blob
