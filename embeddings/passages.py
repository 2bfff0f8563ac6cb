"""Passages: the encoder's windows, each with its own vector, so a match deep inside a long text is found.

A document's vector is the normalised mean of its window vectors
(Encoder.encode); encoding once here yields both, for the cost of one.
Passage ids pack a document id and a window number into one int64 for the
FAISS index.
"""
import numpy as np

from .encoder import Encoder
from .windows import batch_windows

# Windows past this number are not indexed on their own (the document vector still covers them).
PASSAGE_SLOTS = 1024


def encode_with_passages(encoder: Encoder, texts: list[str]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Document vectors as Encoder.encode gives them, and each text's (n_windows, dim) unit passage vectors."""
    windows, owners = batch_windows(list(texts), encoder.vocabulary, encoder.config.seq_len)
    units = _normalise(encoder.encode_windows(windows))
    documents = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    np.add.at(documents, owners, units)
    return _normalise(documents), [units[owners == i] for i in range(len(texts))]


def passage_ids(document_id: int, count: int) -> np.ndarray:
    return document_id * PASSAGE_SLOTS + np.arange(min(count, PASSAGE_SLOTS), dtype=np.int64)


def owner(passage_id: int) -> int:
    """The document a passage id belongs to."""
    return int(passage_id) // PASSAGE_SLOTS


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
