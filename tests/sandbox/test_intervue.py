"""The intervue.io simulator against its document: every example replayed over HTTP, validation,
Basic auth, rate limiting, pagination, duplicates, webhooks (shapes and signatures) and advance.

The examples are replayed with their structure and values as written; only the obvious
placeholders are filled in ("<ENCODED_KEY>", "Candidate email", "interview uuid", hashes),
because the API validates emails and ids.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from integrations.sandbox.clock import SandboxClock
from integrations.sandbox.intervue import IntervueSim
from tests.waiting import wait_for

TIMEOUT = 5
CREDS = IntervueSim.credentials
ROLE = 9999  # the role id every example uses


# --- helpers ---------------------------------------------------------------------------------------
class Api:
    def __init__(self, sandbox: Any, authorization: str | None = None) -> None:
        self.sandbox = sandbox
        self.base = sandbox.url_for("intervue")
        self.sim = sandbox.app.hub.vendors["intervue"]
        self.authorization = authorization or CREDS["authorization"]

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": self.authorization, "Content-Type": "application/json", **(extra or {})}

    def call(self, method: str, path: str, body: Any = None, raw: str | None = None, **kw: Any) -> requests.Response:
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        headers = kw.pop("headers", None) or self.headers()
        return requests.request(method, self.base + path, data=data, headers=headers, timeout=TIMEOUT, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        return self.call("POST", path, body, **kw)

    def control(self, path: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(f"{self.sandbox.url}/_control/{path}", json=body, timeout=TIMEOUT)

    def options(self, **values: Any) -> None:
        assert self.control("intervue/options", values).status_code == 200

    def advance(self, ref: str, action: str) -> requests.Response:
        return self.control("intervue/advance", {"ref": ref, "action": action})

    def invites(self) -> dict[str, dict[str, int]]:
        return requests.get(f"{self.sandbox.url}/_control/intervue/counters", timeout=TIMEOUT).json()["invites"]


class Hooks:
    """A local webhook receiver registered with the sandbox."""

    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"

    def app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.received.append((dict(request.headers), request.get_data()))
        return Response("ok")(environ, start_response)

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]

    def wait(self, count: int, status: str | None = None) -> list[dict[str, Any]]:
        """Wait until ``count`` events (of one status, if given) arrived; return those."""

        def found() -> list[dict[str, Any]]:
            return [e for e in self.events() if status is None or e["status"] == status]

        wait_for(lambda: len(found()) >= count, seconds=TIMEOUT, every=0.02)
        return found()

    def settle(self) -> list[dict[str, Any]]:
        """Every event, once no delivery is in flight (the sandbox emits them as it answers)."""
        wait_for(lambda: all(d.status != "pending" for d in self.hub.deliveries), seconds=TIMEOUT, every=0.02)
        return self.events()


@pytest.fixture
def api(sandbox: Any) -> Api:
    return Api(sandbox)


@pytest.fixture
def hooks(api: Api) -> Iterator[Hooks]:
    receiver = Hooks(api.sandbox.app.hub)
    assert api.control("intervue/webhook", {"url": receiver.url, "secret": "whsec_test"}).status_code == 200
    yield receiver
    receiver.server.shutdown()


def fields(names: str) -> set[str]:
    return set(names.split())


def error(answer: requests.Response, status: int, contains: str = "") -> None:
    """The documented error shape: {"status": code, "message": text}, with that HTTP status."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["status"] == status and isinstance(body["message"], str)
    assert contains in body["message"], body["message"]


def all_pages(fetch: Callable[[int], requests.Response]) -> list[dict[str, Any]]:
    rows, page = [], 1
    while True:
        body = fetch(page).json()
        rows += body["data"]
        if not body["next"]:
            return rows
        page += 1
        assert page < 50


def candidate(n: int = 1, **extra: Any) -> dict[str, Any]:
    return {"name": f"Candidate {n}", "email": f"candidate{n}@example.com", "phoneNo": f"98450000{n:02d}", **extra}


def request_external(api: Api, *people: dict[str, Any], role: int = ROLE) -> list[dict[str, Any]]:
    answer = api.post("/external-interviews/request", {"candidates": list(people), "hiringRoleId": role})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def busiest_assignment(api: Api) -> dict[str, Any]:
    rows = api.get("/assignments/list", params={"pageSize": 100}).json()["data"]
    return max(rows, key=lambda r: r["totalInvitations"])


def live_assignment(api: Api) -> str:
    rows = api.get("/assignments/list", params={"publishStatus": "LIVE", "hideDisabled": "true"}).json()["data"]
    return rows[0]["mainTestUrlHash"]


def invite(api: Api, main_hash: str, *people: tuple[str, str], **extra: Any) -> requests.Response:
    body = {
        "mainTestUrlHash": main_hash,
        "candidates": [{"name": n, "email": e} for n, e in people],
        "expiryDate": "2031-01-29T18:32:26.411Z",
        **extra,
    }
    return api.post("/assignments/send-invitations", body)


# IST (the default utcOffset of -330) 11:00 to 14:00, and 21:30.
SLOT = {"startTime": "2030-01-10T05:30:00.000Z", "endTime": "2030-01-10T08:30:00.000Z"}
LATE = "2030-01-10T16:00:00.000Z"


# --- authentication ----------------------------------------------------------------------------------
def test_health_accepts_the_key_encoded_as_the_python_example_does(api: Api) -> None:
    creds = api.sim.credentials
    encoded = base64.b64encode(f"{creds['access_token']}:{creds['secret_key']}".encode()).decode()
    headers = {"Authorization": f"Basic {encoded}", "Content-Type": "application/json"}
    assert encoded == creds["authorization"].removeprefix("Basic ")
    for method in ("GET", "POST"):  # curl uses GET, the python/node/java examples POST
        answer = api.call(method, "/health", headers=headers)
        assert answer.status_code == 200
        assert answer.json()["status"] == 200


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer whatever",
        "Basic " + base64.b64encode(f"{CREDS['access_token']}:wrong".encode()).decode(),
        "Basic " + base64.b64encode(f"unknown:{CREDS['secret_key']}".encode()).decode(),
        "Basic " + base64.b64encode(f"{CREDS['access_token']}:{CREDS['secret_key_2']}".encode()).decode(),
        "Basic not-base64!",
        # `echo 'accessToken:secretKey' | base64` encodes a trailing newline too: not the key.
        "Basic " + base64.b64encode(f"{CREDS['access_token']}:{CREDS['secret_key']}\n".encode()).decode(),
    ],
)
def test_a_missing_or_wrong_key_gets_the_documented_401(api: Api, authorization: str | None) -> None:
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    answer = api.get("/external-interviews/getRoles", headers=headers)
    error(answer, 401)
    assert "RateLimit-Remaining" not in answer.headers


def test_the_second_key_works_and_requests_are_attributed_to_its_owner(api: Api) -> None:
    second = Api(api.sandbox, api.sim.credentials["authorization_2"])
    interview_id = request_external(second, candidate())[0]["interviewId"]
    detail = api.get(f"/external-interviews/{interview_id}").json()["data"]
    assert detail["requestedBy"] == {"name": "Riya Recruiter", "email": "riya@sandbox-org.example"}


