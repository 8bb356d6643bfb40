"""The invitations page, a send's page, the job page's live badges and the send dialog's preview, over HTTP."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from integrations import services
from integrations.models import BulkSend, Invitation
from integrations.states import InvitationState
from tests.factories import ApplicationFactory, AssessmentFactory, InvitationFactory, JobFactory

pytestmark = pytest.mark.django_db
S = InvitationState
LIST = reverse("integrations:invitation-list")


@pytest.fixture
def mixed():
    """Invitations of two jobs in every interesting state."""
    jobs = JobFactory.create_batch(2)
    assessment = AssessmentFactory(account__vendor="hireflix", account__name="Acme EU")
    other = AssessmentFactory(account__vendor="wedgehr", account__name="Acme US")
    week_ago = timezone.now() - timedelta(days=7)
    rows = {
        "invited_old": InvitationFactory(
            application__job=jobs[0], assessment=assessment, state=S.INVITED, invited_at=week_ago
        ),
        "invited_new": InvitationFactory(application__job=jobs[0], assessment=assessment, state=S.INVITED),
        "completed": InvitationFactory(
            application__job=jobs[1], assessment=other, state=S.COMPLETED, invited_at=week_ago
        ),
        "failed": InvitationFactory(
            application__job=jobs[1], assessment=other, state=S.FAILED, last_error="Email is invalid"
        ),
    }
    return jobs, rows


def listed_ids(response) -> set[int]:
    return {int(row["invitation id"]) for row in csv.DictReader(io.StringIO(response.getvalue().decode()))}


def test_the_invitations_page_counts_per_state_and_filters(recruiter_client, mixed):
    jobs, rows = mixed
    html = recruiter_client.get(LIST).content.decode()
    assert 'data-state="invited">Invited <strong>2</strong>' in html
    assert 'data-state="failed">Failed <strong>1</strong>' in html
    assert "Email is invalid" in html  # the vendor's words on a failed one

    by_vendor = recruiter_client.get(LIST, {"vendor": "wedgehr", "format": "csv"})
    assert listed_ids(by_vendor) == {rows["completed"].pk, rows["failed"].pk}
    by_job = recruiter_client.get(LIST, {"job": jobs[0].pk, "format": "csv"})
    assert listed_ids(by_job) == {rows["invited_old"].pk, rows["invited_new"].pk}
    # "Invited more than 3 days ago and not completed": the old open one only.
    waiting = recruiter_client.get(LIST, {"waiting_days": 3, "format": "csv"})
    assert listed_ids(waiting) == {rows["invited_old"].pk}
    # The counts follow the other filters.
    html = recruiter_client.get(LIST, {"vendor": "hireflix"}).content.decode()
    assert 'data-state="failed">Failed <strong>0</strong>' in html


def test_the_csv_holds_every_row_with_the_account(recruiter_client, mixed):
    _, rows = mixed
    answer = recruiter_client.get(LIST, {"format": "csv"})
    assert answer["Content-Type"].startswith("text/csv")
    assert 'filename="invitations' in answer["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(answer.getvalue().decode())))
    assert {int(row["invitation id"]) for row in table} == {i.pk for i in rows.values()}
    failed = next(row for row in table if int(row["invitation id"]) == rows["failed"].pk)
    assert (failed["vendor"], failed["account"], failed["state"], failed["last error"]) == (
        "WedgeHR",
        "Acme US",
        "Failed",
        "Email is invalid",
    )


def test_an_unknown_filter_value_is_said_not_crashed(recruiter_client, mixed):
    answer = recruiter_client.get(LIST, {"state": "nonsense", "waiting_days": "x"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "State: Select a valid choice. nonsense is not one of the available choices." in html
    assert "Invited over N days ago, not completed: Enter a number." in html


def test_all_matching_cancels_only_what_the_filters_keep(recruiter_client, make_account, applicants, run_tasks):
    account = make_account("wedgehr")
    services.sync_catalog(account)
    assessment = account.assessments.filter(active=True).order_by("pk").first()
    job = JobFactory()
    run_tasks(services.request_invitations, applicants(job, 3), assessment)
    keep = Invitation.objects.filter(application__job=job).order_by("pk").first()
    Invitation.objects.filter(pk=keep.pk).update(state=S.STARTED)

    post = {"all_matching": "1", "filter-state": S.INVITED, "filter-job": job.pk, "next": LIST}
    page = run_tasks(recruiter_client.post, reverse("integrations:invitations-act", args=["cancel"]), post, follow=True)
    assert "Canceled 2" in page.content.decode()
    states = dict(Invitation.objects.filter(application__job=job).values_list("pk", "state"))
    assert states.pop(keep.pk) == S.STARTED
    assert set(states.values()) == {S.CANCELED}


def test_acting_on_nothing_says_so(recruiter_client, mixed):
    page = recruiter_client.post(reverse("integrations:invitations-act", args=["remind"]), {}, follow=True)
    assert page.status_code == 200
    assert "Tick at least one invitation." in page.content.decode()
    assert recruiter_client.post(reverse("integrations:invitations-act", args=["delete"]), {}).status_code == 404


def test_retry_failed_queues_them_again(recruiter_client, mixed, django_capture_on_commit_callbacks):
    _, rows = mixed
    failed = rows["failed"]
    with django_capture_on_commit_callbacks():
        page = recruiter_client.post(
            reverse("integrations:invitations-act", args=["retry"]), {"invitations": [failed.pk]}, follow=True
        )
    assert "Sent again" in page.content.decode()
    failed.refresh_from_db()
    assert failed.state == S.QUEUED and failed.last_error == ""
    # A completed one is not "retried": it says why.
    page = recruiter_client.post(
        reverse("integrations:invitations-act", args=["retry"]), {"invitations": [rows["completed"].pk]}, follow=True
    )
    assert rows["completed"].application.candidate.full_name in page.content.decode()
    assert Invitation.objects.get(pk=rows["completed"].pk).state == S.COMPLETED


def badges(client, job, applications):
    return client.get(reverse("integrations:job-badges", args=[job.pk]), {"a": [a.pk for a in applications]})


def test_the_badges_poll_while_something_is_open_and_stop_when_final(recruiter_client):
    job = JobFactory()
    open_one = InvitationFactory(application__job=job, state=S.INVITED)
    answer = badges(recruiter_client, job, [open_one.application]).content.decode()
    assert f'id="badges-{open_one.application.pk}" class="badges" hx-swap-oob="true"' in answer
    assert "Invited" in answer and open_one.assessment.name in answer
    assert 'id="badge-poll" hx-swap-oob="true" hx-get=' in answer

    Invitation.objects.filter(pk=open_one.pk).update(state=S.COMPLETED)
    answer = badges(recruiter_client, job, [open_one.application]).content.decode()
    assert "Completed" in answer
    assert "hx-get" not in answer  # nothing is open: the page stops asking


def test_the_badges_cost_the_same_queries_for_5_or_25_applications(recruiter_client):
    job = JobFactory()

    def measure(n):
        applications = [InvitationFactory(application__job=job, state=S.INVITED).application for _ in range(n)]
        with CaptureQueriesContext(connection) as queries:
            assert badges(recruiter_client, job, applications).status_code == 200
        return len(queries)

    assert measure(5) == measure(25)


def test_the_job_page_costs_the_same_queries_for_10_or_40_applications(recruiter_client):
    job = JobFactory()

    def measure(n):
        for _ in range(n):
            InvitationFactory(application__job=job, state=S.INVITED)
        with CaptureQueriesContext(connection) as queries:
            assert recruiter_client.get(job.get_absolute_url()).status_code == 200
        return len(queries)

    assert measure(10) == measure(30)


def test_the_preview_counts_who_would_be_left_out(recruiter_client, mapped_stage):
    job, stage, assessment = mapped_stage("wedgehr", invite_on_entry=False)
    fresh = ApplicationFactory.create_batch(3, job=job, stage=stage)
    invited = InvitationFactory(application__job=job, application__stage=stage, assessment=assessment, state=S.INVITED)
    nobody = ApplicationFactory(job=job, stage=stage, candidate__email="")
    chosen = [*fresh, invited.application, nobody]
    answer = recruiter_client.post(
        reverse("integrations:send-preview", args=[job.pk]),
        {"applications": [a.pk for a in chosen], "assessment": assessment.pk},
    ).content.decode()
    assert '<strong data-count="invite">3</strong> will be invited' in answer
    assert '<strong data-count="open">1</strong>' in answer
    assert '<strong data-count="no_email">1</strong>' in answer
    assert "Send to 3 candidates" in answer
    assert not Invitation.objects.exclude(pk=invited.pk).exists()  # a preview sends nothing

    unchosen = recruiter_client.post(reverse("integrations:send-preview", args=[job.pk]), {"applications": []})
    assert unchosen.status_code == 200 and "Send to" not in unchosen.content.decode()


def test_a_send_page_shows_why_it_waits_and_stays_live_until_final(recruiter_client):
    assessment = AssessmentFactory(account__vendor="hireflix")
    bulk = BulkSend.objects.create(assessment=assessment, total=3)
    soon = timezone.now() + timedelta(seconds=40)
    waiting = InvitationFactory(
        bulk_send=bulk,
        assessment=assessment,
        state=S.QUEUED,
        next_attempt_at=soon,
        last_error="503 Service Unavailable",
    )
    InvitationFactory(bulk_send=bulk, assessment=assessment, state=S.INVITED)
    InvitationFactory(bulk_send=bulk, assessment=assessment, state=S.FAILED, last_error="Email is invalid")
    url = reverse("integrations:bulk-send", args=[bulk.pk])

    html = recruiter_client.get(url).content.decode()
    assert "1 waiting to try again: the vendor answered “503 Service Unavailable”" in html
    assert f'datetime="{timezone.localtime(soon).isoformat()}"'[:30] in html
    assert 'hx-trigger="every 2s"' in html  # live while something is not final
    assert "Retry the failed ones" in html and "Cancel the open ones" in html
    assert waiting.application.job.title in html  # the job in the breadcrumb

    # The poll answers the bar, the counts per state, and the actions only when they changed.
    poll = recruiter_client.get(url, {"shown": "101"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="send-states" class="state-counts" hx-swap-oob="true"' in poll
    assert 'id="send-actions"' not in poll
    Invitation.objects.filter(bulk_send=bulk).update(state=S.COMPLETED)
    poll = recruiter_client.get(url, {"shown": "101"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="send-actions" class="actions" hx-swap-oob="true"' in poll and "Cancel the open ones" not in poll
    assert 'data-done="1"' in poll and "hx-trigger" not in poll.split(">", 1)[0]
