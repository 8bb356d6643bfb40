"""Simulator of the intervue.io API: routes, Basic authentication, rate limiting, options.

Authentication is ``Authorization: Basic base64(accessToken:secretKey)``; a missing or wrong
key gets ``401 {"status": 401, "message": ...}``. Every authenticated answer carries
RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset; past the quota (50 a minute per key
by default) the answer is 429 with Retry-After.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
from datetime import datetime
from html import escape
from typing import Any

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from ..core import VendorSim, json_response
from . import catalog, webhooks
from .assignments import AssignmentsApi
from .common import api
from .external import ExternalInterviewsApi
from .lifecycle import Lifecycle
from .mock import MockInterviewsApi

# The sandbox's fixed, published keys (the demo and the tests read them from ``credentials``).
ACCESS_TOKEN = "ivw_sandbox_access_7f3c9a"  # noqa: S105
SECRET_KEY = "ivw_sandbox_secret_5be21d94c0"  # noqa: S105
ACCESS_TOKEN_2 = "ivw_sandbox_access_recruiter_1d8e"  # noqa: S105
SECRET_KEY_2 = "ivw_sandbox_secret_recruiter_a47f60"  # noqa: S105


def basic(access_token: str, secret_key: str) -> str:
    return "Basic " + base64.b64encode(f"{access_token}:{secret_key}".encode()).decode()


def _rules() -> list[Rule]:
    get, post, patch = ["GET"], ["POST"], ["PATCH"]
    ext, mock, asg = "/external-interviews", "/mock-interviews", "/assignments"
    return [
        # The health examples disagree on the method (curl GET, the others POST): both work.
        Rule("/health", endpoint="health", methods=["GET", "POST"]),
        Rule(f"{ext}/request", endpoint="external_request", methods=post),
        Rule(f"{ext}/update", endpoint="external_update", methods=post),
        Rule(f"{ext}/cancel", endpoint="external_cancel", methods=post),
        Rule(f"{ext}/getRoles", endpoint="get_roles", methods=get),
        Rule(f"{ext}/getRole/<role_id>", endpoint="get_role", methods=get),
        Rule(f"{ext}/getRounds/<profile>", endpoint="get_rounds", methods=get),
        Rule(f"{ext}/getRound/<round_id>", endpoint="get_round", methods=get),
        Rule(f"{ext}/getProfiles", endpoint="get_profiles", methods=get),
        Rule(f"{ext}/<interview_id>", endpoint="external_get", methods=get),
        Rule(f"{mock}/request", endpoint="mock_request", methods=post),
        # Documented as POST, shown as GET in the curl and Java examples: both work.
        Rule(f"{mock}/getRole/<role_id>", endpoint="mock_get_role", methods=["GET", "POST"]),
        Rule(f"{mock}/getProfilesSupported", endpoint="mock_profiles", methods=get),
        Rule(f"{mock}/getInterviewInfo/<interview_id>", endpoint="mock_interview_info", methods=get),
        Rule(f"{mock}/getCandidateInfo", endpoint="mock_candidate_info", methods=get),
        Rule(f"{asg}/list", endpoint="assignments_list", methods=get),
        Rule(f"{asg}/disable/<test_hash>", endpoint="assignment_disable", methods=patch),
        Rule(f"{asg}/archive/<test_hash>", endpoint="assignment_archive", methods=patch),
        Rule(f"{asg}/getSkills", endpoint="get_skills", methods=get),
        Rule(f"{asg}/getTestConfiguration", endpoint="test_configuration", methods=get),
        Rule(f"{asg}/createTest/", endpoint="create_test", methods=post),
        Rule(f"{asg}/send-invitations", endpoint="send_invitations", methods=post),
        Rule(f"{asg}/createPublicLink/", endpoint="create_public_link", methods=post),
        Rule(f"{asg}/results", endpoint="results", methods=get),
        Rule(f"{asg}/report/<invitation_hash>", endpoint="report", methods=get),
        Rule(f"{asg}/detailed-report/<test_hash>", endpoint="detailed_report", methods=get),
        Rule(f"{asg}/<test_hash>", endpoint="assignment_delete", methods=["DELETE"]),
        # Candidate-facing pages behind magicLink and publicUrl (no API key).
        Rule("/candidate/test/<invitation_hash>", endpoint="candidate_test_page", methods=get),
        Rule("/candidate/public/<public_id>", endpoint="candidate_public_page", methods=get),
    ]


class IntervueSim(Lifecycle, ExternalInterviewsApi, MockInterviewsApi, AssignmentsApi, VendorSim):
    name = "intervue"
    # Like the vendor's express routing, a trailing slash is optional ("createTest/" and "createTest").
    url_map = Map(_rules(), strict_slashes=False)
    credentials = {
        "access_token": ACCESS_TOKEN,
        "secret_key": SECRET_KEY,
        "authorization": basic(ACCESS_TOKEN, SECRET_KEY),
        "access_token_2": ACCESS_TOKEN_2,
        "secret_key_2": SECRET_KEY_2,
        "authorization_2": basic(ACCESS_TOKEN_2, SECRET_KEY_2),
    }
    default_options = {
        "rate_limit_per_minute": 50,
        "rate_limit_window_seconds": 60,
        # hex, base64 or base64url: the document's examples use all three.
        "signature_encoding": "hex",
        # raw (the prose and most examples) or base64url-decoded (the Python example) secret as the key.
        "signature_key": "raw",
        # example (details under requestedData) or table (cancelData, scheduleData, ...).
        "webhook_payload_shape": "example",
        # existing: asking again for an open interview / live invitation returns it; create: a new one.
        "duplicate_requests": "existing",
        # False leaves ended tests EVALUATION_PENDING until advance(..., "scored").
        "auto_evaluate": True,
        # Invitations the plan allows (None: unlimited); running out emits quota_finished.
        "invitation_quota": None,
    }
    # accessToken -> (secretKey, team member the key belongs to)
    keys = {ACCESS_TOKEN: (SECRET_KEY, "admin"), ACCESS_TOKEN_2: (SECRET_KEY_2, "recruiter")}

    def reset(self) -> None:
        self.cat = catalog.build()
        self.windows: dict[str, tuple[float, int]] = {}  # accessToken -> (window start, requests)
        self.quota_used = 0
        self.plan_started: datetime = self.clock.now()

    def shape(self) -> str:
        shape = self.option("webhook_payload_shape")
        if shape not in webhooks.PAYLOAD_SHAPES:
            raise ValueError(f"webhook_payload_shape must be one of {webhooks.PAYLOAD_SHAPES}, not {shape!r}")
        return shape

    # --- authentication and rate limiting -------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.hub.base_url.rstrip("/")

    def handle(self, request: Request, path: str) -> Response:
        response = super().handle(request, path)
        response.headers.extend(request.environ.get("intervue.ratelimit", {}))
        return response

    def authenticate(self, request: Request) -> Response | None:
        if request.path.removeprefix(f"/{self.name}").startswith("/candidate/"):
            return None
        access_token = self.key_of(request)
        if access_token is None:
            return self.error_response(401, "Unauthorized: your API key is wrong")
        request.environ["intervue.member"] = catalog.TEAM[self.keys[access_token][1]]
        return self.rate_limit(request, access_token)

    def key_of(self, request: Request) -> str | None:
        """The accessToken of a valid ``Basic base64(accessToken:secretKey)`` header, else None."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        access_token, _, secret = decoded.partition(":")
        expected = self.keys.get(access_token)
        if expected is None or not hmac.compare_digest(secret.encode(), expected[0].encode()):
            return None
        return access_token

    def rate_limit(self, request: Request, access_token: str) -> Response | None:
        """Fixed window per key; the window and its quota are options so tests can shrink them."""
        limit = int(self.option("rate_limit_per_minute"))
        window = float(self.option("rate_limit_window_seconds"))
        clock = self.clock.monotonic()
        start, used = self.windows.get(access_token, (clock, 0))
        if clock - start >= window:
            start, used = clock, 0
        reset = max(1, math.ceil(start + window - clock))
        if used >= limit:
            response = self.error_response(429, "Too many requests, please try again later.")
            response.headers["Retry-After"] = str(reset)
            request.environ["intervue.ratelimit"] = self.rate_headers(limit, 0, reset)
            return response
        self.windows[access_token] = (start, used + 1)
        request.environ["intervue.ratelimit"] = self.rate_headers(limit, limit - used - 1, reset)
        return None

    @staticmethod
    def rate_headers(limit: int, remaining: int, reset: int) -> dict[str, str]:
        return {"RateLimit-Limit": str(limit), "RateLimit-Remaining": str(remaining), "RateLimit-Reset": str(reset)}

    # --- webhooks and control --------------------------------------------------------------------------
    def sign_webhook(self, body: bytes, secret: str) -> dict[str, str]:
        return {
            webhooks.SIGNATURE_HEADER: webhooks.sign(
                body, secret, self.option("signature_encoding"), self.option("signature_key")
            )
        }

    def control(self, parts: list[str], method: str, body: dict[str, Any]) -> Response | None:
        """POST /_control/intervue/reminders: send the reminder webhook now for every opted-out
        invitation not taken yet (or only those listed in ``invitationUrlHashes``)."""
        if parts == ["reminders"] and method == "POST":
            wanted = body.get("invitationUrlHashes")
            pool = None if wanted is None else [self.cat.invitations[h] for h in wanted]
            return json_response({"reminded": self.send_reminders(pool)})
        return None

    # --- the rest of the API ------------------------------------------------------------------------------
    @api
    def health(self, request: Request) -> dict[str, Any]:
        return {"status": 200, "message": "Server is up and running"}

    @api
    def candidate_test_page(self, request: Request, invitation_hash: str) -> Response:
        inv = self.invitation(invitation_hash)
        title = self.assignment_of(inv).name
        return page(f"{title}", f"Hello {inv.name}, this is your intervue.io sandbox assessment.")

    @api
    def candidate_public_page(self, request: Request, public_id: str) -> Response:
        for assignment in self.cat.assignments.values():
            if assignment.public_id == public_id:
                return page(assignment.name, "Public link of an intervue.io sandbox assessment.")
        return page("Link not found", "This assessment link does not exist.", status=404)


def page(title: str, text: str, status: int = 200) -> Response:
    body = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(text)}</p>"
    return Response(body, status=status, content_type="text/html; charset=utf-8")
