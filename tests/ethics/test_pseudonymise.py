"""Pseudonymisation: keyed tokens, key handling, masks, generalisation and dropping."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from korean_check import assert_korean
from workbench.ethics import pseudonymise
from workbench.ethics._pseudonymise import (
    GENERALISATIONS,
    KEY_ENV,
    MASK_KINDS,
    PseudonymKeyError,
    mask_values,
)
from workbench.exceptions import ParameterError, WorkbenchError

KEY = "0123456789abcdef-test-key-for-agency-a"
OTHER_KEY = "fedcba9876543210-test-key-for-agency-b"


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def people() -> pd.DataFrame:
    rng = np.random.default_rng(42)
    rows = 50
    births = rng.integers(0, 10**6, rows)
    tails = rng.integers(10**6, 5 * 10**6, rows)
    return pd.DataFrame(
        {
            "주민번호": [f"{b:06d}-{t:07d}" for b, t in zip(births, tails, strict=True)],
            "나이": rng.integers(0, 100, rows),
            "소득": rng.integers(0, 10**7, rows),
        }
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (it holds ethics.yml) that is the current folder."""
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "ethics.yml").write_text("purpose: test\n", encoding="utf-8")
    monkeypatch.chdir(root / "notebooks")
    return root


def test_tokens_are_hmac_sha256_of_the_normalised_value(people: pd.DataFrame) -> None:
    out = pseudonymise(people, tokens=["주민번호"], key=KEY)
    first = people.loc[0, "주민번호"].replace("-", "")
    expected = hmac.new(KEY.encode(), first.encode(), hashlib.sha256).hexdigest()
    assert out.loc[0, "주민번호"] == expected
    assert out["주민번호"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert out["주민번호"].nunique() == people["주민번호"].nunique()
    pd.testing.assert_frame_equal(out.drop(columns="주민번호"), people.drop(columns="주민번호"))


def test_same_key_same_token_so_agencies_can_join(people: pd.DataFrame) -> None:
    agency_a = pseudonymise(people, tokens=["주민번호"], key=KEY)
    # Agency B writes the same numbers without hyphens and in another order.
    shuffled = people.sample(frac=1, random_state=1)
    shuffled = shuffled.assign(주민번호=shuffled["주민번호"].str.replace("-", ""))
    agency_b = pseudonymise(shuffled, tokens=["주민번호"], key=KEY)
    joined = agency_a.merge(agency_b, on="주민번호", suffixes=("_a", "_b"))
    assert len(joined) == len(people)
    assert (joined["소득_a"] == joined["소득_b"]).all()


def test_different_keys_give_different_tokens(people: pd.DataFrame) -> None:
    a = pseudonymise(people, tokens=["주민번호"], key=KEY)["주민번호"]
    b = pseudonymise(people, tokens=["주민번호"], key=OTHER_KEY)["주민번호"]
    assert not set(a) & set(b)


def test_token_without_normalisation_keeps_hyphens_distinct() -> None:
    df = pd.DataFrame({"id": ["900101-1234567", "9001011234567"]})
    out = pseudonymise(df, tokens=["id"], key=KEY, normalise=False)
    assert out.loc[0, "id"] != out.loc[1, "id"]


def test_missing_values_stay_missing_and_input_is_unchanged() -> None:
    df = pd.DataFrame({"id": ["900101-1234567", None, "900101-1234567"]})
    before = df.copy()
    out = pseudonymise(df, tokens=["id"], key=KEY)
    assert out["id"].isna().tolist() == [False, True, False]
    assert out.loc[0, "id"] == out.loc[2, "id"]
    pd.testing.assert_frame_equal(df, before)


def test_key_from_the_environment(people: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY + "\n")
    from_env = pseudonymise(people, tokens=["주민번호"])
    assert from_env.equals(pseudonymise(people, tokens=["주민번호"], key=KEY))
    monkeypatch.setenv("AGENCY_KEY", OTHER_KEY)
    other = pseudonymise(people, tokens=["주민번호"], key_env="AGENCY_KEY")
    assert other.equals(pseudonymise(people, tokens=["주민번호"], key=OTHER_KEY))


def test_key_file_outside_the_project(people: pd.DataFrame, project: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "secrets" / "pseudonym.key"
    key_file.parent.mkdir()
    key_file.write_text(KEY + "\n", encoding="utf-8")
    out = pseudonymise(people, tokens=["주민번호"], key_file=key_file)
    assert out.equals(pseudonymise(people, tokens=["주민번호"], key=KEY))


def test_key_file_inside_the_project_is_refused(people: pd.DataFrame, project: Path) -> None:
    key_file = project / "keys" / "pseudonym.key"
    key_file.parent.mkdir()
    key_file.write_text(KEY, encoding="utf-8")
    with pytest.raises(PseudonymKeyError) as info:
        pseudonymise(people, tokens=["주민번호"], key_file="../keys/pseudonym.key")
    assert (info.value.parameter, info.value.kind) == ("key_file", "key_in_project")
    assert info.value.got == str(key_file.resolve())
    assert isinstance(info.value, ParameterError | WorkbenchError)
    assert "프로젝트 밖" in str(info.value)
    assert_korean(str(info.value), str(key_file.resolve()), str(project.resolve()))


def test_no_key_is_refused_with_instructions(people: pd.DataFrame) -> None:
    with pytest.raises(PseudonymKeyError) as info:
        pseudonymise(people, tokens=["주민번호"])
    message = str(info.value)
    assert (info.value.parameter, info.value.kind) == ("key", "key_missing")
    assert KEY_ENV in message
    assert "secrets.token_hex(32)" in message
    assert "key_file=" in message
    assert_korean(message)


def test_short_and_unreadable_keys_are_refused(people: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(PseudonymKeyError) as short:
        pseudonymise(people, tokens=["주민번호"], key="short")
    assert (short.value.kind, short.value.got, short.value.expected) == ("key_short", 5, 16)
    assert "키(key 인자)가 5바이트입니다" in str(short.value)
    assert "16바이트 이상" in str(short.value)
    assert_korean(str(short.value))
    absent = tmp_path / "absent.key"
    with pytest.raises(PseudonymKeyError) as unreadable:
        pseudonymise(people, tokens=["주민번호"], key_file=absent)
    assert (unreadable.value.parameter, unreadable.value.kind) == ("key_file", "key_unreadable")
    assert unreadable.value.got == str(absent)
    assert f"{absent}를 읽을 수 없습니다 (파일이 없습니다)" in str(unreadable.value)
    assert_korean(str(unreadable.value), str(absent))


def test_masks_and_generalisation_need_no_key(people: pd.DataFrame) -> None:
    out = pseudonymise(people, masks={"주민번호": "resident_id"}, generalise={"나이": "age_band"})
    assert out["주민번호"].str.fullmatch(r"\d{6}-\d\*{6}").all()


MASK_CASES = [
    ("resident_id", "900101-1234567", "900101-1******"),
    ("resident_id", "9001011234567", "900101-1******"),
    ("foreigner_id", "900101-5234567", "900101-5******"),
    ("phone", "010-1234-5678", "010-****-5678"),
    ("phone", "02-123-4567", "02-****-4567"),
    ("phone", "01012345678", "010****5678"),
    ("phone", "+82-10-1234-5678", "+82-10-****-5678"),
    ("person_name", "김민수", "김*수"),
    ("person_name", "남궁민수", "남**수"),
    ("person_name", "이수", "이*"),
    ("person_name", "김", "*"),
    ("email", "hong.gildong@example.com", "h***@example.com"),
    ("card_number", "1234-5678-9012-3456", "1234-****-****-3456"),
    ("card_number", "1234567890123456", "1234********3456"),
    ("full", "110-123-456789", "***-***-******"),
    # A value that does not look like its kind is masked whole.
    ("resident_id", "90-01-01 123", "**-**-** ***"),
    ("phone", "call me", "**** **"),
    ("full", "Ｔ０１２ 한글ㅎ 漢字", "**** *** **"),
]


@pytest.mark.parametrize(("kind", "value", "masked"), MASK_CASES)
def test_masks_by_kind(kind: str, value: str, masked: str) -> None:
    assert mask_values(pd.Series([value]), kind).tolist() == [masked]


def test_masks_keep_missing_values_and_apply_per_column() -> None:
    df = pd.DataFrame({"성명": ["김민수", None], "휴대전화": ["010-1234-5678", None]})
    out = pseudonymise(df, masks={"성명": "person_name", "휴대전화": "phone"})
    assert out["성명"].tolist()[0] == "김*수" and pd.isna(out["성명"].tolist()[1])
    assert out["휴대전화"].tolist()[0] == "010-****-5678" and pd.isna(out["휴대전화"][1])


def test_generalise_age_bands() -> None:
    ages = pd.DataFrame({"나이": [0, 9, 10, 37, 95, None]})
    ten = pseudonymise(ages, generalise={"나이": ("age_band", 10)})["나이"]
    assert ten.tolist()[:5] == ["0-9", "0-9", "10-19", "30-39", "90-99"]
    assert pd.isna(ten.tolist()[5])
    five_top = pseudonymise(ages, generalise={"나이": ("age_band", 5, 85)})["나이"]
    assert five_top.tolist()[:5] == ["0-4", "5-9", "10-14", "35-39", "85+"]
    assert pseudonymise(ages, generalise={"나이": "age_band"})["나이"][3] == "30-39"


def test_generalise_legal_dong_codes() -> None:
    df = pd.DataFrame(
        {"법정동코드": ["1111010100", "4113510900"], "정수": [1111010100, 4113510900]}
    )
    out = pseudonymise(df, generalise={"법정동코드": "sigungu", "정수": "sido"})
    assert out["법정동코드"].tolist() == ["1111000000", "4113500000"]
    assert out["정수"].tolist() == [1100000000, 4100000000]
    assert out["정수"].dtype == df["정수"].dtype


def test_generalise_dates() -> None:
    df = pd.DataFrame({"방문일": ["2024-03-15", "2023-12-01"], "출생": ["1990-01-31", None]})
    out = pseudonymise(df, generalise={"방문일": "month", "출생": "year"})
    assert out["방문일"].tolist() == ["2024-03", "2023-12"]
    assert out["출생"].tolist()[0] == "1990" and pd.isna(out["출생"].tolist()[1])


def test_generalise_refuses_values_it_cannot_read() -> None:
    cases = [
        ({"c": ["1111010100", "11110"]}, {"c": "sigungu"}, ("values", "법정동코드", 1)),
        ({"d": ["2024-03-15", "어제"]}, {"d": "month"}, ("values", "날짜", 1)),
        ({"a": [3]}, {"a": ("age_band", 0)}, ("range", ">= 1", 0)),
        ({"a": [3]}, {"a": "week"}, ("choice", list(GENERALISATIONS), "week")),
    ]
    for data, generalise, (kind, expected, got) in cases:
        with pytest.raises(ParameterError) as info:
            pseudonymise(pd.DataFrame(data), generalise=generalise)
        error = info.value
        assert (error.parameter, error.kind, error.expected, error.got) == (
            "generalise",
            kind,
            expected,
            got,
        )
        column = next(iter(data))
        assert f"열 '{column}'" in str(error)
        assert_korean(str(error))


def test_drop_removes_columns_and_keeps_order(people: pd.DataFrame) -> None:
    out = pseudonymise(people, drop=["주민번호"], generalise={"나이": ("age_band", 10)})
    assert list(out.columns) == ["나이", "소득"]


def test_bad_column_names_and_kinds_are_refused(people: pd.DataFrame) -> None:
    with pytest.raises(ParameterError) as missing:
        pseudonymise(people, masks={"성명": "person_name"})
    assert (missing.value.parameter, missing.value.kind) == ("columns", "missing_columns")
    assert missing.value.expected == ["성명"]
    assert missing.value.suggestions == ["주민번호", "나이", "소득"]
    assert "표에 없는 열: '성명'" in str(missing.value)
    assert_korean(str(missing.value))
    with pytest.raises(ParameterError) as twice:
        pseudonymise(people, tokens=["주민번호"], drop=["주민번호"], key=KEY)
    assert (twice.value.kind, twice.value.got) == ("twice", ["주민번호"])
    assert "열 '주민번호'가 여러 처리" in str(twice.value)
    assert_korean(str(twice.value))
    with pytest.raises(ParameterError) as mask:
        pseudonymise(people, masks={"주민번호": "iban"})
    assert (mask.value.parameter, mask.value.got) == ("masks", "iban")
    assert mask.value.expected == list(MASK_KINDS)
    assert_korean(str(mask.value))
