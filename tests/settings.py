"""Test settings: the real settings with the data folder in a fresh temporary directory.

The environment is the settings' only input, so the data folder is set there
before they are read; the folder is removed when the test run ends.
"""
import atexit
import os
import shutil
import tempfile

os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="searchapp-tests-")
atexit.register(shutil.rmtree, os.environ["DATA_DIR"], ignore_errors=True)

from searchapp.settings import *  # noqa: E402,F403

# A file, not memory, for SQLite: the Celery worker thread and the live server share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Close connections after every request and task, so worker and server threads hold none at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
STATIC_ROOT = DATA_DIR / "static"  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)
