"""Run the web server and the Celery workers (encoding, training) in the foreground, and Redis when none is configured.

Ctrl-C (or SIGTERM) stops them all; if one of them dies, the others are
stopped too, so nothing is left running half-way.
"""
import os
import signal
import subprocess
import sys
import time

from django.conf import settings

from .redis_server import EmbeddedRedis


def run(host: str, port: int, web_workers: int, say=print) -> int:
    embedded = None
    if not settings.REDIS_URL:
        embedded = EmbeddedRedis(settings.REDIS_DATA_DIR)
        url = embedded.start()
        os.environ["REDIS_URL"] = url  # inherited by the web and worker processes
        say(f"Started Redis at {url} (data in {settings.REDIS_DATA_DIR}).")
    commands = {
        "web": [sys.executable, "-m", "gunicorn", "searchapp.wsgi", "--bind", f"{host}:{port}",
                "--workers", str(web_workers), "--access-logfile", "-", "--graceful-timeout", "10"],
        "worker": [sys.executable, "-m", "celery", "-A", "searchapp", "worker", "--queues", settings.ENCODE_QUEUE,
                   "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                   "--hostname", "encode@%h"],
        # Training gets a worker process of its own: a run of many minutes never delays encoding, and
        # TensorFlow's memory is given back after each run (a fresh child per task). It also runs the
        # periodic retrain's beat schedule when RETRAIN_EVERY_HOURS is set.
        "train-worker": [sys.executable, "-m", "celery", "-A", "searchapp", "worker", "--queues", settings.TRAIN_QUEUE,
                         "--concurrency", "1", "--max-tasks-per-child", "1", "--loglevel", "INFO", "--without-gossip",
                         "--without-mingle", "--hostname", "train@%h",
                         *(["--beat", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME]
                           if settings.CELERY_BEAT_SCHEDULE else [])],
    }
    children = {name: subprocess.Popen(cmd, cwd=settings.BASE_DIR) for name, cmd in commands.items()}
    say(f"Serving on http://{host}:{port}/ with Celery workers for encoding and training; press Ctrl-C to stop.")
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    try:
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    say(f"The {name} process exited with status {child.returncode}; stopping the others.")
                    exit_code, stopping = child.returncode or 1, True
            time.sleep(0.5)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for child in children.values():
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if embedded:
            embedded.stop()
        say("Stopped.")
    return exit_code
