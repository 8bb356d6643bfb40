"""A recruiter's working day in a real browser: the send dialog's preview, a send followed to the end,
badges that change by themselves, filters, the invitations page and its CSV, and a phone-sized screen."""

import csv
import io
import re

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from candidates.models import Stage
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
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = settings.VAR_DIR / "screenshots"
# The pages refresh every 2 to 3 seconds; give a refresh or two of slack.
LIVE = 12_000
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def day(sandbox, eager_tasks):
    """A job with 60 candidates in its video-interview stage, 2 of them already invited, and 1 rejected."""
    account = VendorAccountFactory(vendor="wedgehr", name="Acme US", base_url=sandbox.url_for("wedgehr"))
    services.sync_catalog(account)
    assessment = Assessment.objects.filter(account=account, active=True).order_by("name").first()
    job = JobFactory(title="Support Engineer")
    video = job.stages.get(name="Video interview")
    rejected = job.stages.get(kind=Stage.Kind.REJECTED)
    services.map_stage(video, assessment, invite_on_entry=False)
    applications = [
        ApplicationFactory(job=job, stage=video, candidate=CandidateFactory(last_name=f"Candidate{n:02}"))
        for n in range(62)
    ]
    ApplicationFactory(job=job, stage=rejected, candidate=CandidateFactory(last_name="Rejected"))
    sandbox.app.hub.auto_complete_seconds = 20  # each invite completes 20 sandbox seconds after it is made
    services.request_invitations(applications[:2], assessment)
    UserFactory(username="riley", first_name="Riley", last_name="Reed", role=RECRUITER)
    return {"job": job, "video": video, "assessment": assessment, "account": account}


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_send_to_sixty_from_preview_to_every_one_completed(
    page: Page, browser: Browser, live_server, day, sandbox, sandbox_clock
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    job, assessment = day["job"], day["assessment"]
    log_in(page, f"{live_server.url}{job.get_absolute_url()}")

    # Everyone in the job: the dialog previews who is invited and who is left out, and why.
    page.get_by_label("all 63 matching").check()
    page.get_by_role("button", name="Send assessment…").click()
    dialog = page.locator("#send-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Assessment to send")).to_have_value(str(assessment.pk))  # the stage's mapping
    expect(dialog.locator("[data-count=invite]")).to_have_text("60")
    expect(dialog.locator("[data-count=open]")).to_have_text("2")
    expect(dialog.locator("[data-count=closed_stage]")).to_have_text("1")
    dialog.get_by_text("Show their names").click()
    expect(dialog).to_contain_text("Candidate00")
    page.screenshot(path=SHOTS / "send-dialog-preview.png", full_page=True)

    # Ticking an include re-counts in place.
    dialog.get_by_label("include rejected and hired").check()
    expect(dialog.locator("[data-count=invite]")).to_have_text("61")
    dialog.get_by_label("include rejected and hired").uncheck()
    expect(dialog.locator("[data-count=invite]")).to_have_text("60")

    asked: list[str] = []
    page.once("dialog", lambda confirm: (asked.append(confirm.message), confirm.accept()))
    dialog.get_by_role("button", name="Send to 60 candidates").click()
    assert asked == [f"Send {assessment.name} to 60 candidates through WedgeHR?"]
    expect(page.get_by_role("status")).to_contain_text(f"Sending {assessment.name} to 60 candidates.")
    bulk_url = page.url
    assert Invitation.objects.filter(bulk_send__isnull=False).exclude(application__stage__kind="rejected").count() == 62
    assert Invitation.objects.filter(application__job=job, state="invited").count() == 62  # 60 sent now, 2 before

    progress = page.locator("#progress")
    expect(progress.locator("[data-count=invited]")).to_have_text("60", timeout=LIVE)
    expect(page.locator(".crumbs")).to_contain_text("Support Engineer")
    expect(page.locator("tbody tr")).to_have_count(50)  # the first page of its invitations
    expect(page.get_by_role("button", name="Cancel the open ones")).to_be_visible()
    page.screenshot(path=SHOTS / "bulk-send-invited.png", full_page=True)

    # The job page in another tab: a badge per invitation, with the assessment and the vendor.
    board = page.context.new_page()
    board.goto(f"{live_server.url}{job.get_absolute_url()}?q=Candidate05")
    badge = board.locator(".badges .badge").first
    expect(badge).to_contain_text(f"{assessment.name} · WedgeHR · Invited")

    # The candidates finish; the next poll of the vendor learns it. Neither page is reloaded.
    sandbox_clock.advance(21)
    assert services.poll_account(day["account"]) == 62
    expect(badge).to_contain_text("Completed", timeout=LIVE)
    expect(progress).to_have_attribute("data-done", "1", timeout=LIVE)
    expect(progress.locator("[data-step=completed]")).to_have_attribute("data-percent", "100.0")
    expect(progress.locator("[data-count=completed]")).to_have_text("60")
    expect(page.locator(".inv-state .badge").first).to_have_text("Completed", timeout=LIVE)
    # The counts per state and the actions follow too: nothing is left to cancel or remind.
    expect(page.locator("#send-states [data-state=completed] strong")).to_have_text("60")
    expect(page.get_by_role("button", name="Cancel the open ones")).to_have_count(0)
    page.screenshot(path=SHOTS / "bulk-send-completed.png", full_page=True)
    assert page.url == bulk_url

    # Filter the job by invitation state.
    board.goto(f"{live_server.url}{job.get_absolute_url()}")
    board.get_by_label("Invitation state").select_option(label="Completed")
    expect(board.locator(".count")).to_have_text("62 candidates")
    expect(board).to_have_url(re.compile(r"invitation=completed"))
    board.screenshot(path=SHOTS / "job-filtered-completed.png", full_page=True)

    # Across jobs: the invitations page counts per state and exports what it lists.
    board.goto(f"{live_server.url}/integrations/invitations/?state=completed")
    expect(board.locator("[data-state=completed] strong")).to_have_text("62")
    with board.expect_download() as download:
        board.get_by_role("link", name="Export CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    expected = set(Invitation.objects.filter(state="completed").values_list("pk", flat=True))
    assert {int(row["invitation id"]) for row in rows} == expected and len(rows) == 62
    assert {row["vendor"] for row in rows} == {"WedgeHR"} and {row["account"] for row in rows} == {"Acme US"}
    board.screenshot(path=SHOTS / "invitations-page.png", full_page=True)

    # On a phone nothing scrolls sideways.
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    mobile = phone.new_page()
    log_in(mobile, f"{live_server.url}{job.get_absolute_url()}")
    for name, url in [
        ("job", job.get_absolute_url()),
        ("bulk-send", bulk_url.removeprefix(live_server.url)),
        ("invitations", "/integrations/invitations/"),
    ]:
        mobile.goto(f"{live_server.url}{url}")
        assert no_sideways_scroll(mobile), f"the {name} page scrolls sideways at 390 px"
        mobile.screenshot(path=SHOTS / f"phone-{name}.png")  # the first screen, as the phone shows it
    mobile.goto(f"{live_server.url}{job.get_absolute_url()}")
    mobile.get_by_role("button", name="Send assessment…").click()
    expect(mobile.locator("#send-dialog")).to_be_visible()
    assert no_sideways_scroll(mobile)
    mobile.screenshot(path=SHOTS / "phone-send-dialog.png")
    phone.close()


def test_the_board_has_a_column_per_stage_and_its_badges_follow_without_a_reload(
    page: Page, browser, live_server, day, sandbox_clock
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    job = day["job"]
    log_in(page, f"{live_server.url}{job.get_absolute_url()}")
    page.get_by_role("link", name="Board").click()
    column = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Video interview"))
    expect(column.get_by_role("heading")).to_have_text("Video interview 62")
    expect(column.locator(".board-card")).to_have_count(25)
    expect(column.get_by_role("link", name="37 more in the list")).to_be_visible()
    page.screenshot(path=SHOTS / "job-board.png", full_page=True)

    # Searching keeps the board, and a card's badge follows the vendor without a reload.
    page.get_by_role("searchbox").fill("Candidate01")
    expect(column.locator(".board-card")).to_have_count(1, timeout=LIVE)
    assert "view=board" in page.url
    card = column.locator(".board-card")
    expect(card.locator(".badge")).to_contain_text("Invited")
    sandbox_clock.advance(21)  # the sandbox's scheduler thread completes them; a poll learns it
    assert wait_for(lambda: services.poll_account(day["account"]) > 0, seconds=15)
    expect(card.locator(".badge")).to_contain_text("Completed", timeout=LIVE)

    # On a phone the columns stack and nothing scrolls sideways.
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    mobile = phone.new_page()
    log_in(mobile, f"{live_server.url}{job.get_absolute_url()}?view=board")
    expect(mobile.locator(".board-column").first).to_be_visible()
    assert no_sideways_scroll(mobile)
    mobile.screenshot(path=SHOTS / "phone-job-board.png")
    phone.close()
