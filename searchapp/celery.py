"""The Celery application; its settings come from Django's (CELERY_* names)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "searchapp.settings")

app = Celery("searchapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["searchapp"])
