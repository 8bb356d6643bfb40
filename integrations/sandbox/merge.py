"""Simulator of Merge's unified ATS API: ScheduledInterview and the common models it refers to.

Every linked account (its ``X-Account-Token``) stands for one company's ATS behind Merge. The
accounts sit on different ATSs whose field support differs, as the document lists it: a field the
ATS lacks is left out of the object, and ``/interviews/meta/post`` describes what that ATS accepts.
Lists page with opaque cursors, newest first, so records created while a client pages never shift
the pages it has not read yet. The document describes no webhooks, so there are none.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .core import VendorSim, json_response, read_json

PREFIX = "/api/ats/v1"
API_KEY = "merge-sandbox-api-key"
GREENHOUSE_TOKEN = "merge-sandbox-greenhouse-account-token"  # noqa: S105 (fixed sandbox credential)
LEVER_TOKEN = "merge-sandbox-lever-account-token"  # noqa: S105 (fixed sandbox credential)

SEED_NAMESPACE = uuid.UUID("6f1d7c3e-1b0a-4b8e-9f1e-3d0c2a7b5e41")
SEED_BASE = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
NORMALIZED_STATUSES = ("SCHEDULED", "AWAITING_FEEDBACK", "COMPLETE")
FIELD_MAPPINGS: dict[str, dict[str, Any]] = {"organization_defined_targets": {}, "linked_account_defined_targets": {}}
TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


@dataclass(frozen=True)
class Resource:
    """One common model's list/detail endpoints."""

    fields: tuple[str, ...]
    filters: dict[str, str] = field(default_factory=dict)  # query parameter -> field it must equal
    expand: dict[str, str] = field(default_factory=dict)  # field -> resource its ids point into


COMMON_TAIL = ("remote_was_deleted", "field_mappings", "created_at", "modified_at", "remote_data")
RESOURCES: dict[str, Resource] = {
    "interviews": Resource(
        (
            "id", "remote_id", "application", "job_interview_stage", "organizer", "interviewers", "location",
            "start_at", "end_at", "remote_created_at", "remote_updated_at", "status", *COMMON_TAIL,
        ),
        filters={"application_id": "application", "job_interview_stage_id": "job_interview_stage",
                 "organizer_id": "organizer"},
        expand={"application": "applications", "job_interview_stage": "job-interview-stages",
                "organizer": "users", "interviewers": "users"},
    ),
    "jobs": Resource(
        (
            "id", "remote_id", "name", "description", "code", "status", "type", "job_postings",
            "job_posting_urls", "remote_created_at", "remote_updated_at", "confidential", "departments",
            "offices", "hiring_managers", "recruiters", *COMMON_TAIL,
        ),
        filters={"code": "code", "status": "status"},
        expand={"hiring_managers": "users", "recruiters": "users"},
    ),
    "job-interview-stages": Resource(
        ("id", "remote_id", "name", "job", "stage_order", *COMMON_TAIL),
        filters={"job_id": "job"},
        expand={"job": "jobs"},
    ),
    "candidates": Resource(
        (
            "id", "remote_id", "first_name", "last_name", "company", "title", "remote_created_at",
            "remote_updated_at", "last_interaction_at", "is_private", "can_email", "locations", "phone_numbers",
            "email_addresses", "urls", "tags", "applications", "attachments", *COMMON_TAIL,
        ),
        filters={"first_name": "first_name", "last_name": "last_name"},
        expand={"applications": "applications"},
    ),
    "applications": Resource(
        (
            "id", "remote_id", "candidate", "job", "applied_at", "rejected_at", "offers", "source",
            "credited_to", "screening_question_answers", "current_stage", "reject_reason", *COMMON_TAIL,
        ),
        filters={"candidate_id": "candidate", "job_id": "job", "current_stage_id": "current_stage",
                 "credited_to_id": "credited_to", "source": "source"},
        expand={"candidate": "candidates", "job": "jobs", "current_stage": "job-interview-stages",
                "credited_to": "users"},
    ),
    "users": Resource(
        ("id", "remote_id", "first_name", "last_name", "email", "disabled", "remote_created_at",
         "access_role", *COMMON_TAIL),
        filters={"email": "email"},
    ),
}  # fmt: skip

# ScheduledInterview fields that depend on the ATS; the rest are Merge's own and always there.
INTERVIEW_ATS_FIELDS = frozenset(
    ("application", "job_interview_stage", "organizer", "interviewers", "location", "start_at", "end_at",
     "remote_created_at", "remote_updated_at", "status")
)  # fmt: skip
WRITABLE = {
    "application": {"type": "string", "format": "uuid", "description": "The application being interviewed."},
    "job_interview_stage": {"type": "string", "format": "uuid", "description": "The stage of the interview."},
    "organizer": {"type": "string", "format": "uuid", "description": "The user organizing the interview."},
    "interviewers": {
        "type": "array",
        "items": {"type": "string", "format": "uuid"},
        "description": "Array of RemoteUser IDs.",
    },
    "location": {"type": "string", "description": "The interview's location."},
    "start_at": {"type": "string", "format": "date-time", "description": "When the interview was started."},
    "end_at": {"type": "string", "format": "date-time", "description": "When the interview was ended."},
    "status": {"type": "string", "enum": list(NORMALIZED_STATUSES), "description": "The interview's status."},
}


