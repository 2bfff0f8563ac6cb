from django.contrib import admin

from . import encoding
from .models import Document, ModelVersion


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
