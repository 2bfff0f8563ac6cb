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


def register(model_dir: Path) -> ModelVersion:
    """Record a trained model directory as a version, inactive: retraining fills its index before the swap."""
    loaded = Encoder.load(model_dir)
    version, _ = ModelVersion.objects.get_or_create(name=loaded.version, defaults={"dim": loaded.dim})
    return version


@transaction.atomic
def activate(model_dir: Path) -> ModelVersion:
    """Register a trained model directory and make it the active version (see switch_to)."""
    return switch_to(register(model_dir))


@transaction.atomic
def switch_to(version: ModelVersion) -> ModelVersion:
    """Make a registered version the active one: one row flips, so every process sees model and index change together.

    Document statuses follow: those with a stored vector for it are indexed,
    the others are queued (the caller dispatches their encoding).
    """
    if not Path(version.model_dir, "weights.npz").exists():
        raise FileNotFoundError(f"the files of model {version.name} are gone")
    ModelVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    version.is_active = True
    Document.objects.filter(vectors__model_version=version).update(status=Document.Status.INDEXED, error="")
    Document.objects.exclude(vectors__model_version=version).update(status=Document.Status.QUEUED, error="")
    return version
