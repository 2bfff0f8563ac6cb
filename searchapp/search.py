"""Ranked documents for a question (hybrid, semantic or keyword), and a document's nearest neighbours.

Dense candidates come from the document and passage indexes (a document
scores by its best passage when that beats its whole-text vector), keyword
candidates from BM25; embeddings.fusion merges them, the same code that
`manage.py evaluate` measures. Filters run on the database after ranking:
more candidates are fetched until enough pass, so a filter never hides a
match that a deeper search would have found.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from embeddings.fusion import CANDIDATES, dense_ranking, fuse
from embeddings.passages import PASSAGE_SLOTS, owner
from embeddings.text import normalise

from . import active, indexing, lexical
from .models import Document, DocumentVector

MODES = ("hybrid", "semantic", "keyword")
SNIPPET_CHARS = 240
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass
class Hit:
    document: Document
    score: float
    snippet: str
    highlighted: SafeString = mark_safe("")


@dataclass(frozen=True)
class Filters:
    """Which documents may be returned: any of these file types, uploaded in this date range, by this user."""

    file_types: tuple[str, ...] = ()
    uploaded_from: date | None = None
    uploaded_to: date | None = None
    uploader: int | None = None

    def __bool__(self):
        return bool(self.file_types or self.uploaded_from or self.uploaded_to or self.uploader)

    def apply(self, documents):
        if self.file_types:
            documents = documents.filter(file_type__in=self.file_types)
        if self.uploaded_from:
            documents = documents.filter(created_at__gte=_day_start(self.uploaded_from))
        if self.uploaded_to:
            documents = documents.filter(created_at__lt=_day_start(self.uploaded_to) + timezone.timedelta(days=1))
        if self.uploader:
            documents = documents.filter(uploaded_by_id=self.uploader)
        return documents


@dataclass
class Results:
    hits: list[Hit]
    facets: dict = field(default_factory=dict)  # {"file_type": {type: n}, "uploader": {name: n}} over unfiltered candidates


class NoModel(Exception):
    """No model version is active yet, so nothing can be encoded or searched."""


def search(query: str, limit: int, mode: str = "hybrid", weight: float | None = None,
           filters: Filters = Filters()) -> Results:
    """The best `limit` documents for the query that pass the filters, best first."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose from {', '.join(MODES)}")
    version = active.active_version()
    if version is None:
        raise NoModel
    weight = settings.SEARCH_DENSE_WEIGHT if weight is None else weight
    total = len(indexing.index_for_search(version))
    depth = max(limit, CANDIDATES) * (settings.SEARCH_OVERFETCH if filters else 1)
    while True:
        ranking, passages = _rank(version, query, mode, weight, min(depth, total))
        allowed = filters.apply(Document.objects.filter(pk__in=[doc_id for doc_id, _ in ranking]))
        documents = allowed.in_bulk()  # a document deleted since the indexes were loaded is simply not found
        hits = [(documents[i], score) for i, score in ranking if i in documents][:limit]
        if len(hits) >= limit or depth >= total:
            break
        depth *= 4
    return Results([_hit(doc, score, query, passages.get(doc.pk)) for doc, score in hits], _facets(ranking))


def _rank(version, query: str, mode: str, weight: float, depth: int):
    """The ranking ((document id, score), best first) and where each dense candidate's best passage starts."""
    dense, passages, keyword = [], {}, []
    if mode != "keyword" and depth:
        dense, passages = _dense(version, active.encoder(version).encode([query]), depth)
    if mode != "semantic":
        keyword = lexical.search(version, query, depth)
    if mode == "hybrid":
        return fuse(dense, keyword, weight, settings.SEARCH_FUSION), passages
    return (dense or keyword), passages


def _dense(version, vector: np.ndarray, depth: int):
    """Documents by the better of their whole-text vector and their best passage."""
    whole = _search(indexing.index_for_search(version), vector, depth)
    passage_hits = _search(indexing.passage_index_for_search(version), vector, depth * 4)
    window = active.encoder(version).config.seq_len
    passages = {}  # document id -> first word of its best passage
    for passage_id, _ in passage_hits:
        passages.setdefault(owner(passage_id), passage_id % PASSAGE_SLOTS * window)
    return dense_ranking(whole, passage_hits)[:depth], passages


def _search(index, vector: np.ndarray, depth: int) -> list[tuple[int, float]]:
    scores, ids = index.search(vector, min(depth, len(index)))
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]


def _facets(ranking) -> dict:
    documents = Document.objects.filter(pk__in=[doc_id for doc_id, _ in ranking])
    facets = {"file_type": {}, "uploader": {}}
    for file_type, uploader in documents.values_list("file_type", "uploaded_by__username"):
        facets["file_type"][file_type] = facets["file_type"].get(file_type, 0) + 1
        if uploader:
            facets["uploader"][uploader] = facets["uploader"].get(uploader, 0) + 1
    return facets


def more_like_this(document: Document, limit: int = 5) -> list[Hit]:
    """The documents nearest to this one's stored vector, itself excluded."""
    version = active.active_version()
    stored = DocumentVector.objects.filter(document=document, model_version=version).first() if version else None
    if stored is None:
        return []
    found = [(i, s) for i, s in _search(indexing.index_for_search(version), stored.as_array()[None, :], limit + 1)
             if i != document.pk]
    documents = Document.objects.in_bulk([i for i, _ in found])
    return [_hit(documents[i], score, "") for i, score in found if i in documents][:limit]


def _hit(document: Document, score: float, query: str, passage_word: int | None = None) -> Hit:
    text = snippet(_body(document), query, passage_word=passage_word)
    return Hit(document, score, text, highlight(text, query))


def _body(document: Document) -> str:
    """The text without its first line when that line is the title, already shown above the snippet."""
    first, _, rest = document.text.partition("\n")
    return rest if rest.strip() and first.strip() == document.title else document.text


def snippet(text: str, query: str, length: int = SNIPPET_CHARS, passage_word: int | None = None) -> str:
    """The sentence sharing most words with the query; else the best dense passage's start; else the opening."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    if not sentences:
        return ""
    wanted = _words(query)
    start = 0
    overlaps = [len(wanted & _words(s)) for s in sentences]
    if max(overlaps) > 0:
        start = overlaps.index(max(overlaps))
    elif passage_word:
        start = _sentence_at_word(sentences, passage_word)
    passage_text = " ".join(sentences[start:])
    return passage_text if len(passage_text) <= length else passage_text[:length].rsplit(" ", 1)[0] + " …"


def highlight(text: str, query: str) -> SafeString:
    """The text, HTML-escaped, with the query's words wrapped in <mark>."""
    wanted = _words(query)
    out, position = [], 0
    for match in _WORD.finditer(text):
        if normalise(match.group()) in wanted:
            out.append(escape(text[position:match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out))


def _words(text: str) -> set[str]:
    return {normalise(w) for w in _WORD.findall(text)}


def _sentence_at_word(sentences: list[str], word_number: int) -> int:
    """The sentence holding the n-th word of the text."""
    seen = 0
    for number, sentence in enumerate(sentences):
        seen += len(_WORD.findall(sentence))
        if seen > word_number:
            return number
    return len(sentences) - 1


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
