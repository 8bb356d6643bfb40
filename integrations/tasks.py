"""Celery tasks: thin wrappers around services. Retries live here, final failures in services."""

from __future__ import annotations

import random
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from . import services
from .vendors.errors import Retryable, UnknownOutcome


@shared_task(acks_late=True, ignore_result=True)
def apply_webhook_event(event_pk: int) -> None:
    services.apply_webhook_event(event_pk)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=settings.INVITE_MAX_RETRIES)
def send_invitations(self, invitation_ids: list[int]) -> None:
    """Send one batch; what the vendor asks to retry comes back later, with backoff and jitter.

    The retry budget counts attempts that made no progress: a batch that a rate limit
    lets through a part at a time is never given up while it keeps moving.
    """
    outcome = services.send_batch(invitation_ids)
    if not outcome.retry_ids:
        return
    attempt = 0 if outcome.settled else self.request.retries + 1
    if attempt > self.max_retries:
        services.give_up(outcome.retry_ids, outcome.last_error)
        return
    backoff = min(settings.INVITE_RETRY_BACKOFF * 2**attempt, settings.INVITE_RETRY_BACKOFF_MAX)
    countdown = max(outcome.retry_after or 0, backoff) * random.uniform(1.0, 1.25)  # jitter
    if outcome.settled:
        send_invitations.apply_async(args=[outcome.retry_ids], countdown=countdown)  # a fresh budget
        return
    raise self.retry(args=[outcome.retry_ids], countdown=countdown)


@shared_task(ignore_result=True)
def requeue_stale_sends() -> int:
    """Re-enqueue invitations whose send task was lost; safe because sends are idempotent."""
    ids = services.stale_sends(timedelta(seconds=settings.INVITE_STALE_AFTER))
    for start in range(0, len(ids), 50):
        send_invitations.delay(ids[start : start + 50])
    return len(ids)


@shared_task(ignore_result=True)
def poll_statuses() -> None:
    """Fan out one poll per enabled account, so a slow vendor delays only itself."""
    for account_pk in services.pollable_accounts():
        poll_account.delay(account_pk)


@shared_task(ignore_result=True, acks_late=True)
def poll_account(account_pk: int) -> int:
    return services.poll_account_by_pk(account_pk)


@shared_task(ignore_result=True)
def enforce_deadlines() -> tuple[int, int]:
    return services.enforce_deadlines()


@shared_task(ignore_result=True)
def pull_merge_links() -> None:
    """Fan out one pull per enabled Merge link, so a slow ATS delays only itself."""
    for link_pk in services.pullable_links():
        pull_merge_link.delay(link_pk)


@shared_task(ignore_result=True, acks_late=True)
def pull_merge_link(link_pk: int) -> int:
    """Errors are recorded on the link; the next beat resumes from the saved position, so no retry here."""
    report = services.pull_link_by_pk(link_pk)
    return report.interviews if report else 0


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=settings.INVITE_MAX_RETRIES)
def push_interview(self, invitation_pk: int, status: str) -> None:
    """Create the ATS interview for an invitation; a lost answer is reconciled by the retry, never doubled."""
    try:
        services.push_interview(invitation_pk, status)
    except (Retryable, UnknownOutcome) as exc:
        if self.request.retries >= self.max_retries:
            services.record_push_failure(invitation_pk, str(exc))
            return
        backoff = min(settings.INVITE_RETRY_BACKOFF * 2**self.request.retries, settings.INVITE_RETRY_BACKOFF_MAX)
        countdown = max(exc.retry_after or 0, backoff) * random.uniform(1.0, 1.25)
        raise self.retry(countdown=countdown, exc=exc) from exc
