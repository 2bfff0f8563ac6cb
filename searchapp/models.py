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
    """A document's vector under one model version, and its passages' vectors, as float32 bytes.

    Passages are the encoder's windows, in order: a long document is found by
    its best passage, not only by the mean of all of them.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="vectors")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="vectors")
    vector = models.BinaryField()
    passages = models.BinaryField(default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "model_version"], name="one_vector_per_version")
        ]

    def as_array(self) -> np.ndarray:
        return np.frombuffer(self.vector, dtype=np.float32)


class TrainingRun(models.Model):
    """One retraining, from the request to activation (or failure): what the admin's progress page reads.

    The worker writes progress here, so pages read the database, never the broker.
    At most one run is in progress (queued, training or encoding) at a time.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        TRAINING = "training"
        ENCODING = "encoding"
        READY = "ready", "ready (waiting for activation)"
        ACTIVE = "active"
        FAILED = "failed"
        CANCELLED = "cancelled"

    IN_PROGRESS = [Status.QUEUED, Status.TRAINING, Status.ENCODING]
    FINISHED = [Status.READY, Status.ACTIVE, Status.FAILED, Status.CANCELLED]

    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    trigger = models.CharField(max_length=10, default="admin", help_text="admin, command or schedule")
    config = models.JSONField(help_text="The TrainingConfig the model is trained with")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    cancel_requested = models.BooleanField(default=False)
    # Progress: the latest batch while training, documents while encoding.
    stage = models.CharField(max_length=100, blank=True)
    epoch = models.PositiveIntegerField(default=0)
    epochs = models.PositiveIntegerField(default=0)
    batch = models.PositiveIntegerField(default=0)
    batches = models.PositiveIntegerField(default=0)
    loss = models.FloatField(null=True, blank=True)
    tokens_per_s = models.FloatField(null=True, blank=True)
    eta_s = models.FloatField(null=True, blank=True, help_text="Estimated seconds left")
    percent = models.FloatField(default=0)
    epoch_losses = models.JSONField(default=list, help_text="Training loss at the end of each epoch")
    # The corpus when the run started (documents are added or deleted, never edited): a periodic
    # retrain is skipped when it has not changed since.
    corpus_count = models.PositiveIntegerField(default=0)
    corpus_last_id = models.BigIntegerField(default=0)
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="training_runs", help_text="The model this run built")
    compared_with = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", help_text="The active model when the quality check ran")
    new_score = models.FloatField(null=True, blank=True, help_text="Self-retrieval MRR@10 of the new model")
    active_score = models.FloatField(null=True, blank=True, help_text="The same for the active model")
    metrics = models.JSONField(default=dict, blank=True, help_text="Training history and quality check")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    trained_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A partial unique index on a constant: a second in-progress row is refused by the database.
            models.UniqueConstraint(models.Value(True), name="one_training_at_a_time",
                                    condition=models.Q(status__in=["queued", "training", "encoding"])),
        ]

    def __str__(self):
        return f"Training run {self.pk} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    def progress_dict(self) -> dict:
        """What the admin's progress bar and chart show, as JSON."""
        return {
            "id": self.pk, "status": self.status, "status_label": self.get_status_display(),
            "stage": self.stage, "percent": round(self.percent, 1), "epoch": self.epoch, "epochs": self.epochs,
            "batch": self.batch, "batches": self.batches, "loss": self.loss, "tokens_per_s": self.tokens_per_s,
            "eta_s": self.eta_s, "epoch_losses": self.epoch_losses,
            "val_losses": [epoch.get("val_loss") for epoch in self.metrics.get("training", {}).get("epochs", [])],
            "new_score": self.new_score,
            "active_score": self.active_score, "error": self.error, "in_progress": self.in_progress,
        }
