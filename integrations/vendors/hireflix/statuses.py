"""Hireflix interview statuses onto the unified states.

    Hireflix status           UI name       unified    details
    ------------------------  ------------  ---------  ----------------------------------------
    pending                   invited       invited    Hireflix exposes no in-progress status,
                                                       so "started" is never reported
    completed                 to evaluate   completed
    finalist                  shortlisted   reviewed   verdict "shortlisted"
    archived (answered)       discarded     reviewed   verdict "discarded": a review outcome
                                                       (Q20: discarded interviews were answered)
    archived (not answered)   discarded     canceled   withdrawn before the candidate answered
    deleted                   -             canceled   interview.delete, or gone from its position

Every update's details carry interview_id, position_id, score, verdict, answered and
admin_url (Hireflix's login-only admin link, which never expires).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from integrations.states import InvitationState

from ..parsing import from_ms
from ..types import InviteResult, StatusUpdate

STATES: dict[str, str] = {
    "pending": InvitationState.INVITED.value,
    "completed": InvitationState.COMPLETED.value,
    "finalist": InvitationState.REVIEWED.value,
    "archived": InvitationState.REVIEWED.value,
    "deleted": InvitationState.CANCELED.value,
}
VERDICTS = {"finalist": "shortlisted", "archived": "discarded"}
# The interview's timestamp field that says when it reached each status.
STATUS_TIMES = {
    "pending": "createdAt",
    "completed": "completed",
    "finalist": "finalist",
    "archived": "archived",
    "deleted": "deleted",
}


def unified_state(vendor_status: str, answered: bool | None = None) -> str:
    """The unified state of a Hireflix status (see the table above); KeyError when unknown."""
    if vendor_status == "archived" and answered is False:
        return InvitationState.CANCELED.value
    return STATES[vendor_status]


def vendor_status(interview: Mapping[str, Any]) -> str:
    return "deleted" if interview.get("deleted") else str(interview.get("status") or "")


def _answered(interview: Mapping[str, Any]) -> bool | None:
    if interview.get("answered") is not None:
        return bool(interview["answered"])
    if "completed" in interview:
        return interview["completed"] is not None
    return None


def _object(interview: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = interview.get(name)
    return value if isinstance(value, dict) else {}


def status_update(
    interview: Mapping[str, Any],
    status: str,
    *,
    position_id: str = "",
    occurred_at: datetime | None = None,
    key: str = "",
) -> StatusUpdate:
    """A StatusUpdate from an interview (as listed, or as a webhook carries it) in ``status``."""
    answered = _answered(interview)
    if occurred_at is None:
        occurred_at = from_ms(interview.get(STATUS_TIMES[status])) or from_ms(interview.get("createdAt"))
    details = {
        "interview_id": interview["id"],
        "position_id": position_id or _object(interview, "position").get("id", ""),
        "score": _object(interview, "score").get("value"),
        "verdict": VERDICTS.get(status, ""),
        "answered": answered,
        "admin_url": _object(interview, "url").get("private") or "",
    }
    return StatusUpdate(
        state=unified_state(status, answered),
        vendor_status=status,
        remote_id=interview["id"],
        key=key or interview.get("externalId") or "",
        email=_object(interview, "candidate").get("email") or "",
        assessment_id=details["position_id"],
        occurred_at=occurred_at,
        details=details,
    )


def invite_result(key: str, interview: Mapping[str, Any], *, duplicate: bool = False) -> InviteResult:
    """The InviteResult for an interview Hireflix created (or already had, when ``duplicate``)."""
    status = vendor_status(interview)
    return InviteResult(
        key=key,
        remote_id=interview["id"],
        candidate_url=_object(interview, "url").get("public") or "",
        vendor_status=status,
        state=unified_state(status, _answered(interview)) if status in STATES else "",
        duplicate=duplicate,
        raw=dict(interview),
    )
