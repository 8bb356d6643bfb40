"""Who may call what: a token or a session, and the role's permissions."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from candidates.models import Application
from integrations import services
from integrations.models import Invitation
from tests.factories import PASSWORD, ApplicationFactory, InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(job, assessment):
    """Every endpoint, called the way a client would: (method, url, body)."""
    application = ApplicationFactory(job=job)
    invitation = InvitationFactory(application=application, assessment=assessment)
    earlier = services.request_invitations([ApplicationFactory(job=job)], assessment)
    offer = job.stages.get(name="Offer").pk
    return [
        ("get", reverse("api:job-list"), None),
        ("get", reverse("api:job-detail", args=[job.pk]), None),
        ("get", reverse("api:job-stages", args=[job.pk]), None),
        ("get", reverse("api:job-applications", args=[job.pk]), None),
        ("get", reverse("api:candidate-detail", args=[application.candidate_id]), None),
        ("get", reverse("api:assessment-list"), None),
        ("get", reverse("api:invitation-list"), None),
        ("get", reverse("api:invitation-detail", args=[invitation.pk]), None),
        ("get", reverse("api:bulk-send", args=[earlier.pk]), None),
        ("post", reverse("api:move-applications"), {"applications": [application.pk], "stage": offer}),
        ("post", reverse("api:bulk-send-create"), {"assessment": assessment.pk, "applications": [application.pk]}),
    ]


WRITES = {"post"}


def call(client, method, url, body):
    return getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)


def test_anonymous_callers_get_401_with_the_token_challenge_not_a_login_redirect(anonymous, calls):
    for method, url, body in calls:
        response = call(anonymous, method, url, body)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token", url


def test_a_wrong_token_is_refused(calls):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    for method, url, body in calls:
        assert call(client, method, url, body).status_code == 401, url


def test_a_user_in_no_role_gets_403_everywhere(outsider_api, calls):
    for method, url, body in calls:
        assert call(outsider_api, method, url, body).status_code == 403, url


def test_a_reader_may_read_but_neither_move_nor_send(reader_api, calls):
    for method, url, body in calls:
        status = call(reader_api, method, url, body).status_code
        if method in WRITES:
            assert status == 403, url
        elif "assessments" in url:
            assert status == 403, url  # the choices of a send, for those who may send
        else:
            assert status == 200, url
    assert Invitation.objects.filter(bulk_send__created_by__username="reader").count() == 0


@pytest.mark.parametrize("role", ["recruiter_api", "admin_api"])
def test_recruiters_and_integration_admins_reach_every_endpoint(request, role, calls):
    client = request.getfixturevalue(role)
    for method, url, body in calls:
        response = call(client, method, url, body)
        assert response.status_code in (200, 201), (url, response.content)


def test_a_signed_in_browser_session_works_and_its_writes_need_the_csrf_token(recruiter, job):
    application = ApplicationFactory(job=job)
    browser = Client(enforce_csrf_checks=True)
    browser.login(username=recruiter.username, password=PASSWORD)
    assert browser.get(reverse("api:job-list")).status_code == 200

    move = {"applications": [application.pk], "stage": job.stages.get(name="Offer").pk}
    refused = browser.post(reverse("api:move-applications"), move, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert Application.objects.get(pk=application.pk).stage.name == "Applied"


def test_the_schema_is_served_to_signed_in_callers_only(anonymous, recruiter_api):
    assert anonymous.get(reverse("api:schema")).status_code == 401
    schema = recruiter_api.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/jobs/" in schema.json()["paths"]


def test_an_unknown_id_is_a_404(recruiter_api):
    assert recruiter_api.get(reverse("api:job-detail", args=[999])).status_code == 404
    assert recruiter_api.get(reverse("api:job-applications", args=[999])).status_code == 404
    assert recruiter_api.get(reverse("api:candidate-detail", args=[999])).status_code == 404
    assert recruiter_api.get(reverse("api:bulk-send", args=[999])).status_code == 404


def test_nothing_moves_for_a_method_the_endpoint_does_not_offer(recruiter_api, job):
    assert recruiter_api.delete(reverse("api:job-detail", args=[job.pk])).status_code == 405
    assert recruiter_api.get(reverse("api:move-applications")).status_code == 405


def test_an_id_that_is_no_integer_is_a_json_404_under_the_api_only(recruiter_api, recruiter_client):
    response = recruiter_api.get("/api/v1/jobs/1.5/")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    page = recruiter_client.get("/jobs/not-a-job/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
