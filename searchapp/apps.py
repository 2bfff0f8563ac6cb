from django.apps import AppConfig


class SearchappConfig(AppConfig):
    name = "searchapp"
    verbose_name = "Document search"
    default_auto_field = "django.db.models.BigAutoField"
