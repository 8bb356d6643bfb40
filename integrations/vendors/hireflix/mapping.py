"""Hireflix's statuses, errors and webhooks mapped onto the unified ones.

Status mapping (Hireflix status -> unified state):

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

Errors. Hireflix answers HTTP 200 and lists problems in ``errors`` (``message``, ``code``,
``path``). An answer with ``errors`` and no ``data`` failed as a whole and is raised; an
error whose ``path`` starts at one alias of a batch concerns that candidate only.

    code   meaning                          raised / returned as
    -----  -------------------------------  -----------------------------------------------
    400    bad email or phone, bad query    Permanent, with Hireflix's message
    401    bad or missing API key           Permanent
    403    invites quota of the period      Permanent: the quota renews with the plan's
           (ExceededInvitesThisPeriodError) billing period, which the API does not expose,
                                            and a person has to act (upgrade, or wait and
                                            resend); retrying every few minutes cannot help
    404    unknown position or interview    Permanent
    409    already invited to the position  Duplicate (invite() adopts the existing interview)
    429    rate limited                     Retryable
    5xx    unknown error                    Retryable (for one candidate: in that result's
                                            error; retrying is safe, one email gets at most
                                            one interview per position)
    none   anything else                    Permanent

Webhooks carry no signature (none is documented): the webhook URL holds a secret token
per account that the web layer checks, so they are only validated and normalized here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import requests

from integrations.states import InvitationState

from ..errors import Duplicate, Permanent, Retryable, VendorError
from ..types import InviteResult, StatusUpdate, WebhookEvent

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
WEBHOOK_EVENTS = frozenset(
    {
        "interview.create",
        "interview.finish",
        "interview.status-change",
        "interview.delete",
        "interview.score-updated",
    }
)


# --- errors ------------------------------------------------------------------------------------


def _code(entry: Mapping[str, Any]) -> int | None:
    code = entry.get("code")
    if code is None and isinstance(entry.get("extensions"), dict):
        code = entry["extensions"].get("code")
    try:
        return int(code)
    except (TypeError, ValueError):
        return None


def graphql_error(entries: list[dict[str, Any]]) -> VendorError:
    """The taxonomy error for GraphQL error entries: the first one's code decides, every message is kept."""
    message = "; ".join(dict.fromkeys(str(e.get("message") or "unknown error") for e in entries)) or "unknown error"
    code = _code(entries[0]) if entries else None
    kwargs: dict[str, Any] = {"vendor_code": code, "payload": entries}
    if code == 409:
        return Duplicate(message, **kwargs)
    if code == 429 or (code is not None and code >= 500):
        return Retryable(message, **kwargs)
    return Permanent(message, **kwargs)


def errors_by_alias(errors: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Error entries grouped by the first step of their path (the alias of a batched field)."""
    by_alias: dict[str, list[dict[str, Any]]] = {}
    for entry in errors:
        path = entry.get("path")
        if isinstance(path, list) and path:
            by_alias.setdefault(str(path[0]), []).append(entry)
    return by_alias


def http_error_message(response: requests.Response) -> str:
    """Hireflix's message from a non-2xx answer (GraphQL errors, or a plain message)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict) and errors[0].get("message"):
            return str(errors[0]["message"])
        if isinstance(body.get("message"), str):
            return body["message"]
    return f"Hireflix answered HTTP {response.status_code}"


# --- statuses ----------------------------------------------------------------------------------


def from_ms(value: Any) -> datetime | None:
    """A datetime from Hireflix's milliseconds since the epoch; None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value / 1000, tz=UTC)


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


# --- webhooks ----------------------------------------------------------------------------------


def webhook_events(body: bytes) -> list[WebhookEvent]:
    """Validate and normalize one delivery ``{event, data: Interview, date}``; Permanent when malformed."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Permanent("Hireflix webhook body is not JSON") from exc
    if not isinstance(payload, dict):
        raise Permanent("Hireflix webhook body is not a JSON object")
    event, data, date = payload.get("event"), payload.get("data"), payload.get("date")
    if not isinstance(event, str) or not event:
        raise Permanent("Hireflix webhook has no event")
    if event not in WEBHOOK_EVENTS:
        raise Permanent(f"unknown Hireflix webhook event {event!r}")
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
        raise Permanent(f"Hireflix webhook {event} carries no interview id")
    occurred_at = from_ms(date)
    if occurred_at is None:
        raise Permanent(f"Hireflix webhook {event} has no valid date")
    status = "deleted" if event == "interview.delete" else str(data.get("status") or "")
    if status not in STATES:
        raise Permanent(f"Hireflix webhook {event} has an unknown interview status {status!r}")
    # Hireflix sends no event id: the event, its interview and its instant identify a delivery.
    event_id = hashlib.sha256(f"{event}|{data['id']}|{date}".encode()).hexdigest()
    update = status_update(data, status, occurred_at=occurred_at)
    return [WebhookEvent(event_id=event_id, event_type=event, update=update, raw=payload)]
