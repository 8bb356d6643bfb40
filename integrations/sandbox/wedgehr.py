"""Simulator of the WedgeHR Connect API v2 (vendor document 000).

Interviews are the catalog (what a pipeline stage maps to). A wedge is one
candidate taking one interview; an invite is an invitation into a wedge, and a
wedge may hold several (a candidate invited again while the first is open).
WedgeHR sends no webhooks: clients poll the invites.

The API is Laravel-shaped (the cursor is Laravel's, ``meta.path``), so where the
document shows no body (401, 422, 400, 404) the sandbox answers with Laravel's
``{"message": ..., "errors": {...}}`` bodies.
"""

from __future__ import annotations

import base64
import functools
import hmac
import json
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .core import VendorSim, json_response, read_json

# Invite statuses, in the order of their numeric codes 0-4.
STATUSES = ("unknown", "invited", "complete", "send_failure", "canceled")
OPEN_STATUSES = frozenset({"unknown", "invited", "send_failure"})
COMPANY_ID = 7182893298555114
SEED_TIME = datetime(2023, 9, 1, tzinfo=UTC)
# Invitation emails to this domain bounce: the invite ends up send_failure.
BOUNCE_DOMAIN = "bounce.test"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+")

ROLES = (
    "Warehouse Associate",
    "Delivery Driver",
    "Registered Nurse",
    "Barista",
    "Line Cook",
    "Forklift Operator",
    "Dental Assistant",
    "Security Officer",
    "Retail Sales Associate",
    "Electrician",
    "Pharmacy Technician",
    "Call Center Agent",
    "Bank Teller",
    "Housekeeper",
    "Truck Driver (CDL-A)",
    "Medical Receptionist",
    "Caregiver",
    "Maintenance Technician",
)
LOCATIONS = ("Chicago", "Austin", "Denver", "Phoenix", "Seattle", "Atlanta", "Boston", "Miami", "Portland")
BRANDS = ("Acme", "Globex", "Initech", "Umbrella", "Stark")
GENERATED_INTERVIEWS = 125  # plus the document's five: 130, five pages at the default size of 30


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit())


@dataclass
class Interview:
    id: int
    name: str
    properties: list[dict[str, str]]
    created_at: str

    def as_json(self) -> dict[str, Any]:
        return {
            "_type": "interview",
            "id": self.id,
            "companyId": COMPANY_ID,
            "name": self.name,
            "nameContextualized": self.name,
            "properties": self.properties,
            "createdAt": self.created_at,
        }


@dataclass
class Invite:
    id: int
    wedge_id: int
    interview_id: int
    email: str
    unique_id: str | None
    token: str
    invite_sent: bool
    status: str
    created_at: str
    expires_at: str | None = None


@dataclass
class Wedge:
    id: int
    interview_id: int
    email: str
    first_name: str | None
    last_name: str | None
    created_at: str
    invite_ids: list[int] = field(default_factory=list)
    started_at: str | None = None  # WedgeHR exposes no in-progress state; kept for the control API only
    completed_at: str | None = None
    result_token: str | None = None


