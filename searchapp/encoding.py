"""Documents → vectors → index: what the encoding task does, and how it is dispatched.

Kept apart from the Celery task so that the starter setup and the tests can
call the same steps directly.
"""
import logging

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone


from . import active, indexing
from .models import Document, DocumentVector, ModelVersion

log = logging.getLogger(__name__)


def dispatch_encoding(document_ids: list[int]) -> None:
    """Queue encoding tasks in batches, once the current transaction has committed."""
    size = settings.ENCODE_BATCH_SIZE
    for start in range(0, len(document_ids), size):
        batch = list(document_ids[start:start + size])
        transaction.on_commit(lambda batch=batch: _send(batch))


def _send(batch: list[int]) -> None:
    from .tasks import encode_documents

    try:
        encode_documents.apply_async(
            args=[batch], retry=True, retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5}
        )
    except Exception:
        # The documents are committed and stay queued; `manage.py reindex` queues them again.
        log.exception("could not queue encoding of documents %s; they stay queued", batch)


def encode_documents(document_ids: list[int], version: ModelVersion | None = None) -> int:
    """Encode the given documents with the active model (or `version`) and add them to its index.

    Idempotent: documents already holding a vector for the version, or
    deleted meanwhile, are skipped. Returns how many were indexed. Document
    statuses describe the active model, so encoding for a version being built
    by retraining leaves them alone.
    """
    version = version or active.active_version()
    if version is None:
        log.warning("no active model: documents %s stay queued", document_ids)
        return 0
    pending = list(
        Document.objects.filter(pk__in=document_ids).exclude(vectors__model_version=version).only("pk", "text")
    )
    if not pending:
        return 0
    tracks_status = version.is_active
    if tracks_status:
        Document.objects.filter(pk__in=[d.pk for d in pending]).update(status=Document.Status.ENCODING, error="")
    vectors, passages = active.encoder(version).encode_with_passages([d.text for d in pending])
    with indexing.writing(version) as index:
        # Under the writer lock: keep only documents that still exist and are still not indexed.
        alive = set(
            Document.objects.filter(pk__in=[d.pk for d in pending])
            .exclude(vectors__model_version=version)
            .values_list("pk", flat=True)
        )
        keep = [i for i, d in enumerate(pending) if d.pk in alive]
        ids = np.array([pending[i].pk for i in keep], dtype=np.int64)
        DocumentVector.objects.bulk_create(
            DocumentVector(document_id=int(doc_id), model_version=version, vector=vectors[i].tobytes(),
                           passages=passages[i].tobytes())
            for doc_id, i in zip(ids, keep)
        )
        if tracks_status:
            Document.objects.filter(pk__in=ids.tolist()).update(
                status=Document.Status.INDEXED, error="", indexed_at=timezone.now()
            )
        if len(ids):
            index.add(ids, vectors[keep])
    return len(keep)


def mark_failed(document_ids: list[int], reason: str) -> None:
    """Record why encoding failed, on documents not indexed by then."""
    Document.objects.filter(pk__in=document_ids).exclude(status=Document.Status.INDEXED).update(
        status=Document.Status.FAILED, error=reason[:1000]
    )


def delete_document(document: Document) -> None:
    """Delete a document and take it out of the active index in the same step.

    Indexes of inactive versions notice the missing vector and rebuild
    themselves when next opened.
    """
    version = active.active_version()
    if version is None:
        document.delete()
    else:
        with indexing.writing(version) as index:
            index.remove(np.array([document.pk], dtype=np.int64))
            document.delete()
    if document.original:
        transaction.on_commit(lambda: document.original.delete(save=False))


def requeue(document_ids: list[int]) -> int:
    """Mark documents queued again and dispatch their encoding (after a failure or an outage)."""
    Document.objects.filter(pk__in=document_ids).update(status=Document.Status.QUEUED, error="")
    dispatch_encoding(document_ids)
    return len(document_ids)


def queue_missing() -> int:
    """Queue every document without a vector for the active version."""
    version = active.active_version()
    if version is None:
        return 0
    return requeue(list(Document.objects.exclude(vectors__model_version=version).values_list("pk", flat=True)))
