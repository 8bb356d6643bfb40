"""Moving many applications at once against a save() per application, in the same run."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates.models import StageChange
from candidates.services import move_to_stage
from tests.benchmarks.results import Result, record
from tests.factories import ApplicationFactory, JobFactory

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

N = 500


def test_bulk_move_against_a_save_per_application():
    job = JobFactory()
    ours_apps = ApplicationFactory.create_batch(N, job=job)
    naive_apps = ApplicationFactory.create_batch(N, job=JobFactory())
    target = job.stages.get(name="Offer")
    naive_target = naive_apps[0].job.stages.get(name="Offer")

    with CaptureQueriesContext(connection) as ours_queries:
        started = time.perf_counter()
        move_to_stage(ours_apps, target)
        ours = time.perf_counter() - started

    with CaptureQueriesContext(connection) as naive_queries:
        started = time.perf_counter()
        for application in naive_apps:  # the obvious loop
            previous = application.stage
            application.stage, application.stage_entered_at = naive_target, timezone.now()
            application.save()
            StageChange.objects.create(
                application=application, from_stage=previous, to_stage=naive_target, changed_at=timezone.now()
            )
        naive = time.perf_counter() - started

    print(
        f"\nMove {N} applications\n"
        f"  ours : {ours * 1000:8.0f} ms  {len(ours_queries):5d} queries\n"
        f"  naive: {naive * 1000:8.0f} ms  {len(naive_queries):5d} queries\n"
        f"  ratio: {naive / ours:6.1f}x faster, {len(naive_queries) / len(ours_queries):.0f}x fewer queries"
    )
    record(
        Result(
            name=f"move {N} applications to a stage",
            ours=ours,
            baseline=naive,
            ratio=naive / ours,
            target="fewer queries and faster than a save per application",
            met=len(ours_queries) < len(naive_queries) and ours < naive,
            details={"ours_queries": len(ours_queries), "naive_queries": len(naive_queries)},
        )
    )
    assert len(ours_queries) < len(naive_queries)
