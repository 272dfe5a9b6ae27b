"""
In the browser, at desktop and phone widths: the demo teacher (a lone ranger) joins
the music network from the dashboard's prompt; the coordinator sees who has joined since; the
family of schools reads without sideways scrolling of the page itself.
"""

import pytest

from cpd_sessions.demo import seed as seed_sessions
from experts.demo import seed as seed_experts

from .conftest import E2E, sign_in

pytestmark = E2E


@pytest.mark.parametrize("width", [1280, 390])
def test_a_lone_ranger_joins_from_the_dashboard_and_the_coordinator_sees_it(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "teacher@demo.test")
    page.goto(page.base_url + "/")
    prompt = page.get_by_role("region", name="Colleagues who teach music too")
    prompt.get_by_role("button", name="Join Primary music network").click()
    page.get_by_text("You have joined Primary music network").wait_for()
    page.goto(page.base_url + "/")
    assert page.get_by_role("region", name="Colleagues who teach music too").count() == 0

    page.context.clear_cookies()
    sign_in(page, "coordinator@demo.test")
    page.goto(page.base_url + "/coordinator/lone-rangers/")
    row = page.get_by_role("row").filter(has_text="Sam Whitfield").filter(has_text="Music")
    assert "Joined" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.mark.parametrize("width", [1280, 390])
def test_family_of_schools_with_its_experts(page, demo, width):
    seed_experts()
    seed_sessions()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "leader@demo.test")
    page.goto(page.base_url + "/schools/148101/")
    page.get_by_role("link", name="The family of schools and their experts").click()
    page.get_by_role("heading", name="How similarity is measured").wait_for()
    assert page.get_by_role("table").get_by_role("row").count() == 6  # a header and five schools
    assert page.get_by_text("live expert").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
