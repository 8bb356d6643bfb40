"""Demo data: a few jobs with realistic pipelines and a few hundred candidates.

Deterministic (seeded) and idempotent: running it again adds only what is missing.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from .models import Application, Candidate, Job, Stage, StageChange

PIPELINE = [
    ("Applied", Stage.Kind.APPLIED),
    ("Phone screen", Stage.Kind.SCREENING),
    ("Video interview", Stage.Kind.ASSESSMENT),
    ("Skills assessment", Stage.Kind.ASSESSMENT),
    ("Onsite interview", Stage.Kind.INTERVIEW),
    ("Offer", Stage.Kind.OFFER),
    ("Hired", Stage.Kind.HIRED),
    ("Rejected", Stage.Kind.REJECTED),
]
# Most candidates sit early in the funnel.
STAGE_WEIGHTS = [40, 22, 14, 9, 6, 3, 2, 4]

JOBS = [
    ("Senior Backend Engineer", "Engineering", "Berlin"),
    ("Product Designer", "Design", "Remote"),
    ("Customer Success Manager", "Customer Success", "London"),
    ("Data Analyst", "Data", "New York"),
    ("Sales Development Representative", "Sales", "Austin"),
]


@dataclass
class SeedReport:
    jobs: int
    candidates_created: int
    applications_created: int


@transaction.atomic
def seed_pipeline(candidate_count: int = 300, seed: int = 2026) -> SeedReport:
    jobs = [_job_with_stages(title, department, location) for title, department, location in JOBS]
    stages_by_job = {job.pk: list(job.stages.order_by("order")) for job in jobs}

    fake = Faker()
    fake.seed_instance(seed)
    rng = random.Random(seed)
    people = []
    for number in range(1, candidate_count + 1):
        first, last = fake.first_name(), fake.last_name()
        email = f"{_slug(first)}.{_slug(last)}.{number}@example.com"
        people.append(Candidate(first_name=first, last_name=last, email=email, phone=fake.numerify("+1 ### ### ####")))

    existing = set(Candidate.objects.filter(email__in=[p.email for p in people]).values_list("email", flat=True))
    created = Candidate.objects.bulk_create([p for p in people if p.email not in existing])
    candidates = {c.email: c for c in Candidate.objects.filter(email__in=[p.email for p in people])}

    now = timezone.now()
    applied = set(Application.objects.filter(job__in=jobs).values_list("candidate_id", "job_id"))
    new_apps, histories = [], []
    for index, person in enumerate(people):
        candidate = candidates[person.email]
        job = jobs[index % len(jobs)]
        if (candidate.pk, job.pk) in applied:
            continue
        stages = stages_by_job[job.pk]
        target = rng.choices(range(len(stages)), weights=STAGE_WEIGHTS)[0]
        started = now - timedelta(days=rng.randint(target * 2 + 1, target * 4 + 14), hours=rng.randint(0, 23))
        application = Application(candidate=candidate, job=job, stage=stages[target], stage_entered_at=started)
        # A plausible history: one step per stage up to where the candidate stands (rejected jumps from screening).
        path = [*stages[:2], stages[target]] if stages[target].kind == Stage.Kind.REJECTED else stages[: target + 1]
        moments = [started - timedelta(days=2 * (len(path) - 1 - i)) for i in range(len(path))]
        application.stage_entered_at = moments[-1]
        new_apps.append(application)
        histories.append(list(zip(path, moments, strict=True)))
    Application.objects.bulk_create(new_apps)
    StageChange.objects.bulk_create(
        StageChange(application=app, from_stage=prev, to_stage=stage, changed_at=moment)
        for app, steps in zip(new_apps, histories, strict=True)
        for prev, (stage, moment) in zip([None, *(s for s, _ in steps)], steps, strict=False)
    )
    return SeedReport(jobs=len(jobs), candidates_created=len(created), applications_created=len(new_apps))


def _job_with_stages(title: str, department: str, location: str) -> Job:
    job, _ = Job.objects.get_or_create(title=title, defaults={"department": department, "location": location})
    for order, (name, kind) in enumerate(PIPELINE, start=1):
        Stage.objects.get_or_create(job=job, name=name, defaults={"order": order, "kind": kind})
    return job


def _slug(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())
