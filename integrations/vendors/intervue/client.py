"""The intervue.io client. The package docstring states the contract and the status table."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests

from .. import types
from ..base import VendorClient, failed_check, missing_keys
from ..errors import Permanent, UnknownOutcome
from ..http import VendorHTTP
from ..parsing import json_body, message_in, parse_datetime
from .invites import BatchInviter
from .statuses import (
    ASSIGNMENT_POLL_ORDER,
    ASSIGNMENT_STATES,
    EXTERNAL_STATES,
    HIRING_ROLE,
    HOME_ASSIGNMENT,
    MOCK_INTERVIEW,
    assignment_row_details,
    compact,
    mock_state,
    object_at,
)

logger = logging.getLogger("integrations.vendors")

DEFAULT_PAGE_SIZE = 50
MAX_PAGES = 500  # a guard against a server that always answers next: true


def _error_message(response: requests.Response) -> str:
    """The ``message`` of intervue's error envelope ``{"status": code, "message": text}``."""
    return message_in(json_body(response), ("message",)) or f"intervue.io answered HTTP {response.status_code}"


class IntervueClient(VendorClient):
    vendor = "intervue"
    label = "intervue.io"
    default_base_url = "https://api.intervue.io"
    credential_fields = {"access_token": "Access token", "secret_key": "Secret key"}
    max_batch_size = 50
    # 003, "Invite candidates": phoneNo is required beside the email.
    required_candidate_fields = {"email": "email address", "phone": "phone number"}

    def __init__(self, config: types.VendorConfig, throttle: Callable[[], None] | None = None) -> None:
        super().__init__(config, throttle=throttle)
        self.access_token = config.credentials.get("access_token", "").strip()
        self.secret_key = config.credentials.get("secret_key", "").strip()
        encoded = base64.b64encode(f"{self.access_token}:{self.secret_key}".encode()).decode()
        self.http = VendorHTTP(
            self.vendor,
            config.base_url or self.default_base_url,
            headers={"Authorization": f"Basic {encoded}"},
            error_message=_error_message,
            throttle=self.throttle,
        )
        self.page_size = int(config.options.get("page_size", DEFAULT_PAGE_SIZE))
        self.inviter = BatchInviter(self.http, config.options, self._pages)

    # --- connection and catalog ---------------------------------------------------------------------
    def check_credentials(self) -> types.ConnectionCheck:
        if not (self.access_token and self.secret_key):
            return missing_keys("intervue.io needs both the access token and the secret key")
        try:
            answer = self.http.get_json("/external-interviews/getRoles", params={"pageNumber": 1, "pageSize": 1})
        except Permanent as exc:
            return failed_check(exc)
        total = answer.get("totalResults") if isinstance(answer, dict) else None
        return types.ConnectionCheck(
            True, "Connected to intervue.io" + (f": {total} hiring roles" if total is not None else "")
        )

    def list_assessments(self) -> Iterator[types.RemoteAssessment]:
        for row in self._pages("/external-interviews/getRoles", {}):
            if row.get("id") is None:
                continue
            title, internal = row.get("jobTitle") or "", row.get("internalName") or ""
            name = f"{title} ({internal})" if title and internal and internal != title else title or internal
            active = row.get("publishStatus", "LIVE") == "LIVE"
            yield types.RemoteAssessment(str(row["id"]), HIRING_ROLE, name or f"Role {row['id']}", active, raw=row)
        for row in self._pages("/assignments/list", {}):
            if not row.get("mainTestUrlHash"):
                continue
            # The candidate lists grow with every invitation: not catalog data.
            raw = {k: v for k, v in row.items() if k not in ("candidatesInvited", "invitations")}
            active = not row.get("disabled") and row.get("publishStatus", "LIVE") == "LIVE"
            yield types.RemoteAssessment(
                row["mainTestUrlHash"], HOME_ASSIGNMENT, row.get("name") or "", active, raw=raw
            )
        yield from self._mock_roles()

    def _mock_roles(self) -> Iterator[types.RemoteAssessment]:
        """Library roles of getProfilesSupported: one per skill where a level has skills, else one per level."""
        answer = self.http.get_json("/mock-interviews/getProfilesSupported")
        seen: set[str] = set()
        for profile in answer.get("profileList") or []:
            for level in profile.get("seniorityList") or []:
                skills = level.get("skillList") or [{"hiringRoleId": level.get("hiringRoleId"), "skill": None}]
                for skill in skills:
                    role_id = skill.get("hiringRoleId")
                    if role_id is None or str(role_id) in seen:
                        continue
                    seen.add(str(role_id))
                    parts = [profile.get("profile") or profile.get("key"), level.get("seniority") or level.get("key")]
                    name = " / ".join(str(p) for p in [*parts, skill.get("skill")] if p)
                    raw = {
                        "hiringRoleId": role_id,
                        "profile": profile.get("key"),
                        "seniority": level.get("key"),
                        "skill": skill.get("skill"),
                    }
                    yield types.RemoteAssessment(str(role_id), MOCK_INTERVIEW, name, raw=raw)

    def _pages(self, path: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Every row of a pageNumber/pageSize list, following ``next`` to the end."""
        for number in range(1, MAX_PAGES + 1):
            answer = self.http.get_json(path, params={**params, "pageNumber": number, "pageSize": self.page_size})
            rows = answer.get("data") if isinstance(answer, dict) else None
            if not isinstance(rows, list):
                raise Permanent(f"intervue.io answered {path} without a data list", payload=answer)
            yield from (row for row in rows if isinstance(row, dict))
            more = answer.get("next")
            if not rows or more is False or (more is None and len(rows) < self.page_size):
                return

    # --- invitations ---------------------------------------------------------------------------------------
    def invite(self, batch: list[types.InviteRequest]) -> list[types.InviteResult]:
        """One request per hiring role or assignment, one per mock-interview candidate (see invites.py)."""
        return self.inviter.invite(batch)

    # --- reconciliation -------------------------------------------------------------------------------------
    def reconcile(self, request: types.InviteRequest) -> types.InviteResult | None:
        if request.assessment_kind == HOME_ASSIGNMENT:
            return self._reconcile_assignment(request)
        if request.assessment_kind in (HIRING_ROLE, MOCK_INTERVIEW):
            return self._reconcile_interview(request)
        return None

    def _reconcile_assignment(self, request: types.InviteRequest) -> types.InviteResult | None:
        """The candidate's newest invitation to this test that is still open, newest first."""
        email = request.email.strip().lower()
        now = datetime.now(UTC)
        params = {"testUrlHash": request.assessment_id, "sortBy": "createdAt", "sortByDirection": "DESC"}
        for row in self._pages("/assignments/results", params):
            if str(row.get("candidateEmail", "")).strip().lower() != email or not _still_open(row, now):
                continue
            status = "INVITE_FAILED" if row.get("invitationSendSuccess") is False else "INVITATION_SENT"
            return types.InviteResult(
                request.key,
                remote_id=str(row.get("invitationUrlHash", "")),
                vendor_status=status,
                state=ASSIGNMENT_STATES[status],
                raw=row,
            )
        return None

    def _reconcile_interview(self, request: types.InviteRequest) -> types.InviteResult | None:
        """intervue.io lists no interviews by email: only "does it know this candidate" can be asked.

        Unknown candidate: the lost request was not applied, a resend is safe (None). Known
        candidate: it may have been, and a resend could invite twice, so this stays unknown.
        """
        try:
            self.http.get_json("/mock-interviews/getCandidateInfo", params={"email": request.email})
        except Permanent as exc:
            if exc.status_code == 404:
                return None
            raise
        if request.assessment_kind == HIRING_ROLE:
            hint = "the 'requested' webhook brings its interviewId with the candidate's email"
        else:
            hint = "mock interviews send no webhooks: look it up on the intervue.io dashboard"
        raise UnknownOutcome(
            f"intervue.io already knows {request.email} and offers no way to find an interview by email, "
            f"so it is not sent again; {hint}"
        )

    # --- statuses ------------------------------------------------------------------------------------------------
    def fetch_statuses(
        self, refs: Iterable[types.InvitationRef], since: datetime | None = None
    ) -> Iterator[types.StatusUpdate]:
        """Assignments: one results list per test and status. Interviews: one GET each.

        intervue.io has no list of external or mock interviews, so those cost one request per open
        interview: this is the fallback for missed webhooks, not the main channel. ``since`` is
        ignored: no endpoint filters by modification time.
        """
        by_test: dict[str, list[types.InvitationRef]] = {}
        one_by_one: list[types.InvitationRef] = []
        for ref in refs:
            if ref.assessment_kind == HOME_ASSIGNMENT:
                by_test.setdefault(ref.assessment_id, []).append(ref)
            elif ref.assessment_kind in (HIRING_ROLE, MOCK_INTERVIEW) and ref.remote_id:
                one_by_one.append(ref)
        for test, test_refs in by_test.items():
            yield from self._assignment_statuses(test, test_refs)
        for ref in one_by_one:
            update = self._interview_status(ref)
            if update is not None:
                yield update

    def _assignment_statuses(self, test: str, refs: list[types.InvitationRef]) -> Iterator[types.StatusUpdate]:
        by_hash = {ref.remote_id: ref for ref in refs if ref.remote_id}
        by_email = {ref.email.strip().lower(): ref for ref in refs if not ref.remote_id}
        for status in ASSIGNMENT_POLL_ORDER:
            if not (by_hash or by_email):
                return
            for row in self._pages("/assignments/results", {"testUrlHash": test, "assignmentStatus": status}):
                invitation = str(row.get("invitationUrlHash", ""))
                ref = by_hash.pop(invitation, None) or by_email.pop(str(row.get("candidateEmail", "")).lower(), None)
                if ref is not None:
                    yield types.StatusUpdate(
                        state=ASSIGNMENT_STATES[status],
                        vendor_status=status,
                        remote_id=invitation,
                        key=ref.key,
                        email=ref.email,
                        assessment_id=ref.assessment_id,
                        details=assignment_row_details(row),
                    )
                if not (by_hash or by_email):
                    break

    def _interview_status(self, ref: types.InvitationRef) -> types.StatusUpdate | None:
        external = ref.assessment_kind == HIRING_ROLE
        path = "/external-interviews/" if external else "/mock-interviews/getInterviewInfo/"
        data = self._interview(path, ref)
        if data is None:
            return None
        state: str
        if external:
            status = _external_status(data)
            state = EXTERNAL_STATES[status]
        else:
            status = str(data.get("status") or "")
            state = mock_state(status)
        if not state:
            logger.warning("intervue.io: unknown interview status %r", status)
            return None
        details = compact(
            {
                "interview_id": ref.remote_id,
                "scheduled_at": data.get("scheduleDateTime"),
                "round": data.get("roundName") or data.get("round"),
            }
        )
        return types.StatusUpdate(
            state=state,
            vendor_status=status,
            remote_id=ref.remote_id,
            key=ref.key,
            email=ref.email,
            assessment_id=ref.assessment_id,
            details=details,
        )

    def _interview(self, path: str, ref: types.InvitationRef) -> dict[str, Any] | None:
        try:
            answer = self.http.get_json(path + quote(ref.remote_id, safe=""))
        except Permanent as exc:
            if exc.status_code == 404:
                return None
            raise
        data = answer.get("data") if isinstance(answer, dict) else None
        return data if isinstance(data, dict) else None

    # --- results, fetched fresh at each call -----------------------------------------------------------------------
    def result_links(self, ref: types.InvitationRef) -> list[types.ResultLink]:
        if ref.assessment_kind == HOME_ASSIGNMENT and ref.remote_id:
            report = self._assignment_report(ref)
            links = []
            row = self._detailed_report_row(ref, report)
            if row and _url(row.get("reportLink")):
                links.append(types.ResultLink("Test report", row["reportLink"]))
            if _url(report.get("codeLink")):
                links.append(types.ResultLink("Submitted code", report["codeLink"]))
            if _url(report.get("playBackLink")):
                links.append(types.ResultLink("Test playback", report["playBackLink"]))
            return links
        if ref.assessment_kind == HIRING_ROLE and ref.remote_id:
            urls = self._external_urls(ref)
            labels = (("report", "Interview report"), ("playback", "Interview playback"))
            return [types.ResultLink(label, urls[key]) for key, label in labels if _url(urls.get(key))]
        return []

    def media(self, ref: types.InvitationRef) -> list[types.MediaItem]:
        if ref.assessment_kind == HOME_ASSIGNMENT and ref.remote_id:
            report = self._assignment_report(ref)
            test = object_at(report, "test")
            if _url(report.get("playBackLink")):
                return [
                    types.MediaItem(question=test.get("name") or "Home assignment", video_url=report["playBackLink"])
                ]
            return []
        if ref.assessment_kind == HIRING_ROLE and ref.remote_id:
            playback = self._external_urls(ref).get("playback")
            return [types.MediaItem(question="Interview playback", video_url=str(playback))] if _url(playback) else []
        return []

    def _assignment_report(self, ref: types.InvitationRef) -> dict[str, Any]:
        answer = self.http.get_json(f"/assignments/report/{quote(ref.remote_id, safe='')}")
        data = answer.get("data") if isinstance(answer, dict) else None
        return data if isinstance(data, dict) else {}

    def _detailed_report_row(self, ref: types.InvitationRef, report: Mapping[str, Any]) -> dict[str, Any] | None:
        """The candidate's row of the detailed report, which holds the report PDF link."""
        test = report.get("testUrlHash") or ref.assessment_id
        if not test:
            return None
        rows = list(self._pages(f"/assignments/detailed-report/{quote(str(test), safe='')}", {"email": ref.email}))
        email = ref.email.strip().lower()
        mine = [r for r in rows if str(r.get("candidateEmail", "")).lower() == email] or rows
        return next((r for r in mine if r.get("testUrlHash") == report.get("testUrlHash")), mine[0] if mine else None)

    def _external_urls(self, ref: types.InvitationRef) -> dict[str, Any]:
        """Report and playback URLs, where the interview's GET carries them.

        The document shows them only in the completed / videoGenerationCompleted webhooks,
        which are never stored (the URLs expire), so an answer without them gives no links.
        """
        data = self._interview("/external-interviews/", ref) or {}
        urls = data.get("urls")
        return urls if isinstance(urls, dict) else {}

    # --- what a person may ask: cancel, remind, invite again -----------------------------------------
    @classmethod
    def can_cancel(cls, kind: str) -> bool:
        return kind == HIRING_ROLE  # POST /external-interviews/cancel; nothing for one assignment or mock

    @classmethod
    def reminder_refusal(cls, kind: str) -> str:
        if kind == HOME_ASSIGNMENT:
            return "intervue.io sends its own reminder emails for home assignments; there is nothing to send from here."
        return "intervue.io offers no reminder for interviews: the candidate books a slot from the invitation email."

    @classmethod
    def reinvite_refusal(cls, kind: str) -> str:
        if kind == HOME_ASSIGNMENT:
            return (
                "intervue.io cannot cancel one home-assignment invitation, so a new one would be the same link: "
                "remind the candidate instead, or invite again once it has expired."
            )
        if kind == MOCK_INTERVIEW:
            return "intervue.io cannot cancel a mock interview, so it can only be replaced once it has ended."
        return ""

    def void_before_reinvite(self, ref: types.InvitationRef) -> str:
        if ref.assessment_kind != HIRING_ROLE or not ref.remote_id:
            return ""
        try:
            self.cancel(ref)
        except Permanent as exc:
            if exc.status_code == 400:
                return ""  # already canceled or held: nothing live left to void
            raise
        # intervue.io answers a new request for a candidate with an open interview with that interview.
        return "Canceled at intervue.io so that a new interview could be requested."

    def cancel(self, ref: types.InvitationRef) -> None:
        if ref.assessment_kind == HIRING_ROLE:
            if not ref.remote_id:
                raise Permanent("no intervue.io interviewId is known for this invitation")
            self.http.post_json("/external-interviews/cancel", {"interviewId": ref.remote_id})
            return
        if ref.assessment_kind == HOME_ASSIGNMENT:
            raise Permanent("intervue.io cannot cancel one assignment invitation: disable acts on the whole test")
        raise Permanent("intervue.io documents no way to cancel a mock interview")


# --- helpers ------------------------------------------------------------------------------------------------------
def _external_status(data: Mapping[str, Any]) -> str:
    """The GET answer of the document has no status: a schedule time means scheduled."""
    wanted = str(data.get("status") or "").lower()
    for status in EXTERNAL_STATES:
        if status.lower() == wanted:
            return status
    return "scheduled" if data.get("scheduleDateTime") else "requested"


def _still_open(row: Mapping[str, Any], now: datetime) -> bool:
    """An assignment row the candidate can still take (or whose sending just failed)."""
    expiry = parse_datetime(row.get("testExpiryDate"))
    ended = row.get("isLocked") is True or row.get("totalAttempted") is not None
    return not row.get("disabled") and not ended and (expiry is None or expiry > now)


def _url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))
