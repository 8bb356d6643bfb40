"""The shared webhook security cases for intervue.io: HMAC-SHA256 of the raw body with the account's secret."""

from integrations.models import WebhookEvent
from integrations.sandbox.intervue.webhooks import sign
from tests.vendors.webhook_cases import WebhookSecurityCases


class TestWebhookSecurity(WebhookSecurityCases):
    vendor = "intervue"
    forged_status = 401
    forged_verdict = WebhookEvent.Verdict.BAD_SIGNATURE

    def signed(self, account, body):
        return self.url(account), {"X-Intervue-Signature": sign(body, account.webhook_secret, "hex")}

    def forged(self, account, body):
        return self.url(account), {"X-Intervue-Signature": sign(body, "a-guessed-secret", "hex")}

    def unsigned(self, account, body):
        return self.url(account), {}

    def unknown_event(self):
        return {"status": "interview_exploded", "interviewId": "abc"}
