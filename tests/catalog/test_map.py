"""The data map: search, related datasets, and the HTML page and PNG drawing."""

from __future__ import annotations

import re
import unicodedata
import warnings
from pathlib import Path

import matplotlib
import pytest

from workbench.catalog._catalog import open_catalog
from workbench.catalog._map import AnalysisUse, key_roles, related, search, write_map
from workbench.exceptions import CatalogError, ParameterError

# Five agencies; 법정동코드 held under three column names; 사업자등록번호 linking two
# agencies; one dataset with no key at all. No source exists: the map never loads data.
CATALOG = """\
datasets:
  welfare:
    title: 기초생활보장 수급 가구
    owner: 보건복지부
    description: Monthly household INCOME and benefits of recipient households.
    source: data/welfare.csv
    sensitivity: personal
    update_cycle: 매월
    columns:
      가구ID: {key: 가구ID, description: 가구 식별자}
      법정동코드: {key: 법정동코드, description: 거주지}
      월소득: {type: int, description: 월 소득(만원)}
  population:
    title: 주민등록 인구
    owner: 통계청
    description: 법정동별 주민등록 인구.
    source: data/population.parquet
    sensitivity: public
    columns:
      법정동코드: {key: 법정동코드}
      인구: {type: int}
  businesses:
    title: 사업자 현황
    owner: 국세청
    source: data/businesses.csv
    sensitivity: internal
    columns:
      사업자번호: {key: 사업자등록번호, pii: business_id}
      소재지코드: {key: 법정동코드, description: 사업장 소재지}
      업종: {description: 표준산업분류}
  loans:
    title: 정책자금 대출
    owner: 중소벤처기업부
    description: Policy loans to small businesses.
    source: data/loans.csv
    sensitivity: pseudonymised
    columns:
      brn: {key: 사업자등록번호, description: business registration number}
      amount: {type: float, description: 대출 금액(만원)}
  districts:
    title: 행정동 인구 밀도
    owner: 행정안전부
    source: data/districts.csv
    sensitivity: public
    columns:
      adm_cd: {key: 행정동코드}
      bjd_cd: {key: 법정동코드}
      인구밀도: {type: float}
  holidays:
    title: 공휴일 목록
    owner: 행정안전부
    source: data/holidays.csv
    sensitivity: public
    columns:
      날짜: {type: date}
"""


@pytest.fixture
def catalog(tmp_path: Path):
    path = tmp_path / "catalog.yml"
    path.write_text(CATALOG, encoding="utf-8")
    return open_catalog(path, project=tmp_path)


def names(hits) -> list[str]:
    return [hit.dataset for hit in hits]


# --- search -------------------------------------------------------------------------------


def test_korean_word_finds_a_column_containing_it(catalog):
    hits = search(catalog, "소득")
    assert names(hits) == ["welfare"]
    assert [(m.field, m.column) for m in hits[0].matches] == [
        ("column", "월소득"),
        ("column_description", "월소득"),
    ]


def test_english_word_finds_a_description_whatever_the_case(catalog):
    hits = search(catalog, "income")
    assert names(hits) == ["welfare"]
    assert hits[0].fields == ("description",)


def test_key_role_finds_every_dataset_holding_it_under_any_column_name(catalog):
    hits = search(catalog, "법정동")
    assert set(names(hits)) == {"welfare", "population", "businesses", "districts"}
    by_name = {hit.dataset: hit for hit in hits}
    assert ("key", "소재지코드") in [(m.field, m.column) for m in by_name["businesses"].matches]
    assert "key" in by_name["districts"].fields


def test_owner_agency_is_searched(catalog):
    assert names(search(catalog, "행정안전부")) == ["districts", "holidays"]


def test_name_and_title_matches_rank_first_then_more_matches_then_name(catalog):
    # Both titles mention 인구; population also matches in a column and its description.
    hits = search(catalog, "인구")
    assert names(hits) == ["population", "districts"]
    assert hits[0].fields == ("title", "column", "description")
    assert hits[1].fields == ("title", "column")
    ranked = search(catalog, "사업자")
    assert names(ranked)[0] == "businesses"  # title 사업자 현황
    assert ranked[0].fields[0] == "title"
    assert names(ranked)[1:] == ["loans"]  # only the key role 사업자등록번호


