"""Invitations as Merge ScheduledInterviews: the shape, the cursor pages and the filters of Merge's ATS API,
and Merge's own Python SDK reading them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from merge import Merge
from merge.resources.ats.types import ScheduledInterview
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from integrations import services
from integrations.models import Invitation
from integrations.states import InvitationState
from tests.factories import ApplicationFactory, InvitationFactory

pytestmark = pytest.mark.django_db

# Every field of a ScheduledInterview in Merge's document 004, plus its created_at / modified_at.
MERGE_FIELDS = {
    "id",
    "remote_id",
    "created_at",
    "modified_at",
    "application",
    "job_interview_stage",
    "organizer",
    "interviewers",
    "location",
    "start_at",
    "end_at",
    "remote_created_at",
    "remote_updated_at",
    "status",
    "remote_was_deleted",
    "field_mappings",
    "remote_data",
}


def interviews(client, **params):
    response = client.get(reverse("api:interview-list"), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_an_invitation_reads_as_a_merge_scheduled_interview(recruiter_api, recruiter, job, video_stage, assessment):
    application = ApplicationFactory(job=job)
    bulk = services.request_invitations([application], assessment, recruiter)
    invitation = bulk.invitations.get()
    started = timezone.now() - timedelta(hours=1)
    Invitation.objects.filter(pk=invitation.pk).update(
        state=InvitationState.COMPLETED, remote_id="wedge-77", started_at=started, completed_at=timezone.now()
    )

    body = recruiter_api.get(reverse("api:interview-detail", args=[invitation.pk])).json()
    assert set(body) == MERGE_FIELDS
    invitation.refresh_from_db()
    assert body == {
        **body,
        "id": str(invitation.pk),
        "remote_id": "wedge-77",
        "application": str(application.pk),
        "job_interview_stage": str(video_stage.pk),
        "organizer": str(recruiter.pk),
        "interviewers": [],
        "location": "WedgeHR",
        "status": "AWAITING_FEEDBACK",
        "remote_was_deleted": False,
        "field_mappings": None,
        "remote_data": None,
    }
    assert body["start_at"].startswith(started.strftime("%Y-%m-%dT%H:%M:%S"))
    assert body["end_at"] is not None


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("queued", "SCHEDULED"),
        ("sending", "SCHEDULED"),
        ("invited", "SCHEDULED"),
        ("started", "SCHEDULED"),
        ("completed", "AWAITING_FEEDBACK"),
        ("reviewed", "COMPLETE"),
        ("canceled", "canceled"),
        ("expired", "expired"),
        ("failed", "failed"),
    ],
)
def test_each_state_maps_to_a_merge_status_or_passes_through(recruiter_api, assessment, state, status):
    invitation = InvitationFactory(assessment=assessment, state=state)
    body = recruiter_api.get(reverse("api:interview-detail", args=[invitation.pk])).json()
    assert body["status"] == status
    if not invitation.bulk_send_id:
        assert (body["organizer"], body["job_interview_stage"], body["remote_id"]) == (None, None, None)


def test_pages_are_merge_cursors_forwards_and_back(recruiter_api, assessment):
    made = {str(InvitationFactory(assessment=assessment).pk) for _ in range(5)}
    first = interviews(recruiter_api, page_size=2)
    assert set(first) == {"next", "previous", "results"}
    assert (len(first["results"]), first["previous"]) == (2, None)
    assert not first["next"].startswith("http")  # a cursor to send back, not a URL

    second = interviews(recruiter_api, page_size=2, cursor=first["next"])
    third = interviews(recruiter_api, page_size=2, cursor=second["next"])
    assert (len(third["results"]), third["next"]) == (1, None)
    seen = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert (len(seen), set(seen)) == (5, made)
    assert seen == sorted(seen, key=int, reverse=True)  # newest first

    back = interviews(recruiter_api, page_size=2, cursor=third["previous"])
    assert [r["id"] for r in back["results"]] == [r["id"] for r in second["results"]]


def test_filters_by_time_application_stage_and_remote_id(recruiter_api, job, video_stage, assessment):
    now = timezone.now()
    old, recent, other = (InvitationFactory(assessment=assessment) for _ in range(3))
    Invitation.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=10), updated_at=now - timedelta(days=9))
    Invitation.objects.filter(pk=recent.pk).update(application=ApplicationFactory(job=job), remote_id="wedge-1")

    def ids(**params):
        return {int(r["id"]) for r in interviews(recruiter_api, **params)["results"]}

    cut = (now - timedelta(days=5)).isoformat()
    assert ids(modified_after=cut) == {recent.pk, other.pk}
    assert ids(modified_before=cut) == {old.pk}
    assert ids(created_after=cut) == {recent.pk, other.pk}
    assert ids(created_before=cut) == {old.pk}
    assert ids(application_id=other.application_id) == {other.pk}
    assert ids(job_interview_stage_id=video_stage.pk) == {recent.pk}
    assert ids(remote_id="wedge-1") == {recent.pk}
    assert ids(include_deleted_data="true") == {old.pk, recent.pk, other.pk}
    assert ids(application_id=999_999) == set()


@pytest.mark.parametrize(
    ("parameter", "value", "status"),
    [
        ("modified_after", "yesterday", 400),
        ("modified_after", "", 400),
        ("created_before", "2026-13-01T00:00:00Z", 400),
        ("application_id", "abc", 400),
        ("job_interview_stage_id", "1.5", 400),
        ("include_deleted_data", "maybe", 400),
        ("page_size", "0", 400),
        ("page_size", "101", 400),
        ("page_size", "", 400),
        ("cursor", "not-a-cursor", 404),
    ],
)
def test_a_malformed_filter_or_page_is_refused_naming_it(recruiter_api, parameter, value, status):
    response = recruiter_api.get(reverse("api:interview-list"), {parameter: value})
    assert response.status_code == status
    body = response.json()
    assert parameter in body if status == 400 else parameter in body["detail"]


def test_merge_clients_authenticate_with_our_token_as_bearer(recruiter, reader_api, outsider_api, assessment):
    invitation = InvitationFactory(assessment=assessment)
    key = Token.objects.create(user=recruiter).key
    merge_style = APIClient()
    merge_style.credentials(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_X_ACCOUNT_TOKEN="any-linked-account")
    url = reverse("api:merge-interview-detail", args=[invitation.pk])
    assert url == f"/api/merge/ats/v1/interviews/{invitation.pk}"
    assert merge_style.get(url).json()["id"] == str(invitation.pk)
    assert merge_style.get(reverse("api:merge-interview-list")).json()["results"][0]["id"] == str(invitation.pk)

    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Bearer not-our-token")
    assert wrong.get(url).status_code == 401
    assert reader_api.get(reverse("api:interview-list")).status_code == 200
    assert outsider_api.get(reverse("api:interview-list")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_merges_python_sdk_lists_page_by_page_and_retrieves(live_server, recruiter, assessment):
    now = timezone.now()
    invitations = [InvitationFactory(assessment=assessment, state=state) for state in ("invited", "completed")]
    invitations += InvitationFactory.create_batch(3, assessment=assessment, state="reviewed")
    stale = InvitationFactory(assessment=assessment)
    Invitation.objects.filter(pk=stale.pk).update(updated_at=now - timedelta(days=30))
    key = Token.objects.create(user=recruiter).key
    client = Merge(api_key=key, account_token="ignored", base_url=f"{live_server.url}/api/merge")

    seen: list[ScheduledInterview] = []
    cursor = None
    pages = 0
    while True:
        page = client.ats.interviews.list(modified_after=now - timedelta(days=1), page_size=2, cursor=cursor)
        pages += 1
        seen += page.results or []
        cursor = page.next
        if not cursor:
            break
    assert pages == 3
    assert sorted(int(i.id) for i in seen) == sorted(i.pk for i in invitations)  # the stale one is filtered out
    assert {i.status for i in seen} == {"SCHEDULED", "AWAITING_FEEDBACK", "COMPLETE"}
    assert all(isinstance(i.remote_created_at, type(now)) for i in seen)

    one = client.ats.interviews.retrieve(id=str(invitations[1].pk))
    assert (one.id, one.status, one.application) == (
        str(invitations[1].pk),
        "AWAITING_FEEDBACK",
        str(invitations[1].application_id),
    )
    assert one.interviewers == [] and one.remote_was_deleted is False


def test_date_time_filters_take_any_iso_offset_and_refuse_what_falls_off_the_calendar(recruiter_api, assessment):
    InvitationFactory(assessment=assessment)
    url = reverse("api:interview-list")
    # +23:54 is valid ISO 8601 but beyond what PostgreSQL takes as an offset: compared in UTC instead.
    assert len(recruiter_api.get(url, {"modified_after": "0011-06-07T10:34:01+23:54"}).json()["results"]) == 1
    refused = recruiter_api.get(url, {"created_before": "0001-01-01T00:10:00+23:00"})
    assert refused.status_code == 400
    assert "created_before" in refused.json()
