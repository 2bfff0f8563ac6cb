"""train_model(): texts in, a versioned model directory out.

The texts are read twice (once to count words, once to turn them into ids)
and kept only as token ids, one flat int32 array with offsets; batches are
cut from it on the fly by a tf.data pipeline, so neither the tokenised corpus
nor a dense (windows x T) matrix of it is ever held.
"""
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from . import artefact
from .config import TrainingConfig
from .model import Doc2VecAutoencoder
from .text import tokenise
from .vectors import WordVectors
from .vocabulary import UNK_ID, Vocabulary
from .windows import pad, text_windows

__all__ = ["TrainingConfig", "train_model"]

Progress = Callable[[dict], None]


class WindowCorpus:
    """Every training window as a slice of one flat id array."""

    def __init__(self, windows: Iterable[list[int]]):
        chunks = [np.asarray(window, dtype=np.int32) for window in windows]
        self.offsets = np.concatenate([[0], np.cumsum([len(chunk) for chunk in chunks], dtype=np.int64)])
        self.ids = np.concatenate(chunks) if chunks else np.zeros(0, np.int32)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def window(self, i: int) -> np.ndarray:
        return self.ids[self.offsets[i]:self.offsets[i + 1]]

    def tokens(self, rows: np.ndarray) -> int:
        return int((self.offsets[rows + 1] - self.offsets[rows]).sum())


def pseudo_query(window: np.ndarray, config: TrainingConfig, rng: np.random.Generator) -> np.ndarray:
    """A random span of the window; sometimes only its less common words, as in a headline."""
    length = int(rng.integers(config.span_min, config.span_max + 1))
    keywords = rng.random() < config.keyword_queries
    region = 2 * length if keywords else length
    begin = int(rng.integers(0, max(1, len(window) - region + 1)))
    span = window[begin:begin + region]
    if keywords:
        rare = span[span >= 2 + config.common_words]        # ids rank words by frequency
        if len(rare) >= config.span_min:
            return rare[:length]
        return span[:length]
    return span


def training_batches(corpus: WindowCorpus, rows: np.ndarray, config: TrainingConfig, seed: int, noisy: bool):
    """Yield dict batches: the clean window (target), its noisy encoder input and a random span of it."""
    rng = np.random.default_rng(seed)
    T, S = config.seq_len, config.span_max
    if noisy:
        rows = rng.permutation(rows)
    for start in range(0, len(rows), config.batch_size):
        chunk = [corpus.window(i) for i in rows[start:start + config.batch_size]]
        spans = [pseudo_query(window, config, rng) for window in chunk]
        inputs = chunk
        if noisy and config.word_dropout > 0:
            inputs = [np.where(rng.random(len(w)) < config.word_dropout, UNK_ID, w) for w in chunk]
        yield {"window": pad(chunk, T), "noisy": pad(inputs, T, config.reverse_input),
               "span": pad(spans, S, config.reverse_input)}


