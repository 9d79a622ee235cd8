"""SQL datasets through the catalog, against a real PostgreSQL server (see conftest)."""

import hashlib
import traceback
from urllib.parse import quote

import pandas as pd
import pytest
import sqlalchemy as sa
import yaml

from korean_check import assert_korean
from workbench.catalog import open_catalog
from workbench.catalog._credentials import connection_url, redact, url_secrets
from workbench.catalog._model import Connection
from workbench.exceptions import CatalogError, DataReadError

INJECTION = "x'; DROP TABLE t; --"
TABLE = "주민현황"
ROWS = pd.DataFrame(
    {
        "이름": ["홍길동", "김영희", "이철수", "박민수", "최지우", "정하늘"],
        "시도": [
            "서울특별시",
            "서울특별시",
            "부산광역시",
            "부산광역시",
            "강원특별자치도",
            "서울특별시",
        ],
        "나이": [34, 71, 45, 68, 29, 80],
        "월소득": [320, 150, 280, None, 210, 95],
        "메모": ["", "독거", "", "", INJECTION, "독거"],
    }
)


def password_forms(url: str) -> list[str]:
    """The password of ``url`` as decoded and as written in the URL."""
    password = sa.engine.make_url(url).password
    assert password
    return [password, quote(password, safe="")]


def with_password(url: str, password: str) -> str:
    return sa.engine.make_url(url).set(password=password).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def database(postgres):
    """The shared table, created once per module; tests that change data use their own."""
    engine = sa.create_engine(postgres)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP TABLE IF EXISTS "{TABLE}"'))
        conn.execute(
            sa.text(
                f'CREATE TABLE "{TABLE}" ("이름" text, "시도" text, "나이" integer, '
                '"월소득" integer, "메모" text)'
            )
        )
    ROWS.to_sql(TABLE, engine, if_exists="append", index=False)
    engine.dispose()
    return postgres


def row_count(url: str, table: str = TABLE) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one())
    finally:
        engine.dispose()


def make_project(tmp_path, monkeypatch, url, *, env=True, local_url=None, tables=()):
    """A project folder whose catalog.yml holds a connection and two SQL datasets."""
    monkeypatch.delenv("WORKBENCH_CATALOG_PATH", raising=False)
    if env:
        monkeypatch.setenv("TEST_PG_URL", url)
    else:
        monkeypatch.delenv("TEST_PG_URL", raising=False)
    common = {"owner": "행정안전부", "format": "sql", "connection": "agency_db"}
    catalog = {
        "connections": {"agency_db": {"url_env": "TEST_PG_URL", "description": "기관 DB"}},
        "datasets": {
            "people": {
                **common,
                "title": "주민 현황",
                "source": TABLE,
                "table": TABLE,
                "sensitivity": "public",
            },
            "elders": {
                **common,
                "title": "65세 이상 주민",
                "source": "query",
                "query": f'SELECT "이름", "시도", "나이" FROM "{TABLE}" WHERE "나이" >= 65;',
                "sensitivity": "public",
            },
            "missing": {**common, "title": "없는 표", "source": "없음", "table": "없는표"},
            **{t: {**common, "title": t, "source": t, "table": t} for t in tables},
        },
    }
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump(catalog, allow_unicode=True), "utf-8")
    if local_url is not None:
        local = {"connections": {"agency_db": {"url": local_url}}}
        (tmp_path / "catalog.local.yml").write_text(yaml.safe_dump(local), "utf-8")
    return open_catalog(project=tmp_path)


def by_name(frame):
    return frame.sort_values("이름", ignore_index=True)


def assert_no_password(text, url):
    for form in password_forms(url):
        assert form not in text


# --- loading -------------------------------------------------------------------------------


def test_table_loads_with_korean_names_and_text(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database)

    frame = catalog.load("people")

    assert list(frame.columns) == list(ROWS.columns)
    expected = by_name(ROWS)
    pd.testing.assert_frame_equal(by_name(frame), expected, check_dtype=False)
    assert pd.api.types.is_integer_dtype(frame["나이"])
    assert frame.attrs["source"] == f"sql:agency_db/{TABLE}"


def test_columns_are_selected_in_the_order_asked(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database)

    frame = catalog.load("people", columns=["나이", "이름"])

    assert list(frame.columns) == ["나이", "이름"]
    assert sorted(frame["이름"]) == sorted(ROWS["이름"])


def test_unknown_column_names_the_column_and_the_known_ones(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database)

    with pytest.raises(DataReadError) as info:
        catalog.load("people", columns=['나이"; DROP TABLE "주민현황"; --'])

    error = info.value
    assert (error.kind, error.dataset, error.column) == (
        "column",
        "people",
        '나이"; DROP TABLE "주민현황"; --',
    )
    assert "'시도'" in str(error)
    assert_korean(str(error), error.column, "'이름', '시도', '나이', '월소득', '메모'")
    assert row_count(database) == len(ROWS)


