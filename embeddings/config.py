"""The training recipe: every knob of the model and its training, saved with the model."""
from dataclasses import asdict, dataclass, fields

from .vectors import DEFAULT_VECTORS


@dataclass(frozen=True)
class TrainingConfig:
    """Defaults are the recipe measured in bench/quality.py; tiny() is for tests."""

    vocab_size: int = 20000        # top-N words; every other word is the unknown id
    seq_len: int = 100             # window length T: longer documents are split
    embedding_dim: int = 50        # replaced by the pretrained vectors' dimension when given
    latent_dim: int = 128          # LSTM units = document vector size
    pretrained: str | None = DEFAULT_VECTORS   # 'glove-6b-50d', a GloVe-format file, or None
    freeze_embeddings: bool = False
    pooling: str = "mean"          # document vector: 'mean' of encoder states or 'final' state
    reverse_input: bool = False    # feed the encoder the window backwards (Sutskever et al. 2014; measured: it hurts here)
    word_dropout: float = 0.1      # denoising: input words replaced by the unknown id
    sampled_softmax: bool = True   # sampled softmax for the reconstruction loss
    num_sampled: int = 512         # negative classes per batch for the sampled softmax
    retrieval_weight: float = 2.0  # weight of the in-batch span -> window contrastive loss (0: plain autoencoder)
    temperature: float = 0.05
    span_min: int = 4              # spans (pseudo-queries) are span_min..span_max tokens long
    span_max: int = 16
    keyword_queries: float = 0.5   # share of pseudo-queries keeping only words outside the common_words most frequent
    common_words: int = 100
    batch_size: int = 128
    learning_rate: float = 3e-3
    epochs: int = 30
    max_minutes: float | None = None
    validation_fraction: float = 0.05
    patience: int = 2
    seed: int = 0

    @classmethod
    def tiny(cls, **overrides) -> "TrainingConfig":
        """A model that trains in seconds, for tests."""
        values = dict(vocab_size=300, seq_len=24, embedding_dim=16, latent_dim=16, pretrained=None,
                      num_sampled=32, batch_size=16, epochs=2, span_min=2, span_max=6, patience=5)
        return cls(**{**values, **overrides})

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "TrainingConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})
