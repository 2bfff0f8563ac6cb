from django.core.management.base import BaseCommand, CommandError

from searchapp import active, encoding, indexing


class Command(BaseCommand):
    help = "Rebuild the active model's index from the stored vectors (no re-encoding)."

    def add_arguments(self, parser):
        parser.add_argument("--queue-missing", action="store_true",
                            help="Also queue documents that have no vector for the active model yet.")

    def handle(self, queue_missing, **options):
        version = active.active_version()
        if version is None:
            raise CommandError("No model is active yet; run `manage.py setup_starter` or train one.")
        count = indexing.rebuild(version)
        self.stdout.write(self.style.SUCCESS(f"Index of {version.name} rebuilt with {count} documents."))
        if queue_missing:
            self.stdout.write(f"Queued {encoding.queue_missing()} documents for encoding.")
