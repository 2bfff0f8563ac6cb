from django.core.management.base import BaseCommand, CommandError

from searchapp import runner


class Command(BaseCommand):
    help = "Run gunicorn and a Celery worker in the foreground (plus an embedded Redis when REDIS_URL is unset)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, host, port, web_workers, **options):
        code = runner.run(host, port, web_workers, say=self.stdout.write)
        if code:
            raise CommandError(f"a service failed (exit status {code})")