@dataclass(frozen=True)
class Integration:
    """The ATS behind a linked account, with what Merge can read from and write to it."""

    slug: str
    name: str
    interview_fields: frozenset[str]
    post_required: tuple[str, ...] | None  # None: Merge cannot create interviews in this ATS
    remote_statuses: dict[str, str]  # Merge's status -> the ATS's own value
    numeric_ids: bool  # Greenhouse counts; Lever hands out UUIDs
    job_titles: tuple[str, ...]
    locations: tuple[str, ...]
    email_domain: str


GREENHOUSE = Integration(
    slug="greenhouse",
    name="Greenhouse",
    interview_fields=INTERVIEW_ATS_FIELDS,
    post_required=("application", "job_interview_stage", "interviewers", "start_at", "end_at"),
    remote_statuses={"SCHEDULED": "scheduled", "AWAITING_FEEDBACK": "awaiting_feedback", "COMPLETE": "complete"},
    numeric_ids=True,
    job_titles=("Senior Backend Engineer", "Product Designer", "Data Analyst", "Customer Success Manager"),
    locations=("Embarcadero Center 2", "Zoom", "Google Meet", "Office 3B"),
    email_domain="example.com",
)
# The document lists neither status nor remote_updated_at for Lever, nor any POST support.
LEVER = Integration(
    slug="lever",
    name="Lever",
    interview_fields=INTERVIEW_ATS_FIELDS - {"status", "remote_updated_at"},
    post_required=None,
    remote_statuses={},
    numeric_ids=False,
    job_titles=("Frontend Engineer", "Site Reliability Engineer", "Account Executive", "Recruiting Coordinator"),
    locations=("Microsoft Teams", "Zoom", "HQ Boardroom", "Phone"),
    email_domain="example.org",
)
LINKED_ACCOUNTS = {GREENHOUSE_TOKEN: GREENHOUSE, LEVER_TOKEN: LEVER}

# The document's own example ids, seeded into the Greenhouse account so its examples replay as written.
DOC_IDS = {
    "users:0": "52bf9b5e-0beb-4f6f-8a72-cd4dca7ca633",
    "users:1": "f9813dd5-e70b-484c-91d8-00acd6065b07",
    "users:2": "89a86fcf-d540-4e6b-ac3d-ce07c4ec9b3c",
    "users:3": "58166795-8d68-4b30-9bfb-bfd402479484",
    "jobs:0": "52bf9b5e-0beb-4f6f-8a72-cd4dca7ca633",
    "job-interview-stages:0:1": "2f7adb59-3fe6-4b5b-aef6-563f72bd13dc",
    "job-interview-stages:0:2": "d578dfdc-7b0a-4ab6-a2b0-4b40f20eb9ea",
    "candidates:0": "2872ba14-4084-492b-be96-e5eee6fc33ef",
    "applications:0": "92e8a369-fffe-430d-b93a-f7e8a16563f1",
    "interviews:0": "b8faf072-98b9-4445-8a9a-6b4950efca19",
}
STAGES = ("Application Review", "Phone Screen", "Video Interview", "Onsite", "Offer")
FIRST_NAMES = (
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Edsger",
    "Radia",
)
LAST_NAMES = (
    "Lovelace",
    "Hopper",
    "Turing",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
)
SOURCES = ("Campus recruiting event", "LinkedIn", "Referral", "Company website")
SEED_USERS = 8
SEED_CANDIDATES = 60
DELETED_INTERVIEWS = frozenset({7, 41, 88})


class ApiError(Exception):
    """A refusal to answer, already shaped as Merge answers it."""

    def __init__(self, status: int, payload: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload


@dataclass
class LinkedAccount:
    token: str
    integration: Integration
    store: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {name: {} for name in RESOURCES})

    def get(self, resource: str, object_id: Any) -> dict[str, Any] | None:
        return self.store[resource].get(object_id) if isinstance(object_id, str) else None


def _rule(path: str, endpoint: str, methods: list[str], **defaults: str) -> Rule:
    return Rule(PREFIX + path, endpoint=endpoint, methods=methods, defaults=defaults or None)


