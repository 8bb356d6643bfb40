"""Bulk data for the benchmarks: thousands of rows in a few statements, not one factory call each."""

from __future__ import annotations

from candidates.models import Application, Candidate, Job
from tests.factories import CandidateFactory


def bulk_applications(job: Job, size: int, prefix: str) -> list[Application]:
    """``size`` applications in the job's first stage, their candidates mailed at ``{prefix}{n}@example.com``."""
    stage = job.stages.order_by("order").first()
    candidates = CandidateFactory.build_batch(size)
    for n, candidate in enumerate(candidates):
        candidate.email = f"{prefix}{n}@example.com"
    Candidate.objects.bulk_create(candidates, batch_size=2000)
    return Application.objects.bulk_create(
        [Application(job=job, stage=stage, candidate=c, stage_entered_at=job.created_at) for c in candidates],
        batch_size=2000,
    )
