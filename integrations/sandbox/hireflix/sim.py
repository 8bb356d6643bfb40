"""Simulator of the Hireflix GraphQL API (documents 001 and 002).

One endpoint, ``POST /me`` with a JSON body ``{"query", "variables", "operationName"}``
and the header ``X-API-KEY``. Following the GraphQL error model the answer is
always HTTP 200: problems come in an ``errors`` array whose entries carry
``message``, a numeric ``code`` (400 bad input, 401 bad key, 404 unknown id,
409 already invited, 500 unknown) and the ``path`` of the failing field.
"""

from __future__ import annotations

import functools
import html
import logging
import re
import uuid
from typing import Any

from graphql import DocumentNode, GraphQLError, execute_sync, parse, validate
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from ..core import VendorSim, WebhookTarget, json_response, read_json
from .models import (
    EVENTS,
    AlreadyInvited,
    Answer,
    ApiError,
    Interview,
    Member,
    Position,
    QuotaExceeded,
    ShareLink,
    complete,
    seed,
)
from .resolvers import Context, load_schema

logger = logging.getLogger(__name__)

SCHEMA = load_schema()
DAY_MS = 86_400_000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.]{5,18}[0-9]$")


class HireflixSim(VendorSim):
    name = "hireflix"
    url_map = Map(
        [
            Rule("/me", endpoint="graphql", methods=["POST"]),
            # Where share links lead: the sandbox's stand-in for shared.hireflix.com.
            Rule("/shared/interview/<link_id>", endpoint="shared_interview", methods=["GET"]),
            # With ``links_on_sandbox``: the stand-in for app.hireflix.com, where candidates record.
            Rule("/app/<interview_hash>", endpoint="candidate_page", methods=["GET"]),
        ]
    )
    credentials = {
        "api_key": "hfx_sandbox_api_key",
        # The doc also accepts the user's JWT as a bearer token.
        "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJoaXJlZmxpeC1zYW5kYm94In0.c2FuZGJveA",
    }
    default_options = {
        "default_page_size": 10,
        "max_page_size": 100,
        "invites_per_period": 1000,
        # Candidates' links as the document gives them (app.hireflix.com), or on the sandbox's own
        # host so that a demo's links open somewhere.
        "links_on_sandbox": False,
    }

    def reset(self) -> None:
        self.account = seed()
        self.api_webhooks: list[WebhookTarget] = []
        self.invites_this_period = 0
        self.failing_invites = 0  # the next N invites fail with code 500 (control API)
        self.client_ip = "127.0.0.1"

    def now_ms(self) -> int:
        """Milliseconds since the epoch by the sandbox clock, the way Hireflix stamps everything."""
        return int(self.clock.time() * 1000)

    @property
    def base_url(self) -> str:
        return self.hub.base_url

    # --- HTTP -------------------------------------------------------------------------
    def error_response(self, status: int, message: str) -> Response:
        return json_response({"errors": [{"message": message, "code": status}]}, status=status)

    def authenticate(self, request: Request) -> Response | None:
        self.client_ip = request.remote_addr or self.client_ip
        endpoint, _ = self.url_map.bind("sandbox").match(request.path.removeprefix(f"/{self.name}"), request.method)
        if endpoint != "graphql":
            return None  # share links are open by design
        key = request.headers.get("X-API-KEY")
        bearer = request.headers.get("Authorization", "")
        if key == self.credentials["api_key"] or bearer == f"Bearer {self.credentials['jwt']}":
            return None
        reason = "invalid API key" if key or bearer else "missing X-API-KEY header"
        return _errors_only([{"message": f"Unauthorized: {reason}", "code": 401}])

    def graphql(self, request: Request) -> Response:
        body = read_json(request)
        if not isinstance(body, dict) or not isinstance(body.get("query"), str) or not body["query"].strip():
            return _errors_only([{"message": "POST body must be JSON with a 'query' string", "code": 400}])
        variables = body.get("variables")
        if variables is not None and not isinstance(variables, dict):
            return _errors_only([{"message": "'variables' must be a JSON object", "code": 400}])
        request_id = uuid.uuid4().hex
        document, invalid = _checked(body["query"])
        if invalid or document is None:
            return _errors_only([_format(e, request_id) for e in invalid])
        result = execute_sync(
            SCHEMA,
            document,
            context_value=Context(self),
            variable_values=variables,
            operation_name=body.get("operationName"),
        )
        payload: dict[str, Any] = {}
        if result.errors:
            payload["errors"] = [_format(e, request_id) for e in result.errors]
        # Every root field is nullable, so data is None only when execution never started
        # (bad variables, unknown operation): then the answer carries errors alone.
        if result.data is not None:
            payload["data"] = result.data
        return json_response(payload)

    def shared_interview(self, request: Request, link_id: str) -> Response:
        link = self.account.share_links.get(link_id)
        interview = self.account.live_interview(link.interview_id) if link else None
        if link is None or interview is None:
            return _page("Interview not found", "<p>This shared interview does not exist.</p>", 404)
        if link.expires_at < self.now_ms():
            return _page("Link expired", "<p>This shared link has expired.</p>", 410)
        parts = [f"<p>{html.escape(interview.name)} &middot; {html.escape(interview.status)}</p>"]
        for question in self.questions_data(interview):
            answer = question["answer"]
            parts.append(f"<h2>{html.escape(question['title'])}</h2>")
            if answer:
                parts.append(f'<video controls src="{html.escape(answer["url"])}"></video>')
                parts.append(f"<p>{html.escape(answer['transcription']['text'])}</p>")
            else:
                parts.append("<p>Not answered yet.</p>")
        position = self.account.positions[interview.position_id]
        return _page(position.name, "\n".join(parts), 200)

    def candidate_page(self, request: Request, interview_hash: str) -> Response:
        interview = next((i for i in self.account.interviews.values() if i.hash == interview_hash), None)
        if interview is None or interview.deleted_at is not None:
            return _page("Interview not found", "<p>This interview does not exist or was canceled.</p>", 404)
        position = self.account.positions[interview.position_id]
        greeting = f"Hello {interview.first_name}, this is your video interview. Status: {interview.status}."
        body = f"<p>{html.escape(greeting)}</p>"
        return _page(position.name, body, 200)

    # --- views -----------------------------------------------------------------------
    def position_data(self, position: Position) -> dict[str, Any]:
        return {
            "id": position.id,
            "name": position.name,
            "description": position.description,
            "archived": position.archived,
            "createdAt": position.created_at,
            "questions": [
                {"id": q.id, "title": q.title, "description": q.description, "answer": None} for q in position.questions
            ],
        }

    def interview_data(self, interview: Interview) -> dict[str, Any]:
        """The interview as the webhooks carry it (and as GraphQL resolves its plain fields)."""
        position = self.account.positions[interview.position_id]
        first_answer = next(iter(interview.answers.values()), None)
        return {
            "id": interview.id,
            "position": {"id": position.id, "name": position.name},
            "externalId": interview.external_id,
            "status": interview.status,
            "hash": interview.hash,
            "createdAt": interview.created_at,
            "candidate": {
                "name": interview.name,
                "firstName": interview.first_name,
                "lastName": interview.last_name,
                "email": interview.email,
                "phone": interview.phone,
            },
            "score": {"value": interview.score},
            "completed": interview.completed_at,
            "deleted": interview.deleted_at,
            "archived": interview.archived_at,
            "finalist": interview.finalist_at,
            "answered": interview.answered,
            "thumbnail": self._media(f"answer/{first_answer.id}/00001-thumbnail.png") if first_answer else None,
            "url": {
                "public": f"{self._app_host()}/{interview.hash}",
                "short": f"hflx.io/c/{interview.hash}",
                "private": f"https://admin.hireflix.com/jobs/{position.id}/interview/{interview.id}",
            },
        }

    def questions_data(self, interview: Interview) -> list[dict[str, Any]]:
        return [
            {
                "id": question.id,
                "title": question.title,
                "description": question.description,
                "answer": self._answer_data(interview.answers.get(question.id)),
            }
            for question in self.account.positions[interview.position_id].questions
        ]

    def _answer_data(self, answer: Answer | None) -> dict[str, Any] | None:
        if answer is None:
            return None
        return {
            "id": answer.id,
            "url": self._media(f"answer/{answer.id}/video.mp4"),
            "meta": {"duration": answer.duration},
            "transcription": {
                "languageCode": answer.language_code,
                "text": answer.text,
                "words": _words(answer.text, answer.duration),
            },
        }

    def _app_host(self) -> str:
        if self.option("links_on_sandbox"):
            return f"{self.base_url.rstrip('/')}/{self.name}/app"
        return "https://app.hireflix.com"

    def _media(self, path: str) -> str:
        """A fresh pre-signed URL on every view; the TTL is the hub's."""
        return self.presign(self.base_url, f"{self.account.company_id}/{path}")

    # --- reads -------------------------------------------------------------------------
    def position_or_404(self, position_id: str) -> Position:
        position = self.account.live_position(position_id)
        if position is None:
            raise ApiError(404, f"Position {position_id} not found")
        return position

    def interview_or_404(self, interview_id: str) -> Interview:
        interview = self.account.live_interview(interview_id)
        if interview is None:
            raise ApiError(404, f"Interview {interview_id} not found")
        return interview

    def page_interviews(self, position_id: str, pagination: dict[str, Any], status: str | None) -> dict[str, Any]:
        """Cursor pages in creation order; lastCursor is absent once nothing follows."""
        limit = self._limit(pagination)
        cursor = pagination.get("lastCursor")
        if cursor is not None:
            anchor = self.account.interviews.get(cursor)
            if anchor is None or anchor.position_id != position_id:
                raise ApiError(400, f"Invalid lastCursor {cursor}")
        matching, after = [], []
        seen_cursor = cursor is None
        for interview in self.account.by_position.get(position_id, []):
            live = interview.deleted_at is None
            if live and (status is None or interview.status == status):
                matching.append(interview)
                if seen_cursor:
                    after.append(interview)
            # The cursor may have been deleted or moved stage since: its place still holds.
            seen_cursor = seen_cursor or interview.id == cursor
        after = after[pagination.get("skip") or 0 :]
        page = after[:limit]
        return {
            "count": len(page),
            "total": len(matching),
            "lastCursor": page[-1].id if len(after) > limit else None,
            "results": [self.interview_data(i) for i in page],
        }

    def page_audit(self, pagination: dict[str, Any]) -> dict[str, Any]:
        limit = self._limit(pagination)
        skip = max(pagination.get("skip") or 0, 0)
        entries = sorted(self.account.audit, key=lambda e: e.timestamp, reverse=True)
        page = entries[skip : skip + limit]
        return {
            "count": len(page),
            "total": len(entries),
            "results": [
                {
                    "actor": {"id": e.actor_id, "email": e.actor_email},
                    "timestamp": e.timestamp,
                    "object": e.object,
                    "ip": e.ip,
                    "action": e.action,
                    "host": e.host,
                    "referer": e.referer,
                    "medium": e.medium,
                }
                for e in page
            ],
        }

    def _limit(self, pagination: dict[str, Any]) -> int:
        limit = pagination.get("limit")
        if limit is None:
            return self.option("default_page_size")
        if limit < 1:
            raise ApiError(400, "pagination.limit must be at least 1")
        return min(limit, self.option("max_page_size"))

    # --- writes ------------------------------------------------------------------------
    def invite(
        self,
        position_id: str,
        *,
        email: str,
        first_name: str,
        last_name: str,
        phone: str | None = None,
        external_id: str | None = None,
    ) -> Interview:
        position = self.position_or_404(position_id)
        email = email.strip()
        if not EMAIL.match(email):
            raise ApiError(400, "invalid candidate email")
        if phone and not PHONE.match(phone.strip()):
            raise ApiError(400, "invalid candidate phone")
        if self.failing_invites:
            self.failing_invites -= 1
            raise ApiError(500, "Internal server error")
        if self.account.find_invited(position.id, email):
            raise AlreadyInvited()
        if self.invites_this_period >= self.option("invites_per_period"):
            raise QuotaExceeded(self.option("invites_per_period"))
        now = self.now_ms()
        interview = Interview(
            id=self.account.ids.object_id(),
            position_id=position.id,
            hash=self.account.ids.interview_hash(),
            created_at=now,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            phone=phone.strip() if phone else None,
            external_id=external_id,
        )
        self.account.add_interview(interview)
        self.invites_this_period += 1
        self._log(now, "interview.invite", interview.id)
        self.count_invite(position.id, email)
        self._emit("interview.create", interview, now)
        self.on_invited(interview.id)
        return interview

    def delete_interview(self, interview: Interview) -> bool:
        now = self.now_ms()
        interview.deleted_at = now
        self._log(now, "interview.delete", interview.id)
        self._emit("interview.delete", interview, now)
        return True

    def delete_position(self, position: Position) -> bool:
        now = self.now_ms()
        position.deleted_at = now
        self._log(now, "position.delete", position.id)
        return True

    def share(self, interview: Interview, days: int) -> str:
        if days < 1:
            raise ApiError(400, "durationInDays must be at least 1")
        now = self.now_ms()
        link = ShareLink(self.account.ids.link_id(), interview.id, now + days * DAY_MS)
        self.account.share_links[link.id] = link
        self._log(now, "interview.share", interview.id)
        return f"{self.base_url.rstrip('/')}/{self.name}/shared/interview/{link.id}"

    def create_webhook(self, url: str, events: list[str]) -> bool:
        if not re.match(r"^https?://[^\s/]+", url):
            raise ApiError(400, "url must be an absolute http(s) URL")
        unknown = [e for e in events if e not in EVENTS]
        if not events or unknown:
            raise ApiError(400, f"unknown events {unknown}; known: {', '.join(EVENTS)}")
        self.api_webhooks.append(WebhookTarget(url, "", tuple(events)))
        self._log(self.now_ms(), "webhook.create", url)
        return True

    def add_member(self, email: str) -> bool:
        if not EMAIL.match(email.strip()):
            raise ApiError(400, "invalid email")
        if any(m.email.lower() == email.strip().lower() for m in self.account.members.values()):
            raise ApiError(409, "This user is already a member of the company")
        member_id = self.account.ids.object_id()
        self.account.members[member_id] = Member(member_id, email.strip())
        self._log(self.now_ms(), "member.add", member_id)
        return True

    def remove_member(self, member_id: str | None, email: str | None) -> bool:
        if not member_id and not email:
            raise ApiError(400, "id or email is required")
        for member in self.account.members.values():
            if member.id == member_id or (email and member.email.lower() == email.lower()):
                if member is self.account.owner:
                    raise ApiError(400, "The company owner cannot be removed")
                del self.account.members[member.id]
                self._log(self.now_ms(), "member.remove", member.id)
                return True
        raise ApiError(404, "Member not found")

    def _log(self, now: int, action: str, obj: str) -> None:
        self.account.log(now, action, obj, self.client_ip)

    # --- webhooks ----------------------------------------------------------------------
    def _emit(self, event: str, interview: Interview, now: int) -> None:
        data = self.interview_data(interview)
        # The documented payload's candidate carries name, email and phone only.
        data["candidate"] = {k: data["candidate"][k] for k in ("name", "email", "phone")}
        self.emit_webhook(event, {"event": event, "data": data, "date": now})

    def sign_webhook(self, body: bytes, secret: str) -> dict[str, str]:
        """The documents describe no webhook signature, so none is sent."""
        return {}

    def webhook_targets(self, event: str) -> list[WebhookTarget]:
        return super().webhook_targets(event) + [t for t in self.api_webhooks if t.wants(event)]

    # --- control API -------------------------------------------------------------------
    def advance(self, ref: str, action: str) -> dict[str, Any]:
        """Hireflix has no in-progress status: "started" is only recorded, the interview stays pending."""
        interview = self._find(ref)
        now = self.now_ms()
        if action == "started":
            if interview.answered:
                raise ValueError(f"interview {interview.id} is already {interview.status}")
            interview.started_at = interview.started_at or now
            return self.interview_data(interview)
        if action == "completed":
            if interview.answered:
                raise ValueError(f"interview {interview.id} is already {interview.status}")
            complete(self.account.ids, interview, self.account.positions[interview.position_id], now)
            interview.status = "completed"
            self._emit("interview.finish", interview, now)
            self._emit("interview.status-change", interview, now)
            return self.interview_data(interview)
        if not interview.answered:
            raise ValueError(f"interview {interview.id} has not been answered yet")
        if action == "scored":
            # Deterministic, and a new value on each re-score so the update is visible.
            seed_value = int(interview.id[-2:], 16) % 5 + 1
            interview.score = float(seed_value if interview.score is None else interview.score % 5 + 1)
            self._emit("interview.score-updated", interview, now)
        elif action in ("shortlisted", "discarded"):
            status = "finalist" if action == "shortlisted" else "archived"
            if interview.status == status:
                raise ValueError(f"interview {interview.id} is already {status}")
            interview.status = status
            interview.finalist_at = now if status == "finalist" else None
            interview.archived_at = now if status == "archived" else None
            self._emit("interview.status-change", interview, now)
        else:
            raise ValueError(f"unknown action {action!r}")
        return self.interview_data(interview)

    def _find(self, ref: str) -> Interview:
        interview = self.account.live_interview(ref)
        if interview:
            return interview
        matches = [
            i
            for i in self.account.interviews.values()
            if i.email.lower() == ref.lower() and self.account.live_interview(i.id)
        ]
        if not matches:
            raise KeyError(ref)
        return matches[-1]  # the most recent invite of that email

    def control(self, parts: list[str], method: str, body: dict[str, Any]) -> Response | None:
        match parts:
            case ["internal-errors"] if method == "POST":
                self.failing_invites = int(body.get("count", 1))
                return json_response({"failing_invites": self.failing_invites})
            case ["new-period"] if method == "POST":
                self.invites_this_period = 0
                return json_response({"invites_this_period": 0})
            case ["webhooks"] if method == "GET":
                return json_response([{"url": t.url, "events": list(t.events)} for t in self.api_webhooks])
        return None


