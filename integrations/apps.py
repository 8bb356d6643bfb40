from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Vendor integrations"

    def ready(self) -> None:
        from candidates.signals import applications_moved

        from .receivers import invite_on_stage_entry

        applications_moved.connect(invite_on_stage_entry, dispatch_uid="integrations.invite_on_stage_entry")
