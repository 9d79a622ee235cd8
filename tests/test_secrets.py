"""A database password never reaches a run directory, whether the run succeeds or fails.

The notebook names the dataset; the connection's URL (with its password) is only in an
environment variable, resolved inside the kernel when the dataset loads. Papermill writes
parameters into the executed notebook and tracebacks into its outputs, so both paths are
checked file by file.
"""

import json
import secrets
from urllib.parse import quote

import nbformat
import pytest
import sqlalchemy as sa
import yaml
from nbformat.v4 import new_code_cell, new_notebook

from workbench.exceptions import RunFailedError
from workbench.runner import run_analysis

pytestmark = pytest.mark.kernel

TABLE = "secret_test_people"
PEOPLE = {"기관": ["종로구청", "해운대구청"], "시도": ["서울특별시", "부산광역시"]}


@pytest.fixture
def project(tmp_path, monkeypatch, postgres):
    """A project folder with the notebook and a catalog; the URL only in the environment."""
    engine = sa.create_engine(postgres)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP TABLE IF EXISTS "{TABLE}"'))
        conn.execute(sa.text(f'CREATE TABLE "{TABLE}" ("기관" text, "시도" text)'))
        conn.execute(
            sa.text(f'INSERT INTO "{TABLE}" VALUES (:기관, :시도)'),
            [dict(zip(PEOPLE, row, strict=True)) for row in zip(*PEOPLE.values(), strict=True)],
        )
    engine.dispose()

    folder = tmp_path / "project"
    folder.mkdir()
    catalog = {
        "connections": {"agency_db": {"url_env": "AGENCY_DB_URL"}},
        "datasets": {
            "people": {
                "title": "주민",
                "owner": "행정안전부",
                "source": TABLE,
                "format": "sql",
                "connection": "agency_db",
                "table": TABLE,
                "sensitivity": "public",
            }
        },
    }
    (folder / "catalog.yml").write_text(yaml.safe_dump(catalog, allow_unicode=True), "utf-8")
    parameters = new_code_cell('dataset = "people"  # the catalog dataset to load')
    parameters.metadata["tags"] = ["parameters"]
    cells = [
        parameters,
        new_code_cell(
            'import workbench as wb\n\ndf = wb.catalog().load(dataset)\nwb.publish(df, "people")'
        ),
    ]
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(
        new_notebook(cells=cells, metadata={"kernelspec": kernelspec}), folder / "people.ipynb"
    )
    monkeypatch.delenv("WORKBENCH_CATALOG_PATH", raising=False)
    monkeypatch.chdir(folder)
    return folder


def password_forms(url):
    password = sa.engine.make_url(url).password
    assert password
    return {password, quote(password, safe="")}


def files_holding(run_dir, secrets):
    """Every file under ``run_dir`` whose bytes contain one of ``secrets``."""
    found = []
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path.name}: {s!r}" for s in secrets if s.encode("utf-8") in data]
    return found


def test_a_successful_run_keeps_the_data_and_not_the_password(project, monkeypatch, postgres):
    monkeypatch.setenv("AGENCY_DB_URL", postgres)

    result = run_analysis(project / "people.ipynb", out=project / "run")

    run_dir = result.run_dir
    names = {p.name for p in run_dir.rglob("*") if p.is_file()}
    assert {"notebook.ipynb", "manifest.json", "report.html", "kernel.log", "people.csv"} <= names
    assert files_holding(run_dir, password_forms(postgres)) == []
    published = (run_dir / "results" / "people.csv").read_text("utf-8-sig")
    assert "종로구청" in published and "부산광역시" in published
    assert "종로구청" in (run_dir / "report.html").read_text("utf-8")


def wrong_password(url):
    wrong = f"Wr0ng@Pass/word:{secrets.token_hex(4)}"
    return sa.engine.make_url(url).set(password=wrong).render_as_string(hide_password=False)


def password_echoed(url):
    """A URL whose option carries the password, which the driver repeats in its error."""
    return f"{url}?sslmode={quote(sa.engine.make_url(url).password, safe='')}"


@pytest.mark.parametrize(
    ("broken", "said"),
    [(wrong_password, "password authentication failed"), (password_echoed, "invalid sslmode")],
    ids=["wrong password", "driver echoes the password"],
)
def test_a_failed_run_shows_the_error_but_not_the_password(
    project, monkeypatch, postgres, broken, said
):
    url = broken(postgres)
    monkeypatch.setenv("AGENCY_DB_URL", url)

    with pytest.raises(RunFailedError) as info:
        run_analysis(project / "people.ipynb", out=project / "run")

    run_dir = project / "run"
    executed = (run_dir / "notebook.ipynb").read_text("utf-8")
    assert said in executed  # the traceback is there...
    outputs = [o for cell in json.loads(executed)["cells"] for o in cell.get("outputs", [])]
    said_in_korean = f"자료 'people'(표 '{TABLE}'): 연결 'agency_db'"
    assert any(said_in_korean in output.get("evalue", "") for output in outputs)
    passwords = password_forms(url) | password_forms(postgres)
    assert files_holding(run_dir, passwords) == []  # ...without the password
    assert said in (run_dir / "manifest.json").read_text("utf-8")
    assert not any(p in str(info.value) for p in passwords)
