"""Retraining with real Celery workers (encoding and training queues) and tiny models: build beside, check, swap."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from embeddings.index import VectorIndex
from searchapp import active, encoding
from searchapp.models import Document, DocumentVector, ModelVersion, TrainingRun
from searchapp.retraining import runs, versions
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
        Document(title=title, text=text, content_hash=f"hash-{title}") for title, text in texts.items())
    encoding.encode_documents([d.pk for d in documents])
    return {d.title: d.pk for d in Document.objects.all()}


@pytest.fixture
def staff(client, db):
    get_user_model().objects.create_superuser("boss", password="pw")
    client.login(username="boss", password="pw")
    return client


def wait_until_finished(run: TrainingRun, statuses: list | None = None) -> list[str]:
    """Poll the run until it ends; returns the statuses seen on the way."""
    seen = []

    def ended():
        """the training run to end"""
        run.refresh_from_db()
        if not seen or seen[-1] != run.status:
            seen.append(run.status)
        return run.status in TrainingRun.FINISHED
    wait_for(ended, timeout=240, interval=0.05)
    return seen


def ranking(client, query: str) -> list[tuple[int, float]]:
    """(document id, score) of the search page's semantic results, as a user gets them."""
    page = client.get(reverse("home"), {"q": query, "mode": "semantic"}).context["page"]
    return [(hit.document.pk, round(hit.score, 4)) for hit in page]


def rankings(client) -> dict:
    return {question: ranking(client, question) for question in QUESTIONS.values()}


def files_of(name: str) -> list:
    probe = ModelVersion(name=name, dim=0)
    return [path for path in (probe.model_dir, probe.index_path.parent) if path.exists()]


def test_a_run_goes_from_queued_to_active_and_rollback_restores_the_previous_results(
        staff, corpus, workers, settings):
    settings.RETRAIN_GATE_TOLERANCE = 1.0  # this test is about the swap, not the gate's verdict
    old = active.active_version()
    before = rankings(staff)
    run = runs.start(FAST, trigger="command")
    assert run.status == "queued"
    seen = wait_until_finished(run)

    assert run.status == "active", run.error
    assert seen[0] in ("queued", "training") and "training" in seen and "encoding" in seen and seen[-1] == "active"
    new = active.active_version()
    assert new != old and new == run.model_version and run.compared_with == old
    assert run.percent == 100 and len(run.epoch_losses) == len(run.metrics["training"]["epochs"]) >= 1
    assert run.new_score is not None and run.active_score is not None
    assert run.metrics["quality"]["new"]["queries"] == len(corpus) // 10
    assert DocumentVector.objects.filter(model_version=new).count() == len(corpus)
    assert len(VectorIndex.load(new.index_path)) == len(corpus)
    assert Document.objects.filter(status="indexed").count() == len(corpus)
    after = rankings(staff)
    assert all(after.values()) and after != before  # search answers from the new model

    response = staff.post(reverse("admin:searchapp_modelversion_changelist"),
                          {"action": "roll_back", "_selected_action": [old.pk]}, follow=True)
    assert f"Model {old.name} is active again" in response.content.decode()
    assert active.active_version() == old
    assert rankings(staff) == before  # the old model and its index, without retraining
    run.refresh_from_db()
    assert run.status == "ready"  # its model is kept and can be activated again


def test_a_run_that_fails_midway_leaves_search_answering_from_the_old_model(
        client, corpus, workers, monkeypatch):
    old = active.active_version()
    before = rankings(client)
    real_save = VectorIndex.save

    def disk_full(index, path):
        if index.model_version != old.name:
            raise OSError(28, "No space left on device")
        real_save(index, path)

    monkeypatch.setattr(VectorIndex, "save", disk_full)  # the new index cannot be written
    models_before = model_dirs()
    run = runs.start(FAST)
    wait_until_finished(run)

    assert run.status == "failed" and "No space left on device" in run.error
    assert active.active_version() == old and list(ModelVersion.objects.all()) == [old]
    assert model_dirs() == models_before  # the new model's directory is gone
    assert rankings(client) == before
    assert not DocumentVector.objects.exclude(model_version=old).exists()


def model_dirs() -> set[str]:
    from django.conf import settings

    return {path.name for path in settings.MODELS_DIR.iterdir()}


