"""Hybrid, semantic and keyword search: filters without lost recall, passages, safe highlighting, deletions."""
import datetime

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from embeddings.fusion import CANDIDATES
from searchapp import active, encoding, indexing, ingest, search
from searchapp.models import Document
from searchapp.search import Filters

pytestmark = pytest.mark.django_db


def add(title: str, text: str, **fields) -> Document:
    document = ingest.ingest_text(title, text).document
    encoding.encode_documents([document.pk])
    if fields:
        Document.objects.filter(pk=document.pk).update(**fields)
    document.refresh_from_db()
    return document


def titles(results) -> list[str]:
    return [hit.document.title for hit in results.hits]


@pytest.mark.parametrize("mode", search.MODES)
def test_every_mode_finds_the_document_sharing_the_words(indexed_documents, mode):
    assert titles(search.search("mechanic engine motorway", 3, mode=mode))[0] == "Cars"


def test_keyword_mode_finds_only_documents_sharing_a_word(indexed_documents):
    assert titles(search.search("violin", 10, mode="keyword")) == ["Music"]
    assert titles(search.search("zeppelin", 10, mode="keyword")) == []


def test_filters_keep_recall_beyond_the_over_fetched_candidates(active_model, settings):
    settings.SEARCH_OVERFETCH = 1
    documents = [ingest.ingest_text(f"Band {i}", f"The band played song {i} at the band concert, a band festival.")
                 .document.pk for i in range(CANDIDATES + 5)]
    encoding.encode_documents(documents)
    add("Rare", "Long ago, on a rainy evening in the old town, a band once played here.", file_type="md")
    for mode in search.MODES:   # keyword ranks it last, past the first CANDIDATES
        assert titles(search.search("band concert festival", 2, mode=mode, filters=Filters(file_types=("md",)))) == ["Rare"]


def test_filters_by_uploader_and_date_range(active_model):
    alice = get_user_model().objects.create_user("alice")
    add("Old", "The orchestra played a symphony in the concert hall.",
        created_at=timezone.now() - datetime.timedelta(days=30))
    add("Mine", "The orchestra rehearsed the symphony for the concert.", uploaded_by=alice)
    today = timezone.localdate()
    assert titles(search.search("orchestra symphony", 10, filters=Filters(uploader=alice.pk))) == ["Mine"]
    assert titles(search.search("orchestra symphony", 10, filters=Filters(uploaded_to=today - datetime.timedelta(days=1)))) == ["Old"]
    assert titles(search.search("orchestra symphony", 10, filters=Filters(uploaded_from=today))) == ["Mine"]
    results = search.search("orchestra symphony", 10)
    assert set(titles(results)) == {"Old", "Mine"} and results.facets["uploader"] == {"alice": 1}


def test_search_page_offers_modes_and_filters(client, indexed_documents):
    page = client.get(reverse("home")).content.decode()
    for control in ('value="hybrid"', 'value="semantic"', 'value="keyword"', 'name="type"', 'name="uploaded_from"'):
        assert control in page
    response = client.get(reverse("home"), {"q": "violin", "mode": "keyword", "type": "pdf"})
    assert not response.context["page"] and "No document passes these filters" in response.content.decode()
    response = client.get(reverse("home"), {"q": "violin", "uploaded_from": "2030-01-02", "uploaded_to": "2030-01-01"})
    assert response.status_code == 200 and "after its end" in response.content.decode()


def test_html_in_a_document_or_the_query_is_escaped_and_words_highlighted(client, active_model):
    add("<img src=x onerror=alert(1)>", "Intro line.\nThe <script>alert('band')</script> band played <b>loud</b>.")
    for mode in search.MODES:
        page = client.get(reverse("home"), {"q": "band <script>", "mode": mode}).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>loud" not in page
        assert "&lt;<mark>script</mark>&gt;alert(&#x27;<mark>band</mark>&#x27;)" in page
        assert "<mark>band</mark> played &lt;b&gt;loud&lt;/b&gt;." in page


def test_highlight_marks_whole_words_case_insensitively():
    assert search.highlight("Bands and the BAND & co", "band") == "Bands and the <mark>BAND</mark> &amp; co"
    assert search.highlight("x < y", "") == "x &lt; y"