def test_a_filter_value_with_sql_in_it_is_data(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database)

    none = catalog.load("people", where={"시도": INJECTION})
    one = catalog.load("people", where={"메모": INJECTION})

    assert none.empty
    assert list(none.columns) == list(ROWS.columns)
    assert one["이름"].tolist() == ["최지우"]
    assert row_count(database) == len(ROWS)  # the table is still there, whole


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"나이": (">=", 65)}, ROWS["나이"] >= 65),
        ({"시도": ["부산광역시", "강원특별자치도"]}, ROWS["시도"] != "서울특별시"),
        ([("나이", "between", (30, 70))], ROWS["나이"].between(30, 70)),
        ({"월소득": None}, ROWS["월소득"].isna()),
        ([("시도", "not in", ["서울특별시"]), ("월소득", "is not null", None)],
         (ROWS["시도"] != "서울특별시") & ROWS["월소득"].notna()),
        ({"시도": "서울특별시", "메모": ("!=", "")},
         (ROWS["시도"] == "서울특별시") & (ROWS["메모"] != "")),
    ],
)  # fmt: skip
def test_filters_select_the_same_rows_as_pandas(tmp_path, monkeypatch, database, where, expected):
    catalog = make_project(tmp_path, monkeypatch, database)

    frame = catalog.load("people", where=where)

    assert sorted(frame["이름"]) == sorted(ROWS.loc[expected, "이름"])


def test_numpy_filter_values_are_bound(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database)

    frame = catalog.load("people", where={"나이": ROWS["나이"].max()})

    assert frame["이름"].tolist() == ["정하늘"]


# --- aggregating ---------------------------------------------------------------------------


def test_aggregate_runs_in_the_database_and_matches_pandas(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database)
    aggs = {"나이": ["count", "mean", "min", "max", "std"], "월소득": ["sum", "median", "nunique"]}

    frame = catalog.aggregate("people", ["시도"], aggs)

    grouped = ROWS.groupby("시도").agg(aggs)
    grouped.columns = [f"{column}_{function}" for column, function in grouped.columns]
    expected = grouped.reset_index()
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert frame["시도"].tolist() == sorted(ROWS["시도"].unique())
    assert pd.api.types.is_float_dtype(frame["나이_mean"])
    assert pd.api.types.is_integer_dtype(frame["월소득_sum"])


def test_aggregate_with_a_filter_and_without_groups(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database)

    by_city = catalog.aggregate("people", ["시도"], {"나이": "max"}, where={"메모": "독거"})
    total = catalog.aggregate("people", [], {"이름": "count"}, where={"시도": INJECTION})

    assert by_city.to_dict("list") == {"시도": ["서울특별시"], "나이_max": [80]}
    assert total.to_dict("list") == {"이름_count": [0]}


# --- query datasets ------------------------------------------------------------------------


def test_a_query_dataset_loads_filters_and_aggregates(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database)

    everyone = catalog.load("elders")
    some = catalog.load("elders", columns=["이름"], where={"시도": "서울특별시"})
    counts = catalog.aggregate("elders", ["시도"], {"이름": "count"})

    assert sorted(everyone["이름"]) == ["김영희", "박민수", "정하늘"]
    assert list(everyone.columns) == ["이름", "시도", "나이"]
    assert sorted(some["이름"]) == ["김영희", "정하늘"]
    assert counts.to_dict("list") == {"시도": ["부산광역시", "서울특별시"], "이름_count": [1, 2]}
    assert catalog.load("elders", where={"이름": INJECTION}).empty


# --- exists and fingerprint ----------------------------------------------------------------


def test_exists_answers_for_tables_queries_and_refused_credentials(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database)
    assert catalog.exists("people")
    assert catalog.exists("elders")
    assert not catalog.exists("missing")

    monkeypatch.setenv("TEST_PG_URL", with_password(database, "wrong"))
    assert not catalog.exists("people")


def test_a_missing_table_is_an_error_naming_it(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database)

    with pytest.raises(DataReadError) as info:
        catalog.load("missing", validate=False)

    assert (info.value.kind, info.value.dataset) == ("table", "missing")
    assert "표 '없는표'를 찾을 수 없습니다" in str(info.value)
    assert_korean(str(info.value))


def test_a_filter_on_a_column_the_table_lacks_names_it(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database)

    with pytest.raises(DataReadError) as info:
        catalog.load("people", where={"나이": (">=", 65), "지역": "서울특별시"})

    assert (info.value.kind, info.value.column) == ("column", "지역")
    assert_korean(str(info.value), "'이름', '시도', '나이', '월소득', '메모'")


def test_a_query_with_a_syntax_error_in_catalog_yml_names_the_dataset(
    tmp_path, monkeypatch, database
):
    catalog = make_project(tmp_path, monkeypatch, database)
    path = tmp_path / "catalog.yml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["datasets"]["elders"]["query"] = f'SELEC "이름" FROM "{TABLE}"'
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    catalog = open_catalog(project=tmp_path)

    with pytest.raises(DataReadError) as info:
        catalog.load("elders")

    error = info.value
    assert (error.kind, error.dataset) == ("driver", "elders")
    said, _, driver = str(error).partition("데이터베이스의 오류 메시지:")
    assert "ProgrammingError: syntax error" in driver
    assert "자료의 'table:'이나 'query:'" in said
    assert said.startswith("자료 'elders'(catalog.yml의 query: 'SELEC \"이름\" FROM")
    assert_korean(said)


