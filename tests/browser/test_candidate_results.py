"""A candidate's results from the three vendors, in one layout, in a real browser: videos play, transcripts show."""

import pytest
from django.conf import settings
from playwright.sync_api import Locator, Page, expect

from candidates.roles import RECRUITER
from integrations import services
from integrations.models import Assessment, AssessmentKind, Invitation
from tests.browser.pages import log_in
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    JobFactory,
    UserFactory,
    VendorAccountFactory,
)
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = settings.VAR_DIR / "screenshots"
VENDOR_KINDS = {
    "hireflix": AssessmentKind.POSITION,
    "wedgehr": AssessmentKind.VIDEO_INTERVIEW,
    "intervue": AssessmentKind.HOME_ASSIGNMENT,
}


@pytest.fixture
def completed(sandbox, sandbox_clock, eager_tasks, settings) -> dict[str, Invitation]:
    """Noor finished one assessment at each vendor; the app has heard of it."""
    settings.WEBHOOK_OVERDUE_AFTER = 0  # learn it by polling, without waiting for a webhook
    candidate = CandidateFactory(first_name="Noor", last_name="Haddad")
    sandbox.app.hub.auto_complete_seconds = 10
    sent = {}
    for vendor, kind in VENDOR_KINDS.items():
        account = VendorAccountFactory(vendor=vendor, name=f"{vendor} main", base_url=sandbox.url_for(vendor))
        services.sync_catalog(account)
        assessment = Assessment.objects.filter(account=account, kind=kind, active=True).order_by("pk").first()
        application = ApplicationFactory(job=JobFactory(title=f"Engineer ({vendor})"), candidate=candidate)
        services.request_invitations([application], assessment)
        sent[vendor] = Invitation.objects.get(application=application)
        assert sent[vendor].state == "invited", sent[vendor].last_error
    sandbox_clock.advance(11)  # the sandbox's scheduler thread completes them; the next poll learns it
    for invitation in sent.values():

        def learned(invitation: Invitation = invitation) -> bool:
            services.poll_account(invitation.assessment.account)
            invitation.refresh_from_db()
            return invitation.state in ("completed", "reviewed")

        assert wait_for(learned, seconds=15), (invitation, invitation.state)
    UserFactory(username="riley", role=RECRUITER)
    return sent


def open_results(page: Page, invitation: Invitation) -> Locator:
    card = page.locator(f"#invitation-{invitation.pk}")
    card.get_by_role("button", name="View results").click()
    results = card.locator(".results-panel")
    expect(results).to_be_visible()
    return card


def plays(video: Locator) -> bool:
    """The video loads, and its time moves once it plays (muted, as a browser allows without a gesture)."""
    return video.evaluate(
        """async (v) => {
            v.muted = true;
            await v.play();
            const start = v.currentTime;
            await new Promise((done) => setTimeout(done, 600));
            return v.readyState >= 2 && v.currentTime > start;
        }"""
    )


def test_view_results_plays_each_vendors_video_with_its_transcript(page: Page, live_server, completed, sandbox):
    SHOTS.mkdir(parents=True, exist_ok=True)
    candidate = completed["hireflix"].application.candidate
    log_in(page, f"{live_server.url}{candidate.get_absolute_url()}")

    # The loading line shows while the vendor answers, and is gone once it has.
    sandbox.app.hub.vendors["hireflix"].faults.latency_ms = 1000
    hireflix = page.locator(f"#invitation-{completed['hireflix'].pk}")
    hireflix.get_by_role("button", name="View results").click()
    expect(hireflix.get_by_role("status")).to_have_text("Fetching the results from Hireflix…")
    expect(hireflix.locator(".results-panel")).to_be_visible()
    expect(hireflix.locator(".loading")).to_be_hidden()
    sandbox.app.hub.vendors["hireflix"].faults.latency_ms = 0

    # Hireflix: a share link on the sandbox's host, every answer's video and its transcript.
    videos = hireflix.locator("video")
    assert videos.count() >= 1
    assert plays(videos.first)
    expect(hireflix.locator(".transcript").first).to_contain_text("Hi, I'm Noor.")
    share = hireflix.get_by_role("link", name="Hireflix shared interview")
    assert share.get_attribute("href").startswith(sandbox.url)
    page.screenshot(path=SHOTS / "candidate-results-hireflix.png", full_page=True)

    # intervue: the test report and its playback, which plays too.
    intervue = open_results(page, completed["intervue"])
    expect(intervue.get_by_role("link", name="Test report")).to_be_visible()
    assert plays(intervue.locator("video").first)

    # WedgeHR gives a result page, not a video: the panel says so, and the page plays the video.
    wedge = open_results(page, completed["wedgehr"])
    result = wedge.get_by_role("link", name="Interview results")
    expect(wedge).to_contain_text("WedgeHR gives no video to play here")
    page.screenshot(path=SHOTS / "candidate-results-all.png", full_page=True)
    with page.context.expect_page() as opened:
        result.click()
    result_page = opened.value
    assert plays(result_page.locator("video"))
    result_page.close()

    # Vendor words are a small detail beside the plain state.
    expect(wedge.locator(".badge").first).to_have_text("Completed")
    expect(wedge.locator(".invitation-head .vendor-word")).to_contain_text("WedgeHR:")

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SHOTS / "candidate-results-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_vendor_that_fails_is_said_in_words_with_a_way_to_try_again(page: Page, live_server, completed, sandbox):
    candidate = completed["hireflix"].application.candidate
    log_in(page, f"{live_server.url}{candidate.get_absolute_url()}")

    sandbox.app.hub.vendors["intervue"].faults.error_rate = 1.0
    card = page.locator(f"#invitation-{completed['intervue'].pk}")
    card.get_by_role("button", name="View results").click()
    failed = card.locator(".results-failed")
    expect(failed).to_contain_text("intervue.io could not give the results just now.")
    expect(failed).to_contain_text("try again in a minute")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "candidate-results-failed.png", full_page=True)

    sandbox.app.hub.vendors["intervue"].faults.error_rate = 0
    failed.get_by_role("button", name="Try again").click()
    expect(card.locator(".results-panel")).to_be_visible()
    expect(card.get_by_role("link", name="Test report")).to_be_visible()
