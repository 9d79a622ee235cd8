"""Build the training lessons: `python notebooks/training/_build.py`.

Each lesson is written here as a list of cells, so that the notebooks share one
layout: Korean narrative, runnable examples, and exercises. An exercise is three cells:
the task (markdown), the reference solution (a code cell tagged ``solution`` that sets
``answer``), and the check (``wb.training.check("LL.N", answer)``). The class copy blanks
the solution cells (:func:`workbench.training.student_copy`); CI runs the lessons as they
are here, solutions filled in. Cell ids are stable and no outputs are stored, so a rebuild
changes a file only when its lesson changes; the notebooks are ruff-formatted at the end.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from workbench.training import SOLUTION_TAG

HERE = Path(__file__).parent
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
SETUP = "import workbench as wb"
SETUP_PANDAS = "import pandas as pd\n\nimport workbench as wb"


def md(text):
    return [new_markdown_cell(text.strip())]


def code(source):
    return [new_code_cell(source.strip())]


def exercise(exercise_id, task, solution):
    """The three cells of an exercise: task, reference solution, check."""
    answer = new_code_cell(solution.strip())
    answer.metadata["tags"] = [SOLUTION_TAG]
    return [
        new_markdown_cell(f"### 연습 {exercise_id}\n\n{task.strip()}"),
        answer,
        new_code_cell(f'wb.training.check("{exercise_id}", answer)'),
    ]


def lesson(number, slug, title, cells):
    nb = new_notebook(metadata=dict(KERNEL))
    nb.metadata["training"] = {"lesson": number, "title": title}
    nb.cells = [cell for group in cells for cell in group]
    for i, cell in enumerate(nb.cells):
        cell.id = f"l{number:02d}-{i:02d}"  # stable ids: a rebuild does not churn the files
    nbformat.write(nb, HERE / f"{number:02d}_{slug}.ipynb")


HOW_TO = """
> **연습 문제 푸는 법** — `### 연습` 아래의 빈 칸에 코드를 쓰고 결과를 `answer`에 넣은 뒤,
> 그 아래 칸(`wb.training.check(...)`)을 실행하세요. 맞으면 ✔, 아니면 ✘와 함께 **힌트**가
> 나옵니다. 정답 자체는 알려 주지 않습니다.
"""


def lesson_01():
    lesson(
        1,
        "concepts",
        "데이터 기반 행정과 워크벤치",
        [
            md(
                """
# 1강. 데이터 기반 행정과 워크벤치

**배울 내용**: 데이터 기반 행정이 무엇인지, 분석 워크벤치가 어떤 부분으로 이루어지는지,
분석의 세 가지 수준(자동·표준·고급)을 익힙니다.
"""
            ),
            md(
                """
## 데이터 기반 행정

「데이터기반행정 활성화에 관한 법률」(2020)은 공공기관이 데이터를 수집·연계·분석하여 정책을
만들고 집행하도록 합니다. 분석은 늘 같은 순서를 밟습니다.

1. **질문**: 무엇을 알고 싶은가 (예: 복지 사각지대는 어디에 있는가)
2. **자료**: 누가 어떤 자료를 가지고 있는가 — *자료 목록(catalog)*
3. **분석**: 정해진 방법으로, 누가 다시 돌려도 같은 결과가 나오게 — *표준 분석*
4. **점검**: 결과에 개인정보나 너무 작은 집계가 없는가 — *공개 점검(release gate)*
5. **공개**: 보고서와 결과표, 그리고 어떻게 만들었는지의 기록 — *manifest.json*
"""
            ),
            md(
                """
## 워크벤치의 구성

| 부분 | 하는 일 |
| --- | --- |
| `wb.catalog()` | 기관별 자료 목록: 위치, 담당 기관, 연결 키, 민감도 |
| `wb.read_table()` | CSV(UTF-8·CP949), Excel, Parquet 파일을 표(DataFrame)로 읽기 |
| `wb.blocks` | 분석 블록: 기술통계, 회귀, 입지 최적화 등 |
| `wb.ethics` | 개인정보 탐지, 가명처리, 재식별 위험, 공개 기준 점검 |
| `workbench run` | 표준 분석 실행 → 보고서, 결과표, manifest.json |

분석의 **수준**은 세 가지입니다.

- **자동(auto)**: 어떤 표든 넣으면 돌아가는 분석 (예: 자료 진단 `profile`, 회귀 `regression`).
  매개변수만 고르면 됩니다.
- **표준(standard)**: 정책 과제 하나를 정해진 절차로 푸는 분석 (예: 복지 사각지대 발굴).
- **고급(advanced)**: 분석가가 블록을 조합해 직접 노트북과 코드를 쓰는 단계.
"""
            ),
            md(HOW_TO),
            code(SETUP + "\n\nsorted(wb.samples.SAMPLES)"),
            md(
                """
`wb.samples`에는 실습용 **가상 자료**가 들어 있습니다. 실제 사람의 정보가 아니며,
같은 인자로 만들면 어느 컴퓨터에서나 똑같은 표가 나옵니다.
"""
            ),
            code("households = wb.samples.households()\nhouseholds.head()"),
            exercise(
                "01.1",
                "가구 견본(`households`)에는 가구가 몇 개 있습니까? 숫자로 답하세요.",
                "answer = len(households)",
            ),
            md(
                """
## 자료의 민감도

