"""Contract tests of the WedgeHR Connect API v2 simulator, over real HTTP.

Every curl example of the document is replayed; where the document's example
ids do not exist in any one account, the documented 404 is what a replay gets.
"""

import base64
import json
import re

import pytest
import requests

from integrations.sandbox.wedgehr import WedgeHRSim
from tests.waiting import wait_for

TOKEN = WedgeHRSim.credentials["api_key"]
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
INVITE_KEYS = {
    "id",
    "interviewId",
    "email",
    "uniqueId",
    "inviteUrl",
    "resultUrl",
    "inviteSent",
    "status",
    "createdAt",
    "expiresAt",
    "completedAt",
}
NESTED_INVITE_KEYS = INVITE_KEYS - {"createdAt", "expiresAt", "completedAt"}
WEDGE_KEYS = {
    "id",
    "candidateFirstName",
    "candidateLastName",
    "candidateEmail",
    "interviewId",
    "interviewName",
    "interviewNameContextualized",
    "expiresAt",
    "completedAt",
    "createdAt",
    "resultUrl",
    "invites",
}
DOC_CURSOR = "eyJqb2IuaWQiOjU5NzI2OTE5MjUwNTgzMjksIl9wb2ludHNUb05leHRJdGVtcyI6dHJ1ZX0"
# The create-invite example body, typo included.
DOC_INVITE_BODY = {
    "interviewId": 2,
    "email": "fred@example.io",
    "firstName": "Fred",
    "lastName": "Smith",
    "shouldSentInvite": True,
    "uniqueId": "abc123",
}


def api(sandbox, method, path, **kwargs):
    kwargs.setdefault("headers", AUTH)
    return requests.request(method, f"{sandbox.url_for('wedgehr')}/connect/v2{path}", timeout=5, **kwargs)


def create(sandbox, **body):
    answer = api(sandbox, "POST", "/invites", json={"interviewId": 2, "email": "new@example.com", **body})
    assert answer.status_code == 201, answer.text
    return answer.json()["data"]


def decode(cursor):
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


def walk(sandbox, path, params=None):
    """Every page of a listing, following pagination.next."""
    pages, params = [], dict(params or {})
    while True:
        answer = api(sandbox, "GET", path, params=params)
        assert answer.status_code in (200, 201), answer.text
        pages.append(answer.json())
        cursor = pages[-1]["pagination"]["next"]
        if cursor is None:
            return pages
        params["page[cursor]"] = cursor
        assert len(pages) < 50


def invited_count(sandbox, interview_id, email):
    counters = requests.get(f"{sandbox.url}/_control/wedgehr/counters", timeout=5).json()
    return counters["invites"].get(str(interview_id), {}).get(email, 0)


def advance(sandbox, ref, action):
    return requests.post(f"{sandbox.url}/_control/wedgehr/advance", json={"ref": str(ref), "action": action}, timeout=5)


# --- authentication -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/invites"),
        ("POST", "/invites"),
        ("GET", "/invites/7952721015002024"),
        ("GET", "/wedges"),
        ("GET", "/wedges/4017600317622981"),
        ("POST", "/wedges/4017600317622981/resend-invite"),
        ("GET", "/interviews"),
    ],
)
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}],
)
def test_every_endpoint_refuses_a_missing_or_wrong_bearer_token(sandbox, method, path, headers):
    answer = api(sandbox, method, path, headers=headers, json=DOC_INVITE_BODY)
    assert answer.status_code == 401
    assert answer.json() == {"message": "Unauthenticated."}


def test_refused_requests_create_nothing(sandbox):
    api(sandbox, "POST", "/invites", headers={"Authorization": "Bearer wrong"}, json=DOC_INVITE_BODY)
    assert invited_count(sandbox, 2, "fred@example.io") == 0
    assert api(sandbox, "GET", "/invites", params={"filter[uniqueId]": "abc123"}).status_code == 404


def test_unknown_route_and_method_answer_in_the_error_shape(sandbox):
    missing = api(sandbox, "GET", "/candidates")
    assert missing.status_code == 404
    assert "message" in missing.json()
    wrong_method = api(sandbox, "DELETE", "/invites/7952721015002024")
    assert wrong_method.status_code == 405
    assert "message" in wrong_method.json()


# --- creating invites --------------------------------------------------------------------------------


