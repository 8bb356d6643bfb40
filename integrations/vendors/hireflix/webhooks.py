"""Hireflix webhooks: validate and normalize a delivery ``{event, data: Interview, date}``.

Webhooks carry no signature (none is documented): the webhook URL holds a secret token
per account that the web layer checks, so they are only validated and normalized here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ..errors import Permanent
from ..parsing import from_ms
from ..types import WebhookEvent
from ..untrusted import load_json
from .statuses import STATES, status_update

WEBHOOK_EVENTS = frozenset(
    {
        "interview.create",
        "interview.finish",
        "interview.status-change",
        "interview.delete",
        "interview.score-updated",
    }
)


def parse(headers: Mapping[str, str], body: bytes, secret: str = "") -> list[WebhookEvent]:
    """Validate and normalize one delivery ``{event, data: Interview, date}``; Permanent when malformed.

    ``headers`` and ``secret`` are unused: Hireflix signs nothing (see the module docstring).
    """
    payload = load_json(body, "Hireflix webhook")
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
