import re

from playwright.sync_api import expect

from .conftest import E2E, sign_in

pytestmark = E2E


def test_demo_teacher_signs_in_and_sees_the_dashboard(page, demo):
    page.goto(page.base_url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("expertise you need")

    sign_in(page, "teacher@demo.test")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Welcome, Sam")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Ashgrove Primary School")
    expect(main).to_contain_text("Northgate Hub")
    expect(main.get_by_role("link", name="Primary geography network")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Hubs")).to_be_visible()
    expect(nav.get_by_role("link", name="Coordinator")).to_have_count(0)


def test_sign_up_from_a_non_member_domain_is_refused_in_the_browser(page, demo):
    page.goto(page.base_url + "/accounts/signup/")
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Bloggs")
    page.get_by_label("Email").fill("jo@gmail.test")
    page.locator("#id_password1").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").fill("a-long-unusual-passphrase-42")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("main")).to_contain_text("is not the email domain of a member school")
