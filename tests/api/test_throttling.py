"""Requests per API token are limited: past the rate, a 429 says how long to wait."""

import pytest
from django.urls import reverse

from config.api import TokenRateThrottle
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class FakeClock:
    """The throttle's clock, moved by hand instead of waiting."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(TokenRateThrottle, "timer", fake)
    return fake


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/min"}}


def test_past_the_rate_a_token_gets_429_with_retry_after_until_the_window_passes(three_a_minute, clock, recruiter_api):
    url = reverse("api:job-list")
    assert [recruiter_api.get(url).status_code for _ in range(3)] == [200, 200, 200]

    refused = recruiter_api.get(url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 60
    assert refused.json() == {"detail": "Request was throttled. Expected available in 60 seconds."}

    clock.now += 30
    assert int(recruiter_api.get(url)["Retry-After"]) == 30
    clock.now += 31
    assert recruiter_api.get(url).status_code == 200


def test_each_token_has_its_own_allowance(three_a_minute, clock, recruiter, recruiter_api):
    url = reverse("api:job-list")
    for _ in range(3):
        recruiter_api.get(url)
    assert recruiter_api.get(url).status_code == 429
    # Another token, even of the same user, is counted apart; so is another user's.
    assert token_client(UserFactory(username="second", role="Recruiter")).get(url).status_code == 200


def test_every_endpoint_counts_against_the_same_allowance(three_a_minute, clock, recruiter_api, job):
    recruiter_api.get(reverse("api:job-list"))
    recruiter_api.get(reverse("api:job-detail", args=[job.pk]))
    recruiter_api.get(reverse("api:interview-list"))
    assert recruiter_api.get(reverse("api:invitation-list")).status_code == 429


def test_an_empty_rate_turns_throttling_off(settings, clock, recruiter_api):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": None}}
    assert {recruiter_api.get(reverse("api:job-list")).status_code for _ in range(20)} == {200}
