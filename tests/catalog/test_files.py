import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

from korean_check import assert_korean
from workbench import samples
from workbench.catalog import _transcode
from workbench.catalog._catalog import open_catalog
from workbench.catalog._readers import read_table
from workbench.catalog._sources import fingerprint as source_fingerprint
from workbench.exceptions import CatalogError, DataReadError, ParameterError

SAMPLE = "sample://households?n=60&seed=1"


@pytest.fixture(scope="module")
def table():
    frame = samples.households(n=60, seed=1)
    assert frame["월소득"].isna().any()  # filters and aggregates meet missing values
    return frame


def open_project(root: Path, datasets: dict):
    """Write catalog.yml with public datasets and open it."""
    spec = {
        name: {"title": name, "owner": "테스트기관", "sensitivity": "public", **fields}
        for name, fields in datasets.items()
    }
    text = yaml.safe_dump({"datasets": spec}, allow_unicode=True)
    (root / "catalog.yml").write_text(text, encoding="utf-8")
    return open_catalog(root / "catalog.yml", project=root)


def cache_files(root: Path) -> list[Path]:
    cache = root / ".workbench" / "cache"
    return sorted(p for p in cache.rglob("*") if p.is_file()) if cache.exists() else []


def write_duckdb(frame, path):
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("CREATE TABLE t AS SELECT * FROM frame")


