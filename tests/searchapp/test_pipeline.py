"""Upload → real Celery worker over real Redis → searchable; the index always mirrors the database."""
import shutil

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse

from searchapp import encoding, indexing, tasks
from searchapp.models import Document, DocumentVector, ModelVersion
from tests.conftest import wait_for
from tests.corpus import DOCUMENTS, QUESTIONS
from tests.samples import docx_bytes, pdf_bytes


def upload_three(client):
    files = [
        SimpleUploadedFile("cars.txt", b"Cars\n" + DOCUMENTS["cars"].encode()),
        SimpleUploadedFile("cooking.docx", docx_bytes("Cooking", DOCUMENTS["cooking"])),
        SimpleUploadedFile("music.pdf", pdf_bytes("Music", DOCUMENTS["music"])),
    ]
    response = client.post(reverse("document-upload"), {"files": files}, HTTP_ACCEPT="application/json")
    return {r["title"]: r["id"] for r in response.json()["results"]}


def all_indexed():
    """every document indexed"""
    return Document.objects.exists() and not Document.objects.exclude(status="indexed").exists()


def index_ids(version) -> set[int]:
    return set(indexing.index_for_search(version).ids().tolist())


def test_uploaded_files_become_searchable(client, active_model, celery_worker):
    ids = upload_three(client)
    wait_for(all_indexed)
    assert index_ids(active_model) == set(ids.values())
    for topic, title in [("cars", "Cars"), ("cooking", "Cooking"), ("music", "Music")]:
        response = client.get(reverse("home"), {"q": QUESTIONS[topic]})
        results = response.context["page"].object_list
        assert results[0].document.pk == ids[title], f"{QUESTIONS[topic]!r} should find {title} first"
        assert not set(QUESTIONS[topic].split()) & set(DOCUMENTS[topic].lower().split())


def test_one_upload_is_encoded_as_one_batch(client, active_model, celery_worker, monkeypatch):
    batches = []
    real = encoding.encode_documents
    monkeypatch.setattr(encoding, "encode_documents", lambda ids: batches.append(sorted(ids)) or real(ids))
    ids = upload_three(client)
    wait_for(all_indexed)
    assert batches == [sorted(ids.values())]


def test_encoding_is_idempotent(client, active_model, celery_worker):
    ids = list(upload_three(client).values())
    wait_for(all_indexed)
    before = DocumentVector.objects.count()
    assert tasks.encode_documents.apply(args=[ids]).get() == 0
    assert DocumentVector.objects.count() == before == 3
    assert len(indexing.index_for_search(active_model)) == 3


def test_deleting_removes_from_index_and_results(client, active_model, celery_worker):
    ids = upload_three(client)
    wait_for(all_indexed)
    client.post(reverse("document-delete", args=[ids["Cars"]]))
    assert not Document.objects.filter(pk=ids["Cars"]).exists()
    assert index_ids(active_model) == {ids["Cooking"], ids["Music"]}
    page = client.get(reverse("home"), {"q": QUESTIONS["cars"]}).context["page"]
    assert ids["Cars"] not in [hit.document.pk for hit in page]


def test_failure_is_recorded_on_the_document(client, active_model, celery_worker):
    broken = active_model.model_dir.with_name("broken-model")
    shutil.copytree(active_model.model_dir, broken)
    (broken / "weights.npz").unlink()
    ModelVersion.objects.update(is_active=False)
    ModelVersion.objects.create(name=broken.name, dim=active_model.dim, is_active=True)
    try:
        client.post(reverse("document-paste"), {"title": "t", "text": "some words"})
        document = wait_for(lambda: Document.objects.filter(status="failed").first())
    finally:
        shutil.rmtree(broken)
    assert "encoding failed" in document.error and "weights.npz" in document.error
    assert DocumentVector.objects.count() == 0
    assert client.get(reverse("document-list")).content.decode().count("status-failed") == 1


@pytest.mark.django_db
def test_transient_errors_are_retried_with_backoff_then_recorded(active_model, monkeypatch):
    document = Document.objects.create(title="t", text="words", content_hash="x")
    attempts = []

    def locked(ids):
        attempts.append(ids)
        raise OperationalError("database is locked")

    monkeypatch.setattr(encoding, "encode_documents", locked)
    result = tasks.encode_documents.apply(args=[[document.pk]])
    assert isinstance(result.result, OperationalError)
    assert len(attempts) == tasks.MAX_RETRIES + 1
    document.refresh_from_db()
    assert document.status == "failed" and "gave up after 5 retries: database is locked" in document.error


def test_document_deleted_before_encoding_is_skipped(client, active_model, transactional_db):
    client.post(reverse("document-paste"), {"title": "gone", "text": "short lived"})  # no worker yet
    doc_id = Document.objects.get().pk
    Document.objects.filter(pk=doc_id).delete()
    assert encoding.encode_documents([doc_id]) == 0
    assert len(indexing.index_for_search(active_model)) == 0


def test_vectors_are_stored_as_float32(client, active_model, celery_worker):
    upload_three(client)
    wait_for(all_indexed)
    vector = DocumentVector.objects.first().as_array()
    assert vector.dtype == np.float32 and vector.shape == (active_model.dim,)
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)


def test_reindex_queues_documents_left_behind_by_a_broker_outage(active_model, celery_worker, capsys):
    from django.core.management import call_command

    stranded = Document.objects.create(title="t", text="the band played", content_hash="h", status="failed",
                                       error="gave up after 5 retries")
    call_command("reindex", "--queue-missing")
    assert "Queued 1 documents" in capsys.readouterr().out
    wait_for(lambda: Document.objects.filter(pk=stranded.pk, status="indexed").exists())
