"""The batch index as a briefing: summary first, a ranked chart that means something,
Korean columns, and the operations apart (no kernel: records in, HTML out)."""

import re

from workbench.runner import find_analysis
from workbench.runner.batch.index import _html_text


def _records(values: dict[str, int]) -> list[dict]:
    return [
        {
            "row": n,
            "run_id": code,
            "status": "succeeded",
            "reason": "",
            "cause": "",
            "duration_seconds": 6.25,
            "attempts": 1,
            "gate": "통과",
            "report": f"{code}/report.html",
            "param:region_code": code,
            "지역명": f"지역{code}",
            "구분": "특별시" if code == "11" else "자치구",
            "하위 행정구역 수": value,
        }
        for n, (code, value) in enumerate(values.items(), start=1)
    ]


def _html(values: dict[str, int]) -> str:
    analysis = find_analysis("region_summary")
    return _html_text(analysis, _records(values), "하위 행정구역 수", "지역명", True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_summary_comes_first_with_totals_and_the_extremes():
    html = _html({"11": 25, "26": 16, "41": 48, "11110": 0})
    text = _text(html)
    assert text.index("핵심 결과 요약") < text.index("기관 비교") < text.index("기관별 결과")
    assert text.index("기관별 결과") < text.index("실행 기록 (운영)")
    assert "기관 4곳에 같은 분석을 실행했습니다: 완료 4건." in text
    summary = text.split("핵심 결과 요약")[1].split("기관 비교")[0]
    assert "89" in summary and "0 (지역11110 (11110))" in summary
    assert "48 (지역41 (41))" in summary
    assert re.search(r"작성 \d{4}년 \d{1,2}월 \d{1,2}일 \d{2}:\d{2}", text)


def test_zeros_are_counted_not_drawn_and_equal_values_draw_nothing():
    assert "값이 0인 1곳은 막대에서 뺐습니다" in _html({"11": 25, "26": 16, "11110": 0})
    same = _html({"11": 3, "26": 3, "27": 3})
    assert (
        "data:image/png" not in same and "모든 기관이 같은 값(3)이라 그래프는 생략했습니다" in same
    )


def test_columns_are_korean_and_operations_stand_apart():
    html = _html({"11": 25, "26": 16})
    results = html.split("기관별 결과")[1].split("실행 기록 (운영)")[0]
    heads = re.findall(r"<th>([^<]+)</th>", results)
    code = "지역 코드: 시도 2자리 또는 시군구 5자리"
    assert heads == ["지역명", code, "구분", "하위 행정구역 수", "상태", "보고서"]
    assert "param:" not in html and "duration_seconds" not in html
    operations = html.split("실행 기록 (운영)")[1]
    assert "소요 시간(초)" in operations and "6.2" in operations
    assert "소요 시간" not in results
    assert len(re.findall(r'href="([^"]+)"', html)) == 2  # one report link per run
