"""Lexical rankers over the same tokens as the encoder: TF-IDF cosine and BM25.

They are the baselines the dense model is measured against, and the keyword
half of hybrid search.
"""
import bm25s
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .text import tokenise


class TfidfRanker:
    """Cosine similarity of sublinear TF-IDF vectors."""

    def __init__(self, texts: list[str]):
        self.vectorizer = TfidfVectorizer(tokenizer=tokenise, lowercase=False, token_pattern=None, sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(texts)

    def search(self, queries: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, row numbers), each (n_queries, k), best first."""
        scores = (self.vectorizer.transform(queries) @ self.matrix.T).toarray()
        return _top_k(scores, k)


class Bm25Ranker:
    """Okapi BM25 (k1=1.5, b=0.75) from the bm25s package."""

    def __init__(self, texts: list[str]):
        self.size = len(texts)
        self.retriever = bm25s.BM25()
        self.retriever.index([tokenise(text) for text in texts], show_progress=False)

    def search(self, queries: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, row numbers), each (n_queries, k), best first; row -1 past the matching documents."""
        scores = np.stack([self.retriever.get_scores(tokenise(query)) for query in queries]) if queries else np.zeros((0, self.size))
        return _top_k(scores, k)


def _top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    k = min(k, scores.shape[1])
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    top_scores = np.take_along_axis(scores, top, axis=1)
    top = np.where(top_scores > 0, top, -1)
    return top_scores.astype(np.float32), top.astype(np.int64)


# The keyword half of hybrid search, by name (settings.SEARCH_KEYWORD_RANKER, evaluate's tuning).
RANKERS = {"bm25": Bm25Ranker, "tfidf": TfidfRanker}
