"""Complaint text blocks: masking first, Kiwi tokens, trends, topics, routing, campaigns."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import normalized_mutual_info_score

from korean_check import assert_korean
from workbench import blocks, samples
from workbench.exceptions import ParameterError
from workbench.samples._complaints import (
    CAMPAIGN_MONTH,
    CAMPAIGN_PHRASE,
    CATEGORIES,
    RISING_MONTH,
    RISING_REGION,
    RISING_TERM,
    planted_identifiers,
)

N = 1500


@pytest.fixture(scope="module")
def frame():
    return samples.complaints(n=N, seed=0)


@pytest.fixture(scope="module")
def masked(frame):
    return blocks.mask_complaints(frame["민원내용"])


@pytest.fixture(scope="module")
def tokens(masked):
    return blocks.KoreanTokenizer().tokenize(masked)


@pytest.fixture(scope="module")
def documents(tokens):
    return np.asarray(blocks.token_documents(tokens), dtype=object)


@pytest.fixture(scope="module")
def campaigns(masked):
    return blocks.near_duplicates(masked)


# --- the sample ---------------------------------------------------------------------------


def test_sample_is_seeded_and_carries_planted_identifiers(frame):
    pd.testing.assert_frame_equal(frame, samples.complaints(n=N, seed=0))
    assert not frame.equals(samples.complaints(n=N, seed=1))
    assert set(frame["분야"]) == set(CATEGORIES)
    assert frame["접수번호"].is_unique
    identifiers = planted_identifiers(frame["민원내용"])
    assert sum(1 for i in identifiers if re.fullmatch("[가-힣]{3}", i)) >= 20
    assert sum(1 for i in identifiers if re.fullmatch(r"\d{6}-\d{7}", i)) >= 10
    assert sum(1 for i in identifiers if i.startswith("010-")) >= 40


def test_sample_rejects_bad_arguments():
    with pytest.raises(ParameterError) as info:
        samples.complaints(n=5)
    assert (info.value.parameter, info.value.got) == ("n", 5)
    with pytest.raises(ParameterError) as info:
        samples.complaints(seed=-1)
    assert (info.value.parameter, info.value.got) == ("seed", -1)


# --- masking and tokens -------------------------------------------------------------------


def test_masking_leaves_no_planted_identifier_in_texts_or_tokens(frame, masked, tokens):
    identifiers = planted_identifiers(frame["민원내용"])
    assert identifiers
    text = "\n".join(masked) + "\n".join(" ".join(t) for t in tokens)
    assert not [i for i in identifiers if i in text]
    assert masked[0] and len(masked) == len(frame)


def test_tokenizer_keeps_chosen_parts_of_speech_and_drops_boilerplate():
    text = [
        "안녕하세요. 마포구 합정동 도로에 싱크홀이 생겨 땅이 꺼졌습니다. 빠른 조치 부탁드립니다."
    ]
    assert blocks.KoreanTokenizer().tokenize(text) == [["도로", "싱크홀"]]
    with_verbs = blocks.KoreanTokenizer(pos=["noun", "verb"]).tokenize(text)[0]
    assert "생기다" in with_verbs and "꺼지다" in with_verbs
    sentence = ["수원시 장안구 조원동 앞 도로가 파손되었습니다."]
    places = blocks.KoreanTokenizer(keep_places=True).tokenize(sentence)
    assert places == [["수원시", "장안구", "조원동", "도로", "파손"]]  # region names stay whole
    assert blocks.KoreanTokenizer().tokenize(sentence) == [["도로", "파손"]]
    own = blocks.KoreanTokenizer(user_words=["새올민원"]).tokenize(["새올민원 접수 오류"])
    assert "새올민원" in own[0]


SENTENCES = [
    "안녕하세요. 마포구 합정동 도로에 싱크홀이 생겨 땅이 꺼졌습니다. 빠른 조치 부탁드립니다.",
    "층간소음 때문에 잠을 못 잡니다.",
    "수원시 장안구 조원동 앞 도로가 파손되었습니다.",
    "불법주차 차량이 많아 통행이 불편합니다.",
]


def test_mecab_tokenizer_keeps_the_same_words_as_kiwi():
    mecab = blocks.KoreanTokenizer(tokenizer="mecab")
    assert mecab.tokenize(SENTENCES) == blocks.KoreanTokenizer().tokenize(SENTENCES)
    # MeCab splits 층간/소음; the user dictionary's words are joined back.
    assert mecab.tokenize(["층간소음 신고"]) == [["층간소음", "신고"]]
    own = blocks.KoreanTokenizer(tokenizer="mecab", user_words=["생활불편"])
    assert own.tokenize(["생활불편 신고"]) == [["생활불편", "신고"]]
    verbs = blocks.KoreanTokenizer(tokenizer="mecab", pos=["noun", "verb"]).tokenize(SENTENCES[:1])
    assert "생기다" in verbs[0] and "꺼지다" in verbs[0]


@pytest.mark.parametrize("analyser", ["kiwi", "mecab"])
def test_dong_names_are_one_token_and_left_out_like_other_places(analyser):
    # Every 법정동 of the bundled source is in the user dictionary: no places= needed.
    dongs = ["삼성동", "효자동", "청운동", "정자동"]
    texts = [f"{d} 주민센터 앞 도로가 파손되었습니다." for d in dongs]
    tokenizer = blocks.KoreanTokenizer(tokenizer=analyser)
    assert tokenizer.tokenize(texts) == [["주민센터", "도로", "파손"]] * 4
    kept = blocks.KoreanTokenizer(tokenizer=analyser, keep_places=True)
    assert [words[0] for words in kept.tokenize(texts)] == dongs


@pytest.mark.parametrize("analyser", ["kiwi", "mecab"])
def test_an_agencys_own_place_names_come_through_places(analyser):
    # 행정동 names (청운효자동, 종로1·2·3·4가동) are not 법정동: the agency gives them.
    own = ["청운효자동", "부암효자동"]
    texts = [f"{d} 주민센터 앞 도로가 파손되었습니다." for d in own]
    tokenizer = blocks.KoreanTokenizer(tokenizer=analyser, places=own)
    assert tokenizer.tokenize(texts) == [["주민센터", "도로", "파손"]] * 2
    assert "청운효자동" not in blocks.region_words()
    kept = blocks.KoreanTokenizer(tokenizer=analyser, places=own, keep_places=True)
    assert [words[0] for words in kept.tokenize(texts)] == own


def test_mecab_missing_is_a_korean_error_naming_the_packages(monkeypatch):
    import sys

    from workbench.blocks import _text

    _text._mecab.cache_clear()
    monkeypatch.setitem(sys.modules, "mecab", None)  # as if it were not installed
    with pytest.raises(ParameterError) as caught:
        blocks.KoreanTokenizer(tokenizer="mecab").tokenize(["도로"])
    _text._mecab.cache_clear()
    assert caught.value.parameter == "tokenizer"
    assert "설치되어 있지 않습니다" in str(caught.value)
    assert "pip install python-mecab-ko python-mecab-ko-dic" in str(caught.value)
    with pytest.raises(ParameterError) as caught:
        blocks.KoreanTokenizer(tokenizer="okt").tokenize(["도로"])
    assert (caught.value.parameter, caught.value.got) == ("tokenizer", "okt")
    assert caught.value.expected == ["kiwi", "mecab"]
    assert_korean(str(caught.value), "KoreanTokenizer")


def test_tokenizer_rejects_unknown_part_of_speech():
    with pytest.raises(ParameterError) as caught:
        blocks.KoreanTokenizer(pos=["nouns"]).tokenize(["도로"])
    assert (caught.value.parameter, caught.value.got) == ("pos", ["nouns"])
    assert "noun" in caught.value.expected
    assert_korean(str(caught.value), "KoreanTokenizer", "['nouns']")


# --- planted signals ----------------------------------------------------------------------


def test_campaign_grouped_as_one_with_recall_and_purity_above_0_95(frame, campaigns):
    planted = frame["민원내용"].str.contains(CAMPAIGN_PHRASE).to_numpy()
    labels = campaigns[planted]
    assert (labels > 0).all()
    (number,) = set(labels.tolist())
    members = campaigns == number
    assert (members & planted).sum() / members.sum() >= 0.95
    assert (members & planted).sum() / planted.sum() >= 0.95
    table = blocks.campaign_table(frame, campaigns, frame["민원내용"], region="시군구")
    first = table.iloc[0]
    assert first["민원 수"] == members.sum() and first["첫 접수일"].startswith(CAMPAIGN_MONTH)
    assert CAMPAIGN_PHRASE in first["대표 문장"]
    keep = blocks.one_per_campaign(campaigns)
    assert keep.sum() == len(frame) - members.sum() + 1


@pytest.mark.parametrize("analyser", ["kiwi", "mecab"])
def test_rising_keyword_found_in_its_month_and_region(frame, masked, tokens, campaigns, analyser):
    if analyser == "mecab":
        tokens = blocks.KoreanTokenizer(tokenizer="mecab").tokenize(masked)
    keep = blocks.one_per_campaign(campaigns)
    kept = frame[keep].reset_index(drop=True)
    table = blocks.rising_terms(
        kept, [t for t, k in zip(tokens, keep, strict=True) if k], region="시군구"
    )
    rising = table[table["급증"]]
    top = rising.iloc[0]
    assert (top["단어"], top["기간"], top["시군구"]) == (RISING_TERM, RISING_MONTH, RISING_REGION)
    assert top["증가 배율"] >= 5
    others = rising[(rising["단어"] == RISING_TERM) & (rising["시군구"] != RISING_REGION)]
    assert others.empty


def test_campaign_words_rise_unless_campaigns_are_counted_once(frame, tokens):
    table = blocks.rising_terms(frame, tokens, region="시군구")
    assert "소각장" in set(table.loc[table["급증"], "단어"])


def test_topic_nmi_above_0_8(frame, documents, campaigns):
    keep = blocks.one_per_campaign(campaigns)
    topics = blocks.ComplaintTopics(n_topics=len(CATEGORIES), seed=0).fit(documents[keep])
    score = normalized_mutual_info_score(frame["분야"][keep], topics.predict(documents[keep]))
    assert score > 0.8
    table = topics.topic_table(documents[keep])
    assert table["민원 수"].sum() == keep.sum()
    assert all(len(name.split("·")) == 3 for name in table["주제명"])


def test_topic_examples_are_masked_sentences(frame, documents, campaigns):
    keep = blocks.one_per_campaign(campaigns)
    raw = frame["민원내용"][keep].tolist()  # deliberately the raw texts: masked again
    topics = blocks.ComplaintTopics(n_topics=6).fit(documents[keep])
    examples = topics.examples(documents[keep], raw, n=3)
    assert set(examples["주제"]) == set(range(1, 7))
    text = "\n".join(examples["예시"])
    assert not [i for i in planted_identifiers(raw) if i in text]


def test_routing_macro_f1_above_0_85_on_time_split(frame, documents):
    train, test = blocks.split_by_date(frame, "2024-10-01")
    router = blocks.ComplaintRouter(seed=0).fit(documents[train], frame["처리부서"][train])
    report = blocks.routing_report(frame["처리부서"][test], router.predict(documents[test]))
    assert report.macro_f1 > 0.85
    assert report.confusion.to_numpy().sum() == test.sum()
    assert list(report.per_class["부서"]) == sorted(set(CATEGORIES.values()))
    proba = router.predict_proba(documents[test])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    queue = blocks.least_sure(router, documents[test], n=10)
    assert len(queue) == 10 and queue["차이"].is_monotonic_increasing
    assert (queue["확률"] >= queue["다음 확률"]).all()


def test_split_by_date_refuses_a_date_outside_the_data(frame):
    with pytest.raises(ParameterError) as caught:
        blocks.split_by_date(frame, "2030-01-01")
    assert (caught.value.parameter, caught.value.kind) == ("test_from", "range")
    assert "test_from=2030-01-01의 한쪽에 있습니다" in str(caught.value)
    assert_korean(str(caught.value), "split_by_date")
    with pytest.raises(ParameterError) as caught:
        blocks.split_by_date(frame, "지난달")
    assert (caught.value.parameter, caught.value.got, caught.value.kind) == (
        "test_from",
        "지난달",
        "date",
    )
    assert_korean(str(caught.value), "split_by_date")


def test_router_needs_enough_complaints_per_department():
    with pytest.raises(ParameterError) as caught:
        blocks.ComplaintRouter().fit(["도로", "소음", "소음", "소음"], ["도로과"] + ["환경과"] * 3)
    assert (caught.value.parameter, caught.value.got) == ("y", {"도로과": 1, "환경과": 3})
    assert "부서별 건수: 도로과 1건, 환경과 3건" in str(caught.value)
    assert_korean(str(caught.value), "ComplaintRouter", "ComplaintRouter.fit")


@pytest.mark.parametrize(
    ("option", "value"), [("baseline", 0), ("min_count", 0), ("alpha", 0.0), ("min_ratio", 0.5)]
)
def test_rising_terms_rejects_bad_options(option, value):
    table = pd.DataFrame({"접수일": ["2024-01-01"]})
    with pytest.raises(ParameterError) as caught:
        blocks.rising_terms(table, [["도로"]], **{option: value})
    assert (caught.value.parameter, caught.value.got) == (option, value)
    assert f"rising_terms의 매개변수 '{option}'" in str(caught.value)


def test_trends_name_a_date_they_cannot_read_and_a_token_list_of_another_length():
    table = pd.DataFrame({"접수일": ["2024-01-01", "1월 2일"]})
    with pytest.raises(ParameterError) as caught:
        blocks.keyword_counts(table, [["도로"], ["소음"]])
    assert (caught.value.parameter, caught.value.got, caught.value.kind) == (
        "date",
        "1월 2일",
        "date",
    )
    assert "열 '접수일'의 2번째 값 '1월 2일'을 날짜로 읽을 수 없습니다" in str(caught.value)
    assert_korean(str(caught.value), "keyword_counts")
    with pytest.raises(ParameterError) as caught:
        blocks.keyword_counts(table, [["도로"]])
    assert (caught.value.parameter, caught.value.expected, caught.value.got) == ("tokens", 2, 1)
    assert_korean(str(caught.value), "keyword_counts")


def test_keyword_counts_are_complaints_per_month(frame, tokens):
    table = blocks.keyword_counts(frame, tokens, region="시군구", top_n=5)
    assert table["단어"].nunique() == 5
    months = table.groupby(["단어", "시군구"]).size()
    assert (months == 12).all()  # every month is listed, with 0 where nothing was said
    assert (table["민원 수"] <= table["전체 민원 수"]).all()


def test_same_inputs_give_identical_results(frame, documents, masked):
    first = blocks.ComplaintTopics(n_topics=6).fit(documents).examples(documents, masked)
    again = blocks.ComplaintTopics(n_topics=6).fit(documents).examples(documents, masked)
    pd.testing.assert_frame_equal(first, again)
    np.testing.assert_array_equal(blocks.near_duplicates(masked), blocks.near_duplicates(masked))