class MergeSim(VendorSim):
    name = "merge"
    url_map = Map(
        [
            _rule("/interviews", "list_objects", ["GET"], resource="interviews"),
            _rule("/interviews", "create_interview", ["POST"]),
            _rule("/interviews/meta/post", "interview_meta", ["GET"]),
            _rule("/interviews/<object_id>", "get_object", ["GET"], resource="interviews"),
            *(
                rule
                for resource in RESOURCES
                if resource != "interviews"
                for rule in (
                    _rule(f"/{resource}", "list_objects", ["GET"], resource=resource),
                    _rule(f"/{resource}/<object_id>", "get_object", ["GET"], resource=resource),
                )
            ),
        ],
        redirect_defaults=False,
    )
    default_options = {"page_size": 100, "max_page_size": 100}
    credentials = {
        "api_key": API_KEY,
        "greenhouse_account_token": GREENHOUSE_TOKEN,
        "lever_account_token": LEVER_TOKEN,
    }

    # --- state ---------------------------------------------------------------------------
    def reset(self) -> None:
        self.accounts = {token: LinkedAccount(token, integration) for token, integration in LINKED_ACCOUNTS.items()}
        self._last_now = SEED_BASE
        for account in self.accounts.values():
            _seed(account)

    def _now(self) -> datetime:
        """Sandbox time, strictly increasing, so modified_after never misses a change."""
        self._last_now = max(self.clock.now(), self._last_now + timedelta(microseconds=1))
        return self._last_now

    # --- auth and errors --------------------------------------------------------------
    def error_response(self, status: int, message: str) -> Response:
        return json_response({"detail": message}, status=status)

    def authenticate(self, request: Request) -> Response | None:
        header = request.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        if not header.strip():
            return _unauthorized("Authentication credentials were not provided.")
        if scheme.lower() != "bearer" or key.strip() != API_KEY:
            return _unauthorized("Invalid API key.")
        token = request.headers.get("X-Account-Token", "").strip()
        if not token:
            return _unauthorized("Missing X-Account-Token header.")
        account = self.accounts.get(token)
        if account is None:
            return _unauthorized("Invalid X-Account-Token.")
        request.environ["merge.account"] = account
        return None

    # --- reads -------------------------------------------------------------------------
    def list_objects(self, request: Request, resource: str) -> Response:
        account: LinkedAccount = request.environ["merge.account"]
        spec = RESOURCES[resource]
        try:
            view = _View.from_query(request, spec)
            items = [record for record in account.store[resource].values() if view.keeps(record)]
            if resource == "candidates" and request.args.get("email_addresses"):
                wanted = {e.strip().lower() for e in request.args["email_addresses"].split(",") if e.strip()}
                items = [c for c in items if wanted & {e["value"].lower() for e in c["email_addresses"]}]
            page, next_cursor, previous_cursor = self._paginate(request, items)
        except ApiError as exc:
            return json_response(exc.payload, exc.status)
        results = [self._render(account, resource, record, view) for record in page]
        return json_response({"next": next_cursor, "previous": previous_cursor, "results": results})

    def get_object(self, request: Request, resource: str, object_id: str) -> Response:
        account: LinkedAccount = request.environ["merge.account"]
        record = account.get(resource, object_id)
        if record is None:
            return self.error_response(404, "Not found.")
        try:
            view = _View.from_query(request, RESOURCES[resource])
        except ApiError as exc:
            return json_response(exc.payload, exc.status)
        return json_response(self._render(account, resource, record, view))

    def interview_meta(self, request: Request) -> Response:
        integration = request.environ["merge.account"].integration
        writes = integration.post_required is not None
        model = {
            "type": "object",
            "properties": WRITABLE if writes else {},
            "required": list(integration.post_required or ()),
        }
        properties: dict[str, Any] = {"model": model}
        if writes:
            who = f"The {integration.name} user on whose behalf the interview is created."
            properties["remote_user_id"] = {"type": "string", "description": who}
        schema = {"type": "object", "properties": properties, "required": list(properties)}
        return json_response(
            {
                "request_schema": schema,
                "remote_field_classes": {},
                "status": {"linked_account_status": "COMPLETE", "can_make_request": True},
                "has_conditional_params": False,
                "has_required_linked_account_params": False,
            }
        )

    # --- writes ------------------------------------------------------------------------
    def create_interview(self, request: Request) -> Response:
        account: LinkedAccount = request.environ["merge.account"]
        try:
            debug = _flag(request.args.get("is_debug_mode"), "is_debug_mode")
        except ApiError as exc:
            return json_response(exc.payload, exc.status)
        body = read_json(request)
        if body is None and request.get_data():
            return self.error_response(400, "JSON parse error - the request body is not valid JSON.")
        problems = _Problems()
        values = _validate_post(account, body, problems)
        if problems.errors:
            return json_response({"warnings": problems.warnings, "errors": problems.errors}, 400)
        application = account.store["applications"][values["application"]]
        record = self._add_interview(
            account,
            application,
            account.store["job-interview-stages"][values["job_interview_stage"]],
            start_at=values["start_at"],
            end_at=values["end_at"],
            status=values.get("status", "SCHEDULED"),
            organizer=values.get("organizer"),
            interviewers=values["interviewers"],
            location=values.get("location"),
        )
        candidate = account.store["candidates"][application["candidate"]]
        self.count_invite(record["job_interview_stage"], candidate["email_addresses"][0]["value"])
        answer: dict[str, Any] = {
            "model": self._render(account, "interviews", record, _View()),
            "warnings": problems.warnings,
            "errors": [],
        }
        if debug:
            answer["logs"] = [_debug_log(record)]
        return json_response(answer, 201)

    def _add_interview(
        self,
        account: LinkedAccount,
        application: dict[str, Any],
        stage: dict[str, Any],
        *,
        start_at: datetime,
        end_at: datetime,
        status: str,
        organizer: str | None,
        interviewers: list[str],
        location: str | None,
    ) -> dict[str, Any]:
        """A ScheduledInterview created in the company's ATS and synced by Merge right away."""
        now = self._now()
        record = _interview_record(
            account,
            len(account.store["interviews"]),
            application=application["id"],
            stage=stage["id"],
            organizer=organizer,
            interviewers=interviewers,
            location=location,
            start_at=start_at,
            end_at=end_at,
            status=status,
            remote_created_at=now,
            created_at=now,
        )
        account.store["interviews"][record["id"]] = record
        return record

    # --- control API -------------------------------------------------------------------
    def control(self, parts: list[str], method: str, body: dict[str, Any]) -> Response | None:
        match parts:
            case ["accounts"] if method == "GET":
                return json_response(
                    [{"account_token": a.token, "integration": a.integration.name} for a in self.accounts.values()]
                )
            case ["interviews"] if method == "POST":
                return json_response(self._control_interview(body), 201)
        return None

    def _control_interview(self, body: dict[str, Any]) -> dict[str, Any]:
        """As if a recruiter scheduled an interview in the company's ATS."""
        account = self.accounts[body.get("account_token") or GREENHOUSE_TOKEN]
        application = account.store["applications"][body["application_id"]]
        stage = account.store["job-interview-stages"][body["job_interview_stage_id"]]
        if stage["job"] != application["job"]:
            raise ValueError("job_interview_stage_id belongs to another job than the application")
        start_at = _parse_datetime(body["start_at"]) if body.get("start_at") else self._now() + timedelta(days=2)
        if start_at is None:
            raise ValueError("start_at and end_at must be ISO 8601 date-times")
        end_at = _parse_datetime(body["end_at"]) if body.get("end_at") else start_at + timedelta(hours=1)
        if end_at is None:
            raise ValueError("start_at and end_at must be ISO 8601 date-times")
        users = list(account.store["users"])
        record = self._add_interview(
            account,
            application,
            stage,
            start_at=start_at,
            end_at=end_at,
            status=str(body.get("status") or "SCHEDULED"),
            organizer=body.get("organizer_id", users[0]),
            interviewers=list(body.get("interviewer_ids", users[1:3])),
            location=body.get("location", account.integration.locations[1]),
        )
        return self._render(account, "interviews", record, _View())

    def advance(self, ref: str, action: str) -> dict[str, Any]:
        account, record = self._find_interview(ref)
        if record["remote_was_deleted"]:
            raise ValueError(f"interview {record['id']} was deleted in {account.integration.name}")
        changed = False
        if action == "started":
            if record["status"] == "COMPLETE":
                raise ValueError("the interview is already complete")
            # An interview under way or over waits for feedback; one still ahead stays scheduled.
            target = "AWAITING_FEEDBACK" if record["start_at"] <= self.clock.now() else "SCHEDULED"
            changed = _set_status(account, record, target)
        elif action in ("completed", "scored"):
            changed = _set_status(account, record, "COMPLETE")
        elif action == "shortlisted":
            self._next_stage(account, record)
        elif action == "discarded":
            record["remote_was_deleted"] = changed = True
        if changed:
            record["remote_updated_at"] = record["modified_at"] = self._now()
        return {
            "integration": account.integration.name,
            "account_token": account.token,
            "scheduled_interview": self._render(account, "interviews", record, _View(include_deleted=True)),
        }

    def _next_stage(self, account: LinkedAccount, interview: dict[str, Any]) -> None:
        application = account.store["applications"][interview["application"]]
        stages = sorted(
            (s for s in account.store["job-interview-stages"].values() if s["job"] == application["job"]),
            key=lambda s: s["stage_order"],
        )
        position = next(i for i, s in enumerate(stages) if s["id"] == application["current_stage"])
        if position + 1 >= len(stages):
            raise ValueError("the application is already at its job's last stage")
        application["current_stage"] = stages[position + 1]["id"]
        application["modified_at"] = self._now()

    def _find_interview(self, ref: str) -> tuple[LinkedAccount, dict[str, Any]]:
        for account in self.accounts.values():
            interviews = account.store["interviews"]
            if ref in interviews:
                return account, interviews[ref]
            for record in interviews.values():
                if record["remote_id"] == ref:
                    return account, record
        email = ref.strip().lower()
        for account in self.accounts.values():
            candidates = {
                c["id"]
                for c in account.store["candidates"].values()
                if email in {e["value"].lower() for e in c["email_addresses"]}
            }
            applications = {a["id"] for a in account.store["applications"].values() if a["candidate"] in candidates}
            theirs = [i for i in account.store["interviews"].values() if i["application"] in applications]
            if theirs:
                # Their latest interview; one still standing beats a deleted one.
                return account, max(theirs, key=lambda i: (not i["remote_was_deleted"], i["created_at"], i["id"]))
        raise KeyError(ref)

    # --- rendering and paging ------------------------------------------------------------
    def _render(self, account: LinkedAccount, resource: str, record: dict[str, Any], view: _View) -> dict[str, Any]:
        spec = RESOURCES[resource]
        out: dict[str, Any] = {}
        for name in spec.fields:
            if resource == "interviews" and name in INTERVIEW_ATS_FIELDS - account.integration.interview_fields:
                continue  # the ATS has no such field: Merge leaves it out
            value = record.get(name)
            if name in view.origins and name in record.get("_origins", {}):
                value = record["_origins"][name]
            elif name in view.expand and value is not None:
                target = spec.expand[name]
                related = [account.get(target, v) for v in value] if isinstance(value, list) else None
                if related is not None:
                    value = [self._render(account, target, r, _View()) for r in related if r]
                elif (one := account.get(target, value)) is not None:
                    value = self._render(account, target, one, _View())
            elif name == "remote_data":
                value = [_remote_data(account, resource, record)] if view.remote_data else None
            out[name] = _jsonable(value)
        return out

    def _paginate(self, request: Request, items: list[dict[str, Any]]) -> tuple[list, str | None, str | None]:
        """Newest first by created_at; cursors carry a position, so inserts never shift unread pages."""
        size = self.option("page_size")
        with contextlib.suppress(ValueError):  # an unusable page_size falls back to the default
            size = int(request.args.get("page_size", size))
        size = min(size if size > 0 else self.option("page_size"), self.option("max_page_size"))
        items = sorted(items, key=_position, reverse=True)
        cursor = request.args.get("cursor")
        if not cursor:
            page, rest = items[:size], items[size:]
            return page, _cursor(page[-1], False) if rest else None, None
        position, reverse = _decode_cursor(cursor)
        if reverse:  # the page just before the position, read backwards from a `previous` cursor
            before = [r for r in items if _position(r) > position]
            page = before[-size:]
            more_before, more_after = len(before) > len(page), len(items) > len(before)
        else:
            after = [r for r in items if _position(r) < position]
            page = after[:size]
            more_before, more_after = len(items) > len(after), len(after) > len(page)
        if not page:
            return page, None, None
        return page, _cursor(page[-1], False) if more_after else None, _cursor(page[0], True) if more_before else None


