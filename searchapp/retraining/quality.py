"""The quality gate: the new and the active model each find held-out documents again from random passages.

The held-out documents are the first ones by content hash (a stable, arbitrary
order), so successive runs hold out the same documents while the corpus stays
the same; the new model never trains on them. Both models search the same set
of documents (those encoded by both) with the same passages.
"""
import numpy as np
from django.conf import settings

from embeddings import gate
from embeddings.encoder import Encoder
from embeddings.index import VectorIndex

from .. import indexing
from ..models import Document, ModelVersion


def held_out_ids() -> list[int]:
    """About a tenth of the documents (at least one, at most RETRAIN_GATE_SAMPLE), the same from run to run."""
    count = Document.objects.count()
    size = min(settings.RETRAIN_GATE_SAMPLE, max(1, count // 10)) if count > 1 else 0
    return list(Document.objects.order_by("content_hash").values_list("pk", flat=True)[:size])


def compare(new: ModelVersion, current: ModelVersion | None, held_out: list[int], seed: int) -> dict:
    """Self-retrieval figures of both models: {"new": {...}, "active": {...} or None}."""
    new_ids, new_vectors = indexing.stored_vectors(new)
    common = set(new_ids.tolist())
    if current is not None:
        current_ids, current_vectors = indexing.stored_vectors(current)
        common &= set(current_ids.tolist())
    texts = dict(Document.objects.filter(pk__in=[i for i in held_out if i in common]).values_list("pk", "text"))
    ids = sorted(texts)
    report = {"new": _measure(new, new_ids, new_vectors, common, ids, texts, seed), "active": None}
    if current is not None:
        report["active"] = _measure(current, current_ids, current_vectors, common, ids, texts, seed)
        report["active"]["version"] = current.name
    return report


def _measure(version, all_ids, all_vectors, common, ids, texts, seed) -> dict:
    keep = np.isin(all_ids, list(common))
    index = VectorIndex.build(all_ids[keep], all_vectors[keep].reshape(-1, version.dim), version.name)
    return gate.self_retrieval(Encoder.load(version.model_dir), index, ids, [texts[i] for i in ids], seed=seed)


def passes(report: dict) -> bool:
    """Not worse than the active model (within RETRAIN_GATE_TOLERANCE), or no active model to compare with."""
    current = report["active"]["mrr@10"] if report["active"] else None
    return gate.not_worse(report["new"]["mrr@10"], current, settings.RETRAIN_GATE_TOLERANCE)