def test_several_words_must_all_match_somewhere(catalog):
    assert names(search(catalog, "소득 가구ID")) == ["welfare"]
    assert search(catalog, "소득 사업자") == []


def test_decomposed_hangul_and_fullwidth_letters_still_match(catalog):
    assert names(search(catalog, unicodedata.normalize("NFD", "소득"))) == ["welfare"]
    assert names(search(catalog, "ＩＮＣＯＭＥ")) == ["welfare"]


def test_search_is_deterministic(catalog):
    assert search(catalog, "코드") == search(catalog, "코드")


def test_empty_search_text_is_refused(catalog):
    with pytest.raises(ParameterError, match="검색어가 비어 있습니다") as info:
        search(catalog, "   ")
    assert (info.value.parameter, info.value.kind) == ("text", "empty")


# --- related ------------------------------------------------------------------------------


def test_related_lists_datasets_sharing_a_key_with_columns_on_each_side(catalog):
    links = related(catalog, "businesses")
    assert [r.other for r in links] == ["districts", "loans", "population", "welfare"]
    by_name = {r.other: r for r in links}
    assert by_name["loans"].roles == ("사업자등록번호",)
    assert by_name["loans"].keys[0].columns == ("사업자번호",)
    assert by_name["loans"].keys[0].other_columns == ("brn",)
    assert by_name["districts"].keys[0].columns == ("소재지코드",)
    assert by_name["districts"].keys[0].other_columns == ("bjd_cd",)
    assert by_name["welfare"].owner == "보건복지부"
    assert all(r.dataset == "businesses" for r in links)


def test_related_ranks_more_shared_keys_first(tmp_path):
    path = tmp_path / "catalog.yml"
    path.write_text(
        CATALOG
        + """\
  sales:
    title: 매출
    owner: 국세청
    source: data/sales.csv
    columns:
      bjd: {key: 법정동코드}
      사업자: {key: 사업자등록번호}
""",
        encoding="utf-8",
    )
    links = related(open_catalog(path, project=tmp_path), "businesses")
    assert links[0].other == "sales"
    assert links[0].roles == ("법정동코드", "사업자등록번호")


def test_related_excludes_the_dataset_and_those_without_keys(catalog):
    others = {r.other for r in related(catalog, "population")}
    assert others == {"welfare", "businesses", "districts"}
    assert related(catalog, "holidays") == []


def test_related_unknown_dataset_suggests_the_closest_name(catalog):
    with pytest.raises(CatalogError, match="비슷한 이름: 'businesses'"):
        related(catalog, "busineses")


# --- the map ------------------------------------------------------------------------------


def test_map_writes_a_korean_self_contained_page_and_a_png(catalog, tmp_path):
    html_path, png_path = write_map(catalog, tmp_path / "out" / "map")
    assert html_path == tmp_path / "out" / "map" / "data_map.html"
    assert png_path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert sorted(p.name for p in html_path.parent.iterdir()) == [
        "data_map.html",
        "data_map.png",
    ]  # nothing half-written left behind
    page = html_path.read_text(encoding="utf-8")
    assert '<html lang="ko">' in page
    assert "<title>자료 지도</title>" in page
    for agency in ("보건복지부", "통계청", "국세청", "중소벤처기업부", "행정안전부"):
        assert f"<h3>{agency} " in page
    for label in ("공개", "내부", "개인정보", "가명정보"):
        assert label in page
    assert "<svg" in page
    # The businesses card names its keys with their columns and links its partners.
    card = page[page.index('id="ds-businesses"') :]
    card = card[: card.index("</article>")]
    assert "법정동코드 (열 소재지코드)" in card
    assert "사업자등록번호 (열 사업자번호)" in card
    assert all(f'href="#ds-{n}"' in card for n in ("loans", "population", "welfare"))
    holidays = page[page.index('id="ds-holidays"') :]
    assert "연결 키: <span class=muted>없음</span>" in holidays[: holidays.index("</article>")]


