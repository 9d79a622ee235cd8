import dataclasses
import io
import sys
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from workbench.blocks import COLUMN_TYPES, Profile, column_chart, profile, profile_charts
from workbench.exceptions import ParameterError, WorkbenchError


@pytest.fixture(autouse=True)
def _restore_rcparams():
    # The charts call use_korean_font, which changes matplotlib's global settings.
    with matplotlib.rc_context():
        yield


def _row(frame: pd.DataFrame, column: str) -> dict:
    return frame.set_index("열").loc[column].to_dict()


def _names(n: int) -> list[str]:
    family = ["김", "이", "박", "최", "정"]
    return [f"{family[i % 5]}민{i:02d}" for i in range(n)]


@pytest.fixture
def survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "소득": [10, 20, 30, 40, None],
            "시도": ["서울", "부산", "서울", "부산", "대구"],
            "수급": [True, False, True, True, True],
            "신청일": ["2024-01-05", "2024-01-20", None, "2024-03-01", "2023-12-31"],
        }
    )


# --- tables --------------------------------------------------------------------------------


def test_profile_is_a_frozen_dataclass_of_three_frames(survey):
    result = profile(survey)
    assert isinstance(result, Profile)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.overview = pd.DataFrame()  # type: ignore[misc]
    assert list(result.overview.columns) == ["항목", "값"]
    assert list(result.columns.columns) == [
        "열", "유형", "개인정보", "결측 수", "결측 비율", "고유값 수", "최솟값", "최댓값",
        "평균", "표준편차", "1사분위수", "중앙값", "3사분위수", "왜도",
    ]  # fmt: skip
    assert list(result.top_values.columns) == ["열", "순위", "값", "빈도", "비율"]


def test_overview_counts_rows_duplicates_and_missing_cells():
    df = pd.DataFrame({"a": [1, 1, 1, 2, None, None], "b": ["x", "x", "x", "y", None, None]})
    overview = profile(df).overview.set_index("항목")["값"].to_dict()
    # rows 1 and 2 repeat row 0, row 5 repeats row 4: 3 duplicates of 6 rows
    assert overview == {
        "행 수": 6,
        "열 수": 2,
        "중복 행 수": 3,
        "중복 행 비율": 0.5,
        "결측 셀 비율": 0.333333333333333,  # 15 significant digits
    }


def test_numeric_column_missing_values_and_quartiles(survey):
    row = _row(profile(survey).columns, "소득")
    assert row["유형"] == "숫자"
    assert (row["결측 수"], row["결측 비율"], row["고유값 수"]) == (1, 0.2, 4)
    assert (row["최솟값"], row["최댓값"]) == (10.0, 40.0)
    assert row["평균"] == 25.0
    assert row["표준편차"] == 12.9099444873581  # sample std of 10..40, 15 significant digits
    assert (row["1사분위수"], row["중앙값"], row["3사분위수"]) == (17.5, 25.0, 32.5)


def test_integer_min_and_max_stay_integers():
    row = _row(profile(pd.DataFrame({"인원": [3, 1, 2]})).columns, "인원")
    assert (row["최솟값"], row["최댓값"]) == (1, 3)
    assert isinstance(row["최솟값"], int)


def test_non_numeric_columns_have_no_statistics(survey):
    row = _row(profile(survey).columns, "시도")
    assert row["유형"] == "범주"
    for key in ["최솟값", "최댓값", "평균", "표준편차", "1사분위수", "중앙값", "3사분위수"]:
        assert pd.isna(row[key]), key


def test_columns_keep_the_frame_order_and_types(survey):
    df = survey.assign(
        방문=pd.to_datetime(["2024-02-01", None, "2024-02-03", "2024-05-01", "2024-02-01"]),
        비고=["장기 미수급 상태로 " * 6] * 5,
    )
    columns = profile(df).columns
    assert list(columns["열"]) == list(df.columns)
    assert list(columns["유형"]) == ["숫자", "범주", "참거짓", "날짜", "날짜", "텍스트"]
    assert set(columns["유형"]) <= set(COLUMN_TYPES)


