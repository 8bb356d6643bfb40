"""The recruiter's day in a real browser: log in, find candidates, move them, read the history."""

import re

import pytest
from playwright.sync_api import Page, expect

from candidates.roles import RECRUITER
from tests.browser.pages import log_in
from tests.factories import PASSWORD, ApplicationFactory, CandidateFactory, JobFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pipeline():
    job = JobFactory(title="Site Reliability Engineer")
    for last_name in ("Okafor", "Okafor", "Lindqvist"):
        ApplicationFactory(job=job, candidate=CandidateFactory(last_name=last_name))
    UserFactory(username="riley", first_name="Riley", last_name="Reed", role=RECRUITER)
    return job


def test_recruiter_searches_moves_and_reads_the_history(page: Page, live_server, pipeline):
    page.goto(f"{live_server.url}/jobs/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill("riley")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Site Reliability Engineer").click()
    expect(page.locator("tbody tr")).to_have_count(3)

    # The search narrows the table in place (htmx) and keeps the URL shareable.
    page.get_by_placeholder("Name or email").fill("okafor")
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=okafor"))

    page.get_by_label("Select all on this page").check()
    page.locator("select[name=stage]").select_option(label="Video interview")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_role("status")).to_have_text("Moved 2 applications to Video interview.")

    page.get_by_role("link", name=re.compile("Okafor")).first.click()
    expect(page.locator(".timeline li")).to_contain_text(["Applied → Video interview by Riley Reed"])


def test_recruiter_sends_an_assessment_to_everyone_matching(page: Page, live_server, pipeline, sandbox, monkeypatch):
    from integrations import services
    from integrations.tasks import send_invitations
    from tests.factories import VendorAccountFactory

    # The page is under test here, not the sending (tests/integrations): record the batches it enqueues
    # rather than have a worker still sending while the test database is torn down.
    enqueued = []
    monkeypatch.setattr(send_invitations, "delay", enqueued.append)

    account = VendorAccountFactory(vendor="hireflix", name="Hireflix", base_url=sandbox.url_for("hireflix"))
    services.sync_catalog(account)
    log_in(page, f"{live_server.url}/jobs/{pipeline.pk}/?q=okafor")

    page.get_by_label("all 2 matching").check()
    page.get_by_role("button", name="Send assessment…").click()
    page.get_by_label("Assessment to send").select_option(index=1)
    page.get_by_role("button", name="Send to 2 candidates").click()

    expect(page.get_by_role("status")).to_contain_text("to 2 candidates")
    expect(page.locator("#progress [data-count=queued]")).to_have_text("2")
    assert [len(batch) for batch in enqueued] == [2]
