"""Fusion of dense and keyword rankings, and passages grouped into documents."""
import numpy as np
import pytest

from embeddings.encoder import Encoder
from embeddings.fusion import dense_ranking, fuse
from embeddings.passages import PASSAGE_SLOTS, owner, passage_ids

from .conftest import small_corpus

DENSE = [(1, 0.9), (2, 0.5), (3, 0.1)]
KEYWORD = [(3, 12.0), (4, 6.0), (2, 0.0)]


def test_weighted_sum_of_normalised_scores():
    fused = dict(fuse(DENSE, KEYWORD, weight=0.5))
    # dense normalised: 1 -> 1, 2 -> 0.5, 3 -> 0; keyword: 3 -> 1, 4 -> 0.5, 2 -> 0
    assert fused == pytest.approx({1: 0.5, 2: 0.25, 3: 0.5, 4: 0.25})
    assert [doc for doc, _ in fuse(DENSE, KEYWORD, 0.5)] == [1, 3, 2, 4]   # ties broken by id


def test_weight_moves_the_ranking_from_keyword_to_dense():
    assert [doc for doc, _ in fuse(DENSE, KEYWORD, 0.0)][:2] == [3, 4]
    assert [doc for doc, _ in fuse(DENSE, KEYWORD, 1.0)][:3] == [1, 2, 3]
    assert [doc for doc, _ in fuse(DENSE, KEYWORD, 0.4)][0] == 3
    assert [doc for doc, _ in fuse(DENSE, KEYWORD, 0.6)][0] == 1


def test_a_document_found_by_both_beats_one_found_by_either_alone():
    dense, keyword = [(1, 0.8), (2, 0.7), (9, 0.1)], [(3, 5.0), (2, 4.9), (8, 0.2)]
    for method in ("sum", "rrf"):
        assert fuse(dense, keyword, 0.5, method)[0][0] == 2


def test_reciprocal_rank_fusion_ignores_the_score_scales():
    fused = dict(fuse(DENSE, KEYWORD, 0.5, "rrf"))
    assert fused[1] == pytest.approx(0.5 / 61)
    assert fused[3] == pytest.approx(0.5 / 63 + 0.5 / 61)
    assert fuse([(1, 1e9), (2, -1e9)], [], 1.0, "rrf") == fuse([(1, 0.2), (2, 0.1)], [], 1.0, "rrf")


def test_empty_rankings_and_limits():
    assert fuse([], [], 0.5) == []
    assert fuse(DENSE, [], 0.5, limit=2) == [(1, 0.5), (2, 0.25)]
    assert fuse([(7, 0.3)], [], 0.5) == [(7, 0.5)]   # a single candidate is the best: normalised to 1


@pytest.mark.parametrize("weight, method", [(-0.1, "sum"), (1.5, "sum"), (0.5, "max")])
def test_bad_weight_or_method_is_refused(weight, method):
    with pytest.raises(ValueError):
        fuse(DENSE, KEYWORD, weight, method)


def test_dense_ranking_takes_each_documents_best_passage_or_whole_vector():
    whole = [(1, 0.5), (2, 0.4)]
    passages = [(2 * PASSAGE_SLOTS + 7, 0.9), (1 * PASSAGE_SLOTS + 0, 0.3), (3 * PASSAGE_SLOTS + 1, 0.6)]
    assert dense_ranking(whole, passages) == [(2, 0.9), (3, 0.6), (1, 0.5)]


def test_passage_ids_pack_document_and_window():
    ids = passage_ids(42, 3)
    assert ids.tolist() == [42 * PASSAGE_SLOTS, 42 * PASSAGE_SLOTS + 1, 42 * PASSAGE_SLOTS + 2]
    assert {owner(i) for i in ids} == {42}
    assert len(passage_ids(1, PASSAGE_SLOTS + 10)) == PASSAGE_SLOTS


def test_one_pass_gives_the_encoders_document_vectors_and_one_vector_per_window(tiny_model):
    encoder = Encoder.load(tiny_model)
    texts = [" ".join(small_corpus(4)), small_corpus()[0], ""]
    documents, passages = encoder.encode_with_passages(texts)
    mean = passages[0].sum(axis=0)
    np.testing.assert_allclose(documents[0], mean / np.linalg.norm(mean), atol=1e-6)
    assert not documents[2].any()
    assert len(passages[0]) > 1 and len(passages[1]) == 1 and len(passages[2]) == 0
    np.testing.assert_allclose(passages[0], encoder.encode_passages(texts[0]), atol=1e-6)
