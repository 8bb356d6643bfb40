"""What the API shows of assessments, invitations and sends.

Never a vendor account beyond its vendor's name, never a key, a webhook secret or a raw vendor
payload; results links only from invitations/{id}/results/, fetched from the vendor at the call.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from candidates.api.fields import StrictBooleanField, StrictPrimaryKeyRelatedField, application_ids, id_field
from candidates.models import Application, Candidate

from .. import selectors
from ..models import Assessment, BulkSend, Invitation, InvitationEvent, Vendor
from ..services.planning import Skip


class AssessmentSerializer(serializers.ModelSerializer):
    vendor = serializers.ChoiceField(source="account.vendor", choices=Vendor.choices, read_only=True)
    vendor_label = serializers.CharField(source="account.get_vendor_display", read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "name", "kind", "vendor", "vendor_label", "active"]


class InvitationEventSerializer(serializers.ModelSerializer):
    """One line of an invitation's timeline."""

    # No ``payload``: a vendor's raw event may carry pre-signed media links.
    class Meta:
        model = InvitationEvent
        fields = ["id", "occurred_at", "source", "from_state", "to_state", "vendor_status", "message"]


class InvitedCandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["id", "full_name", "email"]


class ApplicationInvitationSerializer(serializers.ModelSerializer):
    """An invitation as its application shows it: state, the vendor's words, score and timeline."""

    assessment = AssessmentSerializer(read_only=True)
    score = serializers.SerializerMethodField()
    verdict = serializers.SerializerMethodField()
    timeline = InvitationEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "assessment",
            "bulk_send",
            "round",
            "state",
            "vendor_status",
            "candidate_url",
            "last_error",
            "attempts",
            "score",
            "verdict",
            "invited_at",
            "started_at",
            "completed_at",
            "state_changed_at",
            "created_at",
            "timeline",
        ]

    # Only the score and verdict of ``results``: the rest are vendor ids and admin links.
    @extend_schema_field(serializers.FloatField(allow_null=True, help_text="Null until the vendor scores it."))
    def get_score(self, invitation: Invitation) -> float | None:
        score = (invitation.results or {}).get("score")
        if isinstance(score, bool):
            return None
        try:
            return float(score) if score is not None else None
        except (TypeError, ValueError):
            return None

    def get_verdict(self, invitation: Invitation) -> str:
        return str((invitation.results or {}).get("verdict") or "")


class InvitationSerializer(ApplicationInvitationSerializer):
    """An invitation with the application and candidate it belongs to."""

    job = serializers.IntegerField(source="application.job_id", read_only=True)
    candidate = InvitedCandidateSerializer(source="application.candidate", read_only=True)

    class Meta(ApplicationInvitationSerializer.Meta):
        fields = ["id", "application", "job", "candidate", *ApplicationInvitationSerializer.Meta.fields[1:]]


class InvitationSummarySerializer(serializers.ModelSerializer):
    """The assessments column of a job's applications."""

    assessment_name = serializers.CharField(source="assessment.name", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "assessment", "assessment_name", "state"]


class BulkSendFailureSerializer(serializers.ModelSerializer):
    candidate = InvitedCandidateSerializer(source="application.candidate", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "application", "candidate", "last_error"]


class BulkSendProgressSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Invitations per state.")
    queued = serializers.IntegerField(help_text="Queued or being sent.")
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Left out of the send; `skipped_reasons` says why.")
    done = serializers.BooleanField(source="sending_done", help_text="Nothing left queued or being sent.")
    final = serializers.IntegerField(
        help_text="Invitations in a final state (completed, reviewed, failed, canceled or expired)."
    )
    all_final = serializers.BooleanField(source="done", help_text="Every invitation of the send is final.")
    failures = BulkSendFailureSerializer(many=True, help_text="The failed invitations, with the vendor's words.")


