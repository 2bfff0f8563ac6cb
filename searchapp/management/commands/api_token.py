"""manage.py api_token USERNAME: print an API token for that user (revoked when the password changes)."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from searchapp.api_auth import make_token


class Command(BaseCommand):
    help = "Print a token for the JSON API (header: Authorization: Bearer TOKEN)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no active user {username!r}") from None
        self.stdout.write(make_token(user))