def test_create_invite_curl_example(sandbox):
    answer = api(
        sandbox, "POST", "/invites", json=DOC_INVITE_BODY, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert answer.status_code == 201
    invite = answer.json()["data"]
    assert set(invite) == INVITE_KEYS
    assert invite["interviewId"] == 2
    assert invite["email"] == "fred@example.io"
    assert invite["uniqueId"] == "abc123"
    assert invite["status"] == "invited"
    assert invite["resultUrl"] is None
    assert invite["expiresAt"] is None
    assert invite["completedAt"] is None
    assert STAMP.match(invite["createdAt"])
    assert re.search(rf"/wedgehr/record/{invite['id']}\.\w{{22}}$", invite["inviteUrl"])
    assert requests.get(invite["inviteUrl"], timeout=5).status_code == 200
    assert invited_count(sandbox, 2, "fred@example.io") == 1
    # Readable back by id and by the documented filter.
    assert api(sandbox, "GET", f"/invites/{invite['id']}").json() == {"data": invite}
    listed = api(sandbox, "GET", "/invites", params={"filter[uniqueId]": "abc123"})
    assert listed.status_code == 200
    assert listed.json()["data"] == [invite]


def test_the_misspelt_should_sent_invite_of_the_example_is_ignored(sandbox):
    # The example sends "shouldSentInvite"; like any unknown field it has no effect, so the default (send) holds.
    invite = create(sandbox, email="typo@example.com", shouldSentInvite=False)
    assert invite["inviteSent"] is True
    assert invite["status"] == "invited"
    assert "shouldSentInvite" not in invite


def test_should_send_invite_false_creates_an_unsent_invite_that_resend_sends(sandbox):
    invite = create(sandbox, email="quiet@example.com", shouldSendInvite=False)
    assert invite["inviteSent"] is False
    assert invite["status"] == "unknown"
    assert invited_count(sandbox, 2, "quiet@example.com") == 1
    wedge = api(sandbox, "GET", "/wedges", params={"filter[email]": "quiet@example.com"}).json()["data"][0]
    resent = api(sandbox, "POST", f"/wedges/{wedge['id']}/resend-invite")
    assert resent.status_code == 200
    assert resent.json()["data"]["invites"][0]["inviteSent"] is True
    assert api(sandbox, "GET", f"/invites/{invite['id']}").json()["data"]["status"] == "invited"


def test_explicit_should_send_invite_true_and_numeric_forms(sandbox):
    assert create(sandbox, email="a@example.com", shouldSendInvite=True)["inviteSent"] is True
    assert create(sandbox, email="b@example.com", shouldSendInvite=0)["inviteSent"] is False
    assert create(sandbox, email="c@example.com", shouldSendInvite="1")["inviteSent"] is True


@pytest.mark.parametrize(
    ("body", "errors", "message"),
    [
        (
            {},
            {"interviewId": ["The interview id field is required."], "email": ["The email field is required."]},
            "The interview id field is required. (and 1 more error)",
        ),
        ({"interviewId": 2}, {"email": ["The email field is required."]}, "The email field is required."),
        (
            {"email": "fred@example.io"},
            {"interviewId": ["The interview id field is required."]},
            "The interview id field is required.",
        ),
        (
            {"interviewId": 2, "email": "   "},
            {"email": ["The email field is required."]},
            "The email field is required.",
        ),
        (
            {"interviewId": 2, "email": "not-an-email"},
            {"email": ["The email field must be a valid email address."]},
            "The email field must be a valid email address.",
        ),
        (
            {"interviewId": "two", "email": "fred@example.io"},
            {"interviewId": ["The interview id field must be an integer."]},
            "The interview id field must be an integer.",
        ),
        (
            {"interviewId": 999, "email": "fred@example.io"},
            {"interviewId": ["The selected interview id is invalid."]},
            "The selected interview id is invalid.",
        ),
        (
            {"interviewId": 2, "email": "fred@example.io", "shouldSendInvite": "yes"},
            {"shouldSendInvite": ["The should send invite field must be true or false."]},
            "The should send invite field must be true or false.",
        ),
        (
            {"interviewId": 2, "email": "fred@example.io", "firstName": 7, "uniqueId": "x" * 256},
            {
                "firstName": ["The first name field must be a string."],
                "uniqueId": ["The unique id field must not be greater than 255 characters."],
            },
            "The first name field must be a string. (and 1 more error)",
        ),
    ],
)
def test_create_invite_validation_errors(sandbox, body, errors, message):
    answer = api(sandbox, "POST", "/invites", json=body)
    assert answer.status_code == 422
    assert answer.json() == {"message": message, "errors": errors}
    assert requests.get(f"{sandbox.url}/_control/wedgehr/counters", timeout=5).json()["invites"] == {}


def test_a_body_that_is_not_json_is_a_validation_error(sandbox):
    answer = api(sandbox, "POST", "/invites", data="interviewId=2", headers={**AUTH, "Content-Type": "text/plain"})
    assert answer.status_code == 422
    assert set(answer.json()["errors"]) == {"interviewId", "email"}


def test_interview_id_may_be_a_numeric_string(sandbox):
    assert create(sandbox, interviewId="5972691925058329")["interviewId"] == 5972691925058329


def test_same_unique_id_returns_the_existing_invite(sandbox):
    first = api(sandbox, "POST", "/invites", json=DOC_INVITE_BODY)
    again = api(sandbox, "POST", "/invites", json=DOC_INVITE_BODY)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert invited_count(sandbox, 2, "fred@example.io") == 1
    assert len(api(sandbox, "GET", "/invites", params={"filter[email]": "fred@example.io"}).json()["data"]) == 1
    # uniqueId is the key, whatever else the retry says.
    other = api(sandbox, "POST", "/invites", json={**DOC_INVITE_BODY, "email": "someone@example.io"})
    assert other.json()["data"]["id"] == first.json()["data"]["id"]


def test_same_email_and_interview_without_unique_id_is_a_second_invite_in_the_same_wedge(sandbox):
    first = create(sandbox, email="twice@example.com")
    second = create(sandbox, email="TWICE@example.com")
    assert second["id"] != first["id"]
    assert invited_count(sandbox, 2, "twice@example.com") == 2
    wedges = api(sandbox, "GET", "/wedges", params={"filter[email]": "twice@example.com"}).json()["data"]
    assert len(wedges) == 1
    assert [i["id"] for i in wedges[0]["invites"]] == [first["id"], second["id"]]


def test_inviting_again_after_a_canceled_wedge_opens_a_new_wedge(sandbox):
    first = create(sandbox, email="again@example.com")
    assert advance(sandbox, first["id"], "discarded").status_code == 200
    create(sandbox, email="again@example.com")
    wedges = api(sandbox, "GET", "/wedges", params={"filter[email]": "again@example.com"}).json()["data"]
    assert len(wedges) == 2


def test_an_undeliverable_address_ends_in_send_failure(sandbox):
    invite = create(sandbox, email="nobody@bounce.test")
    assert invite["status"] == "send_failure"
    assert invite["inviteSent"] is False
    assert invited_count(sandbox, 2, "nobody@bounce.test") == 1
    failed = api(sandbox, "GET", "/invites", params={"filter[status]": "3"}).json()["data"]
    assert invite["id"] in [i["id"] for i in failed]


# --- listing and reading invites ------------------------------------------------------------------------------


def test_list_invites_curl_example_shape(sandbox):
    # The example filters on id 1234, which no account has: the documented 404.
    missing = api(sandbox, "GET", "/invites?filter[id]=1234")
    assert missing.status_code == 404
    assert missing.json() == {"message": "No invites found for given filter query."}
    answer = api(sandbox, "GET", "/invites?filter[id]=7952721015002024")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"data", "meta", "pagination"}
    assert body["meta"] == {"path": f"{sandbox.url_for('wedgehr')}/connect/v2/invites", "per_page": 30}
    assert body["pagination"] == {"prev": None, "next": None}
    assert [i["id"] for i in body["data"]] == [7952721015002024]


