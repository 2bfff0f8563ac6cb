"""Uploads and pasted text: one outcome per file; rejected files and duplicates leave nothing behind."""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from searchapp.models import Document
from tests.samples import docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def upload(client, *files, **headers):
    return client.post(reverse("document-upload"), {"files": [SimpleUploadedFile(n, d) for n, d in files]}, **headers)


def stored_files() -> list[Path]:
    return [p for p in (settings.MEDIA_ROOT / "documents").rglob("*") if p.is_file()]


def test_each_file_gets_its_own_result(client):
    response = upload(
        client,
        ("a.txt", b"Alpha\nThe first document."),
        ("b.docx", docx_bytes("Beta", "The second document.")),
        ("c.pdf", pdf_bytes("Gamma", "The third document.")),
        ("d.exe", b"MZ"),
        ("e.txt", b""),
        **JSON,
    )
    assert response.status_code == 200
    results = {r["name"]: r for r in response.json()["results"]}
    assert [results[n]["result"] for n in ("a.txt", "b.docx", "c.pdf", "d.exe", "e.txt")] == [
        "accepted", "accepted", "accepted", "rejected", "rejected"]
    assert "unsupported type" in results["d.exe"]["reason"]
    assert "empty" in results["e.txt"]["reason"]
    assert results["a.txt"]["status"] == "queued"
    assert sorted(Document.objects.values_list("title", flat=True)) == ["Alpha", "Beta", "Gamma"]
    assert len(stored_files()) == 3  # the originals of accepted files only


def test_same_text_is_stored_once(client):
    upload(client, ("first.txt", b"Same words\nhere."))
    response = upload(client, ("copy.md", b"Same   words\nhere.\n"), **JSON)
    (result,) = response.json()["results"]
    assert result["result"] == "duplicate"
    assert "same text as" in result["reason"]
    assert Document.objects.count() == 1
    assert len(stored_files()) == 1


def test_rejected_upload_leaves_nothing(client, settings):
    settings.MAX_UPLOAD_BYTES = 10
    response = upload(client, ("big.txt", b"x" * 11), ("bad.txt", b"\xff\xfe\xfa"), **JSON)
    assert [r["result"] for r in response.json()["results"]] == ["rejected", "rejected"]
    assert "too large" in response.json()["results"][0]["reason"]
    assert Document.objects.count() == 0
    assert stored_files() == []


def test_html_form_shows_results_without_javascript(client):
    response = upload(client, ("a.txt", b"Alpha\ntext"), ("x.zip", b"PK"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "accepted" in page and "unsupported type" in page


def test_no_files_is_explained(client):
    response = client.post(reverse("document-upload"), {}, **JSON)
    assert response.status_code == 400
    assert "Choose at least one file" in response.json()["error"]


def test_pasted_text_becomes_a_document(client):
    response = client.post(reverse("document-paste"), {"title": "My note", "text": "Remember the milk.\n"})
    document = Document.objects.get()
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    assert (document.title, document.text, document.file_type) == ("My note", "Remember the milk.", "paste")


def test_empty_paste_is_refused(client):
    response = client.post(reverse("document-paste"), {"title": "x", "text": "   "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Document.objects.count() == 0


def test_status_endpoint(client):
    upload(client, ("a.txt", b"Alpha\ntext"))
    document = Document.objects.get()
    response = client.get(reverse("document-status"), {"ids": f"{document.pk},999999"})
    assert response.json() == {"documents": [{"id": document.pk, "status": "queued", "error": ""}]}
    assert client.get(reverse("document-status"), {"ids": "1,x"}).status_code == 400


def test_original_is_served_as_a_download(client):
    upload(client, ("page.html", b"<title>T</title><p>hello</p>"))
    response = client.get(reverse("document-original", args=[Document.objects.get().pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"<title>T</title><p>hello</p>"


def test_large_upload_spooled_to_disk_is_stored_whole(client):
    data = ("Big report\n" + "All quiet on the western front. " * 100_000).encode()  # > 2.5 MB: a temporary file
    (result,) = upload(client, ("big.txt", data), **JSON).json()["results"]
    assert result["result"] == "accepted"
    (stored,) = stored_files()
    assert stored.read_bytes() == data


def test_oversized_paste_is_a_clear_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client.post(reverse("document-paste"), {"title": "t", "text": "x" * 500})
    assert response.status_code == 400 and "Nothing was stored" in response.content.decode()
    assert Document.objects.count() == 0
