"""Webhook events: stored once, deduplicated by the vendor's event identity, applied by a task."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import InvitationEvent, VendorAccount, WebhookEvent
from ..vendors.types import StatusUpdate
from ..vendors.types import WebhookEvent as VendorWebhookEvent
from .invitations import apply_update, find_invitation, jsonable


def record_webhook_events(
    account: VendorAccount, events: list[VendorWebhookEvent], *, headers: dict[str, str], body: str
) -> tuple[int, int]:
    """Store verified events; enqueue the new ones for applying. Returns (accepted, duplicates)."""
    from ..tasks import apply_webhook_event

    accepted = duplicates = 0
    for event in events:
        row = WebhookEvent(
            account=account,
            vendor=account.vendor,
            event_id=event.event_id[:200],
            event_type=event.event_type[:100],
            headers=headers,
            body=body,
            update=jsonable(dataclasses.asdict(event.update)) if event.update else None,
            verdict=WebhookEvent.Verdict.ACCEPTED,
        )
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            row.pk, row.verdict = None, WebhookEvent.Verdict.DUPLICATE
            row.save()
            duplicates += 1
            continue
        accepted += 1
        transaction.on_commit(partial(apply_webhook_event.delay, row.pk))
    return accepted, duplicates


def apply_webhook_event(event_pk: int) -> None:
    """Apply one stored event to its invitation; safe to run twice."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at is not None:
            return
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


def _status_update(data: dict) -> StatusUpdate:
    occurred = data.get("occurred_at")
    return StatusUpdate(**{**data, "occurred_at": datetime.fromisoformat(occurred) if occurred else None})