def test_a_second_trigger_is_refused_and_a_queued_run_can_be_cancelled(staff, corpus, transactional_db):
    form = {"vocab_size": 300, "latent_dim": 16, "epochs": 2, "seq_len": 24, "sampled_softmax": "on"}
    first = staff.post(reverse("admin:searchapp_trainingrun_retrain"), form, follow=True)
    run = TrainingRun.objects.get()
    assert first.redirect_chain[-1][0] == reverse("admin:searchapp_trainingrun_change", args=[run.pk])
    assert run.status == "queued" and run.started_by.username == "boss" and run.config["pretrained"] is None

    second = staff.post(reverse("admin:searchapp_trainingrun_retrain"), form, follow=True)
    assert second.status_code == 200
    assert f"A training is already in progress (run {run.pk} is queued)" in second.content.decode()
    assert TrainingRun.objects.count() == 1
    with pytest.raises(runs.RunInProgress):
        runs.start({})

    staff.post(reverse("admin:searchapp_trainingrun_cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "cancelled"
    assert runs.start({}, dispatch=False).status == "queued"  # the way is free again


def test_the_retrain_form_is_prefilled_and_explains_bad_input(staff, active_model):
    page = staff.get(reverse("admin:searchapp_trainingrun_retrain"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["latent_dim"].value() == active_model_config(active_model).latent_dim
    assert form["pretrained"].value() is True  # the active test model uses GloVe
    response = staff.post(reverse("admin:searchapp_trainingrun_retrain"),
                          {"vocab_size": "lots", "latent_dim": 0, "epochs": 2, "seq_len": 24})
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode() and not TrainingRun.objects.exists()


def active_model_config(version):
    from embeddings.artefact import load_config

    return load_config(version.model_dir)


def test_retraining_pages_are_for_staff_only(client, active_model, django_user_model):
    django_user_model.objects.create_user("reader", password="pw")
    client.login(username="reader", password="pw")
    for url in (reverse("admin:searchapp_trainingrun_retrain"), reverse("admin:searchapp_trainingrun_changelist")):
        assert client.get(url).status_code == 302  # to the admin login
    assert client.post(reverse("admin:searchapp_trainingrun_retrain"), {}).status_code == 302
    assert not TrainingRun.objects.exists()


def test_a_document_uploaded_during_a_run_is_indexed_at_once_and_searchable_after_the_swap(
        client, corpus, workers, settings):
    settings.RETRAIN_GATE_TOLERANCE = 1.0
    old = active.active_version()
    run = runs.start({**FAST, "epochs": 500, "max_minutes": 0.25})  # ends on its 15-second budget
    wait_for(lambda: TrainingRun.objects.filter(pk=run.pk, status="training", batch__gt=0).exists(), timeout=120)
    text = "The drummer tuned the cello before the festival, and the choir sang a new tune."
    client.post(reverse("document-paste"), {"title": "Late arrival", "text": text})
    late = Document.objects.get(title="Late arrival")
    # Encoding has its own worker: the upload is indexed by the active model while training goes on...
    wait_for(lambda: Document.objects.filter(pk=late.pk, status="indexed").exists(), timeout=60)
    assert TrainingRun.objects.get(pk=run.pk).status == "training"
    assert DocumentVector.objects.filter(document=late, model_version=old).exists()
    wait_until_finished(run)

    # ...and the run encodes it with the new model before the swap.
    assert run.status == "active", run.error
    assert DocumentVector.objects.filter(document=late, model_version=run.model_version).exists()
    late.refresh_from_db()
    assert late.status == "indexed"
    assert ranking(client, text)[0][0] == late.pk


def test_cancelling_a_training_keeps_nothing_and_leaves_the_active_model(
        staff, corpus, workers):
    old = active.active_version()
    models_before = model_dirs()
    run = runs.start({**FAST, "epochs": 50})
    wait_for(lambda: TrainingRun.objects.filter(pk=run.pk, status="training", batch__gt=0).exists(), timeout=120)
    page = staff.get(reverse("admin:searchapp_trainingrun_change", args=[run.pk])).content.decode()
    assert "Cancel training" in page and 'id="training-progress"' in page
    staff.post(reverse("admin:searchapp_trainingrun_cancel", args=[run.pk]))
    wait_until_finished(run)
    assert run.status == "cancelled" and run.epoch < 50
    assert active.active_version() == old and list(ModelVersion.objects.all()) == [old]
    assert model_dirs() == models_before


def test_a_worse_model_waits_for_activate_anyway(staff, corpus, workers, settings):
    settings.RETRAIN_GATE_TOLERANCE = -1.0  # demand an improvement no model can make
    old = active.active_version()
    run = runs.start(FAST)
    wait_until_finished(run)
    assert run.status == "ready" and active.active_version() == old
    page = staff.get(reverse("admin:searchapp_trainingrun_change", args=[run.pk])).content.decode()
    assert "Activate anyway" in page

    staff.post(reverse("admin:searchapp_trainingrun_activate", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "active" and active.active_version() == run.model_version
    progress = staff.get(reverse("admin:searchapp_trainingrun_progress", args=[run.pk])).json()
    assert progress["percent"] == 100 and progress["epoch_losses"] and progress["val_losses"]


def test_a_run_whose_worker_died_is_failed_and_cleaned_up(corpus, transactional_db):
    old = active.active_version()
    run = runs.start({}, dispatch=False)
    stranded = ModelVersion.objects.create(name="half-built", dim=old.dim)
    stranded.model_dir.mkdir(parents=True)
    TrainingRun.objects.filter(pk=run.pk).update(status="encoding", model_version=stranded,
                                                 updated_at=timezone.now() - timedelta(hours=1))
    assert runs.start({}, dispatch=False).status == "queued"  # the silent run no longer blocks
    run.refresh_from_db()
    assert run.status == "failed" and "stopped making progress" in run.error
    assert not ModelVersion.objects.filter(name="half-built").exists() and not files_of("half-built")
    assert active.active_version() == old


def test_keeping_the_last_n_versions(active_model, tmp_path, settings):
    settings.RETRAIN_KEEP_VERSIONS = 1
    older = ModelVersion.objects.create(name="older", dim=active_model.dim)
    newer = ModelVersion.objects.create(name="newer", dim=active_model.dim)
    ModelVersion.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=1))
    older.model_dir.mkdir(parents=True)
    assert versions.prune() == ["older"]
    assert set(ModelVersion.objects.values_list("name", flat=True)) == {active_model.name, "newer"}
    assert not files_of("older")
    with pytest.raises(ValueError):
        versions.discard(active_model)
    newer.delete()


@pytest.mark.django_db
def test_the_periodic_retrain_is_skipped_when_no_document_changed(active_model):
    assert runs.start_if_changed() is None  # no documents at all
    Document.objects.create(title="a", text="the band played", content_hash="a")
    first = runs.start_if_changed()
    assert first is not None and first.trigger == "schedule"
    TrainingRun.objects.filter(pk=first.pk).update(status="active")
    assert runs.start_if_changed() is None  # nothing changed since
    Document.objects.create(title="b", text="the oven was hot", content_hash="b")
    assert runs.start_if_changed() is not None


def test_periodic_retrain_is_off_by_default(settings):
    assert settings.RETRAIN_EVERY_HOURS == 0 and settings.CELERY_BEAT_SCHEDULE == {}


def test_manage_py_train_prints_progress_and_activates(corpus, settings, capsys):
    from django.core.management import call_command

    settings.RETRAIN_GATE_TOLERANCE = 1.0
    old = active.active_version()
    call_command("train", "--epochs", "2", "--no-pretrained")
    out = capsys.readouterr().out
    assert "Training run" in out and "epoch 1/2: loss" in out and "encoding every document" in out
    run = TrainingRun.objects.get()
    assert run.trigger == "command" and run.status == "active" and run.config["pretrained"] is None
    assert f"Model {run.model_version.name} is active" in out and active.active_version() != old


def test_manage_py_train_explains_bad_options_and_a_run_in_progress(active_model):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--epochs: Ensure this value is greater than or equal to 1"):
        call_command("train", "--epochs", "0")
    runs.start({}, dispatch=False)
    with pytest.raises(CommandError, match="already in progress"):
        call_command("train")


def test_a_training_worker_starting_fails_the_runs_its_dead_predecessor_left(corpus, broker_url, transactional_db):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import worker_ready
    from django.conf import settings

    from searchapp import celery_app

    run = runs.start({}, dispatch=False)
    TrainingRun.objects.filter(pk=run.pk).update(status="training")  # its worker was killed mid-run
    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[settings.TRAIN_QUEUE],
                      hostname="train-restarted@tests") as worker:
        # What `celery worker` sends once it consumes (the embedded test worker does not send it itself).
        worker_ready.send(sender=worker.consumer)
        wait_for(lambda: TrainingRun.objects.filter(pk=run.pk, status="failed").exists())
    run.refresh_from_db()
    assert "the training worker restarted during this run" in run.error
