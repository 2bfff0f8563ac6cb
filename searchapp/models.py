"""Documents, the model versions that encode them, and each document's vector per version.

The database is the source of truth: a FAISS index is derived from the
DocumentVector rows of one model version and can always be rebuilt from them.
"""
import numpy as np
from django.conf import settings
from django.db import models
from django.urls import reverse


class ModelVersion(models.Model):
    """A trained encoder on disk (MODELS_DIR/<name>); at most one is active."""

    name = models.CharField(max_length=100, unique=True)
    dim = models.PositiveIntegerField()
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True), name="one_active_model")
        ]

    def __str__(self):
        return f"{self.name}{' (active)' if self.is_active else ''}"

    @property
    def model_dir(self):
        return settings.MODELS_DIR / self.name

    @property
    def index_path(self):
        return settings.INDEXES_DIR / self.name / "index.faiss"


class Document(models.Model):
    """One uploaded, pasted or imported text; its status is relative to the active model."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        ENCODING = "encoding"
        INDEXED = "indexed"
        FAILED = "failed"

    title = models.CharField(max_length=300)
    text = models.TextField()
    content_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the extracted text")
    source_name = models.CharField(max_length=255, help_text="Original file name, or 'pasted text'")
    file_type = models.CharField(max_length=10)
    original = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    indexed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("document-detail", args=[self.pk])

    def status_dict(self) -> dict:
        return {"id": self.pk, "status": self.status, "error": self.error}


class DocumentVector(models.Model):
    """A document's vector under one model version, as float32 bytes."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="vectors")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="vectors")
    vector = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "model_version"], name="one_vector_per_version")
        ]

    def as_array(self) -> np.ndarray:
        return np.frombuffer(self.vector, dtype=np.float32)
