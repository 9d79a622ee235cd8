"""The course's exercises as data: what each asks, how an answer is judged, its hint.

An exercise's ``validate`` returns ``None`` for a right answer, or a short Korean remark on
what is wrong with this answer (its type, its columns, its length -- never the expected
value). The hint is the general nudge shown with every wrong answer. Expected values are
computed from the seeded samples, so they are the same on every machine.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbench import samples
from workbench.training._validators import (
    Validator,
    choice,
    frame,
    number,
    predicate,
    same_items,
    same_list,
    series,
    text,
)

__all__ = ["EXERCISES", "Exercise"]


@dataclass(frozen=True)
class Exercise:
    """One exercise of a lesson.

    Attributes
    ----------
    id : str
        ``"LL.N"``: lesson number and exercise number.
    task : str
        What it asks, in one Korean line.
    hint : str
        Shown with a wrong answer; it points the way and never gives the answer.
    validate : callable
        ``answer -> None`` if right, else a remark on what is wrong.
    expected : callable, optional
        For single-value answers: the value a right answer equals (used by the tests
        to prove that no message ever shows it).
    """

    id: str
    task: str
    hint: str
    validate: Validator
    expected: Callable[[], Any] | None = None


# --- reference values, computed once from the seeded samples -------------------------------

# The site-selection optimum of the seeded ev_demand sample (exact MCLP, demand = EVs + 0.2
# x households without a charger). Stored, because solving it needs the blocks layer; the
# lesson test recomputes both through lesson 7's reference solutions.
COVERAGE_5_SITES_1000_M = 0.6418324291742014
FEWEST_SITES_80_PERCENT = 5


@functools.cache
def _households() -> pd.DataFrame:
    return samples.households()


@functools.cache
def _population() -> pd.DataFrame:
    return samples.population()


def _catalog_owner() -> str:
    from workbench.catalog import open_catalog

    return str(open_catalog(samples=True)["population"].owner)


def _population_2024() -> float:
    pop = _population()
    return float(pop.loc[pop["연도"] == 2024, "인구"].sum())


def _sigungu_population() -> pd.DataFrame:
    pop = _population()
    pop = pop[pop["연도"] == 2024].assign(시군구코드=lambda d: d["법정동코드"].str[:5])
    total = pop.groupby("시군구코드", as_index=False)["인구"].sum()
    names = samples.regions()[["시군구코드", "시군구명"]].dropna()
    return total.merge(names, on="시군구코드", how="left")


def _raw_codes() -> list[str]:
    return ["1111010100", "1111010100", "2611010100", "4111110100"]


def _income_by_tenure() -> pd.Series:
    return _households().groupby("주거형태")["월소득"].mean()


def _recipient_share() -> pd.Series:
    return _households().groupby("시도")["기초생활수급"].mean()


def _chart(answer: Any) -> str | None:
    from matplotlib.axes import Axes

    if not isinstance(answer, Axes):
        return "그래프의 Axes(예: fig, ax = plt.subplots()의 ax)를 답으로 넣으세요."
    # The house style may place titles on the left (axes.titlelocation).
    if not any(answer.get_title(loc) for loc in ("left", "center", "right")):
        return "그래프에 제목(ax.set_title)을 붙이세요."
    bars = len(answer.patches)
    if bars != _households()["주거형태"].nunique():
        return f"막대 수가 주거형태의 수와 다릅니다 (지금 {bars}개)."
    return None


def _run_status(answer: Any) -> str | None:
    return choice("succeeded", ("running", "succeeded", "failed", "blocked"))(answer)


def _ols_coefficient() -> float:
    # The regression block's point estimates are statsmodels' (its HC3 changes only the
    # errors); training sits beside blocks in the layers and does not import it.
    import statsmodels.formula.api as smf

    return float(smf.ols("월소득 ~ 가구원수 + 나이", data=_households()).fit().params["가구원수"])


def _auc() -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    data = _households().dropna(subset=["월소득"])
    x, y = data[["나이", "가구원수", "월소득"]], data["기초생활수급"]
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.3, random_state=0, stratify=y
    )
    model = LogisticRegression(max_iter=1000).fit(x_train, y_train)
    return float(roc_auc_score(y_test, model.predict_proba(x_test)[:, 1]))


def _coverage_5_1000() -> float:
    return COVERAGE_5_SITES_1000_M


def _fewest_sites_80() -> int:
    return FEWEST_SITES_80_PERCENT


def _pii_columns() -> list[str]:
    from workbench import ethics

    found = ethics.scan(_households())
    return [name for name, kinds in found.columns.items() if kinds]


def _pseudonymised(answer: Any) -> str | None:
    from workbench import ethics

    if not isinstance(answer, pd.DataFrame):
        return "가명처리한 DataFrame을 답으로 넣으세요."
    if len(answer) != len(_households()):
        return f"행 수가 원래 표와 다릅니다 (지금 {len(answer)}행): 행을 지우지 말고 값을 바꾸세요."
    if "가구ID" in answer.columns:
        return "'가구ID' 열을 지우세요 (drop)."
    if "성명" not in answer.columns:
        return "'성명' 열은 지우지 말고 토큰으로 바꾸세요 (tokens)."
    if set(answer["성명"].astype(str)) & set(_households()["성명"].astype(str)):
        return "'성명' 열에 실명이 남아 있습니다."
    if ethics.scan(answer).found:
        return "아직 개인정보가 남은 열이 있습니다: wb.ethics.scan으로 확인하세요."
    return None


def _k_age_band() -> int:
    from workbench import ethics

    data = _households().assign(연령대=lambda d: d["나이"] // 10 * 10)
    return int(ethics.k_anonymity(data, ["연령대", "주거형태"]))


def _small_cells() -> int:
    from workbench import ethics

    data = _households()
    result = ethics.crosstab(data["시도"], data["주거형태"])
    return sum(1 for f in result.findings() if f.rule == "disclosure.threshold")


def _sigungu_households() -> pd.DataFrame:
    data = _households().assign(시군구코드=lambda d: d["법정동코드"].str[:5])
    table = data.groupby("시군구코드", as_index=False).agg(
        가구수=("가구ID", "count"), 수급가구수=("기초생활수급", "sum")
    )
    names = samples.regions()[["시군구코드", "시군구명"]].dropna()
    table = table.merge(names, on="시군구코드", how="left")
    return table.rename(columns={"가구수": "가구 수", "수급가구수": "수급 가구 수"})


def _safe_table(answer: Any) -> str | None:
    remark = frame(["시군구코드", "가구 수"], _sigungu_households, "시군구코드")(answer)
    if remark is not None:
        return remark
    if "수급 가구 수" not in answer.columns:
        return "'수급 가구 수' 열이 없습니다."
    shown = pd.to_numeric(answer["수급 가구 수"], errors="coerce")
    if (shown < 10).any():
        return "10 미만인 '수급 가구 수'가 아직 보입니다: 그런 셀은 비워(NaN) 두세요."
    want = _sigungu_households().set_index("시군구코드")["수급 가구 수"]
    codes = answer["시군구코드"].astype(str)
    kept = want.loc[codes].to_numpy()
    for value, original in zip(shown.to_numpy(), kept, strict=True):
        if original >= 10 and value != original:
            return "10 이상인 셀은 그대로 두어야 합니다."
    return None


def _logit_income() -> float:
    import statsmodels.formula.api as smf

    data = _households().assign(수급=lambda d: d["기초생활수급"].astype(int))
    return float(smf.logit("수급 ~ 월소득 + 가구원수", data=data).fit(disp=0).params["월소득"])


@functools.cache
def _complaint_words() -> tuple[list[str], list[list[str]], Any]:
    """Lesson 10's masked texts, noun tokens and campaign labels (Kiwi: computed once)."""
    from workbench import blocks

    texts = blocks.mask_complaints(samples.complaints(n=1000, seed=0)["민원내용"])
    tokens = blocks.KoreanTokenizer().tokenize(texts)
    return texts, tokens, blocks.near_duplicates(texts)


