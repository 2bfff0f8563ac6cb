"""The FAISS index of a model version, derived from its stored vectors.

One writer at a time (a file lock beside the index, shared by every process
on the data volume); the index is changed inside the same database
transaction as the rows it mirrors and saved atomically before that commits,
so it always holds exactly the documents with a stored vector. An index that
is missing, damaged or of the wrong size is rebuilt from the database, never
by re-encoding. Readers (web processes) keep the loaded index and reload it
only when the file changes.
"""
import fcntl
import logging
import os
import threading
from contextlib import contextmanager

import numpy as np
from django.db import transaction

from embeddings.index import VectorIndex

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


def build_index(version: ModelVersion):
    index = VectorIndex.create(version.dim, version.name)
    ids, vectors = stored_vectors(version)
    if len(ids):
        index.add(ids, vectors)
    return index


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
        version.index_path.parent.mkdir(parents=True, exist_ok=True)
        index.save(version.index_path)


def rebuild(version: ModelVersion) -> int:
    """Rebuild the index from stored vectors (manage.py reindex); returns its size."""
    with _writer_lock(version), transaction.atomic():
        index = build_index(version)
        version.index_path.parent.mkdir(parents=True, exist_ok=True)
        index.save(version.index_path)
        return len(index)


_read_lock = threading.Lock()
_loaded: dict = {}  # version name -> (file signature, index)


def _signature(path) -> tuple | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def index_for_search(version: ModelVersion):
    """This process's copy of the version's index, reloaded only when the file changed."""
    with _read_lock:
        signature = _signature(version.index_path)
        cached = _loaded.get(version.name)
        if signature and cached and cached[0] == signature:
            return cached[1]
        index = _load_checked(version) if signature else None
        if index is None:
            with writing(version):
                pass  # repairs the file under the writer lock
            signature = _signature(version.index_path)
            index = _load_checked(version) or build_index(version)
        _loaded.clear()
        _loaded[version.name] = (signature, index)
        return index
