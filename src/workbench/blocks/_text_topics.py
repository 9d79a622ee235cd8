"""Topics of complaints: TF-IDF plus non-negative matrix factorisation (scikit-learn).

Each topic is named by its top terms and shown with masked example sentences: the
complaints that weigh most on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from workbench.blocks._checks import check_number
from workbench.blocks._messages import length_error, parameter_error
from workbench.blocks._text_campaigns import first_sentence

__all__ = ["ComplaintTopics"]


def tfidf(max_features: int, min_df: int, *, ngrams: int = 1) -> Any:
    """Return the TF-IDF vectoriser shared by the text blocks (words split at spaces)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        tokenizer=str.split,
        token_pattern=None,
        lowercase=False,
        max_features=max_features,
        min_df=min_df,
        sublinear_tf=True,
        ngram_range=(1, ngrams),
        dtype=np.float64,
    )


class ComplaintTopics(TransformerMixin, BaseEstimator):
    """Find topics in complaints with TF-IDF and NMF; name them by their top terms.

    Parameters
    ----------
    n_topics : int, default 6
        Number of topics.
    max_features : int, default 2000
        Largest vocabulary, the most frequent terms.
    min_df : int, default 2
        Fewest complaints a term must appear in.
    n_terms : int, default 5
        Terms that name a topic (``주제명`` uses the first three).
    seed : int, default 0
        Random state of NMF (its ``nndsvda`` start is deterministic already; the seed
        is kept for reproducible tie-breaking across versions).

    Attributes
    ----------
    vectorizer_ : sklearn.feature_extraction.text.TfidfVectorizer
    nmf_ : sklearn.decomposition.NMF
    terms_ : numpy.ndarray of str
        The vocabulary, in column order.
    names_ : list of str
        Each topic's name: its top three terms joined by ``·``.

    Examples
    --------
    >>> docs = ["도로 포트홀 보수", "포트홀 도로 파손", "소음 공사장 새벽", "공사장 소음 단속"] * 3
    >>> topics = ComplaintTopics(n_topics=2, min_df=1).fit(docs)
    >>> sorted(topics.names_)
    ['공사장·소음·단속', '도로·포트홀·보수']
    >>> topics.predict(["포트홀 도로"]).tolist() == topics.predict(["도로 보수"]).tolist()
    True
    """

    def __init__(
        self,
        n_topics: int = 6,
        max_features: int = 2000,
        min_df: int = 2,
        n_terms: int = 5,
        seed: int = 0,
    ) -> None:
        self.n_topics = n_topics
        self.max_features = max_features
        self.min_df = min_df
        self.n_terms = n_terms
        self.seed = seed

    def _check_params(self) -> None:
        check_number("ComplaintTopics", "n_topics", self.n_topics, int, 1)
        check_number("ComplaintTopics", "max_features", self.max_features, int, 1)
        check_number("ComplaintTopics", "min_df", self.min_df, int, 1)
        check_number("ComplaintTopics", "n_terms", self.n_terms, int, 1)
        check_number("ComplaintTopics", "seed", self.seed, int, 0)

    def fit(self, documents: Sequence[str], y: None = None) -> ComplaintTopics:
        """Learn the vocabulary and the topics.

        Parameters
        ----------
        documents : sequence of str
            One document per complaint: its words joined by spaces
            (:func:`token_documents`). Keep one complaint per campaign
            (:func:`one_per_campaign`), or a campaign becomes a topic of its own.
        y : None
            Ignored.

        Returns
        -------
        ComplaintTopics
            The fitted estimator.
        """
        from sklearn.decomposition import NMF

        self._check_params()
        docs = [str(d) for d in documents]
        if sum(1 for d in docs if d.strip()) < self.n_topics:
            found = sum(1 for d in docs if d.strip())
            raise parameter_error(
                "few_documents",
                "documents",
                function="ComplaintTopics.fit",
                expected=self.n_topics,
                got=found,
                kind="too_few",
                n_topics=self.n_topics,
            )
        self.vectorizer_ = tfidf(self.max_features, self.min_df)
        matrix = self.vectorizer_.fit_transform(docs)
        self.terms_ = np.asarray(self.vectorizer_.get_feature_names_out())
        self.nmf_ = NMF(
            n_components=self.n_topics, init="nndsvda", random_state=self.seed, max_iter=400
        ).fit(matrix)
        order = np.argsort(-self.nmf_.components_, axis=1, kind="stable")
        self.top_terms_ = [list(self.terms_[row[: self.n_terms]]) for row in order]
        self.names_ = ["·".join(terms[:3]) for terms in self.top_terms_]
        return self

    def transform(self, documents: Sequence[str]) -> np.ndarray:
        """Return each document's weight on each topic (rows: documents)."""
        return np.asarray(self.nmf_.transform(self.vectorizer_.transform(list(documents))))

    def predict(self, documents: Sequence[str]) -> np.ndarray:
        """Return each document's main topic (0-based; -1 when it weighs on none)."""
        weights = self.transform(documents)
        best = weights.argmax(axis=1)
        return np.where(weights.max(axis=1) > 0, best, -1)

    def topic_table(self, documents: Sequence[str]) -> pd.DataFrame:
        """Describe the topics: name, top terms and how many complaints each one leads.

        Returns
        -------
        pandas.DataFrame
            ``주제`` (1-based), ``주제명``, ``주요 단어``, ``민원 수`` (documents whose
            main topic it is), ``비율``.
        """
        main = self.predict(documents)
        counts = np.bincount(main[main >= 0], minlength=self.n_topics)
        return pd.DataFrame(
            {
                "주제": np.arange(1, self.n_topics + 1),
                "주제명": self.names_,
                "주요 단어": [", ".join(terms) for terms in self.top_terms_],
                "민원 수": counts,
                "비율": np.round(counts / max(len(main), 1), 4),
            }
        )

    def examples(self, documents: Sequence[str], texts: Sequence[str], n: int = 2) -> pd.DataFrame:
        """Return the ``n`` complaints that weigh most on each topic, as masked sentences.

        Parameters
        ----------
        documents : sequence of str
            The token documents the topics read.
        texts : sequence of str
            The same complaints' masked texts (:func:`mask_complaints`); they are
            masked once more here, so a raw text never reaches the table.
        n : int, default 2
            Examples per topic.

        Returns
        -------
        pandas.DataFrame
            ``주제``, ``주제명``, ``예시`` (the first sentence of the complaint).
        """
        from workbench.ethics import mask_text

        n = check_number("ComplaintTopics.examples", "n", n, int, 1)
        if len(texts) != len(documents):
            raise length_error(
                "ComplaintTopics.examples",
                "texts",
                "texts_documents",
                expected=len(documents),
                got=len(texts),
                texts=len(texts),
                documents=len(documents),
            )
        weights = self.transform(documents)
        main = weights.argmax(axis=1)
        rows = []
        for topic in range(self.n_topics):
            score = np.where(main == topic, weights[:, topic], -1.0)
            chosen: list[str] = []
            for i in np.argsort(-score, kind="stable"):
                if score[i] <= 0 or len(chosen) == n:
                    break
                sentence = mask_text(first_sentence(texts[int(i)]))
                if sentence not in chosen:
                    chosen.append(sentence)
            rows += [(topic + 1, self.names_[topic], s) for s in chosen]
        return pd.DataFrame(rows, columns=["주제", "주제명", "예시"])
