"""The coordinator's digest preview in Chromium: the email as its reader sees it, styles and
all (the page fixture fails the test on any Content Security Policy refusal), found by name."""

from django.conf import settings
from django.test import Client

from hubs.models import User
from tests.e2e.conftest import E2E, RESULTS
from tests.hubs.test_admin import with_totp

pytestmark = E2E


def signed_in(page, user: User) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.base_url,
            }
        ]
    )


def test_the_digest_preview_looks_like_the_email(page, demo):
    coordinator = with_totp(demo.accounts["coordinator@demo.test"])
    signed_in(page, coordinator)
    page.goto(f"{page.base_url}/admin/notifications/delivery/digest/")
    page.get_by_label("Person (name, email address or id)").fill("Sam Whit")
    page.get_by_role("button", name="Preview").click()
    frame = page.frame_locator("iframe")
    heading = frame.locator("text=Your termly digest").first
    heading.wait_for()
    # The email's inline styles apply: its wrapper is centred at 560px, not the full width.
    width = frame.locator("[role=article]").first.evaluate("el => el.getBoundingClientRect().width")
    assert width <= 600
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "digest_preview.png"), full_page=True)