자료 목록의 모든 자료에는 민감도 등급이 있습니다: `public`(공개), `internal`(기관 내부),
`personal`(개인정보), `pseudonymised`(가명정보). 개인정보와 가명정보는 법적 근거와
목적이 윤리 기록(`ethics.yml`)에 있어야만 불러올 수 있습니다.
"""
            ),
            exercise(
                "01.2",
                "실명과 주민등록번호가 그대로 들어 있는 자료의 민감도 등급은 무엇입니까? "
                '네 가지 중 하나를 문자열로 답하세요 (예: `"public"`).',
                'answer = "personal"',
            ),
            md(
                """
## 재현 가능성

`workbench run`은 실행할 때마다 `runs/분석이름-날짜시각/` 폴더를 만들고, 그 안에 실행한 노트북,
보고서(`report.html`), 결과표(`results/`), 그리고 실행 기록을 남깁니다. 실행 기록에는 분석의
버전, 매개변수, 입력 파일의 해시(SHA-256), 패키지 버전, 공개 점검 결과가 들어 있어, 누구든
같은 결과를 다시 만들고 확인할 수 있습니다 (`workbench rerun`).
"""
            ),
            exercise(
                "01.3",
                "실행을 다시 만들고 검증하는 데 필요한 정보가 모두 기록되는 파일의 이름은? "
                '(`"report.html"`, `"notebook.ipynb"`, `"manifest.json"`, `"results"` 중 하나)',
                'answer = "manifest.json"',
            ),
            md(
                """
## 정리

- 분석은 질문 → 자료 → 분석 → 점검 → 공개의 순서를 밟습니다.
- 워크벤치는 자료 목록, 분석 블록, 표준 분석, 윤리 점검을 한곳에 모읍니다.
- 다음 강의에서는 자료 목록에서 자료를 찾아 불러옵니다.
"""
            ),
        ],
    )


def lesson_02():
    lesson(
        2,
        "loading_data",
        "자료 불러오기",
        [
            md(
                """
# 2강. 자료 불러오기: 자료 목록, read_table, CP949

**배울 내용**: 자료 목록에서 자료를 찾고, 불러오고, 공공데이터 포털에서 흔한 CP949 인코딩
파일을 읽습니다.
"""
            ),
            md(HOW_TO),
            code(SETUP_PANDAS),
            md(
                """
## 자료 목록 (catalog)

`wb.catalog()`는 프로젝트의 `catalog.yml`을 엽니다. 프로젝트 밖에서는 실습용 견본 목록이
열립니다. 표로 보면 기관별로 어떤 자료가 있고, 무엇으로 연결되는지(연결 키) 보입니다.
"""
            ),
            code("cat = wb.catalog(samples=True)\ncat"),
            code('cat.describe("population")'),
            md(
                """
공개(`public`) 자료는 바로 불러올 수 있습니다. `columns`와 `where`로 필요한 열과 행만
가져오면 큰 자료도 빠릅니다.
"""
            ),
            code(
                'population = cat.load("population")\n'
                'seoul = cat.load("population", where={"시도": "서울특별시"}, columns=["법정동코드", "연도", "인구"])\n'
                "population.shape, seoul.shape"
            ),
            exercise(
                "02.1",
                "인구(`population`) 자료를 가진 기관은 어디입니까? 기관 이름을 문자열로 답하세요.",
                'answer = cat["population"].owner',
            ),
            exercise(
                "02.2",
                "2024년 전국 인구 합계를 구하세요.",
                'answer = population.loc[population["연도"] == 2024, "인구"].sum()',
            ),
            md(
                """
## 개인정보 자료는 근거가 있어야 열립니다

가구 실태조사(`households`)는 개인정보(`personal`)입니다. 프로젝트의 윤리 기록에 목적과
법적 근거가 없으면 불러오기가 거부되고, 무엇을 적어야 하는지 알려 줍니다.
"""
            ),
            code(
                "try:\n"
                '    cat.load("households")\n'
                "except wb.WorkbenchError as error:\n"
                "    print(error)"
            ),
            md(
                """
## CP949 파일 읽기

공공데이터 포털의 CSV는 CP949(EUC-KR)로 저장된 경우가 많습니다. `pandas.read_csv`는
UTF-8을 기대하므로 오류가 납니다. `wb.read_table`은 인코딩(UTF-8, BOM 붙은 UTF-8, CP949)을
스스로 알아냅니다.
"""
            ),
            code(
                'path = wb.samples.write("households", "가구_cp949.csv", encoding="cp949")\n'
                "try:\n"
                "    pd.read_csv(path)\n"
                "except UnicodeDecodeError as error:\n"
                '    print("pandas:", error)'
            ),
            exercise(
                "02.3",
                "`wb.read_table`로 `가구_cp949.csv`를 읽고, `월소득` 열의 평균을 구하세요.",
                'answer = wb.read_table("가구_cp949.csv")["월소득"].mean()',
            ),
            md(
                """
## 정리

- `wb.catalog()`로 자료를 찾고 `load`로 필요한 열·행만 불러옵니다.
- 개인정보 자료는 윤리 기록의 목적과 법적 근거가 있어야 열립니다.
- CP949 파일은 `wb.read_table`이 알아서 읽습니다.
"""
            ),
        ],
    )


def lesson_03():
    lesson(
        3,
        "region_codes",
        "지역코드로 자료 결합하기",
        [
            md(
                """