def test_iso_date_strings_are_dates_with_iso_min_and_max(survey):
    row = _row(profile(survey).columns, "신청일")
    assert row["유형"] == "날짜"
    assert (row["최솟값"], row["최댓값"]) == ("2023-12-31", "2024-03-01")
    assert row["결측 수"] == 1


def test_invalid_dates_are_not_dates():
    df = pd.DataFrame({"일자": ["2024-01-05", "2024-13-01"]})
    assert _row(profile(df).columns, "일자")["유형"] == "범주"


def test_datetimes_with_a_time_of_day_keep_it():
    df = pd.DataFrame(
        {"접수": pd.to_datetime(["2024-01-05 09:30", "2024-01-06"], format="ISO8601")}
    )
    row = _row(profile(df).columns, "접수")
    assert (row["최솟값"], row["최댓값"]) == ("2024-01-05T09:30:00", "2024-01-06T00:00:00")


def test_ten_digit_code_strings_stay_categories():
    codes = ["1111010100", "1111010200", "2611010100"] * 10
    result = profile(pd.DataFrame({"법정동코드": codes}))
    row = _row(result.columns, "법정동코드")
    assert row["유형"] == "범주"
    assert pd.isna(row["평균"])
    assert list(result.top_values["값"]) == ["1111010100", "1111010200", "2611010100"]


def test_unique_code_strings_are_identifiers_never_numbers():
    codes = [f"{1111010100 + i * 100}" for i in range(30)]
    assert _row(profile(pd.DataFrame({"코드": codes})).columns, "코드")["유형"] == "식별자"


def test_unique_names_are_identifiers_and_never_listed():
    df = pd.DataFrame({"성명": _names(30), "성별": ["남", "여", "여"] * 10})
    result = profile(df)
    assert _row(result.columns, "성명")["유형"] == "식별자"
    assert _row(result.columns, "성명")["고유값 수"] == 30
    assert set(result.top_values["열"]) == {"성별"}


def test_identifier_needs_twenty_values_and_the_share():
    assert _row(profile(pd.DataFrame({"성명": _names(19)})).columns, "성명")["유형"] == "범주"
    names = _names(12) * 2 + _names(1)  # 12 distinct of 25 = 0.48, under the 0.5 default
    assert _row(profile(pd.DataFrame({"성명": names})).columns, "성명")["유형"] == "범주"
    relaxed = profile(pd.DataFrame({"성명": names}), identifier_share=0.4)
    assert _row(relaxed.columns, "성명")["유형"] == "식별자"
    repeated = _names(20) + _names(5)  # 0.8 distinct: names repeat, still identifiers
    assert _row(profile(pd.DataFrame({"성명": repeated})).columns, "성명")["유형"] == "식별자"


def test_top_values_break_ties_by_value():
    df = pd.DataFrame({"등급": ["b", "a", "c", "b", "a", None, "d", "d"]})
    top = profile(df, top_n=3).top_values
    assert top.to_dict("list") == {
        "열": ["등급"] * 3,
        "순위": [1, 2, 3],
        "값": ["a", "b", "d"],
        "빈도": [2, 2, 2],
        "비율": [0.25, 0.25, 0.25],  # shares of all 8 rows
    }


def test_top_values_for_categories_and_booleans_in_column_order(survey):
    top = profile(survey).top_values
    assert list(top["열"]) == ["시도", "시도", "시도", "수급", "수급"]
    assert list(top["값"]) == ["부산", "서울", "대구", True, False]
    assert list(top["빈도"]) == [2, 2, 1, 4, 1]


def test_text_columns_are_not_listed():
    df = pd.DataFrame(
        {"의견": ["이 제도는 신청 절차가 너무 복잡해서 개선이 필요하다고 생각합니다. " * 2] * 3}
    )
    result = profile(df)
    assert _row(result.columns, "의견")["유형"] == "텍스트"
    assert result.top_values.empty


