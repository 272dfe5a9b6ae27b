"""
The register in Chromium at 1280 and 390 px, with axe: on a phone each person is a card, the
page never scrolls sideways and every Present tick is on screen; at either width no word of a
table cell (a name, a school, an amount) is split across two lines. Measured in the browser:
the document's scroll width, each tick's box, and each word's line boxes (Range.getClientRects).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cpd_sessions import apologies, attendance
from cpd_sessions.demo import seed as seed_sessions
from cpd_sessions.models import Booking, DevelopmentSession, SessionDate
from experts.demo import seed as seed_experts
from hubs.models import User

from .conftest import E2E, RESULTS, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

TITLE = "Questioning across the curriculum (twilight series)"

# Every word of every table cell, on one line (a word split across lines is the defect).
WORDS_SPLIT = """
() => {
  const split = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set(
          Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top))
        );
        if (lines.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}
"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _series_run_by_the_expert() -> DevelopmentSession:
    """A twilight series that has begun (the register is open), led by the demo expert, with
    a dozen people from the demo's schools booked; the teacher sent apologies for the next."""
    expert = User.objects.get(email="expert@demo.test")
    teacher = User.objects.get(email="teacher@demo.test")
    now = timezone.now()
    first = now - datetime.timedelta(hours=1)
    later = [first + datetime.timedelta(days=7 * n) for n in (1, 2)]
    session = DevelopmentSession.objects.create(
        title=TITLE,
        status=DevelopmentSession.Status.PUBLISHED,
        start=first,
        end=later[-1] + datetime.timedelta(hours=1),
        capacity=30,
        fee=Decimal("1200.00"),
    )
    session.leads.set([expert])
    SessionDate.objects.bulk_create(
        [
            SessionDate(session=session, start=s, end=s + datetime.timedelta(hours=1))
            for s in [first, *later]
        ]
    )
    others = User.objects.filter(school__isnull=False).exclude(pk__in=[teacher.pk, expert.pk])
    people = [teacher, *others[:11]]
    for person in people:
        Booking.objects.create(session=session, user=person, status=Booking.Status.CONFIRMED)
    booking = Booking.objects.get(session=session, user=teacher)
    apologies.apology_send(booking=booking, date=session.dates.all()[1], by=teacher)
    attendance.attendance_mark(
        session=session, by=expert, present_ids=[b.pk for b in session.bookings.all()[:4]]
    )
    return session


# Each Present tick wholly inside the viewport's width as laid out: nothing scrolled sideways
# (a tick in a table that scrolls sideways lies beyond the right edge until scrolled to).
TICKS_OFF_SCREEN = """
() => Array.from(document.querySelectorAll('input[name=present]'))
  .filter(tick => {
    const box = tick.getBoundingClientRect();
    return box.width === 0 || box.left < 0 || box.right > document.documentElement.clientWidth;
  })
  .map(tick => tick.id)
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_lead_keeps_the_register_at_both_widths(page, demo, width):
    seed_experts()
    seed_sessions()
    session = _series_run_by_the_expert()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "expert@demo.test")
    page.goto(page.base_url + session.get_absolute_url())
    expect(page.get_by_role("heading", name="Attendees and register")).to_be_visible()
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.locator("input[name=present]").count() == 12
    assert page.evaluate(TICKS_OFF_SCREEN) == []
    assert page.evaluate(WORDS_SPLIT) == []
    expect(page.locator(".register-marks")).to_contain_text("Apologies")
    assert axe_violations(page) == []
    # Kept for a person to look at (test-results/ is where failing tests' screenshots go too).
    page.screenshot(path=str(RESULTS / f"register-{width}.png"), full_page=True)

    # Tick one more person present, save, and email everyone present their certificate.
    page.locator("input[name=present]:not(:checked)").first.check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_role("status")).to_contain_text("The register is saved.")
    page.get_by_role("button", name="Email certificates to everyone present").click()
    expect(page.get_by_role("status")).to_contain_text("on their way to 5 people")

    # The printable register: cards on a phone, one column per meeting, the apologies shown.
    page.goto(page.base_url + f"/sessions/{session.pk}/register/")
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.evaluate(WORDS_SPLIT) == []
    expect(page.locator("table.register")).to_contain_text("Apologies")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_teacher_sends_and_withdraws_apologies_at_both_widths(page, demo, width):
    seed_experts()
    seed_sessions()
    session = _series_run_by_the_expert()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "teacher@demo.test")
    page.goto(page.base_url + session.get_absolute_url())
    expect(page.get_by_text("Apologies sent")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Withdraw my apologies").click()
    expect(page.get_by_role("status")).to_contain_text("are withdrawn: you are expected")
    page.get_by_role("button", name="Send apologies").first.click()
    expect(page.get_by_role("status")).to_contain_text("keep your place")
    assert page.evaluate(SIDEWAYS) <= 0


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("leader@demo.test", "/sessions/approvals/?show=all"),
        ("leader@demo.test", "/sessions/budgets/"),
        ("leader@demo.test", "/"),
        ("coordinator@demo.test", "/coordinator/"),
        ("coordinator@demo.test", "/sessions/approvals/?show=all"),
    ],
)
def test_names_and_amounts_in_tables_never_split_at_1280(page, demo, who, path):
    seed_experts()
    seed_sessions()
    sign_in(page, who)
    page.goto(page.base_url + path)
    assert page.evaluate(WORDS_SPLIT) == []
