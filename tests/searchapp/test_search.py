"""The search page and document pages: ranked results, helpful messages, neighbours, deletion."""
import logging

import pytest
from django.urls import reverse

from searchapp import search
from searchapp.models import Document
from tests.corpus import QUESTIONS

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [hit.document.title for hit in response.context["page"]]


def test_question_finds_the_document_by_meaning(client, indexed_documents):
    for topic, question in QUESTIONS.items():
        assert titles(client.get(reverse("home"), {"q": question}))[0] == topic.title()


def test_results_show_title_score_and_snippet(client, indexed_documents):
    page = client.get(reverse("home"), {"q": "garage engine"}).content.decode()
    assert "Cars" in page and 'class="score"' in page
    assert "The mechanic replaced the <mark>engine</mark> oil" in page  # the sentence sharing the query's words


def test_results_are_paginated(client, indexed_documents, settings):
    settings.SEARCH_RESULTS_PER_PAGE = 2
    first = client.get(reverse("home"), {"q": "music"})
    second = client.get(reverse("home"), {"q": "music", "page": 2})
    assert len(titles(first)) == 2 and len(titles(second)) == 1
    assert set(titles(first) + titles(second)) == {"Cars", "Cooking", "Music"}
    assert "q=music&amp;page=2" in first.content.decode()


def test_empty_query_is_explained(client, indexed_documents):
    assert "Type a question" in client.get(reverse("home"), {"q": "  "}).content.decode()


def test_empty_collection_is_explained(client, active_model):
    response = client.get(reverse("home"), {"q": "anything"})
    assert response.status_code == 200 and "no documents yet" in response.content.decode().lower()


def test_no_model_is_explained(client):
    Document.objects.create(title="t", text="words", content_hash="h")
    assert "No model is trained yet" in client.get(reverse("home"), {"q": "words"}).content.decode()


def test_document_text_is_escaped(client, active_model):
    from searchapp import encoding, ingest

    document = ingest.ingest_text("<b>Bold</b>", "<script>alert('x')</script> the band played").document
    encoding.encode_documents([document.pk])
    for response in (client.get(reverse("home"), {"q": "band"}), client.get(document.get_absolute_url())):
        page = response.content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;" in page and "<b>Bold</b>" not in page


def test_detail_shows_text_and_more_like_this(client, indexed_documents):
    cars = indexed_documents["cars"]
    response = client.get(cars.get_absolute_url())
    neighbours = [hit.document for hit in response.context["neighbours"]]
    assert cars not in neighbours and len(neighbours) == 2
    assert "mechanic replaced the engine oil" in response.content.decode()


def test_delete_needs_post(client, indexed_documents):
    cars = indexed_documents["cars"]
    assert client.get(reverse("document-delete", args=[cars.pk])).status_code == 405
    response = client.post(reverse("document-delete", args=[cars.pk]), follow=True)
    assert "was deleted" in response.content.decode()
    assert client.get(cars.get_absolute_url()).status_code == 404


def test_missing_document_is_a_friendly_404(client):
    response = client.get(reverse("document-detail", args=[12345]))
    assert response.status_code == 404 and "may have been deleted" in response.content.decode()


def test_our_errors_become_an_apology_with_an_id(client, indexed_documents, monkeypatch, caplog):
    def broken(query, limit, **options):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(search, "search", broken)
    with caplog.at_level(logging.ERROR, logger="searchapp.errors"):
        response = client.get(reverse("home"), {"q": "cars"})
    assert response.status_code == 500
    error_id = response.context["error_id"]
    assert f"<code>{error_id}</code>" in response.content.decode()
    assert "Traceback" not in response.content.decode() and "index exploded" not in response.content.decode()
    assert error_id in caplog.text and "index exploded" in caplog.text

    json_response = client.get(reverse("home"), {"q": "cars"}, HTTP_ACCEPT="application/json")
    assert json_response.status_code == 500 and json_response.json()["error_id"]


def test_snippet_prefers_the_sentence_with_the_query_words():
    text = "First sentence here. The violin was out of tune! Last one."
    assert search.snippet(text, "violin").startswith("The violin was out of tune!")
    assert search.snippet(text, "nothing matches").startswith("First sentence here.")
    assert search.snippet("word " * 200, "", length=50).endswith(" …")


def test_snippet_does_not_repeat_the_title(client, active_model):
    from searchapp import encoding, ingest

    document = ingest.ingest_text("", "Orchestra news\nThe band played a song.").document
    encoding.encode_documents([document.pk])
    (hit,) = client.get(reverse("home"), {"q": "band", "mode": "keyword"}).context["page"]
    assert hit.document.title == "Orchestra news" and hit.snippet == "The band played a song."


def test_document_list_is_paginated(client):
    Document.objects.bulk_create(Document(title=f"d{i}", text="t", content_hash=str(i)) for i in range(51))
    page = client.get(reverse("document-list")).content.decode()
    assert page.count("status-queued") == 50 and 'href="?page=2"' in page
    assert client.get(reverse("document-list"), {"page": 2}).content.decode().count("status-queued") == 1
