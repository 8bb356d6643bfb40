"""The integration admin's console in a real browser: typed keys tested in place, the webhook URL copied,
the stage mapping page within a 1,366 px screen."""

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from candidates.roles import INTEGRATION_ADMIN
from integrations import services
from integrations.demo import ACCOUNTS
from tests.browser.pages import log_in
from tests.factories import JobFactory, UserFactory, VendorAccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = settings.VAR_DIR / "screenshots"


@pytest.fixture
def accounts(sandbox):
    UserFactory(username="ada", role=INTEGRATION_ADMIN, is_staff=True)
    made = {}
    for vendor in ACCOUNTS:
        for name in ("Acme US", "Acme EU"):
            account = VendorAccountFactory(
                vendor=vendor, name=name, base_url=sandbox.url_for(vendor), credentials=dict(ACCOUNTS[vendor])
            )
            services.sync_catalog(account)
            made[vendor, name] = account
    return made


def test_keys_typed_are_tested_in_place_and_the_webhook_url_copies(page: Page, live_server, accounts):
    SHOTS.mkdir(parents=True, exist_ok=True)
    account = accounts["hireflix", "Acme US"]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, f"{live_server.url}/admin/integrations/vendoraccount/{account.pk}/change/", username="ada")

    page.get_by_label("API key").fill("a-key-someone-mistyped")
    page.get_by_role("button", name="Test the keys typed above").click()
    result = page.locator("#typed-check")
    expect(result).to_contain_text("The typed keys do not work. Hireflix refused the key")
    expect(page.get_by_label("API key")).to_have_value("a-key-someone-mistyped")  # nothing was thrown away

    page.get_by_label("API key").fill(ACCOUNTS["hireflix"]["api_key"])
    page.get_by_role("button", name="Test the keys typed above").click()
    expect(result).to_contain_text("The typed keys work. Connected to Hireflix")

    page.get_by_role("button", name="Copy", exact=True).click()
    assert page.evaluate("navigator.clipboard.readText()") == account.webhook_url()
    expect(page.locator(".field-recent_deliveries")).to_contain_text("has not posted to this address yet")
    page.screenshot(path=SHOTS / "admin-account.png", full_page=True)


def test_the_stage_mapping_page_fits_a_laptop_screen_with_choices_grouped_by_account(page: Page, live_server, accounts):
    job = JobFactory(title="Support Engineer")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, f"{live_server.url}/admin/integrations/stageassessment/job/{job.pk}/", username="ada")
    select = page.locator('select[name$="-assessment"]').first
    expect(select).to_be_visible()
    groups = select.locator("optgroup").evaluate_all("(gs) => gs.map((g) => g.label)")
    assert "Hireflix · Acme EU" in groups and "Hireflix · Acme US" in groups and "WedgeHR · Acme US" in groups
    page.screenshot(path=SHOTS / "admin-stage-mapping.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_the_status_page_names_a_refused_key_and_fits_a_laptop(page: Page, live_server, accounts):
    refused = accounts["wedgehr", "Acme EU"]
    refused.credentials = {"api_token": "revoked"}
    refused.save()
    services.check_connection(refused)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, f"{live_server.url}/status/", username="ada")
    expect(page.get_by_text("WedgeHR · Acme EU").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("WedgeHR refused the key")
    page.screenshot(path=SHOTS / "status-page.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
