from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Hiring pipeline"

    def ready(self) -> None:
        from .roles import ensure_roles

        # Sent once per app after migrate; each run adds the permissions that exist by then.
        post_migrate.connect(ensure_roles, dispatch_uid="candidates.ensure_roles")
