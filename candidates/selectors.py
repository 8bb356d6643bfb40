"""Reads of the hiring pipeline, shaped for the pages and the API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from .models import Application, Candidate, Job, Stage, StageChange


def jobs_with_stage_counts() -> list[Job]:
    """Every job with ``stage_counts`` (its stages, each with ``application_count``) and ``application_count``.

    Two queries whatever the number of jobs and stages.
    """
    jobs: list[Job] = list(Job.objects.annotate(application_count=Count("applications")))
    stages = Stage.objects.filter(job__in=jobs).annotate(application_count=Count("applications")).order_by("order")
    by_job: dict[int, list[Stage]] = defaultdict(list)
    for stage in stages:
        by_job[stage.job_id].append(stage)
    for job in jobs:
        job.stage_counts = by_job[job.pk]  # type: ignore[attr-defined]  # set here for the page and the API
    return jobs


def job_stages(job: Job) -> QuerySet[Stage]:
    return job.stages.annotate(application_count=Count("applications")).order_by("order")


def job_applications(job: Job) -> QuerySet[Application]:
    return (
        Application.objects.filter(job=job)
        .select_related("candidate", "stage")
        .prefetch_related("invitations__assessment")  # the assessments column
        .order_by("-stage_entered_at", "-id")
    )


def search_applications(applications: QuerySet[Application], text: str) -> QuerySet[Application]:
    """Keep the applications whose candidate's name or email contains every word of ``text``."""
    for term in text.split():
        applications = applications.filter(
            Q(candidate__first_name__icontains=term)
            | Q(candidate__last_name__icontains=term)
            | Q(candidate__email__icontains=term)
        )
    return applications


def candidate_with_history(candidate_id: int) -> Candidate:
    """A candidate with their applications (job, stage, the job's stages), stage history and assessments."""
    from integrations.selectors import invitations_with_timeline  # the invitations section is that app's

    history = StageChange.objects.select_related("from_stage", "to_stage", "changed_by").order_by("-changed_at", "-id")
    applications = Application.objects.select_related("job", "stage").prefetch_related(
        Prefetch("stage_changes", queryset=history),
        Prefetch("job__stages", queryset=Stage.objects.order_by("order")),
        Prefetch("invitations", queryset=invitations_with_timeline()),
    )
    return Candidate.objects.prefetch_related(Prefetch("applications", queryset=applications)).get(pk=candidate_id)


BOARD_CARDS_PER_STAGE = 25


@dataclass(frozen=True)
class BoardColumn:
    stage: Stage
    cards: list[Application]
    total: int  # matching applications in the stage; the column shows the first BOARD_CARDS_PER_STAGE

    @property
    def more(self) -> int:
        return self.total - len(self.cards)


def board_columns(applications: QuerySet[Application], stages: Iterable[Stage]) -> list[BoardColumn]:
    """A column per stage with its first cards in the list's order: one query for the cards, one for the counts."""
    order = [str(field) for field in applications.query.order_by] or ["-id"]  # the list's sort, per column
    ranked = applications.annotate(place=Window(RowNumber(), partition_by=[F("stage_id")], order_by=order)).filter(
        place__lte=BOARD_CARDS_PER_STAGE
    )
    by_stage: dict[int, list[Application]] = {}
    for application in ranked:
        by_stage.setdefault(application.stage_id, []).append(application)
    totals = dict(applications.order_by().values_list("stage_id").annotate(n=Count("id")))
    return [BoardColumn(stage, by_stage.get(stage.pk, []), totals.get(stage.pk, 0)) for stage in stages]
