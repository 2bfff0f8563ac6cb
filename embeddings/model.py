"""The sequence-to-sequence LSTM autoencoder whose encoder state is the document vector.

    tokens ─► Embedding(mask_zero) ─► LSTM ─► pooling ─► document vector
                                                            │
          reconstruction ◄─ Dense(vocab, softmax) ◄─ LSTM ◄─ RepeatVector(T)

Trained on two losses at once (Doc2VecAutoencoder.train_step):
- reconstruction of the window, per real token (the padding mask does not pass
  through RepeatVector, so padded positions are dropped explicitly), with a full
  or a sampled softmax;
- retrieval: a short random span of each window must find its own window among
  the other windows of the batch (in-batch contrastive loss). Spans look like the
  short queries users type; reconstruction alone gives a poor cosine space.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import layers

from .config import TrainingConfig


def build_encoder(config: TrainingConfig, vocab_len: int, embedding_matrix: np.ndarray | None = None) -> keras.Model:
    """Token ids (batch, time) -> document vectors (batch, latent). Standard layers only, so it loads anywhere."""
    tokens = keras.Input(shape=(None,), dtype="int32", name="tokens")
    embedding = layers.Embedding(
        vocab_len, config.embedding_dim, mask_zero=True, name="embedding",
        embeddings_initializer=keras.initializers.Constant(embedding_matrix) if embedding_matrix is not None else "uniform",
        trainable=not (config.freeze_embeddings and embedding_matrix is not None),
    )
    embedded = embedding(tokens)
    if config.pooling == "mean":
        states = layers.LSTM(config.latent_dim, return_sequences=True, name="encoder_lstm")(embedded)
        vector = layers.GlobalAveragePooling1D(name="pooling")(states)   # masked mean over real tokens
    elif config.pooling == "final":
        vector = layers.LSTM(config.latent_dim, name="encoder_lstm")(embedded)
    else:
        raise ValueError(f"unknown pooling {config.pooling!r}: use 'mean' or 'final'")
    return keras.Model(tokens, vector, name="encoder")


def build_decoder(config: TrainingConfig, vocab_len: int) -> tuple[keras.Model, layers.Dense]:
    """Document vector -> decoder states (batch, T, latent), and the softmax layer over the vocabulary."""
    vector = keras.Input(shape=(config.latent_dim,), name="document_vector")
    repeated = layers.RepeatVector(config.seq_len, name="repeat")(vector)
    states = layers.LSTM(config.latent_dim, return_sequences=True, name="decoder_lstm")(repeated)
    return keras.Model(vector, states, name="decoder"), layers.Dense(vocab_len, activation="softmax", name="reconstruction")


class Doc2VecAutoencoder(keras.Model):
    """Encoder + decoder with the two losses; fit() takes batches of (window, noisy window, span)."""

    def __init__(self, config: TrainingConfig, vocab_len: int, embedding_matrix: np.ndarray | None = None):
        super().__init__(name="doc2vec_autoencoder")
        self.config = config
        self.vocab_len = vocab_len
        self.encoder = build_encoder(config, vocab_len, embedding_matrix)
        self.decoder, self.softmax = build_decoder(config, vocab_len)
        self.softmax.build((None, config.latent_dim))
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction", "retrieval")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, tokens, training=False):
        """Reconstruction probabilities (batch, T, vocab) for a batch of windows."""
        return self.softmax(self.decoder(self.encoder(tokens, training=training), training=training))

    def reconstruction_loss(self, states, target, sampled: bool):
        """Mean cross-entropy per real (non-padding) target token."""
        real = tf.not_equal(target, 0)
        states = tf.boolean_mask(states, real)
        labels = tf.cast(tf.boolean_mask(target, real), tf.int64)
        kernel, bias = self.softmax.kernel, self.softmax.bias
        if sampled:
            losses = tf.nn.sampled_softmax_loss(
                weights=tf.transpose(kernel), biases=bias, labels=labels[:, None], inputs=states,
                num_sampled=min(self.config.num_sampled, self.vocab_len - 1), num_classes=self.vocab_len)
        else:
            logits = tf.matmul(states, kernel) + bias
            losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        return tf.reduce_mean(losses)

    def retrieval_loss(self, span_vectors, window_vectors):
        """In-batch softmax: span i must be closest (cosine) to window i."""
        spans = tf.math.l2_normalize(span_vectors, axis=1)
        windows = tf.math.l2_normalize(window_vectors, axis=1)
        logits = tf.matmul(spans, windows, transpose_b=True) / self.config.temperature
        labels = tf.range(tf.shape(logits)[0])
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))

    def losses_for(self, batch, training: bool):
        target, noisy, span = batch["window"], batch["noisy"], batch["span"]
        vectors = self.encoder(noisy, training=training)
        states = self.decoder(vectors, training=training)
        reconstruction = self.reconstruction_loss(states, target, sampled=training and self.config.sampled_softmax)
        if self.config.retrieval_weight > 0:
            retrieval = self.retrieval_loss(self.encoder(span, training=training), vectors)
        else:
            retrieval = tf.constant(0.0)
        return reconstruction, retrieval

    def _record(self, reconstruction, retrieval):
        loss = reconstruction + self.config.retrieval_weight * retrieval
        for name, value in (("loss", loss), ("reconstruction", reconstruction), ("retrieval", retrieval)):
            self.trackers[name].update_state(value)
        return loss

    def train_step(self, batch):
        with tf.GradientTape() as tape:
            loss = self._record(*self.losses_for(batch, training=True))
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def test_step(self, batch):
        self._record(*self.losses_for(batch, training=False))
        return {name: tracker.result() for name, tracker in self.trackers.items()}
