import json

import numpy as np
import pandas as pd
import pytest
from charset_normalizer import from_bytes

from korean_check import assert_korean
from workbench import samples
from workbench.catalog import fingerprint, is_sample_uri, read_table
from workbench.exceptions import DataReadError, ParameterError


@pytest.fixture(scope="module")
def table():
    frame = samples.households(n=60, seed=1)
    assert frame["월소득"].isna().any()  # the round trips below include missing values
    return frame


def write_csv(frame, path, **options):
    frame.to_csv(path, index=False, **options)
    return path


WRITERS = {
    "utf-8.csv": lambda f, p: write_csv(f, p, encoding="utf-8"),
    "utf-8-bom.csv": lambda f, p: write_csv(f, p, encoding="utf-8-sig"),
    "cp949.csv": lambda f, p: write_csv(f, p, encoding="cp949"),
    "crlf.csv": lambda f, p: write_csv(f, p, lineterminator="\r\n"),
    "tabs.tsv": lambda f, p: write_csv(f, p, sep="\t"),
    "pipes.txt": lambda f, p: write_csv(f, p, sep="|"),
    "semicolons.csv": lambda f, p: write_csv(f, p, sep=";", encoding="cp949"),
    "book.xlsx": lambda f, p: f.to_excel(p, index=False),
    "table.parquet": lambda f, p: f.to_parquet(p, index=False),
    "records.json": lambda f, p: f.to_json(p, orient="records", force_ascii=False),
    "lines.jsonl": lambda f, p: f.to_json(p, orient="records", lines=True, force_ascii=False),
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_format_reads_back_equal(tmp_path, table, name):
    path = tmp_path / name
    WRITERS[name](table, path)

    result = read_table(path)

    pd.testing.assert_frame_equal(result, table)
    assert result.columns[0] == "가구ID"  # no byte-order mark glued to the name
    assert pd.api.types.is_string_dtype(result["법정동코드"])
    assert result["법정동코드"].str.fullmatch(r"\d{10}").all()
    assert result.attrs["source"] == str(path)


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("utf-8.csv", "utf-8"), ("utf-8-bom.csv", "utf-8-sig"), ("cp949.csv", "cp949")],
)
def test_detected_encoding_is_recorded(tmp_path, table, name, encoding):
    path = WRITERS[name](table, tmp_path / name)
    assert read_table(path).attrs["encoding"] == encoding


def test_explicit_encoding_is_used(tmp_path, table):
    path = WRITERS["cp949.csv"](table, tmp_path / "t.csv")
    result = read_table(path, encoding="euc-kr")
    assert result.attrs["encoding"] == "euc-kr"
    assert result["시도"].tolist() == table["시도"].tolist()
    with pytest.raises(DataReadError, match=r"t\.csv를 utf-8로 읽을 수 없습니다: \d+번째 바이트"):
        read_table(path, encoding="utf-8")


def test_identifiers_stay_text_and_other_columns_are_inferred(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(
        "법정동코드,우편,user_id,width,valid,금액,zipCode\n"
        "1111010100,03154,7,10,True,1.5,501\n"
        "2635010500,48058,12,20,False,,502\n",
        encoding="utf-8",
    )
    result = read_table(path)
    assert result["법정동코드"].tolist() == ["1111010100", "2635010500"]
    assert result["우편"].tolist() == ["03154", "48058"]  # leading zero, not by name
    assert result["user_id"].tolist() == ["7", "12"]
    assert result["zipCode"].tolist() == ["501", "502"]
    assert result["width"].dtype == "int64"
    assert result["valid"].dtype == "bool"
    assert result["금액"].dtype == "float64"


def test_identifiers_stored_as_numbers_become_text(tmp_path):
    frame = pd.DataFrame({"법정동코드": [1111010100, 2635010500], "가구ID": [1.0, np.nan]})
    frame.to_parquet(tmp_path / "t.parquet")
    (tmp_path / "t.json").write_text(frame.to_json(orient="records"), encoding="utf-8")
    for name in ["t.parquet", "t.json"]:
        result = read_table(tmp_path / name)
        assert result["법정동코드"].tolist() == ["1111010100", "2635010500"], name
        assert result["가구ID"].iloc[0] == "1", name
        assert pd.isna(result["가구ID"].iloc[1]), name


def test_excel_text_with_leading_zeros_stays_text(tmp_path):
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"우편": ["03154", "48058"], "인원": [3, 4]}).to_excel(path, index=False)
    result = read_table(path)
    assert result["우편"].tolist() == ["03154", "48058"]
    assert result["인원"].dtype == "int64"


