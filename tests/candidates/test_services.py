import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from candidates.models import Application, StageChange
from candidates.services import apply_to_job, move_to_stage
from candidates.signals import applications_moved
from tests.factories import ApplicationFactory, CandidateFactory, JobFactory

pytestmark = pytest.mark.django_db


def stage_named(job, name):
    return job.stages.get(name=name)


def test_a_candidate_applies_to_a_job_only_once():
    application = ApplicationFactory()
    with pytest.raises(ValidationError, match="already applied"):
        apply_to_job(application.candidate, application.job)
    with pytest.raises(IntegrityError):
        Application.objects.create(
            candidate=application.candidate,
            job=application.job,
            stage=application.stage,
            stage_entered_at=application.stage_entered_at,
        )


def test_applying_starts_in_the_first_stage_with_history(recruiter):
    job = JobFactory()
    application = apply_to_job(CandidateFactory(), job, by=recruiter)
    assert application.stage.name == "Applied"
    (first,) = application.stage_changes.all()
    assert (first.from_stage, first.to_stage, first.changed_by) == (None, application.stage, recruiter)


def test_a_move_records_where_from_where_to_and_who(recruiter):
    application = ApplicationFactory()
    screen = stage_named(application.job, "Phone screen")

    move_to_stage([application], screen, by=recruiter)

    application.refresh_from_db()
    assert application.stage == screen
    change = StageChange.objects.get(application=application)
    assert change.from_stage.name == "Applied"
    assert change.to_stage == screen
    assert change.changed_by == recruiter


def test_moving_into_the_current_stage_records_nothing():
    application = ApplicationFactory()
    assert move_to_stage([application], application.stage) == []
    assert not StageChange.objects.exists()


def test_a_stage_of_another_job_is_refused_and_nothing_moves():
    mine, other = ApplicationFactory(), ApplicationFactory()
    with pytest.raises(ValidationError, match="another job"):
        move_to_stage([mine, other], stage_named(mine.job, "Offer"))
    assert set(Application.objects.values_list("stage__name", flat=True)) == {"Applied"}
    assert not StageChange.objects.exists()


def test_a_bulk_move_runs_the_same_queries_whatever_the_count():
    def queries_to_move(count):
        job = JobFactory()
        applications = ApplicationFactory.create_batch(count, job=job)
        with CaptureQueriesContext(connection) as queries:
            moved = move_to_stage(applications, stage_named(job, "Video interview"))
        assert len(moved) == count
        assert Application.objects.filter(job=job, stage__name="Video interview").count() == count
        return len(queries)

    assert queries_to_move(3) == queries_to_move(120)


def test_the_hook_hears_only_the_applications_that_moved():
    job = JobFactory()
    already_there, moving = ApplicationFactory.create_batch(2, job=job)
    interview = stage_named(job, "Onsite interview")
    move_to_stage([already_there], interview)
    heard = []

    def listener(sender, stage, application_ids, by, **kwargs):
        heard.append((stage, sorted(application_ids)))

    applications_moved.connect(listener)
    try:
        move_to_stage([already_there, moving], interview)
    finally:
        applications_moved.disconnect(listener)
    assert heard == [(interview, [moving.pk])]
