"""Issue an API token for a user and print the key once: ``manage.py issue_api_token --user U --name CLIENT``."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user; the key is printed once and only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username of the account the client acts as")
        parser.add_argument("--name", required=True, help="client name, e.g. the calling system")
        parser.add_argument("--expires-days", type=int, default=None, help="days until the token expires")

    def handle(self, *args, user, name, expires_days, **options):
        User = get_user_model()
        try:
            account = User.objects.get(**{User.USERNAME_FIELD: user})
        except User.DoesNotExist as exc:
            raise CommandError(f"user: no account named {user!r}") from exc
        if not account.is_active:
            raise CommandError(f"user: the account {user!r} is deactivated")
        if not name.strip():
            raise CommandError("name: must not be empty")
        if expires_days is not None and expires_days <= 0:
            raise CommandError("expires-days: must be a positive number of days")
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        token, key = api_token_issue(actor=None, user=account, name=name.strip(), expires_at=expires_at)
        self.stdout.write(key)
        self.stderr.write(f"Issued token {token.prefix}… for {user} ({name}). The key is shown only once.")
