"""Moving candidates along (the control API's advance) and the webhooks each step emits.

External interviews: started -> scheduled; completed -> completed (report with verdict,
feedback and urls) then videoGenerationCompleted; discarded -> canceled (by the candidate).
Mock interviews have no webhooks: only their status moves.
Assignments: started -> test_started; completed -> test_ended and, when evaluation is
automatic, test_report_generated; scored -> test_report_generated for a pending evaluation;
shortlisted -> CANDIDATE_SHORTLISTED; discarded -> the invitation is disabled (not yet taken)
or the candidate marked not shortlisted (taken).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from . import webhooks
from .common import parse_iso
from .models import (
    EVALUATION_PENDING,
    INTERVIEW_ENDED,
    INTERVIEW_STARTED,
    INVITATION_SENT,
    ExternalInterview,
    Invitation,
    MockInterview,
)

if TYPE_CHECKING:
    from .host import IntervueHost


class Lifecycle:
    def advance(self: IntervueHost, ref: str, action: str) -> dict[str, Any]:
        item = self.find_ref(ref)
        if isinstance(item, ExternalInterview):
            self.advance_external(item, action)
            return {"ref": item.id, "kind": "external_interview", "status": item.status}
        if isinstance(item, MockInterview):
            self.advance_mock(item, action)
            return {"ref": item.id, "kind": "mock_interview", "status": item.status}
        self.advance_invitation(item, action)
        return {"ref": item.hash, "kind": "assignment_invitation", "status": item.status(self.clock.now())}

    def find_ref(self: IntervueHost, ref: str) -> ExternalInterview | MockInterview | Invitation:
        """An interviewId, an invitationUrlHash, or a candidate's email (their latest open item)."""
        cat = self.cat
        found = cat.external.get(ref.lower()) or cat.mock.get(ref.lower()) or cat.invitations.get(ref)
        if found:
            return found
        email = ref.strip().lower()
        at = self.clock.now()
        matches: list[tuple[bool, Any, ExternalInterview | MockInterview | Invitation]] = []
        matches += [(e.open, e.requested_at, e) for e in cat.external.values() if e.candidate["email"] == email]
        matches += [(m.open, m.created_at, m) for m in cat.mock.values() if m.candidate["email"] == email]
        matches += [
            (i.status(at) in (INVITATION_SENT, INTERVIEW_STARTED, EVALUATION_PENDING), i.invited_on, i)
            for i in cat.invitations.values()
            if i.email == email
        ]
        if not matches:
            raise KeyError(ref)
        return max(matches, key=lambda m: (m[0], m[1]))[2]

    # --- external interviews ------------------------------------------------------------------
    def advance_external(self: IntervueHost, interview: ExternalInterview, action: str) -> None:
        shape = self.shape()
        if action == "started":
            if interview.status != "requested":
                raise ValueError(f"interview is {interview.status}; only a requested interview can be scheduled")
            self.schedule_external(interview)
        elif action == "completed":
            if interview.status == "requested":
                self.schedule_external(interview)
            elif interview.status != "scheduled":
                raise ValueError(f"interview is {interview.status}; only a scheduled interview can complete")
            interview.status, interview.completed_at = "completed", self.clock.now()
            urls = {
                "playback": self.presign(self.base_url, f"external-interviews/{interview.id}/playback"),
                "report": self.presign(self.base_url, f"external-interviews/{interview.id}/report.pdf"),
            }
            rubrics = self.rubric_titles(interview)
            self.emit_webhook("completed", webhooks.completed(interview, rubrics, urls, shape))
            video = self.presign(self.base_url, f"external-interviews/{interview.id}/recording.mp4")
            self.emit_webhook("videoGenerationCompleted", webhooks.video_generation_completed(interview, video, shape))
        elif action == "discarded":
            if not interview.open:
                raise ValueError(f"interview is already {interview.status}")
            self.cancel_external(interview, "candidate")
        else:
            raise ValueError(f"{action!r} does not apply to external interviews: the verdict comes with 'completed'")

    def schedule_external(self: IntervueHost, interview: ExternalInterview) -> None:
        """Schedule in the candidate's first available slot, else tomorrow on the hour."""
        if interview.time_slots:
            interview.scheduled_at = parse_iso(interview.time_slots[0]["startTime"], "startTime")
        else:
            interview.scheduled_at = (self.clock.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        interview.status = "scheduled"
        self.emit_webhook("scheduled", webhooks.scheduled(interview, self.shape()))

    def rubric_titles(self: IntervueHost, interview: ExternalInterview) -> list[str]:
        role = self.cat.roles.get(interview.role_id)
        titles = [
            r.name for r in self.cat.rubrics if role and r.profile == role.profile and r.round == interview.round_name
        ]
        return titles or [interview.round_name]

    # --- mock interviews --------------------------------------------------------------------------
    def advance_mock(self: IntervueHost, interview: MockInterview, action: str) -> None:
        allowed = {
            "started": (("UN_SCHEDULED",), "SCHEDULED"),
            "completed": (("UN_SCHEDULED", "SCHEDULED"), "COMPLETED"),
            "discarded": (("UN_SCHEDULED", "SCHEDULED"), "CANCELED"),
        }
        if action not in allowed:
            raise ValueError(f"{action!r} does not apply to mock interviews")
        sources, target = allowed[action]
        if interview.status not in sources:
            raise ValueError(f"mock interview is {interview.status}; cannot move it to {target}")
        interview.status = target

    # --- home assignments ---------------------------------------------------------------------------
    def advance_invitation(self: IntervueHost, inv: Invitation, action: str) -> None:
        assignment = self.assignment_of(inv)
        shape = self.shape()
        status = inv.status(self.clock.now())
        if action in ("started", "completed") and (inv.disabled or assignment.disabled):
            raise ValueError("the invitation is disabled")
        if action == "started":
            if status != INVITATION_SENT:
                raise ValueError(f"invitation is {status}; only a sent invitation can be started")
            self.start_test(inv)
        elif action == "completed":
            if status == INVITATION_SENT:
                self.start_test(inv)
            elif status != INTERVIEW_STARTED:
                raise ValueError(f"invitation is {status}; only a started test can end")
            inv.ended_at = self.clock.now()
            if self.option("auto_evaluate"):
                inv.evaluate(assignment.questions)
            self.emit_webhook("test_ended", webhooks.test_ended(inv, assignment, shape))
            if inv.points is not None:
                self.emit_webhook("test_report_generated", webhooks.test_report_generated(inv, assignment, shape))
        elif action == "scored":
            if status != EVALUATION_PENDING:
                raise ValueError(f"invitation is {status}; only a test pending evaluation can be scored")
            inv.evaluate(assignment.questions)
            self.emit_webhook("test_report_generated", webhooks.test_report_generated(inv, assignment, shape))
        elif action == "shortlisted":
            if status != INTERVIEW_ENDED:
                raise ValueError(f"invitation is {status}; only an evaluated test can be shortlisted")
            inv.shortlisted = True
        elif action == "discarded":
            if inv.ended_at:
                if inv.shortlisted is False:
                    raise ValueError("candidate is already not shortlisted")
                inv.shortlisted = False
            elif inv.disabled:
                raise ValueError("invitation is already disabled")
            else:
                inv.disabled = True
        else:
            raise ValueError(f"unknown action {action!r}")

    def start_test(self: IntervueHost, inv: Invitation) -> None:
        inv.started_at = self.clock.now()
        self.emit_webhook("test_started", webhooks.test_started(inv, self.assignment_of(inv), self.shape()))

    # --- reminders ------------------------------------------------------------------------------------
    def schedule_reminder(self: IntervueHost, inv: Invitation) -> None:
        """With communications disabled, intervue.io sends a reminder webhook an hour before the start."""
        start = inv.test.start_date
        if not (inv.test.disable_communications and start) or start <= self.clock.now():
            return
        delay = (start - timedelta(hours=1) - self.clock.now()).total_seconds()

        def remind() -> None:
            with self.lock:
                if self.hub.vendors.get(self.name) is self and inv.hash in self.cat.invitations:
                    self.send_reminders([inv])

        self.hub.scheduler.call_later(max(0.0, delay), remind)

    def send_reminders(self: IntervueHost, candidates: list[Invitation] | None = None) -> int:
        """Emit one reminder for the opted-out invitations not taken yet; returns how many it lists."""
        at = self.clock.now()
        pool = candidates if candidates is not None else list(self.cat.invitations.values())
        due = [
            inv
            for inv in pool
            if inv.test.disable_communications and not inv.disabled and inv.status(at) == INVITATION_SENT
        ]
        if due:
            self.emit_webhook("reminder", webhooks.reminder(due))
        return len(due)