WRITERS = {
    "cp949.csv": lambda f, p: f.to_csv(p, index=False, encoding="cp949"),
    "bom.csv": lambda f, p: f.to_csv(p, index=False, encoding="utf-8-sig"),
    "tabs.tsv": lambda f, p: f.to_csv(p, index=False, sep="\t"),
    "table.parquet": lambda f, p: f.to_parquet(p, index=False),
    "records.json": lambda f, p: f.to_json(p, orient="records", force_ascii=False),
    "book.xlsx": lambda f, p: f.to_excel(p, index=False),
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_file_loads_equal_to_read_table(tmp_path, table, name):
    path = tmp_path / name
    WRITERS[name](table, path)
    catalog = open_project(tmp_path, {"data": {"source": name}})

    loaded = catalog.load("data")

    pd.testing.assert_frame_equal(loaded, read_table(path))
    pd.testing.assert_frame_equal(loaded, table)
    assert list(loaded.columns[:3]) == ["가구ID", "법정동코드", "시도"]
    assert loaded["법정동코드"].str.fullmatch(r"\d{10}").all()
    assert "서울특별시" in set(loaded["시도"])
    assert loaded.attrs["source"] == str(path)


def test_encoding_is_detected_and_recorded(tmp_path, table):
    WRITERS["cp949.csv"](table, tmp_path / "a.csv")
    WRITERS["bom.csv"](table, tmp_path / "b.csv")
    catalog = open_project(tmp_path, {"a": {"source": "a.csv"}, "b": {"source": "b.csv"}})
    assert catalog.load("a").attrs["encoding"] == "cp949"
    assert catalog.load("b").attrs["encoding"] == "utf-8-sig"


def test_a_glob_of_files_loads_as_one_table(tmp_path, table):
    (tmp_path / "data").mkdir()
    table.iloc[:25].to_csv(tmp_path / "data" / "2023.csv", index=False, encoding="cp949")
    table.iloc[25:].to_csv(tmp_path / "data" / "2024.csv", index=False)
    catalog = open_project(tmp_path, {"years": {"source": "data/*.csv", "format": "csv"}})

    pd.testing.assert_frame_equal(catalog.load("years"), table)
    counts = catalog.aggregate("years", ["주거형태"], {"가구ID": "count"})
    assert counts["가구ID_count"].sum() == len(table)


def test_a_duckdb_database_and_a_sample_load(tmp_path, table):
    write_duckdb(table, tmp_path / "project.duckdb")
    catalog = open_project(
        tmp_path,
        {
            "db": {"source": "project.duckdb", "table": "t"},
            "seoul": {"source": "project.duckdb", "query": "SELECT * FROM t WHERE 나이 >= 40"},
            "sample": {"source": SAMPLE},
        },
    )
    pd.testing.assert_frame_equal(catalog.load("db"), table)
    assert (catalog.load("seoul")["나이"] >= 40).all()
    pd.testing.assert_frame_equal(catalog.load("sample"), read_table(SAMPLE))


def test_identifier_columns_stay_text(tmp_path):
    (tmp_path / "codes.csv").write_text(
        "법정동코드,우편번호,가구원수,구분\n1111010100,03154,2,01\n4113510900,13529,3,02\n",
        encoding="utf-8",
    )
    catalog = open_project(tmp_path, {"codes": {"source": "codes.csv"}})

    loaded = catalog.load("codes")

    assert loaded["법정동코드"].tolist() == ["1111010100", "4113510900"]
    assert loaded["우편번호"].tolist() == ["03154", "13529"]
    assert loaded["구분"].tolist() == ["01", "02"]  # leading zeros: text, though not named so
    assert loaded["가구원수"].tolist() == [2, 3]
    pd.testing.assert_frame_equal(loaded, read_table(tmp_path / "codes.csv"))


def test_numbers_in_identifier_columns_of_typed_files_become_text(tmp_path):
    records = [{"법정동코드": 1111010100, "인구": 100}, {"법정동코드": 2611010100, "인구": 200}]
    pd.DataFrame(records).to_json(tmp_path / "pop.json", orient="records")
    pd.DataFrame(records).to_parquet(tmp_path / "pop.parquet")
    catalog = open_project(
        tmp_path, {"json": {"source": "pop.json"}, "parquet": {"source": "pop.parquet"}}
    )
    for name in ("json", "parquet"):
        loaded = catalog.load(name)
        assert loaded["법정동코드"].tolist() == ["1111010100", "2611010100"]
        assert loaded["인구"].tolist() == [100, 200]
        pd.testing.assert_frame_equal(loaded, read_table(tmp_path / f"pop.{name}"))


def test_declared_types_decide_the_columns(tmp_path, table):
    WRITERS["cp949.csv"](table, tmp_path / "h.csv")
    columns = {"나이": {"type": "float"}, "조사일": {"type": "date"}, "가구원수": {"type": "str"}}
    catalog = open_project(tmp_path, {"h": {"source": "h.csv", "columns": columns}})

    loaded = catalog.load("h")  # and the declared schema validates

    assert loaded["나이"].dtype == np.float64
    assert pd.api.types.is_datetime64_any_dtype(loaded["조사일"])
    assert pd.api.types.is_string_dtype(loaded["가구원수"])


def test_a_value_of_the_wrong_type_names_the_column_and_writes_nothing(tmp_path):
    (tmp_path / "ages.csv").write_text("이름,나이\n가,31\n나,서른\n", encoding="cp949")
    catalog = open_project(
        tmp_path, {"ages": {"source": "ages.csv", "columns": {"나이": {"type": "int"}}}}
    )
    with pytest.raises(DataReadError) as error:
        catalog.load("ages")
    message = str(error.value)
    assert "'ages'" in message and "ages.csv" in message
    assert (error.value.dataset, error.value.column, error.value.line) == ("ages", "나이", 3)
    assert "'서른'" in message
    assert_korean(message, str(tmp_path / "ages.csv"))
    assert not [p for p in cache_files(tmp_path) if p.suffix == ".arrow"]


def test_a_declared_number_column_kept_as_text_reads_separators_and_names_the_real_misfit(
    tmp_path,
):
    # The reader keeps 금액 as text because of '미상'; the declared int must still read
    # '1,200' as 1200 and refuse only '미상', on its own line.
    (tmp_path / "fees.csv").write_text(
        '단지,금액\n가,"1,200"\n나,-\n다,"3,400"\n라,미상\n', encoding="cp949"
    )
    entry = {"fees": {"source": "fees.csv", "columns": {"금액": {"type": "int"}}}}
    with pytest.raises(DataReadError) as error:
        open_project(tmp_path, entry).load("fees")
    assert (error.value.column, error.value.line) == ("금액", 5)
    assert "'미상'" in str(error.value) and "1,200" not in str(error.value)

    (tmp_path / "fees.csv").write_text(
        '단지,금액\n가,"1,200"\n나,-\n다,"3,400"\n', encoding="cp949"
    )
    loaded = open_project(tmp_path, entry).load("fees")
    assert loaded["금액"].tolist()[::2] == [1200, 3400] and loaded["금액"].isna().sum() == 1


def test_a_value_past_the_first_rows_keeps_the_column_text_and_says_why(tmp_path):
    # Issue 13: the catalog reads with read_table, which types a column by every value
    # (DuckDB sniffed the first 20,480 rows and then failed on line 30002).
    lines = ["구분,값"] + [f"가,{i}" for i in range(30_000)] + ["나,없음"]
    (tmp_path / "late.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    catalog = open_project(tmp_path, {"late": {"source": "late.csv"}})
    loaded = catalog.load("late")
    assert loaded["값"].iloc[-1] == "없음"
    assert "30002행의 값 '없음'" in loaded.attrs["read_report"]["kept_text"]["값"]

    declared = open_project(
        tmp_path, {"late": {"source": "late.csv", "columns": {"값": {"type": "int"}}}}
    )
    with pytest.raises(DataReadError) as error:
        declared.load("late")
    message = str(error.value)
    assert (error.value.line, error.value.column, error.value.kind) == (30002, "값", "type")
    assert "'없음'" in message and "형식을 바꾸세요" in message
    assert_korean(message, str(tmp_path / "late.csv"))


def test_a_two_row_csv_header_is_flattened(tmp_path):
    (tmp_path / "pop.csv").write_text(
        "지역,2024,\n,인구,가구\n종로구,139417,72190\n", encoding="utf-8"
    )
    catalog = open_project(tmp_path, {"pop": {"source": "pop.csv", "header_rows": 2}})
    loaded = catalog.load("pop")
    assert list(loaded.columns) == ["지역", "2024_인구", "2024_가구"]
    assert loaded.iloc[0].tolist() == ["종로구", 139417, 72190]


# --- columns and filters ----------------------------------------------------------------------


@pytest.fixture
def cp949_catalog(tmp_path, table):
    WRITERS["cp949.csv"](table, tmp_path / "가구.csv")
    write_duckdb(table, tmp_path / "project.duckdb")
    return open_project(
        tmp_path,
        {
            "households": {"source": "가구.csv"},
            "db": {"source": "project.duckdb", "table": "t"},
            "sample": {"source": SAMPLE},
        },
    )


@pytest.mark.parametrize("name", ["households", "db", "sample"])
def test_columns_are_selected_in_the_order_asked(cp949_catalog, table, name):
    loaded = cp949_catalog.load(name, columns=["시도", "가구ID"])
    pd.testing.assert_frame_equal(loaded, table[["시도", "가구ID"]])


WHERE = {
    "equals": ({"시도": "서울특별시"}, lambda t: t["시도"] == "서울특별시"),
    "in": ({"주거형태": ["전세", "월세"]}, lambda t: t["주거형태"].isin(["전세", "월세"])),
    ">=": ({"나이": (">=", 65)}, lambda t: t["나이"] >= 65),
    "between": ({"월소득": ("between", (200, 400))}, lambda t: t["월소득"].between(200, 400)),
    "is null": ({"월소득": None}, lambda t: t["월소득"].isna()),
    "two at once": (
        [("나이", "<", 50), ("기초생활수급", "==", False)],
        lambda t: (t["나이"] < 50) & ~t["기초생활수급"],
    ),
}


@pytest.mark.parametrize("name", ["households", "db", "sample"])
@pytest.mark.parametrize("case", list(WHERE))
def test_where_filters_rows_like_pandas(cp949_catalog, table, name, case):
    where, mask = WHERE[case]
    expected = table[mask(table)].reset_index(drop=True)
    assert 0 < len(expected) < len(table)

    loaded = cp949_catalog.load(name, where=where)

    pd.testing.assert_frame_equal(loaded, expected)


@pytest.mark.parametrize("name", ["households", "db"])
def test_a_filter_value_is_data_not_sql(cp949_catalog, table, name):
    attack = "x'; DROP TABLE t; --"

    assert cp949_catalog.load(name, where={"시도": attack}).empty
    assert cp949_catalog.load(name, where={"시도": [attack, "서울특별시"]})["시도"].nunique() == 1
    assert len(cp949_catalog.load(name)) == len(table)  # the table is intact


def test_an_unknown_column_names_the_dataset_and_the_column(cp949_catalog):
    for call in (
        lambda: cp949_catalog.load("households", columns=["시도", "소득"]),
        lambda: cp949_catalog.load("households", where={"소득": 1}),
        lambda: cp949_catalog.aggregate("households", ["시군"], {"나이": "mean"}),
    ):
        with pytest.raises(CatalogError) as error:
            call()
        assert "'households'" in str(error.value)
        assert "'소득'" in str(error.value) or "'시군'" in str(error.value)


# --- aggregation ------------------------------------------------------------------------------

FUNCTIONS = ["count", "sum", "mean", "min", "max", "median", "std", "nunique"]


def expected_aggregate(frame, by, values):
    grouped = frame.groupby(by, sort=True, dropna=False)
    parts = {
        f"{column}_{function}": grouped[column].agg(function)
        for column, functions in values.items()
        for function in functions
    }
    return pd.DataFrame(parts).reset_index()


@pytest.mark.parametrize("name", ["households", "db", "sample"])
def test_aggregate_equals_pandas(cp949_catalog, table, name):
    values = {"월소득": FUNCTIONS, "나이": FUNCTIONS}

    result = cp949_catalog.aggregate(name, ["시도", "주거형태"], values)

    expected = expected_aggregate(table, ["시도", "주거형태"], values)
    pd.testing.assert_frame_equal(result, expected, check_dtype=False)
    assert result["나이_sum"].dtype == np.int64
    assert result["나이_count"].dtype == np.int64


def test_a_sum_of_text_is_refused_with_the_column_named(cp949_catalog):
    with pytest.raises(ParameterError) as info:
        cp949_catalog.aggregate("households", ["주거형태"], {"시도": "sum"})
    assert (info.value.parameter, info.value.got, info.value.kind) == (
        "values",
        "sum",
        "aggregate_type",
    )
    assert "자료 'households'의 열 '시도'" in str(info.value)
    assert_korean(str(info.value))


def test_aggregate_with_a_filter(cp949_catalog, table):
    result = cp949_catalog.aggregate(
        "households", ["시도"], {"월소득": ["mean", "count"]}, where={"나이": (">=", 40)}
    )
    expected = expected_aggregate(
        table[table["나이"] >= 40], ["시도"], {"월소득": ["mean", "count"]}
    )
    pd.testing.assert_frame_equal(result, expected, check_dtype=False)


# --- the transcoding cache --------------------------------------------------------------------


def test_a_cp949_file_is_transcoded_once(tmp_path, table):
    WRITERS["cp949.csv"](table, tmp_path / "가구.csv")
    catalog = open_project(tmp_path, {"households": {"source": "가구.csv"}})

    catalog.aggregate("households", ["시도"], {"나이": "mean"})  # transcodes, builds no table
    texts = [p for p in cache_files(tmp_path) if p.suffix == ".utf8"]
    assert len(texts) == 1
    assert not [p for p in cache_files(tmp_path) if p.suffix == ".arrow"]
    before = texts[0].stat()

    first = catalog.load("households")  # parses the transcoded text into the table cache
    (table_file,) = [p for p in cache_files(tmp_path) if p.suffix == ".arrow"]
    built = table_file.stat()
    again = open_project(tmp_path, {"households": {"source": "가구.csv"}}).load("households")
    catalog.aggregate("households", ["시도"], {"나이": "mean"})

    after = texts[0].stat()  # neither rewritten (a rewrite renames a new file into place)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert (table_file.stat().st_ino, table_file.stat().st_mtime_ns) == (
        built.st_ino,
        built.st_mtime_ns,
    )
    assert [p for p in cache_files(tmp_path) if p.suffix in (".utf8", ".arrow")] == sorted(
        [texts[0], table_file]
    )
    sha = hashlib.sha256((tmp_path / "가구.csv").read_bytes()).hexdigest()
    assert texts[0].name.startswith(sha) and table_file.name.startswith(sha)
    pd.testing.assert_frame_equal(again, first)


def test_a_changed_file_is_read_again(tmp_path, table):
    path = tmp_path / "가구.csv"
    WRITERS["cp949.csv"](table, path)
    catalog = open_project(tmp_path, {"households": {"source": "가구.csv"}})
    assert len(catalog.load("households")) == len(table)

    WRITERS["cp949.csv"](table.iloc[:10], path)

    assert len(catalog.load("households")) == 10


def test_an_undecodable_file_names_the_offset_and_writes_no_cache(tmp_path, table):
    data = table.to_csv(index=False).encode("cp949")
    offset = data.index(b"\n", 500) + 5
    (tmp_path / "bad.csv").write_bytes(data[:offset] + b"\xff" + data[offset:])
    catalog = open_project(tmp_path, {"bad": {"source": "bad.csv"}})

    for call in (
        lambda: catalog.load("bad"),
        lambda: catalog.aggregate("bad", ["시도"], {"나이": "mean"}),
    ):
        with pytest.raises(DataReadError) as error:
            call()
        message = str(error.value)
        assert "bad.csv" in message and f"{offset}번째 바이트" in message
        assert error.value.kind == "encoding"
        assert "cp949" in message and "utf-8" in message
        assert_korean(message, str(tmp_path / "bad.csv"))
        assert cache_files(tmp_path) == []


def test_a_file_that_turns_out_not_utf8_is_read_as_cp949(tmp_path):
    # The first megabyte is plain ASCII, so it looks like UTF-8 until DuckDB meets Korean.
    lines = ["id,name"] + [f"{i},row{i}" for i in range(120_000)] + ["120000,종로구"]
    (tmp_path / "late.csv").write_bytes("\n".join(lines).encode("cp949") + b"\n")
    catalog = open_project(tmp_path, {"late": {"source": "late.csv"}})

    loaded = catalog.load("late")

    assert loaded["name"].iloc[-1] == "종로구"
    assert loaded.attrs["encoding"] == "cp949"


@pytest.mark.parametrize("engine", ["iconv", "python"])
def test_parallel_transcoding_equals_python_decoding(tmp_path, table, engine):
    source = tmp_path / "big.csv"
    text = pd.concat([table] * 20).to_csv(index=False)
    source.write_bytes(text.encode("cp949"))

    sha, used = _transcode.transcode(
        source, tmp_path / "out.csv", "cp949", chunk_bytes=4096, workers=2, engine=engine
    )

    assert used == engine
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == text
    assert sha == hashlib.sha256(source.read_bytes()).hexdigest()


@pytest.mark.parametrize("engine", ["iconv", "python"])
def test_parallel_transcoding_reports_the_first_bad_byte(tmp_path, table, engine):
    data = pd.concat([table] * 20).to_csv(index=False).encode("cp949")
    offset = data.index(b"\n", 30_000) + 3
    (tmp_path / "bad.csv").write_bytes(data[:offset] + b"\x80" + data[offset:])

    with pytest.raises(_transcode.UndecodableError) as error:
        _transcode.transcode(
            tmp_path / "bad.csv", tmp_path / "out.csv", "cp949", chunk_bytes=4096, engine=engine
        )

    assert error.value.offset == offset
    assert list(tmp_path.iterdir()) == [tmp_path / "bad.csv"]  # no output, no temporary file


# --- exists and fingerprint ----------------------------------------------------------------


def test_exists_and_fingerprint(tmp_path, table):
    WRITERS["cp949.csv"](table, tmp_path / "a.csv")
    (tmp_path / "data").mkdir()
    table.iloc[:30].to_csv(tmp_path / "data" / "1.csv", index=False)
    table.iloc[30:].to_csv(tmp_path / "data" / "2.csv", index=False)
    catalog = open_project(
        tmp_path,
        {
            "file": {"source": "a.csv"},
            "files": {"source": "data/*.csv", "format": "csv"},
            "nothing": {"source": "missing/*.csv", "format": "csv"},
            "gone": {"source": "gone.csv"},
            "sample": {"source": SAMPLE},
        },
    )
    assert catalog.exists("file") and catalog.exists("files") and catalog.exists("sample")
    assert not catalog.exists("nothing") and not catalog.exists("gone")

    assert (
        catalog.fingerprint("file") == hashlib.sha256((tmp_path / "a.csv").read_bytes()).hexdigest()
    )
    lines = "".join(
        f"{name}\t{hashlib.sha256((tmp_path / 'data' / name).read_bytes()).hexdigest()}\n"
        for name in ["1.csv", "2.csv"]
    )
    assert catalog.fingerprint("files") == hashlib.sha256(lines.encode()).hexdigest()
    assert catalog.fingerprint("sample") == source_fingerprint(SAMPLE)


def test_a_missing_file_names_the_dataset_and_the_path(tmp_path):
    catalog = open_project(
        tmp_path,
        {
            "gone": {"source": "gone.csv"},
            "none": {"source": "data/*.csv", "format": "csv"},
            "db": {"source": "gone.duckdb", "table": "t"},
        },
    )
    for name, path in [("gone", "gone.csv"), ("none", "data/*.csv"), ("db", "gone.duckdb")]:
        with pytest.raises(DataReadError) as error:
            catalog.load(name)
        assert f"'{name}'" in str(error.value) and str(tmp_path / path) in str(error.value)
        assert (error.value.dataset, error.value.kind) == (name, "missing")
        assert_korean(str(error.value), str(tmp_path / path))
        with pytest.raises(DataReadError):
            catalog.fingerprint(name)
    assert cache_files(tmp_path) == []
