"""Errors we cause: logged with an id, shown as a short apology carrying that id."""
import logging
import uuid

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.shortcuts import render

from .views import wants_json

log = logging.getLogger("searchapp.errors")
CLIENT_ERRORS = (Http404, PermissionDenied, SuspiciousOperation, BadRequest)


class ApologyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG or isinstance(exception, CLIENT_ERRORS):
            return None  # Django's debug page, or its 4xx handling (404, 403, 400), does better
        error_id = uuid.uuid4().hex[:8]
        log.exception("error %s on %s %s", error_id, request.method, request.get_full_path())
        message = f"Sorry, something went wrong on our side. Error id: {error_id}."
        if wants_json(request):
            return JsonResponse({"error": message, "error_id": error_id}, status=500)
        return render(request, "500.html", {"error_id": error_id}, status=500)
