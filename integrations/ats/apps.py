from django.apps import AppConfig


class AtsConfig(AppConfig):
    """The ATS side as an app of its own, so that it subscribes to the integrations app and never the reverse."""

    name = "integrations.ats"
    label = "ats"
    verbose_name = "Company ATS (Merge)"

    def ready(self) -> None:
        from integrations.signals import invitations_moved

        from .push import push_on_moves

        invitations_moved.connect(push_on_moves, dispatch_uid="ats.push_on_moves")
