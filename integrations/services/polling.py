"""Polling: the status channel of vendors without webhooks (WedgeHR), and the fallback for all.

One call per account hands the client every open invitation it should check;
the client pages through the vendor's list endpoints (few requests, not one per
invitation where the vendor allows) and each answer goes through apply_update,
so a stale poll never moves an invitation backwards.

A poll that changes nothing writes nothing but two bulk stamps (``last_polled_at``,
``last_confirmed_at``): no timeline row per unchanged invitation, and the same handful of
queries for ten invitations as for ten thousand.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..models import Invitation, InvitationEvent, VendorAccount
from ..states import OPEN_STATES
from .invitations import apply_updates, pk_chunks


def invitations_to_poll(account: VendorAccount) -> list[Invitation]:
    """Open invitations of the account; for webhook vendors only those whose webhook is overdue."""
    invitations = Invitation.objects.filter(assessment__account=account, state__in=OPEN_STATES)
    if account.sends_webhooks:
        overdue = timezone.now() - timedelta(seconds=settings.WEBHOOK_OVERDUE_AFTER)
        invitations = invitations.filter(state_changed_at__lt=overdue).filter(
            Q(last_polled_at__isnull=True) | Q(last_polled_at__lt=overdue)
        )
    return list(invitations.select_related("application__candidate", "assessment"))


def poll_account(account: VendorAccount) -> int:
    """Ask the vendor about the account's open invitations; returns how many moved."""
    invitations = invitations_to_poll(account)
    if not invitations:
        return 0
    client = account.client()
    by_key = {i.idempotency_key: i for i in invitations}
    by_remote = {i.remote_id: i for i in invitations if i.remote_id}
    pairs = []
    for update in client.fetch_statuses([i.ref() for i in invitations]):
        invitation = by_key.get(update.key) or by_remote.get(update.remote_id)
        if invitation is not None:
            pairs.append((invitation, update))
    moved, confirmed = apply_updates(pairs, source=InvitationEvent.Source.POLL)
    now = timezone.now()
    for chunk in pk_chunks(confirmed):  # what the vendor repeated: no timeline row, one stamp
        Invitation.objects.filter(pk__in=chunk).update(last_confirmed_at=now)
    for chunk in pk_chunks([i.pk for i in invitations]):
        Invitation.objects.filter(pk__in=chunk).update(last_polled_at=now)
    return moved


def pollable_accounts() -> list[int]:
    return list(VendorAccount.objects.filter(enabled=True).values_list("pk", flat=True))


def poll_account_by_pk(account_pk: int) -> int:
    account = VendorAccount.objects.filter(pk=account_pk, enabled=True).first()
    return poll_account(account) if account else 0
