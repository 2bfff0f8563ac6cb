"""Celery tasks: thin wrappers that add retries and failure records to encoding.py, and run retraining."""
import logging

from celery import shared_task
from celery.signals import worker_ready
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import encoding
from .retraining import runs

log = logging.getLogger(__name__)

# Errors worth another try: the database or broker was briefly unreachable or locked.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError, TimeoutError)
MAX_RETRIES = 5


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES)
def encode_documents(self, document_ids: list[int]) -> int:
    """Encode a batch of documents into the active index; retried with backoff on transient errors."""
    try:
        return encoding.encode_documents(document_ids)
    except TRANSIENT_ERRORS as exc:
        if self.request.retries < self.max_retries:
            countdown = get_exponential_backoff_interval(2, self.request.retries, maximum=120, full_jitter=True)
            log.warning("encoding %s failed (%s); retry %d in %ss", document_ids, exc, self.request.retries + 1,
                        countdown)
            raise self.retry(exc=exc, countdown=countdown)
        encoding.mark_failed(document_ids, f"gave up after {self.max_retries} retries: {exc}")
        raise
    except Exception as exc:
        log.exception("encoding %s failed", document_ids)
        encoding.mark_failed(document_ids, f"encoding failed: {type(exc).__name__}: {exc}")
        raise


# Training tasks run on their own queue (settings.TRAIN_QUEUE), consumed by a separate worker process, so a
# training of many minutes never holds up encoding. They are acknowledged on receipt, not after: a training
# interrupted by a dead worker is marked failed (retraining.runs) instead of silently starting over.
@shared_task(acks_late=False, reject_on_worker_lost=False)
def run_training(run_id: int) -> None:
    """Carry a queued training run through (the pipeline imports TensorFlow, so only the worker loads it)."""
    from .retraining import pipeline

    pipeline.execute(run_id)


@shared_task(acks_late=False)
def periodic_retrain() -> None:
    """Celery beat's retrain: skipped when no document changed since the last run."""
    runs.start_if_changed()


@worker_ready.connect
def fail_interrupted_runs(sender, **kwargs) -> None:
    """A training worker starting up means the runs it was training died with its predecessor."""
    if settings.TRAIN_QUEUE in {queue.name for queue in sender.task_consumer.queues}:
        runs.fail_interrupted_runs()
