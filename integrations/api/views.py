"""Assessments, sends and invitations over the API: what the job page's send and the candidate page offer.

Vendor accounts are not reachable here at all; results and media are fetched from the vendor when
asked, as on the candidate page, and stored nowhere.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from candidates.api.fields import UNKNOWN_IDS

from .. import selectors, services
from ..forms import Includes
from ..models import Assessment, BulkSend, Invitation
from ..states import InvitationState
from .filters import InvitationFilterSet
from .serializers import (
    AssessmentSerializer,
    BulkSendSerializer,
    InvitationIdsSerializer,
    InvitationResultsSerializer,
    InvitationSerializer,
    SendAssessmentSerializer,
    SendPreviewSerializer,
)


def _by(request: Request) -> User:
    """Who acts: RolePermissions lets only authenticated users through."""
    return cast(User, request.user)


class AssessmentList(generics.ListAPIView):
    """What can be sent: active assessments of enabled vendor accounts."""

    serializer_class = AssessmentSerializer
    filter_backends = []
    # The send form's choices; the job page shows them to whoever may send.
    required_permissions = {"GET": ["integrations.add_invitation"]}

    def get_queryset(self) -> QuerySet[Assessment]:
        return selectors.sendable_assessments()


class _SendBody(generics.GenericAPIView):
    """A send's body, as bulk-sends/ and its preview both take it."""

    serializer_class = SendAssessmentSerializer
    required_permissions = {"POST": ["integrations.add_invitation"]}

    def send_body(self, request: Request) -> dict[str, Any]:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _includes(data: dict[str, Any]) -> Includes:
    return Includes(
        include_ended=data["include_ended"],
        include_completed=data["include_completed"],
        include_closed=data["include_closed"],
    )


class BulkSendCreate(_SendBody):
    """Invite applications of one job to an assessment.

    Applications already invited to it are skipped and counted in `skipped`; the others are
    queued and sent by the workers. Follow `progress` at the send's own URL.
    """

    @extend_schema(responses={201: BulkSendSerializer, 404: UNKNOWN_IDS})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.send_body(request)
        bulk = services.request_invitations(
            data["applications"], data["assessment"], _by(request), options=data["options"], **_includes(data)
        )
        location = reverse("api:bulk-send", args=[bulk.pk])
        return Response(BulkSendSerializer(bulk).data, status=status.HTTP_201_CREATED, headers={"Location": location})


class BulkSendPreview(_SendBody):
    """What the same body posted to bulk-sends/ would do now: who is invited, who is left out and why.

    Writes nothing; the send runs the same plan, so both agree unless the data changes in between.
    """

    @extend_schema(responses={200: SendPreviewSerializer, 404: UNKNOWN_IDS})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.send_body(request)
        preview = services.preview_send(data["applications"], data["assessment"], **_includes(data))
        return Response(SendPreviewSerializer(preview).data)


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


# States in which the vendor has never seen the invitation (unless it has a vendor id after all).
NOT_AT_THE_VENDOR = frozenset({InvitationState.QUEUED, InvitationState.SENDING, InvitationState.FAILED})