def test_get_invite_curl_example_matches_the_document(sandbox):
    answer = api(sandbox, "GET", "/invites/7952721015002024")
    assert answer.status_code == 200
    invite = answer.json()["data"]
    assert invite["inviteUrl"].endswith("/wedgehr/record/7952721015002024.sew9R6MWqgrTAqukzJogxT")
    assert {k: v for k, v in invite.items() if k != "inviteUrl"} == {
        "id": 7952721015002024,
        "interviewId": 5911293050157308,
        "email": "job_invite@wedge.test",
        "uniqueId": "32092387-2b2c-48f0-b864-2019c48fd4ce",
        "resultUrl": None,
        "inviteSent": True,
        "status": "invited",
        "createdAt": "2023-09-01T00:00:00Z",
        "expiresAt": None,
        "completedAt": None,
    }


@pytest.mark.parametrize("invite_id", ["9588249528452", "1", "abc"])
def test_get_unknown_invite_is_404(sandbox, invite_id):
    answer = api(sandbox, "GET", f"/invites/{invite_id}")
    assert answer.status_code == 404
    assert answer.json() == {"message": "Invite not found."}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 200),
        ("?filter[interviewId]=2482948239842", 404),
        ("?filter[id]=9588249528452", 404),
        ("?filter[uniqueId]=abc123", 404),
        ("?filter[email]=test@wedge.test", 200),
        ("?filter[status]=invited", 200),
    ],
)
def test_documented_invite_filter_urls(sandbox, query, expected):
    answer = api(sandbox, "GET", f"/invites{query}")
    assert answer.status_code == expected
    if expected == 200:
        assert answer.json()["data"]
        assert all(set(i) == INVITE_KEYS for i in answer.json()["data"])