class BulkSendSerializer(serializers.ModelSerializer):
    assessment = AssessmentSerializer(read_only=True)
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Null for a send no one made by hand."
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = BulkSend
        fields = [
            "id",
            "assessment",
            "trigger",
            "created_by",
            "created_at",
            "total",
            "skipped",
            "skipped_reasons",
            "progress",
        ]
        extra_kwargs = {
            "skipped_reasons": {
                "help_text": "Applications left out, per reason: open (an invitation to it is under way), "
                "ended (the last one expired, was canceled or failed; include_ended), completed (include_completed), "
                "closed_stage (rejected or hired; include_closed)."
            }
        }

    @extend_schema_field(BulkSendProgressSerializer)
    def get_progress(self, bulk: BulkSend) -> dict[str, Any]:
        return BulkSendProgressSerializer(selectors.bulk_send_progress(bulk)).data


class SendAssessmentSerializer(serializers.Serializer):
    """Invite applications of one job to an assessment, with the options of the job's stage mapped to it."""

    assessment = StrictPrimaryKeyRelatedField(
        queryset=selectors.mappable_assessments(),
        error_messages={
            "does_not_exist": "Assessment {pk_value} cannot be sent: it is unknown, inactive, "
            "or its vendor account is disabled."
        },
    )
    applications = application_ids(help_text="Application ids, all of one job.")
    include_ended = StrictBooleanField(
        default=False, help_text="Invite again those whose last invitation expired, was canceled or failed."
    )
    include_completed = StrictBooleanField(default=False, help_text="A retake for those who completed it.")
    include_closed = StrictBooleanField(default=False, help_text="Include applications in a rejected or hired stage.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        ids = sorted(set(attrs["applications"]))
        jobs = dict(Application.objects.filter(pk__in=ids).values_list("pk", "job_id"))
        missing = [pk for pk in ids if pk not in jobs]
        if missing:
            shown = ", ".join(map(str, missing[:20])) + (" …" if len(missing) > 20 else "")
            raise serializers.ValidationError(
                {"applications": f"No such applications: {shown}."}, code="does_not_exist"
            )
        if len(set(jobs.values())) > 1:
            # One send carries one set of options, and those come from one job's stage mapping.
            raise serializers.ValidationError({"applications": "Send to the applications of one job at a time."})
        attrs["applications"] = ids
        attrs["options"] = selectors.invite_options(jobs[ids[0]], attrs["assessment"])
        return attrs


class SkipGroupSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=[(s.value, s.label) for s in Skip], help_text="Why they are left out.")
    count = serializers.IntegerField()
    phrase = serializers.CharField(
        help_text='The reason in words, with its count: "3 are in a rejected or hired stage".'
    )
    hint = serializers.CharField(help_text="What would include them.")
    application_ids = serializers.ListField(child=serializers.IntegerField())


class SendPreviewSerializer(serializers.Serializer):
    """What the same send would do now; nothing is written."""

    invite_count = serializers.IntegerField(help_text="How many would be invited.")
    invite_ids = serializers.ListField(child=serializers.IntegerField(), help_text="Their application ids.")
    skipped_count = serializers.IntegerField(help_text="How many would be left out.")
    groups = SkipGroupSerializer(many=True, help_text="Those left out, by reason, in a fixed order.")


class InvitationIdsSerializer(serializers.Serializer):
    """Invitations to act on together: all of them, or none when one cannot be."""

    invitations = serializers.ListField(child=id_field(), min_length=1, max_length=1000, help_text="Invitation ids.")


class ResultLinkSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    url = serializers.URLField()
    expires_at = serializers.DateTimeField(allow_null=True, help_text="Null when the vendor gives no expiry.")


class MediaItemSerializer(serializers.Serializer):
    question = serializers.CharField()
    video_url = serializers.CharField(help_text="Pre-signed and short-lived; empty when there is no video.")
    thumbnail_url = serializers.CharField()
    duration_seconds = serializers.FloatField(allow_null=True)
    transcript = serializers.CharField()
    transcript_language = serializers.CharField()


class InvitationResultsSerializer(serializers.Serializer):
    """What the candidate page's "View results" shows, generated by the vendor just now and stored nowhere."""

    links = ResultLinkSerializer(many=True)
    media = MediaItemSerializer(many=True, help_text="The answers: question, video, transcript.")
    fetched_at = serializers.DateTimeField(help_text="When the vendor made these; the links expire, ask again.")
