"""Our invitations as Merge ATS ScheduledInterviews (vendor document 004), for code written against Merge.

Served at /api/v1/interviews/ and, where Merge's SDKs build their URLs from a base URL, at
/api/merge/ats/v1/interviews. The shape, the cursor pages and the filters are Merge's; ids are ours
(as strings, as Merge's are). We are the system of record: nothing is ever deleted, so
``remote_was_deleted`` is false and ``include_deleted_data`` changes nothing.
"""

from __future__ import annotations

from base64 import b64encode
from datetime import UTC
from typing import Any
from urllib import parse

import django_filters
from django import forms
from django.db.models import QuerySet
from django_filters.fields import IsoDateTimeField
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import authentication, exceptions, generics, pagination, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from candidates.api.fields import IdFilter

from .. import selectors
from ..models import Invitation
from ..states import InvitationState

# Merge's three normalized statuses; an ended invitation has no clear match and passes its own state
# through, as Merge does with an ATS's original value.
MERGE_STATUS: dict[str, str] = {
    InvitationState.QUEUED: "SCHEDULED",
    InvitationState.SENDING: "SCHEDULED",
    InvitationState.INVITED: "SCHEDULED",
    InvitationState.STARTED: "SCHEDULED",
    InvitationState.COMPLETED: "AWAITING_FEEDBACK",
    InvitationState.REVIEWED: "COMPLETE",
}
MAX_PAGE_SIZE = 100  # Merge's own maximum


def merge_status(state: str) -> str:
    return MERGE_STATUS.get(state, state)


class BearerTokenAuthentication(authentication.TokenAuthentication):
    """Our API token sent as Merge's SDKs send their key: ``Authorization: Bearer <token>``.

    The ``X-Account-Token`` they send beside it names a Merge linked account; we have one, so it is ignored.
    """

    keyword = "Bearer"


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "description": "Our API token, as Merge's SDKs send their key."}


# --- the object -----------------------------------------------------------------------------------------
class ScheduledInterviewSerializer(serializers.Serializer):
    id = serializers.CharField(source="pk", read_only=True)
    remote_id = serializers.SerializerMethodField(help_text="The vendor's id of the invitation, once it has one.")
    created_at = serializers.DateTimeField(read_only=True)
    modified_at = serializers.DateTimeField(source="updated_at", read_only=True)
    application = serializers.CharField(source="application_id", read_only=True)
    job_interview_stage = serializers.CharField(
        source="interview_stage_id",
        read_only=True,
        allow_null=True,
        help_text="The stage of the job that sends this assessment; null when none does.",
    )
    organizer = serializers.CharField(
        source="bulk_send.created_by_id",
        read_only=True,
        allow_null=True,
        help_text="The user who sent it; null when no one did by hand.",
    )
    interviewers = serializers.SerializerMethodField(
        help_text="Always empty: a video interview has no live interviewer."
    )
    location = serializers.CharField(
        source="assessment.account.get_vendor_display", read_only=True, help_text="The vendor that runs it."
    )
    start_at = serializers.DateTimeField(
        source="started_at", read_only=True, allow_null=True, help_text="When the candidate started."
    )
    end_at = serializers.DateTimeField(
        source="completed_at", read_only=True, allow_null=True, help_text="When the candidate completed it."
    )
    remote_created_at = serializers.DateTimeField(source="created_at", read_only=True)
    remote_updated_at = serializers.DateTimeField(source="updated_at", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="SCHEDULED, AWAITING_FEEDBACK or COMPLETE; canceled, expired or failed pass through as they are."
    )
    remote_was_deleted = serializers.SerializerMethodField()
    field_mappings = serializers.SerializerMethodField()
    remote_data = serializers.SerializerMethodField(help_text="Always null: vendor payloads are never served.")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_remote_id(self, invitation: Invitation) -> str | None:
        return invitation.remote_id or None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_interviewers(self, invitation: Invitation) -> list[str]:
        return []

    @extend_schema_field(OpenApiTypes.STR)
    def get_status(self, invitation: Invitation) -> str:
        return merge_status(invitation.state)

    def get_remote_was_deleted(self, invitation: Invitation) -> bool:
        return False

    @extend_schema_field({"type": "object", "nullable": True, "additionalProperties": {}})
    def get_field_mappings(self, invitation: Invitation) -> None:
        return None

    @extend_schema_field({"type": "array", "nullable": True, "items": {"type": "object", "additionalProperties": {}}})
    def get_remote_data(self, invitation: Invitation) -> None:
        return None


