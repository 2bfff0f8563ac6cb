from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from searchapp import ingest
from searchapp.extract import SUPPORTED_TYPES


class Command(BaseCommand):
    help = ("Import files, or folders (recursively, supported types only), through the upload pipeline: "
            "each is stored once and queued for encoding.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, paths, **options):
        files = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*")
                                    if p.is_file() and p.suffix.lower().lstrip(".") in SUPPORTED_TYPES))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path} does not exist")
        counts = {ingest.ACCEPTED: 0, ingest.DUPLICATE: 0, ingest.REJECTED: 0}
        batch = settings.ENCODE_BATCH_SIZE
        for start in range(0, len(files), batch):
            handles = [path.open("rb") for path in files[start:start + batch]]
            try:
                outcomes = ingest.ingest_files([File(h, name=Path(h.name).name) for h in handles])
            finally:
                for handle in handles:
                    handle.close()
            for path, outcome in zip(files[start:start + batch], outcomes):
                counts[outcome.result] += 1
                self.stdout.write(f"{outcome.result:9} {path}" + (f": {outcome.reason}" if outcome.reason else ""))
        self.stdout.write(self.style.SUCCESS(
            f"{counts['accepted']} accepted (queued for encoding), {counts['duplicate']} duplicate, "
            f"{counts['rejected']} rejected."))