# --- rate limiting -------------------------------------------------------------------------------------
def test_every_answer_carries_the_rate_limit_headers(api: Api) -> None:
    first = api.get("/health")
    second = api.get("/external-interviews/getRoles")
    assert first.headers["RateLimit-Limit"] == "50"
    assert int(first.headers["RateLimit-Remaining"]) == 49
    assert int(second.headers["RateLimit-Remaining"]) == 48
    assert 0 < int(second.headers["RateLimit-Reset"]) <= 60
    # Validation errors count and carry the headers as well.
    failed = api.post("/external-interviews/request", {})
    assert failed.status_code == 400 and failed.headers["RateLimit-Remaining"] == "47"


def test_past_the_quota_answers_429_with_retry_after_per_key(api: Api, sandbox_clock: SandboxClock) -> None:
    api.options(rate_limit_per_minute=5)
    remaining = [int(api.get("/health").headers["RateLimit-Remaining"]) for _ in range(5)]
    assert remaining == [4, 3, 2, 1, 0]
    refused = api.get("/health")
    error(refused, 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Remaining"] == "0"
    # The quota is per API key: the second key still has its own.
    second = Api(api.sandbox, api.sim.credentials["authorization_2"])
    assert second.get("/health").status_code == 200
    sandbox_clock.advance(30)
    assert api.get("/health").status_code == 429  # the minute is not over yet
    assert int(api.get("/health").headers["Retry-After"]) <= 30
    sandbox_clock.advance(30)
    assert api.get("/health").headers["RateLimit-Remaining"] == "4"


# --- external interviews ---------------------------------------------------------------------------------
CURL_REQUEST = """{
  "candidates": [{
    "name": "Candidate name",
    "email": "candidate@example.com",
    "phoneNo": "Candidate phoneNo"
  }],
  "hiringRoleId": 9999,
}"""


def test_request_example_as_the_python_and_java_examples_send_it(api: Api) -> None:
    python_payload = {
        "candidates": [{"name": "Candidate name", "email": "candidate@example.com", "phoneNo": "Candidate phoneNo"}],
        "hiringRoleId": 9999,
    }
    answer = api.post("/external-interviews/request", python_payload)
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == 200 and body["message"] == "On-demand request(s) has been initiated"
    (row,) = body["data"]
    assert set(row) == {"name", "email", "phoneNo", "interviewId"}
    assert uuid.UUID(row["interviewId"]).version == 4
    java = (
        '{"candidates":[{"name":"candidate name","email":"java@example.com","phoneNo":"candidate phoneNo"}],'
        '"hiringRoleId":9999}'
    )
    assert api.post("/external-interviews/request", raw=java).status_code == 200


def test_request_examples_that_cannot_work_as_written(api: Api) -> None:
    # The curl body ends with a trailing comma: not JSON.
    error(api.post("/external-interviews/request", raw=CURL_REQUEST), 400, "JSON")
    # The node example sends "candidate" where the API requires "candidates".
    node = {"candidate": [{"name": "Candidate name", "email": "c@example.com", "phoneNo": "1"}], "hiringRoleId": 9999}
    error(api.post("/external-interviews/request", node), 400, '"candidates" is required')
    # The literal placeholder is not an email.
    literal = {"candidates": [{"name": "n", "email": "Candidate email", "phoneNo": "1"}], "hiringRoleId": 9999}
    error(api.post("/external-interviews/request", literal), 400, "must be a valid email")


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"hiringRoleId": ROLE}, 400, '"candidates" is required'),
        ({"candidates": [], "hiringRoleId": ROLE}, 400, "at least 1"),
        ({"candidates": "x", "hiringRoleId": ROLE}, 400, "must be an array"),
        ({"candidates": [{"email": "a@b.co", "phoneNo": "1"}], "hiringRoleId": ROLE}, 400, '"candidates[0].name"'),
        ({"candidates": [{"name": "a", "phoneNo": "1"}], "hiringRoleId": ROLE}, 400, '"candidates[0].email" is'),
        ({"candidates": [{"name": "a", "email": "a@b.co"}], "hiringRoleId": ROLE}, 400, '"candidates[0].phoneNo"'),
        ({"candidates": [candidate()]}, 400, '"hiringRoleId" is required'),
        ({"candidates": [candidate()], "hiringRoleId": "9999"}, 400, "must be an integer"),
        ({"candidates": [candidate()], "hiringRoleId": 123456}, 404, "not found"),
        ({"candidates": [candidate()], "hiringRoleId": 9506}, 400, "not live"),  # a draft role
        ({"candidates": [candidate(resume={"fileName": "cv.pdf"})], "hiringRoleId": ROLE}, 400, "resume.url"),
        ({"candidates": [candidate(resume={"fileName": "cv.pdf", "url": "cv"})], "hiringRoleId": ROLE}, 400, "uri"),
        (
            {"candidates": [candidate(timeSlots=[{"startTime": LATE, "endTime": LATE}])], "hiringRoleId": ROLE},
            400,
            "between 10:00 AM and 8:00 PM",
        ),
        (
            {
                "candidates": [candidate(timeSlots=[{"startTime": SLOT["endTime"], "endTime": SLOT["startTime"]}])],
                "hiringRoleId": ROLE,
            },
            400,
            "greater than",
        ),
        (
            {"candidates": [candidate(timeSlots=[{"startTime": SLOT["startTime"]}])], "hiringRoleId": ROLE},
            400,
            "endTime",
        ),
        ({"candidates": [candidate(utcOffset="IST")], "hiringRoleId": ROLE}, 400, "utcOffset"),
    ],
)
def test_request_validation(api: Api, body: dict[str, Any], status: int, message: str) -> None:
    error(api.post("/external-interviews/request", body), status, message)
    assert api.invites() == {}


def test_optional_fields_and_one_interview_per_candidate(api: Api) -> None:
    rows = request_external(
        api,
        candidate(1, resume={"fileName": "cv.pdf", "url": "https://files.example.com/cv.pdf"}, timeSlots=[SLOT]),
        candidate(
            2, timeSlots=[{"startTime": "2030-01-10T10:00:00.000Z", "endTime": "2030-01-10T11:00:00.000Z"}], utcOffset=0
        ),
        candidate(3),
    )
    assert [r["email"] for r in rows] == ["candidate1@example.com", "candidate2@example.com", "candidate3@example.com"]
    assert len({r["interviewId"] for r in rows}) == 3
    detail = api.get(f"/external-interviews/{rows[0]['interviewId']}").json()
    assert detail["status"] == 200
    assert set(detail["data"]) == fields("id hiringRoleId roundName requestedAt requestedBy scheduleDateTime candidate")
    assert detail["data"]["candidate"] == {k: rows[0][k] for k in ("name", "email", "phoneNo")}
    assert detail["data"]["hiringRoleId"] == ROLE and detail["data"]["scheduleDateTime"] is None
    assert api.invites()[str(ROLE)] == {f"candidate{n}@example.com": 1 for n in (1, 2, 3)}