# 3강. 지역코드로 자료 결합하기

**배울 내용**: 법정동코드의 구조, 엑셀을 거치며 망가진 코드 정리, 시군구코드로 두 자료를
결합하는 법.

법정동코드 10자리는 `SS GGG DDD RR`: 시도(2) · 시군구(3) · 읍면동(3) · 리(2)입니다.
앞 2자리가 **시도코드**, 앞 5자리가 **시군구코드**입니다. 통계청 행정구역분류코드는 다른
체계이니(서울 종로구가 11010) 섞지 않도록 주의하세요.
"""
            ),
            md(HOW_TO),
            code(
                SETUP_PANDAS
                + '\n\nregions = wb.samples.regions()\nregions[regions["수준"] == "시군구"].head()'
            ),
            md(
                """
## 코드 정리

엑셀에서 코드 열이 숫자로 바뀌면 `1111010100.0`처럼 소수점이 붙고, 사람이 입력한 자료에는
`11110-10100`처럼 구분자나 공백이 섞입니다. 코드는 **문자열**로 다뤄야 앞자리 0도 지켜집니다.
"""
            ),
            code(
                'raw = pd.Series([1111010100.0, "11110-10100", " 2611010100 ", "4111110100"])\nraw'
            ),
            exercise(
                "03.1",
                "`raw`의 코드를 모두 10자리 숫자 문자열로 정리한 목록(list 또는 Series)을 만드세요.",
                "answer = (\n"
                "    raw.astype(str)\n"
                '    .str.replace(r"\\.0$", "", regex=True)\n'
                '    .str.replace(r"\\D", "", regex=True)\n'
                ")",
            ),
            md(
                """
## 시군구코드 만들기

인구 표의 `법정동코드`에서 시군구코드를 뽑아 지역 표와 연결할 준비를 합니다.
"""
            ),
            code("population = wb.samples.population()\npopulation.head()"),
            exercise(
                "03.2",
                "`population`의 `법정동코드`에서 5자리 시군구코드를 뽑은 Series를 만드세요 "
                "(행 순서는 그대로).",
                'answer = population["법정동코드"].str[:5]',
            ),
            md(
                """
## 결합 (merge)

같은 키를 가진 두 표는 `merge`로 붙입니다. `how="left"`는 왼쪽 표의 행을 모두 남기고,
짝이 없는 행은 빈 값이 됩니다 — 결합 뒤에는 빈 값이 생겼는지 꼭 확인하세요.
"""
            ),
            code(
                'names = regions[["시군구코드", "시군구명"]].dropna()\n'
                'example = population.assign(시군구코드=population["법정동코드"].str[:5]).merge(\n'
                '    names, on="시군구코드", how="left"\n'
                ")\n"
                'print("시군구명이 비는 행:", example["시군구명"].isna().sum())'
            ),
            exercise(
                "03.3",
                "2024년 시군구별 인구 합계 표를 만들고 시군구명을 붙이세요. "
                "열은 `시군구코드`, `시군구명`, `인구`이고 한 행이 한 시군구입니다.",
                'y2024 = population[population["연도"] == 2024]\n'
                'by_sigungu = y2024.assign(시군구코드=y2024["법정동코드"].str[:5])\n'
                'by_sigungu = by_sigungu.groupby("시군구코드", as_index=False)["인구"].sum()\n'
                'answer = by_sigungu.merge(names, on="시군구코드", how="left")',
            ),
            md(
                """
## workbench의 지역코드 도우미 (`wb.regions`)

실무에서는 위의 과정을 `wb.regions`가 한 번에 해 줍니다. `normalize_codes`는 코드를
정리하고, `validate_codes`는 행정구역 표(기준일이 적힌 표)에 없는 코드를 찾아 주며,
`roll_up`은 시군구·시도·자치단체 단위로 묶고 이름을 붙입니다. 코드는 바뀌므로(2026-07-01
광주·전남 통합 등) 자료의 날짜를 `as_of`로 줍니다.
"""
            ),
            code(
                "print(wb.regions.normalize_codes(raw).tolist())\n"
                "# 코드는 날짜마다 다릅니다: 자료의 날짜를 as_of로 줍니다.\n"
                'bad = wb.regions.validate_codes(["1111010100", "9999900000"], as_of="2024-12-31")\n'
                'print(bad[0]["message"])\n'
                'wb.regions.roll_up(population[population["연도"] == 2024], "법정동코드",\n'
                '                   aggregations={"인구": "sum"}, as_of="2024-12-31").head()'
            ),
            md(
                """
## 정리

- 코드는 문자열로, 정리한 뒤에 결합합니다.
- 시군구코드는 법정동코드의 앞 5자리입니다.
- 결합한 뒤 빈 값을 세어 짝이 맞지 않는 코드가 없는지 확인합니다.
- `wb.regions`로 정리·검증·집계를 한 번에 할 수 있습니다.
"""
            ),
        ],
    )


def lesson_04():
    lesson(
        4,
        "descriptive",
        "기술통계와 차트",
        [
            md(
                """
# 4강. 기술통계와 차트

