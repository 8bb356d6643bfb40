"""intervue.io statuses onto the unified states: the one table, then the same table in code.

Status (webhooks first; ``fetch_statuses`` is the fallback):

  ==========================================  ===========================  ==========
  intervue.io                                  where                        unified
  ==========================================  ===========================  ==========
  requested                                    external webhook / GET       invited
  scheduled (interview booked)                 external webhook / GET       started
  completed (report: verdict, feedback)        external webhook             completed
  videoGenerationCompleted (playback ready)    external webhook             completed
  canceled                                     external webhook             canceled
  UN_SCHEDULED                                 mock getInterviewInfo        invited
  SCHEDULED                                    mock getInterviewInfo        started
  COMPLETED                                    mock getInterviewInfo        completed
  CANCELED                                     mock getInterviewInfo        canceled
  INVITATION_SENT, invitation_sent, reminder   assignment results / hook    invited
  INTERVIEW_STARTED, test_started              assignment results / hook    started
  EVALUATION_PENDING, test_ended               assignment results / hook    completed
  INTERVIEW_ENDED, test_report_generated       assignment results / hook    completed
  CANDIDATE_SHORTLISTED                        assignment results           reviewed
  INTERVIEW_EXPIRED                            assignment results           expired
  INVITE_FAILED                                assignment results           failed
  quota_finished                               assignment webhook           (account event)
  ==========================================  ===========================  ==========

Details keep verdict, verdict_index, feedback, average_rating (external), percentage_scored,
passed, shortlisted, section_scores, points (assignments) and the ids needed later; never a URL
that expires. ``fetch_statuses`` reads assignments as one results list per test and status
(the rows carry no status of their own), and interviews with one GET each: intervue.io has no
list of them, so that is one request per open interview, a fallback for missed webhooks only.
The document's GET /external-interviews/{id} has no status either: a schedule time reads as
scheduled, anything later comes by webhook.

Nothing here keeps a link: report, code and playback URLs are pre-signed and are fetched fresh
by ``result_links`` / ``media``.
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


def object_at(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``data[key]`` when it is a JSON object, else an empty one."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def compact(values: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the keys the vendor left null (or "NA"), so details only say what is known."""
    return {k: v for k, v in values.items() if v is not None and v != "NA"}


def assignment_row_details(row: Mapping[str, Any]) -> dict[str, Any]:
    """Scores and ids from one GET /assignments/results row."""
    test = object_at(row, "test")
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
    verdict = object_at(data, "verdict")
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
    urls = object_at(data, "urls")
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
