"""The pipeline over the API: what the job list, job page and candidate page offer, read and move."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .. import selectors, services
from ..models import Application, Candidate, Job, Stage
from .fields import UNKNOWN_IDS
from .filters import ApplicationFilterSet
from .serializers import (
    ApplicationSerializer,
    CandidateDetailSerializer,
    JobSerializer,
    MoveApplicationsSerializer,
    MoveResultSerializer,
    StageRefSerializer,
    StageSerializer,
)


def _job(view: generics.GenericAPIView) -> Job:
    return get_object_or_404(Job, pk=view.kwargs["job_pk"])


class JobList(generics.ListAPIView):
    """Every job with its application count per stage."""

    serializer_class = JobSerializer
    filter_backends = []
    required_permissions = {"GET": ["candidates.view_job"]}
    # Not what list() serves: the browsable API's filter form asks every list view for a queryset.
    queryset = Job.objects.all()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Two queries whatever the number of jobs and stages; the page is cut from that list.
        page: list[Job] | None = self.paginate_queryset(selectors.jobs_with_stage_counts())  # type: ignore[arg-type]  # DRF pages lists too
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class JobDetail(generics.RetrieveAPIView):
    """One job with its application count per stage."""

    queryset = Job.objects.annotate(application_count=Count("applications"))
    serializer_class = JobSerializer
    required_permissions = {"GET": ["candidates.view_job"]}

    def get_object(self) -> Job:
        job = super().get_object()
        job.stage_counts = list(selectors.job_stages(job))
        return job


class JobStageList(generics.ListAPIView):
    """A job's stages in pipeline order, with how many applications stand in each."""

    serializer_class = StageSerializer
    filter_backends = []
    pagination_class = None
    required_permissions = {"GET": ["candidates.view_stage"]}

    def get_queryset(self) -> QuerySet[Stage]:
        if getattr(self, "swagger_fake_view", False):
            return Stage.objects.none()
        return selectors.job_stages(_job(self))


class JobApplicationList(generics.ListAPIView):
    """A job's applications, latest stage entry first; filter by stage, search by name or email."""

    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilterSet
    required_permissions = {"GET": ["candidates.view_application"]}

    def get_queryset(self) -> QuerySet[Application]:
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return selectors.job_applications(_job(self))


class MoveApplications(generics.GenericAPIView):
    """Move applications into a stage of their job, recording who did it.

    Applications already in the stage are left alone. Entering a stage mapped to an assessment
    invites the candidates, as on the job page.
    """

    serializer_class = MoveApplicationsSerializer
    required_permissions = {"POST": ["candidates.change_application"]}

    @extend_schema(responses={200: MoveResultSerializer, 404: UNKNOWN_IDS})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stage = serializer.validated_data["stage"]
        try:
            # RolePermissions lets only authenticated users through.
            by = cast(User, request.user)
            changes = services.move_to_stage(serializer.validated_data["applications"], stage, by=by)
        except DjangoValidationError as exc:
            code = getattr(exc, "code", None)
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages}, code=code) from exc
        moved = [change.application_id for change in changes]
        result = {"moved": len(moved), "applications": moved, "stage": StageRefSerializer(stage).data}
        return Response(MoveResultSerializer(result).data)


class CandidateDetail(generics.RetrieveAPIView):
    """A candidate with every application: its stage, stage history and assessment invitations."""

    queryset = Candidate.objects.all()
    serializer_class = CandidateDetailSerializer
    required_permissions = {"GET": ["candidates.view_candidate"]}

    def get_object(self) -> Candidate:
        try:
            return selectors.candidate_with_history(self.kwargs["pk"])
        except Candidate.DoesNotExist as exc:
            raise Http404("No such candidate.") from exc