**배울 내용**: 묶어서 요약하기(groupby), 비율 구하기, 한글이 깨지지 않는 차트 그리기.
"""
            ),
            md(HOW_TO),
            code(
                "import matplotlib.pyplot as plt\n\n"
                "import workbench as wb\n\n"
                "wb.use_korean_font()  # 차트의 한글 글꼴(나눔고딕)과 기본 모양\n"
                "households = wb.samples.households()\n"
                'households[["나이", "가구원수", "월소득"]].describe()'
            ),
            md(
                """
`describe()`의 `count`가 1,000보다 작은 열은 빈 값(결측치)이 있다는 뜻입니다. 평균
(`mean`)은 결측치를 빼고 계산합니다. 결측치가 어디에 몰려 있는지도 따로 확인하세요.
"""
            ),
            code('households["월소득"].isna().groupby(households["주거형태"]).sum()'),
            exercise(
                "04.1",
                "주거형태별 평균 월소득을 구하세요 (Series, 이름표는 주거형태).",
                'answer = households.groupby("주거형태")["월소득"].mean()',
            ),
            exercise(
                "04.2",
                "시도별 기초생활수급 가구의 비율(0~1)을 구하세요 (Series, 이름표는 시도).",
                'answer = households.groupby("시도")["기초생활수급"].mean()',
            ),
            md(
                """
## 차트

`wb.use_korean_font()`를 한 번 부르면 한글 제목과 축 이름이 제대로 나옵니다. 차트에는
제목, 축 이름과 단위를 꼭 붙이세요.
"""
            ),
            code(
                'mean_age = households.groupby("시도")["나이"].mean().sort_values()\n'
                "fig, ax = plt.subplots(figsize=(6, 4))\n"
                'ax.barh(mean_age.index, mean_age.to_numpy(), color="#3b6ea5")\n'
                'ax.set_xlabel("평균 나이 (세)")\n'
                'ax.set_title("시도별 가구주 평균 나이")\n'
                "plt.show()"
            ),
            exercise(
                "04.3",
                "주거형태별 평균 월소득을 막대그래프로 그리고 제목을 붙이세요. "
                "그래프의 `ax`를 답으로 넣으세요.",
                'income = households.groupby("주거형태")["월소득"].mean()\n'
                "fig, ax = plt.subplots(figsize=(5, 3))\n"
                "ax.bar(income.index, income.to_numpy())\n"
                'ax.set_ylabel("평균 월소득 (만원)")\n'
                'ax.set_title("주거형태별 평균 월소득")\n'
                "answer = ax",
            ),
            md(
                """
## 정리

- `groupby(기준)[열].mean()`으로 묶어서 요약하고, 참/거짓 열의 평균은 비율입니다.
- 결측치는 평균에서 빠지니, 어디에 몰려 있는지 함께 보고합니다.
- 차트에는 제목, 축 이름, 단위를 붙입니다.
"""
            ),
        ],
    )


def lesson_05():
    lesson(
        5,
        "first_standard_analysis",
        "첫 표준 분석",
        [
            md(
                """
# 5강. 첫 표준 분석 실행하기

**배울 내용**: 표준 분석이 무엇이고, 매개변수를 주어 실행하고, 실행 폴더와 실행 기록
(manifest)을 읽는 법.

표준 분석은 매개변수 칸(`parameters`)과 설명(메타데이터)을 가진 노트북입니다. 실행기는
매개변수를 검사하고 → 새 커널에서 노트북을 실행하고 → 공개 점검을 거쳐 → 보고서와
manifest.json을 씁니다. 명령줄에서는 `workbench run profile -p top_n 3`과 같습니다.
"""
            ),
            md(HOW_TO),
            code(
                "import pandas as pd\n\n"
                "import workbench as wb\n"
                "from workbench.runner import find_analysis, list_analyses, run_analysis\n\n"
                "[(a.name, a.title) for a in list_analyses()]"
            ),
            md("분석 하나를 화면에 내면 하는 일과 매개변수(뜻과 단위)가 표로 보입니다."),
            code('find_analysis("profile")'),
            md(
                """
## 실행

`profile`(자료 진단)을 상위 값 3개로 실행합니다. 입력을 주지 않으면 견본 가구 자료를
씁니다. 실행 폴더는 `runs/05_profile`입니다 (`force=True`: 예전 실행 폴더를 바꿔 씀).
"""
            ),
            code(
                'result = run_analysis("profile", {"top_n": 3}, out="runs/05_profile", force=True)\n'
                "print(result.run_dir)\n"
                "print([path.name for path in result.results])"
            ),
            code('pd.read_csv(result.run_dir / "results" / "overview.csv")'),
            exercise(
                "05.1",
                "방금 실행의 상태(`manifest.status`)는 무엇입니까? 문자열로 답하세요.",
                "answer = result.manifest.status",
            ),
            exercise(
                "05.2",
                "실행 기록에 남은 `top_n` 매개변수의 값을 실행 기록에서 꺼내 답하세요.",
                'answer = result.manifest.parameters["top_n"]',
            ),
            md(
                """
## 블록으로 직접

표준 분석의 속은 분석 블록입니다. 같은 진단을 노트북 안에서 바로 할 수도 있습니다.
"""
            ),
            code("profile = wb.blocks.profile(wb.samples.households(), top_n=3)\nprofile.overview"),
            md(
                """
## 정리

- 표준 분석은 매개변수만 바꿔 누구나 같은 방법으로 실행합니다.
- 실행 폴더에는 보고서, 결과표, 실행 기록이 남고, 실행 기록으로 다시 실행·검증합니다.
"""
            ),
        ],
    )


def lesson_06():
    lesson(
        6,
        "modelling",
        "모형 만들기",
        [
            md(
                """
