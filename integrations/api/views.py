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


class AssessmentList(generics.ListAPIView):
    """What can be sent: active assessments of enabled vendor accounts."""

    serializer_class = AssessmentSerializer
    filter_backends = []
    # The send form's choices; the job page shows them to whoever may send.
    required_permissions = {"GET": ["integrations.add_invitation"]}

    def get_queryset(self) -> QuerySet[Assessment]:
        return selectors.sendable_assessments()


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
        return selectors.bulk_sends()


class _InvitationQuerysetMixin:
    def get_queryset(self) -> QuerySet[Invitation]:
        return selectors.invitations_with_timeline()


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
