"""docker-compose.yml and settings: validated without a Docker engine."""
import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def settings_env_names() -> set[str]:
    """Every environment variable searchapp/settings.py reads (os.environ.get or its _flag helper)."""
    tree = ast.parse((ROOT / "searchapp" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = ast.unparse(node.func)
            if func in {"os.environ.get", "_flag"}:
                names.add(node.args[0].value)
    return names


def test_settings_read_the_documented_variables():
    assert settings_env_names() == {
        "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATA_DIR", "MAX_UPLOAD_MB",
        "SEARCH_DENSE_WEIGHT", "SEARCH_FUSION", "SEARCH_KEYWORD_RANKER", "RETRAIN_KEEP_VERSIONS",
        "RETRAIN_GATE_TOLERANCE", "RETRAIN_GATE_SAMPLE", "RETRAIN_STALE_MINUTES", "RETRAIN_EVERY_HOURS"}
    example = (ROOT / ".env.example").read_text()
    assert all(name in example for name in settings_env_names())


@pytest.fixture(scope="module")
def compose():
    if not shutil.which("docker-compose"):
        pytest.skip("docker-compose is not installed (apt-get install -y docker-compose)")
    result = subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config"], cwd=ROOT,
                            env={"PATH": os.environ["PATH"], "SECRET_KEY": "compose-test"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_has_the_five_services_with_healthchecks(compose):
    services = compose["services"]
    assert set(services) == {"web", "worker", "train-worker", "redis", "postgres"}
    assert all("healthcheck" in service for service in services.values())
    assert "gunicorn" in str(services["web"]["command"])
    assert "celery" in str(services["worker"]["command"]) and "encode" in str(services["worker"]["command"])
    assert "--queues train" in str(services["train-worker"]["command"])


def test_redis_is_not_published(compose):
    assert "ports" not in compose["services"]["redis"]
    assert "ports" not in compose["services"]["postgres"]


def test_web_and_worker_get_every_setting_and_the_named_volumes(compose):
    for name in ("web", "worker", "train-worker"):
        service = compose["services"][name]
        assert settings_env_names() <= set(service["environment"]), name
        assert service["environment"]["DEBUG"] in ("false", False)
        mounted = {tuple(v.split(":")[:2]) if isinstance(v, str) else (v["source"], v["target"])
                   for v in service["volumes"]}
        assert {("media", "/data/media"), ("models", "/data/models"), ("indexes", "/data/indexes")} <= mounted
    assert {"media", "models", "indexes"} <= set(compose["volumes"])


def test_compose_refuses_to_start_without_a_secret_key():
    if not shutil.which("docker-compose"):
        pytest.skip("docker-compose is not installed (apt-get install -y docker-compose)")
    result = subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config"], cwd=ROOT,
                            env={"PATH": os.environ["PATH"]}, capture_output=True, text=True, timeout=60)
    if (ROOT / ".env").exists():
        pytest.skip("a local .env may set SECRET_KEY")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def read_settings(tmp_path, **env) -> dict:
    """The settings a fresh process derives from exactly this environment."""
    code = ("import json, searchapp.settings as s; print(json.dumps({'DEBUG': s.DEBUG, 'HOSTS': s.ALLOWED_HOSTS, "
            "'DB': s.DATABASES['default']['NAME'], 'MAX': s.MAX_UPLOAD_BYTES, 'KEY': s.SECRET_KEY, "
            "'BROKER': s.CELERY_BROKER_URL}))")
    environment = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path), **env}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout)


def test_safe_defaults(tmp_path):
    values = read_settings(tmp_path)
    assert values["DEBUG"] is False
    assert values["HOSTS"] == ["localhost", "127.0.0.1"]
    assert values["DB"] == str(tmp_path / "db.sqlite3")
    assert values["MAX"] == 20 * 2**20
    assert len(values["KEY"]) > 40 and read_settings(tmp_path)["KEY"] == values["KEY"]  # generated once, kept


def test_environment_overrides(tmp_path):
    values = read_settings(tmp_path, DEBUG="1", ALLOWED_HOSTS="a.example, b.example", MAX_UPLOAD_MB="5",
                           SECRET_KEY="k", REDIS_URL="redis://r:6379/1", DATABASE_URL="postgres://u@h:5432/d")
    assert values == {"DEBUG": True, "HOSTS": ["a.example", "b.example"], "DB": "d", "MAX": 5 * 2**20, "KEY": "k",
                      "BROKER": "redis://r:6379/1"}