# 6강. 모형 만들기: 회귀와 예측

**배울 내용**: 회귀 블록으로 관계를 추정하고 해석하기, scikit-learn으로 예측 모형을 만들고
시험 자료로 평가하기.

회귀계수는 **연관**을 말할 뿐 **인과**를 말하지 않습니다. 정책 효과를 말하려면 비교 집단이
있는 설계(이중차분 등)가 필요합니다.
"""
            ),
            md(HOW_TO),
            code(SETUP + "\n\nhouseholds = wb.samples.households()"),
            code(
                'model = wb.blocks.regression(households, "월소득 ~ 가구원수 + 나이 + C(주거형태)")\n'
                "model.coefficients"
            ),
            md(
                """
`계수`는 다른 변수가 같을 때 그 변수가 1 늘면 월소득(만원)이 평균 얼마나 달라지는지입니다.
표준오차는 이분산에 강한 HC3를 씁니다. 진단표에서 관측 수(결측치를 뺀 행 수)와 R²를 보세요.
"""
            ),
            code("model.diagnostics"),
            exercise(
                "06.1",
                "`월소득 ~ 가구원수 + 나이` 모형을 적합하고 `가구원수`의 계수를 답하세요.",
                'simple = wb.blocks.regression(households, "월소득 ~ 가구원수 + 나이")\n'
                'answer = simple.coefficients.loc["가구원수", "계수"]',
            ),
            md(
                """
## 예측 모형과 평가

예측 모형은 **학습에 쓰지 않은 자료**로 평가해야 합니다. 자료를 학습용과 시험용으로 나누고,
시험 자료에서 AUC(0.5는 동전 던지기, 1은 완벽)를 봅니다.
"""
            ),
            exercise(
                "06.2",
                "`월소득`이 빈 행을 뺀 뒤 `나이`, `가구원수`, `월소득`으로 `기초생활수급`을 "
                "예측하는 로지스틱 회귀를 만드세요. `train_test_split(test_size=0.3, "
                "random_state=0, stratify=y)`, `LogisticRegression(max_iter=1000)`을 쓰고 "
                "시험 자료의 AUC를 답하세요.",
                "from sklearn.linear_model import LogisticRegression\n"
                "from sklearn.metrics import roc_auc_score\n"
                "from sklearn.model_selection import train_test_split\n\n"
                'data = households.dropna(subset=["월소득"])\n'
                'x, y = data[["나이", "가구원수", "월소득"]], data["기초생활수급"]\n'
                "x_train, x_test, y_train, y_test = train_test_split(\n"
                "    x, y, test_size=0.3, random_state=0, stratify=y\n"
                ")\n"
                "classifier = LogisticRegression(max_iter=1000).fit(x_train, y_train)\n"
                "answer = roc_auc_score(y_test, classifier.predict_proba(x_test)[:, 1])",
            ),
            md(
                """
## 정리

- 회귀 블록은 계수, 신뢰구간, 진단을 한글 표로 줍니다. 계수는 연관이지 인과가 아닙니다.
- 예측 모형은 시험 자료로 평가하고, 어떤 집단에서 틀리는지도 확인합니다 (8강).
"""
            ),
        ],
    )


def lesson_07():
    lesson(
        7,
        "optimisation",
        "최적화: 충전소 입지",
        [
            md(
                """
# 7강. 최적화: 전기차 충전소 입지 선정

**배울 내용**: 최대 포괄 입지 문제(MCLP)를 정수계획법(PuLP/CBC)으로 풀고, 충전소 수와
반경에 따라 결과가 어떻게 달라지는지 봅니다.

격자마다 충전 수요가 있고, 후보지 중 `k`곳에 충전소를 세울 때 반경 안에 드는 수요의 합을
가장 크게 하는 문제입니다. 수요 = 등록 전기차 + 0.2 × 충전기 없는 세대로 둡니다.
"""
            ),
            md(HOW_TO),
            code(
                SETUP + "\n\n"
                "grid = wb.samples.ev_demand()\n"
                'grid["수요"] = grid["등록전기차"] + 0.2 * grid["충전기없는세대"]\n'
                'candidates = grid[grid["후보지"]].set_index("격자ID")\n'
                "len(grid), len(candidates)"
            ),
            code(
                'best = wb.blocks.select_sites(grid, candidates, k=3, radius=1500.0, weight="수요")\n'
                'print("선정 입지:", best.sites)\n'
                'print(f"포괄률 {best.coverage:.1%}, 풀이 방법 {best.method}")'
            ),
            exercise(
                "07.1",
                "충전소 5곳, 반경 1,000 m일 때의 포괄률(0~1)을 구하세요.",
                "answer = wb.blocks.select_sites(\n"
                '    grid, candidates, k=5, radius=1000.0, weight="수요"\n'
                ").coverage",
            ),
            md(
                """
## 몇 곳이면 충분한가

