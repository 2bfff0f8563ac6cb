from django.core.management.base import BaseCommand

from searchapp import active, starter


class Command(BaseCommand):
    help = "Import the starter articles and train a starter model, unless a model is already active."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=400, help="How many articles to import (balanced by topic).")
        parser.add_argument("--minutes", type=float, default=3, help="Training time budget.")

    def handle(self, limit, minutes, **options):
        if version := active.active_version():
            self.stdout.write(f"Model {version.name} is active; no starter needed.")
            return
        starter.import_starter(limit, say=self.stdout.write)
        from embeddings.training import TrainingConfig

        starter.train_starter_model(TrainingConfig(max_minutes=minutes), say=self.stdout.write)
