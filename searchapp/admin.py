from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from . import encoding
from .models import Document, ModelVersion, TrainingRun
from .retraining import runs, versions
from .retraining.forms import RetrainForm


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "file_type", "status", "created_at", "uploaded_by"]
    list_filter = ["status", "file_type"]
    search_fields = ["title", "source_name"]
    readonly_fields = ["content_hash", "status", "error", "indexed_at", "created_at"]
    actions = ["delete_with_index", "encode_again"]

    def get_actions(self, request):
        # Bulk deletion must go through the index too, so the default action is replaced.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Delete selected documents (and remove them from the index)")
    def delete_with_index(self, request, queryset):
        for document in queryset:
            encoding.delete_document(document)

    @admin.action(description="Queue selected documents for encoding again (e.g. after a failure)")
    def encode_again(self, request, queryset):
        count = encoding.requeue(list(queryset.exclude(status=Document.Status.INDEXED).values_list("pk", flat=True)))
        self.message_user(request, f"{count} documents queued for encoding.")

    def delete_model(self, request, obj):
        encoding.delete_document(obj)


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "dim", "is_active", "created_at"]
    readonly_fields = ["name", "dim", "is_active", "created_at"]
    actions = ["roll_back"]

    def has_add_permission(self, request):
        return False  # versions come from training runs

    @admin.action(description="Activate the selected version (roll back to it, without retraining)")
    def roll_back(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.ERROR)
            return
        version = queryset.get()
        try:
            versions.activate(version)
        except FileNotFoundError as exc:
            self.message_user(request, f"Cannot activate {version.name}: {exc}.", messages.ERROR)
            return
        self.message_user(request, f"Model {version.name} is active again; search answers from it and its index.")


def _duration(run: TrainingRun) -> str:
    if not run.started_at:
        return "–"
    seconds = ((run.finished_at or run.updated_at) - run.started_at).total_seconds()
    return f"{seconds // 60:.0f} min {seconds % 60:.0f} s"


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    """Runs with live progress; the "Retrain model" page starts one, a run's page can cancel or activate it."""

    list_display = ["__str__", "status", "stage", "percent_done", "started_by", "trigger", "model_version",
                    "new_score", "active_score", "created_at", "duration"]
    list_filter = ["status", "trigger"]
    change_list_template = "admin/searchapp/trainingrun/change_list.html"
    change_form_template = "admin/searchapp/trainingrun/change_form.html"
    fieldsets = [
        (None, {"fields": ["status", "stage", "error", "started_by", "trigger", "model_version"]}),
        ("Progress", {"fields": ["epoch", "epochs", "batch", "batches", "loss", "tokens_per_s", "eta_s"]}),
        ("Quality check (self-retrieval MRR@10 on held-out documents)",
         {"fields": ["new_score", "active_score", "compared_with"]}),
        ("Timings", {"fields": ["created_at", "started_at", "trained_at", "finished_at", "duration"]}),
        ("Settings and metrics", {"fields": ["config", "metrics"], "classes": ["collapse"]}),
    ]

    @admin.display(description="progress")
    def percent_done(self, run):
        return f"{run.percent:.0f} %"

    @admin.display(description="duration")
    def duration(self, run):
        return _duration(run)

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False  # runs are started by the "Retrain model" page, with its checks

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.in_progress)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("retrain/", view(self.retrain_view), name="searchapp_trainingrun_retrain"),
            path("<int:pk>/progress/", view(self.progress_view), name="searchapp_trainingrun_progress"),
            path("<int:pk>/cancel/", view(require_POST(self.cancel_view)), name="searchapp_trainingrun_cancel"),
            path("<int:pk>/activate/", view(require_POST(self.activate_view)), name="searchapp_trainingrun_activate"),
        ] + super().get_urls()

    def retrain_view(self, request):
        """GET: the settings, pre-filled with the active model's; POST: start a run (refused when one runs)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = RetrainForm(request.POST or None, base=runs.base_config())
        if request.method == "POST" and form.is_valid():
            try:
                run = runs.start(form.overrides(), user=request.user)
            except runs.RunInProgress as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"Training run {run.pk} is queued; its progress shows here.")
                return redirect(reverse("admin:searchapp_trainingrun_change", args=[run.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": "Retrain model", "running": TrainingRun.objects.filter(
                       status__in=TrainingRun.IN_PROGRESS).first()}
        return TemplateResponse(request, "admin/searchapp/trainingrun/retrain.html", context)

    def progress_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return JsonResponse(get_object_or_404(TrainingRun, pk=pk).progress_dict())

    def cancel_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        self.message_user(request, runs.cancel(get_object_or_404(TrainingRun, pk=pk)))
        return redirect(reverse("admin:searchapp_trainingrun_change", args=[pk]))

    def activate_view(self, request, pk):
        """"Activate anyway": a ready run whose model did not pass the quality check."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        run = get_object_or_404(TrainingRun, pk=pk)
        if run.status != TrainingRun.Status.READY or run.model_version is None:
            self.message_user(request, f"Run {run.pk} is {run.status}: it has no model waiting for activation.",
                              messages.ERROR)
        else:
            try:
                versions.activate(run.model_version)
            except FileNotFoundError as exc:
                self.message_user(request, f"Cannot activate: {exc}.", messages.ERROR)
            else:
                self.message_user(request, f"Model {run.model_version.name} is active.")
        return redirect(reverse("admin:searchapp_trainingrun_change", args=[pk]))
