import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from candidates.demo import seed_pipeline
from candidates.roles import INTEGRATION_ADMIN, RECRUITER, ensure_roles
from integrations.ats.demo import seed_merge_link
from integrations.demo import seed_vendor_accounts

DEMO_USERS = [
    # username, role, is_staff, is_superuser, first name, last name
    ("admin", INTEGRATION_ADMIN, True, True, "Ada", "Admin"),
    ("recruiter", RECRUITER, False, False, "Riley", "Recruiter"),
]


def logins_path() -> Path:
    """Where the demo passwords are kept, so that reruns and ``demo_logins`` print the same ones."""
    return settings.VAR_DIR / "demo-logins.json"


class Command(BaseCommand):
    help = "Create demo jobs, candidates and the demo users (idempotent); prints the logins."

    def add_arguments(self, parser):
        parser.add_argument("--candidates", type=int, default=300)

    def handle(self, *args, candidates: int, **options):
        ensure_roles()
        report = seed_pipeline(candidate_count=candidates)
        self.stdout.write(
            f"Demo pipeline: {report.jobs} jobs; {report.candidates_created} candidates and "
            f"{report.applications_created} applications added this run."
        )
        for line in [*seed_vendor_accounts(settings.SANDBOX_URL), seed_merge_link(settings.SANDBOX_URL)]:
            self.stdout.write(f"  {line}")
        for username, password in self._users().items():
            self.stdout.write(f"  login {username!r} with password {password!r}")

    def _users(self) -> dict[str, str]:
        """Create the demo users; their passwords are generated once and kept in var/ so reruns print the same."""
        path = logins_path()
        saved = json.loads(path.read_text()) if path.exists() else {}
        User = get_user_model()
        logins = {}
        for username, role, is_staff, is_superuser, first, last in DEMO_USERS:
            password = os.environ.get(f"DEMO_{username.upper()}_PASSWORD") or saved.get(username)
            password = password or secrets.token_urlsafe(9)
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@example.com"
            user.is_staff, user.is_superuser = is_staff, is_superuser
            if not user.check_password(password):
                user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=role))
            logins[username] = password
        path.write_text(json.dumps(logins))
        path.chmod(0o600)
        return logins
