"""The JSON API: authentication, search, upload, status, delete, OpenAPI, and JSON errors for bad requests."""
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from searchapp.api_auth import make_token
from searchapp.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user("api-user", password="a long password")


@pytest.fixture
def api(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {make_token(user)}")


def test_search_returns_ids_titles_scores_and_snippets(api, indexed_documents):
    body = api.get("/api/search", {"q": "mechanic engine", "k": 2}).json()
    assert body["mode"] == "hybrid" and len(body["results"]) == 2
    first = body["results"][0]
    assert first["id"] == indexed_documents["cars"].pk and first["title"] == "Cars"
    assert "mechanic" in first["snippet"] and isinstance(first["score"], float)
    keyword = api.get("/api/search", {"q": "violin", "mode": "keyword", "weight": "0.9"}).json()
    assert [r["title"] for r in keyword["results"]] == ["Music"] and keyword["weight"] == 0.9


@pytest.mark.parametrize("params, field", [
    ({}, None), ({"q": "  "}, None), ({"q": "car", "k": "abc"}, "k"), ({"q": "car", "k": 0}, "k"),
    ({"q": "car", "k": 10_000}, "k"), ({"q": "car", "mode": "fuzzy"}, "mode"), ({"q": "car", "weight": "2"}, "weight"),
    ({"q": "car", "type": "exe"}, "type"), ({"q": "car", "uploaded_from": "yesterday"}, "uploaded_from"),
    ({"q": "car", "uploaded_from": "2030-01-02", "uploaded_to": "2030-01-01"}, "__all__"),
    ({"q": "car", "uploader": "nobody"}, "uploader"), ({"q": "x" * 501}, "q"),
])
def test_bad_search_parameters_are_400_with_a_json_reason(api, indexed_documents, params, field):
    response = api.get("/api/search", params)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"]
    if field:
        assert field in body["fields"]


def test_authentication_is_required_and_bad_tokens_are_refused(user, indexed_documents):
    anonymous = Client().get("/api/search", {"q": "car"})
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Bearer" and anonymous.json()["error"]
    for header in ("Bearer nonsense", f"Bearer {make_token(user)}x", f"Basic {make_token(user)}"):
        assert Client(HTTP_AUTHORIZATION=header).get("/api/search", {"q": "car"}).status_code == 401
    token = make_token(user)
    user.set_password("another long password")
    user.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/search", {"q": "car"}).status_code == 401


def test_session_works_and_needs_csrf_for_changes(user, indexed_documents):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/search", {"q": "car"}).status_code == 200
    cars = indexed_documents["cars"]
    response = browser.delete(f"/api/documents/{cars.pk}")
    assert response.status_code == 403 and "CSRF" in response.json()["error"]
    assert Document.objects.filter(pk=cars.pk).exists()


def test_upload_status_and_delete(api, active_model, user):
    upload = SimpleUploadedFile("notes.txt", b"The choir sang a new song at the festival.")
    response = api.post("/api/documents", {"files": [upload]})
    assert response.status_code == 201
    (result,) = response.json()["results"]
    assert result["result"] == "accepted" and result["status"] == "queued"
    document = Document.objects.get(pk=result["id"])
    assert document.uploaded_by == user and document.file_type == "txt"

    status = api.get(f"/api/documents/{document.pk}").json()
    assert status["id"] == document.pk and status["status"] in {"queued", "encoding", "indexed"}

    again = api.post("/api/documents", {"files": [SimpleUploadedFile("copy.txt", b"The choir sang a new song at the festival.")]})
    assert again.status_code == 200 and again.json()["results"][0]["result"] == "duplicate"
    pasted = api.post("/api/documents", {"title": "Pasted", "text": "A pasted text about bread."})
    assert pasted.status_code == 201 and pasted.json()["results"][0]["title"] == "Pasted"

    assert api.delete(f"/api/documents/{document.pk}").status_code == 204
    missing = api.get(f"/api/documents/{document.pk}")
    assert missing.status_code == 404 and "deleted" in missing.json()["error"]
    assert api.delete(f"/api/documents/{document.pk}").status_code == 404


def test_bad_uploads_are_400_and_store_nothing(api, active_model):
    assert api.post("/api/documents", {}).status_code == 400
    assert api.post("/api/documents", {"text": "   "}).json()["fields"]["text"]
    rejected = api.post("/api/documents", {"files": [SimpleUploadedFile("tool.exe", b"MZ binary")]})
    assert rejected.status_code == 200 and rejected.json()["results"][0]["result"] == "rejected"
    assert not Document.objects.exists()


def test_too_large_a_request_is_413_in_json(api, active_model, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = api.post("/api/documents", {"title": "big", "text": "word " * 100})
    assert response.status_code == 413 and "larger than" in response.json()["error"]
    assert not Document.objects.exists()


def test_wrong_methods_and_unknown_paths_are_json(api):
    response = api.put("/api/documents/1")
    assert response.status_code == 405 and response["Allow"] == "GET, DELETE" and response.json()["error"]
    assert api.post("/api/search", {"q": "car"}).status_code == 405
    unknown = api.get("/api/nothing/here")
    assert unknown.status_code == 404 and "openapi" in unknown.json()["error"]


def test_no_model_is_503_in_json(api):
    response = api.get("/api/search", {"q": "car"})
    assert response.status_code == 503 and "no model" in response.json()["error"]


def test_openapi_description_lists_every_endpoint(client):
    spec = client.get(reverse("api-openapi")).json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/search", "/api/documents", "/api/documents/{id}"} <= spec["paths"].keys()
    assert {"get", "delete"} <= spec["paths"]["/api/documents/{id}"].keys()


def test_api_token_command_prints_a_working_token(user, indexed_documents, capsys):
    from django.core.management import CommandError, call_command

    call_command("api_token", "api-user")
    token = capsys.readouterr().out.strip()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/search", {"q": "car"}).status_code == 200
    with pytest.raises(CommandError, match="no active user"):
        call_command("api_token", "ghost")
