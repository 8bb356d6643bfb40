"""Leases on sends: how a send lost with its worker is found within a minute, not ten.

A task that claims a batch holds a lease on its invitations (``lease_expires_at``) and renews it
from a background thread while it works, however long the vendor takes. A send waiting for its
retry holds the lease until the retry is due, plus ``INVITE_LEASE``. A worker that dies renews
nothing: its lease runs out, and the sweep (beat, every ``INVITE_SWEEP_EVERY`` seconds) sends the
invitations again. That is safe because a send is idempotent: a row left in "sending" is
reconciled with the vendor before anything is sent again (see sending).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Invitation
from ..states import InvitationState
from ..vendors import client_class

logger = logging.getLogger(__name__)
_UNSENT = (InvitationState.QUEUED, InvitationState.SENDING)


def lease_until(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(seconds=settings.INVITE_LEASE)


def requeue_until(now: datetime | None = None) -> datetime:
    """The lease of a queued send whose task is in the broker: a worker that took the task from the
    queue and died leaves the rows to the sweep once it runs out, not after ``INVITE_STALE_AFTER``.
    A backlog longer than this is enqueued again (one duplicate per row per wait, which finds the
    rows claimed or sent and does nothing); each re-enqueue renews it, which bounds the duplicates."""
    return (now or timezone.now()) + timedelta(seconds=settings.INVITE_REQUEUE_WAIT)


def renew(invitation_ids: list[int]) -> int:
    """Extend the lease of those still unsent; returns how many."""
    return Invitation.objects.filter(pk__in=invitation_ids, state__in=_UNSENT).update(lease_expires_at=lease_until())


@contextmanager
def held(invitation_ids: list[int]) -> Iterator[None]:
    """Renew the lease of these invitations every third of ``INVITE_LEASE`` while the block runs."""
    stop = threading.Event()

    def keep_renewing() -> None:
        try:
            while not stop.wait(settings.INVITE_LEASE / 3):
                try:
                    renew(invitation_ids)
                except DatabaseError:
                    # A missed renewal costs at worst an early sweep, which the claim turns into a no-op.
                    logger.warning("could not renew the lease of %s invitations", len(invitation_ids), exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=keep_renewing, name="invitation-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        # Bounded: a renewal waiting on a row lock the caller's transaction holds must not hang it.
        thread.join(timeout=5)


def take_lost_sends(limit: int = 5000) -> list[list[int]]:
    """Invitations whose send was lost: a lease that ran out, or (never claimed) queued for
    ``INVITE_STALE_AFTER``. Each gets ``INVITE_REQUEUE_WAIT`` to be picked up again before it
    counts as lost once more. Returns them in batches to send again, one assessment to a batch
    (a batch goes to the vendor of its first invitation), in the vendor's batch size."""
    now = timezone.now()
    lost = Q(lease_expires_at__lt=now) | Q(
        lease_expires_at__isnull=True, state_changed_at__lt=now - timedelta(seconds=settings.INVITE_STALE_AFTER)
    )
    with transaction.atomic():
        rows = list(
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(lost, state__in=_UNSENT)
            .order_by("pk")
            .values_list("pk", "assessment_id", "assessment__account__vendor")[:limit]
        )
        Invitation.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(lease_expires_at=requeue_until(now))
    by_assessment: dict[int, list[int]] = {}
    sizes: dict[int, int] = {}
    for pk, assessment_id, vendor in rows:
        by_assessment.setdefault(assessment_id, []).append(pk)
        sizes[assessment_id] = client_class(vendor).max_batch_size
    batches = [
        ids[start : start + sizes[assessment_id]]
        for assessment_id, ids in by_assessment.items()
        for start in range(0, len(ids), sizes[assessment_id])
    ]
    if rows:
        logger.warning("%s sends lost with their task: sending them again", len(rows))
    return batches
