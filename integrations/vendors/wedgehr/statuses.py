"""WedgeHR invite ``status`` onto the unified states (the status also exists as 0-4, in this order):

=================  ==========  ==========================================================
WedgeHR            unified     why
=================  ==========  ==========================================================
unknown (0)        sending     created, the invitation not (yet) sent; ``invited`` when
                               ``inviteSent`` is true, or at invite time when we asked
                               WedgeHR not to email (``send_email=False``: we hand out the link)
invited (1)        invited
complete (2)       completed
send_failure (3)   failed      the invitation could not be delivered; a resend may revive it
canceled (4)       canceled
unknown / invited  expired     once ``expiresAt`` has passed: WedgeHR has a timestamp,
                               no expired status
=================  ==========  ==========================================================

WedgeHR shows no in-progress state (never ``started``) and no review step (never ``reviewed``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from integrations.states import InvitationState

from ..parsing import parse_datetime
from ..types import InvitationRef, StatusUpdate

logger = logging.getLogger(__name__)

STATUSES = ("unknown", "invited", "complete", "send_failure", "canceled")  # in the order of their codes 0-4
OPEN_STATUSES = frozenset({"unknown", "invited"})
STATES = {
    "unknown": InvitationState.SENDING.value,
    "invited": InvitationState.INVITED.value,
    "complete": InvitationState.COMPLETED.value,
    "send_failure": InvitationState.FAILED.value,
    "canceled": InvitationState.CANCELED.value,
}
# Resending these would reach nobody: the candidate is done or the wedge was called off.
FINISHED_STATUSES = frozenset({"complete", "canceled"})
# WedgeHR dates only these two moments; an invite's createdAt says nothing about later changes.
STATE_TIMES = {InvitationState.COMPLETED: "completedAt", InvitationState.EXPIRED: "expiresAt"}


def unified_state(invite: Mapping[str, Any], now: datetime | None = None) -> str:
    """The unified state of a WedgeHR invite (see the table above); empty for a status we do not know."""
    status = status_label(invite.get("status"))
    state = STATES.get(status, "")
    if state == InvitationState.SENDING and invite.get("inviteSent"):
        state = InvitationState.INVITED.value
    expires = parse_datetime(invite.get("expiresAt"))
    if status in OPEN_STATUSES and expires is not None and expires <= (now or datetime.now(UTC)):
        state = InvitationState.EXPIRED.value
    return state


def status_label(status: Any) -> str:
    """The status label; the numeric codes 0-4 the filters accept are understood too."""
    if isinstance(status, int) and not isinstance(status, bool) and 0 <= status < len(STATUSES):
        return STATUSES[status]
    if isinstance(status, str) and status.isdigit() and int(status) < len(STATUSES):
        return STATUSES[int(status)]
    return str(status or "")


def status_update(ref: InvitationRef, invite: Mapping[str, Any]) -> StatusUpdate | None:
    """What a listed invite says about one of our invitations; None for a status we do not know."""
    state = unified_state(invite)
    if not state:
        logger.warning("WedgeHR invite %s has an unknown status %r", invite.get("id"), invite.get("status"))
        return None
    when = STATE_TIMES.get(InvitationState(state))
    return StatusUpdate(
        state=state,
        vendor_status=status_label(invite.get("status")),
        remote_id=str(invite.get("id", "")),
        key=ref.key,
        email=invite.get("email") or ref.email,
        assessment_id=str(invite.get("interviewId") or ref.assessment_id),
        occurred_at=parse_datetime(invite.get(when)) if when else None,
        details={
            "invite_id": str(invite.get("id", "")),
            "interview_id": str(invite.get("interviewId", "")),
            "invite_sent": invite.get("inviteSent"),
            "created_at": invite.get("createdAt"),
            "expires_at": invite.get("expiresAt"),
            "completed_at": invite.get("completedAt"),
        },
    )
