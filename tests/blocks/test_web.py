from pathlib import Path

import pandas as pd
import pytest

from key_results_check import Key, assert_key_results, count, percent
from korean_check import assert_korean
from workbench.blocks._web import (
    WEB_EVENTS_SCHEMA,
    completion_test,
    dwell_times,
    field_errors,
    funnel,
    menu_pareto,
    sessionize,
    slow_pages,
)
from workbench.exceptions import ParameterError, WorkbenchError
from workbench.runner import run_analysis
from workbench.samples._web_events import (
    CHANGE_DATE,
    ERROR_FIELD,
    FORM_STEPS,
    LEAKY_STEP,
    SLOW_PAGE,
    web_events,
)

NOTEBOOK = Path("notebooks/standard/service_usage.ipynb")


@pytest.fixture(scope="module")
def events():
    return WEB_EVENTS_SCHEMA.validate(web_events(seed=0))


@pytest.fixture(scope="module")
def sessions(events):
    return sessionize(events)


# --- sessions on a hand-made log ---------------------------------------------------------


def test_sessionize_splits_at_gaps_longer_than_thirty_minutes():
    log = pd.DataFrame(
        {
            "방문자ID": ["b", "a", "a", "a", "a", "b", "a"],
            "시각": [
                "2024-05-01 09:10:00",  # b, first
                "2024-05-01 09:00:00",  # a: session 1
                "2024-05-01 09:30:00",  # exactly 30 minutes later: still session 1
                "2024-05-01 10:00:01",  # 30 min 1 s later: session 2
                "2024-05-01 10:20:00",  # session 2
                "2024-05-01 09:50:00",  # b, 40 minutes later: new session
                "2024-05-02 10:00:00",  # a, next day: session 3
            ],
            "페이지": ["메인"] * 7,
        }
    )
    out = sessionize(log)
    got = list(
        zip(out["방문자ID"], out["시각"].dt.strftime("%H:%M:%S"), out["세션ID"], strict=True)
    )
    assert got == [
        ("a", "09:00:00", 1),
        ("a", "09:30:00", 1),
        ("a", "10:00:01", 2),
        ("a", "10:20:00", 2),
        ("a", "10:00:00", 3),
        ("b", "09:10:00", 4),
        ("b", "09:50:00", 5),
    ]
    # A shorter gap splits more.
    assert sessionize(log, gap_minutes=15)["세션ID"].nunique() == 7


@pytest.mark.parametrize("bad", [0, -5, float("nan"), "30", True])
def test_sessionize_rejects_bad_gap(bad):
    log = pd.DataFrame({"방문자ID": ["a"], "시각": ["2024-05-01"]})
    with pytest.raises(ParameterError) as info:
        sessionize(log, gap_minutes=bad)
    assert info.value.parameter == "gap_minutes" and info.value.kind in ("range", "type")
    assert "sessionize의 매개변수 'gap_minutes'는 0.0 초과의 숫자여야" in str(info.value)


def test_missing_column_is_named():
    with pytest.raises(ParameterError, match="'페이지'"):
        menu_pareto(pd.DataFrame({"이벤트": ["조회"]}))


def test_slow_pages_rejects_bad_quantile(events):
    with pytest.raises(ParameterError) as info:
        slow_pages(events, quantile=1.0)
    assert (info.value.parameter, info.value.got, info.value.kind) == ("quantile", 1.0, "range")
    assert_korean(str(info.value), "slow_pages")


# --- planted signals in the sample -------------------------------------------------------


