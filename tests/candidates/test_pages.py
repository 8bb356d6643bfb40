import pytest
from django.test import Client
from django.urls import reverse

from candidates.models import Application, StageChange
from candidates.services import move_to_stage
from tests.factories import ApplicationFactory, CandidateFactory, InvitationFactory, JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def job():
    return JobFactory(title="Platform Engineer")


def page_urls(job, candidate):
    return [
        reverse("candidates:job-list"),
        reverse("candidates:job-detail", args=[job.pk]),
        reverse("candidates:candidate-detail", args=[candidate.pk]),
        reverse("status"),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, job):
    application = ApplicationFactory(job=job)
    for url in page_urls(job, application.candidate):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next="), url
    assert client.get(reverse("login")).status_code == 200


def test_a_recruiter_cannot_reach_admin_only_pages(recruiter_client):
    assert recruiter_client.get(reverse("status")).status_code == 403
    response = recruiter_client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_an_integration_admin_sees_the_status_page_and_the_admin(integration_admin_client):
    page = integration_admin_client.get(reverse("status"))
    assert page.status_code == 200
    assert b"Workers" in page.content
    assert integration_admin_client.get(reverse("admin:candidates_application_changelist")).status_code == 200


def test_the_health_probe_needs_no_login(client):
    answer = client.get(reverse("healthz"))
    assert answer.status_code == 200
    assert answer.json() == {"database": True, "cache": True}


def test_job_list_shows_counts_per_stage(recruiter_client, job):
    ApplicationFactory.create_batch(3, job=job)
    ApplicationFactory(job=job, stage=job.stages.get(name="Offer"))
    page = recruiter_client.get(reverse("candidates:job-list")).content.decode()
    assert "Platform Engineer" in page
    assert "<span>Applied</span><strong>3</strong>" in page
    assert "<span>Offer</span><strong>1</strong>" in page


def test_job_page_filters_by_stage_and_search(recruiter_client, job):
    ApplicationFactory(job=job, candidate=CandidateFactory(first_name="Zelda", last_name="Quint"))
    ApplicationFactory(
        job=job, stage=job.stages.get(name="Offer"), candidate=CandidateFactory(first_name="Omar", last_name="Ode")
    )
    url = reverse("candidates:job-detail", args=[job.pk])
    offer = job.stages.get(name="Offer")

    by_stage = recruiter_client.get(url, {"stage": offer.pk}).content.decode()
    assert "Omar Ode" in by_stage and "Zelda Quint" not in by_stage
    by_search = recruiter_client.get(url, {"q": "zel"}).content.decode()
    assert "Zelda Quint" in by_search and "Omar Ode" not in by_search


