"""What the training task does with a run: train beside, encode beside, check, swap.

Until the swap nothing the active model or index uses is touched: the new
model gets its own directory, its vectors their own rows and its index its own
file. Any failure or cancellation removes what the run built and leaves the
run marked with the reason.
"""
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from embeddings.artefact import load_metrics
from embeddings.config import TrainingConfig
from embeddings.training import TrainingCancelled, train_model

from .. import active, encoding
from ..models import Document, DocumentVector, ModelVersion, TrainingRun
from . import quality, versions
from .progress import Cancelled, RunProgress
from .runs import finish

log = logging.getLogger(__name__)


def execute(run_id: int, say=None) -> TrainingRun | None:
    """Carry a queued run through to `active`, `ready`, `failed` or `cancelled`; `say` prints progress."""
    run = _claim(run_id)
    if run is None:
        return None
    progress = RunProgress(run, say)
    try:
        _run(run, progress)
    except (TrainingCancelled, Cancelled, KeyboardInterrupt) as exc:
        log.info("training run %s cancelled", run.pk)
        interrupted = isinstance(exc, KeyboardInterrupt)
        _give_up(run, TrainingRun.Status.CANCELLED, "interrupted from the terminal" if interrupted else "cancelled")
        if interrupted:
            raise
    except Exception as exc:
        log.exception("training run %s failed", run.pk)
        _give_up(run, TrainingRun.Status.FAILED, f"{type(exc).__name__}: {exc}")
    return run


def _give_up(run: TrainingRun, status: str, reason: str) -> None:
    """Remove what the run built, then record why it ended (even if the clean-up itself fails)."""
    try:
        versions.discard_unfinished(run)
    except Exception:
        log.exception("could not remove what training run %s built", run.pk)
        run.refresh_from_db(fields=["model_version"])
    finish(run, status, reason)


def _claim(run_id: int) -> TrainingRun | None:
    """queued -> training, or None when the run was cancelled meanwhile or is not queued."""
    claimed = TrainingRun.objects.filter(pk=run_id, status=TrainingRun.Status.QUEUED).update(
        status=TrainingRun.Status.TRAINING, started_at=timezone.now(), stage="starting")
    if not claimed:
        log.info("training run %s is not queued any more; nothing to do", run_id)
        return None
    return TrainingRun.objects.get(pk=run_id)


def _run(run: TrainingRun, progress: RunProgress) -> None:
    held_out = quality.held_out_ids()
    model_dir = _train(run, progress, held_out)
    version = active.register(model_dir)
    run.model_version, run.status, run.trained_at = version, TrainingRun.Status.ENCODING, timezone.now()
    run.metrics = {"training": load_metrics(model_dir)}
    run.save(update_fields=["model_version", "status", "trained_at", "metrics", "updated_at"])
    progress.stage(f"encoding every document with model {version.name}")
    _encode_all(version, progress)

    progress.stage("quality check: finding held-out documents from random passages")
    current = active.active_version()
    report = quality.compare(version, current, held_out, seed=run.pk)
    run.metrics = {**run.metrics, "quality": report}
    run.compared_with = current
    run.new_score = report["new"]["mrr@10"]
    run.active_score = report["active"]["mrr@10"] if report["active"] else None
    run.save(update_fields=["metrics", "compared_with", "new_score", "active_score", "updated_at"])
    progress.check_cancelled()

    if quality.passes(report):
        _encode_all(version, progress)  # documents uploaded during the check
        versions.activate(version)
        finish(run, TrainingRun.Status.ACTIVE, stage=f"active: model {version.name} answers searches now")
    else:
        finish(run, TrainingRun.Status.READY, stage=f"ready: worse than the active model ({run.new_score:.3f} vs "
                                                    f"{run.active_score:.3f} MRR@10); waiting for “activate anyway”")
    if say := progress.say:
        say(run.stage)
    versions.prune()


def _train(run: TrainingRun, progress: RunProgress, held_out: list[int]):
    config = TrainingConfig.from_dict(run.config)
    texts = list(Document.objects.exclude(pk__in=held_out).values_list("text", flat=True).iterator())
    if len(texts) < 2:  # too few documents to hold any out
        texts = list(Document.objects.values_list("text", flat=True))
    progress.stage(f"training on {len(texts)} documents", epochs=config.epochs)
    return train_model(texts, settings.MODELS_DIR, config, on_progress=progress.on_training,
                       should_stop=progress.should_stop)


def _encode_all(version: ModelVersion, progress: RunProgress) -> None:
    """Encode, batch by batch, every document without a vector for the version, until none is left.

    Documents uploaded meanwhile are picked up too: the database is the queue.
    """
    started = time.monotonic()
    while True:
        progress.check_cancelled()
        missing = list(Document.objects.exclude(vectors__model_version=version)
                       .values_list("pk", flat=True)[:settings.ENCODE_BATCH_SIZE])
        done = DocumentVector.objects.filter(model_version=version).count()
        progress.on_encoding(done, done + Document.objects.exclude(vectors__model_version=version).count(), started)
        if not missing:
            return
        encoding.encode_documents(missing, version)
