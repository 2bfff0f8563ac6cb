"""The quality gate of retraining: can a model find a document again from a random passage of it?

Self-retrieval needs no labelled queries, so it works on any user's corpus:
for each sampled document a random run of consecutive words becomes the
query, and the document itself is the one relevant answer among all indexed
documents. Two models are compared on the same passages (same seed), so the
figures are paired.
"""
import random
from collections.abc import Sequence

import numpy as np

from .evaluation import ranking_metrics
from .index import VectorIndex

PASSAGE_WORDS = 12


def passages(texts: Sequence[str], seed: int = 0, words: int = PASSAGE_WORDS) -> list[str]:
    """One passage of `words` consecutive words per text (the whole text when it is shorter)."""
    rng = random.Random(seed)
    out = []
    for text in texts:
        tokens = text.split()
        start = rng.randint(0, max(0, len(tokens) - words))
        out.append(" ".join(tokens[start:start + words]))
    return out


def self_retrieval(encoder, index: VectorIndex, ids: Sequence[int], texts: Sequence[str], seed: int = 0,
                   words: int = PASSAGE_WORDS) -> dict:
    """Average MRR@10 and Recall@10 of finding document ids[i] in `index` from a passage of texts[i].

    `encoder` is anything with encode(list[str]) -> vectors of the index's dimension.
    """
    if not len(ids):
        return {"mrr@10": 0.0, "recall@10": 0.0, "queries": 0}
    queries = np.asarray(encoder.encode(passages(texts, seed, words)), dtype=np.float32)
    _, ranked = index.search(queries, min(10, len(index)))
    totals = {"mrr@10": 0.0, "recall@10": 0.0}
    for doc_id, row in zip(ids, ranked):
        figures = ranking_metrics([str(r) for r in row if r >= 0], {str(doc_id): 1})
        for name in totals:
            totals[name] += figures[name]
    return {**{name: round(value / len(ids), 4) for name, value in totals.items()}, "queries": len(ids)}


def not_worse(new: float, current: float | None, tolerance: float = 0.0) -> bool:
    """Whether the new figure may replace the current one without a person deciding."""
    return current is None or new >= current - tolerance
