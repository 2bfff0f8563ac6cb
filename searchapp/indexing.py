"""The FAISS index of a model version, derived from its stored vectors.

One writer at a time (a file lock beside the index, shared by every process
on the data volume); the index is changed inside the same database
transaction as the rows it mirrors and saved atomically before that commits,
so it always holds exactly the documents with a stored vector. An index that
is missing, damaged or of the wrong size is rebuilt from the database, never
by re-encoding. Readers (web processes) keep the loaded index and reload it
only when the file changes.

Beside each document index, a passage index holds every document's window
vectors (ids from embeddings.passages); the writer brings it to the same set
of documents before saving both.
"""
import fcntl
import logging
import os
import threading
from contextlib import contextmanager

import numpy as np
from django.db import transaction

from embeddings.index import VectorIndex
from embeddings.passages import PASSAGE_SLOTS, owner, passage_ids

from .models import DocumentVector, ModelVersion

log = logging.getLogger(__name__)


@contextmanager
def _writer_lock(version: ModelVersion):
    path = version.index_path.parent.with_suffix(".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def stored_vectors(version: ModelVersion) -> tuple[np.ndarray, np.ndarray]:
    """Document ids and their vectors for a version, straight from the database."""
    rows = DocumentVector.objects.filter(model_version=version).values_list("document_id", "vector")
    ids = np.fromiter((doc_id for doc_id, _ in rows), dtype=np.int64)
    vectors = np.frombuffer(b"".join(bytes(v) for _, v in rows), dtype=np.float32).reshape(len(ids), version.dim)
    return ids, vectors


def passages_path(version: ModelVersion):
    return version.index_path.with_name("passages.faiss")


def _stored_passages(version: ModelVersion, document_ids=None) -> tuple[np.ndarray, np.ndarray]:
    """Passage ids and vectors of the version's documents (all, or these), from the database."""
    rows = DocumentVector.objects.filter(model_version=version)
    if document_ids is not None:
        rows = rows.filter(document_id__in=[int(i) for i in document_ids])
    ids, vectors = [np.zeros(0, np.int64)], [np.zeros((0, version.dim), np.float32)]
    for doc_id, blob in rows.values_list("document_id", "passages").iterator():
        found = np.frombuffer(bytes(blob), dtype=np.float32).reshape(-1, version.dim)
        ids.append(passage_ids(doc_id, len(found)))
        vectors.append(found[:len(ids[-1])])
    return np.concatenate(ids), np.concatenate(vectors)


def _sync_passages(version: ModelVersion, documents: VectorIndex) -> VectorIndex:
    """The saved passage index brought to the documents of `documents` (rebuilt when unreadable)."""
    try:
        passages = VectorIndex.load(passages_path(version), model_version=version.name, dim=version.dim)
    except Exception:
        passages = VectorIndex.create(version.dim, version.name)
        held = set()
    else:
        held = {owner(i) for i in passages.ids()}
    wanted = set(documents.ids().tolist())
    gone = np.array(sorted(held - wanted), dtype=np.int64)
    if len(gone):
        passages.remove(np.concatenate([passage_ids(doc_id, PASSAGE_SLOTS) for doc_id in gone]))
    ids, vectors = _stored_passages(version, sorted(wanted - held))
    if len(ids):
        passages.add(ids, vectors)
    return passages


def build_index(version: ModelVersion):
    """The version's index from its stored vectors: exact, or approximate for a large collection."""
    ids, vectors = stored_vectors(version)
    return VectorIndex.build(ids, vectors, version.name)


def _load_checked(version: ModelVersion):
    """The saved index if it loads, matches the version and holds every stored vector; else None."""
    if not version.index_path.exists():
        return None
    try:
        index = VectorIndex.load(version.index_path, model_version=version.name, dim=version.dim)
    except Exception:
        log.warning("index of %s is unreadable; rebuilding it from stored vectors", version.name, exc_info=True)
        return None
    expected = DocumentVector.objects.filter(model_version=version).count()
    if len(index) != expected:
        log.warning("index of %s holds %d vectors, database %d; rebuilding", version.name, len(index), expected)
        return None
    return index


@contextmanager
def writing(version: ModelVersion):
    """Lock, open the index in a transaction, and save it atomically before the transaction commits.

    If the body or the save fails, the transaction rolls back and the file on
    disk is the previous complete index.
    """
    with _writer_lock(version), transaction.atomic():
        index = _load_checked(version) or build_index(version)
        yield index
        _save(version, index)


def _save(version: ModelVersion, index: VectorIndex) -> None:
    version.index_path.parent.mkdir(parents=True, exist_ok=True)
    index.save(version.index_path)
    _sync_passages(version, index).save(passages_path(version))


def rebuild(version: ModelVersion) -> int:
    """Rebuild the index from stored vectors (manage.py reindex); returns its size."""
    with _writer_lock(version), transaction.atomic():
        index = build_index(version)
        passages_path(version).unlink(missing_ok=True)
        _save(version, index)
        return len(index)


_read_lock = threading.Lock()
_loaded: dict = {}  # index path -> (version name, file signature, index)


def _signature(path) -> tuple | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def index_for_search(version: ModelVersion):
    """This process's copy of the version's index, reloaded only when the file changed."""
    return _for_search(version, version.index_path, _load_checked, build_index)


def passage_index_for_search(version: ModelVersion):
    """This process's copy of the version's passage index, reloaded only when the file changed."""
    def load(version):
        try:
            return VectorIndex.load(passages_path(version), model_version=version.name, dim=version.dim)
        except Exception:
            return None

    return _for_search(version, passages_path(version), load, lambda v: _sync_passages(v, build_index(v)))


def _for_search(version: ModelVersion, path, load, build):
    with _read_lock:
        signature = _signature(path)
        cached = _loaded.get(path)
        if signature and cached and cached[:2] == (version.name, signature):
            return cached[2]
        index = load(version) if signature else None
        if index is None:
            with writing(version):
                pass  # repairs the files under the writer lock
            signature = _signature(path)
            index = load(version) or build(version)
        for stale in [p for p, cached in _loaded.items() if cached[0] != version.name]:
            del _loaded[stale]  # keep the active version's indexes only
        _loaded[path] = (version.name, signature, index)
        return index
