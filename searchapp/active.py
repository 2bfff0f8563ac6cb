"""The one place that decides which model version is active.

Everything that encodes or searches asks active_version(); encoders are
loaded once per process and kept until the active version changes.
"""
import threading
from pathlib import Path

from django.db import transaction

from embeddings.encoder import Encoder

from .models import Document, ModelVersion

_lock = threading.Lock()
_encoders: dict = {}


def active_version() -> ModelVersion | None:
    return ModelVersion.objects.filter(is_active=True).first()


def encoder(version: ModelVersion):
    """The encoder of a version, loaded on first use in this process (NumPy only, no TensorFlow)."""
    with _lock:
        if version.name not in _encoders:
            _encoders.clear()  # keep one model in memory: the active one
            _encoders[version.name] = Encoder.load(version.model_dir)
        return _encoders[version.name]


@transaction.atomic
def activate(model_dir: Path) -> ModelVersion:
    """Register a trained model directory and make it the active version.

    Document statuses follow: those with a stored vector for it are indexed,
    the others are queued (the caller dispatches their encoding).
    """
    loaded = Encoder.load(model_dir)
    ModelVersion.objects.filter(is_active=True).update(is_active=False)
    version, _ = ModelVersion.objects.update_or_create(
        name=loaded.version, defaults={"dim": loaded.dim, "is_active": True}
    )
    Document.objects.filter(vectors__model_version=version).update(status=Document.Status.INDEXED, error="")
    Document.objects.exclude(vectors__model_version=version).update(status=Document.Status.QUEUED, error="")
    return version