충전소를 늘릴수록 포괄률은 오르지만 오르는 폭은 줄어듭니다(한계효용 체감). 예산을 정할
때는 충전소 수별 포괄률 곡선을 봅니다.
"""
            ),
            code(
                "curve = wb.blocks.coverage_curve(\n"
                '    grid, candidates, ks=list(range(1, 9)), radius=1500.0, weight="수요"\n'
                ")\n"
                "curve"
            ),
            exercise(
                "07.2",
                "반경 1,500 m에서 포괄률이 80% 이상이 되는 가장 적은 충전소 수를 구하세요.",
                'answer = curve.loc[curve["포괄률"] >= 0.8, "충전소 수"].min()',
            ),
            md(
                """
## 정리

- 입지 선정은 정수계획법으로 최적해를 구합니다 (규모가 크면 탐욕법).
- 충전소 수와 반경을 바꿔 보며 결과가 얼마나 민감한지 함께 보고합니다.
"""
            ),
        ],
    )


def lesson_08():
    lesson(
        8,
        "ethics",
        "데이터 윤리",
        [
            md(
                """
# 8강. 데이터 윤리: 개인정보, 가명처리, 재식별 위험, 공개 기준

**배울 내용**: 표에서 개인정보 찾기, 가명처리, k-익명성으로 재식별 위험 재기, 작은 셀이
있는 집계표를 공개 기준에 맞추기.

「개인정보 보호법」은 가명정보를 통계 작성·과학적 연구·공익적 기록보존 목적으로만 쓰도록
합니다. 워크벤치의 공개 점검은 결과에 개인정보나 너무 작은 집계가 있으면 공개를 막습니다.
"""
            ),
            md(HOW_TO),
            code(
                SETUP_PANDAS
                + "\n\nhouseholds = wb.samples.households()\nwb.ethics.scan(households)"
            ),
            exercise(
                "08.1",
                "`wb.ethics.scan(households)`에서 개인정보가 발견된 열 이름의 목록을 만드세요.",
                "found = wb.ethics.scan(households)\n"
                "answer = [name for name, kinds in found.columns.items() if kinds]",
            ),
            md(
                """
## 가명처리

`wb.ethics.pseudonymise`는 열을 열쇠(key)로 만든 토큰으로 바꾸거나(같은 사람은 같은 토큰,
그래서 기관 간 결합이 가능), 가리거나, 일반화하거나, 지웁니다. 실제 업무에서 열쇠는
프로젝트 밖 파일이나 환경변수에 두고 결합할 기관끼리만 나눕니다. 여기서는 교육용 열쇠를 씁니다.
"""
            ),
            code('교육용_키 = "training-key-not-for-real-data"  # 실제 업무에서는 쓰지 마세요'),
            exercise(
                "08.2",
                "`성명`은 토큰으로 바꾸고 `가구ID`는 지운 가명처리 표를 만드세요 (`key=교육용_키`).",
                "answer = wb.ethics.pseudonymise(\n"
                '    households, tokens=["성명"], drop=["가구ID"], key=교육용_키\n'
                ")",
            ),
            md(
                """
## 재식별 위험: k-익명성

이름을 지워도 나이·지역·가구원수 같은 **준식별자**의 조합이 드문 사람은 다시 알아볼 수
있습니다. k-익명성의 k는 준식별자 조합이 같은 사람들 묶음 중 가장 작은 묶음의 크기입니다.
k가 작으면 나이를 연령대로, 지역을 시도로 넓혀(일반화) 키웁니다.
"""
            ),
            code('wb.ethics.k_anonymity(households, ["나이", "법정동코드"])'),
            exercise(
                "08.3",
                "나이를 10세 단위 연령대(`나이 // 10 * 10`)로 바꾼 열 `연령대`를 만들고, "
                "(`연령대`, `주거형태`) 조합의 k를 구하세요.",
                'banded = households.assign(연령대=households["나이"] // 10 * 10)\n'
                'answer = wb.ethics.k_anonymity(banded, ["연령대", "주거형태"])',
            ),
            md(
                """
## 공개 기준: 작은 셀

집계표의 칸(셀)에 사람이 너무 적으면(기본 기준 10명 미만) 그 사람들을 알아볼 위험이
있습니다. `wb.ethics.crosstab`은 교차표를 만들며 모든 셀을 점검하고, `wb.ethics.suppress`는
걸린 셀과 그것을 역산할 수 있는 셀까지 숨깁니다.
"""
            ),
            code('table = wb.ethics.crosstab(households["시도"], households["주거형태"])\ntable'),
            exercise(
                "08.4",
                "위 교차표에서 공개 기준(10 미만)에 걸린 셀은 몇 개입니까? "
                '`findings()` 중 rule이 `"disclosure.threshold"`인 것을 세세요.',
                'answer = sum(1 for f in table.findings() if f.rule == "disclosure.threshold")',
            ),
            code("wb.ethics.suppress(table).table"),
            md(
                """
## 셀 단위 공개 점검: `%%wb_check`

`%load_ext workbench`를 한 번 실행하면 셀 맨 위에 `%%wb_check`를 쓸 수 있습니다. 그 셀의
출력(인쇄한 글, 표, 마지막 줄의 값)은 보여지기 전에 공개 점검을 거치고, 개인정보가 든 출력은
가려진 채 **왜** 가렸는지(종류와 건수)만 나옵니다. 값은 어디에도 표시되지 않습니다.
"""
            ),
            code("%load_ext workbench"),
            code(
                "complaints = pd.DataFrame(\n"
                "    {\n"
                '        "접수번호": ["A-001", "A-002", "A-003"],\n'
                '        "연락처": ["010-2345-6789", "02-345-6789", "010-9876-5432"],\n'
                '        "처리일수": [3, 5, 2],\n'
                "    }\n"
                ")"
            ),
            code('%%wb_check\nprint("민원 건수:", len(complaints))\ncomplaints'),
            md("연락처 열을 빼면 같은 표가 그대로 보입니다."),
            code('%%wb_check\ncomplaints.drop(columns="연락처")'),
            md(
                """