def test_map_page_loads_nothing_from_the_network(catalog, tmp_path):
    page = write_map(catalog, tmp_path)[0].read_text(encoding="utf-8")
    for needle in ("<script", "<link", "<img", "src=", "@import", "@font-face"):
        assert needle not in page
    assert re.findall(r"url\((?!#)", page) == []  # only the drawing's own clip paths
    # The only addresses are the SVG namespaces, which browsers never fetch.
    assert set(re.findall(r"https?://[^\s\"']+", page)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }


def test_map_escapes_text_from_the_catalog(tmp_path):
    path = tmp_path / "catalog.yml"
    path.write_text(
        """\
datasets:
  evil:
    title: "<script>alert('x')</script>"
    owner: "A & B <기관>"
    description: '"quoted" <b>bold</b>'
    source: x.csv
    columns:
      "<col>": {key: "<key>"}
  other:
    title: 다른 자료
    owner: 통계청
    source: y.csv
    columns:
      k: {key: "<key>"}
""",
        encoding="utf-8",
    )
    page = write_map(open_catalog(path, project=tmp_path), tmp_path)[0].read_text("utf-8")
    assert "<script>" not in page
    assert "<b>bold" not in page
    assert "<col>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "A &amp; B &lt;기관&gt;" in page


def test_map_png_draws_korean_without_missing_glyphs_and_keeps_settings(catalog, tmp_path):
    before = dict(matplotlib.rcParams)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_map(catalog, tmp_path)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert dict(matplotlib.rcParams) == before  # the caller's matplotlib style is untouched


def test_map_bytes_are_the_same_for_the_same_catalog(catalog, tmp_path):
    first = write_map(catalog, tmp_path / "a")
    second = write_map(catalog, tmp_path / "b")
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()


def test_map_replaces_an_earlier_map(catalog, tmp_path):
    (tmp_path / "data_map.html").write_text("old", encoding="utf-8")
    html_path, _ = write_map(catalog, tmp_path)
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_map_of_an_empty_catalog_says_so(tmp_path):
    path = tmp_path / "catalog.yml"
    path.write_text("datasets: {}\n", encoding="utf-8")
    html_path, png_path = write_map(open_catalog(path, project=tmp_path), tmp_path)
    assert "연결 키를 선언한 자료가 없습니다" in html_path.read_text(encoding="utf-8")
    assert png_path.stat().st_size > 0


# --- the drawing: whole names, few crossings, the analyses' joins --------------------------

LONG_TITLE = (
    "시군구별 연령대별 성별 주민등록 인구와 세대 및 1인 가구 비율 (2026년 4월 말 기준, 행정동 포함)"
)
LONG_AGENCY = "행정안전부 지방자치분권실 지역균형발전국 지역경제지원과"


def _catalog_of(tmp_path, text):
    path = tmp_path / "catalog.yml"
    path.write_text(text, encoding="utf-8")
    return open_catalog(path, project=tmp_path)