def test_excel_sheet_by_name_and_index(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="요약", index=False)
        pd.DataFrame({"b": ["둘"]}).to_excel(writer, sheet_name="상세", index=False)
    assert list(read_table(path).columns) == ["a"]
    assert read_table(path, sheet="상세")["b"].tolist() == ["둘"]
    assert read_table(path, sheet=1).attrs["sheet"] == "상세"


@pytest.mark.parametrize("sheet", ["없는시트", 5])
def test_unknown_excel_sheet_lists_the_sheets(tmp_path, sheet):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="요약", index=False)
        pd.DataFrame({"b": [2]}).to_excel(writer, sheet_name="상세", index=False)
    with pytest.raises(DataReadError) as info:
        read_table(path, sheet=sheet)
    message = str(info.value)
    assert repr(sheet) in message
    assert "'요약'" in message
    assert "'상세'" in message


def test_sheet_for_a_csv_is_rejected(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\n1\n")
    with pytest.raises(ParameterError, match=r"Excel 파일\(\.xlsx, \.xlsm, \.xls\)에만") as info:
        read_table(path, sheet=0)
    assert (info.value.parameter, info.value.got) == ("sheet", 0)


def undecodable_bytes():
    rng = np.random.default_rng(0)
    data = b"a,b\n" + rng.integers(128, 256, 256, dtype=np.uint8).tobytes()
    # The premise of the test: no decoder in the chain accepts these bytes.
    for encoding in ["utf-8", "cp949"]:
        with pytest.raises(UnicodeDecodeError):
            data.decode(encoding)
    assert from_bytes(data).best() is None
    return data


def test_undecodable_file_names_the_file_and_byte_offset(tmp_path):
    path = tmp_path / "garbage.csv"
    data = undecodable_bytes()
    path.write_bytes(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
    with pytest.raises(DataReadError) as info:
        read_table(path)
    message = str(info.value)
    assert str(path) in message
    assert f"{offset}번째 바이트" in message and info.value.kind == "encoding"
    assert "utf-8" in message
    assert "cp949" in message


def test_missing_file_names_the_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataReadError, match=r"없습니다\. 경로와 파일 이름을 확인하세요") as info:
        read_table("nowhere/data.csv")
    assert str(tmp_path / "nowhere" / "data.csv") in str(info.value)
    assert info.value.path == tmp_path / "nowhere" / "data.csv"


def test_unsupported_suffix_lists_the_supported_ones(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DataReadError) as info:
        read_table(path)
    message = str(info.value)
    assert str(path) in message
    assert "'.doc'" in message
    assert "CSV나 Excel" in message  # what to do, in Korean
    assert info.value.kind == "format"
    assert_korean(message, str(path))
    for suffix in [".csv", ".tsv", ".xlsx", ".xls", ".parquet", ".json"]:
        assert suffix in message


def test_a_truncated_xls_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")  # the start of a BIFF file, cut off
    with pytest.raises(DataReadError) as info:
        read_table(path)
    assert str(path) in str(info.value)
    assert "다시 저장" in str(info.value)


def test_ragged_rows_are_wrapped_with_the_line_number(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    with pytest.raises(DataReadError, match=r"ragged\.csv: 3번째 줄에 머리글\(2칸\)보다 칸이"):
        read_table(path)


@pytest.mark.parametrize(
    ("name", "content"),
    [("broken.json", '[{"a": 1}, {"a": '), ("broken.jsonl", '{"a": 1}\n{"a": \n')],
)
def test_broken_json_is_wrapped(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataReadError, match=rf"{name}(을|를) 읽지 못했습니다"):
        read_table(path)


def test_corrupt_parquet_and_excel_are_wrapped(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"not really")
    with pytest.raises(DataReadError, match=r"bad\.parquet를 읽지 못했습니다"):
        read_table(tmp_path / "bad.parquet")
    (tmp_path / "bad.xlsx").write_bytes(b"not really")
    with pytest.raises(DataReadError, match=r"bad\.xlsx: Excel.*손상"):
        read_table(tmp_path / "bad.xlsx")


def test_sample_uri_with_parameters():
    result = read_table("sample://households?n=50&seed=1")
    pd.testing.assert_frame_equal(result, samples.households(n=50, seed=1))
    assert result.attrs["source"] == "sample://households?n=50&seed=1"


def test_sample_uri_errors():
    with pytest.raises(ParameterError, match="비슷한 이름: 'households'"):
        read_table("sample://housholds")
    with pytest.raises(ParameterError) as info:
        read_table("sample://households?n=0")
    assert (info.value.parameter, info.value.got) == ("n", 0)
    with pytest.raises(ParameterError, match="'sample://이름' 뒤에"):
        read_table("sample://")


def test_is_sample_uri(tmp_path):
    assert is_sample_uri("sample://households")
    assert not is_sample_uri("households.csv")
    assert not is_sample_uri(tmp_path / "sample.csv")


def test_fingerprint_of_a_file_follows_its_bytes(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n1,2\n")
    first = fingerprint(path)
    assert len(first) == 64
    assert fingerprint(str(path)) == first
    path.write_bytes(b"a,b\n1,3\n")
    changed = fingerprint(path)
    assert changed != first
    path.write_bytes(b"a,b\n1,2\n")
    assert fingerprint(path) == first


def test_fingerprint_of_a_sample_is_stable():
    uri = "sample://households?n=30&seed=2"
    assert fingerprint(uri) == fingerprint(uri)
    assert fingerprint(uri) != fingerprint("sample://households?n=30&seed=3")


def test_fingerprint_of_a_missing_file(tmp_path):
    with pytest.raises(DataReadError, match=r"missing\.csv가 없습니다") as info:
        fingerprint(tmp_path / "missing.csv")
    assert info.value.path == tmp_path / "missing.csv"


def test_json_must_hold_records(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps([1, 2, 3]), encoding="utf-8")
    with pytest.raises(DataReadError, match="객체들의 배열"):
        read_table(path)


def test_korean_cp949_with_one_damaged_byte_is_reported_not_guessed(tmp_path):
    text = "지역,인구\n" + "".join(f"서울특별시 종로구,{i}\n" for i in range(200))
    data = bytearray(text.encode("cp949"))
    data[200] = 0xFF  # inside a Hangul character: neither UTF-8 nor CP949
    path = tmp_path / "damaged.csv"
    path.write_bytes(bytes(data))
    with pytest.raises(
        DataReadError, match=r"damaged\.csv를 읽을 수 없습니다: 200번째 바이트"
    ) as info:
        read_table(path)
    assert (info.value.path, info.value.kind) == (path, "encoding")
    assert "cp949" in str(info.value)
    assert_korean(str(info.value), str(path))


def test_a_pipe_or_a_device_is_refused_without_reading_it(tmp_path):
    import os

    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)  # reading it would block forever; /dev/zero would never end
    for path in (pipe, "/dev/zero"):
        with pytest.raises(DataReadError, match="일반 파일이 아닙니다"):
            read_table(path)
    with pytest.raises(DataReadError, match="폴더입니다"):
        read_table(tmp_path)
