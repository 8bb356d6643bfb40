"""Webhook payloads and their signature.

The document disagrees with itself twice, so both sides can be emitted (option
``webhook_payload_shape``):

- "example": the JSON examples. Every external-interview event carries its details under
  ``requestedData``, candidates carry ``phone``, the completed event lists ``feedbacks``.
- "table": the parameter tables. Details sit under ``requestedData`` / ``cancelData`` /
  ``scheduleData`` / ``reportData`` / ``videoPlaybackData``, candidates carry ``phoneNo``,
  the completed event lists ``feedback``.

The signature (option ``signature_encoding``) is HMAC-SHA256 over the raw body keyed with the
webhook secret, in hex (the pseudo-code and Java examples), base64 (the JavaScript example,
padded as CryptoJS writes it) or base64url without padding (the Python example).

The key (option ``signature_key``) is the secret as it is ("raw": the prose, "your webhook
secret set as the key", and every example but one) or, as the Python example does it, the
secret base64url-decoded after padding it to a multiple of four ("base64url-decoded").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from .common import iso
from .models import VERDICTS, Assignment, ExternalInterview, Invitation

SIGNATURE_HEADER = "X-Intervue-Signature"
SIGNATURE_ENCODINGS = ("hex", "base64", "base64url")
PAYLOAD_SHAPES = ("example", "table")

# External-interview event -> the key its details sit under in the tables.
TABLE_KEYS = {
    "requested": "requestedData",
    "canceled": "cancelData",
    "scheduled": "scheduleData",
    "completed": "reportData",
    "videoGenerationCompleted": "videoPlaybackData",
}


SIGNATURE_KEYS = ("raw", "base64url-decoded")


def sign(body: bytes, secret: str, encoding: str, key: str = "raw") -> str:
    digest = hmac.new(signing_key(secret, key), body, hashlib.sha256)
    if encoding == "hex":
        return digest.hexdigest()
    if encoding == "base64":
        return base64.b64encode(digest.digest()).decode()
    if encoding == "base64url":
        return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")
    raise ValueError(f"signature_encoding must be one of {', '.join(SIGNATURE_ENCODINGS)}, not {encoding!r}")


def signing_key(secret: str, key: str) -> bytes:
    if key == "raw":
        return secret.encode()
    if key == "base64url-decoded":  # the Python example, step by step
        padded = secret.encode()
        if len(padded) % 4 == 2:
            padded += b"=="
        elif len(padded) % 4 == 3:
            padded += b"="
        return base64.urlsafe_b64decode(padded)
    raise ValueError(f"signature_key must be one of {', '.join(SIGNATURE_KEYS)}, not {key!r}")


def candidate(name: str, email: str, phone: str | None, phone_key: str) -> dict[str, Any]:
    return {"email": email, "name": name, phone_key: phone}


def external_event(status: str, interview: ExternalInterview, details: dict[str, Any], shape: str) -> dict[str, Any]:
    key = TABLE_KEYS[status] if shape == "table" else "requestedData"
    return {"status": status, "interviewId": interview.id, key: details}


def external_candidate(interview: ExternalInterview, shape: str) -> dict[str, Any]:
    c = interview.candidate
    return candidate(c["name"], c["email"], c["phoneNo"], "phoneNo" if shape == "table" else "phone")


def requested(interview: ExternalInterview, shape: str) -> dict[str, Any]:
    details = {
        "requestedAt": iso(interview.requested_at),
        "requestedBy": dict(interview.requested_by),
        "candidate": external_candidate(interview, shape),
    }
    return external_event("requested", interview, details, shape)


def canceled(interview: ExternalInterview, shape: str) -> dict[str, Any]:
    details: dict[str, Any] = {"canceledBy": interview.canceled_by, "canceledDateTime": iso(interview.canceled_at)}
    if interview.scheduled_at:  # only if the interview was scheduled
        details["scheduleDateTime"] = iso(interview.scheduled_at)
    details["candidate"] = external_candidate(interview, shape)
    return external_event("canceled", interview, details, shape)


def scheduled(interview: ExternalInterview, shape: str) -> dict[str, Any]:
    details = {"scheduleDateTime": iso(interview.scheduled_at), "candidate": external_candidate(interview, shape)}
    return external_event("scheduled", interview, details, shape)


def completed(interview: ExternalInterview, rubrics: list[str], urls: dict[str, str], shape: str) -> dict[str, Any]:
    index, fraction = interview.verdict()
    feedback = []
    for n, title in enumerate(rubrics):
        rating = max(1, min(10, round(2 + 8 * fraction) + (n % 3) - 1))
        feedback.append(
            {
                "title": title,
                "criteriaDecision": VERDICTS[index],
                "rating": rating,
                "reviewHtml": f"<p>{title}: {'meets' if index >= 2 else 'below'} the bar for this round.</p>",
            }
        )
    details = {
        "candidate": external_candidate(interview, shape),
        "interviewerCredentials": "Senior Software Engineer, 8 years of experience",
        "scheduleDateTime": iso(interview.scheduled_at),
        "interviewDuration": "1 hour 2 minutes",
        "verdict": {"index": index, "text": VERDICTS[index]},
        "feedback" if shape == "table" else "feedbacks": feedback,
        "urls": urls,
    }
    return external_event("completed", interview, details, shape)


def video_generation_completed(interview: ExternalInterview, url: str, shape: str) -> dict[str, Any]:
    return external_event("videoGenerationCompleted", interview, {"url": url}, shape)


# --- home assignments ---------------------------------------------------------------------------
def _assignment_candidate(invitation: Invitation, shape: str, example_key: str) -> dict[str, Any]:
    return candidate(invitation.name, invitation.email, None, "phoneNo" if shape == "table" else example_key)


def test_started(invitation: Invitation, assignment: Assignment, shape: str) -> dict[str, Any]:
    questions = [
        {"question": q.question, "questionType": q.question_type, "maxPoints": q.max_points}
        for q in assignment.questions
    ]
    return {
        "status": "test_started",
        "invitationUrlHash": invitation.hash,
        "testData": {
            "startedAt": iso(invitation.started_at),
            "questions": questions,
            "candidate": _assignment_candidate(invitation, shape, "phone"),
        },
    }


def test_ended(invitation: Invitation, assignment: Assignment, shape: str) -> dict[str, Any]:
    questions = []
    for i, q in enumerate(assignment.questions):
        earned = None if invitation.points is None else invitation.points[i]
        questions.append(
            {
                "question": q.question,
                "questionType": q.question_type,
                "maxPoints": q.max_points,
                "pointsEarned": earned,
                "isCorrect": earned == q.max_points,
                "attempted": True,
                "evaluationStatus": "EVALUATED" if earned is not None else "UN_EVALUATED",
            }
        )
    return {
        "status": "test_ended",
        "invitationUrlHash": invitation.hash,
        "testData": {
            "endedAt": iso(invitation.ended_at),
            "questions": questions,
            "candidate": _assignment_candidate(invitation, shape, "phone"),
        },
    }


def test_report_generated(invitation: Invitation, assignment: Assignment, shape: str) -> dict[str, Any]:
    return {
        "status": "test_report_generated",
        "reportData": {
            "testUrlHash": invitation.test.test_hash,
            "percentageScored": invitation.percentage(assignment.questions),
            "sectionWiseScores": invitation.section_scores(assignment.questions),
            "candidate": _assignment_candidate(invitation, shape, "phoneNo"),
        },
    }


def invitation_sent(invitation: Invitation, magic_link: str, shape: str) -> dict[str, Any]:
    return {
        "status": "invitation_sent",
        "invitationData": {
            "magicLink": magic_link,
            "invitationUrlHash": invitation.hash,
            "candidate": _assignment_candidate(invitation, shape, "phoneNo"),
        },
    }


def reminder(invitations: list[Invitation]) -> dict[str, Any]:
    return {
        "status": "reminder",
        "reminderData": {
            "assignmentList": [
                {
                    "invitationUrlHash": inv.hash,
                    "testUrlHash": inv.test.test_hash,
                    "startDate": iso(inv.test.start_date),
                    "candidate": {"email": inv.email, "name": inv.name},
                }
                for inv in invitations
            ]
        },
    }


def quota_finished(public_link: str, plan: dict[str, Any]) -> dict[str, Any]:
    return {"status": "quota_finished", "assignmentPublicLink": public_link, "planData": plan}