def test_requesting_the_same_email_again_returns_the_open_interview(api: Api, hooks: Hooks) -> None:
    first = request_external(api, candidate(1))[0]["interviewId"]
    again = request_external(api, candidate(1), candidate(1))
    assert [r["interviewId"] for r in again] == [first, first]
    assert api.invites()[str(ROLE)] == {"candidate1@example.com": 1}
    # Another role is another interview; a canceled one no longer blocks a new request.
    assert request_external(api, candidate(1), role=9501)[0]["interviewId"] != first
    assert api.post("/external-interviews/cancel", {"interviewId": first}).status_code == 200
    fresh = request_external(api, candidate(1))[0]["interviewId"]
    assert fresh != first
    assert api.invites()[str(ROLE)] == {"candidate1@example.com": 2}
    requested = hooks.wait(3, "requested")
    assert len(hooks.settle()) == 4 and len(requested) == 3  # three requested, one canceled


def test_duplicate_requests_option_create_makes_a_new_interview_each_time(api: Api) -> None:
    api.options(duplicate_requests="create")
    ids = {request_external(api, candidate(1))[0]["interviewId"] for _ in range(2)}
    assert len(ids) == 2
    assert api.invites()[str(ROLE)] == {"candidate1@example.com": 2}


def test_update_example(api: Api) -> None:
    interview_id = request_external(api, candidate(1))[0]["interviewId"]
    payload = {
        "candidate": {"name": "Candidate name", "email": "candidate@example.com", "phoneNo": "Candidate phoneNo"},
        "hiringRoleId": 9501,
        "interviewId": interview_id,
    }
    answer = api.post("/external-interviews/update", payload)
    assert answer.json() == {"status": 200, "message": "On-demand request has been edited"}
    data = api.get(f"/external-interviews/{interview_id}").json()["data"]
    assert data["candidate"]["name"] == "Candidate name" and data["hiringRoleId"] == 9501


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"interviewId": None}, 400, '"interviewId" is required'),
        ({"candidate": None}, 400, '"candidate" is required'),
        ({"hiringRoleId": None}, 400, '"hiringRoleId" is required'),
        ({"candidate": {"name": "x", "email": "bad", "phoneNo": "1"}}, 400, '"candidate.email"'),
        ({"interviewId": "interview uuid"}, 400, "GUID"),
        ({"interviewId": str(uuid.UUID(int=7, version=4))}, 404, "not found"),
        ({"hiringRoleId": 4242}, 404, "not found"),
    ],
)
def test_update_validation(api: Api, change: dict[str, Any], status: int, message: str) -> None:
    interview_id = request_external(api, candidate(1))[0]["interviewId"]
    payload = {"candidate": candidate(2), "hiringRoleId": ROLE, "interviewId": interview_id}
    payload = {k: v for k, v in {**payload, **change}.items() if v is not None}
    error(api.post("/external-interviews/update", payload), status, message)


def test_cancel_example_and_what_cannot_be_canceled_or_edited(api: Api) -> None:
    interview_id = request_external(api, candidate(1))[0]["interviewId"]
    answer = api.post("/external-interviews/cancel", raw=json.dumps({"interviewId": interview_id}))
    assert answer.json() == {"status": 200, "message": "On-demand interview canceled successfully"}
    error(api.post("/external-interviews/cancel", {"interviewId": interview_id}), 400, "canceled")
    update = {"candidate": candidate(1), "hiringRoleId": ROLE, "interviewId": interview_id}
    error(api.post("/external-interviews/update", update), 400, "canceled")
    error(api.post("/external-interviews/cancel", {}), 400, '"interviewId" is required')
    error(api.post("/external-interviews/cancel", {"interviewId": str(uuid.uuid4())}), 404)


def test_get_interview_example_and_errors(api: Api) -> None:
    seeded = api.get("/external-interviews/bb1733c3-a57e-4f14-a0dd-8dffd78e4c38").json()
    assert seeded["data"]["id"] == "bb1733c3-a57e-4f14-a0dd-8dffd78e4c38"
    assert seeded["data"]["scheduleDateTime"].endswith("Z")
    assert set(seeded["data"]["requestedBy"]) == {"name", "email"}
    error(api.get("/external-interviews/{ID}"), 400, "GUID")
    error(api.get(f"/external-interviews/{uuid.uuid4()}"), 404)


def test_get_roles_pages_to_the_end(api: Api) -> None:
    first = api.get("/external-interviews/getRoles").json()
    assert first["pageNumber"] == 1 and first["pageSize"] == 10 and first["next"] is True
    assert set(first["data"][0]) == fields(
        "id internalName jobTitle seniority candidateProfile workplaceModel enabledRounds engineeringTeamSize ctc"
    )
    assert first["data"][0]["id"] == ROLE  # newest first
    rows = all_pages(lambda p: api.get("/external-interviews/getRoles", params={"pageNumber": p, "pageSize": 4}))
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == first["totalResults"] > 10
    ascending = all_pages(
        lambda p: api.get("/external-interviews/getRoles", params={"pageNumber": p, "sortedByDirection": "ASC"})
    )
    assert [r["id"] for r in ascending] == ids[::-1]
    beyond = api.get("/external-interviews/getRoles", params={"pageNumber": 99}).json()
    assert beyond["data"] == [] and beyond["next"] is False


def test_get_roles_filters_and_counts(api: Api) -> None:
    live = api.get("/external-interviews/getRoles").json()["totalResults"]
    counted = api.get("/external-interviews/getRoles", params={"getTotal": "true", "includeDraftCount": "true"}).json()
    assert counted["totalResults"] == live + counted["draftCount"] and counted["draftCount"] > 0
    frontend = api.get("/external-interviews/getRoles", params={"candidateProfile": "FRONTEND", "pageSize": 50}).json()
    assert frontend["data"] and {r["candidateProfile"] for r in frontend["data"]} == {"FRONTEND"}
    error(api.get("/external-interviews/getRoles", params={"pageNumber": 0}), 400, "greater than or equal to 1")
    error(api.get("/external-interviews/getRoles", params={"pageSize": "ten"}), 400, "must be a number")


def test_get_role_example(api: Api) -> None:
    body = api.get("/external-interviews/getRole/9999").json()
    assert body["status"] == 200
    assert body["data"] == {
        "id": 9999,
        "internalName": "Frontend",
        "jobTitle": "Frontend Engineer",
        "jdLink": None,
        "jdFileName": None,
        "seniority": "Mid-senior",
        "workplaceModel": "HYBRID",
        "engineeringTeamSize": "MEDIUM",
        "ctc": "10+ LPA",
        "candidateProfile": "FRONTEND",
        "publishStatus": "LIVE",
    }
    error(api.get("/external-interviews/getRole/roleId"), 400)
    error(api.get("/external-interviews/getRole/1"), 404)


def test_rounds_and_profiles(api: Api) -> None:
    one = api.get("/external-interviews/getRounds/FRONTEND", params={"pageSize": 1}).json()
    assert one["pageSize"] == 1 and one["next"] is True and len(one["data"]) == 1
    rows = all_pages(
        lambda p: api.get("/external-interviews/getRounds/FRONTEND", params={"pageNumber": p, "pageSize": 3})
    )
    assert len(rows) == one["totalResults"] > 10
    assert {r["profile"] for r in rows} == {"FRONTEND"}
    assert set(rows[0]) == {"id", "name", "description", "skill", "profile", "seniorityList", "round"}
    single = api.get(f"/external-interviews/getRound/{rows[4]['id']}").json()
    assert single == {"status": 200, "data": rows[4]}
    error(api.get("/external-interviews/getRound/987654"), 404)
    error(api.get("/external-interviews/getRound/roundId"), 400)
    error(api.get("/external-interviews/getRounds/profile"), 404)  # the example's literal placeholder
    profiles = api.get("/external-interviews/getProfiles").json()["data"]
    assert {p["value"] for p in profiles} >= {"FRONTEND", "BACKEND"}
    assert set(profiles[0]) == {"value", "heading", "subHeading", "skills", "rounds"}
    rounds_of_frontend = next(p["rounds"] for p in profiles if p["value"] == "FRONTEND")
    assert {r["round"] for r in rows} == set(rounds_of_frontend)


