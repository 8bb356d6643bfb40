"""Writes to the hiring pipeline. Views, admin actions and tasks call these."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Application, Candidate, Job, Stage, StageChange
from .signals import Notice, applications_moved


@transaction.atomic
def move_to_stage(
    applications: Iterable[Application | int],
    stage: Stage,
    by: User | None = None,
    notices: list[Notice] | None = None,
) -> list[StageChange]:
    """Move one or many applications into ``stage``, recording who did it.

    Runs a fixed number of queries whatever the count. Applications already in
    the stage are left alone; an application of another job is refused whole.
    Sends ``applications_moved`` with the ids that actually moved; what its receivers
    set off in turn (invitations queued, canceled) is appended to ``notices``.
    """
    ids = {a.pk if isinstance(a, Application) else int(a) for a in applications}
    rows = list(
        Application.objects.select_for_update()
        .filter(pk__in=ids)
        .values_list("pk", "job_id", "stage_id")
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise ValidationError("Some of the selected applications no longer exist.", code="does_not_exist")
    if any(job_id != stage.job_id for _, job_id, _ in rows):
        raise ValidationError(f"“{stage.name}” belongs to another job than some of the selected applications.")

    now = timezone.now()
    moving = [(pk, from_stage_id) for pk, _, from_stage_id in rows if from_stage_id != stage.pk]
    if not moving:
        return []
    Application.objects.filter(pk__in=[pk for pk, _ in moving]).update(stage=stage, stage_entered_at=now)
    changes = StageChange.objects.bulk_create(
        StageChange(application_id=pk, from_stage_id=from_id, to_stage=stage, changed_by=by, changed_at=now)
        for pk, from_id in moving
    )
    applications_moved.send(
        sender=Stage,
        stage=stage,
        application_ids=[pk for pk, _ in moving],
        by=by,
        from_stages=dict(moving),
        notices=notices,
    )
    return changes


@transaction.atomic
def apply_to_job(candidate: Candidate, job: Job, stage: Stage | None = None, by: User | None = None) -> Application:
    """Add a candidate to a job, in its first stage unless told otherwise."""
    stage = stage or job.stages.order_by("order").first()
    if stage is None:
        raise ValidationError(f"“{job.title}” has no stages yet.")
    if stage.job_id != job.pk:
        raise ValidationError(f"“{stage.name}” is not a stage of “{job.title}”.")
    if Application.objects.filter(candidate=candidate, job=job).exists():
        raise ValidationError(f"{candidate.full_name} has already applied to “{job.title}”.")
    now = timezone.now()
    application = Application.objects.create(candidate=candidate, job=job, stage=stage, stage_entered_at=now)
    StageChange.objects.create(application=application, to_stage=stage, changed_by=by, changed_at=now)
    applications_moved.send(
        sender=Stage, stage=stage, application_ids=[application.pk], by=by, from_stages={application.pk: None}
    )
    return application
