"""Semantic document search: the Django project and its one app."""
from .celery import app as celery_app

__all__ = ["celery_app"]
