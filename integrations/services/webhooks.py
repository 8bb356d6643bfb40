"""Webhook events: stored once, deduplicated by the vendor's event identity, applied exactly once.

The stored, unapplied event is the work item (an outbox): the request only inserts it and
publishes nothing (a publish cost the web process more CPU than the insert). The beat sweep,
every WEBHOOK_SWEEP_EVERY seconds, and every worker at start apply whatever was accepted and
not applied yet, so the broker being down never touches the answer to a vendor.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from ..models import InvitationEvent, VendorAccount, WebhookEvent
from ..vendors.types import StatusUpdate
from ..vendors.types import WebhookEvent as VendorWebhookEvent
from .invitations import apply_update, find_invitation, jsonable

logger = logging.getLogger(__name__)


def record_webhook_events(
    account: VendorAccount,
    events: list[VendorWebhookEvent],
    *,
    headers: dict[str, str],
    body: str,
    body_length: int | None = None,
    body_sha256: str = "",
) -> tuple[int, int, int]:
    """Store verified events for the sweep to apply. Returns (accepted, duplicates, stale).

    An event dated before the replay window (WEBHOOK_MAX_EVENT_AGE_DAYS) is kept with its reason
    and never applied: a signature proves who sent it, not when. An undated event cannot be judged.
    """
    fields = {"headers": headers, "body": body, "body_length": body_length, "body_sha256": body_sha256}
    oldest = timezone.now() - timedelta(days=settings.WEBHOOK_MAX_EVENT_AGE_DAYS)
    if len(events) == 1:  # the usual delivery: one INSERT in autocommit, no BEGIN, savepoint or COMMIT
        verdicts = [_store(account, events[0], oldest, fields)]
    else:
        with transaction.atomic():
            verdicts = [_store(account, event, oldest, fields) for event in events]
    return (
        verdicts.count(WebhookEvent.Verdict.ACCEPTED),
        verdicts.count(WebhookEvent.Verdict.DUPLICATE),
        verdicts.count(WebhookEvent.Verdict.STALE),
    )


def _store(account: VendorAccount, event: VendorWebhookEvent, oldest: datetime, fields: dict[str, Any]) -> str:
    """Store one event (accepted, duplicate or stale); returns its verdict."""
    row = WebhookEvent(
        account=account,
        vendor=account.vendor,
        event_id=event.event_id[:200],
        event_type=event.event_type[:100],
        update=jsonable(dataclasses.asdict(event.update)) if event.update else None,
        verdict=WebhookEvent.Verdict.ACCEPTED,
        **fields,
    )
    occurred = event.update.occurred_at if event.update else None
    if occurred is not None and occurred < oldest:
        row.verdict = WebhookEvent.Verdict.STALE
        row.error = (
            f"Dated {occurred:%Y-%m-%d %H:%M} UTC, older than the "
            f"{settings.WEBHOOK_MAX_EVENT_AGE_DAYS:g}-day replay window: kept, not applied."
        )
        row.save()
        return row.verdict
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():  # a savepoint, so that a duplicate leaves the outer block usable
                row.save()
        else:
            row.save()  # autocommit: a refused INSERT spoils nothing
    except IntegrityError:
        row.pk, row.verdict = None, WebhookEvent.Verdict.DUPLICATE
        row.save()
        return row.verdict
    if _apply_in_process():
        transaction.on_commit(partial(apply_webhook_event, row.pk))
    return row.verdict


def _apply_in_process() -> bool:
    """Eager Celery (the demo, tests) means "run it now, here"; otherwise the beat sweep applies the row."""
    from ..tasks import apply_webhook_event as task

    return bool(task.app.conf.task_always_eager)


def apply_webhook_event(event_pk: int) -> bool:
    """Apply one stored event to its invitation, exactly once. Returns whether this call applied it.

    A row another worker holds is skipped, not waited for: that worker applies it, or,
    if it dies, the row stays unapplied for the next sweep.
    """
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update(skip_locked=True).filter(pk=event_pk).first()
        if event is None or event.processed_at is not None or event.verdict != WebhookEvent.Verdict.ACCEPTED:
            return False
        event.processing_error = ""  # an earlier failed try's error no longer holds
        if event.update is None:
            event.processing_error = "The event carries no invitation status."
        else:
            update = _status_update(event.update)
            invitation = find_invitation(event.account, update) if event.account else None
            if invitation is None:
                event.processing_error = "No invitation matches this event."
            else:
                apply_update(invitation, update, source=InvitationEvent.Source.WEBHOOK)
        event.processed_at = timezone.now()
        event.save(update_fields=["processed_at", "processing_error"])
    return True


def apply_webhook_events(event_pks: list[int]) -> int:
    """Apply several stored events, each on its own (see apply_webhook_event); returns how many this applied.

    One that fails is logged, counted and left to the sweep without holding up the others.
    """
    applied = 0
    for event_pk in event_pks:
        try:
            applied += apply_webhook_event(event_pk)
        except Exception as exc:
            logger.exception("webhook event %s could not be applied", event_pk)
            _note_failure(event_pk, exc)
    return applied


def _note_failure(event_pk: int, exc: Exception) -> None:
    """Count a failed try; at ``WEBHOOK_MAX_APPLY_ATTEMPTS`` mark the event processed with the error,
    so that an event that can never apply stops costing every sweep a try."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.select_for_update().filter(pk=event_pk, processed_at=None).first()
            if event is None:
                return
            event.apply_attempts += 1
            event.processing_error = error
            if event.apply_attempts >= settings.WEBHOOK_MAX_APPLY_ATTEMPTS:
                event.processed_at = timezone.now()
                event.processing_error = f"Gave up after {event.apply_attempts} failed tries to apply it: {error}"
                logger.error("webhook event %s: %s", event_pk, event.processing_error)
            event.save(update_fields=["apply_attempts", "processing_error", "processed_at"])
    except DatabaseError:
        # The database that failed the apply may fail this too: the event is simply tried again.
        logger.warning("could not count the failed try of webhook event %s", event_pk, exc_info=True)


def apply_pending_webhook_events(older_than: timedelta, limit: int = 500) -> int:
    """Apply accepted events left unapplied for ``older_than``, oldest first; returns how many were applied.

    One event that fails is logged and left for the next sweep without holding up the others;
    sweeps that overlap skip each other's locked rows.
    """
    cutoff = timezone.now() - older_than
    pending = WebhookEvent.objects.filter(
        verdict=WebhookEvent.Verdict.ACCEPTED, processed_at=None, received_at__lte=cutoff
    ).order_by("pk")
    return apply_webhook_events(list(pending.values_list("pk", flat=True)[:limit]))


def _status_update(data: dict) -> StatusUpdate:
    occurred = data.get("occurred_at")
    return StatusUpdate(**{**data, "occurred_at": datetime.fromisoformat(occurred) if occurred else None})
