"""The keyword index (BM25 or TF-IDF, settings.SEARCH_KEYWORD_RANKER) of the documents searchable under a version.

The same documents as the FAISS index: those with a stored vector for the
version. Each web process builds its own copy from the database and rebuilds
it when that set changed, which one aggregate query per search detects:
vector rows are only ever added (with new, larger ids) or deleted, so any
change moves their count or their largest id (the newest document's time
also counts, for ids that a rolled-back transaction gives out again). Several
web processes therefore never serve a stale set for longer than one query,
without any file to share.
"""
import threading

from django.db.models import Count, Max
from django.conf import settings

from embeddings.lexical import RANKERS

from .models import DocumentVector, ModelVersion

_lock = threading.Lock()
_cached: dict = {}  # "signature", "ids", "ranker"


def _signature(version: ModelVersion) -> tuple:
    figures = DocumentVector.objects.filter(model_version=version).aggregate(
        count=Count("id"), last=Max("id"), newest=Max("document__created_at"))
    return settings.SEARCH_KEYWORD_RANKER, version.name, figures["count"], figures["last"], figures["newest"]


def search(version: ModelVersion, query: str, depth: int) -> list[tuple[int, float]]:
    """(document id, score) of the documents sharing a word with the query, best first."""
    with _lock:
        signature = _signature(version)
        if _cached.get("signature") != signature:
            rows = DocumentVector.objects.filter(model_version=version).order_by("document_id")
            ids, texts = zip(*rows.values_list("document_id", "document__text")) if signature[2] else ((), ())
            ranker = RANKERS[settings.SEARCH_KEYWORD_RANKER](list(texts)) if ids else None
            _cached.update(signature=signature, ids=list(ids), ranker=ranker)
        ids, ranker = _cached["ids"], _cached["ranker"]
    if ranker is None:
        return []
    scores, rows = ranker.search([query], min(depth, len(ids)))
    return [(ids[row], float(score)) for row, score in zip(rows[0], scores[0]) if row >= 0]
