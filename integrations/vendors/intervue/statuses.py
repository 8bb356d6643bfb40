"""intervue.io statuses onto the unified states, and the details worth keeping from each answer.

The table lives in the package docstring (``integrations/vendors/intervue/__init__.py``);
these dicts are that table in code. Nothing here keeps a link: report, code and playback
URLs are pre-signed and are fetched fresh by ``result_links`` / ``media``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from integrations.states import InvitationState as S

# Assessment kinds this vendor offers (integrations.models.AssessmentKind values).
HIRING_ROLE = "hiring_role"
HOME_ASSIGNMENT = "home_assignment"
MOCK_INTERVIEW = "mock_interview"

# External (on-demand) interviews: webhook ``status`` values, also what GET answers are read as.
EXTERNAL_STATES = {
    "requested": S.INVITED,
    "scheduled": S.STARTED,
    "completed": S.COMPLETED,
    "videoGenerationCompleted": S.COMPLETED,
    "canceled": S.CANCELED,
}

# Mock interviews: ``status`` of GET /mock-interviews/getInterviewInfo/{id}.
MOCK_STATES = {
    "UN_SCHEDULED": S.INVITED,
    "SCHEDULED": S.STARTED,
    "COMPLETED": S.COMPLETED,
    "CANCELED": S.CANCELED,
    "CANCELLED": S.CANCELED,
}

# Home assignments: the ``assignmentStatus`` filter values of GET /assignments/results.
ASSIGNMENT_STATES = {
    "INVITATION_SENT": S.INVITED,
    "INTERVIEW_STARTED": S.STARTED,
    "EVALUATION_PENDING": S.COMPLETED,
    "INTERVIEW_ENDED": S.COMPLETED,
    "CANDIDATE_SHORTLISTED": S.REVIEWED,
    "INTERVIEW_EXPIRED": S.EXPIRED,
    "INVITE_FAILED": S.FAILED,
}
# Polling asks for one status at a time (the rows carry none): the likeliest for open
# invitations first, so a poll usually ends after one or two lists.
ASSIGNMENT_POLL_ORDER = (
    "INVITATION_SENT",
    "INTERVIEW_STARTED",
    "EVALUATION_PENDING",
    "INTERVIEW_ENDED",
    "CANDIDATE_SHORTLISTED",
    "INTERVIEW_EXPIRED",
    "INVITE_FAILED",
)

# Home-assignment webhook events.
ASSIGNMENT_EVENT_STATES = {
    "invitation_sent": S.INVITED,
    "reminder": S.INVITED,
    "test_started": S.STARTED,
    "test_ended": S.COMPLETED,
    "test_report_generated": S.COMPLETED,
}


def mock_state(status: str) -> str:
    return MOCK_STATES.get(status.strip().upper().replace("-", "_").replace(" ", "_"), "")


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, the way the document writes every date."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(value: Any) -> datetime | None:
    """A datetime from the vendor's ISO strings; None for null, "NA" or anything unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def compact(values: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the keys the vendor left null (or "NA"), so details only say what is known."""
    return {k: v for k, v in values.items() if v is not None and v != "NA"}


def assignment_row_details(row: Mapping[str, Any]) -> dict[str, Any]:
    """Scores and ids from one GET /assignments/results row."""
    test = row.get("test") if isinstance(row.get("test"), dict) else {}
    return compact(
        {
            "percentage_scored": row.get("percentageScored"),
            "passed": row.get("passedScoring"),
            "shortlisted": row.get("shortListed"),
            "evaluation_status": row.get("scoringEvaluationStatus"),
            "total_attempted": row.get("totalAttempted"),
            "total_questions": row.get("totalQuestions"),
            "tab_switches": row.get("tabSwitches"),
            "full_screen_exits": row.get("fullScreenExits"),
            "auto_disqualified": row.get("autoDisqualified"),
            "invitation_url_hash": row.get("invitationUrlHash"),
            "active_test_id": row.get("activeTestId"),
            "test_url_hash": test.get("testUrlHash"),
            "report_uuid": row.get("reportUuid"),
            "expires_at": row.get("testExpiryDate"),
        }
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return None


def external_report_details(data: Mapping[str, Any]) -> dict[str, Any]:
    """Verdict, feedback and ratings of a completed external interview (reportData)."""
    verdict = data.get("verdict") if isinstance(data.get("verdict"), dict) else {}
    # The example says ``feedbacks``, the table ``feedback``.
    raw_feedback = data.get("feedbacks", data.get("feedback")) or []
    feedback = [
        compact(
            {
                "title": item.get("title"),
                "decision": item.get("criteriaDecision"),
                "rating": item.get("rating"),
                "review_html": item.get("reviewHtml"),
            }
        )
        for item in raw_feedback
        if isinstance(item, dict)
    ]
    ratings = [r for r in (_number(item.get("rating")) for item in feedback) if r is not None]
    urls = data.get("urls") if isinstance(data.get("urls"), dict) else {}
    return compact(
        {
            "verdict": verdict.get("text"),
            "verdict_index": verdict.get("index"),
            "feedback": feedback,
            "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
            "interview_duration": data.get("interviewDuration"),
            "interviewer_credentials": data.get("interviewerCredentials"),
            "scheduled_at": data.get("scheduleDateTime"),
            # Only whether they exist: the URLs themselves expire and are never stored.
            "has_report": bool(urls.get("report")),
            "has_playback": bool(urls.get("playback")),
        }
    )
