"""A Merge link's client, its connection check, its pull position, and its ATS's stages for the admin."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils import timezone

from ..models import MergeLink
from ..ratelimit import key_of, throttle_for
from ..vendors.base import failed_check
from ..vendors.errors import VendorError
from ..vendors.types import ConnectionCheck
from .client import Job, JobInterviewStage, MergeClient, SyncPosition, format_datetime, parse_datetime

STAGE_CHOICES_TTL = 300  # seconds; the mapping form lists the ATS's stages without a call per page view


def vendor_key(link: MergeLink) -> str:
    """The name of the link's rate-limit window, and of its counts on the status page."""
    return key_of({"api_key": link.api_key or "", "account_token": link.account_token or ""})


def client_for(link: MergeLink) -> MergeClient:
    """The link's client, behind its shared rate limiter."""
    throttle = throttle_for("merge", vendor_key(link))
    return MergeClient(link.api_base_url, link.api_key or "", link.account_token or "", throttle=throttle)


def check_link(link: MergeLink) -> ConnectionCheck:
    """Whether Merge accepts the link's API key and account token; remembered on the link."""
    try:
        check = client_for(link).check_credentials()
    except VendorError as exc:
        check = failed_check(exc)
    if check.ok:
        link.capabilities = describe_capabilities(link)
    link.last_checked_at, link.last_check_ok = timezone.now(), check.ok
    link.last_check_message, link.last_check_problem = check.message[:2000], check.problem
    fields = ["last_checked_at", "last_check_ok", "last_check_message", "last_check_problem", "capabilities"]
    link.save(update_fields=fields)
    return check


# What we write when an invitation moves, and what it means to the recruiter when the ATS lacks it.
_PUSHED_FIELDS = {
    "organizer": "the organizer",
    "interviewers": "the interviewers",
    "location": "the link to the assessment",
    "start_at": "the start time",
    "end_at": "the end time",
    "status": "the status",
}


def describe_capabilities(link: MergeLink) -> str:
    """What the linked ATS cannot do, in words; empty when it takes everything we write."""
    try:
        meta = client_for(link).interview_post_meta()
    except VendorError as exc:
        return f"Merge could not say what {link.ats_label} accepts ({exc})."
    if not meta.supports_create:
        return (
            f"{link.ats_label} accepts no new interviews through Merge: its interviews are read here, "
            "but invitations are not written back to it."
        )
    notes = []
    lacking = [words for name, words in _PUSHED_FIELDS.items() if name not in meta.available_fields]
    if lacking:
        notes.append(f"{link.ats_label} does not take {', '.join(lacking)}; interviews are written without them.")
    if meta.remote_user_id_required and not link.remote_user_id:
        notes.append(f"{link.ats_label} needs a remote user id (above) before interviews can be written back.")
    return " ".join(notes)


def check_all_links() -> dict[str, int]:
    counts = {"ok": 0, "failed": 0}
    for link in MergeLink.objects.filter(enabled=True):
        counts["ok" if check_link(link).ok else "failed"] += 1
    return counts


def position_of(link: MergeLink) -> SyncPosition:
    """Where the link's incremental pull of interviews stands."""
    state = link.sync_cursor or {}
    return SyncPosition(
        watermark=link.sync_watermark,
        cursor=state.get("cursor") or None,
        pull_started_at=parse_datetime(state.get("pull_started_at")),
        high_water=parse_datetime(state.get("high_water")),
    )


def set_position(link: MergeLink, position: SyncPosition) -> list[str]:
    """Store ``position`` on the link; returns the fields to save."""
    link.sync_watermark = position.watermark
    moments = {"pull_started_at": position.pull_started_at, "high_water": position.high_water}
    state = {name: format_datetime(moment) for name, moment in moments.items() if moment}
    link.sync_cursor = {"cursor": position.cursor, **state} if position.cursor else state
    return ["sync_watermark", "sync_cursor"]


def remote_stage_choices(link: MergeLink) -> list[tuple[str, str]]:
    """The ATS's job interview stages as (id, "Job · Stage"), cached briefly. Raises VendorError."""
    # Keyed by where and whose stages they are (hashed: no token in cache keys), not by link alone.
    where = hashlib.sha256(f"{link.api_base_url}|{link.account_token}".encode()).hexdigest()[:16]
    key = f"merge-stage-choices:{link.pk}:{where}"
    choices = cache.get(key)
    if choices is not None:
        return choices
    stages = [
        s
        for page in client_for(link).iter_job_interview_stage_pages(expand=("job",))
        for s in page
        if not s.remote_was_deleted
    ]

    def job_name(stage: JobInterviewStage) -> str:
        job = stage.job
        return (job.name or job.id) if isinstance(job, Job) else str(job or "")

    stages.sort(key=lambda s: (job_name(s).lower(), s.stage_order if s.stage_order is not None else 0, s.name or ""))
    choices = [(s.id, f"{job_name(s)} · {s.name or s.id}") for s in stages]
    cache.set(key, choices, STAGE_CHOICES_TTL)
    return choices