def test_sample_is_seeded_and_anonymous():
    a, b = web_events(n_visitors=50, seed=3), web_events(n_visitors=50, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert a["방문자ID"].str.fullmatch(r"V\d{6}").all()


def test_menu_pareto_is_cumulative(events):
    table = menu_pareto(events)
    assert table["조회 수"].is_monotonic_decreasing
    assert table["누적 비율"].iloc[-1] == pytest.approx(1.0)
    assert table["조회 수"].sum() == (events["이벤트"] == "조회").sum()


def test_funnel_finds_the_leaky_step(sessions):
    table = funnel(sessions, list(FORM_STEPS))
    assert table.loc[table["이탈률"].idxmax(), "단계"] == LEAKY_STEP
    assert table["도달 세션 수"].is_monotonic_decreasing


def test_field_errors_find_the_planted_field(events):
    table = field_errors(events)
    assert table.iloc[0]["항목"] == ERROR_FIELD
    assert table.iloc[0]["오류율"] > 3 * table.iloc[1]["오류율"]


def test_slow_pages_find_the_planted_page(events):
    table = slow_pages(events)
    assert table.iloc[0]["페이지"] == SLOW_PAGE
    assert table.iloc[0]["상위 로딩(ms)"] > 2 * table.iloc[1]["상위 로딩(ms)"]


def test_dwell_times_are_positive_and_per_page(sessions):
    table = dwell_times(sessions)
    assert (table["중앙 체류시간(초)"] > 0).all()
    assert table["페이지"].is_unique


def test_completion_improves_after_the_change(sessions):
    result = completion_test(sessions, CHANGE_DATE, FORM_STEPS[0])
    assert result.difference > 0
    assert result.z > 0
    assert result.p_value < 0.05
    assert list(result.table["구분"]) == ["변경 전", "변경 후"]


def test_completion_test_needs_both_periods(sessions):
    with pytest.raises(ParameterError) as info:
        completion_test(sessions, "2030-01-01", FORM_STEPS[0])
    assert info.value.parameter == "change_date" and info.value.got["after"] == 0
    assert "개편일 2030-01-01 전과 후에 모두" in str(info.value)
    assert_korean(str(info.value), "completion_test")
    with pytest.raises(ParameterError) as info:
        completion_test(sessions, "6월 1일", FORM_STEPS[0])
    assert (info.value.parameter, info.value.got, info.value.kind) == (
        "change_date",
        "6월 1일",
        "date",
    )


def test_funnel_needs_steps_and_names_the_notebook_parameter(sessions):
    with pytest.raises(ParameterError) as info:
        funnel(sessions, [])
    assert (info.value.parameter, info.value.got, info.value.kind) == ("steps", [], "empty")
    assert "-p form_steps=" in str(info.value)  # what service_usage's user writes
    assert_korean(str(info.value), "funnel", "[]")


def test_no_table_carries_visitor_ids(events, sessions):
    ids = set(events["방문자ID"])
    tables = [
        menu_pareto(events),
        funnel(sessions, list(FORM_STEPS)),
        field_errors(events),
        dwell_times(sessions),
        slow_pages(events),
        completion_test(sessions, CHANGE_DATE, FORM_STEPS[0]).table,
    ]
    for table in tables:
        assert "방문자ID" not in table.columns
        assert not ids & set(table.astype(str).to_numpy().ravel())


# --- the standard notebook ---------------------------------------------------------------


@pytest.mark.kernel
def test_notebook_runs_on_sample(tmp_path):
    result = run_analysis(NOTEBOOK, out=tmp_path / "run")
    assert result.manifest.status == "succeeded"
    html = result.report.read_text(encoding="utf-8")
    assert "민원 웹사이트 이용 분석" in html
    for code in ("import workbench", "sessionize(", "plt.subplots", "WEB_EVENTS_SCHEMA"):
        assert code not in html
    results = tmp_path / "run" / "results"
    funnel_table = pd.read_csv(results / "funnel.csv", encoding="utf-8-sig")
    assert funnel_table.loc[funnel_table["이탈률"].idxmax(), "단계"] == LEAKY_STEP
    for path in results.glob("*.csv"):
        table = pd.read_csv(path, encoding="utf-8-sig")
        assert "방문자ID" not in table.columns
        assert not table.astype(str).apply(lambda c: c.str.fullmatch(r"V\d{6}")).any().any()
    assert_key_results(
        result.run_dir,
        [
            Key("분석 기간은 {}입니다.", "summary", "값", {"항목": "기간"}),
            Key("이 기간의 방문 세션은 {}개입니다.", "summary", "값", {"항목": "세션 수"}, count),
            Key("화면 변경 전 신청 완료율은 {}입니다.", "completion", "완료율",
                {"구분": "변경 전"}, percent),
            Key("화면 변경 후 신청 완료율은 {}입니다.", "completion", "완료율",
                {"구분": "변경 후"}, percent),
            Key("입력 오류율이 가장 높은 항목은 {}입니다.", "field_errors", "항목"),
            Key("그 항목의 입력 오류율은 {}입니다.", "field_errors", "오류율", None, percent),
        ],
    )  # fmt: skip


def test_notebook_refuses_a_missing_column_before_the_kernel(tmp_path):
    data = tmp_path / "이벤트.csv"
    web_events(n_visitors=20, seed=1).drop(columns="로딩ms").to_csv(
        data, index=False, encoding="utf-8-sig"
    )
    with pytest.raises(WorkbenchError, match="로딩ms"):
        run_analysis(NOTEBOOK, {"data_path": str(data)}, out=tmp_path / "run")
    assert not (tmp_path / "run" / "notebook.ipynb").exists()