def test_an_htmx_filter_request_gets_only_the_table(recruiter_client, job):
    ApplicationFactory(job=job)
    response = recruiter_client.get(reverse("candidates:job-detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b'id="applications"' not in response.content
    assert b"<table" in response.content


def test_recruiter_moves_the_ticked_candidates(recruiter_client, recruiter, job):
    picked, left = ApplicationFactory.create_batch(2, job=job)
    screen = job.stages.get(name="Phone screen")
    response = recruiter_client.post(
        reverse("candidates:move-applications", args=[job.pk]),
        {"stage": screen.pk, "applications": [picked.pk]},
        follow=True,
    )
    assert "Moved 1 application to Phone screen." in response.content.decode()
    picked.refresh_from_db()
    left.refresh_from_db()
    assert (picked.stage, left.stage.name) == (screen, "Applied")
    assert StageChange.objects.get().changed_by == recruiter


def test_all_matching_moves_exactly_what_the_filters_show(recruiter_client, job):
    matching = [ApplicationFactory(job=job, candidate=CandidateFactory(last_name="Miller")) for _ in range(3)]
    other = ApplicationFactory(job=job, candidate=CandidateFactory(last_name="Jones"))
    offer = job.stages.get(name="Offer")
    recruiter_client.post(
        reverse("candidates:move-applications", args=[job.pk]),
        {"stage": offer.pk, "all_matching": "1", "filter-q": "miller", "filter-stage": job.stages.first().pk},
    )
    assert set(Application.objects.filter(stage=offer)) == set(matching)
    other.refresh_from_db()
    assert other.stage.name == "Applied"


def test_moving_without_a_selection_explains_why(recruiter_client, job):
    response = recruiter_client.post(
        reverse("candidates:move-applications", args=[job.pk]), {"stage": job.stages.first().pk}, follow=True
    )
    assert "Select at least one candidate." in response.content.decode()


def test_a_move_without_the_csrf_token_is_refused(recruiter, job):
    client = Client(enforce_csrf_checks=True)
    client.force_login(recruiter)
    application = ApplicationFactory(job=job)
    response = client.post(
        reverse("candidates:move-applications", args=[job.pk]),
        {"stage": job.stages.last().pk, "applications": [application.pk]},
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.stage.name == "Applied"


def test_candidate_page_shows_every_application_and_its_history(recruiter_client, recruiter):
    candidate = CandidateFactory(first_name="Nia", last_name="Long")
    first = ApplicationFactory(candidate=candidate)
    ApplicationFactory(candidate=candidate)
    recruiter_client.post(
        reverse("candidates:move-applications", args=[first.job_id]),
        {"stage": first.job.stages.get(name="Video interview").pk, "applications": [first.pk]},
    )
    page = recruiter_client.get(reverse("candidates:candidate-detail", args=[candidate.pk])).content.decode()
    assert page.count('class="card"') == 2
    assert "Applied → <strong>Video interview</strong>" in page
    assert "by riley" in page


def test_candidate_page_shows_moves_nobody_made_by_hand(recruiter_client):
    application = ApplicationFactory()
    move_to_stage([application], application.job.stages.get(name="Offer"), by=None)
    page = recruiter_client.get(reverse("candidates:candidate-detail", args=[application.candidate_id]))
    assert page.status_code == 200
    assert "Applied → <strong>Offer</strong>" in page.content.decode()
    assert "automatically" in page.content.decode()


@pytest.mark.parametrize("size", [10, 500])
def test_pages_run_a_bounded_number_of_queries(recruiter_client, django_assert_max_num_queries, size):
    job = JobFactory()
    JobFactory.create_batch(4)
    applications = ApplicationFactory.create_batch(size, job=job)
    candidate = applications[0].candidate
    for other in JobFactory.create_batch(3):
        ApplicationFactory(candidate=candidate, job=other)
    for application in applications[:5]:
        InvitationFactory(application=application)
    # session, user, permissions, then the page's own reads: the same bound at 10 and at 500
    with django_assert_max_num_queries(8):
        assert recruiter_client.get(reverse("candidates:job-list")).status_code == 200
    with django_assert_max_num_queries(14):  # one of them: accounts whose key was refused, for the send dialog
        assert recruiter_client.get(reverse("candidates:job-detail", args=[job.pk])).status_code == 200
    with django_assert_max_num_queries(13):
        assert recruiter_client.get(reverse("candidates:candidate-detail", args=[candidate.pk])).status_code == 200


def test_the_board_shows_a_column_per_stage_with_its_cards_and_counts(recruiter_client, django_assert_max_num_queries):
    from candidates.selectors import BOARD_CARDS_PER_STAGE

    job = JobFactory(title="Support Engineer")
    video = job.stages.get(name="Video interview")
    crowd = ApplicationFactory.create_batch(BOARD_CARDS_PER_STAGE + 3, job=job, stage=video)
    invited = InvitationFactory(application=crowd[-1], state="invited")  # the newest, so on the board
    offer = ApplicationFactory(job=job, stage=job.stages.get(name="Offer"), candidate__last_name="Okafor")

    with django_assert_max_num_queries(15):
        page = recruiter_client.get(f"{job.get_absolute_url()}?view=board")
    body = page.content.decode()
    columns = {column.stage.name: column for column in page.context["board"]}
    assert list(columns) == [stage.name for stage in job.stages.order_by("order")]
    assert (columns["Video interview"].total, len(columns["Video interview"].cards)) == (28, BOARD_CARDS_PER_STAGE)
    assert [a.pk for a in columns["Offer"].cards] == [offer.pk]
    assert f'href="?stage={video.pk}">3 more in the list</a>' in body
    assert (
        f'<span class="badge-name">{invited.assessment.name}</span> · ' in body
    )  # the badges ride on the cards, and refresh while one is open
    assert 'id="badge-poll" hx-get=' in body
    assert 'name="view" value="board"' in body  # the filters keep the board

    searched = recruiter_client.get(f"{job.get_absolute_url()}?view=board&q=okafor").context["board"]
    assert [len(column.cards) for column in searched if column.cards] == [1]
