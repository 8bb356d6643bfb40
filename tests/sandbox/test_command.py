"""`manage.py sandbox`: at start, each simulated vendor's webhooks go to the account of this app that uses it."""

import pytest

from integrations.management.commands.sandbox import Command
from integrations.sandbox.server import SandboxApp
from tests.factories import VendorAccountFactory

pytestmark = pytest.mark.django_db
URL = "http://127.0.0.1:8765"


def test_webhooks_go_to_the_accounts_that_use_the_sandbox():
    app = SandboxApp(base_url=URL)
    hireflix = VendorAccountFactory(vendor="hireflix", base_url=f"{URL}/hireflix")
    intervue = VendorAccountFactory(vendor="intervue", base_url=f"{URL}/intervue", webhook_secret="s3cret")
    VendorAccountFactory(vendor="wedgehr", base_url=f"{URL}/wedgehr")  # sends no webhooks
    VendorAccountFactory(vendor="hireflix", name="Production")  # the real vendor: not the sandbox's business

    lines = Command()._point_webhooks_at_accounts(app, URL)

    assert lines == [f"Hireflix webhooks go to {hireflix}", f"intervue.io webhooks go to {intervue}"]
    assert app.hub.vendors["hireflix"].webhook.url == hireflix.webhook_url()
    assert (app.hub.vendors["intervue"].webhook.url, app.hub.vendors["intervue"].webhook.secret) == (
        intervue.webhook_url(),
        "s3cret",
    )
    assert app.hub.vendors["wedgehr"].webhook is None