## 정리

- 공개 전에 `scan`으로 개인정보를 찾고, 필요하면 가명처리합니다.
- 준식별자의 조합으로 k를 재고, 일반화로 위험을 낮춥니다.
- 집계표는 공개 기준으로 점검하고 작은 셀은 숨기거나 범주를 합칩니다.
"""
            ),
        ],
    )


def lesson_09():
    lesson(
        9,
        "capstone",
        "종합 과제",
        [
            md(
                """
# 9강. 종합 과제: 시군구별 기초생활수급 현황

지금까지 배운 것을 한 분석에 모읍니다. **질문**: 기초생활수급 가구가 상대적으로 많은
시군구는 어디이고, 수급 여부는 소득·가구원수와 어떤 관계가 있는가?

1. 자료 불러오기 (2강) → 2. 지역코드로 결합 (3강) → 3. 요약과 차트 (4강) →
4. 모형 (6강) → 5. 공개 기준 점검 (8강)
"""
            ),
            md(HOW_TO),
            code(
                "import matplotlib.pyplot as plt\n\n"
                "import workbench as wb\n\n"
                "wb.use_korean_font()\n"
                "households = wb.samples.households()\n"
                'names = wb.samples.regions()[["시군구코드", "시군구명"]].dropna()'
            ),
            exercise(
                "09.1",
                "시군구별 `가구 수`와 `수급 가구 수`(기초생활수급 가구의 수) 표를 만들고 "
                "시군구명을 붙이세요. 열: `시군구코드`, `시군구명`, `가구 수`, `수급 가구 수`.",
                'coded = households.assign(시군구코드=households["법정동코드"].str[:5])\n'
                'summary = coded.groupby("시군구코드", as_index=False).agg(\n'
                '    가구수=("가구ID", "count"), 수급가구수=("기초생활수급", "sum")\n'
                ")\n"
                'summary = summary.rename(columns={"가구수": "가구 수", "수급가구수": "수급 가구 수"})\n'
                'table = summary.merge(names, on="시군구코드", how="left")\n'
                "answer = table",
            ),
            md(
                """
## 요약과 차트

수급 가구 **비율**로 시군구를 비교합니다. (이 차트는 연습 09.1과 별개로 다시 계산합니다.)
"""
            ),
            code(
                'share = households.groupby(households["법정동코드"].str[:5])["기초생활수급"].mean()\n'
                'share = (share * 100).rename("수급 비율(%)").to_frame().join(names.set_index("시군구코드"))\n'
                'share = share.sort_values("수급 비율(%)")\n'
                "fig, ax = plt.subplots(figsize=(6, 5))\n"
                'ax.barh(share["시군구명"], share["수급 비율(%)"], color="#3b6ea5")\n'
                'ax.set_xlabel("기초생활수급 가구 비율 (%)")\n'
                'ax.set_title("시군구별 기초생활수급 가구 비율")\n'
                "plt.show()"
            ),
            md(
                """
## 공개 기준

시군구별 수급 가구 수는 대부분 10 미만입니다. 그대로 공개하면 해당 가구를 알아볼 위험이
있으므로, 10 미만인 셀은 비우고(또는 시도 단위로 묶고) 공개합니다.
"""
            ),
            exercise(
                "09.2",
                "09.1과 같은 열을 가진 표에서 `수급 가구 수`가 10 미만인 셀을 비운(NaN) "
                "공개용 표를 만드세요. 10 이상인 셀은 그대로 둡니다.",
                "safe = table.copy()\n"
                'safe["수급 가구 수"] = safe["수급 가구 수"].astype(float)\n'
                'safe.loc[safe["수급 가구 수"] < 10, "수급 가구 수"] = float("nan")\n'
                "answer = safe",
            ),
            md(
                """
## 모형

수급 여부(0/1)를 월소득과 가구원수로 설명하는 로지스틱 회귀입니다. 계수가 음수면 소득이
높을수록 수급 가능성이 낮다는 뜻입니다(연관이지 인과가 아님).
"""
            ),
            exercise(
                "09.3",
                "`기초생활수급`을 0/1 정수 열 `수급`으로 만든 뒤 `수급 ~ 월소득 + 가구원수` "
                '로지스틱 회귀(`kind="logit"`)를 적합하고 `월소득`의 계수를 답하세요.',
                'coded = households.assign(수급=households["기초생활수급"].astype(int))\n'
                'logit = wb.blocks.regression(coded, "수급 ~ 월소득 + 가구원수", kind="logit")\n'
                'answer = logit.coefficients.loc["월소득", "계수"]',
            ),
            md(
                """
## 마치며

결과를 공개하려면 이 분석을 표준 분석 노트북으로 옮기고(매개변수 칸, 메타데이터,
`wb.publish(..., counts="수급 가구 수")`), `workbench run`으로 실행해 공개 점검을 받습니다.
실행 기록(manifest.json)이 있으면 누구든 같은 결과를 다시 만들 수 있습니다.
"""
            ),
        ],
    )


def lesson_10():
    lesson(
        10,
        "complaint_text",
        "민원 텍스트 분석",
        [
            md(
                """