# --- mock interviews -------------------------------------------------------------------------------------
MOCK_CANDIDATE = {
    "name": "Candidate name",
    "email": "mock@example.com",
    "phoneNo": "candidate phoneNo",
    "scheduleTime": ["2022-12-22T05:43:18.294Z", "2022-12-22T06:43:18.294Z"],
}


def test_mock_request_examples(api: Api) -> None:
    answer = api.post("/mock-interviews/request", {"candidates": [MOCK_CANDIDATE], "hiringRoleId": 9999})
    body = answer.json()
    assert body["status"] == 200 and body["message"] == "Mock interview request has been initiated"
    (row,) = body["data"]
    assert set(row) == {"name", "email", "phoneNo", "interviewId"}
    info = api.get(f"/mock-interviews/getInterviewInfo/{row['interviewId']}").json()["data"]
    assert info["status"] == "UN_SCHEDULED" and info["hiringRoleId"] == 9999
    assert info["resume"] == {"url": None, "fileName": None}
    # The python example leaves out scheduleTime, which the table requires.
    python = {"candidates": [{k: v for k, v in MOCK_CANDIDATE.items() if k != "scheduleTime"}], "hiringRoleId": 9999}
    error(api.post("/mock-interviews/request", python), 400, '"candidates[0].scheduleTime" is required')
    curl = json.dumps({"candidates": [MOCK_CANDIDATE], "hiringRoleId": 9999})[:-1] + ",}"
    error(api.post("/mock-interviews/request", raw=curl), 400, "JSON")
    assert api.invites() == {"mock-9999": {"mock@example.com": 1}}


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (["2022-12-22T05:43:18.294Z"], "2 items"),
        (["2022-12-22T02:00:00.000Z", "2022-12-22T06:00:00.000Z"], "between 10:00 AM and 8:00 PM"),
        (["2022-12-22T06:43:18.294Z", "2022-12-22T05:43:18.294Z"], "later than"),
        (["tomorrow", "2022-12-22T05:43:18.294Z"], "ISO 8601"),
    ],
)
def test_mock_schedule_time_validation(api: Api, schedule: list[str], message: str) -> None:
    body = {"candidates": [{**MOCK_CANDIDATE, "scheduleTime": schedule}], "hiringRoleId": 9}
    error(api.post("/mock-interviews/request", body), 400, message)


def test_mock_role_rubrics_by_get_and_post(api: Api) -> None:
    by_get = api.get("/mock-interviews/getRole/10").json()
    by_post = api.post("/mock-interviews/getRole/10").json()
    assert by_get == by_post
    assert by_get["roundDetails"] == {"roundName": "Data Structure & Algorithms", "roundDescription": ""}
    assert {"name": "Functionally correct solution", "description": "End to end working solution"} in by_get["rubrics"]
    error(api.get("/mock-interviews/getRole/5555"), 404)
    error(api.post("/mock-interviews/getRole/{hiringRoleId}"), 400)


def test_mock_profiles_follow_the_skills_available_rule(api: Api) -> None:
    profiles = api.get("/mock-interviews/getProfilesSupported").json()["profileList"]
    levels = [level for p in profiles for level in p["seniorityList"]]
    for level in levels:
        assert ("skillList" in level) is level["skillsAvailable"]
        assert ("hiringRoleId" in level) is not level["skillsAvailable"]
    frontend = next(p for p in profiles if p["key"] == "FRONTEND")
    entry = next(s for s in frontend["seniorityList"] if s["key"] == "Entry-level")
    assert {s["hiringRoleId"] for s in entry["skillList"]} == {724, 9, 8, 764}
    backend = next(p for p in profiles if p["key"] == "BACKEND")
    assert backend["seniorityList"][0]["hiringRoleId"] == 10


def test_mock_interview_and_candidate_info_examples(api: Api) -> None:
    info = api.get("/mock-interviews/getInterviewInfo/12395361-5034-4c90-86fe-b59dd8ffe520").json()
    assert info["data"] == {
        "interviewId": "12395361-5034-4c90-86fe-b59dd8ffe520",
        "hiringRoleId": 9,
        "candidateProfile": "FRONTEND",
        "seniority": "Entry-level",
        "round": "Libraries & Frameworks",
        "resume": {"url": None, "fileName": None},
        "status": "UN_SCHEDULED",
        "candidate": {"name": "abc", "email": "xyz@gmail.com", "phoneNo": "1234567890"},
    }
    error(api.get("/mock-interviews/getInterviewInfo/interviewId"), 400)
    person = api.get("/mock-interviews/getCandidateInfo", params={"email": "xyz@gmail.com"}).json()
    assert person == {"status": 200, "data": {"name": "abc", "email": "xyz@gmail.com", "phoneNo": "1234567890"}}
    error(api.get("/mock-interviews/getCandidateInfo"), 400, '"email" is required')
    error(api.get("/mock-interviews/getCandidateInfo?email=email"), 400, "valid email")
    error(api.get("/mock-interviews/getCandidateInfo", params={"email": "nobody@example.com"}), 404)


def test_mock_interview_advances_without_webhooks(api: Api, hooks: Hooks) -> None:
    ref = "12395361-5034-4c90-86fe-b59dd8ffe520"
    assert api.advance(ref, "started").json()["status"] == "SCHEDULED"
    assert api.advance(ref, "completed").json()["status"] == "COMPLETED"
    assert api.get(f"/mock-interviews/getInterviewInfo/{ref}").json()["data"]["status"] == "COMPLETED"
    assert api.advance(ref, "discarded").status_code == 400
    assert hooks.settle() == []


# --- home assignments -------------------------------------------------------------------------------------
ASSIGNMENT_FIELDS = fields(
    "name mainTestUrlHash disabled publishStatus createdAt updatedAt duration description "
    "fromLibrary totalInvitations publicUrl invitations candidatesInvited"
)
RESULT_FIELDS = fields(
    "invitationUrlHash testName testExpiryDate testStartDate duration candidateEmail "
    "candidateName disabled shortListed testCasesCheckStatus reportUuid activeTestId "
    "tabSwitches fullScreenExits percentageScored scoringEvaluationStatus passedScoring "
    "isLocked invitationSendSuccess autoDisqualified totalAttempted totalQuestions "
    "testFinalEntryDate test"
)
STATUSES = (
    "INVITE_FAILED",
    "EVALUATION_PENDING",
    "CANDIDATE_SHORTLISTED",
    "INTERVIEW_ENDED",
    "INTERVIEW_EXPIRED",
    "INVITATION_SENT",
    "INTERVIEW_STARTED",
)