def test_results_are_rounded_and_csv_is_stable():
    df = pd.DataFrame({"x": [1.0, 2.0, 2.0 / 3.0, -1e-9], "y": ["a", "b", "a", "a"]})
    first, second = profile(df), profile(df.copy())
    csv = first.columns.to_csv(index=False)
    assert csv == second.columns.to_csv(index=False)
    assert first.overview.to_csv(index=False) == second.overview.to_csv(index=False)
    # 15 significant digits: the mean 0.9166666664166666 loses only its last bits.
    assert ",0.916666666416667,0.8333333337," in csv  # mean, std
    assert "0.9166666664166666" not in csv
    assert "-0.0," not in csv  # -1e-9 rounds to 0.0, not -0.0


def test_zero_rows_are_allowed():
    result = profile(pd.DataFrame({"a": pd.Series([], dtype="float64"), "b": []}))
    overview = result.overview.set_index("항목")["값"].to_dict()
    assert overview == {
        "행 수": 0,
        "열 수": 2,
        "중복 행 수": 0,
        "중복 행 비율": 0.0,
        "결측 셀 비율": 0.0,
    }
    assert list(result.columns["결측 수"]) == [0, 0]
    assert result.top_values.empty


def test_repeated_column_names_and_unhashable_values():
    df = pd.DataFrame([[1, [1, 2]], [1, [1, 2]]], columns=["a", "a"])
    result = profile(df)
    assert list(result.columns["열"]) == ["a", "a"]
    assert result.overview.set_index("항목")["값"]["중복 행 수"] == 1


def test_empty_frame_is_refused_in_korean():
    with pytest.raises(ParameterError, match="열이 하나도 없습니다") as excinfo:
        profile(pd.DataFrame())
    assert (excinfo.value.parameter, excinfo.value.got) == ("df", 0)


def test_non_frame_is_refused():
    with pytest.raises(ParameterError) as excinfo:
        profile([[1, 2]])  # type: ignore[arg-type]
    assert (excinfo.value.parameter, excinfo.value.kind, excinfo.value.got) == (
        "df",
        "type",
        "list",
    )


def test_bad_top_n_message_is_korean_and_names_the_range():
    message = (
        "profile의 매개변수 'top_n'은 1 이상의 정수여야 합니다. 받은 값: 0. "
        "값을 고쳐 다시 실행하세요."
    )
    with pytest.raises(ParameterError) as excinfo:
        profile(pd.DataFrame({"a": [1]}), top_n=0)
    assert str(excinfo.value) == message
    assert excinfo.value.parameter == "top_n"
    assert isinstance(excinfo.value, WorkbenchError)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("top_n", -1),
        ("top_n", 1.5),
        ("top_n", True),
        ("top_n", "3"),
        ("identifier_share", -0.1),
        ("identifier_share", 1.1),
        ("identifier_share", float("nan")),
        ("identifier_share", "0.9"),
    ],
)
def test_bad_arguments_are_refused(name, value):
    with pytest.raises(ParameterError) as excinfo:
        profile(pd.DataFrame({"a": [1]}), **{name: value})
    assert excinfo.value.parameter == name
    assert excinfo.value.got is value or value != value  # NaN is not equal to itself


def test_identifier_share_message_shows_float_range():
    with pytest.raises(ParameterError) as excinfo:
        profile(pd.DataFrame({"a": [1]}), identifier_share=2)
    assert excinfo.value.expected == "0.0 이상 1.0 이하의 숫자" and excinfo.value.got == 2


# --- charts --------------------------------------------------------------------------------


def _saved_glyph_warnings(fig: Figure) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


@pytest.fixture
def mixed() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "월소득 (만원)": rng.normal(250, 80, 60).round() - 300,  # negatives too
            "시군구": ["서울특별시 종로구", "부산광역시 해운대구", "대구광역시 중구"] * 20,
            "수급 여부": [True, False] * 30,
            "신청일": [f"2024-{m:02d}-15" for m in range(1, 13)] * 5,
            "성명": _names(60),
        }
    )


