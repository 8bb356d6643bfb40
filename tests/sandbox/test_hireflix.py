"""Contract tests of the Hireflix sandbox: every query and mutation of documents 001 and 002, over HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from integrations.sandbox.hireflix import HireflixSim
from tests import waiting

API_KEY = HireflixSim.credentials["api_key"]
INTERVIEW_KEYS = {
    "id",
    "position",
    "externalId",
    "status",
    "hash",
    "createdAt",
    "candidate",
    "score",
    "completed",
    "deleted",
    "archived",
    "finalist",
    "answered",
    "thumbnail",
    "url",
}

INVITE_UNION = """
mutation InviteCandidateToInterview($input: InviteCandidateToInterviewInput!) {
inviteCandidateToInterview(input: $input) {
__typename
... on InterviewType {
id
}
... on InterviewAlreadyExistsInPositionError {
code
message
}
... on ExceededInvitesThisPeriodError {
code
message
}
}
}
"""


# --- helpers ---------------------------------------------------------------------------------


def post(sandbox, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST a JSON body to /me; Hireflix answers HTTP 200 whatever happened."""
    answer = requests.post(
        f"{sandbox.url_for('hireflix')}/me",
        json=body,
        headers={"X-API-KEY": API_KEY} if headers is None else headers,
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    return answer.json()


def gql(sandbox, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return post(sandbox, body, **kwargs)


def data(sandbox, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = gql(sandbox, query, variables)
    assert "errors" not in answer, answer
    return answer["data"]


def position_ids(sandbox) -> dict[str, str]:
    return {p["name"]: p["id"] for p in data(sandbox, "{ positions { id name } }")["positions"]}


def graduate(sandbox) -> str:
    return position_ids(sandbox)["Graduate Program NYU"]


def invite(sandbox, position_id: str, email: str, external_id: str | None = None) -> dict[str, Any]:
    variables = {
        "input": {
            "positionId": position_id,
            "candidate": {"email": email, "firstName": "Ada", "lastName": "Lovelace"},
            **({"externalId": external_id} if external_id else {}),
        }
    }
    return data(sandbox, INVITE_UNION, variables)["inviteCandidateToInterview"]


def control(sandbox, path: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{sandbox.url}/_control/{path}", json=body, timeout=5)


def wait_for(condition: Callable[[], Any], timeout: float = 3.0) -> Any:
    """The condition's first truthy value, polled while the scheduler thread delivers webhooks."""
    seen: list[Any] = [None]

    def holds() -> bool:
        seen[0] = condition()
        return bool(seen[0])

    if not waiting.wait_for(holds, seconds=timeout, every=0.02):
        raise AssertionError("condition not met in time")
    return seen[0]


def deliveries_done(sandbox) -> bool:
    """No webhook in flight: every event emitted so far has reached its receiver (or given up)."""
    return all(d.status != "pending" for d in sandbox.app.hub.deliveries)


@dataclass
class Receiver:
    url: str
    hits: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def events(self, path: str = "/hook") -> list[str]:
        return [body["event"] for p, body in list(self.hits) if p == path]

    def payload(self, event: str) -> dict[str, Any]:
        return wait_for(lambda: next((b for _, b in list(self.hits) if b["event"] == event), None))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local webhook endpoint recording every delivery."""

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        hook.hits.append((request.path, json.loads(request.get_data())))
        return Response("ok")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    hook = Receiver(f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield hook
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def hooked(sandbox, receiver: Receiver) -> Receiver:
    """The control API's webhook target points at the receiver."""
    assert control(sandbox, "hireflix/webhook", {"url": f"{receiver.url}/hook"}).status_code == 200
    return receiver


# --- the document's queries and mutations, verbatim (placeholders swapped by doc()) -----------------

Q02_INVITE = """mutation {
Position(id: "623c66b61df8a64c6648f702a") {
invite(candidate: { name: "Daniela", email: "daniela@hireflix.com" }) {
id
url {
public
short
}
}
}
}"""

Q02_PAYLOAD = (
    '{\n"query": "mutation {\\n Position(id: \\"623c66b61df8a64c6648f702a\\") {\\n invite(candidate: { name: '
    '\\"Daniela\\", email: \\"daniela@hireflix.com\\" }) {\\n id\\n url {\\n public\\n short\\n }\\n }\\n }\\n}"\n}'
)

Q03_INVITE = """mutation {
Position(id: "623c66b61df8a64c6648f702") {
invite(candidate: { name: "Daniel", email: "daniel@hireflix.com" }) {
id
url {
public
short
}
}
}
}"""

Q03_SHARE = """mutation {
Interview(id:"your-interview-id") {
share(durationInDays: 100) { #Sets for how many days the link will be valid
externalLink {
url #This is the URL of the newly created Shareable link. Prompt this URL to your users on your system so they can easily watch an interview without having to log in into hireflix or anything.
}
}
}
}"""  # noqa: E501

Q18_DURATIONS = """query {
position(id: "position-id") {
id
paginatedInterviews(pagination: { limit: 1 }, status: completed) {
count
total
lastCursor
results {
questions {
answer {
meta {
duration #Here the duration of the answer
}
}
}
}
}
}
}"""

Q19_TRANSCRIPTIONS = """query {
interview(id: "#HERE THE INTERVIEW ID") {
questions {
answer {
transcription {
languageCode
text
}
}
}
}
}"""

Q20_FINALISTS = """            query{
position(id:"#HERE YOUR POSITION ID"){
paginatedInterviews(
pagination:{limit:50} #you could put any other limit here
status:finalist
)
{
results{
id
status
}
}
}
}"""

Q21_TEMPLATES = """query {
Template(type: "email") {
list {
id
name
}
}
}"""

Q22_AUDIT = """query getBasicInfo {
# This query returns basic info for your account.
info {
company {
logs {
# Simple standard skip and limit pagination
audit(pagination: { skip: 0, limit: 10 }) {
count
total
results {
actor {
id
email
}
timestamp
object
ip
action
host
referer
medium
}
}
}
}
}
}"""

Q23_1_WEBHOOK = """mutation {
Webhooks {
create(url: "https://your-callback-url", events: ["interview.finish"])
}
}"""

Q23_2_POSITIONS = """query {
positions {
id
name
#Here you can add any other property you are interested in. Remember to check the available fields in the Docs tab in the GraphQL Playground
}
}"""  # noqa: E501

Q23_3_INVITE = """mutation {
Position(id: "the-position-id") {
invite(candidate: { email: "the-candidate-email", name: "the-candidate-name" }) {
url {
public
}
}
}
}"""

Q23_3_SHARE = """mutation {
Interview(id:"your-interview-id") {
share(durationInDays: 75) { #Remember you can change the duration in days a Shareable link is valid
externalLink {
url #This is the URL of the newly created Shareable link. Prompt this URL to your users on your system so they can easily watch an interview without having to log in
}
}
}
}"""  # noqa: E501

Q24_BROKEN = """#this code won't work... it will give you the "must have a selection of subfields" error
mutation {
Position(id: "the-position-id") {
invite(candidate: { email: "the-candidate-email", name: "the-candidate-name" })
}
}"""

Q24_FIXED = """mutation {
Position(id: "the-position-id") {
invite(candidate: { email: "the-candidate-email", name: "the-candidate-name" }) {
url {
public
}

}
}
}"""

Q26_MAKE = """query MakeGetInterview {
interview(id: "YOUR INTERVIEW ID HERE") {
id
questions {
id
title
description
answer {
id
url
transcription {
languageCode
text
words {
text
start
end
}
}
}
}
}
}"""

Q28_INLINE = """mutation InviteCandidateToInterview {
inviteCandidateToInterview(
input: {
candidate: {
email: "antonio@hireflix.com"
firstName: "Antonio"
lastName: "Test"
}
positionId: "65afda7ad66b25c281f30a01"
}
) {
__typename
... on InterviewType {
id
}
... on InterviewAlreadyExistsInPositionError {
code
message
}
... on ExceededInvitesThisPeriodError {
code
message
}
# Use the "... on" syntax to discover union types. On your frontend code, you can make use of the __typename property to parse
# a return type or another
}
}"""  # noqa: E501

Q28_VARIABLES = """mutation InviteCandidateToInterview($input: InviteCandidateToInterviewInput!) {
inviteCandidateToInterview(input: $input) {
__typename
... on InterviewType {
id
}
... on InterviewAlreadyExistsInPositionError {
code
message
}
... on ExceededInvitesThisPeriodError {
code
message
}
# Use the "... on" syntax to discover union types. On your frontend code, you can make use of the __typename property to parse
# a return type or another
}
}"""  # noqa: E501

Q28_INPUT = {
    "input": {
        "candidate": {"email": "antonio@hireflix.com", "firstName": "Antonio", "lastName": "Test"},
        "positionId": "65afda7ad66b25c281fe0a01",
    }
}

Q29_DELETE = """mutation DeletePosition {
Position(id: "here-theposition-id") {
delete
}
}"""

MEMBER_ADD = """mutation {
  Company {
    Member {
      add(email: "the-candidate-email")
    }
  }
}"""

MEMBER_REMOVE = """mutation {
  Company {
    Member {
      remove(id: "user-id-here", email: "the-candidate-email")
    }
  }
}"""


def doc(text: str, values: dict[str, str]) -> str:
    """A documented query with its placeholder strings replaced by live values."""
    for placeholder, value in values.items():
        assert placeholder in text, placeholder
        text = text.replace(placeholder, value)
    return text


# --- transport and authentication ----------------------------------------------------------------


def test_missing_or_wrong_api_key_is_refused_with_a_401_error(sandbox):
    for headers in ({}, {"X-API-KEY": "not-the-key"}, {"Authorization": "Bearer wrong"}):
        answer = gql(sandbox, "{ positions { id } }", headers=headers)
        assert "data" not in answer
        assert answer["errors"][0]["code"] == 401
        assert "Unauthorized" in answer["errors"][0]["message"]


def test_header_name_is_case_insensitive_and_the_user_jwt_works_too(sandbox):
    assert gql(sandbox, "{ positions { id } }", headers={"x-api-key": API_KEY})["data"]["positions"]
    bearer = {"Authorization": f"Bearer {HireflixSim.credentials['jwt']}"}
    assert gql(sandbox, "{ positions { id } }", headers=bearer)["data"]["positions"]


def test_only_post_is_served(sandbox):
    answer = requests.get(f"{sandbox.url_for('hireflix')}/me", headers={"X-API-KEY": API_KEY}, timeout=5)
    assert answer.status_code == 405
    assert answer.json()["errors"][0]["code"] == 405


def test_body_without_a_query_is_a_400_error(sandbox):
    for body in ({}, {"query": ""}, {"query": "{ positions { id } }", "variables": [1]}, ["x"]):
        answer = post(sandbox, body)
        assert "data" not in answer
        assert answer["errors"][0]["code"] == 400


def test_parse_and_validation_errors_come_without_data(sandbox):
    for query in ("{ positions { id ", "{ positions { nope } }", "{ positions }"):
        answer = gql(sandbox, query)
        assert "data" not in answer, query
        assert answer["errors"][0]["code"] == 400
        assert answer["errors"][0]["locations"]


def test_bad_variables_are_an_error_without_data(sandbox):
    answer = gql(sandbox, INVITE_UNION, {"input": {"positionId": "x"}})
    assert "data" not in answer
    assert answer["errors"][0]["code"] == 400
    assert "candidate" in answer["errors"][0]["message"]


def test_schema_is_introspectable_and_declares_the_invite_union(sandbox):
    query = '{ __type(name: "InviteCandidateToInterviewResult") { kind possibleTypes { name } } }'
    union = data(sandbox, query)["__type"]
    assert union["kind"] == "UNION"
    assert {t["name"] for t in union["possibleTypes"]} == {
        "InterviewType",
        "InterviewAlreadyExistsInPositionError",
        "ExceededInvitesThisPeriodError",
    }


# --- 002 Q0.2, Q3, Q25, Q26: the legacy Position > invite ------------------------------------------------


def test_q02_legacy_invite_playground_form(sandbox):
    invited = data(sandbox, doc(Q02_INVITE, {"623c66b61df8a64c6648f702a": graduate(sandbox)}))["Position"]["invite"]
    assert len(invited["id"]) == 24
    hash_ = invited["url"]["public"].rsplit("/", 1)[1]
    assert invited["url"] == {"public": f"https://app.hireflix.com/{hash_}", "short": f"hflx.io/c/{hash_}"}


def test_q02_and_q26_the_inlined_json_payload(sandbox):
    """The one-line payload of Q0.2 (and of the Zapier example in Q26), sent byte for byte."""
    answer = requests.post(
        f"{sandbox.url_for('hireflix')}/me",
        data=doc(Q02_PAYLOAD, {"623c66b61df8a64c6648f702a": graduate(sandbox)}),
        headers={"X-API-KEY": API_KEY, "Content-Type": "application/json"},
        timeout=5,
    )
    assert answer.status_code == 200
    assert set(answer.json()["data"]["Position"]["invite"]) == {"id", "url"}


def test_q3_legacy_invite_returns_the_documented_payload_and_counts_once(sandbox):
    position_id = graduate(sandbox)
    answer = gql(sandbox, doc(Q03_INVITE, {"623c66b61df8a64c6648f702": position_id}))
    assert list(answer) == ["data"]
    assert set(answer["data"]["Position"]["invite"]) == {"id", "url"}
    assert set(answer["data"]["Position"]["invite"]["url"]) == {"public", "short"}
    counters = requests.get(f"{sandbox.url}/_control/hireflix/counters", timeout=5).json()
    assert counters["invites"][position_id] == {"daniel@hireflix.com": 1}


def test_q23_3_legacy_invite_with_the_documented_placeholders_is_a_bad_email(sandbox):
    answer = gql(sandbox, doc(Q23_3_INVITE, {"the-position-id": graduate(sandbox)}))
    assert answer["data"] == {"Position": {"invite": None}}
    [error] = answer["errors"]
    assert error["message"] == "invalid candidate email"
    assert error["code"] == 400
    assert error["path"] == ["Position", "invite"]
    assert len(error["requestId"]) == 32
    fixed = doc(Q23_3_INVITE, {"the-position-id": graduate(sandbox), "the-candidate-email": "c@example.com"})
    assert data(sandbox, fixed)["Position"]["invite"]["url"]["public"].startswith("https://app.hireflix.com/")


LEGACY = """mutation Legacy($id: String!, $name: String!, $email: String!, $phone: String) {
  Position(id: $id) { invite(candidate: {name: $name, email: $email, phone: $phone}) { id } }
}"""


def legacy(sandbox, position_id: str, email: str, phone: str | None = None) -> dict[str, Any]:
    return gql(sandbox, LEGACY, {"id": position_id, "name": "Pat Doe", "email": email, "phone": phone})


def test_q25_invalid_phone_is_error_400(sandbox):
    answer = legacy(sandbox, graduate(sandbox), "p@example.com", phone="call me maybe")
    assert answer["errors"][0]["code"] == 400
    assert answer["errors"][0]["message"] == "invalid candidate phone"
    assert (
        "id"
        in legacy(sandbox, graduate(sandbox), "p@example.com", phone="+34 646 003 003")["data"]["Position"]["invite"]
    )


def test_q25_reinviting_the_same_email_is_error_409(sandbox):
    position_id = graduate(sandbox)
    assert "errors" not in legacy(sandbox, position_id, "repeat@example.com")
    answer = legacy(sandbox, position_id, "REPEAT@example.com")
    assert answer["errors"][0]["code"] == 409
    assert answer["errors"][0]["path"] == ["Position", "invite"]
    assert answer["data"] == {"Position": {"invite": None}}


def test_q25_unknown_error_is_500(sandbox):
    assert control(sandbox, "hireflix/internal-errors", {"count": 1}).status_code == 200
    first = legacy(sandbox, graduate(sandbox), "e@example.com")
    assert first["errors"][0]["code"] == 500
    assert first["errors"][0]["path"] == ["Position", "invite"]
    second = legacy(sandbox, graduate(sandbox), "e@example.com")  # the failed call created nothing
    assert second["data"]["Position"]["invite"]["id"]


def test_unknown_position_is_a_404_error(sandbox):
    answer = gql(sandbox, doc(Q02_INVITE, {}))  # the document's own id belongs to another account
    assert answer["errors"][0]["code"] == 404
    assert answer["errors"][0]["path"] == ["Position"]
    assert answer["data"] == {"Position": None}


def test_q24_invite_without_selection_is_a_validation_error(sandbox):
    answer = gql(sandbox, doc(Q24_BROKEN, {"the-position-id": graduate(sandbox)}))
    assert "data" not in answer
    assert "must have a selection of subfields" in answer["errors"][0]["message"]
    counters = requests.get(f"{sandbox.url}/_control/hireflix/counters", timeout=5).json()
    assert counters["invites"] == {}


def test_q24_the_fixed_mutation_works(sandbox):
    query = doc(Q24_FIXED, {"the-position-id": graduate(sandbox), "the-candidate-email": "fixed@example.com"})
    assert data(sandbox, query)["Position"]["invite"]["url"]["public"].startswith("https://app.hireflix.com/")


# --- 002 Q28: the union-typed inviteCandidateToInterview ----------------------------------------------


def test_q28_inline_invite_reads_typename(sandbox):
    query = doc(Q28_INLINE, {"65afda7ad66b25c281f30a01": graduate(sandbox)})
    first = data(sandbox, query)["inviteCandidateToInterview"]
    assert first["__typename"] == "InterviewType"
    assert set(first) == {"__typename", "id"}
    again = data(sandbox, query)["inviteCandidateToInterview"]
    assert again == {
        "__typename": "InterviewAlreadyExistsInPositionError",
        "code": 409,
        "message": "The candidate has already been invited to this position",
    }


def test_q28_invite_with_variables(sandbox):
    variables = json.loads(json.dumps(Q28_INPUT).replace("65afda7ad66b25c281fe0a01", graduate(sandbox)))
    created = data(sandbox, Q28_VARIABLES, variables)["inviteCandidateToInterview"]
    assert created["__typename"] == "InterviewType"
    assert data(sandbox, INTERVIEW, {"id": created["id"]})["interview"]["candidate"]["name"] == "Antonio Test"


INTERVIEW = """query One($id: String!) {
  interview(id: $id) {
    id position { id name } externalId status hash createdAt candidate { name firstName lastName email phone }
    score { value } completed deleted archived finalist answered thumbnail url { public short private }
    questions { title answer { url } }
  }
}"""


def test_invite_keeps_names_phone_and_external_id(sandbox):
    variables = {
        "input": {
            "candidate": {"email": "ana@example.com", "firstName": "Ana", "lastName": "Test", "phone": "+1 555 0100"},
            "positionId": graduate(sandbox),
            "externalId": "ats-candidate-42",
        }
    }
    created = data(sandbox, INVITE_UNION, variables)["inviteCandidateToInterview"]
    fetched = data(sandbox, INTERVIEW, {"id": created["id"]})["interview"]
    assert fetched["externalId"] == "ats-candidate-42"
    assert fetched["status"] == "pending"
    assert fetched["candidate"] == {
        "name": "Ana Test",
        "firstName": "Ana",
        "lastName": "Test",
        "email": "ana@example.com",
        "phone": "+1 555 0100",
    }


def test_q28_bad_email_is_an_errors_entry_not_a_union_member(sandbox):
    answer = gql(
        sandbox,
        INVITE_UNION,
        {"input": {"positionId": graduate(sandbox), "candidate": {"email": "x", "firstName": "A", "lastName": "B"}}},
    )
    assert answer["data"] == {"inviteCandidateToInterview": None}
    assert answer["errors"][0]["code"] == 400
    assert answer["errors"][0]["path"] == ["inviteCandidateToInterview"]


def test_batched_aliases_each_get_their_own_result(sandbox):
    """The client batches invites as aliased mutations in one document."""
    selection = (
        "{ __typename ... on InterviewType { id candidate { email } } "
        "... on InterviewAlreadyExistsInPositionError { code } }"
    )
    aliases = {"a": "one@example.com", "b": "two@example.com", "c": "One@Example.com", "d": "bad"}
    fields = [
        f"{alias}: inviteCandidateToInterview(input: {{positionId: $id, "
        f'candidate: {{email: "{email}", firstName: "F", lastName: "L"}}}}) {selection}'
        for alias, email in aliases.items()
    ]
    answer = gql(sandbox, "mutation Batch($id: String!) {\n" + "\n".join(fields) + "\n}", {"id": graduate(sandbox)})
    results = answer["data"]
    assert results["a"]["__typename"] == "InterviewType"
    assert results["b"]["__typename"] == "InterviewType"
    assert results["a"]["id"] != results["b"]["id"]
    assert results["c"] == {"__typename": "InterviewAlreadyExistsInPositionError", "code": 409}
    assert results["d"] is None
    assert [(e["code"], e["path"]) for e in answer["errors"]] == [(400, ["d"])]


def test_invites_per_period_quota_is_a_union_result(sandbox):
    position_id = graduate(sandbox)
    control(sandbox, "hireflix/options", {"invites_per_period": 2})
    outcomes = [invite(sandbox, position_id, f"q{n}@example.com")["__typename"] for n in range(3)]
    assert outcomes == ["InterviewType", "InterviewType", "ExceededInvitesThisPeriodError"]
    refused = invite(sandbox, position_id, "q9@example.com")
    assert refused["code"] == 403
    assert "exceeded" in refused["message"]
    # The legacy mutation reports the same quota in the errors array.
    assert legacy(sandbox, position_id, "l@example.com")["errors"][0]["code"] == 403
    control(sandbox, "hireflix/new-period", {})
    assert invite(sandbox, position_id, "q9@example.com")["__typename"] == "InterviewType"


# --- 002 Q12: delete an interview, then re-invite ---------------------------------------------------------

DELETE_INTERVIEW = "mutation Drop($id: String!) { Interview(id: $id) { delete } }"


def test_q12_deleting_the_interview_allows_a_reinvite(sandbox):
    position_id = graduate(sandbox)
    first = invite(sandbox, position_id, "again@example.com")
    assert invite(sandbox, position_id, "again@example.com")["__typename"] == "InterviewAlreadyExistsInPositionError"
    assert data(sandbox, DELETE_INTERVIEW, {"id": first["id"]}) == {"Interview": {"delete": True}}
    gone = gql(sandbox, INTERVIEW, {"id": first["id"]})
    assert gone["errors"][0]["code"] == 404
    assert gone["data"] == {"interview": None}
    second = invite(sandbox, position_id, "again@example.com")
    assert second["__typename"] == "InterviewType"
    assert second["id"] != first["id"]


def test_an_email_may_be_invited_to_several_positions(sandbox):
    ids = position_ids(sandbox)
    assert invite(sandbox, ids["Analyst"], "multi@example.com")["__typename"] == "InterviewType"
    assert invite(sandbox, ids["Graduate Program NYU"], "multi@example.com")["__typename"] == "InterviewType"


# --- 002 Q23.2, Q29: positions ---------------------------------------------------------------------------


def test_q23_2_positions_lists_the_seeded_catalog(sandbox):
    positions = data(sandbox, Q23_2_POSITIONS)["positions"]
    assert [p["name"] for p in positions] == [
        "Graduate Program NYU",
        "Chief Technology Officer",
        "Analyst",
        "New Business Sales Rep",
        "Customer Support Agent",
    ]
    assert all(set(p) == {"id", "name"} for p in positions)
    full = data(sandbox, "{ positions { name archived questions { title } } }")["positions"]
    assert [p["archived"] for p in full] == [False, False, False, False, True]
    assert all(p["questions"] for p in full)


def test_q29_delete_position(sandbox):
    analyst = position_ids(sandbox)["Analyst"]
    assert data(sandbox, doc(Q29_DELETE, {"here-theposition-id": analyst})) == {"Position": {"delete": True}}
    assert "Analyst" not in position_ids(sandbox)
    assert gql(sandbox, PAGE, {"id": analyst})["errors"][0]["code"] == 404
    answer = gql(
        sandbox,
        INVITE_UNION,
        {"input": {"positionId": analyst, "candidate": {"email": "z@example.com", "firstName": "Z", "lastName": "Z"}}},
    )
    assert answer["errors"][0]["code"] == 404


# --- 002 Q18, Q20: paginatedInterviews ----------------------------------------------------------------------


def test_q18_answer_durations_of_completed_interviews(sandbox):
    page = data(sandbox, doc(Q18_DURATIONS, {"position-id": graduate(sandbox)}))["position"]["paginatedInterviews"]
    assert page["count"] == 1
    assert page["total"] == 9
    assert page["lastCursor"]
    durations = [q["answer"]["meta"]["duration"] for q in page["results"][0]["questions"]]
    assert len(durations) == 3
    assert all(d > 0 for d in durations)


def test_q20_finalists_of_a_position(sandbox):
    query = doc(Q20_FINALISTS, {"#HERE YOUR POSITION ID": graduate(sandbox)})
    results = data(sandbox, query)["position"]["paginatedInterviews"]["results"]
    assert len(results) == 5
    assert {r["status"] for r in results} == {"finalist"}


PAGE = """query Page($id: String!, $limit: Int, $cursor: String, $status: InterviewStatus) {
  position(id: $id) {
    paginatedInterviews(pagination: {limit: $limit, lastCursor: $cursor}, status: $status) {
      count total lastCursor results { id status }
    }
  }
}"""


def page(sandbox, position_id: str, **variables: Any) -> dict[str, Any]:
    return data(sandbox, PAGE, {"id": position_id, **variables})["position"]["paginatedInterviews"]


@pytest.mark.parametrize(
    ("status", "expected"), [("pending", 14), ("completed", 9), ("finalist", 5), ("archived", 4), (None, 32)]
)
def test_paging_with_last_cursor_until_it_is_absent(sandbox, status, expected):
    position_id = graduate(sandbox)
    seen, cursor, pages = [], None, 0
    while True:
        current = page(sandbox, position_id, limit=4, cursor=cursor, status=status)
        pages += 1
        assert current["total"] == expected
        assert current["count"] == len(current["results"]) <= 4
        assert all(status is None or r["status"] == status for r in current["results"])
        seen += [r["id"] for r in current["results"]]
        cursor = current["lastCursor"]
        if cursor is None:
            break
        assert cursor == current["results"][-1]["id"]
    assert len(seen) == len(set(seen)) == expected
    assert pages == -(-expected // 4)


def test_default_page_size_needs_several_pages(sandbox):
    first = page(sandbox, graduate(sandbox))
    assert first["count"] == HireflixSim.default_options["default_page_size"] < first["total"]
    assert first["lastCursor"]


def test_a_cursor_survives_the_deletion_of_its_interview(sandbox):
    position_id = graduate(sandbox)
    first = page(sandbox, position_id, limit=3)
    data(sandbox, DELETE_INTERVIEW, {"id": first["lastCursor"]})
    second = page(sandbox, position_id, limit=3, cursor=first["lastCursor"])
    assert second["total"] == 31
    assert not {r["id"] for r in second["results"]} & {r["id"] for r in first["results"]}


def test_page_size_is_capped_and_bad_pagination_is_refused(sandbox):
    control(sandbox, "hireflix/options", {"max_page_size": 5})
    position_id = graduate(sandbox)
    assert page(sandbox, position_id, limit=1000)["count"] == 5
    bad = gql(sandbox, PAGE, {"id": position_id, "cursor": "000000000000000000000000"})
    assert bad["errors"][0]["code"] == 400
    assert bad["errors"][0]["path"] == ["position", "paginatedInterviews"]
    assert gql(sandbox, PAGE, {"id": position_id, "limit": 0})["errors"][0]["code"] == 400


def test_a_new_invite_appears_on_the_last_pending_page(sandbox):
    position_id = graduate(sandbox)
    created = invite(sandbox, position_id, "late@example.com")
    pending = page(sandbox, position_id, limit=100, status="pending")
    assert pending["total"] == 15
    assert pending["results"][-1]["id"] == created["id"]


# --- 002 Q19, Q26, Q13: interviews, answers, transcripts, pre-signed media ---------------------------------------


def completed_interview(sandbox) -> str:
    return page(sandbox, graduate(sandbox), limit=1, status="completed")["results"][0]["id"]


def test_q19_transcriptions(sandbox):
    query = doc(Q19_TRANSCRIPTIONS, {"#HERE THE INTERVIEW ID": completed_interview(sandbox)})
    questions = data(sandbox, query)["interview"]["questions"]
    assert len(questions) == 3
    for question in questions:
        assert question["answer"]["transcription"]["languageCode"] == "en"
        assert question["answer"]["transcription"]["text"]


def test_q26_make_get_interview_with_words(sandbox):
    query = doc(Q26_MAKE, {"YOUR INTERVIEW ID HERE": completed_interview(sandbox)})
    first = data(sandbox, query)["interview"]["questions"][0]
    assert first["title"] == "Tell us about yourself"
    assert first["description"]
    words = first["answer"]["transcription"]["words"]
    assert " ".join(w["text"] for w in words) == first["answer"]["transcription"]["text"]
    assert all(w["start"] < w["end"] for w in words)
    assert requests.get(first["answer"]["url"], timeout=5).status_code == 200


def test_the_interview_exposes_every_documented_field(sandbox):
    interview = data(sandbox, INTERVIEW, {"id": completed_interview(sandbox)})["interview"]
    assert set(interview) == INTERVIEW_KEYS | {"questions"}
    assert interview["status"] == "completed"
    assert interview["answered"] is True
    assert interview["completed"] > interview["createdAt"] > 1_600_000_000_000
    assert interview["deleted"] is None
    assert interview["url"]["private"] == (
        f"https://admin.hireflix.com/jobs/{interview['position']['id']}/interview/{interview['id']}"
    )
    assert requests.get(interview["thumbnail"], timeout=5).headers["Content-Type"] == "image/png"


def test_a_pending_interview_has_no_answers_and_no_thumbnail(sandbox):
    created = invite(sandbox, graduate(sandbox), "fresh@example.com")
    interview = data(sandbox, INTERVIEW, {"id": created["id"]})["interview"]
    assert interview["thumbnail"] is None
    assert interview["answered"] is False
    assert [q["answer"] for q in interview["questions"]] == [None, None, None]


def test_answer_urls_are_presigned_expire_and_are_fresh_on_each_query(sandbox, sandbox_clock):
    interview_id = completed_interview(sandbox)
    first = data(sandbox, INTERVIEW, {"id": interview_id})["interview"]
    url = first["questions"][0]["answer"]["url"]
    assert "/_media/hireflix/" in url
    assert "Expires=" in url
    assert "Signature=" in url
    assert requests.get(url, timeout=5).status_code == 200
    sandbox_clock.advance(sandbox.app.hub.presign_ttl + 1)
    assert requests.get(url, timeout=5).status_code == 403
    assert requests.get(first["thumbnail"], timeout=5).status_code == 403
    fresh = data(sandbox, INTERVIEW, {"id": interview_id})["interview"]["questions"][0]["answer"]["url"]
    assert fresh != url
    assert requests.get(fresh, timeout=5).status_code == 200


# --- 002 Q3, Q23.3: share links ----------------------------------------------------------------------------

SHARE = """mutation Share($id: String!, $days: Int) {
  Interview(id: $id) { share(durationInDays: $days) { externalLink { url } } }
}"""


def share(sandbox, interview_id: str, **variables: Any) -> dict[str, Any]:
    return gql(sandbox, SHARE, {"id": interview_id, **variables})


def test_q3_share_gives_a_fresh_link_on_every_call(sandbox):
    query = doc(Q03_SHARE, {"your-interview-id": completed_interview(sandbox)})
    first = data(sandbox, query)["Interview"]["share"]["externalLink"]["url"]
    second = data(sandbox, query)["Interview"]["share"]["externalLink"]["url"]
    assert first != second
    viewed = requests.get(first, timeout=5)
    assert viewed.status_code == 200
    assert "Tell us about yourself" in viewed.text
    assert "/_media/hireflix/" in viewed.text


def test_q23_3_share_for_75_days(sandbox):
    query = doc(Q23_3_SHARE, {"your-interview-id": completed_interview(sandbox)})
    url = data(sandbox, query)["Interview"]["share"]["externalLink"]["url"]
    assert "/hireflix/shared/interview/" in url
    assert requests.get(url, timeout=5).status_code == 200


def test_share_defaults_to_75_days_and_expires(sandbox, sandbox_clock):
    url = share(sandbox, completed_interview(sandbox))["data"]["Interview"]["share"]["externalLink"]["url"]
    link = sandbox.app.hub.vendors["hireflix"].account.share_links[url.rsplit("/", 1)[1]]
    days = (link.expires_at - sandbox_clock.time() * 1000) / 86_400_000
    assert 74.9 < days <= 75
    sandbox_clock.advance(75 * 86_400 - 60)
    assert requests.get(url, timeout=5).status_code == 200
    sandbox_clock.advance(60)
    assert requests.get(url, timeout=5).status_code == 410


def test_share_refuses_a_non_positive_duration(sandbox):
    bad = share(sandbox, completed_interview(sandbox), days=0)
    assert bad["errors"][0]["code"] == 400
    assert bad["errors"][0]["path"] == ["Interview", "share"]


def test_share_link_of_a_deleted_interview_is_gone(sandbox):
    interview_id = completed_interview(sandbox)
    url = share(sandbox, interview_id)["data"]["Interview"]["share"]["externalLink"]["url"]
    data(sandbox, DELETE_INTERVIEW, {"id": interview_id})
    assert requests.get(url, timeout=5).status_code == 404


# --- 002 Q21, Q22 and 001: templates, audit logs, members ---------------------------------------------------------


def test_q21_email_templates(sandbox):
    templates = data(sandbox, Q21_TEMPLATES)["Template"]["list"]
    assert len(templates) == 3
    assert all(set(t) == {"id", "name"} for t in templates)
    assert len(data(sandbox, doc(Q21_TEMPLATES, {'"email"': '"sms"'}))["Template"]["list"]) == 1


def test_q22_audit_logs_page_with_skip_and_limit(sandbox):
    first = data(sandbox, Q22_AUDIT)["info"]["company"]["logs"]["audit"]
    assert first["count"] == 10
    assert first["total"] > 10
    entry = first["results"][0]
    assert set(entry) == {"actor", "timestamp", "object", "ip", "action", "host", "referer", "medium"}
    assert set(entry["actor"]) == {"id", "email"}
    stamps = [r["timestamp"] for r in first["results"]]
    assert stamps == sorted(stamps, reverse=True)
    second = data(sandbox, doc(Q22_AUDIT, {"skip: 0": "skip: 10"}))["info"]["company"]["logs"]["audit"]
    assert second["results"][0]["timestamp"] <= stamps[-1]


def test_invites_are_logged_with_the_callers_ip(sandbox):
    created = invite(sandbox, graduate(sandbox), "logged@example.com")
    query = "{ info { company { logs { audit(pagination: {skip: 0, limit: 1}) { results { action object ip } } } } } }"
    latest = data(sandbox, query)["info"]["company"]["logs"]["audit"]["results"][0]
    assert latest == {"action": "interview.invite", "object": created["id"], "ip": "127.0.0.1"}


def test_001_company_members_add_and_remove(sandbox):
    email = {"the-candidate-email": "recruiter@example.com"}
    assert gql(sandbox, MEMBER_ADD)["errors"][0]["code"] == 400  # the placeholder is no email
    assert data(sandbox, doc(MEMBER_ADD, email)) == {"Company": {"Member": {"add": True}}}
    assert gql(sandbox, doc(MEMBER_ADD, email))["errors"][0]["code"] == 409
    member_id = sandbox.app.hub.vendors["hireflix"].account.audit[-1].object
    remove = doc(MEMBER_REMOVE, {**email, "user-id-here": member_id})
    assert data(sandbox, remove) == {"Company": {"Member": {"remove": True}}}
    again = gql(sandbox, remove)
    assert again["errors"][0]["code"] == 404
    assert again["errors"][0]["path"] == ["Company", "Member", "remove"]


# --- 002 Q6, Q7, Q23.1: webhooks ----------------------------------------------------------------------------------


def test_q23_1_webhooks_registered_through_the_api_receive_their_events(sandbox, receiver):
    query = doc(Q23_1_WEBHOOK, {"https://your-callback-url": f"{receiver.url}/api-hook"})
    assert data(sandbox, query) == {"Webhooks": {"create": True}}
    created = invite(sandbox, graduate(sandbox), "hooked@example.com", external_id="ref-1")
    control(sandbox, "hireflix/advance", {"ref": created["id"], "action": "completed"})
    wait_for(lambda: deliveries_done(sandbox))
    assert receiver.events("/api-hook") == ["interview.finish"]  # create and status-change were not subscribed
    listed = requests.get(f"{sandbox.url}/_control/hireflix/webhooks", timeout=5).json()
    assert listed == [{"url": f"{receiver.url}/api-hook", "events": ["interview.finish"]}]


def test_webhook_create_validates_url_and_events(sandbox):
    bad_event = doc(Q23_1_WEBHOOK, {'"interview.finish"': '"interview.nope"'})
    assert gql(sandbox, bad_event)["errors"][0]["code"] == 400
    bad_url = doc(Q23_1_WEBHOOK, {"https://your-callback-url": "not a url"})
    assert gql(sandbox, bad_url)["errors"][0]["code"] == 400


def test_q6_interview_create_payload(sandbox, hooked):
    created = invite(sandbox, graduate(sandbox), "antonio+webhook@hireflix.com")
    payload = hooked.payload("interview.create")
    assert set(payload) == {"event", "data", "date"}
    body = payload["data"]
    assert set(body) == INTERVIEW_KEYS
    assert body["id"] == created["id"]
    assert body["position"] == {"id": graduate(sandbox), "name": "Graduate Program NYU"}
    assert body["status"] == "pending"
    assert body["externalId"] is None
    assert body["candidate"] == {"name": "Ada Lovelace", "email": "antonio+webhook@hireflix.com", "phone": None}
    assert body["score"] == {"value": None}
    assert (body["completed"], body["deleted"], body["archived"], body["finalist"]) == (None, None, None, None)
    assert body["answered"] is False
    assert body["thumbnail"] is None
    assert body["url"]["short"] == f"hflx.io/c/{body['hash']}"
    assert payload["date"] >= body["createdAt"]


def test_q6_interview_finish_and_status_change_carry_the_external_id(sandbox, hooked):
    created = invite(sandbox, graduate(sandbox), "wayne.knight@example.com", external_id="eyJwYXJ0bmVySWQiOi")
    answer = control(sandbox, "hireflix/advance", {"ref": "wayne.knight@example.com", "action": "completed"})
    assert answer.json()["status"] == "completed"
    finish = hooked.payload("interview.finish")["data"]
    assert finish["id"] == created["id"]
    assert finish["externalId"] == "eyJwYXJ0bmVySWQiOi"
    assert finish["status"] == "completed"
    assert finish["answered"] is True
    assert finish["completed"] >= finish["createdAt"]
    assert "Expires=" in finish["thumbnail"]
    change = hooked.payload("interview.status-change")["data"]
    assert change["status"] == "completed"
    assert hooked.events()[:3] == ["interview.create", "interview.finish", "interview.status-change"]


def test_q7_shortlist_and_discard_are_status_changes(sandbox, hooked):
    created = invite(sandbox, graduate(sandbox), "moves@example.com", external_id="ref-moves")
    for action in ("completed", "shortlisted", "discarded", "shortlisted"):
        assert control(sandbox, "hireflix/advance", {"ref": created["id"], "action": action}).status_code == 200
    wait_for(lambda: hooked.events().count("interview.status-change") == 4)
    changes = [b["data"] for _, b in hooked.hits if b["event"] == "interview.status-change"]
    assert [c["status"] for c in changes] == ["completed", "finalist", "archived", "finalist"]
    assert changes[1]["finalist"]
    assert changes[1]["archived"] is None
    assert changes[2]["archived"]
    assert changes[2]["finalist"] is None
    assert {c["externalId"] for c in changes} == {"ref-moves"}
    assert data(sandbox, INTERVIEW, {"id": created["id"]})["interview"]["status"] == "finalist"


def test_scoring_emits_score_updated(sandbox, hooked):
    created = invite(sandbox, graduate(sandbox), "score@example.com")
    control(sandbox, "hireflix/advance", {"ref": created["id"], "action": "completed"})
    first = control(sandbox, "hireflix/advance", {"ref": created["id"], "action": "scored"}).json()["score"]["value"]
    second = control(sandbox, "hireflix/advance", {"ref": created["id"], "action": "scored"}).json()["score"]["value"]
    assert first is not None
    assert second != first
    wait_for(lambda: hooked.events().count("interview.score-updated") == 2)
    assert hooked.payload("interview.score-updated")["data"]["score"] == {"value": first}


def test_deleting_an_interview_emits_interview_delete(sandbox, hooked):
    created = invite(sandbox, graduate(sandbox), "bye@example.com", external_id="ref-bye")
    data(sandbox, DELETE_INTERVIEW, {"id": created["id"]})
    body = hooked.payload("interview.delete")["data"]
    assert body["id"] == created["id"]
    assert body["externalId"] == "ref-bye"
    assert body["deleted"] is not None


def test_webhooks_are_not_signed(sandbox, receiver):
    control(sandbox, "hireflix/webhook", {"url": f"{receiver.url}/hook", "secret": "s3cret"})
    invite(sandbox, graduate(sandbox), "unsigned@example.com")
    wait_for(lambda: sandbox.app.hub.deliveries and sandbox.app.hub.deliveries[0].status == "delivered")
    assert set(sandbox.app.hub.deliveries[0].headers) == {"Content-Type", "User-Agent"}


# --- the control API's advance ------------------------------------------------------------------------------------


def advance(sandbox, ref: str, action: str) -> requests.Response:
    return control(sandbox, "hireflix/advance", {"ref": ref, "action": action})


def test_started_keeps_the_interview_pending_without_webhooks(sandbox, hooked):
    created = invite(sandbox, graduate(sandbox), "start@example.com")
    hooked.payload("interview.create")
    answer = advance(sandbox, created["id"], "started")
    assert answer.status_code == 200
    assert answer.json()["status"] == "pending"
    wait_for(lambda: deliveries_done(sandbox))
    assert hooked.events() == ["interview.create"]


def test_advance_refuses_what_makes_no_sense(sandbox):
    ref = invite(sandbox, graduate(sandbox), "order@example.com")["id"]
    assert [advance(sandbox, ref, a).status_code for a in ("scored", "shortlisted", "discarded")] == [400] * 3
    assert advance(sandbox, ref, "completed").status_code == 200
    assert [advance(sandbox, ref, a).status_code for a in ("started", "completed")] == [400] * 2
    assert advance(sandbox, ref, "discarded").status_code == 200
    assert advance(sandbox, ref, "discarded").status_code == 400
    assert advance(sandbox, "nobody@example.com", "completed").status_code == 404


def test_auto_complete_drives_a_new_invite_to_completed(sandbox, hooked, sandbox_clock):
    control(sandbox, "auto-complete", {"seconds": 600})
    created = invite(sandbox, graduate(sandbox), "auto@example.com")
    sandbox_clock.advance(600)
    assert hooked.payload("interview.finish")["data"]["id"] == created["id"]
    interview = data(sandbox, INTERVIEW, {"id": created["id"]})["interview"]
    assert interview["status"] == "completed"
    assert all(q["answer"] for q in interview["questions"])


def test_reset_restores_the_seeded_catalog(sandbox):
    before = position_ids(sandbox)
    invite(sandbox, before["Analyst"], "temp@example.com")
    data(sandbox, doc(Q29_DELETE, {"here-theposition-id": before["Analyst"]}))
    assert requests.post(f"{sandbox.url}/_control/hireflix/reset", timeout=5).status_code == 200
    assert position_ids(sandbox) == before
    counters = requests.get(f"{sandbox.url}/_control/hireflix/counters", timeout=5).json()
    assert counters["invites"] == {}


def test_candidates_links_can_lead_to_the_sandbox_itself_and_open_there(sandbox):
    """The document's host by default; the demo asks for links its browser can open."""

    def public_link(email: str) -> str:
        interview_id = invite(sandbox, graduate(sandbox), email)["id"]
        return data(sandbox, INTERVIEW, {"id": interview_id})["interview"]["url"]["public"]

    assert public_link("doc@example.com").startswith("https://app.hireflix.com/")
    assert control(sandbox, "hireflix/options", {"links_on_sandbox": True}).status_code == 200
    link = public_link("demo@example.com")
    assert link.startswith(f"{sandbox.url}/hireflix/app/")
    page = requests.get(link, timeout=5)
    assert page.status_code == 200
    assert "Hello Ada, this is your video interview" in page.text
    assert requests.get(f"{sandbox.url}/hireflix/app/nope", timeout=5).status_code == 404
