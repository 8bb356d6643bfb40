"""External (on-demand) interviews: requested against a hiring role, conducted by intervue.io."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from . import webhooks
from .catalog import PROFILES
from .common import (
    ApiError,
    api,
    iso,
    json_body,
    local_minutes,
    open_interview,
    page_params,
    paginate,
    parse_iso,
    path_int,
    path_uuid,
    query_bool,
    req_email,
    req_int,
    req_list,
    req_obj,
    req_str,
    resume,
)
from .models import ExternalInterview, Role

if TYPE_CHECKING:
    from .host import IntervueHost
    from .sim import IntervueSim

# Allowed local times (minutes after midnight) for a candidate's availability.
SLOT_START = (10 * 60, 20 * 60)
SLOT_END = (11 * 60, 21 * 60)


def parse_candidate(raw: Any, label: str, with_slots: bool) -> dict[str, Any]:
    """A candidate object as the request/update tables define it."""
    if not isinstance(raw, dict):
        raise ApiError(400, f'"{label}" must be of type object')
    parsed: dict[str, Any] = {
        "name": req_str(raw, "name", f"{label}.name"),
        "email": req_email(raw, "email", f"{label}.email"),
        "phoneNo": req_str(raw, "phoneNo", f"{label}.phoneNo"),
        "resume": resume(raw, label),
        "timeSlots": [],
        "utcOffset": utc_offset(raw, label),
    }
    if with_slots and raw.get("timeSlots") is not None:
        slots = raw["timeSlots"]
        # The table types timeSlots as "object" but describes "array of timeslots": take both.
        slots = [slots] if isinstance(slots, dict) else slots
        if not isinstance(slots, list):
            raise ApiError(400, f'"{label}.timeSlots" must be an array')
        parsed["timeSlots"] = [
            time_slot(s, f"{label}.timeSlots[{i}]", parsed["utcOffset"]) for i, s in enumerate(slots)
        ]
    return parsed


def utc_offset(raw: dict[str, Any], label: str) -> int:
    value = raw.get("utcOffset", -330)
    if isinstance(value, bool) or not isinstance(value, int | float) or not -840 <= value <= 720:
        raise ApiError(400, f'"{label}.utcOffset" must be a number between -840 and 720')
    return int(value)


def time_slot(raw: Any, label: str, offset: int) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ApiError(400, f'"{label}" must be of type object')
    start = parse_iso(raw.get("startTime"), f"{label}.startTime") if raw.get("startTime") else None
    end = parse_iso(raw.get("endTime"), f"{label}.endTime") if raw.get("endTime") else None
    if start is None:
        raise ApiError(400, f'"{label}.startTime" is required')
    if end is None:
        raise ApiError(400, f'"{label}.endTime" is required')
    if not SLOT_START[0] <= local_minutes(start, offset) <= SLOT_START[1]:
        raise ApiError(400, f'"{label}.startTime" timing should be between 10:00 AM and 8:00 PM')
    if not SLOT_END[0] <= local_minutes(end, offset) <= SLOT_END[1]:
        raise ApiError(400, f'"{label}.endTime" timing should be between 11:00 AM and 9:00 PM')
    if end <= start:
        raise ApiError(400, f'"{label}.endTime" must be greater than "{label}.startTime"')
    return {"startTime": iso(start) or "", "endTime": iso(end) or ""}


class ExternalInterviewsApi:
    """Handlers for /external-interviews/... (mixed into IntervueSim)."""

    def role(self: IntervueHost, role_id: int) -> Role:
        role = self.cat.roles.get(role_id)
        if role is None:
            raise ApiError(404, f"Hiring role {role_id} not found")
        return role

    def external_interview(self: IntervueHost, interview_id: str) -> ExternalInterview:
        interview = self.cat.external.get(path_uuid(interview_id, "interviewId"))
        if interview is None:
            raise ApiError(404, "Interview not found")
        return interview

    @api
    def external_request(self: IntervueSim, request: Request) -> dict[str, Any]:
        body = json_body(request)
        candidates = [
            parse_candidate(c, f"candidates[{i}]", with_slots=True) for i, c in enumerate(req_list(body, "candidates"))
        ]
        role = self.role(req_int(body, "hiringRoleId"))
        if role.publish_status != "LIVE":
            raise ApiError(400, f"Hiring role {role.id} is not live")
        data = []
        for c in candidates:
            interview = (
                open_interview(self.cat.external, role.id, c["email"])
                if self.option("duplicate_requests") == "existing"
                else None
            )
            if interview is None:
                interview = ExternalInterview(
                    id=self.cat.new_uuid(),
                    role_id=role.id,
                    round_name=role.enabled_rounds[0],
                    requested_at=self.clock.now(),
                    requested_by=dict(request.environ["intervue.member"]),
                    candidate={"name": c["name"], "email": c["email"], "phoneNo": c["phoneNo"]},
                    resume=c["resume"],
                    time_slots=c["timeSlots"],
                    utc_offset=c["utcOffset"],
                )
                self.cat.external[interview.id] = interview
                self.count_invite(str(role.id), interview.candidate["email"])
                self.emit_webhook("requested", webhooks.requested(interview, self.shape()))
                self.on_invited(interview.id)
            data.append({**interview.candidate, "interviewId": interview.id})
        return {"status": 200, "message": "On-demand request(s) has been initiated", "data": data}

    @api
    def external_update(self: IntervueSim, request: Request) -> dict[str, Any]:
        body = json_body(request)
        interview_id = req_str(body, "interviewId")
        candidate = parse_candidate(req_obj(body, "candidate"), "candidate", with_slots=False)
        role_id = req_int(body, "hiringRoleId")
        interview = self.external_interview(interview_id)
        role = self.role(role_id)
        if not interview.open:
            raise ApiError(400, f"Interview is already {interview.status} and can not be edited")
        interview.candidate = {"name": candidate["name"], "email": candidate["email"], "phoneNo": candidate["phoneNo"]}
        interview.resume = candidate["resume"] or interview.resume
        if role.id != interview.role_id:
            interview.role_id, interview.round_name = role.id, role.enabled_rounds[0]
        self.cat.external.index(interview)  # under its new email and role
        return {"status": 200, "message": "On-demand request has been edited"}

    @api
    def external_cancel(self: IntervueSim, request: Request) -> dict[str, Any]:
        interview = self.external_interview(req_str(json_body(request), "interviewId"))
        if not interview.open:
            raise ApiError(400, f"Interview is already {interview.status} and can not be canceled")
        self.cancel_external(interview, "organisation")
        return {"status": 200, "message": "On-demand interview canceled successfully"}

    def cancel_external(self: IntervueHost, interview: ExternalInterview, by: str) -> None:
        interview.status, interview.canceled_by, interview.canceled_at = "canceled", by, self.clock.now()
        self.emit_webhook("canceled", webhooks.canceled(interview, self.shape()))

    @api
    def external_get(self: IntervueSim, request: Request, interview_id: str) -> dict[str, Any]:
        return {"status": 200, "data": self.external_interview(interview_id).as_json()}

    @api
    def get_roles(self: IntervueSim, request: Request) -> dict[str, Any]:
        args = request.args
        page, size = page_params(args)
        profile = args.get("candidateProfile") or None
        # sortBy and sortedByDirection fall back to their defaults instead of failing.
        descending = args.get("sortedByDirection", "DESC") != "ASC"
        roles = [r for r in self.cat.roles.values() if profile is None or r.profile == profile]
        live = sorted((r for r in roles if r.publish_status == "LIVE"), key=lambda r: r.created_at, reverse=descending)
        rows, more = paginate(live, page, size)
        answer: dict[str, Any] = {
            "status": 200,
            "data": [r.summary() for r in rows],
            "pageNumber": page,
            "pageSize": size,
            "next": more,
            "totalResults": len(roles) if query_bool(args, "getTotal") else len(live),
        }
        if query_bool(args, "includeDraftCount"):
            answer["draftCount"] = sum(r.publish_status == "DRAFT" for r in roles)
        return answer

    @api
    def get_role(self: IntervueSim, request: Request, role_id: str) -> dict[str, Any]:
        return {"status": 200, "data": self.role(path_int(role_id, "roleId")).detail()}

    @api
    def get_rounds(self: IntervueSim, request: Request, profile: str) -> dict[str, Any]:
        if profile not in PROFILES:
            raise ApiError(404, f"Profile {profile} not found")
        page, size = page_params(request.args)
        rubrics = [r for r in self.cat.rubrics if r.profile == profile]
        rows, more = paginate(rubrics, page, size)
        return {
            "status": 200,
            "data": [r.as_json() for r in rows],
            "pageNumber": page,
            "pageSize": size,
            "next": more,
            "totalResults": len(rubrics),
        }

    @api
    def get_round(self: IntervueSim, request: Request, round_id: str) -> dict[str, Any]:
        wanted = path_int(round_id, "roundId")
        for rubric in self.cat.rubrics:
            if rubric.id == wanted:
                return {"status": 200, "data": rubric.as_json()}
        raise ApiError(404, f"Round {wanted} not found")

    @api
    def get_profiles(self: IntervueSim, request: Request) -> dict[str, Any]:
        return {
            "status": 200,
            "data": [
                {"value": key, "heading": heading, "subHeading": sub, "skills": list(skills), "rounds": list(rounds)}
                for key, (heading, sub, skills, rounds) in PROFILES.items()
            ],
        }
