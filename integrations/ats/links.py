"""A Merge link's client, its connection check, its pull position, and its ATS's stages for the admin."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from ..models import MergeLink
from ..ratelimit import key_of, throttle_for
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
    """Whether Merge accepts the link's API key and account token."""
    try:
        return client_for(link).check_credentials()
    except VendorError as exc:
        return ConnectionCheck(ok=False, message=str(exc))


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