# --- filters --------------------------------------------------------------------------------------------
class _StrictBooleanField(forms.Field):
    def to_python(self, value: Any) -> bool | None:
        if value is None:
            return None
        if value not in ("true", "false"):
            raise forms.ValidationError("Must be true or false.", code="invalid")
        return value == "true"


@extend_schema_field(OpenApiTypes.BOOL)
class _BooleanFilter(django_filters.Filter):
    field_class = _StrictBooleanField


class _DateTimeField(IsoDateTimeField):
    def clean(self, value: Any) -> Any:
        # Absent means "any"; present but empty (``?modified_after=``) is no date-time at all.
        if value == "":
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        moment = super().clean(value)
        if moment is None:
            return None
        # ISO 8601 allows offsets up to ±23:59, PostgreSQL only ±15:59: compare in UTC.
        try:
            return moment.astimezone(UTC)
        except OverflowError as exc:  # e.g. year 1 with a positive offset falls before year 1 in UTC
            raise forms.ValidationError("That date-time is outside the range handled here.", code="invalid") from exc


class _DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _DateTimeField


class ScheduledInterviewFilterSet(django_filters.FilterSet):
    created_after = _DateTimeFilter(field_name="created_at", lookup_expr="gt")
    created_before = _DateTimeFilter(field_name="created_at", lookup_expr="lt")
    modified_after = _DateTimeFilter(field_name="updated_at", lookup_expr="gt")
    modified_before = _DateTimeFilter(field_name="updated_at", lookup_expr="lt")
    application_id = IdFilter(field_name="application_id")
    job_id = IdFilter(field_name="application__job_id")
    job_interview_stage_id = IdFilter(field_name="interview_stage_id")
    organizer_id = IdFilter(field_name="bulk_send__created_by_id")
    remote_id = django_filters.CharFilter(field_name="remote_id")
    include_deleted_data = _BooleanFilter(
        method="include_deleted", help_text="Accepted for Merge's clients; nothing here is ever deleted."
    )

    class Meta:
        model = Invitation
        fields: list[str] = []

    def include_deleted(self, queryset: QuerySet[Invitation], name: str, value: bool) -> QuerySet[Invitation]:
        return queryset


# --- pages ----------------------------------------------------------------------------------------------
class MergeCursorPagination(pagination.CursorPagination):
    """Merge's pages: ``next`` and ``previous`` are cursors to pass back as ``cursor``, not URLs."""

    ordering = "-id"
    page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"A page size is a whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return int(raw)

    def decode_cursor(self, request: Request) -> Any:
        # Any string is a cursor by the schema, as any integer is an id: one that names no page is a 404.
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise exceptions.NotFound(f"No such page: {self.cursor_query_param} is not one this API gave.") from exc

    def encode_cursor(self, cursor: Any) -> str:
        tokens: dict[str, str] = {}
        if cursor.offset != 0:
            tokens["o"] = str(cursor.offset)
        if cursor.reverse:
            tokens["r"] = "1"
        if cursor.position is not None:
            tokens["p"] = cursor.position
        return b64encode(parse.urlencode(tokens, doseq=True).encode("ascii")).decode("ascii")

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        cursor = {"type": "string", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": cursor, "previous": cursor, "results": schema},
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The `next` or `previous` of a page.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Interviews per page, at most {MAX_PAGE_SIZE}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


# --- views ----------------------------------------------------------------------------------------------
class _Interviews(generics.GenericAPIView):
    serializer_class = ScheduledInterviewSerializer
    required_permissions = {"GET": ["integrations.view_invitation"]}
    authentication_classes = [
        authentication.TokenAuthentication,
        BearerTokenAuthentication,
        authentication.SessionAuthentication,
    ]

    def get_queryset(self) -> QuerySet[Invitation]:
        return selectors.interviews()


class InterviewList(_Interviews, generics.ListAPIView):
    """Invitations as Merge ScheduledInterviews, newest first, in Merge's cursor pages."""

    filterset_class = ScheduledInterviewFilterSet
    pagination_class = MergeCursorPagination


class InterviewDetail(_Interviews, generics.RetrieveAPIView):
    """One invitation as a Merge ScheduledInterview."""

    filter_backends = []


# Merge's URLs, for its SDKs: the same views, outside the schema (which documents them once, above).
@extend_schema(exclude=True)
class MergeInterviewList(InterviewList):
    pass


@extend_schema(exclude=True)
class MergeInterviewDetail(InterviewDetail):
    pass
