"""Celery tasks: thin wrappers around services. Retries live here, final failures in services."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from . import services
from .retries import backoff, call_with_retries
from .services import lifecycle


@shared_task(acks_late=True, ignore_result=True)
def apply_webhook_event(event_pk: int | list[int]) -> None:
    # One id, or a list from an older web process that published bursts (kept so queued tasks still run);
    # a failure is counted either way.
    services.apply_webhook_events(event_pk if isinstance(event_pk, list) else [event_pk])


@shared_task(ignore_result=True)
def apply_pending_webhooks(older_than: float | None = None) -> int:
    """Apply accepted webhook events not applied yet: beat sends it every WEBHOOK_SWEEP_EVERY seconds."""
    wait = settings.WEBHOOK_APPLY_AFTER if older_than is None else older_than
    return services.apply_pending_webhook_events(timedelta(seconds=wait))


@worker_ready.connect
def _apply_pending_webhooks_at_start(**kwargs: Any) -> None:
    # A worker coming back after an outage applies at once what piled up meanwhile.
    apply_pending_webhooks.delay(older_than=0)


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
    countdown = backoff(attempt, outcome.retry_after)
    services.note_next_attempt(outcome.retry_ids, countdown, outcome.last_error)
    if outcome.settled:
        send_invitations.apply_async(args=(outcome.retry_ids,), countdown=countdown)  # a fresh budget
        return
    raise self.retry(args=[outcome.retry_ids], countdown=countdown)


@shared_task(ignore_result=True)
def requeue_stale_sends() -> int:
    """Re-enqueue invitations whose send was lost (an expired lease: see services.leases); safe
    because sends are idempotent."""
    batches = services.take_lost_sends()
    for batch in batches:
        send_invitations.delay(batch)
    return sum(len(batch) for batch in batches)


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


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=settings.INVITE_MAX_RETRIES)
def cancel_at_vendor(self, invitation_pk: int) -> None:
    """Tell the vendor an invitation was canceled; safe to repeat (a voided one is skipped)."""
    call_with_retries(
        self,
        partial(lifecycle.cancel_at_vendor, invitation_pk),
        partial(lifecycle.record_given_up, invitation_pk, "telling {vendor} of the cancellation"),
    )


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=settings.INVITE_MAX_RETRIES)
def remind_at_vendor(self, invitation_pk: int) -> None:
    """Ask the vendor to remind the candidate. A lost answer is retried: at worst one reminder more."""
    call_with_retries(
        self,
        partial(lifecycle.remind_at_vendor, invitation_pk),
        partial(lifecycle.record_given_up, invitation_pk, "asking {vendor} for a reminder"),
    )


@shared_task(ignore_result=True)
def check_credentials() -> dict[str, int]:
    """The daily check of every enabled vendor account and Merge link (a waiting new key takes over if it works)."""
    from .ats.links import check_all_links
    from .services.credentials import check_all

    return {**check_all(), **{f"merge_{k}": v for k, v in check_all_links().items()}}
