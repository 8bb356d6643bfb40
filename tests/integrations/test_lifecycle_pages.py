"""Cancel, remind and invite again from the candidate page, the job page and the API."""

import pytest
from django.test import Client
from django.urls import reverse

from integrations import services
from integrations.models import Invitation, InvitationEvent
from integrations.states import InvitationState
from tests.api.conftest import token_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
S = InvitationState


@pytest.fixture
def invited(mapped_stage, applicants, run_tasks):
    def make(vendor, count=1):
        job, _, assessment = mapped_stage(vendor, invite_on_entry=False)
        applications = applicants(job, count)
        run_tasks(services.request_invitations, applications, assessment)
        invitations = list(Invitation.objects.filter(application__in=applications).order_by("pk"))
        assert all(i.remote_id for i in invitations)
        return invitations

    return make


def page_of(client, invitation):
    return client.get(invitation.application.candidate.get_absolute_url()).content.decode()


def test_the_candidate_page_offers_what_the_vendor_allows(recruiter_client, invited):
    [wedge] = invited("wedgehr")
    html = page_of(recruiter_client, wedge)
    for action in ("remind", "reinvite", "cancel"):
        assert reverse(f"integrations:{action}", args=[wedge.pk]) in html
    name = wedge.application.candidate.full_name
    assert f"Cancel {name}'s {wedge.assessment.name} at WedgeHR?" in html  # the confirmation names both

    [flix] = invited("hireflix")
    html = page_of(recruiter_client, flix)
    assert reverse("integrations:remind", args=[flix.pk]) not in html
    assert "Hireflix emails its own reminders" in html


def test_cancel_then_invite_again_from_the_candidate_page(recruiter_client, invited, run_tasks):
    [invitation] = invited("hireflix")
    page = run_tasks(recruiter_client.post, reverse("integrations:cancel", args=[invitation.pk]), follow=True)
    assert f"Canceled {invitation.application.candidate.full_name}" in page.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).state == S.CANCELED

    page = run_tasks(recruiter_client.post, reverse("integrations:reinvite", args=[invitation.pk]), follow=True)
    html = page.content.decode()
    assert "again (round 2)" in html and "round 2" in html
    rounds = Invitation.objects.filter(application=invitation.application).order_by("round")
    assert [(i.round, i.state) for i in rounds] == [(1, S.CANCELED), (2, S.INVITED)]
    # Only the latest round can be invited again.
    assert reverse("integrations:reinvite", args=[invitation.pk]) not in html


def test_a_refused_action_says_why_and_changes_nothing(recruiter_client, invited):
    [invitation] = invited("hireflix")
    page = recruiter_client.post(reverse("integrations:remind", args=[invitation.pk]), follow=True)
    assert "Hireflix emails its own reminders" in page.content.decode()
    assert not InvitationEvent.objects.filter(invitation=invitation, message__contains="Reminder").exists()


def test_actions_need_the_csrf_token_and_the_role(recruiter, invited, client):
    [invitation] = invited("wedgehr")
    url = reverse("integrations:cancel", args=[invitation.pk])
    strict = Client(enforce_csrf_checks=True)
    strict.login(username=recruiter.username, password=PASSWORD)
    assert strict.post(url).status_code == 403
    assert client.post(url).status_code == 302 and "login" in client.post(url).url
    assert Invitation.objects.get(pk=invitation.pk).state != S.CANCELED


def test_the_job_page_cancels_and_reminds_the_ticked_candidates(recruiter_client, invited, run_tasks, control):
    invitations = invited("wedgehr", count=3)
    job = invitations[0].application.job
    ticked = [i.application_id for i in invitations[:2]]
    page = run_tasks(
        recruiter_client.post, reverse("integrations:remind-many", args=[job.pk]), {"applications": ticked}, follow=True
    )
    assert "Asked for a reminder for 2 invitations." in page.content.decode()
    assert control.requests_by_route("wedgehr")["POST /connect/v2/wedges/<wedge_id>/resend-invite"] == 2

    page = run_tasks(
        recruiter_client.post, reverse("integrations:cancel-many", args=[job.pk]), {"applications": ticked}, follow=True
    )
    assert "Canceled 2 invitations." in page.content.decode()
    states = [Invitation.objects.get(pk=i.pk).state for i in invitations]
    assert states[:2] == [S.CANCELED, S.CANCELED] and states[2] != S.CANCELED


