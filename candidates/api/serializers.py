"""What the API shows of the pipeline: jobs with their stage counts, applications, candidates and history."""

from __future__ import annotations

from django.contrib.auth.models import User
from rest_framework import serializers

from integrations.api.serializers import ApplicationInvitationSerializer, InvitationSummarySerializer

from ..models import Application, Candidate, Job, Stage, StageChange
from .fields import StrictPrimaryKeyRelatedField, application_ids


class StageSerializer(serializers.ModelSerializer):
    application_count = serializers.IntegerField(read_only=True, help_text="Applications standing in this stage.")

    class Meta:
        model = Stage
        fields = ["id", "name", "order", "kind", "application_count"]


class StageRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "name", "kind"]


class JobSerializer(serializers.ModelSerializer):
    application_count = serializers.IntegerField(read_only=True)
    stages = StageSerializer(source="stage_counts", many=True, read_only=True)

    class Meta:
        model = Job
        fields = ["id", "title", "department", "location", "status", "created_at", "application_count", "stages"]


class JobRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = ["id", "title"]


class CandidateSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["id", "first_name", "last_name", "full_name", "email"]


class ApplicationSerializer(serializers.ModelSerializer):
    """A row of a job's applications."""

    candidate = CandidateSummarySerializer(read_only=True)
    stage = StageRefSerializer(read_only=True)
    invitations = InvitationSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "candidate", "stage", "created_at", "stage_entered_at", "invitations"]


class StageChangeSerializer(serializers.ModelSerializer):
    from_stage = StageRefSerializer(read_only=True, allow_null=True, help_text="Null when the candidate applied.")
    to_stage = StageRefSerializer(read_only=True)
    changed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Null when nobody moved it by hand."
    )

    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "changed_by", "changed_at"]


class CandidateApplicationSerializer(serializers.ModelSerializer):
    job = JobRefSerializer(read_only=True)
    stage = StageRefSerializer(read_only=True)
    stage_history = StageChangeSerializer(source="stage_changes", many=True, read_only=True)
    invitations = ApplicationInvitationSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "job", "stage", "created_at", "stage_entered_at", "stage_history", "invitations"]


class CandidateDetailSerializer(serializers.ModelSerializer):
    applications = CandidateApplicationSerializer(many=True, read_only=True)

    class Meta:
        model = Candidate
        fields = [
            "id",
            "first_name",
            "last_name",
            "full_name",
            "email",
            "phone",
            "external_ref",
            "created_at",
            "applications",
        ]


class MoveApplicationsSerializer(serializers.Serializer):
    applications = application_ids(help_text="Application ids, all of the target stage's job.")
    stage = StrictPrimaryKeyRelatedField(queryset=Stage.objects.all(), help_text="The stage to move them into.")


class MoveResultSerializer(serializers.Serializer):
    moved = serializers.IntegerField(help_text="How many changed stage; those already there are left alone.")
    applications = serializers.ListField(child=serializers.IntegerField(), help_text="The ids that moved.")
    stage = StageRefSerializer()