def test_map_draws_every_name_whole_inside_its_box(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from workbench.catalog._map_drawing import draw, layout
    from workbench.plotting import use_korean_font

    catalog = _catalog_of(
        tmp_path,
        f"""\
datasets:
  long_population:
    title: "{LONG_TITLE}"
    owner: "{LONG_AGENCY}"
    source: x.csv
    columns:
      법정동코드: {{key: 법정동코드}}
  short:
    title: 인구
    owner: 통계청
    source: y.csv
    columns:
      지역코드: {{key: 법정동코드}}
""",
    )
    uses = [AnalysisUse("region_summary", "지역별 인구 구조와 1인 가구 비율 요약 분석", ("short",))]
    with matplotlib.rc_context():
        use_korean_font()
        fig = draw(catalog, uses)
        FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = {t.get_text(): t for t in fig.axes[0].texts}
    assert not [s for s in texts if s.endswith("...") or "…" in s]
    label = f"{LONG_TITLE} (long_population)"
    assert label in texts and LONG_AGENCY in texts
    assert uses[0].label in texts
    # Each dataset label ends left of its box's right edge (where the 공개/내부 tag sits).
    plan = layout(catalog, uses)
    right = plan.columns["datasets"][1] * fig.dpi
    for name in ("long_population", "short"):
        title = catalog[name].title
        extent = texts[f"{title} ({name})"].get_window_extent(renderer)
        assert extent.x1 < right - 0.4 * fig.dpi
    width = fig.get_figwidth() * fig.dpi
    assert all(t.get_window_extent(renderer).x1 <= width for t in texts.values())


CROSSING = """\
datasets:
  first:
    title: 첫째 자료
    owner: 가기관
    source: a.csv
    columns: {{c: {{key: 다키}}}}
  second:
    title: 둘째 자료
    owner: 가기관
    source: b.csv
    columns: {{c: {{key: 나키}}}}
  third:
    title: 셋째 자료
    owner: 나기관
    source: c.csv
    columns: {{c: {{key: 가키}}}}
"""


def test_map_orders_links_so_that_none_cross_when_an_order_allows_it(tmp_path):
    from workbench.catalog._map_drawing import crossings, layout

    catalog = _catalog_of(tmp_path, CROSSING.format())
    uses = [
        AnalysisUse("uses_third", "셋째를 쓰는 분석", ("third",)),
        AnalysisUse("uses_first", "첫째를 쓰는 분석", ("first",)),
    ]
    key_links = [(r, n) for n in catalog for r in key_roles(catalog[n])]
    use_links = [(n, u.name) for u in uses for n in u.datasets]
    # In the catalog's own order (roles by name, analyses as given) every link crosses.
    rows, roles = list(catalog), sorted({r for r, _ in key_links})
    assert crossings(roles, rows, key_links) == 3
    assert crossings(rows, [u.name for u in uses], use_links) == 1

    plan = layout(catalog, uses)
    drawn = sorted(plan.rows, key=plan.rows.__getitem__)
    hubs = sorted(plan.hubs, key=plan.hubs.__getitem__)
    analyses = sorted(plan.analyses, key=plan.analyses.__getitem__)
    assert crossings(hubs, drawn, key_links) == 0
    assert crossings(drawn, analyses, use_links) == 0
    # Datasets stay with their agency.
    assert [catalog[n].owner for n in drawn] in (
        ["가기관"] * 2 + ["나기관"],
        ["나기관"] + ["가기관"] * 2,
    )


def test_crossings_counts_pairs_of_links_that_swap_order():
    from workbench.catalog._map_drawing import crossings

    assert crossings("ab", "xy", [("a", "x"), ("b", "y")]) == 0
    assert crossings("ab", "xy", [("a", "y"), ("b", "x")]) == 1
    assert (
        crossings("ab", "xy", [("a", "x"), ("a", "y"), ("b", "x")]) == 1
    )  # shared ends never cross
    assert crossings("abc", "xyz", [("a", "z"), ("b", "y"), ("c", "x")]) == 3


def test_catalog_map_command_shows_the_analyses_and_the_columns_they_join_on(tmp_path):
    from typer.testing import CliRunner

    from workbench.cli import app

    result = CliRunner().invoke(app, ["catalog", "map", "--samples", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "data_map.html").read_text(encoding="utf-8")
    table = page[page.index("<h2>분석이 쓰는 자료와 결합</h2>") :]
    table = table[: table.index("</table>")]
    row = table[table.index("<code>apartment_fees</code></td>") :]
    row = row[: row.index("</tr>")]
    for dataset in ("apartment_fees", "apartment_invoices", "apartment_bids"):
        assert f'href="#ds-{dataset}"' in row
    assert "단지코드" in row
    # A one-input analysis reads its dataset without a join.
    welfare = table[table.index("<code>welfare_blind_spots</code>") :]
    assert "결합 없음" in welfare[: welfare.index("</tr>")]
