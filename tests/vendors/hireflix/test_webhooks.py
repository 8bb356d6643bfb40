"""The shared webhook security cases for Hireflix, which signs nothing: the URL's token is the credential."""

import json

from integrations.models import WebhookEvent
from tests.vendors.webhook_cases import WebhookSecurityCases


class TestWebhookSecurity(WebhookSecurityCases):
    vendor = "hireflix"
    forged_status = 404
    forged_verdict = WebhookEvent.Verdict.UNKNOWN_ACCOUNT
    dated_fixture = "interview.finish.json"

    def signed(self, account, body):
        return self.url(account), {}

    def forged(self, account, body):
        # Hireflix has no signature to forge: a guessed URL token is all a forger has.
        return self.url(account, token=account.webhook_token[:-2] + "xx"), {"X-Hireflix-Signature": "forged"}

    def unsigned(self, account, body):
        return self.url(account, token="-"), {}

    def unknown_event(self):
        payload = json.loads(self.body())
        return {**payload, "event": "interview.exploded"}
