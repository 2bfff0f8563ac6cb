"""Passages: the encoder's windows, each with its own vector, so a match deep inside a long text is found.

Encoder.encode_with_passages gives a document's vector and its passages'
vectors in one pass. Passage ids pack a document id and a window number
into one int64 for the FAISS index.
"""
import numpy as np


# Windows past this number are not indexed on their own (the document vector still covers them).
PASSAGE_SLOTS = 1024


def passage_ids(document_id: int, count: int) -> np.ndarray:
    return document_id * PASSAGE_SLOTS + np.arange(min(count, PASSAGE_SLOTS), dtype=np.int64)


def owner(passage_id: int) -> int:
    """The document a passage id belongs to."""
    return int(passage_id) // PASSAGE_SLOTS