def test_a_match_deep_in_a_long_document_is_the_snippet(active_model):
    filler = " ".join(f"Paragraph {i} is about the weather in spring." for i in range(60))
    add("Long", filler + " The violin solo closed the evening.")
    (hit,) = search.search("violin", 5, mode="keyword").hits
    assert hit.snippet.startswith("The violin solo") and "<mark>violin</mark>" in hit.highlighted


def test_long_documents_are_indexed_by_passage(active_model):
    filler = " ".join(f"Paragraph {i} is about the weather in spring." for i in range(60))
    document = add("Long", filler + " Our car broke down and the mechanic fixed the engine.")
    encoder = active.encoder(active_model)
    windows = len(encoder.encode_passages(document.text))
    assert windows > 10 and len(indexing.passage_index_for_search(active_model)) == windows
    vector = encoder.encode(["mechanic engine car"])
    (whole,) = search._search(indexing.index_for_search(active_model), vector, 1)
    (ranked,) = search._dense(active_model, vector, 1)[0]
    assert ranked[0] == document.pk and ranked[1] > whole[1]   # the best passage beats the blurred whole


def test_a_deleted_document_never_appears(client, indexed_documents):
    cars = indexed_documents["cars"]
    assert all(cars.pk in [hit.document.pk for hit in search.search("car mechanic", 5, mode=m).hits] for m in search.MODES)
    client.post(reverse("document-delete", args=[cars.pk]))
    for mode in search.MODES:
        assert cars.pk not in [hit.document.pk for hit in search.search("car mechanic", 5, mode=mode).hits]
    version = active.active_version()
    remaining = sum(len(active.encoder(version).encode_passages(d.text)) for d in Document.objects.all())
    assert len(indexing.passage_index_for_search(version)) == remaining   # its passages went too


def test_a_document_deleted_by_another_process_is_not_shown(indexed_documents):
    music = indexed_documents["music"]
    search.search("violin", 5, mode="hybrid")          # this process now holds both indexes
    Document.objects.filter(pk=music.pk).delete()      # as if another process deleted it, index file unchanged
    for mode in search.MODES:
        assert music.pk not in [hit.document.pk for hit in search.search("violin orchestra", 5, mode=mode).hits]


def test_keyword_index_follows_new_documents_without_a_restart(indexed_documents):
    assert titles(search.search("zeppelin", 5, mode="keyword")) == []
    add("Airship", "A zeppelin floated over the music festival.")
    assert titles(search.search("zeppelin", 5, mode="keyword")) == ["Airship"]


def test_unknown_mode_is_refused(indexed_documents):
    with pytest.raises(ValueError, match="unknown mode"):
        search.search("car", 5, mode="fuzzy")


def test_more_like_this_excludes_the_document_and_deleted_ones(indexed_documents):
    cars, music = indexed_documents["cars"], indexed_documents["music"]
    encoding.delete_document(music)
    neighbours = [hit.document for hit in search.more_like_this(cars)]
    assert neighbours == [indexed_documents["cooking"]]
    assert np.isfinite(search.more_like_this(cars)[0].score)


@pytest.mark.parametrize("fusion", ["sum", "rrf"])
def test_hybrid_is_the_evaluated_fusion_of_the_semantic_and_keyword_rankings(indexed_documents, settings, fusion):
    from embeddings.fusion import fuse

    settings.SEARCH_FUSION = fusion
    query = "the mechanic and the violin"
    ranked = {mode: [(hit.document.pk, hit.score) for hit in search.search(query, 10, mode=mode).hits]
              for mode in ("semantic", "keyword")}
    hybrid = [(hit.document.pk, hit.score) for hit in search.search(query, 10, weight=0.4).hits]
    expected = fuse(ranked["semantic"], ranked["keyword"], 0.4, fusion)
    assert [doc for doc, _ in hybrid] == [doc for doc, _ in expected]
    assert [score for _, score in hybrid] == pytest.approx([score for _, score in expected])


def test_the_keyword_ranker_is_a_setting(indexed_documents, settings):
    settings.SEARCH_KEYWORD_RANKER = "tfidf"
    (hit,) = search.search("violin", 5, mode="keyword").hits
    assert hit.document.title == "Music" and 0 < hit.score <= 1.0   # a cosine, not a BM25 score
