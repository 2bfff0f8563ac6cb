"""Retraining with a real Celery worker on the training queue and tiny models: build beside, check, swap."""
import pytest
from django.urls import reverse

from searchapp import active, encoding
from searchapp.models import Document, DocumentVector, ModelVersion, TrainingRun
from searchapp.retraining import runs
from tests.conftest import wait_for
from tests.corpus import DOCUMENTS, QUESTIONS, training_texts

# Fast runs: no GloVe, two epochs of the tiny recipe the active test model was trained with.
FAST = {"pretrained": None, "epochs": 2}


@pytest.fixture
def corpus(active_model):
    """The three topic documents and 57 generated ones, encoded with the active model in this process."""
    texts = {topic.title(): text for topic, text in DOCUMENTS.items()}
    texts.update({f"Generated {i}": text for i, text in enumerate(training_texts(57, seed=1)[:57])})
    documents = Document.objects.bulk_create(
        Document(title=title, text=text, content_hash=f"hash-{title}", status="queued") for title, text in texts.items())
    encoding.encode_documents([d.pk for d in documents])
    return {d.title: d.pk for d in Document.objects.all()}


def finished(run):
    def check():
        """the training run to end"""
        run.refresh_from_db()
        return run.status in TrainingRun.FINISHED
    return check


def ranking(client, query: str) -> list[tuple[int, float]]:
    """(document id, score) of the search page's semantic results, as a user gets them."""
    page = client.get(reverse("home"), {"q": query, "mode": "semantic"}).context["page"]
    return [(hit.document.pk, round(hit.score, 4)) for hit in page]


def test_a_run_goes_from_queued_to_active_and_search_answers_from_the_new_model(
        client, corpus, celery_worker, train_worker, settings):
    settings.RETRAIN_GATE_TOLERANCE = 1.0  # this test is about the swap, not the gate's verdict
    old = active.active_version()
    before = {q: ranking(client, q) for q in QUESTIONS.values()}
    seen = []
    run = runs.start(FAST)
    assert run.status == "queued"

    def ended():
        """the run to end"""
        run.refresh_from_db()
        if not seen or seen[-1] != run.status:
            seen.append(run.status)
        return run.status in TrainingRun.FINISHED
    wait_for(ended, timeout=180, interval=0.05)

    assert run.status == "active", run.error
    assert seen[-1] == "active" and "training" in seen and "encoding" in seen
    new = active.active_version()
    assert new != old and new == run.model_version and run.compared_with == old
    assert run.percent == 100 and run.epoch_losses and len(run.epoch_losses) == run.epochs
    assert run.new_score is not None and run.active_score is not None
    assert DocumentVector.objects.filter(model_version=new).count() == len(corpus)
    assert Document.objects.filter(status="indexed").count() == len(corpus)
    # Search answers from the new model: the same questions now rank with other scores.
    after = {q: ranking(client, q) for q in QUESTIONS.values()}
    assert all(after.values()) and after != before
