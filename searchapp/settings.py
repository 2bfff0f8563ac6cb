"""Settings, read from the environment here and nowhere else.

Every artefact (database file, uploads, models, indexes, embedded Redis data)
lives under DATA_DIR so that one folder (or one volume) holds the state.
"""
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
MODELS_DIR = DATA_DIR / "models"
INDEXES_DIR = DATA_DIR / "indexes"
REDIS_DATA_DIR = DATA_DIR / "redis"

DEBUG = _flag("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written whole under a temporary name, then linked into place: a process
        # starting at the same moment reads either no file or the complete key.
        temporary = path.with_name(f".secret_key.{os.getpid()}")
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# Upload limit per file; also bounds a pasted text's request body.
MAX_UPLOAD_MB = int(os.environ.get("MAX_UPLOAD_MB", "20"))
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
DATA_UPLOAD_MAX_NUMBER_FILES = 200

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "searchapp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "searchapp.middleware.ApologyMiddleware",
]

ROOT_URLCONF = "searchapp.urls"
WSGI_APPLICATION = "searchapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker write concurrently: wait for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "admin:login"

# Celery: Redis as broker, JSON only, a task is acknowledged after it ran, and
# requeued if its worker dies. Encoding has its own queue; training gets another.
REDIS_URL = os.environ.get("REDIS_URL", "")
ENCODE_QUEUE = "encode"
CELERY_BROKER_URL = REDIS_URL or "redis://127.0.0.1:6379/0"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = ENCODE_QUEUE
TRAIN_QUEUE = "train"
CELERY_TASK_ROUTES = {
    "searchapp.tasks.encode_documents": {"queue": ENCODE_QUEUE},
    "searchapp.tasks.run_training": {"queue": TRAIN_QUEUE},
    "searchapp.tasks.periodic_retrain": {"queue": TRAIN_QUEUE},
}

# Retraining: how many earlier model versions stay for rollback, how much worse (MRR@10 of the
# self-retrieval check) a new model may be and still activate by itself, how many held-out documents
# that check uses, and after how many minutes without progress a run counts as dead.
RETRAIN_KEEP_VERSIONS = int(os.environ.get("RETRAIN_KEEP_VERSIONS", "3"))
RETRAIN_GATE_TOLERANCE = float(os.environ.get("RETRAIN_GATE_TOLERANCE", "0.0"))
RETRAIN_GATE_SAMPLE = int(os.environ.get("RETRAIN_GATE_SAMPLE", "200"))
RETRAIN_STALE_MINUTES = float(os.environ.get("RETRAIN_STALE_MINUTES", "15"))
# Periodic retraining (Celery beat, run inside the training worker): off unless set; skipped when no
# document was added or deleted since the last run.
RETRAIN_EVERY_HOURS = float(os.environ.get("RETRAIN_EVERY_HOURS", "0"))
CELERY_BEAT_SCHEDULE = (
    {"periodic-retrain": {"task": "searchapp.tasks.periodic_retrain", "schedule": RETRAIN_EVERY_HOURS * 3600}}
    if RETRAIN_EVERY_HOURS > 0 else {}
)
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# How many documents one encoding task takes; an upload of more is split.
ENCODE_BATCH_SIZE = 64
SEARCH_RESULTS_PER_PAGE = 10
SEARCH_MAX_RESULTS = 100
# Hybrid search: the dense ranking's share (0 = keyword only, 1 = semantic only), how the two are fused
# ("sum" of normalised scores or "rrf") and the keyword ranker; the defaults are what `manage.py evaluate`
# chose on held-out bbc-headlines queries (it prints its choice for any corpus).
SEARCH_DENSE_WEIGHT = float(os.environ.get("SEARCH_DENSE_WEIGHT", "0.3"))
SEARCH_FUSION = os.environ.get("SEARCH_FUSION", "sum")
SEARCH_KEYWORD_RANKER = os.environ.get("SEARCH_KEYWORD_RANKER", "bm25")  # or "tfidf"
if not (0.0 <= SEARCH_DENSE_WEIGHT <= 1.0 and SEARCH_FUSION in {"sum", "rrf"}
        and SEARCH_KEYWORD_RANKER in {"bm25", "tfidf"}):
    raise ImproperlyConfigured("SEARCH_DENSE_WEIGHT must lie in 0-1, SEARCH_FUSION be sum or rrf, "
                               "SEARCH_KEYWORD_RANKER be bm25 or tfidf")
# With filters, fetch this many times the wanted results before filtering (more when too few pass).
SEARCH_OVERFETCH = 5

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django": {"level": "INFO"}, "faiss.loader": {"level": "WARNING"}, "bm25s": {"level": "WARNING"}},
}
