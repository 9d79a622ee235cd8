"""Synthetic event log of a 민원 website: page views and form events, with planted signals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.samples._validation import check_int

__all__ = [
    "CHANGE_DATE",
    "ERROR_FIELD",
    "FORM_STEPS",
    "LEAKY_STEP",
    "SLOW_PAGE",
    "web_events",
]

#: The menu pages, most popular first (view weights fall off like a Pareto curve).
MENU = (
    "민원안내",
    "자주묻는질문",
    "공지사항",
    "민원서식",
    "처리현황조회",
    "기관소개",
    "찾아오시는길",
    "정보공개",
)
_MENU_WEIGHTS = 1.0 / np.arange(1, len(MENU) + 1) ** 1.2

#: The online application form, step by step, with its fields.
FORM_STEPS = ("신청-본인확인", "신청-신청내용", "신청-첨부서류", "신청-확인제출")
_FIELDS = {
    "신청-본인확인": ("성명", "생년월일", "휴대전화"),
    "신청-신청내용": ("민원종류", "주소", "사업자등록번호"),
    "신청-첨부서류": ("첨부파일",),
    "신청-확인제출": ("개인정보동의",),
}

LEAKY_STEP = "신청-첨부서류"  # planted: many sessions give up at the attachment step
ERROR_FIELD = "사업자등록번호"  # planted: a field whose format trips people up
SLOW_PAGE = "민원서식"  # planted: the forms page loads slowly
CHANGE_DATE = "2024-06-01"  # planted: completion improves from this day on

_START = np.datetime64("2024-04-01T00:00:00")
_DAYS = 122  # April to July 2024; the change falls in the middle
_FORM_SHARE = 0.5  # sessions that open the form
# Chance of going on from each step to the next (the last entry: submitting), before and
# after the change. The attachment step leaks before and improves after the change.
_CONTINUE_BEFORE = (0.88, 0.9, 0.5, 0.93)
_CONTINUE_AFTER = (0.88, 0.9, 0.68, 0.93)
_ERROR_RATE = 0.04
_PLANTED_ERROR_RATE = 0.35
_LOAD_MEDIAN_MS = 700.0
_SLOW_LOAD_MEDIAN_MS = 3200.0


def web_events(n_visitors: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Generate a seeded event log of a 민원 website with planted problems.

    Each visitor comes one to three times (days apart) between April and July 2024. A
    visit starts at ``메인``, views a few menu pages (popularity falls off like a Pareto
    curve) and half the visits open the four-step online application form
    (:data:`FORM_STEPS`), entering fields and possibly submitting it. Planted signals:
    most drop-outs happen at :data:`LEAKY_STEP`; :data:`ERROR_FIELD` is entered wrongly
    about a third of the time; :data:`SLOW_PAGE` loads several times slower than the
    rest; and from :data:`CHANGE_DATE` on the form's completion rate is higher.

    Parameters
    ----------
    n_visitors : int, default 2000
        Number of distinct visitors. Must be at least 1.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; no global random state is used.

    Returns
    -------
    pandas.DataFrame
        Columns, in order: ``방문자ID`` (str, anonymous ``"V000001"``), ``시각`` (str,
        ``"YYYY-MM-DD HH:MM:SS"``), ``페이지`` (str), ``이벤트`` (str: ``조회`` page
        view, ``입력`` field entry, ``제출`` form submitted), ``항목`` (str field name,
        empty unless ``입력``), ``오류`` (bool, the entry failed validation),
        ``로딩ms`` (float, page load time; NaN unless ``조회``). Sorted by time.

    Raises
    ------
    ParameterError
        If ``n_visitors`` is not an int >= 1 or ``seed`` is not an int >= 0.

    Examples
    --------
    >>> from workbench.samples._web_events import web_events
    >>> df = web_events(n_visitors=5, seed=1)
    >>> list(df.columns)
    ['방문자ID', '시각', '페이지', '이벤트', '항목', '오류', '로딩ms']
    >>> sorted(df["이벤트"].unique())
    ['입력', '제출', '조회']
    """
    n_visitors = check_int(n_visitors, "n_visitors", "web_events", minimum=1)
    seed = check_int(seed, "seed", "web_events", minimum=0)
    rng = np.random.default_rng(seed)
    change = np.datetime64(f"{CHANGE_DATE}T00:00:00")
    rows: list[tuple[str, np.datetime64, str, str, str, bool, float]] = []
    for v in range(1, n_visitors + 1):
        visitor = f"V{v:06d}"
        n_visits = int(rng.choice([1, 2, 3], p=[0.6, 0.3, 0.1]))
        days = np.sort(rng.choice(_DAYS, size=n_visits, replace=False))
        for day in days:
            seconds = int(rng.integers(8 * 3600, 21 * 3600))
            start = _START + np.timedelta64(int(day), "D") + np.timedelta64(seconds, "s")
            rows += _visit(rng, visitor, start, after=bool(start >= change))
    frame = pd.DataFrame(
        rows, columns=["방문자ID", "시각", "페이지", "이벤트", "항목", "오류", "로딩ms"]
    )
    frame = frame.sort_values(["시각", "방문자ID"], kind="stable").reset_index(drop=True)
    frame["시각"] = frame["시각"].dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame


def _load_ms(rng: np.random.Generator, page: str) -> float:
    median = _SLOW_LOAD_MEDIAN_MS if page == SLOW_PAGE else _LOAD_MEDIAN_MS
    return float(round(median * np.exp(rng.normal(0.0, 0.45))))


def _visit(
    rng: np.random.Generator, visitor: str, start: np.datetime64, *, after: bool
) -> list[tuple[str, np.datetime64, str, str, str, bool, float]]:
    """One visit: the home page, some menu pages, maybe the form. Gaps stay well < 30 min."""
    rows = []
    now = start

    def add(page: str, event: str, field: str = "", error: bool = False) -> None:
        nonlocal now
        load = _load_ms(rng, page) if event == "조회" else float("nan")
        rows.append((visitor, now, page, event, field, error, load))
        now = now + np.timedelta64(int(rng.gamma(2.0, 15.0)) + 2, "s")

    add("메인", "조회")
    n_menu = int(rng.integers(1, 5))
    pages = rng.choice(len(MENU), size=n_menu, p=_MENU_WEIGHTS / _MENU_WEIGHTS.sum())
    for i in pages:
        add(MENU[int(i)], "조회")
    if rng.random() >= _FORM_SHARE:
        return rows
    going_on = _CONTINUE_AFTER if after else _CONTINUE_BEFORE
    for step, p_next in zip(FORM_STEPS, going_on, strict=True):
        add(step, "조회")
        for field in _FIELDS[step]:
            rate = _PLANTED_ERROR_RATE if field == ERROR_FIELD else _ERROR_RATE
            while rng.random() < rate:  # a failed entry is retried
                add(step, "입력", field, True)
            add(step, "입력", field, False)
        if rng.random() >= p_next:
            return rows
    add(FORM_STEPS[-1], "제출")
    return rows