# --- query parameters ------------------------------------------------------------------------------
@dataclass
class _View:
    """What a GET asks for: filters, deleted data, remote data, expansions, raw enum values."""

    filters: dict[str, str] = field(default_factory=dict)
    created_after: datetime | None = None
    created_before: datetime | None = None
    modified_after: datetime | None = None
    modified_before: datetime | None = None
    remote_id: str | None = None
    include_deleted: bool = False
    remote_data: bool = False
    expand: frozenset[str] = frozenset()
    origins: frozenset[str] = frozenset()

    @classmethod
    def from_query(cls, request: Request, spec: Resource) -> _View:
        args = request.args
        problems: dict[str, list[str]] = {}
        view = cls(
            filters={f: args[p] for p, f in spec.filters.items() if args.get(p)},
            remote_id=args.get("remote_id") or None,
        )
        for name in ("created_after", "created_before", "modified_after", "modified_before"):
            if args.get(name):
                moment = _parse_datetime(args[name])
                if moment is None:
                    problems[name] = ["Enter a valid date/time."]
                setattr(view, name, moment)
        for name, attribute in (("include_deleted_data", "include_deleted"), ("include_remote_data", "remote_data")):
            try:
                setattr(view, attribute, _flag(args.get(name), name))
            except ApiError as exc:
                problems.update(exc.payload)
        asked = {e.strip() for e in args.get("expand", "").split(",") if e.strip()}
        if asked - set(spec.expand):
            bad = ", ".join(sorted(asked - set(spec.expand)))
            problems["expand"] = [f"Select a valid choice. {bad} is not one of the available choices."]
        view.expand = frozenset(asked)
        origins = f"{args.get('remote_fields', '')},{args.get('show_enum_origins', '')}"
        view.origins = frozenset(o.strip() for o in origins.split(",") if o.strip())
        if problems:
            raise ApiError(400, problems)
        return view

    def keeps(self, record: dict[str, Any]) -> bool:
        if record["remote_was_deleted"] and not self.include_deleted:
            return False
        if self.remote_id is not None and record["remote_id"] != self.remote_id:
            return False
        if any(record.get(name) != value for name, value in self.filters.items()):
            return False
        bounds = (
            (self.created_after, record["created_at"], 1),
            (self.created_before, record["created_at"], -1),
            (self.modified_after, record["modified_at"], 1),
            (self.modified_before, record["modified_at"], -1),
        )
        return all(bound is None or (moment > bound if sign > 0 else moment < bound) for bound, moment, sign in bounds)


