"""
The storage limits as a person meets them, in Chromium at desktop and phone widths: today's
download of my data offered again instead of a new one, and a file too big for the site refused
with a page that says the limit (before the server reads it). Both pages pass axe.
"""

import pytest
from playwright.sync_api import expect

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("width", [1280, 390])
def test_todays_download_and_a_file_too_big(page, demo, settings, width, tmp_path):
    settings.CPDHUB_MAX_REQUEST_BYTES = 1024 * 1024
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "teacher@demo.test")
    page.goto(page.base_url + "/me/data/")
    page.get_by_role("button", name="Prepare my download").click()
    page.goto(page.base_url + "/me/data/")  # built in-process (no broker in tests)
    expect(page.get_by_role("link", name="download the zip")).to_be_visible()
    expect(page.get_by_text("A new one can be prepared tomorrow")).to_be_visible()
    assert page.get_by_role("button", name="Prepare my download").count() == 0
    assert axe_violations(page) == []

    page.goto(page.base_url + "/portfolio/log/new/")
    page.get_by_label("Add a file as evidence").set_input_files(
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-" + b"0" * 2**21}
    )
    page.get_by_label("Title").fill("Twilight on retrieval")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").last.click()
    expect(page.get_by_role("heading", name="That file is too big")).to_be_visible()
    expect(page.get_by_text("the most the site accepts at once is 1.0")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(tmp_path / f"too-big-{width}.png"), full_page=True)
