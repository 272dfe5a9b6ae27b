"""
The everyday jobs, walked in Chromium at a phone's width and a desktop's, with
axe-core on every page they touch: the CPD leader approving two requests at once with one over
budget; a session lead exporting the register and emailing everyone booked; a teacher
cancelling a series after confirming; a teacher downloading the portfolio zip and finding their
evidence file in it.
"""

import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from cpd_sessions.budget import budget_set
from cpd_sessions.models import Booking, CpdBudget
from hubs.models import User
from notifications.models import Delivery
from portfolios.models import Entry, EntryAttachment
from tests.cpd_sessions.factories import SessionFactory, book, london, release_data

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E
WIDTHS = [390, 1280]


def _no_sideways_scroll(page) -> None:
    page.wait_for_load_state()  # a click's navigation may still be under way
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.evaluate("() => window.innerWidth")
    assert width <= viewport, f"the page scrolls sideways: {width} > {viewport}"


def _accessible(page) -> None:
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_leader_approves_two_at_once_and_one_is_over_budget(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    leader = User.objects.get(email="leader@demo.test")
    teacher = User.objects.get(email="teacher@demo.test")
    colleague = (
        User.objects.filter(school=teacher.school, is_active=True)
        .exclude(pk__in=[teacher.pk, leader.pk])
        .exclude(school__cpd_leaders=leader)
        .first()
        or User.objects.filter(school=teacher.school).exclude(pk__in=[teacher.pk, leader.pk])[0]
    )
    session = SessionFactory(
        title="Maths mastery day", capacity=10, start=london(9, 10, 0), end=london(9, 12, 0)
    )
    year = session.academic_year
    long_goal = "Fluency in times tables for Year 4. " * 80  # thousands of characters
    mine = book(session, teacher, release=release_data(goal=long_goal))
    theirs = book(session, colleague, release=release_data())
    budget_set(user=teacher, academic_year=year, allocated=Decimal("100"), by=leader)
    budget_set(user=colleague, academic_year=year, allocated=Decimal("900"), by=leader)

    sign_in(page, "leader@demo.test")
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    page.get_by_role("link", name="Decide release requests").click()
    _no_sideways_scroll(page)
    _accessible(page)
    expect(page.get_by_text("Show more").first).to_be_visible()
    page.get_by_label(f"Approve {teacher.full_name}").check()
    page.get_by_label(f"Approve {colleague.full_name}").check()
    page.get_by_role("button", name="Approve the ticked requests").click()
    expect(page.get_by_role("status")).to_contain_text("Approved 1 request.")
    expect(page.get_by_role("status")).to_contain_text(
        f"Not approved, because they would go over budget: {teacher.full_name}"
    )
    assert Booking.objects.get(pk=theirs.pk).status == Booking.Status.CONFIRMED
    assert Booking.objects.get(pk=mine.pk).status == Booking.Status.PENDING

    # The staff budgets page: every member of staff, one figure for those with none.
    page.goto(page.base_url + "/sessions/budgets/?year=" + session.year_label)
    _no_sideways_scroll(page)
    _accessible(page)
    page.get_by_label("Budget for each person (£)").fill("250")
    page.get_by_label("Only staff with no budget set for the year").check()
    page.get_by_role("button", name="Set this budget").click()
    expect(page.get_by_role("status")).to_contain_text("Set £250.00 for")
    assert CpdBudget.objects.get(user=teacher, academic_year=year).allocated == Decimal("100")
    page.get_by_role("link", name=teacher.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"CPD record: {teacher.full_name}")
    _no_sideways_scroll(page)
    _accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_lead_exports_the_register_and_emails_everyone_booked(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    lead = User.objects.get(email="expert@demo.test")
    session = SessionFactory(title="Questioning that sticks", leads=[lead], capacity=2)
    booked = list(User.objects.filter(school__isnull=False).exclude(pk=lead.pk)[:3])
    for person in booked:
        book(session, person)

    sign_in(page, "expert@demo.test")
    page.goto(page.base_url + session.get_absolute_url())
    expect(page.get_by_role("button", name="Book a place")).to_have_count(0)
    expect(page.get_by_text("You lead this session")).to_be_visible()
    _accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Register as CSV").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert booked[0].full_name in body
    assert "On the waitlist" in body
    page.get_by_role("link", name="Print the register").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register")
    _accessible(page)
    page.go_back()
    page.get_by_role("link", name="Email everyone booked").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Email everyone booked")
    _no_sideways_scroll(page)
    _accessible(page)
    page.get_by_label("Subject").fill("Bring a lesson plan")
    page.get_by_label("Message").fill("Please bring a plan you would like to sharpen.")
    page.get_by_role("button", name="Send the email").click()
    expect(page.get_by_role("status")).to_contain_text("on its way to 2 people")
    assert Delivery.objects.filter(kind="session_message").count() == 2


@pytest.mark.parametrize("width", WIDTHS)
def test_teacher_cancels_a_series_after_confirming(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    teacher = User.objects.get(email="teacher@demo.test")
    first = london(14, 16, 30)
    dates = [
        (first + datetime.timedelta(weeks=n), first + datetime.timedelta(weeks=n, hours=1))
        for n in range(4)
    ]
    session = SessionFactory(title="Four twilights on reading", dates=dates)
    book(session, teacher)

    sign_in(page, "teacher@demo.test")
    header = page.evaluate("() => document.querySelector('.site-header').offsetHeight")
    assert header <= (120 if width < 600 else 140), header  # the header leaves room on a phone
    page.get_by_role("link", name="My bookings").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    _no_sideways_scroll(page)
    _accessible(page)
    page.get_by_role("link", name="Cancel this booking").click()
    expect(page.get_by_text("all 4 meetings of the series")).to_be_visible()
    _accessible(page)
    assert Booking.objects.get(session=session).status == Booking.Status.CONFIRMED
    page.get_by_role("button", name="Yes, cancel my booking").click()
    expect(page.get_by_role("status")).to_contain_text("Your booking is cancelled.")
    assert Booking.objects.get(session=session).status == Booking.Status.CANCELLED


@pytest.mark.parametrize("width", WIDTHS)
def test_teacher_downloads_the_portfolio_zip_with_their_evidence(
    page, demo, width, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page.set_viewport_size({"width": width, "height": 900})
    teacher = User.objects.get(email="teacher@demo.test")
    entry = Entry.objects.create(
        owner=teacher, title="Reading aloud", date=timezone.localdate(), kind="reading", hours=1
    )
    attachment = EntryAttachment(
        entry=entry, original_name="Reading plan.pdf", content_type="application/pdf", size=12
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4 plan"), save=False)
    attachment.save()

    sign_in(page, "teacher@demo.test")
    page.goto(page.base_url + "/portfolio/")
    _accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your whole portfolio (zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    evidence = [n for n in archive.namelist() if n.endswith("reading-plan.pdf")]
    assert evidence, archive.namelist()
    assert archive.read(evidence[0]) == b"%PDF-1.4 plan"
    assert "Reading aloud" in archive.read("cpd-portfolio/portfolio.html").decode()
