import numpy as np
import pytest

from embeddings import index as index_module
from embeddings.index import IndexMismatchError, VectorIndex


def unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_add_and_search_by_document_id():
    index = VectorIndex.create(3, "v1")
    index.add([10, 20, 30], unit([[1, 0, 0], [0, 1, 0], [0, 0, 1]]))
    scores, ids = index.search(unit([[0.1, 1, 0]]), 2)
    assert ids[0].tolist() == [20, 10]
    assert scores[0, 0] > scores[0, 1]
    assert len(index) == 3


def test_remove_and_update_keep_one_vector_per_id():
    index = VectorIndex.create(2, "v1")
    index.add([1, 2], unit([[1, 0], [0, 1]]))
    index.add([1], unit([[0, 1]]))                  # update = remove + add
    assert len(index) == 2
    assert index.remove([2, 99]) == 1
    scores, ids = index.search(unit([[0, 1]]), 3)
    assert ids[0].tolist() == [1, -1, -1]
    assert np.isclose(scores[0, 0], 1.0)


def test_search_on_an_empty_index_returns_no_ids():
    scores, ids = VectorIndex.create(4, "v1").search(unit([[1, 0, 0, 0]]), 5)
    assert (ids == -1).all()


def test_save_and_load_round_trip(tmp_path):
    index = VectorIndex.create(2, "v7")
    index.add([5, 6], unit([[1, 0], [1, 1]]))
    index.save(tmp_path / "index.faiss")
    loaded = VectorIndex.load(tmp_path / "index.faiss", model_version="v7", dim=2)
    assert loaded.model_version == "v7" and len(loaded) == 2
    assert sorted(loaded.ids().tolist()) == [5, 6]
    assert VectorIndex.read_header(tmp_path / "index.faiss")["count"] == 2
    assert list(tmp_path.iterdir()) == [tmp_path / "index.faiss"]    # no temporary left behind


def test_load_refuses_another_model_version_or_dimension(tmp_path):
    VectorIndex.create(2, "v1").save(tmp_path / "index.faiss")
    with pytest.raises(IndexMismatchError, match="model v1, not v2"):
        VectorIndex.load(tmp_path / "index.faiss", model_version="v2")
    with pytest.raises(IndexMismatchError, match="2-d vectors, not 3-d"):
        VectorIndex.load(tmp_path / "index.faiss", dim=3)


def test_load_refuses_a_file_that_is_not_an_index(tmp_path):
    (tmp_path / "junk").write_bytes(b"garbage")
    with pytest.raises(IndexMismatchError):
        VectorIndex.load(tmp_path / "junk")


def test_vectors_of_the_wrong_dimension_are_refused():
    with pytest.raises(IndexMismatchError):
        VectorIndex.create(3, "v1").add([1], unit([[1, 0]]))


def test_large_collections_get_an_approximate_index_with_high_recall(monkeypatch):
    monkeypatch.setattr(index_module, "APPROXIMATE_FROM", 1000)
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(40, 16))
    vectors = unit(centres[rng.integers(0, 40, 4000)] + 0.3 * rng.normal(size=(4000, 16)))   # topics, as real text has
    approximate = VectorIndex.build(np.arange(4000), vectors, "v1")
    assert approximate.kind == "ivf"
    queries = unit(centres[rng.integers(0, 40, 50)] + 0.3 * rng.normal(size=(50, 16)))
    truth = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    found = approximate.search(queries, 10)[1]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)])
    assert recall > 0.9
    approximate.remove([int(found[0, 0])])
    assert len(approximate) == 3999
