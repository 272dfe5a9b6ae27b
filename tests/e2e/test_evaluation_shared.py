"""
Walked in Chromium at 1280 and 390 px: a session ends, its attendees give feedback (the demo
teacher agrees to share her comment), the lead writes what will change, the daily task shares
the summary, which reaches each attendee once and shows on the session's page. Every page of
the journey passes axe.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cpd_sessions import tasks
from cpd_sessions.attendance import feedback_give
from cpd_sessions.models import Booking, DevelopmentSession
from hubs.models import User
from tests.cpd_sessions.factories import SessionFactory, book

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

SHARED = "Seeing three versions of one task made it click."
PRIVATE = "The room was too warm for me."


def _ended(session, days: float) -> DevelopmentSession:
    end = timezone.now() - datetime.timedelta(days=days)
    start = end - datetime.timedelta(hours=1)
    DevelopmentSession.objects.filter(pk=session.pk).update(start=start, end=end)
    session.dates.update(start=start, end=start + datetime.timedelta(hours=1))
    return DevelopmentSession.objects.get(pk=session.pk)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_session_ends_and_its_summary_reaches_everyone_once(page, demo, width, mailoutbox):
    page.set_viewport_size({"width": width, "height": 900})
    teacher = User.objects.get(email="teacher@demo.test")
    lead = User.objects.get(email="expert@demo.test")
    others = list(
        User.objects.filter(school__isnull=False, is_active=True)
        .exclude(email__endswith="@demo.test")
        .order_by("email")[:3]
    )
    session = SessionFactory(leads=[lead], capacity=20, title="Adapting tasks for every pupil")
    for person in [teacher, *others]:
        book(session, person)
    session = _ended(session, 1)
    url = f"{page.base_url}{session.get_absolute_url()}"

    # The teacher gives feedback and agrees to share her comment (the question says no first).
    sign_in(page, "teacher@demo.test")
    page.goto(url)
    share = page.get_by_label("May we share this comment with the others who took part?")
    expect(share).not_to_be_checked()
    page.get_by_label("5", exact=True).check()
    page.locator("#id_comment").fill(SHARED)
    share.check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for your feedback.")
    assert axe_violations(page) == []
    # Two colleagues answer too; one keeps a comment to the lead.
    for person, rating, comment in ((others[0], 4, PRIVATE), (others[1], 3, "")):
        feedback_give(
            booking=Booking.objects.select_related("session").get(session=session, user=person),
            by=person,
            rating=rating,
            comment=comment,
        )

    # The lead says what will change.
    page.context.clear_cookies()
    sign_in(page, "expert@demo.test")
    page.goto(url)
    page.get_by_role("textbox", name="What we will change").fill(
        "Planning time by phase next time."
    )
    page.get_by_role("button", name="Save what we will change").click()
    expect(page.get_by_role("status")).to_contain_text("Saved: what you will change")
    assert axe_violations(page) == []

    # Feedback closes: the daily task shares the summary, however often it runs.
    _ended(session, 15)
    for _ in range(3):
        tasks.share_evaluations()
    summaries = [m for m in mailoutbox if m.subject.startswith("What people thought")]
    for person in [teacher, *others, lead]:
        assert [m.to for m in summaries].count([person.email]) == 1
    mail = next(m for m in summaries if m.to == [teacher.email])
    assert SHARED in mail.body
    assert PRIVATE not in mail.body
    assert "Planning time by phase next time." in mail.alternatives[0][0]

    # And it is on the session's page for the teacher.
    page.context.clear_cookies()
    sign_in(page, "teacher@demo.test")
    page.goto(url)
    summary = page.locator("section", has=page.locator("#evaluation-heading"))
    expect(summary).to_contain_text("3 of the 4 people who attended gave feedback.")
    expect(summary).to_contain_text(SHARED)
    expect(summary).to_contain_text("Planning time by phase next time.")
    expect(summary).not_to_contain_text(PRIVATE)
    assert axe_violations(page) == []

    # The email's link opens the summary on a page of its own.
    link = re.search(r"Read the summary online: (\S+)", mail.body).group(1)
    page.goto(page.base_url + urlsplit(link).path)
    page.wait_for_url("**/evaluation/")
    expect(
        page.get_by_role("heading", name="What people thought of Adapting tasks")
    ).to_be_visible()
    summary = page.locator("section", has=page.locator("#evaluation-heading"))
    expect(summary).to_contain_text(SHARED)
    expect(summary).not_to_contain_text(PRIVATE)
    assert axe_violations(page) == []
