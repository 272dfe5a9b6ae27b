"""
The proposals queue walked in Chromium as the coordinator, at desktop and phone widths: from the
dashboard's link (with its count) to the queue, then publish one proposal and decline another
with a reason. axe-core finds no WCAG violation on the queue; nothing scrolls sideways on a
phone.
"""

import pytest
from playwright.sync_api import expect

from cpd_sessions.demo import seed as seed_sessions
from cpd_sessions.models import DevelopmentSession
from experts.demo import seed

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E


@pytest.mark.parametrize("width", [1280, 390])
def test_the_coordinator_publishes_and_declines_from_the_queue(page, demo, width):
    seed()
    seed_sessions()
    waiting = DevelopmentSession.objects.get(status=DevelopmentSession.Status.PROPOSED)
    second = DevelopmentSession.objects.get(pk=waiting.pk)
    second.pk = None
    second.title = "Retrieval practice in Year 6 (proposed)"
    second.save()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "coordinator@demo.test")

    page.goto(page.base_url + "/coordinator/")
    page.get_by_role("link", name="2 proposed sessions waiting for you").click()
    assert page.url.endswith("/sessions/proposals/")
    expect(page.get_by_role("heading", name="2 proposals waiting")).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Decline the second, with a reason (the form opens under its "Decline").
    page.locator("summary", has_text=f"Decline “{second.title}”").click()
    page.get_by_label("Why not?").locator("visible=true").fill("We have one in the spring.")
    page.get_by_role("button", name="Decline with this reason").locator("visible=true").click()
    expect(page.get_by_text("is declined")).to_be_visible()
    assert DevelopmentSession.objects.get(pk=second.pk).status == "declined"

    page.get_by_role("button", name=f"Publish “{waiting.title}”").click()
    expect(page.get_by_text("is published: colleagues can book it now")).to_be_visible()
    assert DevelopmentSession.objects.get(pk=waiting.pk).status == "published"
    expect(page.get_by_text("Nothing is waiting")).to_be_visible()
    assert axe_violations(page) == []
