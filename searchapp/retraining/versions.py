"""Model versions after training: activation (automatic, "anyway" or rollback) and the last N kept.

Activation itself is active.switch_to(); this adds what retraining needs around it:
the training runs' statuses follow the active version, and documents without a
vector for the version are queued for encoding once the swap has committed.
"""
import logging
import shutil

from django.conf import settings
from django.db import transaction

from .. import active, encoding
from ..models import ModelVersion, TrainingRun

log = logging.getLogger(__name__)


def activate(version: ModelVersion) -> ModelVersion:
    """Swap to `version` (model and index together) and queue the documents it lacks."""
    with transaction.atomic():
        active.switch_to(version)
        TrainingRun.objects.filter(status=TrainingRun.Status.ACTIVE).exclude(model_version=version).update(
            status=TrainingRun.Status.READY)
        TrainingRun.objects.filter(model_version=version, status=TrainingRun.Status.READY).update(
            status=TrainingRun.Status.ACTIVE)
        transaction.on_commit(encoding.queue_missing)
    return version


def discard(version: ModelVersion) -> None:
    """Delete an inactive version: its row (and stored vectors), model directory and index."""
    if version.is_active:
        raise ValueError(f"model {version.name} is active and cannot be discarded")
    if version.pk:
        version.delete()
    remove_files(version.name)


def remove_files(name: str) -> None:
    """The model directory and index folder of a version name, whether or not it was registered."""
    probe = ModelVersion(name=name, dim=0)
    shutil.rmtree(probe.model_dir, ignore_errors=True)
    shutil.rmtree(probe.index_path.parent, ignore_errors=True)
    probe.index_path.parent.with_suffix(".lock").unlink(missing_ok=True)


def prune(keep: int | None = None) -> list[str]:
    """Keep the active version and the `keep` (RETRAIN_KEEP_VERSIONS) newest others; discard the rest."""
    keep = settings.RETRAIN_KEEP_VERSIONS if keep is None else keep
    candidates = ModelVersion.objects.filter(is_active=False).exclude(training_runs__status__in=TrainingRun.IN_PROGRESS)
    old = list(candidates.order_by("-created_at", "-pk")[keep:])
    for version in old:
        log.info("discarding model version %s (keeping the last %d)", version.name, keep)
        discard(version)
    return [version.name for version in old]


def discard_unfinished(run: TrainingRun) -> None:
    """What a failed or cancelled run built (its version, vectors and files, and any half-saved model) goes."""
    run.refresh_from_db(fields=["model_version"])
    if run.model_version is not None and not run.model_version.is_active:
        discard(run.model_version)
        run.model_version = None
    for staging in settings.MODELS_DIR.glob(".tmp-*"):
        shutil.rmtree(staging, ignore_errors=True)
