"""The model artefact: one versioned directory, written atomically.

    models/<version>/
        config.json    the TrainingConfig
        vocab.json     the vocabulary, most frequent first
        encoder.keras  the Keras encoder (standard layers only: keras.saving.load_model opens it)
        weights.npz    the same weights as plain arrays, for the NumPy encoder
        metrics.json   training history and corpus figures

The directory is built under a temporary name and renamed into place, so a
reader sees either no model or a complete one.
"""
import json
import os
import secrets
import shutil
import time
from pathlib import Path

import numpy as np

from .config import TrainingConfig
from .vocabulary import Vocabulary


def new_version() -> str:
    """Sortable by creation time, unique across processes."""
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)


def save(models_dir: Path, encoder, vocabulary: Vocabulary, config: TrainingConfig, metrics: dict) -> Path:
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    version = new_version()
    staging = models_dir / f".tmp-{version}"
    staging.mkdir()
    try:
        (staging / "config.json").write_text(json.dumps(config.to_dict(), indent=2))
        (staging / "metrics.json").write_text(json.dumps(metrics, indent=2))
        vocabulary.save(staging / "vocab.json")
        encoder.save(staging / "encoder.keras")
        lstm_kernel, lstm_recurrent, lstm_bias = encoder.get_layer("encoder_lstm").get_weights()
        np.savez(staging / "weights.npz", embedding=encoder.get_layer("embedding").get_weights()[0],
                 kernel=lstm_kernel, recurrent_kernel=lstm_recurrent, bias=lstm_bias)
        final = models_dir / version
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def load_config(model_dir: Path) -> TrainingConfig:
    return TrainingConfig.from_dict(json.loads((Path(model_dir) / "config.json").read_text()))


def load_metrics(model_dir: Path) -> dict:
    return json.loads((Path(model_dir) / "metrics.json").read_text())


def load_keras_encoder(model_dir: Path):
    """The trained Keras encoder, for training-side checks; serving uses encoder.Encoder."""
    import keras

    return keras.saving.load_model(Path(model_dir) / "encoder.keras")
