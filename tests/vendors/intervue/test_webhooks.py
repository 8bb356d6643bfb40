"""The shared webhook security cases for intervue.io: HMAC-SHA256 of the raw body with the account's secret."""

import pytest

from integrations.models import WebhookEvent
from integrations.sandbox.intervue.webhooks import sign
from tests.vendors.webhook_cases import WebhookSecurityCases


class TestWebhookSecurity(WebhookSecurityCases):
    vendor = "intervue"
    forged_status = 401
    forged_verdict = WebhookEvent.Verdict.BAD_SIGNATURE
    dated_fixture = "requested.json"

    def signed(self, account, body):
        return self.url(account), {"X-Intervue-Signature": sign(body, account.webhook_secret, "hex")}

    def forged(self, account, body):
        return self.url(account), {"X-Intervue-Signature": sign(body, "a-guessed-secret", "hex")}

    def unsigned(self, account, body):
        return self.url(account), {}

    def unknown_event(self):
        return {"status": "interview_exploded", "interviewId": "abc"}

    @pytest.mark.parametrize("key", ["raw", "base64url-decoded"])
    @pytest.mark.parametrize("encoding", ["hex", "base64", "base64url"])
    def test_both_documented_keys_in_every_encoding_are_accepted(self, client, account, key, encoding):
        body = self.body()
        headers = {"X-Intervue-Signature": sign(body, account.webhook_secret, encoding, key)}
        assert self.post(client, (self.url(account), headers), body).status_code == 200

    def test_the_decoded_key_of_a_guessed_secret_is_refused(self, client, account):
        body = self.body()
        headers = {"X-Intervue-Signature": sign(body, "a-guessed-secret", "base64url", "base64url-decoded")}
        assert self.post(client, (self.url(account), headers), body).status_code == 401