def test_assignment_list_pages_and_filters(api: Api) -> None:
    first = api.get("/assignments/list").json()
    assert first["status"] == 200 and first["next"] is True and len(first["data"]) == 10
    assert set(first["data"][0]) == ASSIGNMENT_FIELDS
    rows = all_pages(lambda p: api.get("/assignments/list", params={"pageNumber": p, "pageSize": 5}))
    assert len(rows) == first["totalResults"] == len({r["mainTestUrlHash"] for r in rows})
    invited = next(r for r in rows if r["candidatesInvited"])
    assert invited["totalInvitations"] == len(invited["candidatesInvited"])
    assert sum(b["invitationsCount"] for b in invited["invitations"]) == invited["totalInvitations"]
    drafts = api.get("/assignments/list", params={"publishStatus": "DRAFT"}).json()["data"]
    assert drafts and {r["publishStatus"] for r in drafts} == {"DRAFT"}
    enabled = api.get("/assignments/list", params={"hideDisabled": "true", "pageSize": 50}).json()
    assert not any(r["disabled"] for r in enabled["data"]) and any(r["disabled"] for r in rows)
    ascending = api.get("/assignments/list", params={"sortByDirection": "ASC", "pageSize": 50}).json()["data"]
    assert [r["createdAt"] for r in ascending] == sorted(r["createdAt"] for r in rows)
    error(api.get("/assignments/list", params={"publishStatus": "ARCHIVED"}), 400, "must be one of")


def test_skills_and_test_configuration_examples(api: Api) -> None:
    skills = api.get("/assignments/getSkills").json()["skillList"]
    assert {"skillName", "skillId"} == set(skills[0]) and {1, 2} <= {s["skillId"] for s in skills}
    config = api.get("/assignments/getTestConfiguration?seniority=10&skills[]=1&skills[]=2").json()
    assert [c["skill"]["id"] for c in config["configuration"]] == [1, 2]
    entry = config["configuration"][0]["config"][0]
    assert set(entry) == {"questionType", "difficultyLevel", "questionsCount", "maxQuestionsCount"}
    assert config["duration"] > 0
    error(api.get("/assignments/getTestConfiguration?seniority=10"), 400, '"skills" is required')
    error(api.get("/assignments/getTestConfiguration?skills[]=1"), 400, '"seniority" is required')
    error(api.get("/assignments/getTestConfiguration?seniority=1&skills[]=999"), 404)


def config(level: str = "EASY", count: int = 1, kind: str | None = "MCQ") -> dict[str, Any]:
    row: dict[str, Any] = {"difficultyLevel": level, "questionsCount": count, "variantType": kind}
    return {k: v for k, v in row.items() if v is not None}


CREATE_TEST = {
    "randomForEachCandidate": True,
    "testName": "test 4",
    "testConfig": [
        {"skill": {"name": "skill-1", "id": 1}, "config": [config("EASY", 1, "MCQ")]},
        {"skill": {"name": "skill-2", "id": 2}, "config": [config("EASY", 2, "MCQ")]},
    ],
}


def test_create_test_examples(api: Api) -> None:
    answer = api.post("/assignments/createTest/", CREATE_TEST)
    body = answer.json()
    assert body["status"] == 200 and body["message"] == "Test published successfully!"
    assert set(body["data"]) == {"testName", "mainTestUrlHash", "duration"} and body["data"]["testName"] == "test 4"
    node = {**CREATE_TEST, "seniority": "Internship"}  # the node and java examples add seniority
    assert api.post("/assignments/createTest/", node).status_code == 200
    python = json.loads(json.dumps(CREATE_TEST))
    python["testConfig"][0]["config"][0]["variantType"] = "PROGRAMMING"
    assert api.post("/assignments/createTest", python).status_code == 200  # the trailing slash is optional
    table = {  # the parameter table names skillName instead of a skill object
        "testName": "table test",
        "randomForEachCandidate": False,
        "testConfig": [{"skillName": "SQL", "config": [config("HARD", 1, "SUBJECTIVE")]}],
        "description": "d",
        "cutOffMarksPercentage": 70,
        "takeSnapshot": True,
        "mandatoryTakeSnapshot": False,
        "duration": 45,
    }
    created = api.post("/assignments/createTest/", table).json()["data"]
    assert created["duration"] == 45
    listed = api.get("/assignments/list", params={"pageSize": 50}).json()["data"]
    assert created["mainTestUrlHash"] in {r["mainTestUrlHash"] for r in listed}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"testName": None}, '"testName" is required'),
        ({"randomForEachCandidate": None}, '"randomForEachCandidate"'),
        ({"testConfig": None}, '"testConfig" is required'),
        ({"testConfig": [{"config": []}]}, '"testConfig[0].skillName" is required'),
        ({"testConfig": [{"skillName": "x", "config": [config(kind=None)]}]}, "variantType"),
        ({"testConfig": [{"skillName": "x", "config": [config("EXTREME")]}]}, "difficultyLevel"),
        ({"testConfig": [{"skillName": "x", "config": [config(count=0)]}]}, "questionsCount"),
        ({"cutOffMarksPercentage": 101}, "less than or equal to 100"),
    ],
)
def test_create_test_validation(api: Api, change: dict[str, Any], message: str) -> None:
    body = {k: v for k, v in {**CREATE_TEST, **change}.items() if v is not None}
    error(api.post("/assignments/createTest/", body), 400, message)


def test_send_invitations_example(api: Api, hooks: Hooks) -> None:
    main_hash = live_assignment(api)
    payload = {
        "mainTestUrlHash": main_hash,
        "candidates": [{"email": "candidate@example.com", "name": "Candidate name"}],
        "expiryDate": "2031-01-29T18:32:26.411Z",
        "emailReplyTo": "reply@example.com",
        "emailSubject": "Subject",
    }
    body = api.post("/assignments/send-invitations", payload).json()
    assert body["status"] == 200 and isinstance(body["activeTestId"], int)
    (row,) = body["candidates"]
    assert row["name"] == "Candidate name" and row["email"] == "candidate@example.com"
    (event,) = hooks.wait(1, "invitation_sent")
    assert event["invitationData"]["invitationUrlHash"] == row["invitationUrlHash"]
    assert event["invitationData"]["candidate"]["email"] == "candidate@example.com"
    assert requests.get(event["invitationData"]["magicLink"], timeout=TIMEOUT).status_code == 200
    assert api.invites()[main_hash] == {"candidate@example.com": 1}
    results = api.get("/assignments/results", params={"activeTestId": body["activeTestId"]}).json()["data"]
    assert [r["invitationUrlHash"] for r in results] == [row["invitationUrlHash"]]


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"mainTestUrlHash": None}, 400, '"mainTestUrlHash" is required'),
        ({"candidates": None}, 400, '"candidates" is required'),
        ({"candidates": [{"name": "x"}]}, 400, '"candidates[0].email" is required'),
        ({"candidates": [{"email": "x@example.com"}]}, 400, '"candidates[0].name" is required'),
        ({"expiryDate": None}, 400, '"expiryDate" is required'),
        ({"expiryDate": "next week"}, 400, "ISO 8601"),
        ({"startDate": "2032-01-01T00:00:00Z"}, 400, "greater than"),
        ({"disableCommunications": "yes"}, 400, "boolean"),
        ({"mainTestUrlHash": "main test url hash"}, 404, "Test not found"),
    ],
)
def test_send_invitations_validation(api: Api, change: dict[str, Any], status: int, message: str) -> None:
    body = {
        "mainTestUrlHash": live_assignment(api),
        "candidates": [{"email": "v@example.com", "name": "V"}],
        "expiryDate": "2031-01-29T18:32:26.411Z",
    }
    body = {k: v for k, v in {**body, **change}.items() if v is not None}
    error(api.post("/assignments/send-invitations", body), status, message)
    assert api.invites() == {}


