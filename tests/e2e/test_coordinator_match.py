"""
In the browser, at desktop and phone widths, with axe-core: the coordinator opens
/coordinator/needs/, finds the demo teacher's need in behaviour management with an expert in
another school and a colleague in another school who agreed to be suggested, and makes the
match (one introduction by email); then writes back to a school about a need passed on.
"""

import pytest

from coordination.models import NeedReply
from cpd_sessions.demo import seed as seed_sessions
from experts.demo import seed as seed_experts
from notifications.models import Delivery
from portfolios.demo import seed as seed_portfolios
from portfolios.models import Need

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E


@pytest.mark.parametrize("width", [1280, 390])
def test_the_coordinator_makes_a_match_from_the_needs_page(page, demo, width):
    seed_experts()
    seed_sessions()
    seed_portfolios()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "coordinator@demo.test")
    page.goto(page.base_url + "/coordinator/needs/?area=behaviour-management")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert axe_violations(page) == []
    need = page.locator("li[id^=need-]").filter(
        has=page.get_by_role("heading", name="Behaviour management: Sam Whitfield")
    )
    assert "agreed to be suggested" in need.inner_text()
    need.get_by_role("button", name="Introduce Sam Whitfield to").first.click()
    page.get_by_text("have been introduced by email").wait_for()
    assert Delivery.objects.filter(kind="need_introduction").count() == 2
    assert axe_violations(page) == []

    passed = Need.objects.filter(status=Need.Status.PASSED).select_related("owner").first()
    page.goto(page.base_url + f"/coordinator/needs/?area={passed.area.slug}")
    item = page.locator(f"#need-{passed.pk}")
    item.get_by_label("Reply to the school's CPD leaders").fill("A session is coming in March.")
    item.get_by_role("button", name="Send the reply").click()
    page.get_by_text("has been emailed to the CPD leaders").wait_for()
    assert NeedReply.objects.filter(need=passed).count() == 1
    assert axe_violations(page) == []
