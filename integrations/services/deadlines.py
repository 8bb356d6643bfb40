"""Invitations not completed in time: a reminder through the vendor, then expiry."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from ..models import Invitation, InvitationEvent
from ..states import OPEN_STATES, InvitationState
from .invitations import record_state
from .lifecycle import ActionRefused, remind

# The reminder goes out when this share of the deadline has passed.
REMIND_AT = 2 / 3


def enforce_deadlines() -> tuple[int, int]:
    """Remind, then expire, open invitations past their stage's deadline. Returns (reminded, expired)."""
    now = timezone.now()
    reminded = expired = 0
    open_with_deadline = (
        Invitation.objects.filter(state__in=OPEN_STATES, invited_at__isnull=False)
        .exclude(bulk_send__options__deadline_days=None)
        .filter(bulk_send__options__has_key="deadline_days")
        .select_related("bulk_send", "application__candidate", "assessment__account")
    )
    for invitation in open_with_deadline:
        if invitation.bulk_send is None or invitation.invited_at is None:
            continue  # the query asks for both
        days = invitation.bulk_send.options["deadline_days"]
        deadline = invitation.invited_at + timedelta(days=days)
        if now >= deadline:
            record_state(
                invitation,
                InvitationState.EXPIRED,
                source=InvitationEvent.Source.SYSTEM,
                message=f"Not completed within {days} days.",
                expect=OPEN_STATES,
            )
            expired += 1
        elif (
            now >= invitation.invited_at + timedelta(days=days * REMIND_AT) and "reminded_at" not in invitation.results
        ):
            reminded += _remind(invitation, deadline)
    return reminded, expired


def _remind(invitation: Invitation, deadline: datetime) -> int:
    """The reminder at two thirds of the deadline, through the same service as the remind button; once."""
    invitation.results = {**invitation.results, "reminded_at": timezone.now().isoformat()}
    invitation.save(update_fields=["results", "updated_at"])
    try:
        remind([invitation])
    except ActionRefused as exc:
        message, sent = f"No reminder before the deadline: {exc}", 0
    else:
        message, sent = f"The deadline is {deadline:%Y-%m-%d %H:%M}: a reminder is on its way.", 1
    InvitationEvent.objects.create(
        invitation=invitation, source=InvitationEvent.Source.SYSTEM, message=message, occurred_at=timezone.now()
    )
    return sent
