"""What the sample generators tell a person, in Korean: one template per message.

A field written ``{name:을/를}`` gets the particle that fits how it ends
(:func:`workbench._korean.render`); :class:`~workbench.exceptions.ParameterError` keeps
the facts as fields (``parameter``, ``expected``, ``got``, ``kind``).
"""

from __future__ import annotations

from workbench._korean import Catalogue

__all__ = ["message"]

_MESSAGES = {
    "unknown_sample": "예시 자료 {name:이/가} 없습니다.{close} 있는 예시 자료: {have}.",
    "unknown_parameter": (
        "예시 자료 {name}에는 매개변수 {key:이/가} 없습니다.{close} 받는 매개변수: {have}."
    ),
    "close": " 비슷한 이름: {close}.",
    "int_at_least": (
        "{owner}의 매개변수 '{parameter}'에는 {minimum} 이상의 정수를 주세요. 받은 값: {got}."
    ),
    "int_range": (
        "{owner}의 매개변수 '{parameter}'에는 {low}부터 {high}까지의 정수를 주세요. 받은 값: {got}."
    ),
    "share_range": (
        "{owner}의 매개변수 '{parameter}'에는 {low}부터 {high}까지의 비율(실수)을 주세요. "
        "받은 값: {got}."
    ),
    "finite_number": "{owner}의 매개변수 '{parameter}'에는 유한한 수를 주세요. 받은 값: {got}.",
    "years_span": (
        "population의 연도 범위는 {limit}년을 넘을 수 없습니다. 받은 값: first_year={first}, "
        "last_year={last}. 범위를 줄이세요."
    ),
    "clusters_do_not_fit": (
        "ev_demand의 n_clusters={got}개 군집은 서로 3km 떨어져서 n_side={n_side} 격자 안에 "
        "들어가지 않습니다. 군집 수를 줄이거나 n_side를 늘리세요."
    ),
    "write_suffix": (
        "예시 자료 {name:을/를} {path}에 쓸 수 없습니다: 확장자 {suffix:은/는} 지원하지 "
        "않습니다. 다음 중 하나를 쓰세요: {have}."
    ),
    "write_encoding": (
        "write의 encoding {got:은/는} 알 수 없는 문자 인코딩입니다. 'utf-8', 'utf-8-sig', "
        "'cp949' 중 하나를 쓰세요."
    ),
    "write_unencodable": (
        "인코딩 {encoding:으로/로}는 예시 자료 {name}의 문자 {char:을/를} 나타낼 수 없습니다. "
        "'utf-8', 'utf-8-sig', 'cp949' 중 하나를 쓰세요."
    ),
}


#: Render one of the templates above: ``message("key", field=value)``.
message = Catalogue(_MESSAGES)
