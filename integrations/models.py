from django.db import models


class IntegrationsAccess(models.Model):
    """Holds the app-wide permission that guards vendor configuration; it has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("manage_integrations", "Can configure vendor accounts, keys and stage mappings")]

    def __str__(self) -> str:
        return "Integrations access"
