"""Encoder: texts -> L2-normalised document vectors, in NumPy, for serving.

The web process encodes one query per request; the Keras model costs 80-580 ms
per eager call and TensorFlow costs seconds to import, so serving reads the
trained weights and runs the LSTM in NumPy instead. tests/embeddings checks
that it agrees with Keras.
"""
from pathlib import Path

import numpy as np

from .artefact import load_config
from .vocabulary import Vocabulary
from .windows import batch_windows, pad, text_windows


def _sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1.0)   # overflow-free form of 1 / (1 + e^-x)


class Encoder:
    """The encoder half of a trained autoencoder; deterministic: the same text always gives the same vector."""

    batch_size = 256

    def __init__(self, model_dir: Path):
        model_dir = Path(model_dir)
        self.version = model_dir.name
        self.config = load_config(model_dir)
        self.vocabulary = Vocabulary.load(model_dir / "vocab.json")
        with np.load(model_dir / "weights.npz") as weights:
            self.embedding = weights["embedding"].astype(np.float32)
            self.kernel = weights["kernel"].astype(np.float32)
            self.recurrent_kernel = weights["recurrent_kernel"].astype(np.float32)
            self.bias = weights["bias"].astype(np.float32)
        self.dim = self.recurrent_kernel.shape[0]

    @classmethod
    def load(cls, model_dir: Path) -> "Encoder":
        return cls(model_dir)

    def encode(self, texts: list[str]) -> np.ndarray:
        """One vector per text: the normalised mean of its windows' unit vectors (zeros for a text with no words)."""
        return self.encode_with_passages(texts)[0]

    def encode_with_passages(self, texts: list[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        """The texts' vectors (as encode gives them) and each text's (n_windows, dim) unit passage vectors, in one pass."""
        windows, owners = batch_windows(list(texts), self.vocabulary, self.config.seq_len)
        units = _normalise(self.encode_windows(windows))
        documents = np.zeros((len(texts), self.dim), dtype=np.float32)
        np.add.at(documents, owners, units)
        return _normalise(documents), [units[owners == i] for i in range(len(texts))]

    def encode_passages(self, text: str) -> np.ndarray:
        """One normalised vector per window of a text, in order."""
        return _normalise(self.encode_windows(text_windows(text, self.vocabulary, self.config.seq_len)))

    def encode_windows(self, windows: list[list[int]]) -> np.ndarray:
        """Raw (unnormalised) encoder outputs for token-id windows."""
        out = np.zeros((len(windows), self.dim), dtype=np.float32)
        for start in range(0, len(windows), self.batch_size):
            chunk = windows[start:start + self.batch_size]
            out[start:start + len(chunk)] = self._forward(chunk)
        return out

    def _forward(self, windows: list[list[int]]) -> np.ndarray:
        """The masked LSTM over right-padded windows, longest first so active rows are a prefix."""
        lengths = np.array([min(len(w), self.config.seq_len) for w in windows])
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
        ids = pad([windows[i] for i in order], self.config.seq_len, self.config.reverse_input)
        steps = int(lengths[0]) if len(lengths) else 0
        inputs = self.embedding[ids[:, :steps]] @ self.kernel + self.bias        # (n, steps, 4U)
        units = self.dim
        h = np.zeros((len(windows), units), dtype=np.float32)
        c = np.zeros_like(h)
        total = np.zeros_like(h)
        for t in range(steps):
            n = int(np.searchsorted(-lengths, -t, side="left"))                  # rows with length > t
            z = inputs[:n, t] + h[:n] @ self.recurrent_kernel
            i, f = _sigmoid(z[:, :units]), _sigmoid(z[:, units:2 * units])
            g, o = np.tanh(z[:, 2 * units:3 * units]), _sigmoid(z[:, 3 * units:])
            c[:n] = f * c[:n] + i * g
            h[:n] = o * np.tanh(c[:n])
            total[:n] += h[:n]
        result = total / np.maximum(lengths, 1)[:, None] if self.config.pooling == "mean" else h
        out = np.empty_like(result)
        out[order] = result
        return out


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