def make_dataset(corpus: WindowCorpus, rows: np.ndarray, config: TrainingConfig, noisy: bool) -> tf.data.Dataset:
    batches = -(-len(rows) // config.batch_size)
    epoch = iter(range(10**9))   # a new shuffle (and new noise) each epoch, reproducible from the seed
    signature = {"window": tf.TensorSpec((None, config.seq_len), tf.int32),
                 "noisy": tf.TensorSpec((None, config.seq_len), tf.int32),
                 "span": tf.TensorSpec((None, config.span_max), tf.int32)}
    return tf.data.Dataset.from_generator(
        lambda: training_batches(corpus, rows, config, config.seed + (next(epoch) if noisy else 0), noisy),
        output_signature=signature).apply(tf.data.experimental.assert_cardinality(batches)).prefetch(2)


class ProgressReporter(keras.callbacks.Callback):
    """Reports epoch, batch, loss and tokens/s; stops on the time budget or when asked to."""

    def __init__(self, config: TrainingConfig, batches: int, tokens_per_batch: float,
                 on_progress: Progress | None, should_stop: Callable[[], bool] | None):
        super().__init__()
        self.config, self.batches, self.tokens_per_batch = config, batches, tokens_per_batch
        self.on_progress, self.should_stop = on_progress, should_stop
        self.started = time.monotonic()
        self.epoch = 0
        self.history: list[dict] = []
        self.stopped_because: str | None = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        self.epoch_started = time.monotonic()

    def on_train_batch_end(self, batch, logs=None):
        elapsed = time.monotonic() - self.epoch_started
        report = {"stage": "training", "epoch": self.epoch + 1, "epochs": self.config.epochs,
                  "batch": batch + 1, "batches": self.batches, "loss": float(logs["loss"]),
                  "tokens_per_s": self.tokens_per_batch * (batch + 1) / max(elapsed, 1e-9),
                  "elapsed_s": time.monotonic() - self.started}
        if self.on_progress:
            self.on_progress(report)
        if self.should_stop and self.should_stop():
            self.stopped_because = "cancelled"
            self.model.stop_training = True
        elif self.config.max_minutes and report["elapsed_s"] > self.config.max_minutes * 60:
            self.stopped_because = "time budget"
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.monotonic() - self.epoch_started
        self.history.append({"epoch": epoch + 1, "seconds": round(seconds, 2),
                             **{k: round(float(v), 5) for k, v in (logs or {}).items()}})


class TrainingCancelled(Exception):
    """Raised when should_stop() asked to stop: no model directory is written."""


def train_model(texts: Sequence[str], models_dir: Path, config: TrainingConfig = TrainingConfig(),
                on_progress: Progress | None = None, should_stop: Callable[[], bool] | None = None) -> Path:
    """Train on `texts` and save a new model version under `models_dir`; returns its directory."""
    keras.utils.set_random_seed(config.seed)
    started = time.monotonic()
    vocabulary = Vocabulary.build((tokenise(text) for text in texts), config.vocab_size)
    corpus = WindowCorpus(window for text in texts for window in text_windows(text, vocabulary, config.seq_len))
    if len(corpus) < 2:
        raise ValueError("need at least two windows of text to train on")

    embedding_matrix, found = None, None
    if config.pretrained:
        vectors = WordVectors.load(config.pretrained)
        config = TrainingConfig.from_dict({**config.to_dict(), "embedding_dim": vectors.dim})
        embedding_matrix, found = vectors.embedding_matrix(vocabulary, seed=config.seed)
        if on_progress:
            on_progress({"stage": "vectors", "found": found, "vocabulary": len(vocabulary) - 2})

    rows = np.random.default_rng(config.seed).permutation(len(corpus))
    held_out = max(1, int(len(rows) * config.validation_fraction)) if len(rows) >= 20 else 0
    validation_rows, training_rows = rows[:held_out], rows[held_out:]
    batches = -(-len(training_rows) // config.batch_size)

    model = Doc2VecAutoencoder(config, len(vocabulary), embedding_matrix)
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate, clipnorm=1.0))
    reporter = ProgressReporter(config, batches, corpus.tokens(training_rows) / batches, on_progress, should_stop)
    callbacks = [reporter]
    if held_out:
        callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=config.patience,
                                                       restore_best_weights=True))
    model.fit(make_dataset(corpus, training_rows, config, noisy=True), epochs=config.epochs,
              validation_data=make_dataset(corpus, validation_rows, config, noisy=False) if held_out else None,
              callbacks=callbacks, shuffle=False, verbose=0)
    if reporter.stopped_because == "cancelled":
        raise TrainingCancelled("training was cancelled")

    metrics = {"epochs": reporter.history, "windows": len(corpus), "tokens": int(len(corpus.ids)),
               "vocabulary": len(vocabulary), "pretrained_found": found,
               "stopped_because": reporter.stopped_because or "completed",
               "train_seconds": round(time.monotonic() - started, 1)}
    if on_progress:
        on_progress({"stage": "saving"})
    return artefact.save(models_dir, model.encoder, vocabulary, config, metrics)
