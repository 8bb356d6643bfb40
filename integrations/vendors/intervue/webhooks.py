"""intervue.io webhooks: verify a delivery's signature, then normalize its payload into StatusUpdates.

``X-Intervue-Signature`` = HMAC-SHA256(key, raw body), in hex, base64 or base64url without
padding (the document's examples use all three), compared in constant time. The document (003,
"Verify webhook") gives two keys: its prose, pseudo-code, Java and JavaScript use the webhook
secret as it is; its Python example base64url-decodes the secret first (padding it). Both are
accepted, in every encoding.

External-interview events: the document's examples put the details under ``requestedData``
for every event, its tables under ``requestedData`` / ``cancelData`` / ``scheduleData`` /
``reportData`` / ``videoPlaybackData``; candidates carry ``phone`` or ``phoneNo``. Both are read.
Home-assignment events name the invitation by ``invitationUrlHash``, except
``test_report_generated``, which carries only the test's url hash and the candidate's email.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import InvalidSignature, Permanent
from ..parsing import parse_datetime
from ..signing import hmac_sha256_matches
from ..types import StatusUpdate, WebhookEvent
from ..untrusted import load_json
from .statuses import ASSIGNMENT_EVENT_STATES, EXTERNAL_STATES, compact, external_report_details

# External-interview event -> where the tables put its details (the examples say requestedData).
TABLE_KEYS = {
    "requested": "requestedData",
    "canceled": "cancelData",
    "scheduled": "scheduleData",
    "completed": "reportData",
    "videoGenerationCompleted": "videoPlaybackData",
}

SIGNATURE_HEADER = "X-Intervue-Signature"

Normalized = list[tuple[str, StatusUpdate | None]]


def parse(headers: Mapping[str, str], body: bytes, secret: str) -> list[WebhookEvent]:
    """Verify and normalize one delivery. Raises InvalidSignature, or Permanent for a malformed one."""
    signature = header(headers, SIGNATURE_HEADER)
    if not signature:
        raise InvalidSignature(f"intervue.io webhook without an {SIGNATURE_HEADER} header")
    if not secret:
        raise InvalidSignature("no intervue.io webhook secret is configured")
    if not hmac_sha256_matches(secret, body, signature, decoded_key=True):
        raise InvalidSignature("intervue.io webhook signature does not match")
    payload = load_json(body, "intervue.io webhook")
    normalized = normalize(payload)
    # intervue sends no event id: the signed body is the delivery's identity.
    digest = hashlib.sha256(body).hexdigest()
    return [
        WebhookEvent(
            event_id=digest if len(normalized) == 1 else f"{digest}:{n}",
            event_type=event,
            update=update,
            raw=payload,
        )
        for n, (event, update) in enumerate(normalized)
    ]


def header(headers: Mapping[str, str], name: str) -> str:
    """A header from any mapping: case-insensitive, and WSGI-style (HTTP_X_...) names too."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower().replace("_", "-").removeprefix("http-") == wanted:
            return str(value).strip()
    return ""


def normalize(payload: Any) -> Normalized:
    """(event type, update) pairs of one delivery; update is None for account-level events.

    Raises Permanent, naming the problem, for a malformed body or an unknown event.
    """
    if not isinstance(payload, dict):
        raise Permanent("intervue.io webhook body is not a JSON object")
    event = payload.get("status")
    if not isinstance(event, str) or not event:
        raise Permanent("intervue.io webhook has no status (event name)")
    if event in TABLE_KEYS:
        return [(event, _external(event, payload))]
    handler = HANDLERS.get(event)
    if handler is None:
        raise Permanent(f"unknown intervue.io webhook event {event!r}")
    return handler(event, payload)


# --- helpers -------------------------------------------------------------------------------------
def _obj(payload: Mapping[str, Any], key: str, event: str) -> dict[str, Any]:
    value = payload.get(key)
    if not isinstance(value, dict):
        raise Permanent(f"intervue.io {event} webhook has no {key} object")
    return value