def test_inviting_the_same_email_again_returns_the_live_invitation(api: Api, hooks: Hooks) -> None:
    main_hash = live_assignment(api)
    first = invite(api, main_hash, ("Dup", "dup@example.com")).json()
    again = invite(api, main_hash, ("Dup", "dup@example.com"), ("New", "new@example.com")).json()
    assert again["candidates"][0]["invitationUrlHash"] == first["candidates"][0]["invitationUrlHash"]
    assert again["activeTestId"] != first["activeTestId"]  # the new candidate's batch
    assert api.invites()[main_hash] == {"dup@example.com": 1, "new@example.com": 1}
    assert len(hooks.wait(2, "invitation_sent")) == 2
    assert len(hooks.settle()) == 2
    # Once the first one is taken and ended, inviting again is a retake: a new invitation.
    first_hash = first["candidates"][0]["invitationUrlHash"]
    assert api.advance(first_hash, "completed").status_code == 200
    retake = invite(api, main_hash, ("Dup", "dup@example.com")).json()
    assert retake["candidates"][0]["invitationUrlHash"] != first_hash
    assert api.invites()[main_hash]["dup@example.com"] == 2


def test_an_undeliverable_invitation_is_invite_failed(api: Api, hooks: Hooks) -> None:
    main_hash = live_assignment(api)
    row = invite(api, main_hash, ("Bounce", "someone@mailer.invalid")).json()["candidates"][0]
    failed = api.get("/assignments/results", params={"assignmentStatus": "INVITE_FAILED", "pageSize": 50}).json()
    match = next(r for r in failed["data"] if r["invitationUrlHash"] == row["invitationUrlHash"])
    assert match["invitationSendSuccess"] is False
    assert hooks.settle() == []


def test_disabled_archived_and_deleted_tests(api: Api) -> None:
    main_hash = live_assignment(api)
    assert api.call("PATCH", f"/assignments/disable/{main_hash}").json() == {"status": 200, "message": "Test disabled"}
    listed = api.get("/assignments/list", params={"pageSize": 50}).json()["data"]
    assert next(r for r in listed if r["mainTestUrlHash"] == main_hash)["disabled"] is True
    error(invite(api, main_hash, ("A", "a@example.com")), 400, "disabled")
    error(api.call("DELETE", f"/assignments/{main_hash}"), 400, "archived")
    assert api.call("PATCH", f"/assignments/archive/{main_hash}").json() == {"status": 200, "message": "Test archived"}
    listed = api.get("/assignments/list", params={"pageSize": 50}).json()["data"]
    assert main_hash not in {r["mainTestUrlHash"] for r in listed}
    deleted = api.call("DELETE", f"/assignments/{main_hash}")
    assert deleted.json() == {"status": 200, "message": "test removed successfully!"}
    error(api.call("DELETE", f"/assignments/{main_hash}"), 404)
    error(api.call("PATCH", "/assignments/disable/testUrlHash"), 404)
    results = api.get("/assignments/results", params={"testUrlHash": main_hash}).json()
    assert results["totalResults"] == 0


def test_draft_tests_cannot_be_sent(api: Api) -> None:
    draft = api.get("/assignments/list", params={"publishStatus": "DRAFT"}).json()["data"][0]["mainTestUrlHash"]
    error(invite(api, draft, ("A", "a@example.com")), 400, "not published")


def test_create_public_link_example(api: Api) -> None:
    main_hash = live_assignment(api)
    payload = {
        "mainTestUrlHash": main_hash,
        "testStartTime": "2023-01-29T18:32:26.411Z",
        "expiresOn": "2023-01-29T18:32:26.411Z",
    }
    body = api.post("/assignments/createPublicLink/", payload).json()
    assert body == {**payload, "status": 200, "uniqueId": body["uniqueId"]}
    assert uuid.UUID(body["uniqueId"])
    listed = api.get("/assignments/list", params={"pageSize": 50}).json()["data"]
    public_url = next(r for r in listed if r["mainTestUrlHash"] == main_hash)["publicUrl"]
    assert public_url.endswith(body["uniqueId"])
    assert requests.get(public_url, timeout=TIMEOUT).status_code == 200
    bare = api.post("/assignments/createPublicLink/", {"mainTestUrlHash": main_hash}).json()
    assert bare["testStartTime"] is None and bare["expiresOn"] is None
    error(api.post("/assignments/createPublicLink/", {}), 400, '"mainTestUrlHash" is required')


def test_results_page_to_the_end_and_filter_by_every_status(api: Api) -> None:
    first = api.get("/assignments/results").json()
    assert first["status"] == 200 and set(first["data"][0]) == RESULT_FIELDS
    rows = all_pages(lambda p: api.get("/assignments/results", params={"pageNumber": p, "pageSize": 7}))
    assert len(rows) == first["totalResults"] == len({r["invitationUrlHash"] for r in rows}) > 20
    by_status: dict[str, set[str]] = {}
    for status in STATUSES:
        found = api.get("/assignments/results", params={"assignmentStatus": status, "pageSize": 100}).json()["data"]
        assert found, status
        by_status[status] = {r["invitationUrlHash"] for r in found}
    assert sum(len(s) for s in by_status.values()) == len(rows)  # every result has exactly one status
    ended = api.get("/assignments/results", params={"assignmentStatus": "INTERVIEW_ENDED", "pageSize": 100}).json()
    assert all(r["percentageScored"] is not None and r["scoringEvaluationStatus"] == "EVALUATED" for r in ended["data"])
    sent = api.get("/assignments/results", params={"assignmentStatus": "INVITATION_SENT", "pageSize": 100}).json()
    assert all(r["percentageScored"] is None for r in sent["data"])
    error(api.get("/assignments/results", params={"assignmentStatus": "DONE"}), 400, "must be one of")
    error(api.get("/assignments/results", params={"sortBy": "score"}), 400, "must be one of")


def test_results_filters_and_sorting(api: Api) -> None:
    rows = api.get("/assignments/results", params={"pageSize": 100}).json()["data"]
    sample = rows[0]
    by_test = api.get("/assignments/results", params={"testUrlHash": sample["test"]["testUrlHash"]}).json()["data"]
    assert by_test and {r["test"]["testUrlHash"] for r in by_test} == {sample["test"]["testUrlHash"]}
    busiest = busiest_assignment(api)
    by_main = api.get("/assignments/results", params={"testUrlHash": busiest["mainTestUrlHash"], "pageSize": 100})
    assert {r["invitationUrlHash"] for r in by_main.json()["data"]} == {
        c["invitationUrlHash"] for c in busiest["candidatesInvited"]
    }
    assert len({r["test"]["testUrlHash"] for r in by_main.json()["data"]}) > 1  # several batches, one test
    batch = api.get("/assignments/results", params={"activeTestId": sample["activeTestId"]}).json()["data"]
    assert {r["activeTestId"] for r in batch} == {sample["activeTestId"]}
    shortlisted = api.get("/assignments/results", params={"shortListed": "true"}).json()["data"]
    assert shortlisted and all(r["shortListed"] is True for r in shortlisted)
    names = api.get(
        "/assignments/results", params={"sortBy": "candidateName", "sortByDirection": "ASC", "pageSize": 100}
    )
    listed = [r["candidateName"].lower() for r in names.json()["data"]]
    assert listed == sorted(listed)