def _flag(value: str | None, name: str) -> bool:
    if value is None or value == "":
        return False
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ApiError(400, {name: ["Must be a valid boolean."]})


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:  # an unencoded "+00:00" in a query string arrives as " 00:00"
        moment = datetime.fromisoformat(value.strip().replace(" ", "+").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond:06d}Z" if moment.microsecond else f"{text}Z"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _position(record: dict[str, Any]) -> tuple[datetime, str]:
    return record["created_at"], record["id"]


def _cursor(record: dict[str, Any], reverse: bool) -> str:
    fields_ = {"p": f"{_iso(record['created_at'])}|{record['id']}"}
    if reverse:
        fields_["r"] = "1"
    return base64.urlsafe_b64encode(urlencode(fields_).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[tuple[datetime, str], bool]:
    invalid = ApiError(404, {"detail": "Invalid cursor"})
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        fields_ = parse_qs(decoded, strict_parsing=True)
        moment, _, object_id = fields_["p"][0].partition("|")
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise invalid from exc
    parsed = _parse_datetime(moment)
    if parsed is None or not object_id:
        raise invalid
    return (parsed, object_id), fields_.get("r") == ["1"]


def _unauthorized(message: str) -> Response:
    return json_response({"detail": message}, 401, headers={"WWW-Authenticate": 'Bearer realm="api"'})


# --- POST validation -----------------------------------------------------------------------------------
class _Problems:
    """Merge's validation problems for a write: errors refuse it, warnings only inform."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []

    @staticmethod
    def _problem(problem_type: str, title: str, detail: str, pointer: str | None) -> dict[str, Any]:
        problem: dict[str, Any] = {"title": title, "detail": detail, "problem_type": problem_type}
        problem["source"] = {"pointer": pointer} if pointer else None
        return problem

    def error(self, problem_type: str, title: str, detail: str, pointer: str | None = None) -> None:
        self.errors.append(self._problem(problem_type, title, detail, pointer))

    def warning(self, problem_type: str, title: str, detail: str, pointer: str | None = None) -> None:
        self.warnings.append(self._problem(problem_type, title, detail, pointer))

    def missing(self, pointer: str) -> None:
        name = pointer.rsplit("/", 1)[-1]
        self.error("MISSING_REQUIRED_FIELD", "Missing Required Field", f"{name} is a required field", pointer)

    def wrong_type(self, pointer: str, detail: str) -> None:
        self.error("INCORRECT_FIELD_TYPE", "Incorrect Field Type", detail, pointer)


def _validate_post(account: LinkedAccount, body: Any, problems: _Problems) -> dict[str, Any]:
    """The model's values converted, or the problems that refuse the write (checked against /meta/post)."""
    integration = account.integration
    if integration.post_required is None:
        problems.error(
            "ERROR",
            "Unsupported Operation",
            f"{integration.name} does not support creating ScheduledInterview objects through Merge.",
        )
        return {}
    if not isinstance(body, dict) or not isinstance(body.get("model"), dict):
        if isinstance(body, dict) and "model" in body:
            problems.wrong_type("/model", "model must be an object")
        else:
            problems.missing("/model")
        return {}
    remote_user_id = body.get("remote_user_id")
    if remote_user_id in (None, ""):
        problems.missing("/remote_user_id")
    elif not isinstance(remote_user_id, str):
        problems.wrong_type("/remote_user_id", "remote_user_id must be a string")

    model: dict[str, Any] = body["model"]
    for name in model:
        if name not in WRITABLE:
            problems.warning(
                "UNRECOGNIZED_FIELD",
                "Unrecognized Field",
                f"{name} is not a writable field for {integration.name} and was ignored",
                f"/model/{name}",
            )
    values: dict[str, Any] = {}
    for name in WRITABLE:
        value = model.get(name)
        pointer = f"/model/{name}"
        if value in (None, "", []):
            if name in integration.post_required:
                problems.missing(pointer)
            continue
        if name in ("application", "job_interview_stage", "organizer"):
            target = {"application": "applications", "job_interview_stage": "job-interview-stages"}.get(name, "users")
            if account.get(target, value) is None:
                problems.error("ERROR", "Related Object Not Found", f"No {name} with id {value!r} exists.", pointer)
                continue
        elif name == "interviewers":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.wrong_type(pointer, "interviewers must be an array of RemoteUser ids")
                continue
            unknown = [v for v in value if account.get("users", v) is None]
            if unknown:
                problems.error(
                    "ERROR", "Related Object Not Found", f"No RemoteUser with id {unknown[0]!r} exists.", pointer
                )
                continue
        elif name in ("start_at", "end_at"):
            value = _parse_datetime(value)
            if value is None:
                problems.wrong_type(pointer, f"{name} must be an ISO 8601 date-time")
                continue
        elif name == "status" and value not in NORMALIZED_STATUSES:
            problems.wrong_type(pointer, f"status must be one of {', '.join(NORMALIZED_STATUSES)}")
            continue
        elif name == "location" and not isinstance(value, str):
            problems.wrong_type(pointer, "location must be a string")
            continue
        values[name] = value

    if "start_at" in values and "end_at" in values and values["end_at"] < values["start_at"]:
        problems.error("ERROR", "Invalid Time Range", "end_at must not be before start_at", "/model/end_at")
    if "application" in values and "job_interview_stage" in values:
        application = account.store["applications"][values["application"]]
        if account.store["job-interview-stages"][values["job_interview_stage"]]["job"] != application["job"]:
            problems.error(
                "ERROR",
                "Invalid Interview Stage",
                "job_interview_stage belongs to another job than the application",
                "/model/job_interview_stage",
            )
    return values


def _debug_log(record: dict[str, Any]) -> dict[str, Any]:
    """What Merge sent the ATS (only Greenhouse takes interview writes)."""
    log_id = str(uuid.uuid5(SEED_NAMESPACE, f"log:{record['id']}"))
    return {
        "log_id": log_id,
        "dashboard_view": f"https://app.merge.dev/logs/{log_id}",
        "log_summary": {
            "url": "https://harvest.greenhouse.io/v1/scheduled_interviews",
            "method": "POST",
            "status_code": 201,
        },
    }


# --- records ------------------------------------------------------------------------------------------------
def _set_status(account: LinkedAccount, record: dict[str, Any], status: str) -> bool:
    """Set Merge's status; a value with no clear mapping passes through as the ATS's own."""
    remote = account.integration.remote_statuses
    normalized = {raw: merge for merge, raw in remote.items()}.get(status, status)
    if record["status"] == normalized:
        return False
    record["status"] = normalized
    record["_origins"] = {"status": remote.get(normalized, status)}
    return True


def _object_id(account: LinkedAccount, key: str) -> str:
    if account.integration is GREENHOUSE and key in DOC_IDS:
        return DOC_IDS[key]
    return str(uuid.uuid5(SEED_NAMESPACE, f"{account.integration.slug}:{key}"))


def _remote_id(account: LinkedAccount, key: str, number: int, start: int) -> str:
    if account.integration.numeric_ids:
        return str(start + number)
    return str(uuid.uuid5(SEED_NAMESPACE, f"lever-remote:{key}"))


def _common(account: LinkedAccount, key: str, number: int, start: int, created: datetime) -> dict:
    return {
        "id": _object_id(account, key),
        "remote_id": _remote_id(account, key, number, start),
        "remote_was_deleted": False,
        "field_mappings": FIELD_MAPPINGS,
        "created_at": created,
        "modified_at": created,
    }


def _interview_record(
    account: LinkedAccount,
    number: int,
    *,
    application: str,
    stage: str,
    organizer: str | None,
    interviewers: list[str],
    location: str | None,
    start_at: datetime,
    end_at: datetime,
    status: str,
    remote_created_at: datetime,
    created_at: datetime,
) -> dict[str, Any]:
    # Greenhouse's example interview is number 0 with remote id "3"; later ones count on from it.
    record = _common(account, f"interviews:{number}", number, 3, created_at)
    record.update(
        application=application,
        job_interview_stage=stage,
        organizer=organizer,
        interviewers=list(interviewers),
        location=location,
        start_at=start_at,
        end_at=end_at,
        remote_created_at=remote_created_at,
        remote_updated_at=remote_created_at,
        status=None,
    )
    _set_status(account, record, status)
    return record


def _remote_data(account: LinkedAccount, resource: str, record: dict[str, Any]) -> dict[str, Any]:
    """What the ATS itself answered, as Merge passes it through with include_remote_data."""
    greenhouse = account.integration.numeric_ids
    if resource == "interviews":
        if greenhouse:
            data = {
                "id": int(record["remote_id"]),
                "application_id": int(account.store["applications"][record["application"]]["remote_id"]),
                "start": {"date_time": _iso(record["start_at"])},
                "end": {"date_time": _iso(record["end_at"])},
                "location": record["location"],
                "status": record["_origins"]["status"],
                "created_at": _iso(record["remote_created_at"]),
                "updated_at": _iso(record["remote_updated_at"]),
            }
            return {"path": "/scheduled_interviews", "data": data}
        start = record["start_at"]
        data = {
            "id": record["remote_id"],
            "subject": account.store["job-interview-stages"][record["job_interview_stage"]]["name"],
            "date": int(start.timestamp() * 1000),
            "duration": int((record["end_at"] - start).total_seconds() // 60),
            "location": record["location"],
            "createdAt": int(record["remote_created_at"].timestamp() * 1000),
        }
        return {"path": "/interviews", "data": data}
    data = {"id": int(record["remote_id"]) if greenhouse else record["remote_id"]}
    for name in ("name", "first_name", "last_name", "email"):
        if name in record:
            data[name] = record[name]
    return {"path": f"/{resource.replace('job-interview-stages', 'stages')}", "data": data}


def _seed(account: LinkedAccount) -> None:
    """A small, deterministic company ATS: users, jobs with stages, candidates, applications, interviews."""
    ats = account.integration
    store = account.store
    long_ago = SEED_BASE - timedelta(days=60)

    users = []
    for n in range(SEED_USERS):
        first, last = FIRST_NAMES[(n * 5 + 3) % 12], LAST_NAMES[(n * 3 + 1) % 10]
        user = _common(account, f"users:{n}", n, 4100, long_ago + timedelta(minutes=n))
        user.update(
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@recruiting.{ats.slug}.example.com",
            disabled=False,
            remote_created_at=long_ago - timedelta(days=200 - n),
            access_role="ADMIN" if n == 0 else "INTERVIEWER" if n < 7 else "TEAM_MEMBER",
        )
        users.append(user)

    jobs, stages_by_job = [], []
    for j, title in enumerate(ats.job_titles):
        created = long_ago + timedelta(hours=j + 1)
        job = _common(account, f"jobs:{j}", j, 870, created)
        job.update(
            name=title,
            description=f"<p>{title} at the sandbox company.</p>",
            code=f"{ats.slug[:2].upper()}-{j + 1:03d}",
            status="OPEN",
            type="POSTING",
            job_postings=[],
            job_posting_urls=[],
            remote_created_at=created - timedelta(days=3),
            remote_updated_at=created - timedelta(days=1),
            confidential=False,
            departments=[],
            offices=[],
            hiring_managers=[users[0]["id"]],
            recruiters=[users[7]["id"]],
            _origins={"status": "open" if ats.numeric_ids else "published"},
        )
        jobs.append(job)
        stages = []
        for s, stage_name in enumerate(STAGES):
            stage = _common(account, f"job-interview-stages:{j}:{s}", j * 10 + s, 5200, created + timedelta(minutes=s))
            stage.update(name=stage_name, job=job["id"], stage_order=s)
            stages.append(stage)
        stages_by_job.append(stages)

    candidates, applications = [], []
    for n in range(SEED_CANDIDATES):
        offset = 0 if ats.numeric_ids else 5
        first, last = FIRST_NAMES[(n + offset) % 12], LAST_NAMES[(n * 7 + offset) % 10]
        remote_created = SEED_BASE - timedelta(days=30) + timedelta(hours=9 * n)
        candidate = _common(account, f"candidates:{n}", n, 40517000, remote_created + timedelta(hours=1))
        application = _common(account, f"applications:{n}", n, 98796, remote_created + timedelta(hours=1, minutes=5))
        job, stages = jobs[n % len(jobs)], stages_by_job[n % len(jobs)]
        candidate.update(
            first_name=first,
            last_name=last,
            company=None,
            title=None,
            remote_created_at=remote_created,
            remote_updated_at=remote_created,
            last_interaction_at=remote_created,
            is_private=False,
            can_email=True,
            locations=["San Francisco, CA"] if n % 2 else ["Remote"],
            phone_numbers=[{"value": f"+1415555{n:04d}", "phone_number_type": "MOBILE"}],
            email_addresses=[
                {"value": f"{first.lower()}.{last.lower()}.{n}@{ats.email_domain}", "email_address_type": "PERSONAL"}
            ],
            urls=[],
            tags=[],
            applications=[application["id"]],
            attachments=[],
        )
        rejected = n % 13 == 5
        application.update(
            candidate=candidate["id"],
            job=job["id"],
            applied_at=remote_created,
            rejected_at=remote_created + timedelta(days=20) if rejected else None,
            offers=[],
            source=SOURCES[n % len(SOURCES)],
            credited_to=users[3 if n % 2 == 0 else 4]["id"],
            screening_question_answers=[],
            current_stage=stages[2]["id"],
            reject_reason=None,
        )
        candidates.append(candidate)
        applications.append(application)

    for i in range(2 * SEED_CANDIDATES):
        application = applications[i // 2]
        stages = stages_by_job[(i // 2) % len(jobs)]
        created = SEED_BASE + timedelta(hours=7 * i)
        start = created + timedelta(days=3 + i % 7, hours=1)
        status = "COMPLETE" if i < 70 else "AWAITING_FEEDBACK" if i < 95 else "SCHEDULED"
        record = _interview_record(
            account,
            i,
            application=application["id"],
            stage=stages[1 + i % 2]["id"],
            organizer=users[0 if i % 2 == 0 else 7]["id"],
            interviewers=[users[1 + i % 6]["id"], users[1 + (i + 1) % 6]["id"]],
            location=ats.locations[i % len(ats.locations)],
            start_at=start,
            end_at=start + timedelta(minutes=45 if i % 3 else 60),
            status=status,
            remote_created_at=created - timedelta(hours=2),
            created_at=created,
        )
        # Every fourth interview was changed in the ATS weeks later: modified_after finds those.
        later = timedelta(days=20, hours=i) if i % 4 == 3 else timedelta(hours=i % 5)
        record["remote_updated_at"] = record["modified_at"] = created + later
        record["remote_was_deleted"] = i in DELETED_INTERVIEWS
        store["interviews"][record["id"]] = record

    for resource, records in (
        ("users", users),
        ("jobs", jobs),
        ("candidates", candidates),
        ("applications", applications),
    ):
        store[resource].update((r["id"], r) for r in records)
    for stages in stages_by_job:
        store["job-interview-stages"].update((s["id"], s) for s in stages)