class ApiError(Exception):
    """An error answer, raised from anywhere inside a handler."""

    def __init__(self, status: int, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors

    def response(self) -> Response:
        body: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return json_response(body, self.status)


def answers_errors(handler: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(handler)
    def wrapped(self: WedgeHRSim, request: Request, **values: Any) -> Response:
        try:
            return handler(self, request, **values)
        except ApiError as exc:
            return exc.response()

    return wrapped


def _encode_cursor(key: str, value: int, points_to_next: bool) -> str:
    raw = json.dumps({key: value, "_pointsToNextItems": points_to_next}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, key: str) -> tuple[int, bool]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        value, forward = decoded[key], decoded["_pointsToNextItems"]
    except (ValueError, TypeError, KeyError):
        raise ApiError(400, "Bad cursor given.") from None
    if not _is_int(value) or not isinstance(forward, bool):
        raise ApiError(400, "Bad cursor given.")
    return int(value), forward


def _filters(request: Request, allowed: tuple[str, ...]) -> dict[str, str]:
    """The ``filter[name]=value`` parameters; unknown or empty filters are refused."""
    found = {key[7:-1]: value for key, value in request.args.items() if key.startswith("filter[") and key.endswith("]")}
    unknown = sorted(set(found) - set(allowed))
    if unknown:
        listed = ", ".join(allowed)
        raise ApiError(
            400, f"Requested filter(s) `{', '.join(unknown)}` are not allowed. Allowed filter(s) are `{listed}`."
        )
    for name, value in found.items():
        if not value.strip():
            raise ApiError(400, f"Bad filter given: filter[{name}] is empty.")
    return found


def _int_filter(filters: dict[str, str], name: str) -> int | None:
    if name not in filters:
        return None
    if not _is_int(filters[name]):
        raise ApiError(400, f"Bad filter ID given: filter[{name}] must be an integer.")
    return int(filters[name])


def _status_filter(value: str) -> str:
    if value in STATUSES:
        return value
    if value.isascii() and value.isdigit() and int(value) < len(STATUSES):
        return STATUSES[int(value)]
    raise ApiError(400, f"Bad filter given: filter[status] must be one of {', '.join(STATUSES)} or 0-4.")


class WedgeHRSim(VendorSim):
    name = "wedgehr"
    credentials = {"api_key": "wedgehr-sandbox-token"}
    default_options = {"default_page_size": 30, "max_page_size": 100}
    url_map = Map(
        [
            Rule("/connect/v2/invites", endpoint="list_invites", methods=["GET"]),
            Rule("/connect/v2/invites", endpoint="create_invite", methods=["POST"]),
            Rule("/connect/v2/invites/<invite_id>", endpoint="get_invite", methods=["GET"]),
            Rule("/connect/v2/wedges", endpoint="list_wedges", methods=["GET"]),
            Rule("/connect/v2/wedges/<wedge_id>", endpoint="get_wedge", methods=["GET"]),
            Rule("/connect/v2/wedges/<wedge_id>/resend-invite", endpoint="resend_invite", methods=["POST"]),
            Rule("/connect/v2/interviews", endpoint="list_interviews", methods=["GET"]),
            # The public pages behind inviteUrl and resultUrl (no API key: candidates and reviewers open them).
            Rule("/record/<token>", endpoint="record_page", methods=["GET"]),
            Rule("/results/<token>", endpoint="result_page", methods=["GET"]),
        ]
    )

    # --- seeded state ---------------------------------------------------------------------
    def reset(self) -> None:
        self.rng = random.Random("wedgehr-seed")
        self.used_ids: set[int] = set()
        self.catalog: dict[int, Interview] = {}
        self.wedge_rows: dict[int, Wedge] = {}
        self.invitations: dict[int, Invite] = {}
        # Indexes, so that the sandbox's cost per request stays flat however many invites it holds.
        self.by_unique_id: dict[str, Invite] = {}
        self.invites_by_interview: dict[int, list[Invite]] = {}
        self.invites_by_email: dict[str, list[Invite]] = {}
        self.wedges_by_candidate: dict[tuple[int, str], list[Wedge]] = {}
        self._seed_interviews()
        self._seed_wedges()

    def _add_wedge(self, wedge: Wedge) -> None:
        self.wedge_rows[wedge.id] = wedge
        self.wedges_by_candidate.setdefault((wedge.interview_id, wedge.email.lower()), []).append(wedge)

    def _add_invite(self, invite: Invite) -> None:
        self.invitations[invite.id] = invite
        if invite.unique_id:
            self.by_unique_id.setdefault(invite.unique_id, invite)  # the first one holds the uniqueId
        self.invites_by_interview.setdefault(invite.interview_id, []).append(invite)
        self.invites_by_email.setdefault(invite.email.lower(), []).append(invite)
        self.wedge_rows[invite.wedge_id].invite_ids.append(invite.id)

    def _new_id(self, wanted: int | None = None) -> int:
        new = wanted
        while new is None or new in self.used_ids:
            new = self.rng.randrange(10**15, 9 * 10**15)  # large ids like WedgeHR's, exact in JSON doubles
        self.used_ids.add(new)
        return new

    def _now(self) -> str:
        return _stamp(self.clock.now())

    def _token(self) -> str:
        return "".join(self.rng.choice(BASE58) for _ in range(22))

    def _seed_interviews(self) -> None:
        chicago = [{"name": "Location", "value": "Chicago"}]
        documented = [
            (2, "Customer Support Representative", []),  # the interviewId of the create-invite example
            (1382244997593464, "Movers", chicago),
            (5911293050157308, "General Practitioner", [{"name": "Location", "value": "Boston"}]),
            (5972691925058329, "General Practitioner", []),
            (7749825975819241, "Acme Movers", chicago),
        ]
        for interview_id, name, properties in documented:
            self.catalog[self._new_id(interview_id)] = Interview(interview_id, name, properties, _stamp(SEED_TIME))
        for i in range(GENERATED_INTERVIEWS):
            role = ROLES[i % len(ROLES)]
            name = f"{BRANDS[(i // 4) % len(BRANDS)]} {role}" if i % 4 == 0 else role
            location = LOCATIONS[(i // len(ROLES) + i) % len(LOCATIONS)]
            properties = [] if i % 5 == 4 else [{"name": "Location", "value": location}]
            interview_id = self._new_id()
            created = _stamp(SEED_TIME + timedelta(days=1 + i // 3, hours=i % 3))
            self.catalog[interview_id] = Interview(interview_id, name, properties, created)

    def _seed_wedges(self) -> None:
        # The document's own example: wedge 4017600317622981 holding invite 7952721015002024.
        self._seed(
            5911293050157308,
            "job_invite@wedge.test",
            "Fred",
            "Smith",
            ["invited"],
            wedge_id=4017600317622981,
            invite_id=7952721015002024,
            url_key="sew9R6MWqgrTAqukzJogxT",
            unique_id="32092387-2b2c-48f0-b864-2019c48fd4ce",
        )
        self._seed(1382244997593464, "test@wedge.test", "Tess", "Tester", ["complete"], day=2)
        self._seed(5972691925058329, "ana.lopez@example.com", "Ana", "Lopez", ["invited"], day=3, unique_id="seed-ana")
        self._seed(1382244997593464, "ben.okafor@example.com", "Ben", "Okafor", ["complete"], day=4)
        self._seed(2, "chloe.martin@example.com", "Chloe", "Martin", ["unknown"], day=5)
        self._seed(5972691925058329, f"dev.patel@{BOUNCE_DOMAIN}", "Dev", "Patel", ["send_failure"], day=6)
        self._seed(7749825975819241, "emma.wright@example.com", "Emma", "Wright", ["canceled"], day=7)
        self._seed(2, "farid.haddad@example.com", "Farid", "Haddad", ["invited", "invited"], day=8)
        self._seed(
            5911293050157308, "grace.kim@example.com", None, None, ["invited"], day=9, expires="2030-01-01T00:00:00Z"
        )
        self._seed(1382244997593464, "hugo.silva@example.com", "Hugo", "Silva", ["complete"], day=10)

    def _seed(
        self,
        interview_id: int,
        email: str,
        first: str | None,
        last: str | None,
        statuses: list[str],
        *,
        day: int = 0,
        wedge_id: int | None = None,
        invite_id: int | None = None,
        url_key: str | None = None,
        unique_id: str | None = None,
        expires: str | None = None,
    ) -> None:
        created = _stamp(SEED_TIME + timedelta(days=day))
        wedge = Wedge(self._new_id(wedge_id), interview_id, email, first, last, created)
        self._add_wedge(wedge)
        for status in statuses:
            invite = Invite(
                id=self._new_id(invite_id),
                wedge_id=wedge.id,
                interview_id=interview_id,
                email=email,
                unique_id=unique_id,
                token=url_key or self._token(),
                invite_sent=status in ("invited", "complete", "canceled"),
                status=status,
                created_at=created,
                expires_at=expires,
            )
            self._add_invite(invite)
            invite_id = url_key = unique_id = None
        if "complete" in statuses:
            wedge.started_at = created
            wedge.completed_at = _stamp(SEED_TIME + timedelta(days=day, hours=5))
            wedge.result_token = self._token()

    # --- vendor plumbing ------------------------------------------------------------------
    def error_response(self, status: int, message: str) -> Response:
        return ApiError(status, message).response()

    def authenticate(self, request: Request) -> Response | None:
        if not request.path.startswith(f"/{self.name}/connect/"):
            return None  # the public invite and result pages
        header = request.headers.get("Authorization", "")
        token = header[len("Bearer ") :] if header.startswith("Bearer ") else ""
        if not token or not hmac.compare_digest(token.encode(), self.credentials["api_key"].encode()):
            return self.error_response(401, "Unauthenticated.")
        return None

    def _url(self, request: Request, path: str) -> str:
        return f"{request.host_url.rstrip('/')}/{self.name}/{path}"

    def _result_url(self, request: Request, wedge: Wedge) -> str | None:
        return self._url(request, f"results/{wedge.id}.{wedge.result_token}") if wedge.completed_at else None

    def _invite_json(self, request: Request, invite: Invite, nested: bool = False) -> dict[str, Any]:
        wedge = self.wedge_rows[invite.wedge_id]
        complete = invite.status == "complete"
        data: dict[str, Any] = {
            "id": invite.id,
            "interviewId": invite.interview_id,
            "email": invite.email,
            "uniqueId": invite.unique_id,
            "inviteUrl": self._url(request, f"record/{invite.id}.{invite.token}"),
            "resultUrl": self._result_url(request, wedge) if complete else None,
            "inviteSent": invite.invite_sent,
            "status": invite.status,
        }
        if not nested:  # the document's wedge examples list their invites without timestamps
            data["createdAt"] = invite.created_at
            data["expiresAt"] = None if complete else invite.expires_at
            data["completedAt"] = wedge.completed_at if complete else None
        return data

    def _wedge_invites(self, wedge: Wedge) -> list[Invite]:
        return [self.invitations[i] for i in wedge.invite_ids]

    def _wedge_json(self, request: Request, wedge: Wedge) -> dict[str, Any]:
        interview = self.catalog[wedge.interview_id]
        invites = self._wedge_invites(wedge)
        open_expiry = [i.expires_at for i in invites if i.status in OPEN_STATUSES and i.expires_at]
        return {
            "id": wedge.id,
            "candidateFirstName": wedge.first_name,
            "candidateLastName": wedge.last_name,
            "candidateEmail": wedge.email,
            "interviewId": interview.id,
            "interviewName": interview.name,
            "interviewNameContextualized": interview.name,
            "expiresAt": None if wedge.completed_at or not open_expiry else max(open_expiry),
            "completedAt": wedge.completed_at,
            "createdAt": wedge.created_at,
            "resultUrl": self._result_url(request, wedge),
            "invites": [self._invite_json(request, i, nested=True) for i in invites],
        }

    def _paginate(self, request: Request, rows: Iterable[Any], key: str) -> tuple[list[Any], dict[str, Any]]:
        """Laravel's cursor pagination by ascending id: the page, plus the ``meta`` and ``pagination`` blocks."""
        size = self.option("default_page_size")
        raw_size = request.args.get("page[size]")
        if raw_size is not None:
            if not _is_int(raw_size) or int(raw_size) < 1:
                raise ApiError(400, "Bad page size given: page[size] must be a whole number from 1 to 100.")
            size = min(int(raw_size), self.option("max_page_size"))
        raw_cursor = request.args.get("page[cursor]")
        cursor = _decode_cursor(raw_cursor, key) if raw_cursor else None

        ordered = sorted(rows, key=lambda row: row.id)
        forward = cursor is None or cursor[1]
        if cursor is None:
            window = ordered[: size + 1]
        elif forward:
            window = [row for row in ordered if row.id > cursor[0]][: size + 1]
        else:
            window = [row for row in ordered if row.id < cursor[0]][-(size + 1) :]
        has_more = len(window) > size
        page = window[:size] if forward else window[-size:]

        prev_cursor = next_cursor = None
        if page:
            if cursor is not None and (forward or has_more):
                prev_cursor = _encode_cursor(key, page[0].id, False)
            if has_more or (cursor is not None and not forward):
                next_cursor = _encode_cursor(key, page[-1].id, True)
        blocks = {
            "meta": {"path": request.base_url, "per_page": size},
            "pagination": {"prev": prev_cursor, "next": next_cursor},
        }
        return page, blocks

    # --- invites ----------------------------------------------------------------------------
    @answers_errors
    def list_invites(self, request: Request) -> Response:
        filters = _filters(request, ("id", "interviewId", "uniqueId", "email", "status"))
        invite_id = _int_filter(filters, "id")
        interview_id = _int_filter(filters, "interviewId")
        status = _status_filter(filters["status"]) if "status" in filters else None
        rows = [
            invite
            for invite in self._invite_candidates(filters, invite_id, interview_id)
            if (invite_id is None or invite.id == invite_id)
            and (interview_id is None or invite.interview_id == interview_id)
            and ("uniqueId" not in filters or invite.unique_id == filters["uniqueId"])
            and ("email" not in filters or invite.email.lower() == filters["email"].strip().lower())
            and (status is None or invite.status == status)
        ]
        if not rows:
            raise ApiError(404, "No invites found for given filter query.")
        page, blocks = self._paginate(request, rows, "invite.id")
        return json_response({"data": [self._invite_json(request, i) for i in page], **blocks})

    def _invite_candidates(
        self, filters: dict[str, str], invite_id: int | None, interview_id: int | None
    ) -> list[Invite]:
        """The invites a filter can match, from the narrowest index; the filter itself still applies."""
        if invite_id is not None:
            return [self.invitations[invite_id]] if invite_id in self.invitations else []
        if "uniqueId" in filters:
            found = self.by_unique_id.get(filters["uniqueId"])
            return [found] if found else []
        if "email" in filters:
            return self.invites_by_email.get(filters["email"].strip().lower(), [])
        if interview_id is not None:
            return self.invites_by_interview.get(interview_id, [])
        return list(self.invitations.values())

    @answers_errors
    def get_invite(self, request: Request, invite_id: str) -> Response:
        invite = self.invitations.get(int(invite_id)) if _is_int(invite_id) else None
        if invite is None:
            raise ApiError(404, "Invite not found.")
        return json_response({"data": self._invite_json(request, invite)})

    @answers_errors
    def create_invite(self, request: Request) -> Response:
        body = read_json(request)
        body = body if isinstance(body, dict) else {}
        # Laravel trims strings and turns empty ones into null before validating.
        body = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in body.items()}
        self._validate_invite(body)

        unique_id = body.get("uniqueId")
        existing = self.by_unique_id.get(unique_id) if unique_id else None
        if existing is not None:  # a retry with the same uniqueId gets the invite it created the first time
            return json_response({"data": self._invite_json(request, existing)}, 201)

        interview = self.catalog[int(body["interviewId"])]
        email = body["email"]
        wedge = self._open_wedge(interview.id, email)
        if wedge is None:
            wedge = Wedge(self._new_id(), interview.id, email, body.get("firstName"), body.get("lastName"), self._now())
            self._add_wedge(wedge)
        # Absent means send: the documented example misspells the parameter and still shows inviteSent true.
        send = body.get("shouldSendInvite")
        send = True if send is None else send in (True, "1")
        bounced = send and email.lower().endswith("@" + BOUNCE_DOMAIN)
        invite = Invite(
            id=self._new_id(),
            wedge_id=wedge.id,
            interview_id=interview.id,
            email=email,
            unique_id=unique_id,
            token=self._token(),
            invite_sent=send and not bounced,
            status="send_failure" if bounced else "invited" if send else "unknown",
            created_at=self._now(),
        )
        self._add_invite(invite)
        self.count_invite(str(interview.id), email)
        if not bounced:
            self.on_invited(str(invite.id))
        return json_response({"data": self._invite_json(request, invite)}, 201)

    def _validate_invite(self, body: dict[str, Any]) -> None:
        errors: dict[str, list[str]] = {}
        interview_id = body.get("interviewId")
        if interview_id is None:
            errors["interviewId"] = ["The interview id field is required."]
        elif not _is_int(interview_id):
            errors["interviewId"] = ["The interview id field must be an integer."]
        elif int(interview_id) not in self.catalog:
            errors["interviewId"] = ["The selected interview id is invalid."]
        email = body.get("email")
        if email is None:
            errors["email"] = ["The email field is required."]
        elif not isinstance(email, str) or not EMAIL_RE.fullmatch(email):
            errors["email"] = ["The email field must be a valid email address."]
        for key, label in (("firstName", "first name"), ("lastName", "last name"), ("uniqueId", "unique id")):
            value = body.get(key)
            if value is not None and not isinstance(value, str):
                errors[key] = [f"The {label} field must be a string."]
            elif value is not None and len(value) > 255:
                errors[key] = [f"The {label} field must not be greater than 255 characters."]
        send = body.get("shouldSendInvite")
        if send is not None and (isinstance(send, float) or send not in (True, False, "0", "1")):
            errors["shouldSendInvite"] = ["The should send invite field must be true or false."]
        if errors:
            messages = [m for ms in errors.values() for m in ms]
            more = len(messages) - 1
            suffix = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
            raise ApiError(422, messages[0] + suffix, errors)

    def _open_wedge(self, interview_id: int, email: str) -> Wedge | None:
        """The candidate's unfinished wedge for this interview: a new invite joins it."""
        for wedge in reversed(self.wedges_by_candidate.get((interview_id, email.lower()), [])):
            if any(i.status in OPEN_STATUSES for i in self._wedge_invites(wedge)):
                return wedge
        return None

    # --- wedges -----------------------------------------------------------------------------
    @answers_errors
    def list_wedges(self, request: Request) -> Response:
        filters = _filters(request, ("id", "interviewId", "email"))
        wedge_id = _int_filter(filters, "id")
        interview_id = _int_filter(filters, "interviewId")
        rows = [
            wedge
            for wedge in self.wedge_rows.values()
            if (wedge_id is None or wedge.id == wedge_id)
            and (interview_id is None or wedge.interview_id == interview_id)
            and ("email" not in filters or wedge.email.lower() == filters["email"].strip().lower())
        ]
        if not rows:
            raise ApiError(404, "No wedges found for given filter query.")
        page, blocks = self._paginate(request, rows, "wedge.id")
        return json_response({"data": [self._wedge_json(request, w) for w in page], **blocks})

    def _wedge(self, wedge_id: str) -> Wedge:
        wedge = self.wedge_rows.get(int(wedge_id)) if _is_int(wedge_id) else None
        if wedge is None:
            raise ApiError(404, "Wedge not found.")
        return wedge

    @answers_errors
    def get_wedge(self, request: Request, wedge_id: str) -> Response:
        return json_response({"data": self._wedge_json(request, self._wedge(wedge_id))})

    @answers_errors
    def resend_invite(self, request: Request, wedge_id: str) -> Response:
        wedge = self._wedge(wedge_id)
        pending = [i for i in self._wedge_invites(wedge) if i.status in OPEN_STATUSES]
        if pending:  # a finished wedge has nothing to resend; the document lists no error for it
            invite = pending[-1]
            bounced = invite.email.lower().endswith("@" + BOUNCE_DOMAIN)
            invite.invite_sent = not bounced
            invite.status = "send_failure" if bounced else "invited"
        return json_response({"data": self._wedge_json(request, wedge)})

    # --- interviews ---------------------------------------------------------------------------
    @answers_errors
    def list_interviews(self, request: Request) -> Response:
        search = _filters(request, ("search",)).get("search", "").strip().lower()
        rows = [interview for interview in self.catalog.values() if search in interview.name.lower()]
        page, blocks = self._paginate(request, rows, "job.id")
        # 201 is what the document gives for a successful listing.
        return json_response({"data": [i.as_json() for i in page], **blocks}, 201)

    # --- public pages ---------------------------------------------------------------------------
    def record_page(self, request: Request, token: str) -> Response:
        invite_id, _, secret = token.partition(".")
        invite = self.invitations.get(int(invite_id)) if _is_int(invite_id) else None
        if invite is None or not hmac.compare_digest(invite.token.encode(), secret.encode()):
            return Response("Invitation not found", status=404, content_type="text/plain")
        interview = self.catalog[invite.interview_id]
        body = f"<h1>{escape(interview.name)}</h1><p>WedgeHR sandbox recording page. Status: {invite.status}.</p>"
        return Response(body, content_type="text/html")

    def result_page(self, request: Request, token: str) -> Response:
        wedge_id, _, secret = token.partition(".")
        wedge = self.wedge_rows.get(int(wedge_id)) if _is_int(wedge_id) else None
        if (
            wedge is None
            or not wedge.result_token
            or not hmac.compare_digest(wedge.result_token.encode(), secret.encode())
        ):
            return Response("Result not found", status=404, content_type="text/plain")
        interview = self.catalog[wedge.interview_id]
        video = escape(self.presign(request, f"results/{wedge.id}.mp4"))
        body = (
            f"<h1>{escape(interview.name)}: {escape(wedge.email)}</h1>"
            f'<p>Completed {wedge.completed_at}</p><video controls src="{video}"></video>'
        )
        return Response(body, content_type="text/html")

    # --- control API ------------------------------------------------------------------------------
    def advance(self, ref: str, action: str) -> dict[str, Any]:
        wedge = self._wedge_for_ref(ref)
        pending = [i for i in self._wedge_invites(wedge) if i.status in OPEN_STATUSES]
        if action in ("started", "completed", "discarded") and not pending:
            state = "complete" if wedge.completed_at else "canceled"
            raise ValueError(f"wedge {wedge.id} is already {state}")
        if action == "started":
            wedge.started_at = wedge.started_at or self._now()  # no in-progress status: invites stay as they are
        elif action == "completed":
            wedge.started_at = wedge.started_at or self._now()
            wedge.completed_at = self._now()
            wedge.result_token = self._token()
            for invite in pending:
                invite.status = "complete"
        elif action == "discarded":
            for invite in pending:
                invite.status = "canceled"
        else:
            raise ValueError(f"WedgeHR has no equivalent of {action!r}: its statuses are {', '.join(STATUSES)}")
        return {
            "wedgeId": wedge.id,
            "interviewId": wedge.interview_id,
            "email": wedge.email,
            "startedAt": wedge.started_at,
            "completedAt": wedge.completed_at,
            "invites": [{"id": i.id, "status": i.status} for i in self._wedge_invites(wedge)],
        }

    def _wedge_for_ref(self, ref: str) -> Wedge:
        """A wedge by invite id, wedge id, uniqueId, or candidate email (their latest open wedge)."""
        ref = ref.strip()
        if "@" in ref:
            mine = [w for w in self.wedge_rows.values() if w.email.lower() == ref.lower()]
            open_ones = [w for w in mine if any(i.status in OPEN_STATUSES for i in self._wedge_invites(w))]
            if open_ones or mine:
                return (open_ones or mine)[-1]
        elif _is_int(ref) and int(ref) in self.invitations:
            return self.wedge_rows[self.invitations[int(ref)].wedge_id]
        elif _is_int(ref) and int(ref) in self.wedge_rows:
            return self.wedge_rows[int(ref)]
        if ref in self.by_unique_id:
            return self.wedge_rows[self.by_unique_id[ref].wedge_id]
        raise KeyError(ref)
