"""Mock interviews: requested for a fixed time window against an intervue.io library role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from .catalog import PROFILES
from .common import (
    EMAIL_RE,
    ApiError,
    api,
    iso,
    json_body,
    local_minutes,
    open_interview,
    parse_iso,
    path_int,
    path_uuid,
    req_int,
    req_list,
)
from .external import parse_candidate
from .models import MockInterview

if TYPE_CHECKING:
    from .sim import IntervueSim

SENIORITY_LABELS = {
    "Internship": ("Internship", "For students and interns"),
    "Entry-level": ("Entry Level", "For person with experience of 0-1 yrs"),
    "Intermediate": ("Intermediate", "For person with experience of 1-3 yrs"),
    "Mid-senior": ("Mid Senior", "For person with experience of 3-5 yrs"),
    "Senior": ("Senior", "For person with experience of 5-8 yrs"),
}


def schedule_time(raw: dict[str, Any], label: str, offset: int) -> list[str]:
    """The required [start, end] pair, both between 10:00 AM and 8:00 PM local time."""
    value = raw.get("scheduleTime")
    if value is None:
        raise ApiError(400, f'"{label}.scheduleTime" is required')
    if not isinstance(value, list) or len(value) != 2:
        raise ApiError(400, f'"{label}.scheduleTime" must contain 2 items: the starting and the ending time')
    start, end = (parse_iso(v, f"{label}.scheduleTime[{i}]") for i, v in enumerate(value))
    for i, moment in enumerate((start, end)):
        if not 10 * 60 <= local_minutes(moment, offset) <= 20 * 60:
            raise ApiError(400, f'"{label}.scheduleTime[{i}]" timings should be between 10:00 AM and 8:00 PM')
    if end <= start:
        raise ApiError(400, f'"{label}.scheduleTime[1]" must be later than "{label}.scheduleTime[0]"')
    return [iso(start) or "", iso(end) or ""]


class MockInterviewsApi:
    """Handlers for /mock-interviews/... (mixed into IntervueSim)."""

    @api
    def mock_request(self: IntervueSim, request: Request) -> dict[str, Any]:
        body = json_body(request)
        candidates = []
        for i, raw in enumerate(req_list(body, "candidates")):
            label = f"candidates[{i}]"
            candidate = parse_candidate(raw, label, with_slots=False)
            candidate["scheduleTime"] = schedule_time(raw, label, candidate["utcOffset"])
            candidates.append(candidate)
        role_id = req_int(body, "hiringRoleId")
        # Library roles first; a hiring role of the organisation works too (the example uses 9999).
        mock_role = self.cat.mock_roles.get(role_id)
        org_role = self.cat.roles.get(role_id)
        if mock_role is not None:
            profile, seniority, round_name = mock_role.profile, mock_role.seniority, mock_role.round
        elif org_role is not None:
            profile, seniority, round_name = org_role.profile, org_role.seniority, org_role.enabled_rounds[0]
        else:
            raise ApiError(404, f"Hiring role {role_id} not found")
        data = []
        for c in candidates:
            interview = (
                open_interview(self.cat.mock, role_id, c["email"])
                if self.option("duplicate_requests") == "existing"
                else None
            )
            if interview is None:
                interview = MockInterview(
                    id=self.cat.new_uuid(),
                    role_id=role_id,
                    profile=profile,
                    seniority=seniority,
                    round=round_name,
                    candidate={"name": c["name"], "email": c["email"], "phoneNo": c["phoneNo"]},
                    schedule_time=c["scheduleTime"],
                    created_at=self.clock.now(),
                    resume=c["resume"],
                )
                self.cat.mock[interview.id] = interview
                self.count_invite(f"mock-{role_id}", interview.candidate["email"])
                self.on_invited(interview.id)
            data.append({**interview.candidate, "interviewId": interview.id})
        return {"status": 200, "message": "Mock interview request has been initiated", "data": data}

    @api
    def mock_get_role(self: IntervueSim, request: Request, role_id: str) -> dict[str, Any]:
        role = self.cat.mock_roles.get(path_int(role_id, "hiringRoleId"))
        if role is None:
            raise ApiError(404, f"Hiring role {role_id} not found")
        return {
            "status": 200,
            "roundDetails": {"roundName": role.round, "roundDescription": ""},
            "rubrics": [{"name": name, "description": text} for name, text in role.rubrics],
        }

    @api
    def mock_profiles(self: IntervueSim, request: Request) -> dict[str, Any]:
        grouped: dict[str, dict[str, list[Any]]] = {}
        for role in self.cat.mock_roles.values():
            grouped.setdefault(role.profile, {}).setdefault(role.seniority, []).append(role)
        profiles = []
        for key, by_seniority in grouped.items():
            heading, description = PROFILES[key][0], PROFILES[key][1]
            seniorities = []
            for seniority, roles in by_seniority.items():
                label, text = SENIORITY_LABELS.get(seniority, (seniority, ""))
                entry: dict[str, Any] = {"key": seniority, "seniority": label, "description": text}
                # With skills, each skill is its own role; without, the level has one role.
                if len(roles) > 1:
                    entry["skillList"] = [{"skill": r.skill, "hiringRoleId": r.id} for r in roles]
                    entry["skillsAvailable"] = True
                else:
                    entry["hiringRoleId"] = roles[0].id
                    entry["skillsAvailable"] = False
                seniorities.append(entry)
            profiles.append({"key": key, "profile": heading, "description": description, "seniorityList": seniorities})
        return {"status": 200, "profileList": profiles}

    @api
    def mock_interview_info(self: IntervueSim, request: Request, interview_id: str) -> dict[str, Any]:
        interview = self.cat.mock.get(path_uuid(interview_id, "interviewId"))
        if interview is None:
            raise ApiError(404, "Interview not found")
        return {"status": 200, "data": interview.as_json()}

    @api
    def mock_candidate_info(self: IntervueSim, request: Request) -> dict[str, Any]:
        email = (request.args.get("email") or "").strip().lower()
        if not email:
            raise ApiError(400, '"email" is required')
        if not EMAIL_RE.match(email):
            raise ApiError(400, '"email" must be a valid email')
        people = [m.candidate for m in reversed(list(self.cat.mock.values()))]
        people += [e.candidate for e in reversed(list(self.cat.external.values()))]
        for person in people:
            if person["email"] == email:
                return {"status": 200, "data": dict(person)}
        raise ApiError(404, "Candidate not found")