# 10강. 민원 텍스트 분석: 개인정보를 먼저 가리고 단어로 읽기

**배울 내용**: 비정형 자료인 민원 본문을 다룰 때 개인정보를 가장 먼저 가리는 법, 형태소
분석기(Kiwi)로 단어를 뽑는 법, 집단민원을 한 건으로 세는 법, 갑자기 늘어난 단어를 찾는 법.

민원 본문에는 성명·전화번호·주민등록번호가 섞여 있습니다. 그래서 **원문은 화면에 띄우지
않고**, 첫 단계에서 가린 본문만 이후 모든 단계에 씁니다.
"""
            ),
            md(HOW_TO),
            code(
                SETUP
                + "\n\ncomplaints = wb.samples.complaints(n=1000, seed=0)\n"
                + 'complaints[["접수일", "시군구", "분야", "처리부서"]].head()'
            ),
            md(
                """
## 1. 개인정보부터 가리기

`wb.blocks.mask_complaints`는 본문마다 `wb.ethics`의 가리기 규칙(문맥 속 성명, 주민등록번호,
전화번호, 주소, 계좌번호 등)을 적용합니다. 가린 본문만 화면에 보여도 됩니다.
"""
            ),
            code(
                'texts = wb.blocks.mask_complaints(complaints["민원내용"])\n'
                '[t for t in texts if "*" in t][:2]'
            ),
            exercise(
                "10.1",
                "가리기 전과 뒤의 본문이 다른(개인정보가 있던) 민원은 몇 건인가요?",
                'pairs = zip(complaints["민원내용"], texts, strict=True)\n'
                "answer = sum(1 for before, after in pairs if before != after)",
            ),
            md(
                """
## 2. 형태소 분석으로 단어 뽑기

`wb.blocks.KoreanTokenizer`는 Kiwi로 본문을 형태소로 나누고 명사(기본)만 남깁니다. 지역명과
사업명은 사용자 사전에 있어 한 단어로 남고, "안녕하세요", "부탁드립니다" 같은 행정 상투어는
빠집니다. `pos=["noun", "verb"]`처럼 품사를 고를 수 있습니다.
"""
            ),
            code("tokens = wb.blocks.KoreanTokenizer().tokenize(texts)\ntokens[0]"),
            exercise(
                "10.2",
                "가장 많은 민원에 나온 단어는 무엇인가요? (한 민원에 여러 번 나와도 한 번으로 셉니다)",
                "from collections import Counter\n\n"
                "counts = Counter(word for words in tokens for word in set(words))\n"
                "answer = counts.most_common(1)[0][0]",
            ),
            md(
                """
## 3. 집단민원은 한 건으로

같은 문장으로 여러 사람이 낸 민원(집단민원)은 그대로 세면 추이와 주제를 왜곡합니다.
`wb.blocks.near_duplicates`는 거의 같은 본문끼리 묶어 번호를 붙입니다(묶음이 아니면 0).
"""
            ),
            code(
                "campaign = wb.blocks.near_duplicates(texts)\n"
                'wb.blocks.campaign_table(complaints, campaign, texts, region="시군구")'
            ),
            exercise(
                "10.3",
                "집단민원 묶음에 든 민원은 모두 몇 건인가요?",
                "answer = int((campaign > 0).sum())",
            ),
            md(
                """
## 4. 갑자기 늘어난 단어

`wb.blocks.rising_terms`는 지역마다 각 달의 언급 민원 수를 직전 3개월과 비교해(이항 검정,
본페로니 보정) 급증한 단어를 표시합니다. 집단민원은 `one_per_campaign`으로 한 건만 남깁니다.
"""
            ),
            code(
                "keep = wb.blocks.one_per_campaign(campaign)\n"
                "kept = complaints[keep].reset_index(drop=True)\n"
                "kept_tokens = [t for t, k in zip(tokens, keep, strict=True) if k]\n"
                'rising = wb.blocks.rising_terms(kept, kept_tokens, region="시군구")\n'
                'rising[rising["급증"]].head()'
            ),
            exercise(
                "10.4",
                "가장 유의하게 급증한 단어는 무엇인가요? (결과는 보정 p값이 작은 순서입니다)",
                'answer = rising.loc[rising["급증"], "단어"].iloc[0]',
            ),
            md(
                """
## 정리

- 민원 본문은 **가장 먼저 가리고**, 가린 본문만 씁니다.
- 단어는 형태소 분석으로 뽑고, 상투어와 지역명은 뺍니다.
- 집단민원은 한 건으로 세고, 급증 단어는 검정으로 가립니다.
- 같은 과정을 표준 분석으로 돌리려면: `workbench run complaint_text` (주제, 부서 배정 평가,
  작은 칸 가림까지 보고서로 만들어 줍니다).
"""
            ),
        ],
    )


def main():
    for build in (
        lesson_01,
        lesson_02,
        lesson_03,
        lesson_04,
        lesson_05,
        lesson_06,
        lesson_07,
        lesson_08,
        lesson_09,
        lesson_10,
    ):
        build()
    notebooks = sorted(str(path) for path in HERE.glob("[0-9][0-9]_*.ipynb"))
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", *notebooks], check=True)


if __name__ == "__main__":
    main()
