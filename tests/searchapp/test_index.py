"""The index mirrors the stored vectors: repaired from them (never by re-encoding), reloaded when it changes."""
import numpy as np
import pytest
from django.core.management import call_command

from embeddings.encoder import Encoder
from embeddings.index import VectorIndex
from searchapp import encoding, indexing, ingest
from searchapp.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_encoding(monkeypatch):
    """Fail loudly if anything re-encodes a document."""
    def refuse(self, texts):
        raise AssertionError("the index must be rebuilt from stored vectors, not by encoding")
    monkeypatch.setattr(Encoder, "encode", refuse)


def ids_of(index) -> set[int]:
    return set(index.ids().tolist())


def test_index_holds_exactly_the_indexed_documents(indexed_documents, active_model):
    index = VectorIndex.load(active_model.index_path, model_version=active_model.name)
    assert ids_of(index) == {d.pk for d in indexed_documents.values()}
    assert all(d.status == "indexed" for d in indexed_documents.values())


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated", "other version", "stale"])
def test_damaged_index_is_rebuilt_from_stored_vectors(indexed_documents, active_model, no_encoding, damage):
    path = active_model.index_path
    if damage == "missing":
        path.unlink()
    elif damage == "garbage":
        path.write_bytes(b"not an index")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:-40])
    elif damage == "other version":
        VectorIndex.create(active_model.dim, "another-model").save(path)
    elif damage == "stale":
        stale = VectorIndex.load(path)
        stale.remove(np.array([indexed_documents["cars"].pk]))
        stale.save(path)
    index = indexing.index_for_search(active_model)
    assert ids_of(index) == {d.pk for d in indexed_documents.values()}
    assert ids_of(VectorIndex.load(path, model_version=active_model.name)) == ids_of(index)  # repaired on disk


def test_reindex_command_rebuilds_without_encoding(indexed_documents, active_model, no_encoding, capsys):
    active_model.index_path.unlink()
    call_command("reindex")
    assert "rebuilt with 3 documents" in capsys.readouterr().out
    assert len(VectorIndex.load(active_model.index_path)) == 3


def test_reindex_without_a_model_says_so(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No model is active"):
        call_command("reindex")


def test_search_copy_is_kept_until_the_file_changes(indexed_documents, active_model):
    first = indexing.index_for_search(active_model)
    assert indexing.index_for_search(active_model) is first
    extra = ingest.ingest_text("Extra", "A new piano concert tonight.").document
    encoding.encode_documents([extra.pk])
    reloaded = indexing.index_for_search(active_model)
    assert reloaded is not first and extra.pk in ids_of(reloaded)


def test_delete_keeps_count_equal_to_indexed_documents(indexed_documents, active_model):
    encoding.delete_document(indexed_documents["music"])
    index = indexing.index_for_search(active_model)
    assert len(index) == Document.objects.filter(status="indexed").count() == 2
    assert indexed_documents["music"].pk not in ids_of(index)


def test_failed_save_leaves_database_and_index_unchanged(indexed_documents, active_model, monkeypatch):
    extra = ingest.ingest_text("Extra", "Roast the cake in the stove.").document

    def disk_full(self, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(VectorIndex, "save", disk_full)
    with pytest.raises(OSError):
        encoding.encode_documents([extra.pk])
    monkeypatch.undo()
    extra.refresh_from_db()
    assert extra.status == "encoding" and not extra.vectors.exists()
    assert len(VectorIndex.load(active_model.index_path)) == 3


@pytest.mark.django_db(transaction=True)
def test_one_writer_at_a_time_and_no_update_lost(active_model):
    import threading

    from django.db import connection

    documents = [ingest.ingest_text(f"D{i}", f"the choir sang song number {i}").document for i in range(2)]
    finished = []

    def encode(document):
        try:
            encoding.encode_documents([document.pk])
            finished.append(document.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=encode, args=(d,)) for d in documents]
    with indexing._writer_lock(active_model):  # another process holds the index
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(1.0)
        assert finished == []  # both writers wait for the lock
    for thread in threads:
        thread.join(30)
    assert sorted(finished) == sorted(d.pk for d in documents)
    assert ids_of(VectorIndex.load(active_model.index_path)) == {d.pk for d in documents}
