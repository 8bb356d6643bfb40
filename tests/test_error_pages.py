"""With debug off, 403, 404, 500 and a CSRF failure answer in the app's layout with a way back."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import include, path, reverse

from tests.factories import PASSWORD, JobFactory

pytestmark = pytest.mark.django_db


@login_not_required
def broken_view(request):
    raise RuntimeError("a bug")


# This module doubles as the URLconf of the 500 test: the app's routes plus one that raises.
urlpatterns = [path("broken/", broken_view), path("", include("config.urls"))]


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def page(response) -> str:
    return response.content.decode()


def test_a_missing_page_says_so_in_the_layout_with_a_way_back(recruiter_client):
    job = JobFactory()
    missing = recruiter_client.get(f"/jobs/{job.pk + 1000}/", HTTP_REFERER=f"http://testserver/jobs/{job.pk}/")
    assert missing.status_code == 404
    html = page(missing)
    assert "Page not found" in html
    assert f"There is nothing at <code>/jobs/{job.pk + 1000}/</code>" in html
    assert 'class="topbar"' in html and "Log out" in html  # the app's layout, signed in
    assert f'href="http://testserver/jobs/{job.pk}/">Back to the previous page' in html
    assert f'href="{reverse("candidates:job-list")}">Go to the jobs list' in html


def test_a_page_the_role_may_not_open_names_the_account(recruiter_client, recruiter):
    refused = recruiter_client.get(reverse("status"))
    assert refused.status_code == 403
    html = page(refused)
    assert "You may not open this page" in html
    assert f"Your account ({recruiter.username}) does not have the role this page needs." in html
    assert "Back to the previous page" not in html  # no Referer: only the jobs list
    assert f'href="{reverse("candidates:job-list")}">Go to the jobs list' in html


def test_a_server_error_answers_a_page_of_its_own(settings):
    settings.ROOT_URLCONF = __name__
    failed = Client(raise_request_exception=False).get("/broken/")
    assert failed.status_code == 500
    html = page(failed)
    assert "Something went wrong on our side" in html
    assert "Hiring integrations" in html
    assert 'href="/">Go to the jobs list' in html
    assert "RuntimeError" not in html and "a bug" not in html


def test_a_form_posted_without_its_csrf_token_is_refused_in_words(recruiter):
    browser = Client(enforce_csrf_checks=True)
    browser.login(username=recruiter.username, password=PASSWORD)
    refused = browser.post(reverse("logout"), HTTP_REFERER="http://testserver/jobs/")
    assert refused.status_code == 403
    html = page(refused)
    assert "The form was not sent" in html
    assert "Nothing was changed" in html
    assert "Debug mode" not in html and "CSRF cookie" not in html
    assert 'href="http://testserver/jobs/">Back to the previous page' in html
    # Still signed in: the refused logout did nothing.
    assert browser.get(reverse("candidates:job-list")).status_code == 200


def test_in_debug_mode_the_csrf_page_also_gives_djangos_reason(recruiter, settings):
    settings.DEBUG = True
    browser = Client(enforce_csrf_checks=True)
    browser.login(username=recruiter.username, password=PASSWORD)
    refused = browser.post(reverse("logout"))
    assert "The form was not sent" in page(refused)
    assert "Debug mode: CSRF cookie not set." in page(refused)
