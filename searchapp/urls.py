from django.contrib import admin
from django.urls import path

from .views import api, documents, search

urlpatterns = [
    path("", search.home, name="home"),
    path("documents/", documents.document_list, name="document-list"),
    path("documents/upload/", documents.upload, name="document-upload"),
    path("documents/paste/", documents.paste, name="document-paste"),
    path("documents/status/", documents.status, name="document-status"),
    path("documents/<int:pk>/", documents.detail, name="document-detail"),
    path("documents/<int:pk>/delete/", documents.delete, name="document-delete"),
    path("documents/<int:pk>/original/", documents.original, name="document-original"),
    path("api/search", api.search_view, name="api-search"),
    path("api/documents", api.documents_view, name="api-documents"),
    path("api/documents/<int:pk>", api.document_view, name="api-document"),
    path("api/openapi.json", api.openapi, name="api-openapi"),
    path("api/<path:path>", api.not_found),
    path("admin/", admin.site.urls),
]