@functools.lru_cache(maxsize=256)
def _checked(query: str) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """The parsed document and its validation errors. A client sends the same few documents over
    and over (only the variables change), and parsing and validating cost far more than running
    them: done once per text, the sandbox's cost per invite stays that of the invite itself."""
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, (error,)
    return document, tuple(validate(SCHEMA, document))


def _format(error: GraphQLError, request_id: str) -> dict[str, Any]:
    """Hireflix's error entry: message, numeric code, path (and locations for query errors)."""
    original = error.original_error
    if isinstance(original, ApiError):
        entry: dict[str, Any] = {"message": original.message, "code": original.code}
    elif not error.path:
        entry = {"message": error.message, "code": 400}  # the query or its variables are wrong
    else:
        # A resolver bug or a broken non-null promise: Hireflix calls these unknown errors.
        logger.error("hireflix sandbox resolver failed: %s", error.message, exc_info=original)
        entry = {"message": "Internal server error", "code": 500}
    if error.path:
        entry["path"] = list(error.path)
    elif error.locations:
        entry["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    entry["requestId"] = request_id
    return entry


def _errors_only(errors: list[dict[str, Any]]) -> Response:
    """A request that never reached execution: errors and no data entry at all."""
    request_id = uuid.uuid4().hex
    return json_response({"errors": [{**e, "requestId": e.get("requestId", request_id)} for e in errors]})


def _words(text: str, duration: float) -> list[dict[str, Any]]:
    """Word timings spread evenly over the answer."""
    words = text.split()
    step = duration / max(len(words), 1)
    return [{"text": w, "start": round(n * step, 2), "end": round((n + 1) * step, 2)} for n, w in enumerate(words)]


def _page(title: str, body: str, status: int) -> Response:
    document = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)} - Hireflix</title></head>"
        f"<body><h1>{html.escape(title)}</h1>\n{body}\n</body></html>"
    )
    return Response(document, status=status, content_type="text/html; charset=utf-8")