def _text(payload: Mapping[str, Any], key: str, event: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Permanent(f"intervue.io {event} webhook has no {key}")
    return value.strip()


def _email(data: Mapping[str, Any]) -> str:
    candidate = data.get("candidate")
    email = candidate.get("email") if isinstance(candidate, dict) else None
    return email.strip().lower() if isinstance(email, str) else ""


# --- external interviews -----------------------------------------------------------------------------
def _external(event: str, payload: Mapping[str, Any]) -> StatusUpdate:
    interview_id = _text(payload, "interviewId", event)
    key = TABLE_KEYS[event]
    data = payload.get(key, payload.get("requestedData"))
    if not isinstance(data, dict):
        raise Permanent(f"intervue.io {event} webhook has neither {key} nor requestedData")
    occurred = None
    if event == "requested":
        occurred = parse_datetime(data.get("requestedAt"))
        details = compact({"requested_at": data.get("requestedAt"), "requested_by": data.get("requestedBy")})
    elif event == "canceled":
        occurred = parse_datetime(data.get("canceledDateTime"))
        details = compact(
            {
                "canceled_by": data.get("canceledBy"),
                "canceled_at": data.get("canceledDateTime"),
                "scheduled_at": data.get("scheduleDateTime"),
            }
        )
    elif event == "scheduled":
        details = compact({"scheduled_at": data.get("scheduleDateTime")})
    elif event == "completed":
        details = external_report_details(data)
    else:  # videoGenerationCompleted: the playback URL expires, so only its existence is kept
        details = {"video_ready": bool(data.get("url"))}
    return StatusUpdate(
        state=EXTERNAL_STATES[event],
        vendor_status=event,
        remote_id=interview_id,
        email=_email(data),
        occurred_at=occurred,
        details={"interview_id": interview_id, **details},
    )


# --- home assignments -----------------------------------------------------------------------------------
def _test_progress(event: str, payload: Mapping[str, Any]) -> Normalized:
    """test_started and test_ended."""
    invitation = _text(payload, "invitationUrlHash", event)
    data = _obj(payload, "testData", event)
    questions = [q for q in data.get("questions") or [] if isinstance(q, dict)]
    details: dict[str, Any] = {"invitation_url_hash": invitation, "question_count": len(questions)}
    if event == "test_ended":
        earned = [q["pointsEarned"] for q in questions if isinstance(q.get("pointsEarned"), int | float)]
        details |= compact(
            {
                "points_earned": sum(earned) if earned else None,
                "max_points": sum(q["maxPoints"] for q in questions if isinstance(q.get("maxPoints"), int | float)),
                "questions": [
                    compact(
                        {
                            "question": q.get("question"),
                            "type": q.get("questionType"),
                            "max_points": q.get("maxPoints"),
                            "points_earned": q.get("pointsEarned"),
                            "correct": q.get("isCorrect"),
                            "attempted": q.get("attempted"),
                            "evaluation_status": q.get("evaluationStatus"),
                        }
                    )
                    for q in questions
                ],
            }
        )
    moment = data.get("startedAt" if event == "test_started" else "endedAt")
    update = StatusUpdate(
        state=ASSIGNMENT_EVENT_STATES[event],
        vendor_status=event,
        remote_id=invitation,
        email=_email(data),
        occurred_at=parse_datetime(moment),
        details=details,
    )
    return [(event, update)]


def _report_generated(event: str, payload: Mapping[str, Any]) -> Normalized:
    data = _obj(payload, "reportData", event)
    email = _email(data)
    if not email:
        raise Permanent(f"intervue.io {event} webhook has no candidate email")
    # No invitationUrlHash here: the invitation is found by email and the test's url hash.
    details = compact(
        {
            "test_url_hash": data.get("testUrlHash"),
            "percentage_scored": data.get("percentageScored"),
            "section_scores": data.get("sectionWiseScores"),
        }
    )
    return [
        (event, StatusUpdate(state=ASSIGNMENT_EVENT_STATES[event], vendor_status=event, email=email, details=details))
    ]


def _invitation_sent(event: str, payload: Mapping[str, Any]) -> Normalized:
    data = _obj(payload, "invitationData", event)
    invitation = _text(data, "invitationUrlHash", event)
    details = compact({"invitation_url_hash": invitation, "candidate_url": data.get("magicLink")})
    update = StatusUpdate(
        state=ASSIGNMENT_EVENT_STATES[event],
        vendor_status=event,
        remote_id=invitation,
        email=_email(data),
        details=details,
    )
    return [(event, update)]


def _reminder(event: str, payload: Mapping[str, Any]) -> Normalized:
    """One update per invitation the reminder lists (intervue sends one delivery for several)."""
    items = _obj(payload, "reminderData", event).get("assignmentList")
    if not isinstance(items, list):
        raise Permanent(f"intervue.io {event} webhook has no reminderData.assignmentList")
    normalized: Normalized = []
    for item in items:
        if not isinstance(item, dict):
            raise Permanent(f"intervue.io {event} webhook lists an assignment that is not an object")
        invitation = _text(item, "invitationUrlHash", event)
        details = compact(
            {
                "invitation_url_hash": invitation,
                "test_url_hash": item.get("testUrlHash"),
                "starts_at": item.get("startDate"),
            }
        )
        update = StatusUpdate(
            state=ASSIGNMENT_EVENT_STATES[event],
            vendor_status=event,
            remote_id=invitation,
            email=_email(item),
            details=details,
        )
        normalized.append((event, update))
    return normalized


def _account_event(event: str, payload: Mapping[str, Any]) -> Normalized:
    """quota_finished concerns the plan, not an invitation: recorded, never applied to one."""
    _obj(payload, "planData", event)
    return [(event, None)]


HANDLERS: dict[str, Callable[[str, Mapping[str, Any]], Normalized]] = {
    "test_started": _test_progress,
    "test_ended": _test_progress,
    "test_report_generated": _report_generated,
    "invitation_sent": _invitation_sent,
    "reminder": _reminder,
    "quota_finished": _account_event,
}