@pytest.mark.parametrize(
    ("column", "xlabel", "ylabel"),
    [
        ("월소득 (만원)", "값", "빈도"),
        ("시군구", "빈도", "값"),
        ("수급 여부", "빈도", "값"),
        ("신청일", "월", "건수"),
        ("성명", "글자 수", "빈도"),
    ],
)
def test_column_chart_per_type(mixed, column, xlabel, ylabel):
    fig = column_chart(mixed, column)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert ax.get_title(loc="left") == column
    assert (ax.get_xlabel(), ax.get_ylabel()) == (xlabel, ylabel)
    assert _saved_glyph_warnings(fig) == []
    assert plt.get_fignums() == []  # nothing left open in pyplot


def test_bar_chart_puts_the_most_frequent_value_on_top():
    df = pd.DataFrame({"시도": ["부산"] * 3 + ["서울"] * 5 + ["대구"]})
    fig = column_chart(df, "시도", top_n=2)
    labels = [label.get_text() for label in fig.axes[0].get_yticklabels()]
    assert labels == ["부산", "서울"]


def test_identifier_chart_does_not_show_names(mixed):
    fig = column_chart(mixed, "성명")
    fig.canvas.draw()
    texts = [t.get_text() for t in fig.axes[0].get_xticklabels() + fig.axes[0].get_yticklabels()]
    assert not set(texts) & set(mixed["성명"])


def test_month_chart_counts_every_month_including_empty_ones():
    df = pd.DataFrame({"신청일": ["2024-01-03", "2024-01-20", "2024-04-01"]})
    fig = column_chart(df, "신청일")
    heights = [patch.get_height() for patch in fig.axes[0].patches]
    assert heights == [2, 0, 0, 1]


def test_column_chart_draws_into_given_axes(mixed):
    fig = Figure()
    ax = fig.add_subplot()
    assert column_chart(mixed, "시군구", ax=ax) is fig
    assert ax.get_title(loc="left") == "시군구"


def test_column_chart_kind_overrides_the_type(mixed):
    fig = column_chart(mixed, "시군구", kind="length")
    assert fig.axes[0].get_xlabel() == "글자 수"


def test_column_chart_with_no_values_says_so():
    fig = column_chart(pd.DataFrame({"x": [np.nan, np.nan]}), "x")
    assert fig.axes[0].texts[0].get_text() == "표시할 값이 없습니다"
    assert _saved_glyph_warnings(fig) == []


def test_column_chart_refuses_bad_arguments_in_korean(mixed):
    said = r"표에 열 '없음'이 없습니다\. 있는 열: 월소득"
    with pytest.raises(ParameterError, match=said) as excinfo:
        column_chart(mixed, "없음")
    assert (excinfo.value.parameter, excinfo.value.got) == ("column", "없음")
    assert excinfo.value.expected == list(mixed.columns)
    with pytest.raises(ParameterError, match="kind는 'hist'") as excinfo:
        column_chart(mixed, "시군구", kind="pie")
    assert (excinfo.value.parameter, excinfo.value.got) == ("kind", "pie")
    with pytest.raises(ParameterError) as excinfo:
        column_chart(mixed, "시군구", top_n=0)
    assert (excinfo.value.parameter, excinfo.value.got) == ("top_n", 0)


def test_profile_charts(mixed):
    charts = profile_charts(mixed)
    assert [name for name, _ in charts] == list(mixed.columns)
    assert all(isinstance(fig, Figure) for _, fig in charts)
    assert [name for name, _ in profile_charts(mixed, max_charts=2)] == list(mixed.columns[:2])
    with pytest.raises(ParameterError) as excinfo:
        profile_charts(mixed, max_charts=0)
    assert (excinfo.value.parameter, excinfo.value.got) == ("max_charts", 0)


# --- columns the scan finds personal -------------------------------------------------------

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ethics"))
from name_corpus import lookalike, people  # noqa: E402


