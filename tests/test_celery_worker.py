"""A task sent from Django is run by a real Celery worker, over the configured broker."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from config.celery_app import app
from config.tasks import HEARTBEAT_KEY, heartbeat
from tests.waiting import wait_for


def test_the_broker_is_the_one_the_environment_asks_for():
    expected = "redis://" if os.environ.get("REQUIRE_SERVICES") == "1" else "filesystem://"
    assert settings.CELERY_BROKER_URL.startswith(expected)
    assert app.conf.broker_url.startswith(expected)


@pytest.mark.django_db
def test_a_worker_runs_the_heartbeat_and_the_status_page_sees_it(celery_worker_thread, integration_admin_client):
    cache.delete(HEARTBEAT_KEY)
    assert "Not running" in integration_admin_client.get(reverse("status")).content.decode()

    heartbeat.delay()

    assert wait_for(lambda: cache.get(HEARTBEAT_KEY) is not None), "no worker consumed the heartbeat task"
    assert "Running" in integration_admin_client.get(reverse("status")).content.decode()
