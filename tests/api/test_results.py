"""Result links over the API: fetched from the vendor (the sandbox, over HTTP) at each call, never stored."""

import json

import pytest
from django.urls import reverse

from integrations import services
from integrations.models import Invitation, InvitationEvent
from tests.factories import ApplicationFactory, InvitationFactory
from tests.integrations.conftest import control, make_account, mapped_stage  # noqa: F401 (sandbox fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(mapped_stage, control):  # noqa: F811
    """An invitation sent through the vendor's sandbox, which the candidate then completed."""

    def make(vendor):
        job, _, assessment = mapped_stage(vendor, invite_on_entry=False)
        bulk = services.request_invitations([ApplicationFactory(job=job)], assessment)
        services.send_batch(list(bulk.invitations.values_list("pk", flat=True)))
        invitation = bulk.invitations.get()
        assert invitation.remote_id, invitation.last_error
        control.control(f"{vendor}/advance", {"ref": invitation.remote_id, "action": "completed"})
        return invitation

    return make


def results(client, invitation):
    return client.get(reverse("api:invitation-results", args=[invitation.pk]))


@pytest.mark.parametrize("vendor", ["wedgehr", "hireflix"])
def test_results_are_the_vendors_links_made_at_the_call_and_stored_nowhere(recruiter_api, completed, vendor):
    invitation = completed(vendor)

    response = results(recruiter_api, invitation)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["links"], body
    assert all(link["url"].startswith("http") and link["label"] for link in body["links"])
    assert body["fetched_at"]

    stored = json.dumps(list(Invitation.objects.values()), default=str) + json.dumps(
        list(InvitationEvent.objects.values("payload", "message"))
    )
    invitation.refresh_from_db()
    made_now = [link["url"] for link in body["links"] if link["url"] != invitation.candidate_url]
    assert made_now  # beyond the candidate's own invitation link, which the invitation keeps
    for url in made_now:
        assert url not in stored
    for item in body["media"]:
        assert not item["video_url"] or item["video_url"] not in stored


def test_results_need_the_permission_to_see_invitations(anonymous, outsider_api, reader_api, completed):
    invitation = completed("wedgehr")
    assert results(anonymous, invitation).status_code == 401
    assert results(outsider_api, invitation).status_code == 403
    assert results(reader_api, invitation).status_code == 200


def test_results_of_an_unknown_invitation_are_a_404(recruiter_api):
    response = recruiter_api.get(reverse("api:invitation-results", args=[999_999]))
    assert (response.status_code, response.json()) == (404, {"detail": "No Invitation matches the given query."})


def test_a_vendor_that_cannot_answer_gives_a_worded_502_not_a_500(recruiter_api, completed, control):  # noqa: F811
    invitation = completed("wedgehr")
    control.control("wedgehr/faults", {"error_rate": 1.0})

    response = results(recruiter_api, invitation)
    assert response.status_code == 502
    detail = response.json()["detail"]
    assert detail.startswith("WedgeHR could not give the results just now: ")
    assert "wedgehr" in detail.lower()


@pytest.mark.parametrize("state", ["queued", "failed"])
def test_an_invitation_the_vendor_never_received_has_no_results_to_ask_for(recruiter_api, control, state):  # noqa: F811
    invitation = InvitationFactory(state=state)
    response = results(recruiter_api, invitation)
    assert response.status_code == 409
    assert response.json()["detail"] == f"There are no results: the invitation is {state}, not at the vendor."
    assert control.requests("wedgehr") == 0
