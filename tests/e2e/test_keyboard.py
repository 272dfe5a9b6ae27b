"""
One whole journey by keyboard alone: sign in, find an expert, write to them,
then book a session, in Chromium, pressing only Tab, Shift+Tab, Enter, Space and typing. At every
stop of the focus, the focused element must show it (the site's 3 px focus outline), so someone
who cannot use a mouse always sees where they are.
"""

from playwright.sync_api import expect

from cpd_sessions.booking import session_needs_release
from cpd_sessions.demo import seed as seed_sessions
from cpd_sessions.models import DevelopmentSession
from experts.demo import seed as seed_experts
from hubs.models import User

from .conftest import DEMO_PASSWORD, E2E

pytestmark = E2E

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    name: (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '').trim(),
    id: el.id,
    visible: outlined && box.width > 0 && box.height > 0,
  };
}"""


def tab_to(page, wanted, *, limit: int = 120) -> dict:
    """Press Tab until ``wanted(focused)`` holds; every element passed on the way must show
    its focus. Returns the focused element's description."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused is None:
            continue
        passed.append(focused["name"][:40])
        assert focused["visible"], f"no visible focus on {focused} at {page.url}"
        if wanted(focused):
            return focused
    raise AssertionError(f"Tab never reached the wanted element on {page.url}: {passed}")


def press_and_follow(page, key: str) -> None:
    """Press a key that opens a page (a link, a form's submit) and wait for that page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def named(text: str):
    return lambda focused: focused["name"].startswith(text)


def test_find_an_expert_write_to_them_and_book_a_session_by_keyboard(page, demo, mailoutbox):
    seed_experts()
    seed_sessions()
    teacher = User.objects.get(email="teacher@demo.test")
    session = next(
        s
        for s in DevelopmentSession.objects.upcoming()
        .filter(status=DevelopmentSession.Status.PUBLISHED)
        .exclude(leads=teacher)
        .exclude(bookings__user=teacher)
        .order_by("start")
        if not session_needs_release(s, teacher)
    )

    page.goto(page.base_url + "/accounts/login/")
    tab_to(page, lambda f: f["id"] == "id_login")
    page.keyboard.type("teacher@demo.test")
    tab_to(page, lambda f: f["id"] == "id_password")
    page.keyboard.type(DEMO_PASSWORD)
    press_and_follow(page, "Enter")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    # Find an expert: the directory from the main navigation, then search.
    tab_to(page, named("Directory"))
    press_and_follow(page, "Enter")
    tab_to(page, lambda f: f["id"] == "id_q")
    page.keyboard.type("questioning")
    press_and_follow(page, "Enter")
    expect(page.locator("#results")).to_contain_text("Grace Adeyemi")
    tab_to(page, named("Grace Adeyemi"))
    press_and_follow(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Adeyemi")

    # Write to them.
    tab_to(page, lambda f: f["tag"] == "textarea")
    page.keyboard.type("Could I watch one of your hinge-question lessons?")
    tab_to(page, named("Send to Grace"))
    press_and_follow(page, "Enter")
    expect(page.get_by_role("status")).to_contain_text("Your message has been sent to Grace")
    assert [m.to for m in mailoutbox] == [["expert@demo.test"]]

    # Book a session: Sessions from the main navigation, the session, then "Book a place".
    tab_to(page, named("Sessions"))
    press_and_follow(page, "Enter")
    tab_to(page, named(session.title))
    press_and_follow(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(session.title)
    tab_to(page, lambda f: f["tag"] == "button" and f["name"].startswith("Book"))
    press_and_follow(page, "Space")
    expect(page.get_by_role("status")).to_be_visible()
    assert session.bookings.filter(user__email="teacher@demo.test").exists()
