"""The unified invitation states, and the one rule about them: never move backwards.

    queued -> sending -> invited -> started -> completed -> reviewed
                 \\           \\         \\
                  failed      canceled / expired

A late or replayed vendor event that names an earlier state is recorded in the
timeline but leaves the state as it is.
"""

from django.db import models


class InvitationState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    INVITED = "invited", "Invited"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    REVIEWED = "reviewed", "Reviewed"
    CANCELED = "canceled", "Canceled"
    EXPIRED = "expired", "Expired"
    FAILED = "failed", "Failed"


# Progress along the happy path. Canceled and expired end an unfinished invitation;
# failed ends one that never reached the candidate.
_RANK: dict[str, int] = {
    InvitationState.QUEUED: 0,
    InvitationState.SENDING: 1,
    InvitationState.INVITED: 2,
    InvitationState.STARTED: 3,
    InvitationState.COMPLETED: 4,
    InvitationState.REVIEWED: 5,
}
FINAL_STATES = frozenset(
    {
        InvitationState.COMPLETED,
        InvitationState.REVIEWED,
        InvitationState.CANCELED,
        InvitationState.EXPIRED,
        InvitationState.FAILED,
    }
)
OPEN_STATES = frozenset({InvitationState.INVITED, InvitationState.STARTED})
# A send that failed, or an invitation we expired, comes back to life when the vendor shows progress.
_REVIVABLE = frozenset({InvitationState.FAILED, InvitationState.EXPIRED})


def can_move(current: str, target: str) -> bool:
    """Whether an invitation in ``current`` may move to ``target``."""
    if current in _RANK and target in _RANK:
        return _RANK[target] > _RANK[current]
    if target == InvitationState.FAILED:
        return current in (InvitationState.QUEUED, InvitationState.SENDING)
    if target in (InvitationState.CANCELED, InvitationState.EXPIRED):
        return _RANK.get(current, 99) < _RANK[InvitationState.COMPLETED]
    return current in _REVIVABLE and _RANK.get(target, 0) >= _RANK[InvitationState.INVITED]