def _shown(result: Profile, charts: list[tuple[str, Figure]]) -> str:
    """Every text a profile shows: its tables as CSV and text, and its charts' texts."""
    texts = [
        part.to_csv() + part.to_string() if isinstance(part, pd.DataFrame) else "\n".join(part)
        for part in dataclasses.astuple(result)  # the tables, and the read report's lines
    ]
    for _, fig in charts:
        fig.canvas.draw()
        texts += [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return "\n".join(texts)


@pytest.fixture
def staff() -> pd.DataFrame:
    rng = np.random.default_rng(12)
    return pd.DataFrame(
        {
            "담당": people(rng, 8) * 10,  # 8 people over 80 rows: 10 % distinct
            "Unnamed: 2": people(rng, 80),
            "처리": ["완료", "보류"] * 40,
            "동": lookalike("dong", rng, 20) * 4,  # 25 % distinct: a category
            "연락": rng.integers(10**9, 2 * 10**9, 80),  # 010 numbers stored as integers
        }
    ).assign(연락=lambda d: "0" + d["연락"].astype(str))


def test_columns_the_scan_finds_personal_are_identifiers_whatever_their_share(staff):
    result = profile(staff)
    kinds = dict(zip(result.columns["열"], result.columns["유형"], strict=True))
    assert kinds == {"담당": "식별자", "Unnamed: 2": "식별자", "처리": "범주", "동": "범주",
                     "연락": "식별자"}  # fmt: skip
    assert set(result.top_values["열"]) == {"처리", "동"}  # look-alikes stay listed
    shown = _shown(result, profile_charts(staff))
    leaked = [v for c in ("담당", "Unnamed: 2", "연락") for v in staff[c] if v in shown]
    assert leaked == []


def test_a_personal_number_column_has_no_statistics():
    # Resident numbers read as integers: a number column, but never described as one.
    frame = pd.DataFrame({"번호": [9001011234568, 8505052123456, 7712312345678]})
    row = _row(profile(frame).columns, "번호")
    assert row["유형"] == "식별자"
    for key in ("최솟값", "최댓값", "평균", "중앙값"):
        assert pd.isna(row[key]), key


def test_value_charts_of_personal_columns_are_refused(staff):
    assert column_chart(staff, "담당").axes[0].get_xlabel() == "글자 수"
    for kind in ("bar", "hist", "month"):
        with pytest.raises(ParameterError, match="열 '담당'에 개인정보가 있어") as excinfo:
            column_chart(staff, "담당", kind=kind)
        assert excinfo.value.parameter == "kind"
    assert column_chart(staff, "담당", kind="length").axes[0].get_xlabel() == "글자 수"


def test_profile_carries_the_read_report_and_counts_summary_rows(tmp_path):
    from workbench.catalog import read_table

    (tmp_path / "t.csv").write_text('지역,인구\n전국,"3,000"\n서울,"1,000"\n부산,"2,000"\n')
    result = profile(read_table(tmp_path / "t.csv"))
    assert any("합계 행 1개" in line for line in result.read_report)
    overview = dict(zip(result.overview["항목"], result.overview["값"], strict=True))
    assert overview["합계 행 수 (전국·합계·소계)"] == 1
    assert profile(pd.DataFrame({"a": [1]})).read_report == ()


# --- alerts, grid, correlations (issue 14, item 3) ------------------------------------------


@pytest.fixture
def agency_table(tmp_path):
    """A CP949 household file as an agency sends it, read back with read_table."""
    import workbench as wb

    rng = np.random.default_rng(7)
    n = 400
    codes = rng.choice(["1111010100", "2611010100", "4111710100"], n).astype(object)
    codes[:3] = "4211010100"  # 강원 before 2023: retired, not in today's table
    income = rng.lognormal(15, 0.9, n).round(-3)
    frame = pd.DataFrame(
        {
            "가구ID": [f"H{i:06d}" for i in range(n)],
            "성명": rng.choice(["김민준", "이서연", "박지호", "최수아", "정도윤", "강하은"], n),
            "법정동코드": codes,
            "시도": rng.choice(["서울특별시", "부산광역시", "경기도"], n),
            "접수일": [f"2024.{m:02d}.{d:02d}" for m, d in zip(rng.integers(1, 13, n),
                                                              rng.integers(1, 28, n), strict=True)],
            "월소득(원)": income,
            "연소득(원)": income * 12,
            "조사연도": 2024,
            "수급여부": np.where(rng.random(n) < 0.95, "N", "Y"),
            "비고": np.where(rng.random(n) < 0.7, None, "방문"),
        }
    )  # fmt: skip
    frame = pd.concat([frame, frame.iloc[[5, 6]]], ignore_index=True)  # two duplicate rows
    total = pd.DataFrame([{"시도": "전국", "월소득(원)": float(income.sum())}])
    path = tmp_path / "가구.csv"
    pd.concat([total, frame], ignore_index=True).to_csv(path, index=False, encoding="cp949")
    return wb.read_table(path)


def test_alerts_name_what_to_look_at_first_in_korean(agency_table):
    from workbench.blocks import profile_alerts

    result = profile(agency_table)
    found = profile_alerts(agency_table, result)
    by_kind = found.groupby("경고")["열"].apply(set).to_dict()
    assert by_kind["개인정보로 보이는 열"] == {"성명"}
    assert by_kind["식별자로 보이는 열"] == {"가구ID"}
    assert by_kind["지역 코드 오류"] == {"법정동코드"}
    assert "합계 행 포함" in by_kind and "중복 행" in by_kind
    assert by_kind["상수 열"] == {"조사연도", "비고"}  # 비고: one value, else empty
    assert by_kind["결측 많음"] == {"비고"}
    assert {"월소득(원)", "수급여부"} <= by_kind["한쪽으로 치우침"]
    assert by_kind["높은 상관"] == {"월소득(원), 연소득(원)"}
    assert list(found["경고"])[:2] == ["개인정보로 보이는 열", "식별자로 보이는 열"]
    region = found.loc[found["경고"] == "지역 코드 오류", "내용"].item()
    assert "코드 1종(행 3개)" in region and "기준일" in region
    text = found.to_csv()
    for value in ("김민준", "이서연", "H000001"):  # no identifier or personal value shown
        assert value not in text


def test_dotted_dates_are_dates(agency_table):
    row = _row(profile(agency_table).columns, "접수일")
    assert row["유형"] == "날짜"
    assert str(row["최솟값"]).startswith("2024-01") and str(row["최댓값"]).startswith("2024-12")


def test_grid_draws_every_column_but_identifiers_and_personal_ones(agency_table):
    from workbench.blocks import correlation_chart, profile_grid

    result = profile(agency_table)
    grid = profile_grid(agency_table, result)

    def title(ax):  # the Korean style puts titles on the left
        return ax.get_title("left") or ax.get_title()

    titles = [title(ax) for ax in grid.axes if ax.get_visible()]
    assert "가구ID" not in titles and "성명" not in titles
    assert {"법정동코드", "접수일", "월소득(원)"} <= set(titles)
    histogram = next(ax for ax in grid.axes if title(ax) == "월소득(원)")
    grid.canvas.draw()
    labels = [t.get_text() for t in histogram.get_xticklabels() if t.get_text()]
    assert any("," in label for label in labels), labels  # 1,000,000, not 1e6
    heat = correlation_chart(agency_table, result)
    assert [t.get_text() for t in heat.axes[0].get_xticklabels()] == ["월소득(원)", "연소득(원)"]


def test_flagged_summary_rows_are_counted_but_left_out_of_statistics():
    df = pd.DataFrame(
        {
            "시도": ["전국", "서울", "부산", "대구"],
            "인구": [600, 300, 200, 100],
            "합계행": [True, False, False, False],
        }
    )
    result = profile(df)
    overview = result.overview.set_index("항목")["값"].to_dict()
    assert overview["행 수"] == 4 and overview["합계 행 수 (전국·합계·소계)"] == 1
    row = _row(result.columns, "인구")
    assert (row["최댓값"], row["평균"]) == (300, 200.0)  # the 전국 row is not a region
    assert "전국" not in set(result.top_values["값"])


def test_correlations_match_pandas_with_missing_values_and_large_amounts():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "나이": rng.integers(20, 80, 3000).astype(float),
            "월소득(원)": rng.lognormal(15, 0.5, 3000),
            "점수": rng.normal(size=3000),
        }
    )
    df["월지출(원)"] = df["월소득(원)"] * 0.6 + rng.normal(0, 1e5, 3000)
    df.loc[rng.random(3000) < 0.3, "월소득(원)"] = np.nan
    df.loc[rng.random(3000) < 0.2, "점수"] = np.nan
    got = profile(df).correlations
    expected = df.corr()
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-6, atol=1e-7)
    assert list(got.columns) == list(df.columns)


