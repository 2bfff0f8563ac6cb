"""The JSON API: search, upload, document status, delete; described by /api/openapi.json.

Authentication: `Authorization: Bearer <token>` (manage.py api_token) or the
browser's session (then unsafe methods need the CSRF token, as forms do).
Every error is JSON: {"error": message} and, for bad parameters, "fields".
"""
from functools import wraps

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from .. import encoding, ingest, search
from ..api_auth import user_for_token
from ..forms import PasteForm, SearchForm, UploadForm
from ..models import Document
from ..openapi import SPEC


class ApiSearchForm(SearchForm):
    """The search page's fields, with how many results and the dense weight per query."""

    k = forms.IntegerField(required=False, min_value=1, max_value=settings.SEARCH_MAX_RESULTS)
    weight = forms.FloatField(required=False, min_value=0.0, max_value=1.0)


def error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def endpoint(*methods):
    """Allow these methods, authenticate by token or session, and answer every refusal in JSON."""
    def decorate(view):
        @csrf_exempt  # token requests carry no cookie; session requests are checked below
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                response = error(f"method {request.method} not allowed; use {', '.join(methods)}", 405)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                request.FILES  # noqa: B018 -- parses the body now, where a too large one can be answered in JSON
            except RequestDataTooBig:
                return error(f"the request is larger than {settings.MAX_UPLOAD_MB} MB", 413)
            header = request.headers.get("Authorization", "")
            if header:
                scheme, _, token = header.partition(" ")
                user = user_for_token(token.strip()) if scheme.lower() in {"bearer", "token"} else None
                if user is None:
                    return error("invalid or revoked API token", 401)
                request.user = user
            elif not request.user.is_authenticated:
                response = error("authentication required: send 'Authorization: Bearer <token>' or log in", 401)
                response["WWW-Authenticate"] = "Bearer"
                return response
            elif request.method not in {"GET", "HEAD"}:
                rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
                if rejected is not None:
                    return error("CSRF token missing or wrong (session requests need it)", 403)
            return view(request, *args, **kwargs)
        return wrapped
    return decorate


@endpoint("GET")
def search_view(request):
    form = ApiSearchForm(request.GET)
    if not form.is_valid():
        return error("invalid parameters", 400, fields=form.errors.get_json_data())
    data = form.cleaned_data
    query = data["q"].strip()
    if not query:
        return error("q is required: the question to search for", 400)
    try:
        results = search.search(query, data["k"] or settings.SEARCH_RESULTS_PER_PAGE, mode=data["mode"],
                                weight=data["weight"], filters=form.filters())
    except search.NoModel:
        return error("no model is trained yet, so nothing can be searched", 503)
    return JsonResponse({
        "query": query, "mode": data["mode"],
        "weight": settings.SEARCH_DENSE_WEIGHT if data["weight"] is None else data["weight"],
        "results": [{"id": hit.document.pk, "title": hit.document.title, "score": hit.score,
                     "snippet": hit.snippet, "file_type": hit.document.file_type,
                     "url": hit.document.get_absolute_url()} for hit in results.hits],
        "facets": results.facets,
    })


@endpoint("POST")
def documents_view(request):
    """Files (multipart, field `files`, several allowed) or a text (fields `text`, `title`), like the upload page."""
    if request.FILES:
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return error("invalid upload", 400, fields=form.errors.get_json_data())
        outcomes = ingest.ingest_files(form.cleaned_data["files"], request.user)
    elif "text" in request.POST:
        form = PasteForm(request.POST)
        if not form.is_valid():
            return error("invalid text", 400, fields=form.errors.get_json_data())
        outcomes = [ingest.ingest_text(form.cleaned_data["title"], form.cleaned_data["text"], request.user)]
    else:
        return error("send files (multipart field 'files') or a text (field 'text')", 400)
    accepted = any(o.result == ingest.ACCEPTED for o in outcomes)
    return JsonResponse({"results": [o.as_dict() for o in outcomes]}, status=201 if accepted else 200)


@endpoint("GET", "DELETE")
def document_view(request, pk):
    document = Document.objects.defer("text").filter(pk=pk).first()
    if document is None:
        return error(f"no document {pk} (it may have been deleted)", 404)
    if request.method == "DELETE":
        encoding.delete_document(document)
        return HttpResponse(status=204)
    return JsonResponse({**document.status_dict(), "title": document.title, "file_type": document.file_type,
                         "source_name": document.source_name, "created_at": document.created_at.isoformat(),
                         "indexed_at": document.indexed_at.isoformat() if document.indexed_at else None,
                         "url": document.get_absolute_url()})


def openapi(request):
    return JsonResponse(SPEC)


def not_found(request, path=""):
    return error(f"no API endpoint at /api/{path}; see /api/openapi.json", 404)
