"""Near-duplicate complaints: campaigns of (nearly) the same text, counted once.

Repeated petitions would otherwise dominate keyword trends and topics. Complaints whose
TF-IDF vectors have a cosine similarity of at least ``threshold`` are linked, and every
connected group of at least ``min_size`` complaints is one campaign.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.blocks._checks import check_number, check_table
from workbench.blocks._messages import length_error

__all__ = ["campaign_table", "near_duplicates", "one_per_campaign"]

_CHUNK = 2000  # rows compared at once: memory stays bounded for 100k complaints


def near_duplicates(
    documents: Sequence[str], *, threshold: float = 0.8, min_size: int = 10
) -> np.ndarray:
    """Label the complaints that belong to a campaign of near-identical texts.

    Parameters
    ----------
    documents : sequence of str
        One masked text per complaint (:func:`mask_complaints`). Its words as written
        (split at spaces, particles kept) and word pairs are compared, so that only
        texts written (nearly) the same way are linked, not complaints that merely
        share a topic.
    threshold : float, default 0.8
        Smallest cosine similarity of TF-IDF vectors (words and word pairs) that links
        two complaints.
    min_size : int, default 10
        Fewest complaints that make a campaign; smaller groups (a handful of people
        who asked the same question in the same words) are left alone.

    Returns
    -------
    numpy.ndarray of int
        One label per complaint: 0 for none, else the campaign number (1, 2, ...),
        numbered by each campaign's first complaint.

    Examples
    --------
    >>> text = "역삼동 소각장 건립 계획에 반대합니다. 주민 의견 없이 추진하는 계획을 철회하십시오."
    >>> docs = [text] * 3 + ["안녕하세요. " + text, "도로에 포트홀이 생겼습니다."]
    >>> near_duplicates(docs, min_size=3).tolist()
    [1, 1, 1, 1, 0]
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import TfidfVectorizer

    threshold = check_number("near_duplicates", "threshold", threshold, float, 0, 1, low_open=True)
    min_size = check_number("near_duplicates", "min_size", min_size, int, 2)
    docs = [str(d) for d in documents]
    labels = np.zeros(len(docs), dtype=np.int64)
    if not any(d.strip() for d in docs):
        return labels
    vectors = TfidfVectorizer(
        tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 2)
    ).fit_transform(docs)
    rows, cols = [], []
    for start in range(0, len(docs), _CHUNK):
        similar = (vectors[start : start + _CHUNK] @ vectors.T).tocoo()
        keep = similar.data >= threshold - 1e-9
        rows.append(similar.row[keep] + start)
        cols.append(similar.col[keep])
    row, col = np.concatenate(rows), np.concatenate(cols)
    graph = csr_matrix((np.ones(len(row)), (row, col)), shape=(len(docs), len(docs)))
    _, component = connected_components(graph, directed=False)
    sizes = np.bincount(component)
    number = 0
    seen: dict[int, int] = {}
    for i, c in enumerate(component):
        if sizes[c] >= min_size and docs[i].strip():
            if c not in seen:
                number += 1
                seen[c] = number
            labels[i] = seen[c]
    return labels


def one_per_campaign(labels: Sequence[int]) -> np.ndarray:
    """Return a mask that keeps every complaint outside campaigns and one per campaign.

    Examples
    --------
    >>> one_per_campaign([0, 1, 1, 0, 2, 1, 2]).tolist()
    [True, True, False, True, True, False, False]
    """
    values = np.asarray(labels)
    first = ~pd.Series(values).duplicated().to_numpy()
    return (values == 0) | first


def campaign_table(
    frame: pd.DataFrame,
    labels: Sequence[int],
    texts: Sequence[str],
    *,
    date: str = "접수일",
    region: str | None = None,
) -> pd.DataFrame:
    """Describe each campaign: how many complaints, when, where, and one masked example.

    Parameters
    ----------
    frame : pandas.DataFrame
        The complaints.
    labels : sequence of int
        From :func:`near_duplicates`.
    texts : sequence of str
        The masked texts (:func:`mask_complaints`); never the raw ones.
    date : str, default "접수일"
        Column of dates.
    region : str, optional
        Column of regions: the number of regions and the most common one.

    Returns
    -------
    pandas.DataFrame
        One row per campaign, largest first: ``집단민원``, ``민원 수``, ``첫 접수일``,
        ``마지막 접수일``, [``지역 수``, ``주요 지역``], ``대표 문장`` (the first
        sentence of the campaign's first complaint, masked).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"접수일": ["2024-05-01", "2024-05-02", "2024-05-03"]})
    >>> texts = ["소각장 반대합니다. 끝", "소각장 반대합니다.", "x"]
    >>> table = campaign_table(frame, [1, 1, 0], texts)
    >>> table[["민원 수", "첫 접수일", "대표 문장"]].to_numpy().tolist()
    [[2, '2024-05-01', '소각장 반대합니다.']]
    """
    check_table("campaign_table", "frame", frame, [date] + ([region] if region else []))
    numbers = np.asarray(labels)
    if len(numbers) != len(frame) or len(texts) != len(frame):
        raise length_error(
            "campaign_table",
            "labels",
            "labels_texts",
            expected=len(frame),
            got=len(numbers),
            labels=len(numbers),
            texts=len(texts),
            rows=len(frame),
        )
    columns = ["집단민원", "민원 수", "첫 접수일", "마지막 접수일"]
    columns += ["지역 수", "주요 지역"] if region else []
    rows = []
    dates = pd.to_datetime(frame[date]).dt.strftime("%Y-%m-%d").to_numpy()
    for label in sorted(set(numbers.tolist()) - {0}):
        members = np.flatnonzero(numbers == label)
        row = [int(label), len(members), min(dates[members]), max(dates[members])]
        if region:
            places = frame[region].iloc[members].astype(str)
            counts = places.value_counts()
            row += [int(places.nunique()), str(sorted(counts[counts == counts.max()].index)[0])]
        rows.append([*row, first_sentence(texts[int(members[0])])])
    table = pd.DataFrame(rows, columns=[*columns, "대표 문장"])
    return table.sort_values(["민원 수", "집단민원"], ascending=[False, True]).reset_index(
        drop=True
    )


def first_sentence(text: str, limit: int = 80) -> str:
    """Return the first sentence of ``text`` after any greeting, cut at ``limit`` characters."""
    import re

    sentences = [s.strip() for s in re.split(r"(?<=[.!?。])\s+", str(text)) if s.strip()]
    greetings = ("안녕하세요", "수고 많으십니다", "담당자님께")
    body = [s for s in sentences if not s.startswith(greetings)] or sentences or [""]
    sentence = body[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"
