"""The API opened in a signed_in: a signed-in user gets DRF's browsable pages, never a 500."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from integrations import services
from integrations.api.urls import v1
from tests.factories import PASSWORD, ApplicationFactory, InvitationFactory

pytestmark = pytest.mark.django_db

LISTS = {"job-list", "job-stages", "job-applications", "assessment-list", "invitation-list", "interview-list"}


def route_names(patterns) -> set[str]:
    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            names |= route_names(entry.url_patterns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(entry.name)
    return names


@pytest.fixture
def signed_in(integration_admin):
    client = Client(raise_request_exception=False)
    client.login(username=integration_admin.username, password=PASSWORD)
    return client


@pytest.fixture
def urls(job, assessment):
    """Every /api/v1/ route, with ids of rows that exist."""
    application = ApplicationFactory(job=job)
    invitation = InvitationFactory(application=application, assessment=assessment)
    send = services.request_invitations([ApplicationFactory(job=job)], assessment)
    args = {
        "job-detail": [job.pk],
        "job-stages": [job.pk],
        "job-applications": [job.pk],
        "candidate-detail": [application.candidate_id],
        "bulk-send": [send.pk],
        "invitation-detail": [invitation.pk],
        "invitation-cancel": [invitation.pk],
        "invitation-remind": [invitation.pk],
        "invitation-reinvite": [invitation.pk],
        "invitation-results": [invitation.pk],
        "interview-detail": [invitation.pk],
    }
    return {name: reverse(f"api:{name}", args=args.get(name, [])) for name in route_names(v1)}


def test_every_list_renders_as_a_browsable_page(signed_in, urls, job, assessment):
    for name in LISTS:
        page = signed_in.get(urls[name], HTTP_ACCEPT="text/html")
        assert page.status_code == 200, name
        assert page["Content-Type"].startswith("text/html"), name
        assert "Django REST framework" in page.content.decode(), name
    jobs = signed_in.get(urls["job-list"], HTTP_ACCEPT="text/html").content.decode()
    assert job.title in jobs


def test_no_route_answers_500_to_a_browser(signed_in, urls):
    for name, url in urls.items():
        answer = signed_in.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
        assert answer.status_code < 500, f"{name} {url} answered {answer.status_code}"


def test_json_is_still_the_answer_to_api_clients(signed_in, urls):
    assert signed_in.get(urls["job-list"], HTTP_ACCEPT="application/json").json()["count"] == 1