def test_every_invite_filter_narrows_the_list(sandbox):
    mine = create(sandbox, interviewId=1382244997593464, email="Filter.Me@example.com", uniqueId="u-1")

    def ids(**filters):
        params = {f"filter[{k}]": v for k, v in filters.items()}
        answer = api(sandbox, "GET", "/invites", params=params)
        assert answer.status_code == 200, answer.text
        return [i["id"] for i in answer.json()["data"]]

    assert ids(id=mine["id"]) == [mine["id"]]
    assert ids(uniqueId="u-1") == [mine["id"]]
    assert ids(email="filter.me@EXAMPLE.com") == [mine["id"]]
    by_interview = api(sandbox, "GET", "/invites", params={"filter[interviewId]": 1382244997593464}).json()["data"]
    assert mine["id"] in [i["id"] for i in by_interview]
    assert {i["interviewId"] for i in by_interview} == {1382244997593464}
    assert ids(interviewId=1382244997593464, status="invited") == [mine["id"]]
    no_match = api(sandbox, "GET", "/invites", params={"filter[id]": mine["id"], "filter[status]": "complete"})
    assert no_match.status_code == 404


@pytest.mark.parametrize(
    ("number", "label"), list(enumerate(["unknown", "invited", "complete", "send_failure", "canceled"]))
)
def test_status_filter_takes_the_label_or_its_number(sandbox, number, label):
    by_label = api(sandbox, "GET", "/invites", params={"filter[status]": label})
    by_number = api(sandbox, "GET", "/invites", params={"filter[status]": str(number)})
    assert by_label.status_code == by_number.status_code == 200
    assert by_label.json() == by_number.json()
    assert {i["status"] for i in by_label.json()["data"]} == {label}


@pytest.mark.parametrize(
    "params",
    [
        {"filter[id]": "abc"},
        {"filter[interviewId]": "x1"},
        {"filter[status]": "5"},
        {"filter[status]": "pending"},
        {"filter[candidate]": "x"},
        {"filter[uniqueId]": ""},
        {"page[size]": "0"},
        {"page[size]": "ten"},
        {"page[cursor]": "not-a-cursor"},
    ],
)
def test_bad_invite_filters_and_page_parameters_are_400(sandbox, params):
    answer = api(sandbox, "GET", "/invites", params=params)
    assert answer.status_code == 400
    assert answer.json()["message"]


