"""Whatever arrives at a webhook URL, the answer is never a 5xx and what is kept stores anywhere.

Each case is posted to every kind of webhook URL: a signed intervue.io account, a Hireflix
account's URL, an unknown token and an unknown vendor. The checks on what is kept stand in
for PostgreSQL, which refuses a NUL in text and jsonb where SQLite would take it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from integrations.models import WebhookEvent
from integrations.sandbox.intervue.webhooks import sign
from tests.factories import VendorAccountFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent.parent / "vendors"
SCHEDULED = (FIXTURES / "intervue/fixtures/scheduled.json").read_bytes()
COMPLETED = (FIXTURES / "intervue/fixtures/completed.json").read_bytes()
FINISH = (FIXTURES / "hireflix/fixtures/interview.finish.json").read_bytes()


def nested(depth: int) -> bytes:
    return b'{"status": ' + b"[" * depth + b"]" * depth + b"}"


HOSTILE = {
    "raw NUL byte": b'{"status": "completed",\x00 "interviewId": "x"}',
    "escaped NUL in a string": b'{"status": "completed\\u0000", "interviewId": "x\\u0000"}',
    "NUL in a key": b'{"status\\u0000": "completed"}',
    "invalid UTF-8": b'{"status": "\xff\xfe completed"}',
    "lone surrogate": b'{"status": "\\ud800"}',
    "nested 100,000 deep": nested(100_000),
    "nested 200 deep": nested(200),
    "a number of 5,000 digits": b'{"status": 1' + b"0" * 5000 + b"}",
    "an infinite number": b'{"status": 1e999}',
    "NaN": b'{"status": NaN}',
    "a 300 KB string": b'{"status": "' + b"a" * 300_000 + b'"}',
}
OVERSIZED = b'{"status": "' + b"a" * 1_000_001 + b'"}'


@pytest.fixture
def urls(db):
    """(url, headers for a body) of every kind of webhook URL."""
    intervue = VendorAccountFactory(vendor="intervue", webhook_secret="whsec-fuzz")
    hireflix = VendorAccountFactory(vendor="hireflix")

    def at(vendor, token):
        return reverse("integrations:webhook", kwargs={"vendor": vendor, "token": token})

    return {
        "intervue": (
            at("intervue", intervue.webhook_token),
            lambda body: {"X-Intervue-Signature": sign(body, "whsec-fuzz", "hex")},
        ),
        "hireflix": (at("hireflix", hireflix.webhook_token), lambda body: {}),
        "unknown token": (at("hireflix", "no-such-token"), lambda body: {}),
        "unknown vendor": (at("nobody\x00", "no-such-token"), lambda body: {}),
    }


def post(client, target, body, **extra):
    url, sign_for = target
    return client.post(url, data=body, content_type="application/json", headers={**sign_for(body), **extra})


def strings(value):
    if isinstance(value, dict):
        return [*value, *(s for v in value.values() for s in strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def assert_kept_safely():
    for event in WebhookEvent.objects.all():
        kept = strings([event.vendor, event.body, event.error, event.headers, event.update])
        assert not any("\x00" in text for text in kept), event.verdict


@pytest.mark.parametrize("where", ["intervue", "hireflix", "unknown token", "unknown vendor"])
@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_bytes_are_a_400_and_kept_safely(client, urls, where, case):
    answer = post(client, urls[where], HOSTILE[case])
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]
    assert WebhookEvent.objects.count() == 1
    assert_kept_safely()


@pytest.mark.parametrize("where", ["intervue", "hireflix", "unknown token", "unknown vendor"])
def test_a_body_over_the_limit_is_a_413(client, urls, where):
    assert post(client, urls[where], OVERSIZED).status_code == 413


def test_the_size_limit_is_a_setting(client, urls, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 100
    assert post(client, urls["intervue"], SCHEDULED).status_code == 413
    settings.WEBHOOK_MAX_BODY_BYTES = 10_000
    assert post(client, urls["intervue"], SCHEDULED).status_code == 200


@pytest.mark.parametrize("where", ["intervue", "hireflix", "unknown token", "unknown vendor"])
def test_hostile_headers_are_kept_escaped(client, urls, where):
    answer = post(client, urls[where], SCHEDULED, **{"X-Evil\x00": "a\x00b\udcff", "X-Long": "x" * 10_000})
    assert answer.status_code < 500
    assert_kept_safely()


SEQUENCES = {
    "forged": [("intervue", SCHEDULED, {"X-Intervue-Signature": "0" * 64})],
    "signature of another body": [
        ("intervue", SCHEDULED, {"X-Intervue-Signature": sign(COMPLETED, "whsec-fuzz", "hex")})
    ],
    "garbage signature": [("intervue", SCHEDULED, {"X-Intervue-Signature": "\u00ff=%%=" * 50})],
    "replayed": [("intervue", SCHEDULED, {})] * 3 + [("hireflix", FINISH, {})] * 3,
    "out of order": [("intervue", COMPLETED, {}), ("intervue", SCHEDULED, {})],
    "malformed": [
        ("intervue", b"{}", {}),
        ("intervue", b"[]", {}),
        ("hireflix", b'{"event": 1}', {}),
        ("hireflix", b"", {}),
    ],
    "truncated": [("intervue", SCHEDULED[:40], {}), ("hireflix", FINISH[:40], {})],
}


@pytest.mark.parametrize("case", SEQUENCES)
def test_forged_replayed_malformed_and_out_of_order_deliveries_never_5xx(client, urls, case):
    for where, body, headers in SEQUENCES[case]:
        answer = post(client, urls[where], body, **headers)
        assert 200 <= answer.status_code < 500, (where, answer.status_code, answer.content)
    assert_kept_safely()
