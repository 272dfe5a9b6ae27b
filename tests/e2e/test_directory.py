from playwright.sync_api import expect

from experts.demo import seed

from .conftest import E2E, sign_in

pytestmark = E2E


def test_teacher_finds_a_questioning_expert_and_writes_to_them(page, demo, mailoutbox):
    seed()
    sign_in(page, "teacher@demo.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    page.get_by_label("Search by topic, name, subject or school").fill("questioning")
    page.get_by_role("button", name="Search").click()

    results = page.locator("#results")
    expect(results).to_contain_text("Grace Adeyemi")
    results.get_by_role("link", name="Grace Adeyemi").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Adeyemi")
    page.get_by_label("Your message").fill(
        "Could I watch one of your hinge-question lessons before half term?"
    )
    page.get_by_role("button", name="Send to Grace").click()
    expect(page.get_by_role("status")).to_contain_text("Your message has been sent to Grace")

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["expert@demo.test"]
    assert mailoutbox[0].reply_to == ["teacher@demo.test"]
    assert "hinge-question lessons" in mailoutbox[0].body