def test_invites_page_to_the_end_and_back(sandbox):
    total = len(api(sandbox, "GET", "/invites").json()["data"])
    pages = walk(sandbox, "/invites", {"page[size]": 4})
    assert len(pages) == -(-total // 4)
    ids = [i["id"] for page in pages for i in page["data"]]
    assert len(ids) == total == len(set(ids))
    assert ids == sorted(ids)
    assert pages[0]["pagination"]["prev"] is None
    assert pages[-1]["pagination"]["next"] is None
    back = api(sandbox, "GET", "/invites", params={"page[size]": 4, "page[cursor]": pages[1]["pagination"]["prev"]})
    assert back.json()["data"] == pages[0]["data"]
    assert back.json()["pagination"]["prev"] is None


# --- wedges -------------------------------------------------------------------------------------------------


DOC_WEDGE = {
    "id": 4017600317622981,
    "candidateFirstName": "Fred",
    "candidateLastName": "Smith",
    "candidateEmail": "job_invite@wedge.test",
    "interviewId": 5911293050157308,
    "interviewName": "General Practitioner",
    "interviewNameContextualized": "General Practitioner",
    "expiresAt": None,
    "completedAt": None,
    "createdAt": "2023-09-01T00:00:00Z",
    "resultUrl": None,
}
DOC_NESTED_INVITE = {
    "id": 7952721015002024,
    "interviewId": 5911293050157308,
    "email": "job_invite@wedge.test",
    "uniqueId": "32092387-2b2c-48f0-b864-2019c48fd4ce",
    "resultUrl": None,
    "inviteSent": True,
    "status": "invited",
}


def assert_doc_wedge(wedge):
    assert set(wedge) == WEDGE_KEYS
    assert {k: v for k, v in wedge.items() if k != "invites"} == DOC_WEDGE
    [invite] = wedge["invites"]
    assert set(invite) == NESTED_INVITE_KEYS
    assert {k: v for k, v in invite.items() if k != "inviteUrl"} == DOC_NESTED_INVITE


def test_list_wedges_curl_example(sandbox):
    answer = api(sandbox, "GET", "/wedges")
    assert answer.status_code == 200
    body = answer.json()
    assert body["meta"] == {"path": f"{sandbox.url_for('wedgehr')}/connect/v2/wedges", "per_page": 30}
    assert body["pagination"] == {"prev": None, "next": None}
    assert all(set(w) == WEDGE_KEYS for w in body["data"])
    assert_doc_wedge(next(w for w in body["data"] if w["id"] == 4017600317622981))


@pytest.mark.parametrize(
    "query",
    [
        "?filter[id]=4017600317622981",
        "?filter[interviewId]=5911293050157308",
        "?filter[email]=job_invite@wedge.test",
    ],
)
def test_documented_wedge_filters(sandbox, query):
    answer = api(sandbox, "GET", f"/wedges{query}")
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert 4017600317622981 in [w["id"] for w in data]
    if "interviewId" in query:
        assert {w["interviewId"] for w in data} == {5911293050157308}
    else:
        assert len(data) == 1


def test_wedge_filters_that_match_nothing_or_are_unknown(sandbox):
    # The document's example address has no wedge in this account.
    missing = api(sandbox, "GET", "/wedges?filter[email]=test@wedge.test&filter[interviewId]=2")
    assert missing.status_code == 404
    assert missing.json() == {"message": "No wedges found for given filter query."}
    assert api(sandbox, "GET", "/wedges?filter[status]=invited").status_code == 400
    assert api(sandbox, "GET", "/wedges?filter[id]=abc").status_code == 400


def test_get_wedge_curl_example(sandbox):
    answer = api(sandbox, "GET", "/wedges/4017600317622981")
    assert answer.status_code == 200
    assert_doc_wedge(answer.json()["data"])
    assert api(sandbox, "GET", "/wedges/7952721015002024").json() == {"message": "Wedge not found."}
    assert api(sandbox, "GET", "/wedges/7952721015002024").status_code == 404


def test_resend_invite_curl_example(sandbox):
    answer = api(sandbox, "POST", "/wedges/4017600317622981/resend-invite")
    assert answer.status_code == 200
    assert_doc_wedge(answer.json()["data"])
    assert invited_count(sandbox, 5911293050157308, "job_invite@wedge.test") == 0  # a resend creates no invite
    missing = api(sandbox, "POST", "/wedges/1/resend-invite")
    assert missing.status_code == 404
    assert missing.json() == {"message": "Wedge not found."}


def test_resend_to_an_undeliverable_address_fails_again(sandbox):
    wedge = api(sandbox, "GET", "/wedges", params={"filter[email]": "dev.patel@bounce.test"}).json()["data"][0]
    resent = api(sandbox, "POST", f"/wedges/{wedge['id']}/resend-invite").json()["data"]
    assert resent["invites"][0]["status"] == "send_failure"
    assert resent["invites"][0]["inviteSent"] is False


# --- interviews -------------------------------------------------------------------------------------------------


def test_list_interviews_curl_example(sandbox):
    answer = api(sandbox, "GET", "/interviews?page[size]=2")
    assert answer.status_code == 201  # as documented for this listing
    body = answer.json()
    assert len(body["data"]) == 2
    for interview in body["data"]:
        assert set(interview) == {"_type", "id", "companyId", "name", "nameContextualized", "properties", "createdAt"}
        assert interview["_type"] == "interview"
        assert interview["companyId"] == 7182893298555114
    assert body["meta"] == {"path": f"{sandbox.url_for('wedgehr')}/connect/v2/interviews", "per_page": 2}
    assert body["pagination"]["prev"] is None
    assert decode(body["pagination"]["next"]) == {"job.id": body["data"][-1]["id"], "_pointsToNextItems": True}


def test_the_documented_cursor_continues_after_its_interview(sandbox):
    answer = api(sandbox, "GET", f"/interviews?page[size]=2&page[cursor]={DOC_CURSOR}")
    assert answer.status_code == 201
    body = answer.json()
    assert len(body["data"]) == 2
    assert all(i["id"] > 5972691925058329 for i in body["data"])
    everything = [i for page in walk(sandbox, "/interviews", {"page[size]": 100}) for i in page["data"]]
    after = [i for i in everything if i["id"] > 5972691925058329][:2]
    assert body["data"] == after
    assert decode(body["pagination"]["prev"]) == {"job.id": after[0]["id"], "_pointsToNextItems": False}


def test_document_interviews_are_in_the_catalog(sandbox):
    movers = api(sandbox, "GET", "/interviews?filter[search]=movers").json()["data"]
    assert {
        "_type": "interview",
        "id": 1382244997593464,
        "companyId": 7182893298555114,
        "name": "Movers",
        "nameContextualized": "Movers",
        "properties": [{"name": "Location", "value": "Chicago"}],
        "createdAt": "2023-09-01T00:00:00Z",
    } in movers


def test_interviews_page_to_the_end_at_the_default_size(sandbox):
    pages = walk(sandbox, "/interviews")
    assert len(pages) >= 3
    assert all(page["meta"]["per_page"] == 30 for page in pages)
    assert all(len(page["data"]) == 30 for page in pages[:-1])
    ids = [i["id"] for page in pages for i in page["data"]]
    assert len(ids) == len(set(ids)) >= 130
    assert ids == sorted(ids)
    assert pages[-1]["pagination"]["next"] is None
    assert all(page["pagination"]["prev"] for page in pages[1:])


def test_walking_back_with_prev_returns_the_earlier_pages(sandbox):
    pages = walk(sandbox, "/interviews", {"page[size]": 40})
    back = api(
        sandbox, "GET", "/interviews", params={"page[size]": 40, "page[cursor]": pages[-1]["pagination"]["prev"]}
    )
    assert back.json()["data"] == pages[-2]["data"]
    assert back.json()["pagination"]["next"] is not None


def test_page_size_is_capped_at_100(sandbox):
    body = api(sandbox, "GET", "/interviews", params={"page[size]": 500}).json()
    assert len(body["data"]) == 100
    assert body["meta"]["per_page"] == 100
    assert body["pagination"]["next"] is not None


def test_default_page_size_is_an_option(sandbox):
    requests.post(f"{sandbox.url}/_control/wedgehr/options", json={"default_page_size": 7}, timeout=5)
    assert len(api(sandbox, "GET", "/interviews").json()["data"]) == 7


def test_search_interviews_by_name(sandbox):
    pages = walk(sandbox, "/interviews", {"filter[search]": "Acme"})
    names = [i["name"] for page in pages for i in page["data"]]
    assert len(names) >= 5
    assert all("acme" in name.lower() for name in names)
    nothing = api(sandbox, "GET", "/interviews", params={"filter[search]": "Zeppelin"})
    assert nothing.status_code == 201
    assert nothing.json()["data"] == []
    assert nothing.json()["pagination"] == {"prev": None, "next": None}


def test_interview_filters_other_than_search_and_bad_cursors_are_400(sandbox):
    assert api(sandbox, "GET", "/interviews", params={"filter[name]": "Movers"}).status_code == 400
    wrong_kind = api(sandbox, "GET", "/invites", params={"page[size]": 2}).json()  # an invite cursor
    assert wrong_kind["pagination"]["next"]
    assert (
        api(sandbox, "GET", "/interviews", params={"page[cursor]": wrong_kind["pagination"]["next"]}).status_code == 400
    )


def test_there_is_no_get_interview_by_id(sandbox):
    assert api(sandbox, "GET", "/interviews/1382244997593464").status_code == 404


# --- the control API's advance ------------------------------------------------------------------------------------


def test_started_keeps_the_invite_invited_and_completed_publishes_the_result(sandbox):
    invite = create(sandbox, email="run@example.com")
    assert advance(sandbox, invite["id"], "started").status_code == 200
    assert api(sandbox, "GET", f"/invites/{invite['id']}").json()["data"]["status"] == "invited"

    assert advance(sandbox, "run@example.com", "completed").status_code == 200
    done = api(sandbox, "GET", f"/invites/{invite['id']}").json()["data"]
    assert done["status"] == "complete"
    assert STAMP.match(done["completedAt"])
    assert done["expiresAt"] is None
    page = requests.get(done["resultUrl"], timeout=5)
    assert page.status_code == 200
    video = re.search(r'src="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert "/_media/wedgehr/" in video
    assert "Expires=" in video
    assert requests.get(video, timeout=5).status_code == 200
    wedge = api(sandbox, "GET", "/wedges", params={"filter[email]": "run@example.com"}).json()["data"][0]
    assert wedge["completedAt"] == done["completedAt"]
    assert wedge["resultUrl"] == done["resultUrl"]
    assert wedge["invites"][0]["status"] == "complete"


def test_a_forged_result_url_is_not_served(sandbox):
    invite = create(sandbox)
    advance(sandbox, invite["id"], "completed")
    url = api(sandbox, "GET", f"/invites/{invite['id']}").json()["data"]["resultUrl"]
    assert requests.get(url[:-3] + "xyz", timeout=5).status_code == 404


def test_discarded_cancels_and_a_finished_wedge_cannot_move(sandbox):
    invite = create(sandbox, email="gone@example.com")
    assert advance(sandbox, invite["id"], "discarded").status_code == 200
    assert api(sandbox, "GET", f"/invites/{invite['id']}").json()["data"]["status"] == "canceled"
    assert advance(sandbox, invite["id"], "completed").status_code == 400
    # A completed interview cannot be canceled either.
    assert advance(sandbox, 4017600317622981, "completed").status_code == 200
    assert advance(sandbox, 4017600317622981, "discarded").status_code == 400


@pytest.mark.parametrize("action", ["scored", "shortlisted"])
def test_actions_wedgehr_does_not_model_are_refused(sandbox, action):
    answer = advance(sandbox, 7952721015002024, action)
    assert answer.status_code == 400
    assert "no equivalent" in answer.json()["message"]


def test_advance_an_unknown_candidate_is_404(sandbox):
    assert advance(sandbox, "nobody@example.com", "completed").status_code == 404
    assert advance(sandbox, "123", "completed").status_code == 404


def test_advance_sends_no_webhooks(sandbox):
    requests.post(f"{sandbox.url}/_control/wedgehr/webhook", json={"url": "http://127.0.0.1:9/hook"}, timeout=5)
    advance(sandbox, 7952721015002024, "completed")
    assert requests.get(f"{sandbox.url}/_control/webhooks/deliveries", timeout=5).json() == []


def test_auto_complete_drives_a_new_invite_to_complete(sandbox, sandbox_clock):
    requests.post(f"{sandbox.url}/_control/auto-complete", json={"seconds": 600}, timeout=5)
    invite = create(sandbox, email="auto@example.com")
    assert invite["status"] == "invited"
    sandbox_clock.advance(600)

    def status() -> str:
        return api(sandbox, "GET", f"/invites/{invite['id']}").json()["data"]["status"]

    assert wait_for(lambda: status() == "complete", seconds=5, every=0.01)


def test_reset_restores_the_seeded_state(sandbox):
    create(sandbox, uniqueId="temp")
    requests.post(f"{sandbox.url}/_control/wedgehr/reset", timeout=5)
    assert api(sandbox, "GET", "/invites", params={"filter[uniqueId]": "temp"}).status_code == 404
    first = [i["id"] for i in api(sandbox, "GET", "/interviews").json()["data"]]
    requests.post(f"{sandbox.url}/_control/reset", timeout=5)
    assert [i["id"] for i in api(sandbox, "GET", "/interviews").json()["data"]] == first
