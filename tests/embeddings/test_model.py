import json
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from embeddings.artefact import load_keras_encoder, load_metrics
from embeddings.config import TrainingConfig
from embeddings.encoder import Encoder
from embeddings.model import Doc2VecAutoencoder
from embeddings.training import TrainingCancelled, train_model
from embeddings.windows import pad, split_windows

from .conftest import small_corpus


def test_padding_does_not_change_the_document_vector(tiny_model):
    encoder = load_keras_encoder(tiny_model)
    window = [5, 9, 12, 7]
    unpadded = np.asarray(encoder(np.array([window], dtype=np.int32)))
    padded = np.asarray(encoder(pad([window], 24)))
    np.testing.assert_allclose(unpadded, padded, atol=1e-6)


@pytest.mark.parametrize("pooling,reverse", [("mean", True), ("final", False)])
def test_numpy_encoder_agrees_with_keras(tmp_path, pooling, reverse):
    model_dir = train_model(small_corpus(2), tmp_path, TrainingConfig.tiny(epochs=1, pooling=pooling, reverse_input=reverse))
    keras_encoder, encoder = load_keras_encoder(model_dir), Encoder.load(model_dir)
    windows = [[2, 3, 4, 5, 6, 7, 8], [9, 1, 4], [2] * 24, [3, 4]]
    expected = np.asarray(keras_encoder(pad(windows, 24, reverse)))
    np.testing.assert_allclose(encoder.encode_windows(windows), expected, atol=1e-5)


def test_encode_is_normalised_deterministic_and_combines_windows(tiny_model):
    encoder = Encoder.load(tiny_model)
    texts = small_corpus(1)
    first, second = encoder.encode(texts), encoder.encode(texts)
    np.testing.assert_array_equal(first, second)
    assert first.dtype == np.float32 and first.shape == (4, 16)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-5)
    long_text = " ".join(texts * 3)                                  # several 24-token windows
    passages = encoder.encode_passages(long_text)
    assert len(passages) == len(split_windows(list(range(len(long_text.split()))), 24))
    combined = passages.sum(axis=0) / np.linalg.norm(passages.sum(axis=0))
    np.testing.assert_allclose(encoder.encode([long_text])[0], combined, atol=1e-5)
    assert not encoder.encode(["!!!"]).any()                         # no words, no vector


def test_the_artefact_loads_in_a_fresh_process_without_our_classes(tiny_model):
    script = ("import sys, keras, numpy as np; m = keras.saving.load_model(sys.argv[1] + '/encoder.keras'); "
              "print(m(np.array([[3, 4, 5]], dtype='int32')).shape)")
    result = subprocess.run([sys.executable, "-c", script, str(tiny_model)], capture_output=True, text=True, check=True)
    assert result.stdout.strip().endswith("(1, 16)")
    files = {p.name for p in tiny_model.iterdir()}
    assert files == {"config.json", "vocab.json", "encoder.keras", "weights.npz", "metrics.json"}
    metrics = load_metrics(tiny_model)
    assert metrics["stopped_because"] == "completed" and len(metrics["epochs"]) == 3


def test_the_numpy_encoder_does_not_import_tensorflow(tiny_model):
    script = ("import sys; from embeddings.encoder import Encoder; Encoder.load(sys.argv[1]).encode(['a goal']); "
              "print('tensorflow' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script, str(tiny_model)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_training_is_deterministic_for_a_seed(tmp_path):
    config = TrainingConfig.tiny(epochs=1)
    first = Encoder.load(train_model(small_corpus(2), tmp_path / "a", config)).encode(["the rocket"])
    second = Encoder.load(train_model(small_corpus(2), tmp_path / "b", config)).encode(["the rocket"])
    np.testing.assert_allclose(first, second, atol=1e-6)


def test_progress_is_reported_and_cancel_leaves_no_model(tmp_path):
    reports = []
    with pytest.raises(TrainingCancelled):
        train_model(small_corpus(), tmp_path, TrainingConfig.tiny(epochs=5), on_progress=reports.append,
                    should_stop=lambda: len(reports) >= 3)
    batches = [r for r in reports if r["stage"] == "training"]
    assert batches[0]["epoch"] == 1 and batches[0]["batch"] == 1 and batches[0]["tokens_per_s"] > 0
    assert list(tmp_path.iterdir()) == []


def test_reconstruction_loss_counts_only_real_tokens():
    config = TrainingConfig.tiny(seq_len=4)
    model = Doc2VecAutoencoder(config, vocab_len=10)
    states = tf.random.normal((2, 4, config.latent_dim), seed=1)
    target = tf.constant([[3, 4, 0, 0], [5, 6, 7, 0]])
    logits = tf.matmul(states, model.softmax.kernel) + model.softmax.bias
    per_token = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.maximum(target, 0), logits=logits)
    expected = tf.reduce_sum(per_token * tf.cast(target > 0, tf.float32)) / 5.0
    assert np.isclose(float(model.reconstruction_loss(states, target, sampled=False)), float(expected), rtol=1e-5)
    assert np.isfinite(float(model.reconstruction_loss(states, target, sampled=True)))


def test_pretrained_vectors_start_the_embedding(tmp_path):
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("goal 0.5 0.5 0.5 0.5\nrocket -0.5 0.25 0.0 1.0\n")
    config = TrainingConfig.tiny(epochs=1, pretrained=str(vectors), freeze_embeddings=True)
    model_dir = train_model(small_corpus(2), tmp_path / "models", config)
    encoder = Encoder.load(model_dir)
    assert encoder.config.embedding_dim == 4
    np.testing.assert_allclose(encoder.embedding[encoder.vocabulary.id("rocket")], [-0.5, 0.25, 0.0, 1.0])
    assert json.loads((model_dir / "metrics.json").read_text())["pretrained_found"] == 2


def test_pseudo_queries_are_spans_of_the_window_or_its_rarer_words():
    from embeddings.training import pseudo_query

    window = np.arange(2, 202, dtype=np.int32)                  # ids 2..201: frequency rank order
    rng = np.random.default_rng(0)
    plain = TrainingConfig(span_min=4, span_max=8, keyword_queries=0.0)
    for _ in range(20):
        span = pseudo_query(window, plain, rng)
        assert 4 <= len(span) <= 8 and (np.diff(span) == 1).all()   # contiguous
    keywords = TrainingConfig(span_min=4, span_max=8, keyword_queries=1.0, common_words=150)
    spans = [pseudo_query(window, keywords, rng) for _ in range(50)]
    rare_only = [s for s in spans if (s >= 152).all()]
    assert len(rare_only) > 5                                    # drawn from the rare end of the window
    assert all(len(s) <= 8 for s in spans)
