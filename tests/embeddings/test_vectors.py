import numpy as np
import pytest

from embeddings.vectors import WordVectors
from embeddings.vocabulary import Vocabulary


@pytest.fixture
def glove_file(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text("king 1.0 0.0 0.5\nqueen 0.9 0.1 0.5\napple -1.0 2.0 0.0\n", encoding="utf-8")
    return path


def test_loads_a_glove_text_file(glove_file):
    vectors = WordVectors.load(glove_file)
    assert vectors.dim == 3
    np.testing.assert_allclose(vectors.matrix[vectors.index["apple"]], [-1.0, 2.0, 0.0])


def test_skips_a_word2vec_header(tmp_path):
    path = tmp_path / "w2v.txt"
    path.write_text("2 2\ncat 1 2\ndog 3 4\n")
    assert WordVectors.load(path).words == ["cat", "dog"]


def test_rejects_ragged_rows_with_the_line_number(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("cat 1 2\ndog 3\n")
    with pytest.raises(ValueError, match="bad.txt:2"):
        WordVectors.load(path)


def test_embedding_matrix_copies_known_words_and_counts_them(glove_file):
    vectors = WordVectors.load(glove_file)
    vocab = Vocabulary(["queen", "unseenword", "king"])
    matrix, found = vectors.embedding_matrix(vocab)
    assert found == 2
    assert matrix.shape == (5, 3)
    np.testing.assert_array_equal(matrix[0], 0.0)                       # padding
    np.testing.assert_allclose(matrix[vocab.id("queen")], [0.9, 0.1, 0.5])
    np.testing.assert_allclose(matrix[vocab.id("king")], [1.0, 0.0, 0.5])
    assert np.abs(matrix[vocab.id("unseenword")]).max() < 0.5           # small random row
    assert np.abs(matrix[vocab.id("unseenword")]).max() > 0


def test_mean_vectors_are_normalised_averages_of_known_words(glove_file):
    vectors = WordVectors.load(glove_file)
    means = vectors.mean_vectors(["King QUEEN!", "nothing known", "apple"])
    expected = np.array([1.9, 0.1, 1.0]) / np.linalg.norm([1.9, 0.1, 1.0])
    np.testing.assert_allclose(means[0], expected, rtol=1e-6)
    np.testing.assert_array_equal(means[1], 0.0)
    assert np.isclose(np.linalg.norm(means[2]), 1.0)


def test_the_packaged_glove_vectors_load():
    vectors = WordVectors.load()
    assert vectors.dim == 50 and len(vectors.words) == 400_000
    assert "the" in vectors.index
