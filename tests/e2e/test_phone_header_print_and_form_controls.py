"""
Measured in Chromium: the header and navigation leave a phone's screen
to the page for each kind of user (a leader's and a coordinator's menus are longer than a
teacher's); a certificate of attendance, opened from the person's portfolio, prints to one
A4 page; a wrong password is said once; ticks keep their size and buttons in a row never touch.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cpd_sessions.attendance import attendance_mark
from cpd_sessions.models import Booking, DevelopmentSession
from hubs.models import User
from tests.cpd_sessions.factories import SessionFactory, book

from .conftest import E2E, RESULTS, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

# "The header and navigation take at most about 120 px on a phone."
PHONE_HEADER_PX = 120


@pytest.mark.parametrize(
    "who", ["teacher@demo.test", "leader@demo.test", "coordinator@demo.test", None]
)
def test_the_header_takes_at_most_120px_on_a_phone(page, demo, who):
    page.set_viewport_size({"width": 390, "height": 844})
    if who:
        sign_in(page, who)
        expect(page.get_by_role("button", name="Sign out")).to_be_attached()
    else:
        page.goto(page.base_url + "/")
    for path in ["/", "/sessions/", "/experts/"]:
        page.goto(page.base_url + path)
        height = page.evaluate(
            "() => document.querySelector('.site-header').getBoundingClientRect().height"
        )
        if path == "/":  # to look at: test-results/header-*.png
            RESULTS.mkdir(exist_ok=True)
            page.screenshot(path=str(RESULTS / f"header-{who or 'signed-out'}-390.png"))
        assert height <= PHONE_HEADER_PX, f"{who} on {path}: the header is {height:.0f} px tall"
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{who} on {path}: the page scrolls sideways ({width} px)"


def _pdf_pages(pdf: bytes) -> tuple[int, list[tuple[float, float]]]:
    """Chromium's PDF: the page tree's count and each page's size in points."""
    count = max(int(n) for n in re.findall(rb"/Count (\d+)", pdf))
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return count, [(float(w), float(h)) for w, h in boxes]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_certificate_opens_from_the_portfolio_and_prints_on_one_a4_page(
    page, demo, width, django_capture_on_commit_callbacks
):
    page.set_viewport_size({"width": width, "height": 900})
    teacher = User.objects.get(email="teacher@demo.test")
    lead = User.objects.get(email="expert@demo.test")
    session = SessionFactory(
        title="Questioning that sticks: a long title that wraps onto a second line on paper",
        leads=[lead],
    )
    booking = book(session, teacher)
    start = timezone.now() - datetime.timedelta(days=1)  # it took place yesterday
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=2)
    )
    session.dates.update(start=start, end=start + datetime.timedelta(hours=2))
    session.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(session=session, by=lead, present_ids=[booking.pk])
    assert Booking.objects.get(pk=booking.pk).attendance.present

    sign_in(page, "teacher@demo.test")
    page.goto(page.base_url + "/portfolio/log/")
    page.get_by_role("link", name=session.title).first.click()
    page.get_by_role("link", name="Certificate of attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of attendance")
    expect(page.locator(".certificate")).to_contain_text(teacher.full_name)
    assert axe_violations(page) == []
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"certificate-{width}.png"), full_page=True)

    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    count, sizes = _pdf_pages(pdf)
    assert count == 1, f"the certificate prints on {count} pages"
    (size,) = set(sizes)
    # A4 landscape (842 x 595 points), as the stylesheet asks.
    assert [round(side) for side in size] == [842, 595], size

    # Only the certificate is landscape: the printable portfolio stays upright.
    page.goto(page.base_url + "/portfolio/print/")
    _, sizes = _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True))
    assert all(h > w for w, h in sizes), f"the portfolio prints landscape: {sizes}"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_wrong_password_is_said_once_in_the_summary(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(page.base_url + "/accounts/login/")
    summary = page.locator(".error-summary")
    page.locator("#id_login").fill("teacher@demo.test")
    page.locator("#id_password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(summary).to_contain_text("not correct")
    body = page.locator("main").inner_text()
    sentence = summary.locator("li").first.inner_text()
    assert body.count(sentence) == 1, body
    assert axe_violations(page) == []
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"login-error-{width}.png"), full_page=True)


