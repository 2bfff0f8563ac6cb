"""Starting and stopping training runs: the rules shared by the admin, `manage.py train` and the schedule.

One run at a time (also a database constraint); a second request is refused
with the run in the way. A run whose worker died is recognised by its silence
(no progress written for RETRAIN_STALE_MINUTES) and marked failed, so it never
blocks retraining for good.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from embeddings.artefact import load_config
from embeddings.config import TrainingConfig

from .. import active
from ..models import Document, TrainingRun
from .versions import discard_unfinished

log = logging.getLogger(__name__)


class RunInProgress(Exception):
    """Another training run is queued or in progress."""

    def __init__(self, run: TrainingRun | None):
        self.run = run
        what = f"run {run.pk} is {run.status}" if run else "another run is in progress"
        super().__init__(f"A training is already in progress ({what}); wait for it to end or cancel it.")


def base_config() -> TrainingConfig:
    """The active model's recipe (so a retrain changes only what is asked), else the default recipe."""
    version = active.active_version()
    if version is not None and (version.model_dir / "config.json").exists():
        return load_config(version.model_dir)
    return TrainingConfig()


def corpus_signature() -> tuple[int, int]:
    """(document count, highest id): documents are only added or deleted, so any change alters it."""
    figures = Document.objects.aggregate(last=Max("pk"))
    return Document.objects.count(), figures["last"] or 0


def start(overrides: dict, user=None, trigger: str = "admin", dispatch: bool = True) -> TrainingRun:
    """Record a queued run with the base recipe plus `overrides`, and queue its task once committed."""
    config = TrainingConfig.from_dict({**base_config().to_dict(), **overrides})
    count, last_id = corpus_signature()
    fail_dead_runs()
    try:
        with transaction.atomic():
            if running := TrainingRun.objects.filter(status__in=TrainingRun.IN_PROGRESS).first():
                raise RunInProgress(running)
            run = TrainingRun.objects.create(
                started_by=user if user is not None and user.is_authenticated else None, trigger=trigger,
                config=config.to_dict(), corpus_count=count, corpus_last_id=last_id)
            if dispatch:
                transaction.on_commit(lambda: _send(run))
    except IntegrityError:  # a concurrent request created one between our check and our insert
        raise RunInProgress(TrainingRun.objects.filter(status__in=TrainingRun.IN_PROGRESS).first()) from None
    return run


def _send(run: TrainingRun) -> None:
    from ..tasks import run_training

    try:
        run_training.apply_async(args=[run.pk], retry=True, retry_policy={"max_retries": 3, "interval_start": 0.2})
    except Exception as exc:
        log.exception("could not queue training run %s", run.pk)
        finish(run, TrainingRun.Status.FAILED, f"could not queue the training task: {exc}")


def cancel(run: TrainingRun) -> str:
    """Cancel a queued run at once, or ask a running one to stop at its next batch; returns what happened."""
    if TrainingRun.objects.filter(pk=run.pk, status=TrainingRun.Status.QUEUED).update(
            status=TrainingRun.Status.CANCELLED, error="cancelled before it started", finished_at=timezone.now()):
        return f"Run {run.pk} was cancelled before it started."
    if TrainingRun.objects.filter(pk=run.pk, status__in=TrainingRun.IN_PROGRESS).update(cancel_requested=True):
        return f"Run {run.pk} will stop at its next step; nothing it built is kept."
    return f"Run {run.pk} is {run.status}: there is nothing to cancel."


def finish(run: TrainingRun, status: str, error: str = "", stage: str = "") -> None:
    """Record how a run ended; a built run's bar is full."""
    run.status, run.error, run.finished_at, run.eta_s = status, error[:2000], timezone.now(), None
    run.stage = stage or (error[:100] if error else status)
    if status in (TrainingRun.Status.READY, TrainingRun.Status.ACTIVE):
        run.percent = 100.0
    run.save(update_fields=["status", "error", "finished_at", "eta_s", "stage", "percent", "updated_at"])


def fail_dead_runs() -> int:
    """Mark failed the runs in progress that wrote nothing for RETRAIN_STALE_MINUTES (their worker died)."""
    limit = timezone.now() - timedelta(minutes=settings.RETRAIN_STALE_MINUTES)
    dead = list(TrainingRun.objects.filter(status__in=TrainingRun.IN_PROGRESS, updated_at__lt=limit))
    for run in dead:
        reason = ("no training worker took this run" if run.status == TrainingRun.Status.QUEUED
                  else "the run stopped making progress (its worker stopped or was killed)")
        discard_unfinished(run)
        finish(run, TrainingRun.Status.FAILED, f"{reason}; nothing was activated")
    return len(dead)


def fail_interrupted_runs() -> int:
    """On a training worker's start: runs it was training or encoding cannot be going on any more."""
    interrupted = list(TrainingRun.objects.filter(status__in=[TrainingRun.Status.TRAINING,
                                                              TrainingRun.Status.ENCODING]))
    for run in interrupted:
        discard_unfinished(run)
        finish(run, TrainingRun.Status.FAILED, "the training worker restarted during this run; nothing was activated")
    return len(interrupted)


def start_if_changed(trigger: str = "schedule") -> TrainingRun | None:
    """The periodic retrain: a run with the active recipe, unless no document changed since the last run."""
    last = TrainingRun.objects.exclude(status__in=[TrainingRun.Status.FAILED, TrainingRun.Status.CANCELLED]).first()
    if last is not None and (last.corpus_count, last.corpus_last_id) == corpus_signature():
        log.info("periodic retrain skipped: no document changed since run %s", last.pk)
        return None
    if not Document.objects.exists():
        log.info("periodic retrain skipped: no documents")
        return None
    try:
        return start({}, trigger=trigger)
    except RunInProgress as exc:
        log.info("periodic retrain skipped: %s", exc)
        return None
