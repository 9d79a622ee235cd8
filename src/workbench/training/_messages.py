"""What the exercise checker tells a learner about a call it cannot mark, in Korean.

A field written ``{name:이/가}`` gets the particle that fits how it ends
(:func:`workbench._korean.render`); :class:`~workbench.exceptions.ParameterError` keeps
the facts as fields.
"""

from __future__ import annotations

from workbench._korean import Catalogue

__all__ = ["message"]

_MESSAGES = {
    "unknown_exercise": (
        "연습 문제 {got:이/가} 없습니다.{close} 연습 문제 번호는 '과.번호' 꼴입니다 "
        "(예: '02.1'). 있는 번호: {have}."
    ),
    "close": " 비슷한 번호: {close}.",
}


#: Render one of the templates above: ``message("key", field=value)``.
message = Catalogue(_MESSAGES)
