"""Management commands: import through the pipeline, admin creation, the starter corpus and model."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from searchapp import active, starter
from searchapp.models import Document, ModelVersion
from tests.conftest import wait_for


def test_import_documents_goes_through_the_pipeline(tmp_path, active_model, celery_worker, capsys):
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Alpha\nThe choir sang a song.")
    (folder / "sub" / "b.md").write_text("# Beta\n\nThe stove was hot.")
    (folder / "image.png").write_bytes(b"\x89PNG")  # skipped inside folders
    (tmp_path / "copy.txt").write_text("Alpha\nThe choir   sang a song.\n")
    (tmp_path / "odd.xyz").write_text("named explicitly, so judged")
    call_command("import_documents", str(folder), str(tmp_path / "copy.txt"), str(tmp_path / "odd.xyz"))
    out = capsys.readouterr().out
    assert "1 accepted" not in out and "2 accepted (queued for encoding), 1 duplicate, 1 rejected." in out
    assert "unsupported type" in out and "image.png" not in out
    wait_for(lambda: Document.objects.filter(status="indexed").count() == 2)
    assert sorted(Document.objects.values_list("title", flat=True)) == ["Alpha", "Beta"]


def test_import_of_a_missing_path_fails(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_documents", "/no/such/folder")


@pytest.mark.django_db
def test_create_admin_prints_a_working_one_time_password(client, capsys):
    call_command("create_admin")
    out = capsys.readouterr().out
    password = out.split("with the password ")[1].split()[0]
    assert client.login(username="admin", password=password)
    call_command("create_admin")
    assert "exists already" in capsys.readouterr().out
    assert get_user_model().objects.count() == 1


def test_starter_files_are_balanced_across_topics():
    files = starter.starter_files(10)
    assert len(files) == 10
    assert {path.parent.name: sum(p.parent == path.parent for p in files) for path in files} == {
        "business": 2, "entertainment": 2, "politics": 2, "sports": 2, "tech": 2}


@pytest.mark.django_db
def test_starter_imports_trains_activates_and_indexes(capsys):
    from embeddings.training import TrainingConfig

    ids = starter.import_starter(10, say=print)
    assert len(ids) == 10 and Document.objects.get(pk=ids[0]).title  # first line of the article
    assert starter.import_starter(10, say=print) == []  # a second import finds duplicates only
    version = starter.train_starter_model(TrainingConfig.tiny(max_minutes=1), say=print)
    assert active.active_version() == version
    assert Document.objects.filter(status="indexed").count() == 10
    assert "Model" in capsys.readouterr().out


@pytest.mark.django_db
def test_setup_starter_does_nothing_when_a_model_is_active(active_model, capsys):
    call_command("setup_starter")
    assert f"Model {active_model.name} is active; no starter needed." in capsys.readouterr().out
    assert ModelVersion.objects.count() == 1 and Document.objects.count() == 0
