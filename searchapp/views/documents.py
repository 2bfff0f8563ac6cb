"""Documents: upload (files or pasted text), list with live status, detail, delete."""
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import encoding, ingest
from ..forms import PasteForm, UploadForm
from ..models import Document
from ..search import more_like_this
from . import wants_json

STATUS_IDS_MAX = 500


@require_http_methods(["GET", "POST"])
def upload(request):
    """Several files at once; the page's script posts them and shows one result line per file."""
    upload_form, paste_form, outcomes = UploadForm(), PasteForm(), None
    if request.method == "POST":
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            outcomes = ingest.ingest_files(upload_form.cleaned_data["files"], request.user)
        if wants_json(request):
            if outcomes is None:
                return JsonResponse({"error": " ".join(upload_form.errors.get("files", []))}, status=400)
            return JsonResponse({"results": [o.as_dict() for o in outcomes]})
    return _upload_page(request, upload_form, paste_form, outcomes)


def _upload_page(request, upload_form, paste_form, outcomes=None):
    context = {"upload_form": upload_form, "paste_form": paste_form, "outcomes": outcomes,
               "max_upload_mb": settings.MAX_UPLOAD_MB}
    return render(request, "documents/upload.html", context)


@require_POST
def paste(request):
    """Pasted text becomes a document like an uploaded file."""
    form = PasteForm(request.POST)
    if form.is_valid():
        outcome = ingest.ingest_text(form.cleaned_data["title"], form.cleaned_data["text"], request.user)
        if outcome.result == ingest.ACCEPTED:
            messages.success(request, f"“{outcome.document.title}” was added and queued for encoding.")
            return redirect(outcome.document)
        if outcome.result == ingest.DUPLICATE:
            messages.info(request, f"Already stored: {outcome.reason}.")
            return redirect(outcome.document)
        form.add_error("text", outcome.reason)
    return _upload_page(request, UploadForm(), form)


@require_GET
def document_list(request):
    page = Paginator(Document.objects.defer("text"), 50).get_page(request.GET.get("page"))
    return render(request, "documents/list.html", {"page": page})


@require_GET
def status(request):
    """Statuses of the documents whose ids are given (?ids=1,2,3), for the pages' live updates."""
    try:
        ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.strip()][:STATUS_IDS_MAX]
    except ValueError:
        return JsonResponse({"error": "ids must be a comma-separated list of numbers"}, status=400)
    documents = Document.objects.filter(pk__in=ids).only("pk", "status", "error")
    return JsonResponse({"documents": [d.status_dict() for d in documents]})


@require_GET
def detail(request, pk):
    document = get_object_or_404(Document, pk=pk)
    return render(request, "documents/detail.html", {"document": document, "neighbours": more_like_this(document)})


@require_GET
def original(request, pk):
    """The uploaded file, always as a download: an uploaded HTML page must never run on our origin."""
    document = get_object_or_404(Document, pk=pk)
    if not document.original:
        raise Http404("This document has no original file.")
    return FileResponse(document.original.open("rb"), as_attachment=True, filename=document.source_name)


@require_POST
def delete(request, pk):
    document = get_object_or_404(Document, pk=pk)
    title = document.title
    encoding.delete_document(document)
    messages.success(request, f"“{title}” was deleted.")
    return redirect("document-list")
