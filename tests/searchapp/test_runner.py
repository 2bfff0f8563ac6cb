"""`manage.py serve` (the end of `make run`): web and worker in the foreground, all stopped by Ctrl-C."""
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from django.conf import settings

from searchapp.redis_server import free_port


def test_serve_answers_and_stops_cleanly_on_ctrl_c(tmp_path):
    env = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path), "TF_CPP_MIN_LOG_LEVEL": "2"}
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True, timeout=120)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen([*manage, "serve", "--port", str(port), "--web-workers", "1"], env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                        assert response.status == 200 and b"0 documents in the collection" in response.read()
                    break
                except OSError:
                    assert time.monotonic() < deadline, log.read_text()
                    assert server.poll() is None, log.read_text()
                    time.sleep(0.5)
            while log.read_text().count(" ready.") < 2:  # both Celery workers connected to the embedded Redis
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
        finally:
            server.send_signal(signal.SIGINT)
            code = server.wait(60)
    output = log.read_text()
    assert code == 0, output
    assert output.rstrip().endswith("Stopped.")
    assert "encode@" in output and "train@" in output and ".> train" in output  # training has its own worker
    with pytest.raises(OSError):  # nothing listens any more
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
