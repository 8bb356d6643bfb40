"""The security cases every vendor's inbound webhooks must pass, through the real endpoint.

Subclass ``WebhookSecurityCases`` in ``tests/vendors/<vendor>/test_webhooks.py``: name the vendor,
say how its deliveries are signed (``signed``) and how a forger or a careless sender gets it
wrong (``forged``, ``unsigned``), the way django-anymail's webhook test cases are shared. The
vendor's documented payloads are the JSON files in ``tests/vendors/<vendor>/fixtures/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.test import Client
from django.urls import reverse

from integrations.models import VendorAccount, WebhookEvent
from integrations.tasks import apply_pending_webhooks
from tests.factories import VendorAccountFactory

SECRET = "whsec-security-cases"
Verdict = WebhookEvent.Verdict


class WebhookSecurityCases:
    vendor: ClassVar[str]
    forged_status: ClassVar[int]  # what a forged delivery is answered with
    forged_verdict: ClassVar[str]  # and how it is stored

    # --- per vendor ----------------------------------------------------------------------------
    def signed(self, account: VendorAccount, body: bytes) -> tuple[str, dict[str, str]]:
        """Where and with which headers the vendor itself would post ``body``."""
        raise NotImplementedError

    def forged(self, account: VendorAccount, body: bytes) -> tuple[str, dict[str, str]]:
        """What someone without the account's secret can send."""
        raise NotImplementedError

    def unsigned(self, account: VendorAccount, body: bytes) -> tuple[str, dict[str, str]]:
        """The delivery with its credential left out."""
        raise NotImplementedError

    def unknown_event(self) -> dict[str, Any]:
        raise NotImplementedError

    dated_fixture: ClassVar[str]  # a documented payload that says when it happened

    # --- shared --------------------------------------------------------------------------------
    @pytest.fixture
    def account(self, db: Any) -> VendorAccount:
        return VendorAccountFactory(vendor=self.vendor, webhook_secret=SECRET)

    def fixtures(self) -> list[Path]:
        found = sorted((Path(__file__).parent / self.vendor / "fixtures").glob("*.json"))
        assert found, f"no documented {self.vendor} payloads"
        return found

    def url(self, account: VendorAccount, token: str | None = None) -> str:
        token = account.webhook_token if token is None else token
        return reverse("integrations:webhook", kwargs={"vendor": account.vendor, "token": token})

    def post(self, client: Client, where: tuple[str, dict[str, str]], body: bytes) -> Any:
        url, headers = where
        return client.post(url, data=body, content_type="application/json", headers=headers)

    def stored(self, verdict: str) -> int:
        return WebhookEvent.objects.filter(verdict=verdict).count()

    def body(self) -> bytes:
        return self.fixtures()[0].read_bytes()

    # --- the cases -----------------------------------------------------------------------------
    def test_every_documented_payload_is_accepted_and_stored(
        self, client, account, django_capture_on_commit_callbacks, settings
    ):
        settings.WEBHOOK_MAX_EVENT_AGE_DAYS = 36_500  # the documents' examples are years old
        accepted = 0
        with django_capture_on_commit_callbacks() as applies:
            for path in self.fixtures():
                body = path.read_bytes()
                answer = self.post(client, self.signed(account, body), body)
                assert answer.status_code == 200, (path.name, answer.content)
                accepted += answer.json()["accepted"]
        assert accepted >= len(self.fixtures())
        assert self.stored(Verdict.ACCEPTED) == accepted
        assert applies == []  # the request publishes nothing: the stored rows are the sweep's work
        assert apply_pending_webhooks() == accepted  # each applied once
        assert apply_pending_webhooks() == 0

    def test_a_forged_delivery_is_refused_and_kept(self, client, account):
        body = self.body()
        answer = self.post(client, self.forged(account, body), body)
        assert answer.status_code == self.forged_status and "error" in answer.json()
        event = WebhookEvent.objects.get()
        assert (event.verdict, event.update) == (self.forged_verdict, None)
        assert event.body == body.decode()

    def test_a_delivery_without_its_credential_is_refused_and_kept(self, client, account):
        body = self.body()
        answer = self.post(client, self.unsigned(account, body), body)
        assert answer.status_code in (401, 404)
        assert WebhookEvent.objects.get().verdict in (Verdict.BAD_SIGNATURE, Verdict.UNKNOWN_ACCOUNT)

    def test_a_disabled_account_takes_no_delivery(self, client, account):
        account.enabled = False
        account.save()
        body = self.body()
        assert self.post(client, self.signed(account, body), body).status_code == 404
        assert self.stored(Verdict.UNKNOWN_ACCOUNT) == 1

    def test_a_replay_is_kept_as_a_duplicate_and_applied_once(
        self, client, account, django_capture_on_commit_callbacks
    ):
        body = self.body()
        with django_capture_on_commit_callbacks() as applies:
            first = self.post(client, self.signed(account, body), body)
            again = self.post(client, self.signed(account, body), body)
        assert first.status_code == again.status_code == 200
        assert again.json()["accepted"] == 0 and again.json()["duplicates"] == first.json()["accepted"]
        assert self.stored(Verdict.ACCEPTED) == first.json()["accepted"] == len(applies)
        assert self.stored(Verdict.DUPLICATE) == again.json()["duplicates"]

    @pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2, 3]", b'{"unclosed": '])
    def test_a_malformed_body_is_a_400_and_kept(self, client, account, body):
        answer = self.post(client, self.signed(account, body), body)
        assert answer.status_code == 400 and answer.json()["error"]
        event = WebhookEvent.objects.get()
        assert event.verdict == Verdict.MALFORMED and event.error

    def test_an_unknown_event_is_a_400_naming_it(self, client, account):
        payload = self.unknown_event()
        body = json.dumps(payload).encode()
        answer = self.post(client, self.signed(account, body), body)
        assert answer.status_code == 400
        assert "interview.exploded" in answer.json()["error"] or "interview_exploded" in answer.json()["error"]
        assert WebhookEvent.objects.get().verdict == Verdict.MALFORMED

    def test_an_unknown_account_token_is_a_404(self, client, account):
        body = self.body()
        _, headers = self.signed(account, body)
        answer = self.post(client, (self.url(account, token="no-such-token"), headers), body)
        assert answer.status_code == 404
        assert self.stored(Verdict.UNKNOWN_ACCOUNT) == 1

    def test_an_event_older_than_the_replay_window_is_kept_with_its_reason_and_never_applied(
        self, client, account, django_capture_on_commit_callbacks
    ):
        body = (Path(__file__).parent / self.vendor / "fixtures" / self.dated_fixture).read_bytes()
        with django_capture_on_commit_callbacks() as applies:
            answer = self.post(client, self.signed(account, body), body)
        assert answer.status_code == 200  # a 2xx: the vendor's retrying it would change nothing
        assert answer.json() == {"accepted": 0, "duplicates": 0, "stale": 1}
        event = WebhookEvent.objects.get()
        assert event.verdict == Verdict.STALE and "older than the 5-day replay window" in event.error
        assert not applies and event.processed_at is None
