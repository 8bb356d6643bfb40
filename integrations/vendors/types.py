"""Plain data that crosses the vendor boundary. Vendor clients never see Django models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class VendorConfig:
    """What a client needs to talk to one vendor account."""

    base_url: str
    credentials: dict[str, str] = field(repr=False)
    webhook_secret: str = field(default="", repr=False)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str
    # Which part failed: "no_keys", "unreachable", "refused" (the key) or "unexpected" (the answer).
    problem: str = ""


@dataclass(frozen=True)
class RemoteAssessment:
    """An interview, position, hiring role or assignment a candidate can be invited to."""

    remote_id: str
    kind: str  # one of integrations.models.AssessmentKind
    name: str
    active: bool = True
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class InviteRequest:
    """One candidate to invite. ``key`` is our idempotency key, unique per invitation."""

    key: str
    assessment_id: str
    assessment_kind: str
    email: str
    first_name: str
    last_name: str
    phone: str = ""
    # send_email (bool), expiry_days (int), time_slots (list of [start, end] ISO datetimes) ...
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class InviteResult:
    """The vendor's answer for one InviteRequest of a batch.

    ``error`` is set when this candidate failed; the others of the batch may still have worked.
    ``duplicate`` is True when the vendor already had this candidate and we adopted that invite.
    """

    key: str
    remote_id: str = ""
    candidate_url: str = ""
    vendor_status: str = ""
    state: str = ""  # unified state, empty when unknown
    duplicate: bool = False
    error: Exception | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class InvitationRef:
    """How a client finds an invitation again: what we stored when it was sent."""

    key: str
    assessment_id: str
    assessment_kind: str
    email: str
    remote_id: str = ""


@dataclass(frozen=True)
class StatusUpdate:
    """A vendor's word on one invitation, from polling or from a webhook."""

    state: str  # unified state
    vendor_status: str
    remote_id: str = ""
    key: str = ""
    email: str = ""
    assessment_id: str = ""
    occurred_at: datetime | None = None
    # scores, verdict, feedback, ids needed later (e.g. a Hireflix interview id)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WebhookEvent:
    """One verified, normalized webhook event. ``event_id`` deduplicates replays."""

    event_id: str
    event_type: str
    update: StatusUpdate | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class ResultLink:
    """A link to look at a candidate's results; generated fresh, never stored."""

    label: str
    url: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class MediaItem:
    """One answer: its question, a pre-signed video URL (expires) and a transcript."""

    question: str
    video_url: str = ""
    thumbnail_url: str = ""
    duration_seconds: float | None = None
    transcript: str = ""
    transcript_language: str = ""