def _masked_complaints() -> int:
    raw = samples.complaints(n=1000, seed=0)["민원내용"]
    texts = _complaint_words()[0]
    return sum(1 for before, after in zip(raw, texts, strict=True) if before != after)


def _top_complaint_word() -> str:
    from collections import Counter

    counts = Counter(word for words in _complaint_words()[1] for word in set(words))
    return str(counts.most_common(1)[0][0])


def _campaign_size() -> int:
    return int((_complaint_words()[2] > 0).sum())


def _rising_word() -> str:
    from workbench import blocks

    complaints = samples.complaints(n=1000, seed=0)
    _, tokens, campaign = _complaint_words()
    keep = blocks.one_per_campaign(campaign)
    kept_tokens = [t for t, k in zip(tokens, keep, strict=True) if k]
    kept = complaints[keep].reset_index(drop=True)
    table = blocks.rising_terms(kept, kept_tokens, region="시군구")
    return str(table.loc[table["급증"], "단어"].iloc[0])


_SENSITIVITY = ("public", "internal", "personal", "pseudonymised")

_ALL = [
    # 01 concepts
    Exercise(
        "01.1",
        "가구 견본(households)의 가구 수",
        "wb.samples.households()로 표를 만들고 len(표)로 행 수를 세어 보세요.",
        number(lambda: len(_households())),
        lambda: len(_households()),
    ),
    Exercise(
        "01.2",
        "실명·주민등록번호가 그대로 든 자료의 민감도 등급",
        "catalog.yml의 민감도 네 가지 중, 개인을 바로 알아볼 수 있는 자료의 등급입니다.",
        choice("personal", _SENSITIVITY),
        lambda: "personal",
    ),
    Exercise(
        "01.3",
        "실행을 재현하는 데 필요한 정보가 모두 기록된 파일 이름",
        "실행 폴더(runs/...)에 있는 파일 중 매개변수·입력 해시·패키지 버전을 담은 JSON 파일입니다.",
        choice("manifest.json", ("report.html", "notebook.ipynb", "manifest.json", "results")),
        lambda: "manifest.json",
    ),
    # 02 loading data
    Exercise(
        "02.1",
        "인구(population) 자료를 가진 기관",
        "자료 목록의 항목(cat['population'])에는 owner 속성이 있습니다.",
        text(_catalog_owner),
        _catalog_owner,
    ),
    Exercise(
        "02.2",
        "2024년 전국 인구 합계",
        "'연도'가 2024인 행만 고른 뒤 '인구' 열을 더하세요 (cat.load 또는 cat.aggregate).",
        number(_population_2024),
        _population_2024,
    ),
    Exercise(
        "02.3",
        "CP949 파일에서 읽은 월소득 평균",
        "wb.read_table은 인코딩을 스스로 알아냅니다. 결측치는 mean()이 알아서 뺍니다.",
        number(lambda: float(_households()["월소득"].mean())),
        lambda: float(_households()["월소득"].mean()),
    ),
    # 03 region codes
    Exercise(
        "03.1",
        "법정동코드 표기를 10자리 문자열로 정리한 목록",
        "문자열로 바꾼 뒤 끝의 '.0'을 떼고, 숫자가 아닌 글자(공백, -)를 모두 지우세요.",
        same_list(_raw_codes),
    ),
    Exercise(
        "03.2",
        "인구 표의 법정동코드에서 뽑은 5자리 시군구코드 (Series)",
        "법정동코드의 앞 5자리가 시군구코드입니다: .str[:5]",
        same_list(lambda: _population()["법정동코드"].str[:5].tolist()),
    ),
    Exercise(
        "03.3",
        "2024년 시군구별 인구 합계에 시군구명을 붙인 표",
        "2024년만 고르고 시군구코드로 묶어 더한 뒤, 지역 표(wb.samples.regions())와 "
        "'시군구코드'로 merge 하세요. 열: 시군구코드, 시군구명, 인구.",
        frame(["시군구코드", "시군구명", "인구"], _sigungu_population, "시군구코드"),
    ),
    # 04 descriptive analysis and charts
    Exercise(
        "04.1",
        "주거형태별 평균 월소득 (Series)",
        "groupby('주거형태')['월소득'].mean()처럼 묶고 평균을 내세요.",
        series(_income_by_tenure),
    ),
    Exercise(
        "04.2",
        "시도별 기초생활수급 가구 비율 (0~1, Series)",
        "참/거짓 열의 평균은 참의 비율입니다.",
        series(_recipient_share),
    ),
    Exercise(
        "04.3",
        "주거형태별 평균 월소득 막대그래프 (제목 포함)",
        "fig, ax = plt.subplots()로 그린 뒤 ax.bar(...)와 ax.set_title(...)을 쓰고 "
        "ax를 답으로 넣으세요.",
        predicate(_chart),
    ),
    # 05 a first standard analysis
    Exercise(
        "05.1",
        "방금 실행한 표준 분석의 상태 (manifest의 status)",
        "실행 결과(result)의 manifest.status를 보세요.",
        predicate(_run_status),
        lambda: "succeeded",
    ),
    Exercise(
        "05.2",
        "실행 기록(manifest)에 남은 top_n 매개변수 값",
        "result.manifest.parameters는 실행에 쓴 매개변수의 사전(dict)입니다.",
        number(lambda: 3),
        lambda: 3,
    ),
    # 06 modelling
    Exercise(
        "06.1",
        "회귀모형 월소득 ~ 가구원수 + 나이 의 가구원수 계수",
        "wb.blocks.regression(표, 식)의 coefficients 표에서 '가구원수' 행, '계수' 열입니다.",
        number(_ols_coefficient),
        _ols_coefficient,
    ),
    Exercise(
        "06.2",
        "기초생활수급 예측 로지스틱 회귀의 시험 자료 AUC",
        "월소득 결측 행을 빼고, train_test_split(test_size=0.3, random_state=0, stratify=y), "
        "LogisticRegression(max_iter=1000), predict_proba의 두 번째 열로 roc_auc_score를 구하세요.",
        number(_auc, tol=1e-4),
        _auc,
    ),
    # 07 optimisation
    Exercise(
        "07.1",
        "충전소 5곳, 반경 1,000 m일 때의 포괄률 (0~1)",
        "wb.blocks.select_sites(grid, candidates, k=..., radius=..., weight='수요')의 "
        "coverage입니다.",
        number(_coverage_5_1000, tol=1e-4),
        _coverage_5_1000,
    ),
    Exercise(
        "07.2",
        "반경 1,500 m에서 포괄률 80% 이상이 되는 가장 적은 충전소 수",
        "wb.blocks.coverage_curve(..., ks=list(range(1, 9)), radius=1500.0, weight='수요')에서 "
        "'포괄률'이 0.8 이상인 행 중 '충전소 수'가 가장 작은 값입니다.",
        number(_fewest_sites_80),
        _fewest_sites_80,
    ),
    # 08 ethics
    Exercise(
        "08.1",
        "가구 견본에서 개인정보가 발견된 열 이름 목록",
        "wb.ethics.scan(표)의 columns는 열마다 발견된 종류의 목록입니다: "
        "비어 있지 않은 열만 고르세요.",
        same_items(_pii_columns),
        _pii_columns,
    ),
    Exercise(
        "08.2",
        "성명은 토큰으로 바꾸고 가구ID는 지운 가명처리 표",
        "wb.ethics.pseudonymise(표, tokens=[...], drop=[...], key=교육용_키)를 쓰세요.",
        predicate(_pseudonymised),
    ),
    Exercise(
        "08.3",
        "나이를 10세 단위 연령대로 바꾼 뒤 (연령대, 주거형태)의 k-익명성 k",
        "연령대 = 나이 // 10 * 10 으로 열을 만들고 wb.ethics.k_anonymity(표, [열 목록])를 쓰세요.",
        number(_k_age_band),
        _k_age_band,
    ),
    Exercise(
        "08.4",
        "시도 × 주거형태 교차표에서 공개 기준(10 미만)에 걸린 셀 수",
        "wb.ethics.crosstab(행, 열)의 findings() 중 rule이 'disclosure.threshold'인 것을 세세요.",
        number(_small_cells),
        _small_cells,
    ),
    # 09 capstone
    Exercise(
        "09.1",
        "시군구별 가구 수와 수급 가구 수 표 (시군구명 포함)",
        "법정동코드 앞 5자리로 시군구코드를 만들고 묶어서 세고(count) 더한(sum) 뒤 지역 표와 "
        "merge 하세요. 열: 시군구코드, 시군구명, 가구 수, 수급 가구 수.",
        frame(
            ["시군구코드", "시군구명", "가구 수", "수급 가구 수"], _sigungu_households, "시군구코드"
        ),
    ),
    Exercise(
        "09.2",
        "수급 가구 수가 10 미만인 셀을 비운(NaN) 공개용 표",
        "표.copy() 후 '수급 가구 수'가 10 미만인 행의 값을 float('nan')으로 바꾸세요 "
        "(열은 09.1과 같게).",
        predicate(_safe_table),
    ),
    Exercise(
        "09.3",
        "수급 여부 로지스틱 회귀 (수급 ~ 월소득 + 가구원수)의 월소득 계수",
        "기초생활수급을 0/1 정수 열 '수급'으로 만들고 "
        "wb.blocks.regression(..., kind='logit')을 쓰세요.",
        number(_logit_income, tol=1e-4),
        _logit_income,
    ),
    # 10 complaint text
    Exercise(
        "10.1",
        "가리기 전과 뒤의 본문이 다른 민원 수",
        "원문과 가린 본문을 zip으로 나란히 놓고, 서로 다른 쌍을 세세요.",
        number(_masked_complaints),
        _masked_complaints,
    ),
    Exercise(
        "10.2",
        "가장 많은 민원에 나온 단어",
        "민원마다 set(단어)로 중복을 없애고 collections.Counter로 센 뒤 most_common(1)을 보세요.",
        text(_top_complaint_word),
        _top_complaint_word,
    ),
    Exercise(
        "10.3",
        "집단민원 묶음에 든 민원 수",
        "near_duplicates의 결과에서 0이 아닌 번호가 붙은 민원을 세세요.",
        number(_campaign_size),
        _campaign_size,
    ),
    Exercise(
        "10.4",
        "가장 유의하게 급증한 단어",
        "rising_terms의 결과에서 '급증'이 참인 행만 고르고, 첫 행의 '단어'를 보세요.",
        text(_rising_word),
        _rising_word,
    ),
]

#: Every exercise, by id.
EXERCISES: dict[str, Exercise] = {e.id: e for e in _ALL}
