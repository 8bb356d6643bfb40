"""Steps every browser test takes the way a person does."""

from playwright.sync_api import Page

from tests.factories import PASSWORD


def log_in(page: Page, url: str, username: str = "riley") -> None:
    """Open ``url``, meet the login form, and sign in: the app brings the person back to ``url``."""
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
