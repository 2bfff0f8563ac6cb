"""Uploads, pasted text and imported files become Document rows, each with an outcome for the user.

A document is stored once (its extracted text's SHA-256 is unique); a
rejected file leaves nothing behind; accepted documents are queued for
encoding after the transaction commits.
"""
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .encoding import dispatch_encoding
from .extract import Extracted, Rejected, check_size, clean_text, extract
from .models import Document

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"


@dataclass
class Outcome:
    """What became of one file: accepted, duplicate (of `document`) or rejected (with `reason`)."""

    name: str
    result: str
    reason: str = ""
    document: Document | None = None

    def as_dict(self) -> dict:
        doc = self.document
        return {
            "name": self.name,
            "result": self.result,
            "reason": self.reason,
            "id": doc.pk if doc else None,
            "title": doc.title if doc else None,
            "status": doc.status if doc else None,
            "url": doc.get_absolute_url() if doc else None,
        }


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def ingest_files(files, user=None) -> list[Outcome]:
    """Store several files and queue the new ones for encoding, in batches, once committed."""
    outcomes = [store_file(f, user) for f in files]
    dispatch_encoding([o.document.pk for o in outcomes if o.result == ACCEPTED])
    return outcomes


def store_file(upload, user=None) -> Outcome:
    """Store one file (a Django File: uploaded or opened from disk) without queueing it."""
    try:
        check_size(upload.size)
        extracted = extract(upload.name, upload.read())
    except Rejected as exc:
        return Outcome(upload.name, REJECTED, str(exc))
    return _store(upload.name, extracted, user, original=upload)


def ingest_text(title: str, text: str, user=None) -> Outcome:
    """Store pasted text as a document."""
    text = clean_text(text)
    if not text:
        return Outcome(title or "pasted text", REJECTED, "the text is empty")
    title = " ".join(title.split()) or text.split("\n", 1)[0][:80]
    outcome = _store("pasted text", Extracted(title=title, text=text, file_type="paste"), user)
    if outcome.result == ACCEPTED:
        dispatch_encoding([outcome.document.pk])
    return outcome


def _store(name: str, extracted: Extracted, user, original=None) -> Outcome:
    digest = content_hash(extracted.text)
    if existing := Document.objects.filter(content_hash=digest).first():
        return _duplicate(name, existing)
    document = Document(
        title=extracted.title, text=extracted.text, content_hash=digest, source_name=name[:255],
        file_type=extracted.file_type, uploaded_by=user if user and user.is_authenticated else None,
    )
    try:
        with transaction.atomic():
            if original is not None:
                document.original.save(name, original, save=False)  # storage copies it from the start
            document.save()
    except IntegrityError:
        _discard_file(document)
        return _duplicate(name, Document.objects.get(content_hash=digest))  # stored by a concurrent upload
    except BaseException:
        _discard_file(document)
        raise
    return Outcome(name, ACCEPTED, document=document)


def _duplicate(name: str, existing: Document) -> Outcome:
    return Outcome(name, DUPLICATE, f"same text as “{existing.title}”", existing)


def _discard_file(document: Document) -> None:
    if document.original:
        document.original.delete(save=False)
