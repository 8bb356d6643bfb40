"""The two roles, kept as auth groups and recreated after every migrate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

RECRUITER = "Recruiter"
INTEGRATION_ADMIN = "Integration admin"
MANAGE_INTEGRATIONS = "integrations.manage_integrations"

_PIPELINE = ["job", "stage", "candidate", "application", "stagechange"]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Recruiters work the pipeline; they never see vendor configuration.
    RECRUITER: [
        *(f"candidates.view_{model}" for model in _PIPELINE),
        "candidates.add_candidate",
        "candidates.change_candidate",
        "candidates.add_application",
        "candidates.change_application",
        "integrations.view_invitation",
        "integrations.add_invitation",
        "integrations.change_invitation",
        "integrations.view_invitationevent",
    ],
    INTEGRATION_ADMIN: [
        *(f"candidates.{action}_{model}" for model in _PIPELINE for action in ("view", "add", "change", "delete")),
        *(
            f"integrations.{action}_{model}"
            for model in ("vendoraccount", "assessment", "stageassessment", "mergelink", "mergestagemapping")
            for action in ("view", "add", "change", "delete")
        ),
        "integrations.view_invitation",
        "integrations.add_invitation",
        "integrations.change_invitation",
        "integrations.view_invitationevent",
        "integrations.view_remoteinterview",
        MANAGE_INTEGRATIONS,
    ],
}


def ensure_roles(**kwargs: Any) -> None:
    """Create the role groups with their permissions; safe to run any number of times."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = Permission.objects.none()
        for name in names:
            app_label, codename = name.split(".")
            wanted |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*wanted)
