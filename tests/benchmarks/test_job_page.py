"""The job page, its live badges and the candidate page at 100 and at 10,000 applications: the same queries."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrations.models import Invitation, InvitationEvent
from integrations.states import InvitationState
from tests.benchmarks.data import bulk_applications
from tests.benchmarks.results import Result, record
from tests.factories import (
    ApplicationFactory,
    AssessmentFactory,
    InvitationFactory,
    JobFactory,
)

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

STATES = [InvitationState.INVITED, InvitationState.STARTED, InvitationState.COMPLETED, InvitationState.FAILED]


def job_with(size: int, prefix: str):
    """A job with ``size`` applications in its first stage, each with an invitation (every fourth one open)."""
    job = JobFactory(title=f"Job of {size}")
    assessment = AssessmentFactory()
    applications = bulk_applications(job, size, prefix)
    Invitation.objects.bulk_create(
        [
            Invitation(application=a, assessment=assessment, state=STATES[n % len(STATES)])
            for n, a in enumerate(applications)
        ],
        batch_size=2000,
    )
    return job, applications


def page_cost(client, url: str) -> tuple[int, float]:
    client.get(url)  # warm caches and the session
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        seconds = time.perf_counter() - started
    return len(queries), seconds


def test_the_job_page_costs_the_same_queries_at_100_and_at_10000_applications(recruiter_client):
    costs = {}
    for size in (100, 10_000):
        job, applications = job_with(size, prefix=f"j{size}-")
        shown = "&".join(f"a={a.pk}" for a in applications[:50])  # the badges of one page of rows
        costs[size] = {
            "page": page_cost(recruiter_client, job.get_absolute_url()),
            "filtered": page_cost(recruiter_client, f"{job.get_absolute_url()}?state=invited&sort=name"),
            "badges": page_cost(recruiter_client, f"{reverse('integrations:job-badges', args=[job.pk])}?{shown}"),
        }
    print("\nJob page, queries and time per request, at 100 and at 10,000 applications")
    for part in ("page", "filtered", "badges"):
        (small_q, small_s), (large_q, large_s) = costs[100][part], costs[10_000][part]
        small, large = (
            f"{small_q:3d} queries {small_s * 1000:6.0f} ms",
            f"{large_q:3d} queries {large_s * 1000:6.0f} ms",
        )
        print(f"  {part:9}: {small}  |  {large}")
        record_page(f"job page ({part})", costs[100][part], costs[10_000][part])
        assert small_q == large_q, part


def record_page(name: str, small: tuple[int, float], large: tuple[int, float]) -> None:
    (small_q, small_s), (large_q, large_s) = small, large
    record(
        Result(
            name=f"{name} at 10,000 applications against 100",
            ours=large_s * 1000,
            baseline=small_s * 1000,
            ratio=small_s / large_s,
            target="the same queries at 10,000 applications as at 100",
            met=small_q == large_q,
            unit="ms",
            details={"queries_at_100": small_q, "queries_at_10000": large_q},
        )
    )


def test_the_candidate_page_costs_the_same_queries_at_100_and_at_10000_applications(recruiter_client):
    """One candidate's page (two applications, their invitations and timelines) beside 100 or 10,000 others."""
    costs = {}
    for size in (100, 10_000):
        job, applications = job_with(size, prefix=f"c{size}-")
        candidate = applications[0].candidate
        other_job, _ = job_with(1, prefix=f"c{size}-other-")
        other = ApplicationFactory(job=other_job, candidate=candidate)
        InvitationFactory(application=other, state=InvitationState.STARTED)
        for invitation in Invitation.objects.filter(application__candidate=candidate):
            InvitationEvent.objects.bulk_create(
                InvitationEvent(
                    invitation=invitation,
                    source=InvitationEvent.Source.POLL,
                    to_state=state,
                    occurred_at=job.created_at,
                )
                for state in (InvitationState.SENDING, InvitationState.INVITED, invitation.state)
            )
        costs[size] = page_cost(recruiter_client, reverse("candidates:candidate-detail", args=[candidate.pk]))
    (small_q, small_s), (large_q, large_s) = costs[100], costs[10_000]
    print("\nCandidate page, queries and time per request, beside 100 and 10,000 applications")
    print(
        f"  candidate: {small_q:3d} queries {small_s * 1000:6.0f} ms  |  {large_q:3d} queries {large_s * 1000:6.0f} ms"
    )
    record_page("candidate page", costs[100], costs[10_000])
    assert small_q == large_q
