"""The API docs page renders in a real browser with every outside host unreachable."""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from playwright.sync_api import Page, Route, expect

from candidates.roles import INTEGRATION_ADMIN
from tests.browser.pages import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = settings.VAR_DIR / "screenshots"


def test_the_docs_page_lists_every_operation_without_a_cdn(page: Page, live_server):
    UserFactory(username="ada", role=INTEGRATION_ADMIN, is_staff=True)
    outside: list[str] = []

    def only_this_server(route: Route) -> None:
        if urlparse(route.request.url).netloc != urlparse(live_server.url).netloc:
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", only_this_server)
    log_in(page, f"{live_server.url}/api/docs/", username="ada")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15_000)
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/bulk-sends/preview/")
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/interviews/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "api-docs.png")
    assert outside == []