def test_report_example_for_an_ended_and_an_untaken_invitation(api: Api) -> None:
    ended = api.get("/assignments/results", params={"assignmentStatus": "INTERVIEW_ENDED"}).json()["data"][0]
    report = api.get(f"/assignments/report/{ended['invitationUrlHash']}").json()["data"]
    assert report["percentageScored"] == ended["percentageScored"] and report["sectionWiseScores"]
    assert report["test"]["result"][0].keys() == fields(
        "question questionType sectionName isCorrect evaluationResult maxPoints pointsEarned attempted"
    )
    assert requests.get(report["playBackLink"], timeout=TIMEOUT).status_code == 200
    assert "Signature=" in report["codeLink"]
    untaken = api.get("/assignments/results", params={"assignmentStatus": "INVITATION_SENT"}).json()["data"][0]
    fresh = api.get(f"/assignments/report/{untaken['invitationUrlHash']}").json()["data"]
    assert fresh["interviewStartedAt"] is None and fresh["percentageScored"] is None and fresh["playBackLink"] is None
    error(api.get("/assignments/report/invitationUrlHash"), 404)


def test_detailed_report_example(api: Api) -> None:
    main_hash = busiest_assignment(api)["mainTestUrlHash"]
    rows = all_pages(
        lambda p: api.get(f"/assignments/detailed-report/{main_hash}", params={"pageNumber": p, "pageSize": 2})
    )
    assert len(rows) > 2
    assert set(rows[0]) == fields(
        "testUrlHash candidateName candidateEmail shortListed interviewStartedAt interviewEndedAt "
        "scoringEvaluationStatus status timeTaken plagiarism reportLink others_attempted "
        "candidateInfo result"
    )
    email = rows[0]["candidateEmail"]
    one = api.get(f"/assignments/detailed-report/{main_hash}", params={"email": email}).json()
    assert [r["candidateEmail"] for r in one["data"]] == [email]
    by_test_hash = api.get(f"/assignments/detailed-report/{rows[0]['testUrlHash']}").json()["data"]
    assert by_test_hash and {r["testUrlHash"] for r in by_test_hash} == {rows[0]["testUrlHash"]}
    error(api.get("/assignments/detailed-report/testUrlHash"), 404)


# --- webhooks ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["hex", "base64", "base64url"])
def test_webhooks_are_signed_with_hmac_sha256_of_the_raw_body(api: Api, hooks: Hooks, encoding: str) -> None:
    if encoding != "hex":
        api.options(signature_encoding=encoding)
    request_external(api, candidate())
    hooks.wait(1)
    headers, body = hooks.received[0]
    digest = hmac.new(b"whsec_test", body, hashlib.sha256)
    expected = {
        "hex": digest.hexdigest(),
        "base64": base64.b64encode(digest.digest()).decode(),  # CryptoJS.enc.Base64, padded
        "base64url": base64.urlsafe_b64encode(digest.digest()).decode().rstrip("="),  # the python example
    }[encoding]
    assert hmac.compare_digest(headers["X-Intervue-Signature"], expected)


def test_webhooks_can_be_keyed_as_the_python_example_does(api: Api, hooks: Hooks) -> None:
    api.options(signature_key="base64url-decoded", signature_encoding="base64url")
    request_external(api, candidate())
    hooks.wait(1)
    headers, body = hooks.received[0]
    # The document's Python example, line by line.
    key = b"whsec_test"
    if len(key) % 4 == 2:
        key += b"=="
    elif len(key) % 4 == 3:
        key += b"="
    key = base64.urlsafe_b64decode(key)
    expected = base64.urlsafe_b64encode(hmac.digest(key, body, digest=hashlib.sha256)).rstrip(b"=")
    assert hmac.compare_digest(headers["X-Intervue-Signature"].encode(), expected)


def test_webhooks_are_keyed_with_the_raw_secret_unless_asked(api: Api) -> None:
    assert api.sim.options["signature_key"] == "raw"


def test_external_interview_lifecycle_in_the_examples_shape(api: Api, hooks: Hooks) -> None:
    row = request_external(api, candidate(1, timeSlots=[SLOT]))[0]
    interview_id = row["interviewId"]
    assert api.advance(interview_id, "started").json()["status"] == "scheduled"
    assert api.advance("candidate1@example.com", "completed").json()["status"] == "completed"
    events = hooks.wait(4)
    assert [e["status"] for e in events] == ["requested", "scheduled", "completed", "videoGenerationCompleted"]
    assert {e["interviewId"] for e in events} == {interview_id}
    assert all(set(e) == {"status", "interviewId", "requestedData"} for e in events)
    requested, scheduled, completed, video = (e["requestedData"] for e in events)
    assert requested["candidate"] == {"email": row["email"], "name": row["name"], "phone": row["phoneNo"]}
    assert requested["requestedBy"]["email"] == "admin@sandbox-org.example"
    assert scheduled["scheduleDateTime"] == SLOT["startTime"]
    assert completed["verdict"]["index"] in (0, 1, 2, 3)
    assert completed["verdict"]["text"] in ("Strong no", "No", "Yes", "Strong yes")
    assert completed["feedbacks"] and {"title", "criteriaDecision", "rating", "reviewHtml"} == set(
        completed["feedbacks"][0]
    )
    assert completed["interviewDuration"] == "1 hour 2 minutes"
    assert requests.get(video["url"], timeout=TIMEOUT).status_code == 200
    assert "Expires=" in completed["urls"]["playback"] and "Expires=" in completed["urls"]["report"]
    assert api.get(f"/external-interviews/{interview_id}").json()["data"]["scheduleDateTime"] == SLOT["startTime"]
    assert api.advance(interview_id, "completed").status_code == 400


def test_external_interview_events_in_the_tables_shape(api: Api, hooks: Hooks) -> None:
    api.options(webhook_payload_shape="table")
    first, second = (r["interviewId"] for r in request_external(api, candidate(1), candidate(2)))
    api.advance(first, "completed")  # schedules first, then completes
    api.advance(second, "started")
    api.post("/external-interviews/cancel", {"interviewId": second})
    events = hooks.wait(7)
    keys = {e["status"]: next(k for k in e if k not in ("status", "interviewId")) for e in events}
    assert keys == {
        "requested": "requestedData",
        "scheduled": "scheduleData",
        "completed": "reportData",
        "videoGenerationCompleted": "videoPlaybackData",
        "canceled": "cancelData",
    }
    report = next(e for e in events if e["status"] == "completed")["reportData"]
    assert "feedback" in report and "feedbacks" not in report
    assert set(report["candidate"]) == {"email", "name", "phoneNo"}
    canceled = next(e for e in events if e["status"] == "canceled")["cancelData"]
    assert canceled["canceledBy"] == "organisation" and "scheduleDateTime" in canceled


