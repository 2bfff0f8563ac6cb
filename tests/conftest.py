"""Shared fixtures: a real Redis broker, a real Celery worker, and a tiny model trained once per run."""
import shutil
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from searchapp import active, celery_app
from searchapp.redis_server import EmbeddedRedis

from .corpus import training_texts


@pytest.fixture(scope="session", autouse=True)
def broker_url():
    """REDIS_URL when set, else an embedded Redis server; the Celery app uses it for the whole run."""
    embedded = None
    url = settings.REDIS_URL
    if not url:
        embedded = EmbeddedRedis(settings.REDIS_DATA_DIR)
        url = embedded.start()
    celery_app.conf.broker_url = url
    celery_app.control.purge()  # messages left by an earlier run on a shared server
    yield url
    if embedded:
        embedded.stop()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores uploaded originals in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def trained_model_dir():
    """A tiny model (GloVe-initialised, a few seconds of training) on the generated synonym corpus."""
    from embeddings.training import TrainingConfig, train_model

    config = TrainingConfig.tiny(pretrained="glove-6b-50d", epochs=2)
    return train_model(training_texts(), settings.MODELS_DIR, config)


@pytest.fixture
def active_model(trained_model_dir, db):
    """The tiny model registered and active, with no index on disk yet."""
    shutil.rmtree(settings.INDEXES_DIR, ignore_errors=True)
    return active.activate(trained_model_dir)


@pytest.fixture
def celery_worker(broker_url, transactional_db):
    """A real Celery worker (in a thread) consuming the encoding queue."""
    with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING",
                      queues=[settings.ENCODE_QUEUE], shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def workers(broker_url, transactional_db):
    """One real worker for both queues, two threads: a training run holds one, encoding keeps the other.

    (`manage.py serve` runs a separate process per queue; one worker here avoids two embedded workers
    sharing Celery's process-wide shutdown state.)
    """
    with start_worker(celery_app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING",
                      queues=[settings.ENCODE_QUEUE, settings.TRAIN_QUEUE], shutdown_timeout=120) as worker:
        yield worker


def wait_for(predicate, timeout: float = 30, interval: float = 0.1):
    """Poll until predicate() is truthy; return its value or fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {predicate.__doc__ or predicate}")
        time.sleep(interval)