def test_fingerprint_depends_on_content_not_on_storage_order(tmp_path, monkeypatch, database):
    engine = sa.create_engine(database)
    with engine.begin() as conn:
        for name, order in (("fp_a", ROWS.index), ("fp_b", ROWS.index[::-1])):
            conn.execute(sa.text(f'DROP TABLE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE TABLE "{name}" ("이름" text, "나이" integer)'))
            for i in order:
                conn.execute(
                    sa.text(f'INSERT INTO "{name}" VALUES (:n, :a)'),
                    {"n": ROWS.at[i, "이름"], "a": int(ROWS.at[i, "나이"])},
                )
    catalog = make_project(tmp_path, monkeypatch, database, tables=["fp_a", "fp_b"])
    first = catalog.fingerprint("fp_a")
    reversed_order = catalog.fingerprint("fp_b")

    rows = sorted(zip(ROWS["이름"], ROWS["나이"], strict=True))
    text = "이름,나이\n" + "".join(f"{name},{age}\n" for name, age in rows)
    assert first == reversed_order == hashlib.sha256(text.encode("utf-8")).hexdigest()

    with engine.begin() as conn:
        conn.execute(sa.text('UPDATE "fp_b" SET "나이" = "나이" + 1 WHERE "이름" = \'홍길동\''))
    engine.dispose()
    assert catalog.fingerprint("fp_b") != first


# --- credentials ---------------------------------------------------------------------------


def test_an_unset_variable_says_what_to_set_and_shows_no_url(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database, env=False)

    with pytest.raises(CatalogError) as info:
        catalog.load("people")

    message = str(info.value)
    assert "연결 'agency_db'의 URL이 필요합니다: 환경변수 TEST_PG_URL에 두거나" in message
    assert "catalog.local.yml의 connections: agency_db: url: 에 적으세요" in message
    assert database not in message
    assert_no_password(message, database)


def test_the_url_in_catalog_local_yml_is_used(tmp_path, monkeypatch, database):
    catalog = make_project(tmp_path, monkeypatch, database, env=False, local_url=database)

    assert len(catalog.load("people")) == len(ROWS)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda url: with_password(url, "Wrong@Pass/word:1"), "password authentication failed"),
        (lambda url: sa.engine.make_url(url).set(database="없는db").render_as_string(False),
         'database "없는db" does not exist'),
        (lambda url: url + "?sslmode=" + quote(sa.engine.make_url(url).password, safe=""),
         "invalid sslmode value"),
    ],
    ids=["wrong password", "wrong database", "driver echoes the password"],
)  # fmt: skip
def test_connection_failures_never_show_the_password(tmp_path, monkeypatch, database, change, said):
    url = change(database)
    catalog = make_project(tmp_path, monkeypatch, url)

    with pytest.raises(DataReadError) as info:
        catalog.load("people", where={"시도": "서울특별시"})

    error = info.value
    message = str(error)
    assert message.startswith("자료 'people'(표 '주민현황'): 연결 'agency_db' (")
    assert (error.kind, error.dataset) == ("driver", "people")
    korean, _, driver = message.partition("데이터베이스의 오류 메시지:")
    assert said in driver
    assert_korean(korean)
    assert "workbench:***@127.0.0.1" in message  # the URL, with the password hidden
    shown = "".join(traceback.format_exception(error))
    assert error.__cause__ is None and error.__context__ is None
    assert_no_password(shown, url)
    assert_no_password(shown, database)


def test_an_unknown_connection_names_the_known_ones_and_the_fix(tmp_path):
    connections = {"agency_db": Connection(url_env="AGENCY_DB_URL")}

    with pytest.raises(CatalogError) as info:
        connection_url("welfare", connections, tmp_path)

    message = str(info.value)
    assert "연결 'welfare'가 정의되어 있지 않습니다 (있는 연결: 'agency_db')" in message
    assert "'welfare: {url_env: WELFARE_URL}'" in message
    assert str(tmp_path / "catalog.local.yml") in message


def test_a_connection_without_url_env_or_url_asks_for_one(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENCY_DB_URL", "")

    with pytest.raises(CatalogError, match="환경변수 AGENCY_DB_URL이 비어 있습니다"):
        connection_url("agency_db", {"agency_db": Connection(url_env="AGENCY_DB_URL")}, tmp_path)
    with pytest.raises(
        CatalogError, match=r"catalog\.yml에 'url_env'가 없습니다\. url_env: AGENCY_DB_URL 항목"
    ):
        connection_url("agency_db", {"agency_db": Connection()}, tmp_path)


def test_redact_scrubs_every_form_of_the_password():
    url = "postgresql+psycopg://app:p%40ss%2Fw0rd@db.example:5432/x"
    text = f"tried {url}; server said: bad password 'p@ss/w0rd' (p%40ss%2Fw0rd)"

    scrubbed = redact(text, url_secrets(url))

    assert scrubbed == "tried ***; server said: bad password '***' (***)"