def test_sending_again_says_who_was_left_out_and_what_to_tick(recruiter_client, invited, run_tasks):
    [invitation] = invited("wedgehr")
    services.record_state(invitation, S.EXPIRED, source=InvitationEvent.Source.SYSTEM)
    job = invitation.application.job
    data = {"applications": [invitation.application_id], "assessment": invitation.assessment_id}
    page = run_tasks(recruiter_client.post, reverse("integrations:send-assessment", args=[job.pk]), data, follow=True)
    html = page.content.decode()
    assert page.redirect_chain[-1][0] == job.get_absolute_url()  # nothing to follow: back on the job
    assert "Nobody was sent" in html and "1 was invited before and it expired, was canceled or failed" in html
    assert "tick “include those whose invitation expired or was canceled”" in html

    data["include_ended"] = "1"
    page = run_tasks(recruiter_client.post, reverse("integrations:send-assessment", args=[job.pk]), data, follow=True)
    assert "to 1 candidate." in page.content.decode()
    assert Invitation.objects.filter(application=invitation.application, round=2).exists()


# --- the API -------------------------------------------------------------------------------------------
def test_api_actions_answer_the_invitation_or_409(recruiter, invited, run_tasks):
    api = token_client(recruiter)
    [wedge] = invited("wedgehr")
    answer = run_tasks(api.post, reverse("api:invitation-remind", args=[wedge.pk]))
    assert answer.status_code == 200 and answer.json()["id"] == wedge.pk
    assert "Reminder asked for by" in answer.json()["timeline"][0]["message"]

    answer = run_tasks(api.post, reverse("api:invitation-reinvite", args=[wedge.pk]))
    assert answer.status_code == 200 and answer.json()["round"] == 2 and answer.json()["id"] != wedge.pk

    refused = api.post(reverse("api:invitation-reinvite", args=[wedge.pk]))
    assert refused.status_code == 409 and "already invited again" in refused.json()["detail"]

    answer = run_tasks(api.post, reverse("api:invitation-cancel", args=[wedge.pk]))
    assert answer.status_code == 409 and "nothing to cancel" in answer.json()["detail"]


def test_api_bulk_actions_are_all_or_nothing(recruiter, invited, run_tasks):
    api = token_client(recruiter)
    first, second = invited("hireflix", count=2)
    services.record_state(second, S.COMPLETED, source=InvitationEvent.Source.POLL)
    url = reverse("api:invitations-cancel")
    refused = api.post(url, {"invitations": [first.pk, second.pk]}, format="json")
    assert refused.status_code == 409 and "already completed" in refused.json()["detail"]
    assert Invitation.objects.get(pk=first.pk).state == S.INVITED

    answer = run_tasks(api.post, url, {"invitations": [first.pk]}, format="json")
    assert answer.status_code == 200 and [i["state"] for i in answer.json()] == ["canceled"]
    assert api.post(url, {"invitations": []}, format="json").status_code == 400
    unknown = api.post(url, {"invitations": [987654]}, format="json")
    assert unknown.status_code == 404 and unknown.json()["invitations"] == ["No such invitations: 987654."]

    reminded = api.post(reverse("api:invitations-remind"), {"invitations": [first.pk]}, format="json")
    assert reminded.status_code == 409


def test_api_actions_need_the_permission(reader_api, anonymous, invited):
    [invitation] = invited("wedgehr")
    url = reverse("api:invitation-cancel", args=[invitation.pk])
    assert anonymous.post(url).status_code == 401
    assert reader_api.post(url).status_code == 403


def test_the_send_page_cancels_what_is_still_open(recruiter_client, invited, run_tasks):
    first, second, third = invited("hireflix", count=3)
    services.record_state(third, S.COMPLETED, source=InvitationEvent.Source.POLL)
    bulk = first.bulk_send
    assert (
        "Cancel the open ones"
        in recruiter_client.get(reverse("integrations:bulk-send", args=[bulk.pk])).content.decode()
    )
    page = run_tasks(recruiter_client.post, reverse("integrations:bulk-send-cancel", args=[bulk.pk]), follow=True)
    assert "Canceled 2 invitations." in page.content.decode()
    assert [Invitation.objects.get(pk=i.pk).state for i in (first, second, third)] == [
        S.CANCELED,
        S.CANCELED,
        S.COMPLETED,
    ]
    page = recruiter_client.post(reverse("integrations:bulk-send-remind", args=[bulk.pk]), follow=True)
    html = page.content.decode()
    assert "There is no open invitation among them: nothing was changed." in html
    assert "Cancel the open ones" not in html  # nothing open is left to act on
