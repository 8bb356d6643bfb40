"""Cancel and invite again from the candidate page, in a real browser, confirmations included."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from candidates.roles import RECRUITER
from integrations import services
from integrations.models import Assessment, Invitation
from tests.browser.pages import log_in
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    JobFactory,
    UserFactory,
    VendorAccountFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = settings.VAR_DIR / "screenshots"


@pytest.fixture
def invited(sandbox, eager_tasks):
    account = VendorAccountFactory(vendor="hireflix", name="Hireflix", base_url=sandbox.url_for("hireflix"))
    services.sync_catalog(account)
    assessment = Assessment.objects.filter(account=account, active=True).order_by("pk").first()
    job = JobFactory(title="Support Engineer")
    application = ApplicationFactory(job=job, candidate=CandidateFactory(first_name="Noor", last_name="Haddad"))
    UserFactory(username="riley", first_name="Riley", last_name="Reed", role=RECRUITER)
    services.request_invitations([application], assessment)
    invitation = Invitation.objects.get(application=application)
    assert invitation.state == "invited", invitation.last_error
    return invitation


def test_cancel_then_invite_again_from_the_candidate_page(page: Page, live_server, invited, sandbox):
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, f"{live_server.url}{invited.application.candidate.get_absolute_url()}")
    card = page.locator(f"#invitation-{invited.pk}")
    expect(card.locator(".badge")).to_have_text("Invited")
    expect(card).to_contain_text("Hireflix emails its own reminders")  # no Remind button pretending
    page.screenshot(path=SHOTS / "candidate-invited.png", full_page=True)

    # Saying no to the confirmation changes nothing.
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    card.get_by_role("button", name="Cancel invitation").click()
    assert asked == [f"Cancel Noor Haddad's {invited.assessment.name} at Hireflix?"]
    expect(card.locator(".badge")).to_have_text("Invited")

    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Cancel invitation").click()
    expect(page.get_by_role("status")).to_have_text(f"Canceled Noor Haddad's {invited.assessment.name} invitation.")
    expect(card.locator(".badge")).to_have_text("Canceled")
    assert sandbox.app.hub.vendors["hireflix"].account.interviews[invited.remote_id].deleted_at is not None

    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    card.get_by_role("button", name="Invite again").click()
    assert asked[-1] == f"Invite Noor Haddad to {invited.assessment.name} again through Hireflix?"
    expect(page.get_by_role("status")).to_contain_text("again (round 2)")
    second = Invitation.objects.get(application=invited.application, round=2)
    fresh = page.locator(f"#invitation-{second.pk}")
    expect(fresh.locator(".badge")).to_have_text("Invited")
    expect(fresh).to_contain_text("round 2")
    expect(card.get_by_role("button", name="Invite again")).to_have_count(0)  # only the latest round
    fresh.get_by_text(re.compile(r"Timeline")).click()
    expect(fresh.locator(".timeline")).to_contain_text("Round 2: invited again by Riley Reed")
    page.screenshot(path=SHOTS / "candidate-reinvited.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SHOTS / "candidate-reinvited-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
