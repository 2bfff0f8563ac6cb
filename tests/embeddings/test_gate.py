"""The quality gate's measure: a model finds a document again from a random passage of it."""
import zlib

import numpy as np

from embeddings import gate
from embeddings.encoder import Encoder
from embeddings.index import VectorIndex

from .conftest import small_corpus


class RandomEncoder:
    """A model that learned nothing: a fixed random vector per text."""

    def __init__(self, dim):
        self.dim = dim

    def encode(self, texts):
        vectors = np.stack([np.random.default_rng(zlib.crc32(t.encode())).normal(size=self.dim) for t in texts])
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _figures(encoder, texts):
    ids = np.arange(len(texts))
    index = VectorIndex.build(ids, encoder.encode(texts), "test")
    return gate.self_retrieval(encoder, index, ids.tolist(), texts, seed=3, words=6)


def test_passages_are_runs_of_the_texts_words_and_repeatable():
    texts = ["one two three four five six seven eight", "short text"]
    first = gate.passages(texts, seed=1, words=3)
    assert first == gate.passages(texts, seed=1, words=3)
    assert first[0] in texts[0] and len(first[0].split()) == 3
    assert first[1] == "short text"  # shorter than a passage: the whole text


def test_a_trained_model_finds_documents_from_passages_better_than_chance(tiny_model):
    texts = small_corpus()
    trained = _figures(Encoder.load(tiny_model), texts)
    random = _figures(RandomEncoder(Encoder.load(tiny_model).dim), texts)
    assert trained["queries"] == len(texts)
    assert trained["mrr@10"] > random["mrr@10"]
    assert 0 <= random["mrr@10"] <= trained["mrr@10"] <= 1


def test_not_worse_allows_a_tolerance_and_passes_without_a_current_model():
    assert gate.not_worse(0.50, None)
    assert gate.not_worse(0.50, 0.50) and not gate.not_worse(0.49, 0.50)
    assert gate.not_worse(0.49, 0.50, tolerance=0.02)


def test_no_documents_give_zero_queries():
    assert gate.self_retrieval(RandomEncoder(4), VectorIndex.create(4, "x"), [], [])["queries"] == 0
