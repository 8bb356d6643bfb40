"""Assessments, sends and invitations over the API: what the job page's send and the candidate page offer.

Vendor accounts are not reachable here at all; results and media stay on the candidate page,
fetched from the vendor when a person asks.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors, services
from ..models import Assessment, BulkSend, Invitation
from .filters import InvitationFilterSet
from .serializers import AssessmentSerializer, BulkSendSerializer, InvitationSerializer, SendAssessmentSerializer

# Never loaded, let alone decrypted, for a read that only needs the vendor's name.
ACCOUNT_SECRETS = ("credentials", "webhook_secret")


def _without_secrets(queryset: QuerySet, account_path: str) -> QuerySet:
    return queryset.defer(*(f"{account_path}__{name}" for name in ACCOUNT_SECRETS))


class AssessmentList(generics.ListAPIView):
    """What can be sent: active assessments of enabled vendor accounts."""

    serializer_class = AssessmentSerializer
    filter_backends = []
    # The send form's choices; the job page shows them to whoever may send.
    required_permissions = {"GET": ["integrations.add_invitation"]}

    def get_queryset(self) -> QuerySet[Assessment]:
        return _without_secrets(selectors.mappable_assessments(), "account").defer("raw")


class BulkSendCreate(generics.GenericAPIView):
    """Invite applications of one job to an assessment.

    Applications already invited to it are skipped and counted in `skipped`; the others are
    queued and sent by the workers. Follow `progress` at the send's own URL.
    """

    serializer_class = SendAssessmentSerializer
    required_permissions = {"POST": ["integrations.add_invitation"]}

    @extend_schema(responses={201: BulkSendSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        bulk = services.request_invitations(
            data["applications"], data["assessment"], request.user, options=data["options"]
        )
        location = reverse("api:bulk-send", args=[bulk.pk])
        return Response(BulkSendSerializer(bulk).data, status=status.HTTP_201_CREATED, headers={"Location": location})


class BulkSendDetail(generics.RetrieveAPIView):
    """A send and its progress: counts per state, and the failures with the vendor's words."""

    serializer_class = BulkSendSerializer
    required_permissions = {"GET": ["integrations.view_invitation"]}

    def get_queryset(self) -> QuerySet[BulkSend]:
        sends = BulkSend.objects.select_related("assessment__account", "created_by")
        return _without_secrets(sends, "assessment__account").defer("assessment__raw")


class _InvitationQuerysetMixin:
    def get_queryset(self) -> QuerySet[Invitation]:
        invitations = (
            Invitation.objects.select_related("application__candidate", "assessment__account")
            .prefetch_related("events")
            .order_by("-created_at", "-id")
        )
        return _without_secrets(invitations, "assessment__account").defer("assessment__raw")


class InvitationList(_InvitationQuerysetMixin, generics.ListAPIView):
    """Invitations, newest first, each with its timeline."""

    serializer_class = InvitationSerializer
    filterset_class = InvitationFilterSet
    required_permissions = {"GET": ["integrations.view_invitation"]}


class InvitationDetail(_InvitationQuerysetMixin, generics.RetrieveAPIView):
    """One invitation with its timeline."""

    serializer_class = InvitationSerializer
    filter_backends = []
    required_permissions = {"GET": ["integrations.view_invitation"]}
