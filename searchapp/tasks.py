"""Celery tasks: thin wrappers that add retries and failure records to encoding.py."""
import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import encoding

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
