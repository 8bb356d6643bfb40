from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Vendor integrations"

    def ready(self) -> None:
        from candidates.signals import applications_moved

        from . import log_masking
        from .receivers import on_stage_move

        applications_moved.connect(on_stage_move, dispatch_uid="integrations.on_stage_move")
        log_masking.install()  # the webhook URL's token is a credential: keep it out of access logs
