"""Walked in Chromium: the six-week follow-up's "Not yet", and the offer form's date checks."""

import pytest
from playwright.sync_api import expect

from hubs.models import User
from tests.experts.factories import ExpertProfileFactory
from tests.portfolios.factories import EntryFactory, follow_up_for

from .conftest import E2E, sign_in

pytestmark = E2E


@pytest.mark.parametrize("width", [1280, 390])
def test_not_yet_hides_the_yes_questions_and_saves(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    teacher = User.objects.get(email="teacher@demo.test")
    entry = EntryFactory(owner=teacher, title="Hinge questions", will_try="Whiteboards")
    follow_up = follow_up_for(entry, days_ago=1)
    sign_in(page, "teacher@demo.test")
    page.goto(f"{page.base_url}{follow_up.get_absolute_url()}")
    what = page.get_by_label("What happened for pupils?")
    page.get_by_label("Yes").check()
    expect(what).to_be_visible()
    page.get_by_label("Not yet").check()
    expect(what).to_be_hidden()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_role("status")).to_contain_text("your answer is in your portfolio")
    follow_up.refresh_from_db()
    assert follow_up.tried is False


def test_an_absurd_first_date_is_a_message_on_the_field(page, demo):
    ExpertProfileFactory(user=User.objects.get(email="teacher@demo.test"))
    sign_in(page, "teacher@demo.test")
    page.goto(f"{page.base_url}/sessions/new/")
    page.get_by_label("Title").fill("Hinge questions")
    page.get_by_label("Date (of the first meeting)").fill("9999-12-25")
    page.get_by_label("Starts (London time)").fill("16:00")
    page.get_by_label("Ends").fill("17:00")
    page.get_by_label("Number of meetings").fill("4")
    page.get_by_role("button", name="Offer this session").click()
    expect(page.locator("#id_first_date_error")).to_contain_text(
        "Choose a date within the next two years."
    )
