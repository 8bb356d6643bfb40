"""Reads for the status page: how each vendor account is doing right now (Merge links: ats/health.py).

A handful of grouped queries whatever the number of accounts, plus one cache read for the counts
of requests, errors and rate-limit waits (see vendor_metrics).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from . import vendor_metrics
from .models import Invitation, VendorAccount, WebhookEvent
from .ratelimit import key_of
from .states import InvitationState

REJECTED_VERDICTS = (WebhookEvent.Verdict.BAD_SIGNATURE, WebhookEvent.Verdict.MALFORMED)
STALE_STATES = (InvitationState.QUEUED, InvitationState.SENDING)


@dataclass(frozen=True)
class Window:
    """The moments the counts are taken from, so that the page's links filter on the same ones."""

    now: datetime
    hour_ago: datetime
    day_ago: datetime
    stale_before: datetime

    @classmethod
    def at(cls, now: datetime | None = None) -> Window:
        now = now or timezone.now()
        return cls(
            now=now,
            hour_ago=now - timedelta(hours=1),
            day_ago=now - timedelta(days=1),
            stale_before=now - timedelta(seconds=settings.INVITE_STALE_AFTER),
        )


@dataclass(frozen=True)
class AccountHealth:
    account: VendorAccount
    requests: int
    errors: int
    rate_limit_waits: int
    webhooks_accepted: int
    webhooks_rejected: int
    # Accepted at any time and not applied yet: one stuck for hours must not drop out of an hour's window.
    webhooks_unapplied: int
    oldest_unapplied_at: datetime | None
    invitations_stale: int
    invitations_failed: int

    @property
    def check_failed(self) -> bool:
        return self.account.last_check_ok is False


def account_health(window: Window) -> list[AccountHealth]:
    """Every vendor account, enabled or not, by vendor and name."""
    accounts = list(VendorAccount.objects.order_by("vendor", "name"))
    # The vendor key VendorAccount.client() gives the account's throttle, which the counts are kept under.
    metric_keys = {a.pk: (a.vendor, key_of(dict(a.credentials or {}))) for a in accounts}
    counts = vendor_metrics.last_hour(metric_keys.values(), now=window.now.timestamp())

    webhooks = {
        row["account"]: row
        for row in WebhookEvent.objects.filter(account__isnull=False, received_at__gte=window.hour_ago)
        .values("account")
        .annotate(
            accepted=Count("pk", filter=Q(verdict=WebhookEvent.Verdict.ACCEPTED)),
            rejected=Count("pk", filter=Q(verdict__in=REJECTED_VERDICTS)),
        )
    }
    unapplied = {
        row["account"]: row
        for row in WebhookEvent.objects.filter(
            account__isnull=False, verdict=WebhookEvent.Verdict.ACCEPTED, processed_at__isnull=True
        )
        .values("account")
        .annotate(count=Count("pk"), oldest=Min("received_at"))
    }
    stale = Q(state__in=STALE_STATES, state_changed_at__lt=window.stale_before)
    failed = Q(state=InvitationState.FAILED, state_changed_at__gte=window.day_ago)
    invitations = {
        row["assessment__account"]: row
        for row in Invitation.objects.filter(stale | failed)
        .values("assessment__account")
        .annotate(stale=Count("pk", filter=stale), failed=Count("pk", filter=failed))
    }

    health = []
    for account in accounts:
        metrics = counts[metric_keys[account.pk]]
        hooks, waiting, sends = (
            webhooks.get(account.pk, {}),
            unapplied.get(account.pk, {}),
            invitations.get(account.pk, {}),
        )
        health.append(
            AccountHealth(
                account=account,
                requests=metrics[vendor_metrics.REQUESTS],
                errors=metrics[vendor_metrics.ERRORS],
                rate_limit_waits=metrics[vendor_metrics.RATE_LIMIT_WAITS],
                webhooks_accepted=hooks.get("accepted", 0),
                webhooks_rejected=hooks.get("rejected", 0),
                webhooks_unapplied=waiting.get("count", 0),
                oldest_unapplied_at=waiting.get("oldest"),
                invitations_stale=sends.get("stale", 0),
                invitations_failed=sends.get("failed", 0),
            )
        )
    return health


def webhooks_to_unknown_accounts(window: Window) -> int:
    """Deliveries in the last hour to a webhook URL no account has (an old URL still set at a vendor, say)."""
    return WebhookEvent.objects.filter(
        verdict=WebhookEvent.Verdict.UNKNOWN_ACCOUNT, received_at__gte=window.hour_ago
    ).count()
