"""Credential health as an integration admin meets it: typed keys tested in words, a refused key in a
banner everywhere, a new key that takes over only once it works."""

import pytest
from django.test import Client
from django.urls import reverse

from integrations import services
from integrations.demo import ACCOUNTS
from integrations.models import Assessment, Invitation, VendorAccount
from tests.factories import PASSWORD, ApplicationFactory, JobFactory, VendorAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wedge(sandbox):
    return VendorAccountFactory(
        vendor="wedgehr", name="Acme US", base_url=sandbox.url_for("wedgehr"), credentials=dict(ACCOUNTS["wedgehr"])
    )


def typed_check(client, account, **fields):
    url = reverse("admin:integrations_vendoraccount_test_typed", args=[account.pk])
    return client.post(url, {"base_url": account.base_url, **fields}).json()


def test_test_connection_uses_the_keys_typed_and_says_which_part_failed(integration_admin_client, sandbox, wedge):
    client = integration_admin_client
    assert typed_check(client, wedge, credential_api_token="wrong")["message"].startswith(
        "The typed keys do not work. WedgeHR refused the key:"
    )
    ok = typed_check(client, wedge, credential_api_token=ACCOUNTS["wedgehr"]["api_token"])
    assert ok == {"ok": True, "message": "The typed keys work. Connected to the WedgeHR Connect API."}

    unreachable = typed_check(client, wedge, base_url="http://127.0.0.1:9/connect/v2")
    assert unreachable["ok"] is False
    assert "http://127.0.0.1:9/connect/v2 could not be reached" in unreachable["message"]
    assert "Check the base URL" in unreachable["message"]

    unexpected = typed_check(client, wedge, base_url=f"{sandbox.url}/_control/state")
    assert unexpected["ok"] is False and "did not expect" in unexpected["message"]

    empty = VendorAccountFactory(vendor="intervue", credentials={})
    assert typed_check(client, empty)["message"] == (
        "The saved keys do not work. No keys to test: intervue.io needs the Access token and Secret key. "
        "Type them above and test again."
    )
    assert typed_check(client, wedge, base_url="not a url")["message"].startswith("The base URL is not a web address")
    wedge.refresh_from_db()
    assert wedge.credentials == ACCOUNTS["wedgehr"]  # nothing typed was stored
    assert wedge.last_checked_at is None


def change(client, account, **fields):
    url = reverse("admin:integrations_vendoraccount_change", args=[account.pk])
    data = {"name": account.name, "base_url": account.base_url, "enabled": "on", **fields}
    return [str(m) for m in client.post(url, data, follow=True).context["messages"]]


def test_a_new_key_that_fails_waits_beside_the_working_one_and_takes_over_once_it_passes(
    integration_admin_client, sandbox, wedge, run_tasks
):
    services.check_connection(wedge)
    said = " ".join(change(integration_admin_client, wedge, credential_api_token="rotated-key"))
    assert "the new keys were not put in use, the current ones still are" in said
    wedge.refresh_from_db()
    assert wedge.credentials == ACCOUNTS["wedgehr"] and wedge.pending_credentials == {"api_token": "rotated-key"}

    # Sends keep going on the working key meanwhile.
    services.sync_catalog(wedge)
    application = ApplicationFactory()
    run_tasks(services.request_invitations, [application], Assessment.objects.filter(account=wedge).first())
    assert Invitation.objects.get(application=application).state == "invited"

    # The vendor starts accepting the new key: the next check puts it in use.
    sandbox.app.hub.vendors["wedgehr"].credentials = {"api_key": "rotated-key"}
    assert services.check_connection(wedge).ok
    wedge.refresh_from_db()
    assert (wedge.credentials, wedge.pending_credentials) == ({"api_token": "rotated-key"}, {})


def test_a_key_the_vendor_refuses_shows_in_a_banner_on_admin_pages_and_in_the_send_dialog(
    integration_admin_client, recruiter, sandbox, wedge
):
    recruiter_client = Client()
    recruiter_client.login(username=recruiter.username, password=PASSWORD)
    wedge.credentials = {"api_token": "revoked"}
    wedge.save()
    assert not services.check_connection(wedge).ok
    assert list(services.refused_accounts()) == [VendorAccount.objects.get(pk=wedge.pk)]

    answer = integration_admin_client.get(reverse("admin:index"))
    assert answer.status_code == 200, answer
    admin_page = answer.content.decode()
    assert "WedgeHR · Acme US</strong>: WedgeHR refused the key" in admin_page
    assert reverse("admin:integrations_vendoraccount_change", args=[wedge.pk]) in admin_page

    job = ApplicationFactory(job=JobFactory()).job
    dialog = recruiter_client.get(job.get_absolute_url()).content.decode()
    assert "WedgeHR · Acme US</strong>: WedgeHR refused the key" in dialog
    assert "until an integration admin enters a working key" in dialog

    wedge.credentials = dict(ACCOUNTS["wedgehr"])
    wedge.save()
    services.check_connection(wedge)
    assert "refused the key" not in integration_admin_client.get(reverse("admin:index")).content.decode()


def test_a_send_refused_for_its_key_marks_the_account_at_once(sandbox, wedge, run_tasks):
    services.sync_catalog(wedge)
    services.check_connection(wedge)
    sandbox.app.hub.vendors["wedgehr"].credentials = {"api_key": "someone-revoked-it"}
    application = ApplicationFactory()
    run_tasks(services.request_invitations, [application], Assessment.objects.filter(account=wedge).first())
    assert Invitation.objects.get(application=application).state == "failed"
    wedge.refresh_from_db()
    assert (wedge.last_check_ok, wedge.last_check_problem) == (False, "refused")
    assert "WedgeHR refused the key" in wedge.last_failure
