"""Ranked documents for a question, and a document's nearest neighbours, from the active index."""
import re
from dataclasses import dataclass

import numpy as np

from . import active, indexing
from .models import Document, DocumentVector

SNIPPET_CHARS = 240
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass
class Hit:
    document: Document
    score: float
    snippet: str


class NoModel(Exception):
    """No model version is active yet, so nothing can be encoded or searched."""


def search(query: str, limit: int) -> list[Hit]:
    """The documents nearest to the query's vector, best first."""
    version = active.active_version()
    if version is None:
        raise NoModel
    vector = active.encoder(version).encode([query])
    hits = _nearest(version, vector, limit)
    return [Hit(doc, score, snippet(_body(doc), query)) for doc, score in hits]


def more_like_this(document: Document, limit: int = 5) -> list[Hit]:
    """The documents nearest to this one's stored vector, itself excluded."""
    version = active.active_version()
    stored = DocumentVector.objects.filter(document=document, model_version=version).first() if version else None
    if stored is None:
        return []
    hits = _nearest(version, stored.as_array()[None, :], limit + 1)
    return [Hit(doc, score, snippet(_body(doc), "")) for doc, score in hits if doc.pk != document.pk][:limit]


def _nearest(version, vectors: np.ndarray, limit: int) -> list[tuple[Document, float]]:
    index = indexing.index_for_search(version)
    if len(index) == 0:
        return []
    scores, ids = index.search(np.asarray(vectors, dtype=np.float32), min(limit, len(index)))
    found = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
    # A document deleted since this copy of the index was loaded is simply not found.
    documents = Document.objects.in_bulk([i for i, _ in found])
    return [(documents[i], score) for i, score in found if i in documents]


def _body(document: Document) -> str:
    """The text without its first line when that line is the title, already shown above the snippet."""
    first, _, rest = document.text.partition("\n")
    return rest if rest.strip() and first.strip() == document.title else document.text


def snippet(text: str, query: str, length: int = SNIPPET_CHARS) -> str:
    """The passage sharing most words with the query (the opening when none does), cut to length."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    if not sentences:
        return ""
    wanted = {w.lower() for w in _WORD.findall(query)}
    start = 0
    if wanted:
        overlaps = [len(wanted & {w.lower() for w in _WORD.findall(s)}) for s in sentences]
        if max(overlaps) > 0:
            start = overlaps.index(max(overlaps))
    passage = " ".join(sentences[start:])
    return passage if len(passage) <= length else passage[:length].rsplit(" ", 1)[0] + " …"
