"""API permissions: the role groups' model permissions, as on the recruiter pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import exceptions
from rest_framework.permissions import DjangoModelPermissions

if TYPE_CHECKING:
    # Only for the hints: DRF imports this module while rest_framework.views is still loading.
    from rest_framework.request import Request
    from rest_framework.views import APIView


class RolePermissions(DjangoModelPermissions):
    """Django model permissions, with reads guarded too (GET needs ``view_<model>``).

    A view whose action is not a plain read or write of its queryset's model names its own
    permissions per method: ``required_permissions = {"GET": [...], "POST": [...]}``.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request: Request, view: APIView) -> bool:
        required: dict[str, list[str]] | None = getattr(view, "required_permissions", None)
        if required is None:
            return super().has_permission(request, view)
        if not request.user or not request.user.is_authenticated:
            return False
        method = request.method or ""  # always set on a real request
        perms = required.get(method)
        if perms is None and method in ("HEAD", "OPTIONS"):
            perms = required.get("GET")
        if perms is None:
            raise exceptions.MethodNotAllowed(method)
        return request.user.has_perms(perms)
