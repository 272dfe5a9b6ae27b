from pathlib import Path

from playwright.sync_api import expect

from cpd_sessions.demo import seed as seed_sessions
from experts.demo import seed as seed_experts

from .conftest import E2E, sign_in

pytestmark = E2E

DAYTIME = "Bar modelling in the classroom (daytime workshop)"


def test_teacher_books_in_school_hours_leader_approves_teacher_gets_the_ics(page, demo, mailoutbox):
    seed_experts()
    seed_sessions()

    # The teacher finds a daytime workshop and asks for release time.
    sign_in(page, "teacher@demo.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name=DAYTIME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DAYTIME)
    expect(page.get_by_text("during your school day")).to_be_visible()
    page.get_by_label("Lessons needing cover").fill("2")
    page.get_by_label("Supply cost (£)").fill("90")
    page.get_by_label("The goal it serves").fill("Bar models for Year 4 fractions")
    page.get_by_role("button", name="Ask for release and book").click()
    expect(page.get_by_role("status")).to_contain_text("Your place is held")
    assert any("leader@demo.test" in m.to for m in mailoutbox)

    # The CPD leader approves it from her queue.
    page.context.clear_cookies()
    sign_in(page, "leader@demo.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    row = page.get_by_role("row").filter(has_text=DAYTIME)
    expect(row).to_contain_text("Bar models for Year 4 fractions")
    row.get_by_role("button", name="Approve Sam Whitfield").click()
    expect(page.get_by_role("status")).to_contain_text("Approved: Sam Whitfield is booked on")

    # The teacher sees the place confirmed and downloads the calendar file.
    page.context.clear_cookies()
    sign_in(page, "teacher@demo.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name=DAYTIME).click()
    expect(page.get_by_text("You are booked on.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    body = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in body
    assert "METHOD:PUBLISH" in body
    assert "Bar modelling in the classroom" in body