CONTROLS_AND_BUTTONS = """() => {
  const boxes = [...document.querySelectorAll('main input[type=checkbox], main input[type=radio]')]
    .filter(el => el.offsetParent !== null)
    .map(el => { const r = el.getBoundingClientRect(); return [el.name, r.width, r.height]; });
  const touching = [];
  for (const row of document.querySelectorAll('main .actions, main .button-row')) {
    const items = [...row.children].filter(el => el.offsetParent !== null)
      .map(el => [el.textContent.trim(), el.getBoundingClientRect()]);
    for (let i = 1; i < items.length; i++) {
      const [a, ra] = items[i - 1], [b, rb] = items[i];
      const sameLine = Math.abs(ra.top - rb.top) < Math.min(ra.height, rb.height) / 2;
      if (sameLine && rb.left - ra.right < 4) touching.push(`${a} | ${b}`);
      if (!sameLine && rb.top - ra.bottom < 4 && rb.top > ra.top) touching.push(`${a} / ${b}`);
    }
  }
  const rows = document.querySelectorAll('main .actions, main .button-row').length;
  return {boxes, touching, rows};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_ticks_keep_their_size_and_buttons_never_touch(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    pages = {
        "teacher@demo.test": [
            "/experts/me/", "/notifications/preferences/", "/portfolio/goals/new/", "/me/",
            "/sessions/?q=maths", "/portfolio/", "/sessions/mine/",
        ],
        "leader@demo.test": ["/sessions/budgets/", "/sessions/approvals/", "/schools/148101/"],
    }  # fmt: skip
    problems, ticks, rows = {}, 0, 0
    for who, paths in pages.items():
        page.context.clear_cookies()
        sign_in(page, who)
        expect(page.get_by_role("button", name="Sign out")).to_be_attached()
        for path in paths:
            page.goto(page.base_url + path)
            for details in page.locator("main details:not([open]) > summary").all():
                details.click()  # folded filters open, as a person would
            found = page.evaluate(CONTROLS_AND_BUTTONS)
            ticks, rows = ticks + len(found["boxes"]), rows + found["rows"]
            sizes = {(round(w), round(h)) for _, w, h in found["boxes"]}
            if len(sizes) > 1 or any(min(size) < 13 for size in sizes):
                problems[path] = f"ticks of different sizes: {sizes}"
            if found["touching"]:
                problems[path] = f"buttons touching: {found['touching']}"
    assert ticks > 20, ticks  # the pages were measured, not empty
    assert rows > 5, rows
    assert problems == {}


NAV_LINK_IN_VIEW = """(link) => {
    const box = link.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= window.innerWidth;
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_every_main_navigation_link_is_on_screen_or_under_a_visible_more(page, demo, width):
    """The coordinator's menu is among the longest: at 390 px it used to scroll sideways with
    no sign, hiding its last links. Every link is on screen, or under "More", which
    is on screen and opens them on screen (no script)."""
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, "coordinator@demo.test")
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()
    nav = page.get_by_role("navigation", name="Main")
    labels = list(dict.fromkeys(nav.locator("a").all_text_contents()))
    assert {"Home", "Portfolio", "Hubs", "Coordinator"} <= set(labels)
    more = nav.locator("summary", has_text="More")
    hidden = []
    for label in labels:
        link = nav.get_by_role("link", name=label, exact=True)
        if not any(link.nth(i).evaluate(NAV_LINK_IN_VIEW) for i in range(link.count())):
            hidden.append(label)
    if width == 1280:
        assert hidden == []
        expect(more).to_be_hidden()
        return
    assert hidden, "at 390 px some links are under More"
    assert more.evaluate(NAV_LINK_IN_VIEW), "More is on screen"
    more.click()
    for label in hidden:
        link = nav.locator(".nav-more").get_by_role("link", name=label, exact=True)
        assert link.evaluate(NAV_LINK_IN_VIEW), f"{label} is on screen once More is open"
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "nav-more-coordinator-390.png"))
    nav.locator(".nav-more").get_by_role("link", name="Coordinator").click()
    expect(page).to_have_url(re.compile(r"/coordinator/"))
