"""Home assignments: tests, invitations (one per candidate, by invitationUrlHash) and reports."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from . import webhooks
from .catalog import QUESTION_MINUTES, QUESTION_POINTS, SKILLS, build_questions, new_active_test, skill_config
from .common import (
    ApiError,
    api,
    iso,
    json_body,
    one_of,
    opt_bool,
    opt_str,
    page_params,
    paginate,
    parse_iso,
    query_bool,
    query_enum,
    query_int,
    req_email,
    req_int,
    req_list,
    req_obj,
    req_str,
)
from .models import ASSIGNMENT_STATUSES, INTERVIEW_STARTED, INVITATION_SENT, Assignment, Invitation

if TYPE_CHECKING:
    from .host import IntervueHost
    from .sim import IntervueSim

DIRECTIONS = ("ASC", "DESC")
RESULT_SORTS = {
    "createdAt": lambda inv: inv.invited_on,
    "candidateName": lambda inv: inv.name.lower(),
    "interviewExpiryDate": lambda inv: inv.test.expiry,
    "candidateEmail": lambda inv: inv.email,
    "percentageScored": lambda inv: (inv.points is not None, sum(inv.points or [])),
    "interviewTimeTaken": lambda inv: (inv.time_taken_minutes() is not None, inv.time_taken_minutes() or 0),
}
# Emails at an .invalid domain cannot be delivered: their invitation ends up INVITE_FAILED.
UNDELIVERABLE_SUFFIX = ".invalid"


class AssignmentsApi:
    """Handlers for /assignments/... (mixed into IntervueSim)."""

    # --- lookups ----------------------------------------------------------------------------------
    def assignment(self: IntervueHost, test_hash: str) -> Assignment:
        """An assignment by its main test url hash or by the test url hash of one of its batches."""
        if test_hash in self.cat.assignments:
            return self.cat.assignments[test_hash]
        for test in self.cat.active_tests.values():
            if test.test_hash == test_hash and test.main_hash in self.cat.assignments:
                return self.cat.assignments[test.main_hash]
        raise ApiError(404, "Test not found")

    def invitation(self: IntervueHost, invitation_hash: str) -> Invitation:
        invitation = self.cat.invitations.get(invitation_hash)
        if invitation is None:
            raise ApiError(404, "Invitation not found")
        return invitation

    def assignment_of(self: IntervueHost, invitation: Invitation) -> Assignment:
        return self.cat.assignments[invitation.test.main_hash]

    def magic_link(self: IntervueHost, invitation: Invitation) -> str:
        return f"{self.base_url}/{self.name}/candidate/test/{invitation.hash}"

    def public_link(self: IntervueHost, assignment: Assignment) -> str:
        return f"{self.base_url}/{self.name}/candidate/public/{assignment.public_id}"

    # --- tests ----------------------------------------------------------------------------------------
    @api
    def assignments_list(self: IntervueSim, request: Request) -> dict[str, Any]:
        args = request.args
        page, size = page_params(args)
        publish = query_enum(args, "publishStatus", ("LIVE", "DRAFT"), None)
        hide_disabled = query_bool(args, "hideDisabled")
        descending = query_enum(args, "sortByDirection", DIRECTIONS, "DESC") == "DESC"
        rows = [
            a
            for a in self.cat.assignments.values()
            if not a.archived
            and (publish is None or a.publish_status == publish)
            and not (hide_disabled and a.disabled)
        ]
        rows.sort(key=lambda a: a.created_at, reverse=descending)
        page_rows, more = paginate(rows, page, size)
        return {
            "status": 200,
            "data": [self.assignment_json(a) for a in page_rows],
            "totalResults": len(rows),
            "next": more,
        }

    def assignment_json(self: IntervueHost, assignment: Assignment) -> dict[str, Any]:
        invitations = [i for i in self.cat.invitations.values() if i.test.main_hash == assignment.main_hash]
        batches: dict[int, dict[str, Any]] = {}
        for inv in invitations:
            batch = batches.setdefault(
                inv.test.id, {"activeTestId": inv.test.id, "inviteSentOn": iso(inv.test.sent_on), "invitationsCount": 0}
            )
            batch["invitationsCount"] += 1
        return {
            "name": assignment.name,
            "mainTestUrlHash": assignment.main_hash,
            "disabled": assignment.disabled,
            "publishStatus": assignment.publish_status,
            "createdAt": iso(assignment.created_at),
            "updatedAt": iso(assignment.updated_at),
            "duration": assignment.duration,
            "description": assignment.description,
            "fromLibrary": assignment.from_library,
            "totalInvitations": len(invitations),
            "publicUrl": self.public_link(assignment),
            "invitations": list(batches.values()),
            "candidatesInvited": [
                {
                    "invitedOn": iso(inv.invited_on),
                    "candidateName": inv.name,
                    "candidateEmail": inv.email,
                    "activeTestId": inv.test.id,
                    "invitationUrlHash": inv.hash,
                }
                for inv in invitations
            ],
        }

    @api
    def assignment_disable(self: IntervueSim, request: Request, test_hash: str) -> dict[str, Any]:
        assignment = self.assignment(test_hash)
        assignment.disabled, assignment.updated_at = True, self.clock.now()
        return {"status": 200, "message": "Test disabled"}

    @api
    def assignment_archive(self: IntervueSim, request: Request, test_hash: str) -> dict[str, Any]:
        assignment = self.assignment(test_hash)
        assignment.archived, assignment.updated_at = True, self.clock.now()
        return {"status": 200, "message": "Test archived"}

    @api
    def assignment_delete(self: IntervueSim, request: Request, test_hash: str) -> dict[str, Any]:
        assignment = self.assignment(test_hash)
        if not assignment.archived:
            raise ApiError(400, "Test needs to be archived before it can be deleted")
        main = assignment.main_hash
        del self.cat.assignments[main]
        self.cat.active_tests = {k: t for k, t in self.cat.active_tests.items() if t.main_hash != main}
        for gone in [k for k, i in self.cat.invitations.items() if i.test.main_hash == main]:
            del self.cat.invitations[gone]
        return {"status": 200, "message": "test removed successfully!"}

    @api
    def get_skills(self: IntervueSim, request: Request) -> dict[str, Any]:
        return {"status": 200, "skillList": [{"skillName": name, "skillId": sid} for sid, (name, _) in SKILLS.items()]}

    @api
    def test_configuration(self: IntervueSim, request: Request) -> dict[str, Any]:
        raw = request.args.getlist("skills[]") or request.args.getlist("skills")
        if not raw:
            raise ApiError(400, '"skills" is required')
        skills = []
        for i, value in enumerate(raw):
            if not value.isdigit():
                raise ApiError(400, f'"skills[{i}]" must be a number')
            if int(value) not in SKILLS:
                raise ApiError(404, f"Skill {value} not found")
            skills.append(int(value))
        seniority = query_int(request.args, "seniority", None, minimum=0)
        if seniority is None:
            raise ApiError(400, '"seniority" is required')
        configs = [(s, skill_config(s, seniority)) for s in skills]
        configuration = [{"skill": {"name": SKILLS[s][0], "id": s}, "config": config} for s, config in configs]
        duration = sum(
            QUESTION_MINUTES[c["questionType"]] * c["questionsCount"] for _, config in configs for c in config
        )
        return {"status": 200, "configuration": configuration, "duration": duration}

    @api
    def create_test(self: IntervueSim, request: Request) -> dict[str, Any]:
        body = json_body(request)
        name = req_str(body, "testName")
        if not isinstance(body.get("randomForEachCandidate"), bool):
            raise ApiError(400, '"randomForEachCandidate" is required and must be a boolean')
        sections = [test_config(entry, f"testConfig[{i}]") for i, entry in enumerate(req_list(body, "testConfig"))]
        description = opt_str(body, "description") or ""
        cut_off = (
            req_int(body, "cutOffMarksPercentage", minimum=0) if body.get("cutOffMarksPercentage") is not None else 60
        )
        if cut_off > 100:
            raise ApiError(400, '"cutOffMarksPercentage" must be less than or equal to 100')
        opt_bool(body, "takeSnapshot")
        opt_bool(body, "mandatoryTakeSnapshot")
        computed = sum(QUESTION_MINUTES[kind] * count for _, rows in sections for kind, count in rows)
        duration = req_int(body, "duration", minimum=1) if body.get("duration") is not None else computed
        created = self.clock.now()
        assignment = Assignment(
            main_hash=self.cat.new_hash(),
            name=name,
            description=description,
            duration=duration,
            questions=build_questions(sections),
            created_at=created,
            updated_at=created,
            public_id=self.cat.new_uuid(),
            cut_off=cut_off,
        )
        self.cat.assignments[assignment.main_hash] = assignment
        return {
            "status": 200,
            "message": "Test published successfully!",
            "data": {"testName": name, "mainTestUrlHash": assignment.main_hash, "duration": duration},
        }

    # --- invitations ----------------------------------------------------------------------------------
    def invitable(self: IntervueHost, main_hash: str) -> Assignment:
        assignment = self.cat.assignments.get(main_hash)
        if assignment is None:
            raise ApiError(404, "Test not found")
        if assignment.archived or assignment.disabled:
            raise ApiError(400, f"Test is {'archived' if assignment.archived else 'disabled'}")
        if assignment.publish_status != "LIVE":
            raise ApiError(400, "Test is not published")
        return assignment

    @api
    def send_invitations(self: IntervueSim, request: Request) -> dict[str, Any]:
        body = json_body(request)
        main_hash = req_str(body, "mainTestUrlHash")
        candidates = []
        for i, raw in enumerate(req_list(body, "candidates")):
            if not isinstance(raw, dict):
                raise ApiError(400, f'"candidates[{i}]" must be of type object')
            email = req_email(raw, "email", f"candidates[{i}].email")
            candidates.append((req_str(raw, "name", f"candidates[{i}].name"), email))
        expiry = parse_iso(body.get("expiryDate"), "expiryDate") if body.get("expiryDate") else None
        if expiry is None:
            raise ApiError(400, '"expiryDate" is required')
        if body.get("emailReplyTo") is not None:
            req_email(body, "emailReplyTo")
        opt_str(body, "emailSubject")
        start = parse_iso(body["startDate"], "startDate") if body.get("startDate") else None
        final_entry = parse_iso(body["finalEntryDate"], "finalEntryDate") if body.get("finalEntryDate") else None
        quiet = opt_bool(body, "disableCommunications")
        if start and expiry <= start:
            raise ApiError(400, '"expiryDate" must be greater than "startDate"')
        assignment = self.invitable(main_hash)

        # A candidate listed twice, or already holding a live invitation, gets that invitation
        # back unless the option duplicate_requests is "create".
        reuse = self.option("duplicate_requests") == "existing"
        if reuse:
            fresh = len({email for _, email in candidates if self.live_invitation(main_hash, email) is None})
        else:
            fresh = len(candidates)
        self.spend_quota(assignment, fresh)

        test = None
        answered = []
        for name, email in candidates:
            invitation = self.live_invitation(main_hash, email) if reuse else None
            if invitation is None:
                if test is None:
                    test = new_active_test(self.cat, main_hash, self.clock.now(), expiry, start, final_entry, quiet)
                invitation = self.create_invitation(assignment, test, name, email)
            answered.append({"name": invitation.name, "email": invitation.email, "invitationUrlHash": invitation.hash})
        active_test_id = test.id if test else self.cat.invitations[answered[0]["invitationUrlHash"]].test.id
        return {"status": 200, "activeTestId": active_test_id, "candidates": answered}

    def live_invitation(self: IntervueHost, main_hash: str, email: str) -> Invitation | None:
        """An invitation the candidate can still take: sending again returns it instead of a second one."""
        at = self.clock.now()
        for inv in self.cat.invitations.having(main_hash, email):
            same = inv.test.main_hash == main_hash and inv.email == email and not inv.disabled
            if same and inv.status(at) in (INVITATION_SENT, INTERVIEW_STARTED):
                return inv
        return None

    def create_invitation(self: IntervueHost, assignment: Assignment, test: Any, name: str, email: str) -> Invitation:
        invitation = Invitation(
            hash=self.cat.new_hash(16),
            test=test,
            name=name,
            email=email,
            invited_on=self.clock.now(),
            report_uuid=self.cat.new_uuid(),
            send_success=not email.endswith(UNDELIVERABLE_SUFFIX),
        )
        self.cat.invitations[invitation.hash] = invitation
        self.count_invite(assignment.main_hash, email)
        if invitation.send_success:
            shape = self.shape()
            self.emit_webhook(
                "invitation_sent", webhooks.invitation_sent(invitation, self.magic_link(invitation), shape)
            )
            self.schedule_reminder(invitation)
            self.on_invited(invitation.hash)
        return invitation

    def spend_quota(self: IntervueHost, assignment: Assignment, count: int) -> None:
        """Plan quota (option invitation_quota, None for unlimited): refuse past it, announce when it runs out."""
        quota = self.option("invitation_quota")
        if quota is None or count == 0:
            return
        if self.quota_used + count > int(quota):
            raise ApiError(403, "Plan quota finished: upgrade your plan to send more invitations")
        self.quota_used += count
        if self.quota_used >= int(quota):
            started = self.plan_started
            plan = {
                "planStartDate": iso(started),
                "planEndDate": iso(started + timedelta(days=30)),
                "message": f"All {quota} invitations of the plan have been used",
                "planName": "Sandbox plan",
                "isTrialPlan": True,
            }
            self.emit_webhook("quota_finished", webhooks.quota_finished(self.public_link(assignment), plan))

    @api
    def create_public_link(self: IntervueSim, request: Request) -> dict[str, Any]:
        body = json_body(request)
        main_hash = req_str(body, "mainTestUrlHash")
        start = parse_iso(body["testStartTime"], "testStartTime") if body.get("testStartTime") else None
        expires = parse_iso(body["expiresOn"], "expiresOn") if body.get("expiresOn") else None
        assignment = self.invitable(main_hash)
        assignment.public_id, assignment.updated_at = self.cat.new_uuid(), self.clock.now()
        return {
            "status": 200,
            "uniqueId": assignment.public_id,
            "mainTestUrlHash": main_hash,
            "testStartTime": iso(start),
            "expiresOn": iso(expires),
        }

    # --- results and reports --------------------------------------------------------------------------
    @api
    def results(self: IntervueSim, request: Request) -> dict[str, Any]:
        args = request.args
        page, size = page_params(args)
        sort = query_enum(args, "sortBy", tuple(RESULT_SORTS), "createdAt") or "createdAt"
        descending = query_enum(args, "sortByDirection", DIRECTIONS, "DESC") == "DESC"
        shortlisted = query_bool(args, "shortListed")
        active_test_id = query_int(args, "activeTestId", None)
        test_hash = args.get("testUrlHash") or None
        status = query_enum(args, "assignmentStatus", ASSIGNMENT_STATUSES, None)
        at = self.clock.now()
        rows = [
            inv
            for inv in self.cat.invitations.values()
            if (shortlisted is None or bool(inv.shortlisted) == shortlisted)
            and (active_test_id is None or inv.test.id == active_test_id)
            and (test_hash is None or test_hash in (inv.test.main_hash, inv.test.test_hash))
            and (status is None or inv.status(at) == status)
        ]
        rows.sort(key=RESULT_SORTS[sort], reverse=descending)
        page_rows, more = paginate(rows, page, size)
        return {
            "status": 200,
            "data": [self.result_json(inv) for inv in page_rows],
            "totalResults": len(rows),
            "next": more,
        }

    def result_json(self: IntervueHost, inv: Invitation) -> dict[str, Any]:
        assignment = self.assignment_of(inv)
        ended = inv.ended_at is not None
        percentage = inv.percentage(assignment.questions)
        return {
            "invitationUrlHash": inv.hash,
            "testName": assignment.name,
            "testExpiryDate": iso(inv.test.expiry),
            "testStartDate": iso(inv.test.start_date),
            "duration": assignment.duration,
            "candidateEmail": inv.email,
            "candidateName": inv.name,
            "disabled": inv.disabled,
            "shortListed": inv.shortlisted,
            "testCasesCheckStatus": "COMPLETED" if inv.points is not None else None,
            "reportUuid": inv.report_uuid,
            "activeTestId": inv.test.id,
            "tabSwitches": 0 if ended else None,
            "fullScreenExits": 0 if ended else None,
            "percentageScored": percentage,
            "scoringEvaluationStatus": "EVALUATED" if inv.points is not None else "UN_EVALUATED",
            "passedScoring": None if percentage is None else percentage >= assignment.cut_off,
            "isLocked": ended or inv.disabled,
            "invitationSendSuccess": inv.send_success,
            "autoDisqualified": False,
            "totalAttempted": len(assignment.questions) if ended else None,
            "totalQuestions": len(assignment.questions),
            "testFinalEntryDate": iso(inv.test.final_entry),
            "test": {"testUrlHash": inv.test.test_hash, "name": assignment.name},
        }

    def recording_links(self: IntervueHost, inv: Invitation) -> tuple[str | None, str | None]:
        """Code and playback links: pre-signed, so they expire; absent until the test ended."""
        if inv.ended_at is None:
            return None, None
        return (
            self.presign(self.base_url, f"assignments/{inv.hash}/code.txt"),
            self.presign(self.base_url, f"assignments/{inv.hash}/playback.mp4"),
        )

    @api
    def report(self: IntervueSim, request: Request, invitation_hash: str) -> dict[str, Any]:
        inv = self.invitation(invitation_hash)
        assignment = self.assignment_of(inv)
        code_link, playback_link = self.recording_links(inv)
        percentage = inv.percentage(assignment.questions)
        return {
            "status": 200,
            "data": {
                "interviewDuration": assignment.duration,
                "testCasesCheckStatus": "COMPLETED" if inv.points is not None else None,
                "interviewToBeEndedAt": iso(inv.deadline(assignment)),
                "interviewName": None,
                "interviewEndedAt": iso(inv.ended_at),
                "interviewStartedAt": iso(inv.started_at),
                "invitationUrlHash": inv.hash,
                "shortListed": inv.shortlisted,
                "percentageScored": percentage,
                "passedScoring": None if percentage is None else percentage >= assignment.cut_off,
                "autoDisqualified": False,
                "sectionWiseScores": inv.section_scores(assignment.questions),
                "testUrlHash": inv.test.test_hash,
                "test": {
                    "urlHash": inv.test.test_hash,
                    "name": assignment.name,
                    "expiryDate": iso(inv.test.expiry),
                    "duration": assignment.duration,
                    "disabled": assignment.disabled,
                    "publishStatus": assignment.publish_status,
                    "description": assignment.description,
                    "cutOffMarksPercentage": assignment.cut_off,
                    "result": inv.question_results(assignment.questions),
                },
                "plagiarism": "NA",
                "candidateInfo": None,
                "editEventsCount": 0,
                "candidateName": inv.name,
                "candidateEmail": inv.email,
                "codeLink": code_link,
                "playBackLink": playback_link,
            },
        }

    @api
    def detailed_report(self: IntervueSim, request: Request, test_hash: str) -> dict[str, Any]:
        assignment = self.assignment(test_hash)
        args = request.args
        page, size = page_params(args)
        active_test_id = query_int(args, "activeTestId", None)
        email = (args.get("email") or "").strip().lower() or None
        rows = [
            inv
            for inv in self.cat.invitations.values()
            if inv.test.main_hash == assignment.main_hash
            and test_hash in (assignment.main_hash, inv.test.test_hash)
            and (active_test_id is None or inv.test.id == active_test_id)
            and (email is None or inv.email == email)
        ]
        page_rows, more = paginate(rows, page, size)
        data = []
        for inv in page_rows:
            state = "submitted" if inv.ended_at else "in progress" if inv.started_at else "not submitted"
            report_link = self.presign(self.base_url, f"assignments/{inv.hash}/report.pdf") if inv.ended_at else "NA"
            data.append(
                {
                    "testUrlHash": inv.test.test_hash,
                    "candidateName": inv.name,
                    "candidateEmail": inv.email,
                    "shortListed": "NA" if inv.shortlisted is None else ("Yes" if inv.shortlisted else "No"),
                    "interviewStartedAt": iso(inv.started_at) or "NA",
                    "interviewEndedAt": iso(inv.ended_at) or "NA",
                    "scoringEvaluationStatus": "EVALUATED" if inv.points is not None else "UN_EVALUATED",
                    "status": state,
                    "timeTaken": inv.humanized_time_taken(),
                    "plagiarism": "NA",
                    "reportLink": report_link,
                    "others_attempted": 0,
                    "candidateInfo": dict.fromkeys(
                        ("college", "major", "city", "rollNumber", "phoneNumber", "degree", "cgpa", "stream"), "NA"
                    )
                    | {"resume": None},
                    "result": inv.question_results(assignment.questions, detailed=True),
                }
            )
        return {"status": 200, "data": data, "totalResults": len(rows), "next": more}


def test_config(raw: Any, label: str) -> tuple[str, list[tuple[str, int]]]:
    """One testConfig entry: the table names ``skillName``, the examples send ``skill: {name, id}``."""
    if not isinstance(raw, dict):
        raise ApiError(400, f'"{label}" must be of type object')
    if raw.get("skillName") is not None:
        skill = req_str(raw, "skillName", f"{label}.skillName")
    elif raw.get("skill") is not None:
        ref = req_obj(raw, "skill", f"{label}.skill")
        skill = req_str(ref, "name", f"{label}.skill.name")
        if ref.get("id") is not None and req_int(ref, "id", f"{label}.skill.id") not in SKILLS:
            raise ApiError(404, f"Skill {ref['id']} not found")
    else:
        raise ApiError(400, f'"{label}.skillName" is required')
    rows = []
    for i, entry in enumerate(req_list(raw, "config", f"{label}.config")):
        where = f"{label}.config[{i}]"
        if not isinstance(entry, dict):
            raise ApiError(400, f'"{where}" must be of type object')
        one_of(entry.get("difficultyLevel"), ("EASY", "MEDIUM", "HARD"), f"{where}.difficultyLevel")
        count = req_int(entry, "questionsCount", f"{where}.questionsCount", minimum=1)
        kind = one_of(entry.get("variantType"), tuple(QUESTION_POINTS), f"{where}.variantType")
        rows.append((kind, count))
    return skill, rows