class InvitationResults(generics.GenericAPIView):
    """The invitation's result links and answers (videos, transcripts), generated by the vendor at this call.

    Pre-signed links expire within hours: nothing is stored, ask again rather than keep them.
    An invitation the vendor never received (queued, sending, or failed to send) is a 409; a vendor that
    cannot answer gives a 502 whose `detail` has the vendor's words.
    """

    serializer_class = InvitationResultsSerializer
    filter_backends = []
    required_permissions = {"GET": ["integrations.view_invitation"]}

    def get_queryset(self) -> QuerySet[Invitation]:
        return Invitation.objects.select_related("assessment__account", "application__candidate")

    @extend_schema(
        operation_id="invitation_results",
        responses={
            200: InvitationResultsSerializer,
            409: OpenApiResponse(description="The invitation never reached the vendor: there is nothing to ask for."),
            502: OpenApiResponse(description="The vendor could not answer; `detail` has its words."),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation = self.get_object()
        if not invitation.remote_id and invitation.state in NOT_AT_THE_VENDOR:
            detail = (
                f"There are no results: the invitation is {invitation.get_state_display().lower()}, not at the vendor."
            )
            return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
        results = services.fetch_results(invitation)
        if results.error:
            vendor = invitation.assessment.account.get_vendor_display()
            detail = f"{vendor} could not give the results just now: {results.error}"
            return Response({"detail": detail}, status=status.HTTP_502_BAD_GATEWAY)
        body = {"links": results.links, "media": results.media, "fetched_at": timezone.now()}
        return Response(InvitationResultsSerializer(body).data, headers={"Cache-Control": "no-store"})


# --- actions on invitations ----------------------------------------------------------------------------
ACTION_PERMISSIONS = {"POST": ["integrations.change_invitation"]}
REFUSED = OpenApiResponse(description="The state or the vendor does not allow it (`detail` says why); nothing changed.")


def _refused(exc: services.ActionRefused) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


class _InvitationAction(generics.GenericAPIView):
    serializer_class = InvitationSerializer
    required_permissions = ACTION_PERMISSIONS
    filter_backends = []
    queryset = Invitation.objects.none()

    def get_queryset(self) -> QuerySet[Invitation]:
        return selectors.invitations_with_timeline()

    def act(self, invitation: Invitation) -> Invitation:
        raise NotImplementedError

    @extend_schema(request=None, responses={200: InvitationSerializer, 409: REFUSED})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation = self.get_object()
        try:
            result = self.act(invitation)
        except services.ActionRefused as exc:
            return _refused(exc)
        return Response(InvitationSerializer(self.get_queryset().get(pk=result.pk)).data)


@extend_schema_view(post=extend_schema(operation_id="invitation_cancel"))
class InvitationCancel(_InvitationAction):
    """Cancel an open invitation; the vendor is told where it can be (intervue interviews, Hireflix)."""

    def act(self, invitation: Invitation) -> Invitation:
        services.cancel([invitation], _by(self.request))
        return invitation


@extend_schema_view(post=extend_schema(operation_id="invitation_remind"))
class InvitationRemind(_InvitationAction):
    """Ask the vendor to remind the candidate (WedgeHR); 409 where the vendor reminds by itself."""

    def act(self, invitation: Invitation) -> Invitation:
        services.remind([invitation], _by(self.request))
        return invitation


@extend_schema_view(post=extend_schema(operation_id="invitation_reinvite"))
class InvitationReinvite(_InvitationAction):
    """A new round of the same assessment; an open one is canceled first. Answers with the new round."""

    def act(self, invitation: Invitation) -> Invitation:
        return services.reinvite(invitation, _by(self.request))


class _BulkInvitationAction(generics.GenericAPIView):
    serializer_class = InvitationIdsSerializer
    required_permissions = ACTION_PERMISSIONS
    queryset = Invitation.objects.none()
    # The answer is the acted-on invitations, all of them: neither filtered nor paged.
    filter_backends = []
    pagination_class = None

    def act(self, invitations: list[Invitation]) -> None:
        raise NotImplementedError

    @extend_schema(responses={200: InvitationSerializer(many=True), 404: UNKNOWN_IDS, 409: REFUSED})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = sorted(set(serializer.validated_data["invitations"]))
        invitations = list(selectors.invitations_with_timeline().filter(pk__in=ids))
        missing = sorted(set(ids) - {i.pk for i in invitations})
        if missing:
            message = f"No such invitations: {', '.join(map(str, missing))}."
            raise serializers.ValidationError({"invitations": [message]}, code="does_not_exist")
        try:
            self.act(invitations)
        except services.ActionRefused as exc:
            return _refused(exc)
        fresh = selectors.invitations_with_timeline().filter(pk__in=ids)
        return Response(InvitationSerializer(fresh, many=True).data)


@extend_schema_view(post=extend_schema(operation_id="invitations_cancel_many"))
class InvitationsCancel(_BulkInvitationAction):
    """Cancel several open invitations: all of them, or none (409) when one cannot be."""

    def act(self, invitations: list[Invitation]) -> None:
        services.cancel(invitations, _by(self.request))


@extend_schema_view(post=extend_schema(operation_id="invitations_remind_many"))
class InvitationsRemind(_BulkInvitationAction):
    """Remind several candidates: all of them, or none (409) when one cannot be."""

    def act(self, invitations: list[Invitation]) -> None:
        services.remind(invitations, _by(self.request))