# --- statistics over the whole table (DuckDB on Arrow) -------------------------------------


def test_statistics_of_every_column_kind_match_pandas_over_all_rows():
    rng = np.random.default_rng(3)
    n = 5000
    amounts = rng.lognormal(12, 1, n).round()
    amounts[rng.random(n) < 0.1] = np.nan
    df = pd.DataFrame(
        {
            "금액": amounts,
            "인원": pd.array(rng.integers(1, 9, n), dtype="Int64"),
            "시도": pd.array(rng.choice(["서울", "부산", "대구"], n), dtype="string"),
            "구분": rng.choice(["가", "나"], n).astype(object),  # plain Python strings
            "수급": rng.random(n) < 0.2,
            "혼합": [1, "일", 2.5, None] * (n // 4),  # mixed objects: described by pandas
        }
    )
    result = profile(df)
    money = _row(result.columns, "금액")
    values = df["금액"].dropna()
    assert money["결측 수"] == int(df["금액"].isna().sum())
    assert money["고유값 수"] == values.nunique()
    expected = [values.mean(), values.std(), *values.quantile([0.25, 0.5, 0.75]), values.skew()]
    got = [money[k] for k in ("평균", "표준편차", "1사분위수", "중앙값", "3사분위수", "왜도")]
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    people = _row(result.columns, "인원")
    assert (people["최솟값"], people["최댓값"]) == (1, 8)
    kinds = dict(zip(result.columns["열"], result.columns["유형"], strict=True))
    assert kinds == {"금액": "숫자", "인원": "숫자", "시도": "범주", "구분": "범주",
                     "수급": "참거짓", "혼합": "범주"}  # fmt: skip
    top = result.top_values.set_index(["열", "값"])["빈도"]
    for column in ("시도", "구분", "수급"):
        for value, count in df[column].value_counts().items():
            assert top[(column, value)] == count
    assert _row(result.columns, "혼합")["고유값 수"] == 3


def test_histograms_count_every_value_exactly():
    rng = np.random.default_rng(5)
    values = rng.normal(50, 10, 20_000).round(3)
    df = pd.DataFrame({"점수": np.append(values, [np.nan] * 7)})
    edges, counts = profile(df).histograms["점수"]
    assert len(counts) == 30 and counts.sum() == len(values)
    expected, numpy_edges = np.histogram(values, bins=30)
    np.testing.assert_allclose(edges, numpy_edges)
    assert np.abs(counts - expected).sum() <= 2  # only values on a bin edge may differ


def test_grid_draws_histograms_from_the_counts_of_all_rows():
    from workbench.blocks import profile_grid

    df = pd.DataFrame({"점수": np.arange(100_000) % 997, "구분": ["가", "나"] * 50_000})
    result = profile(df)
    grid = profile_grid(df, result)
    (stairs,) = [p for ax in grid.axes for p in ax.patches if type(p).__name__ == "StepPatch"]
    assert stairs.get_data().values.sum() == 100_000
