"""What an unauthenticated sender can make us store, and how often it is listened to."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrations.models import WebhookEvent
from integrations.sandbox.intervue.webhooks import sign
from tests.factories import VendorAccountFactory

pytestmark = pytest.mark.django_db

BIG = (
    b'{"status": "completed", "interviewId": "x", "padding": [' + b",".join([b'"' + b"x" * 9_900 + b'"'] * 100) + b"]}"
)


def url(vendor, token):
    return reverse("integrations:webhook", kwargs={"vendor": vendor, "token": token})


def stored_bytes():
    return sum(len(e.body.encode()) for e in WebhookEvent.objects.all())


def test_deliveries_that_fail_authentication_keep_only_their_head_length_and_hash(client):
    intervue = VendorAccountFactory(vendor="intervue", webhook_secret="whsec-intake")
    forged = {"X-Intervue-Signature": sign(BIG, "guessed", "hex"), "Authorization": "Bearer stolen"}
    for _ in range(10):
        assert (
            client.post(url("intervue", intervue.webhook_token), BIG, "application/json", headers=forged).status_code
            == 401
        )
        assert client.post(url("hireflix", "guessed-token"), BIG, "application/json").status_code == 404
    assert WebhookEvent.objects.count() == 20
    assert stored_bytes() <= 20 * 4096  # not 20 MB
    event = WebhookEvent.objects.filter(verdict=WebhookEvent.Verdict.BAD_SIGNATURE).first()
    assert event.body == BIG[:4096].decode()
    assert event.body_length == len(BIG)
    assert event.body_sha256 == hashlib.sha256(BIG).hexdigest()
    assert event.headers["X-Intervue-Signature"] == forged["X-Intervue-Signature"]
    assert "Authorization" not in event.headers


def test_an_authenticated_delivery_is_kept_whole(client):
    intervue = VendorAccountFactory(vendor="intervue", webhook_secret="whsec-intake")
    signed = {"X-Intervue-Signature": sign(BIG, "whsec-intake", "hex")}
    answer = client.post(url("intervue", intervue.webhook_token), BIG, "application/json", headers=signed)
    assert answer.status_code == 400  # signed, but no requestedData: malformed, and worth keeping whole
    event = WebhookEvent.objects.get()
    assert (event.body, event.body_length) == (BIG.decode(), len(BIG))


def test_a_sender_past_the_rate_limit_is_told_to_retry_later_and_costs_no_row(client, settings):
    settings.WEBHOOK_RATE_LIMIT = "5/hour"
    flood = url("hireflix", "guessed-token")
    answers = [client.post(flood, b"{}", "application/json", REMOTE_ADDR="203.0.113.7") for _ in range(5)]
    assert [a.status_code for a in answers] == [404] * 5
    with CaptureQueriesContext(connection) as queries:
        refused = client.post(flood, b"{}", "application/json", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert not queries.captured_queries  # answered before the database is touched
    assert WebhookEvent.objects.count() == 5
    # Another sender is not held up by the first one.
    assert client.post(flood, b"{}", "application/json", REMOTE_ADDR="203.0.113.8").status_code == 404


def test_behind_a_proxy_the_address_it_forwards_is_the_one_limited(client, settings):
    settings.WEBHOOK_RATE_LIMIT = "2/hour"
    settings.WEBHOOK_CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    flood = url("hireflix", "guessed-token")

    def post(forwarded):
        # What a client claims comes first; the proxy appends the address it saw.
        headers = {"X-Forwarded-For": f"{forwarded}, 198.51.100.{forwarded[-1]}"}
        return client.post(flood, b"{}", "application/json", REMOTE_ADDR="10.0.0.1", headers=headers).status_code

    assert [post("1.1.1.1"), post("2.2.2.1"), post("3.3.3.1")] == [404, 404, 429]  # all the same sender
    assert post("4.4.4.2") == 404  # another sender behind the same proxy


def test_with_the_cache_down_deliveries_still_get_through(client, settings):
    settings.WEBHOOK_RATE_LIMIT = "5/hour"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    answer = client.post(url("hireflix", "guessed-token"), b"{}", "application/json", REMOTE_ADDR="203.0.113.9")
    assert answer.status_code == 404  # limited or not, the delivery is answered and kept
    assert WebhookEvent.objects.count() == 1
