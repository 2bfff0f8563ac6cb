"""VectorIndex: a FAISS index of normalised vectors keyed by the database's document ids.

Inner product on L2-normalised vectors is cosine similarity. Small collections
use an exact flat index; from APPROXIMATE_FROM vectors on, build() picks an IVF
index (approximate, but it still supports remove_ids, which HNSW does not).
The model version and dimension travel in the same file as the index, so an
index can never be paired with the wrong encoder, and a save is one rename.
"""
import io
import json
import os
import tempfile
from pathlib import Path

import faiss
import numpy as np

APPROXIMATE_FROM = 50_000
_MAGIC = b"VIDX1\n"


class IndexMismatchError(ValueError):
    """The index on disk was built for another model version or dimension."""


class VectorIndex:
    """Add, remove, search and save vectors by integer id; an update is remove + add."""

    def __init__(self, index: faiss.Index, model_version: str, kind: str):
        self.index = index
        self.model_version = model_version
        self.kind = kind

    @classmethod
    def create(cls, dim: int, model_version: str) -> "VectorIndex":
        """An empty exact index."""
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)), model_version, "flat")

    @classmethod
    def build(cls, ids, vectors: np.ndarray, model_version: str) -> "VectorIndex":
        """An index holding `vectors`, exact or approximate by collection size."""
        vectors = _as_matrix(vectors)
        n, dim = vectors.shape
        if n < APPROXIMATE_FROM:
            built = cls.create(dim, model_version)
        else:
            lists = min(int(4 * np.sqrt(n)), n // 39)   # FAISS wants >= 39 training points per list
            ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
            ivf.train(vectors)
            ivf.nprobe = max(16, lists // 8)
            built = cls(faiss.IndexIDMap2(ivf), model_version, "ivf")
        built.add(ids, vectors)
        return built

    @property
    def dim(self) -> int:
        return self.index.d

    def __len__(self) -> int:
        return self.index.ntotal

    def ids(self) -> np.ndarray:
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def add(self, ids, vectors: np.ndarray) -> None:
        """Add or replace the vectors of `ids`."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        vectors = _as_matrix(vectors)
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
        if vectors.shape[1] != self.dim:
            raise IndexMismatchError(f"vectors have dimension {vectors.shape[1]}, the index {self.dim}")
        if len(np.unique(ids)) != len(ids):
            raise ValueError("duplicate ids in one add")
        self.remove(ids)
        self.index.add_with_ids(vectors, ids)

    def remove(self, ids) -> int:
        """Remove `ids` (absent ones are ignored); returns how many were removed."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if not len(ids) or not len(self):
            return 0
        return int(self.index.remove_ids(faiss.IDSelectorBatch(ids)))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids), each (n_queries, k), best first; id -1 where fewer than k vectors exist."""
        queries = _as_matrix(queries)
        if queries.shape[1] != self.dim:
            raise IndexMismatchError(f"queries have dimension {queries.shape[1]}, the index {self.dim}")
        if not len(self) or k <= 0:
            return (np.zeros((len(queries), max(k, 0)), np.float32), np.full((len(queries), max(k, 0)), -1, np.int64))
        return self.index.search(queries, k)

    def save(self, path: Path) -> None:
        """Write atomically: a temporary file in the same folder, then a rename."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = json.dumps({"model_version": self.model_version, "dim": self.dim, "kind": self.kind,
                             "count": len(self)}).encode() + b"\n"
        body = faiss.serialize_index(self.index).tobytes()
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_MAGIC + header + body)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @staticmethod
    def read_header(path: Path) -> dict:
        """The metadata of a saved index, without loading its vectors."""
        with open(path, "rb") as source:
            if source.read(len(_MAGIC)) != _MAGIC:
                raise IndexMismatchError(f"{path} is not a saved VectorIndex")
            return json.loads(source.readline())

    @classmethod
    def load(cls, path: Path, model_version: str | None = None, dim: int | None = None) -> "VectorIndex":
        """Load a saved index, refusing one built for another model version or dimension."""
        raw = Path(path).read_bytes()
        if not raw.startswith(_MAGIC):
            raise IndexMismatchError(f"{path} is not a saved VectorIndex")
        stream = io.BytesIO(raw[len(_MAGIC):])
        header = json.loads(stream.readline())
        if model_version is not None and header["model_version"] != model_version:
            raise IndexMismatchError(f"{path} was built for model {header['model_version']}, not {model_version}")
        if dim is not None and header["dim"] != dim:
            raise IndexMismatchError(f"{path} holds {header['dim']}-d vectors, not {dim}-d")
        index = faiss.deserialize_index(np.frombuffer(stream.read(), dtype=np.uint8))
        if index.ntotal != header["count"]:
            raise IndexMismatchError(f"{path} is damaged: {index.ntotal} vectors, header says {header['count']}")
        return cls(index, header["model_version"], header["kind"])


def _as_matrix(vectors) -> np.ndarray:
    return np.ascontiguousarray(np.atleast_2d(np.asarray(vectors, dtype=np.float32)))