def test_discarding_an_external_interview_cancels_it(api: Api, hooks: Hooks) -> None:
    interview_id = request_external(api, candidate(1))[0]["interviewId"]
    assert api.advance(interview_id, "discarded").json()["status"] == "canceled"
    canceled = hooks.wait(1, "canceled")[0]["requestedData"]
    assert canceled["canceledBy"] == "candidate" and "scheduleDateTime" not in canceled
    for action in ("started", "completed", "discarded"):
        assert api.advance(interview_id, action).status_code == 400


@pytest.mark.parametrize("action", ["scored", "shortlisted"])
def test_external_interviews_have_no_score_or_shortlist_step(api: Api, action: str) -> None:
    interview_id = request_external(api, candidate(1))[0]["interviewId"]
    answer = api.advance(interview_id, action)
    assert answer.status_code == 400 and "verdict" in answer.json()["message"]


def test_advance_an_unknown_ref(api: Api) -> None:
    assert api.advance("nobody@example.com", "started").status_code == 404
    assert api.advance(str(uuid.uuid4()), "started").status_code == 404


def test_assignment_lifecycle(api: Api, hooks: Hooks) -> None:
    main_hash = live_assignment(api)
    row = invite(api, main_hash, ("Life Cycle", "life@example.com")).json()["candidates"][0]
    ref = row["invitationUrlHash"]
    assert api.advance("life@example.com", "started").json()["status"] == "INTERVIEW_STARTED"
    assert api.advance(ref, "completed").json()["status"] == "INTERVIEW_ENDED"
    events = hooks.wait(4)
    assert [e["status"] for e in events] == ["invitation_sent", "test_started", "test_ended", "test_report_generated"]
    started, ended, report = events[1], events[2], events[3]
    assert started["invitationUrlHash"] == ended["invitationUrlHash"] == ref
    assert started["testData"]["questions"] and "startedAt" in started["testData"]
    assert started["testData"]["candidate"] == {"email": "life@example.com", "name": "Life Cycle", "phone": None}
    assert {"pointsEarned", "isCorrect", "attempted", "evaluationStatus"} <= set(ended["testData"]["questions"][0])
    result = api.get(f"/assignments/report/{ref}").json()["data"]
    assert report["reportData"]["percentageScored"] == result["percentageScored"] is not None
    assert report["reportData"]["testUrlHash"] == result["testUrlHash"]
    assert report["reportData"]["candidate"]["email"] == "life@example.com"
    assert api.advance(ref, "scored").status_code == 400  # already evaluated
    assert api.advance(ref, "shortlisted").json()["status"] == "CANDIDATE_SHORTLISTED"
    assert api.get(f"/assignments/report/{ref}").json()["data"]["shortListed"] is True
    assert api.advance(ref, "discarded").status_code == 200
    assert api.get(f"/assignments/report/{ref}").json()["data"]["shortListed"] is False


def test_evaluation_can_wait_for_scored(api: Api, hooks: Hooks) -> None:
    api.options(auto_evaluate=False, webhook_payload_shape="table")
    ref = invite(api, live_assignment(api), ("Slow", "slow@example.com")).json()["candidates"][0]["invitationUrlHash"]
    assert api.advance(ref, "completed").json()["status"] == "EVALUATION_PENDING"
    assert api.advance(ref, "shortlisted").status_code == 400
    assert [e["status"] for e in hooks.wait(3)] == ["invitation_sent", "test_started", "test_ended"]
    assert api.advance(ref, "scored").json()["status"] == "INTERVIEW_ENDED"
    report = hooks.wait(1, "test_report_generated")[0]["reportData"]
    assert report["percentageScored"] is not None and report["candidate"]["phoneNo"] is None


def test_discarding_an_untaken_invitation_disables_it(api: Api) -> None:
    ref = invite(api, live_assignment(api), ("No Show", "noshow@example.com")).json()["candidates"][0][
        "invitationUrlHash"
    ]
    assert api.advance(ref, "discarded").status_code == 200
    result = next(
        r
        for r in api.get("/assignments/results", params={"pageSize": 100}).json()["data"]
        if r["invitationUrlHash"] == ref
    )
    assert result["disabled"] is True and result["isLocked"] is True
    assert api.advance(ref, "started").status_code == 400


def test_expired_invitations_cannot_start(api: Api) -> None:
    expired = api.get("/assignments/results", params={"assignmentStatus": "INTERVIEW_EXPIRED"}).json()["data"][0]
    assert api.advance(expired["invitationUrlHash"], "started").status_code == 400


def test_reminder_for_candidates_opted_out_of_communications(api: Api, hooks: Hooks) -> None:
    soon = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 1800))
    row = invite(api, live_assignment(api), ("Quiet", "quiet@example.com"), startDate=soon, disableCommunications=True)
    ref = row.json()["candidates"][0]["invitationUrlHash"]
    # Half an hour before the start is already inside the hour: the reminder goes out at once.
    reminder = hooks.wait(1, "reminder")[0]["reminderData"]["assignmentList"]
    assert [(r["invitationUrlHash"], r["startDate"], r["candidate"]["email"]) for r in reminder] == [
        (ref, soon, "quiet@example.com")
    ]
    assert api.control("intervue/reminders", {}).json() == {"reminded": 1}
    assert len(hooks.wait(2, "reminder")) == 2


def test_quota_finished(api: Api, hooks: Hooks) -> None:
    api.options(invitation_quota=2)
    main_hash = live_assignment(api)
    assert invite(api, main_hash, ("A", "qa@example.com"), ("B", "qb@example.com")).status_code == 200
    event = hooks.wait(1, "quota_finished")[0]
    assert event["assignmentPublicLink"].startswith(api.sandbox.url)
    assert set(event["planData"]) == {"planStartDate", "planEndDate", "message", "planName", "isTrialPlan"}
    error(invite(api, main_hash, ("C", "qc@example.com")), 403, "quota")
    assert invite(api, main_hash, ("A", "qa@example.com")).status_code == 200  # an existing invitation costs nothing


def test_auto_complete_drives_a_requested_interview_to_the_end(
    api: Api, hooks: Hooks, sandbox_clock: SandboxClock
) -> None:
    assert api.control("auto-complete", {"seconds": 600}).status_code == 200
    request_external(api, candidate(1))
    sandbox_clock.advance(600)
    events = hooks.wait(4)
    assert [e["status"] for e in events] == ["requested", "scheduled", "completed", "videoGenerationCompleted"]


# --- general ------------------------------------------------------------------------------------------------
def test_bodies_are_parsed_only_as_json(api: Api) -> None:
    form = api.post(
        "/external-interviews/request",
        raw="candidates=x",
        headers=api.headers({"Content-Type": "application/x-www-form-urlencoded"}),
    )
    error(form, 400, '"candidates" is required')
    error(api.post("/external-interviews/request", raw="[1, 2]"), 400, "object")


def test_unknown_routes_and_methods_use_the_error_shape(api: Api) -> None:
    error(api.get("/nope"), 404)
    error(api.call("PUT", "/health"), 405)


def test_the_seeded_catalog_is_identical_after_a_reset(api: Api) -> None:
    def snapshot() -> list[Any]:
        return [
            api.get("/assignments/results", params={"pageSize": 100}).json()["data"],
            api.get("/external-interviews/getRoles", params={"pageSize": 100}).json()["data"],
        ]

    before = snapshot()
    request_external(api, candidate(1))
    assert requests.post(f"{api.sandbox.url}/_control/intervue/reset", timeout=TIMEOUT).status_code == 200
    assert snapshot() == before
