"""
WCAG 2.2 AA checks with axe-core (vendored in tests/e2e/vendor, MPL-2.0, v4.11) on every main
page, as each kind of user sees it, at desktop and phone widths. Any violation fails the test
with the rule, the help text and the offending elements.
"""

from pathlib import Path

import pytest

from cpd_sessions.demo import seed as seed_sessions
from cpd_sessions.models import DevelopmentSession
from experts.demo import seed
from experts.models import ExpertProfile

from .conftest import E2E, sign_in

pytestmark = E2E

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
PAGES = {
    None: ["/", "/accounts/login/", "/accounts/signup/"],
    "teacher@demo.test": [
        "/", "/hubs/", "/hubs/northgate/", "/schools/148101/", "/networks/primary-geography/",
        "/me/", "/accounts/email/", "/accounts/2fa/", "/experts/", "/experts/?q=questioning",
        "/experts/?q=nothingmatches", "/experts/?q=retreival", "/experts/me/", "/sessions/",
        "/sessions/?suits_me=on", "/sessions/recordings/", "/sessions/calendar/",
        "/notifications/preferences/", "/schools/148101/family/", "/networks/primary-music/",
        "/sessions/mine/", "/portfolio/statement/",
    ],
    "expert@demo.test": ["/experts/me/", "/sessions/new/"],
    "leader@demo.test": [
        "/", "/schools/148101/", "/schools/148101/invite/", "/sessions/approvals/",
        "/sessions/budgets/", "/hubs/northgate/", "/hubs/northgate/edit/",
        "/networks/primary-music/",
    ],
    "coordinator@demo.test": ["/coordinator/", "/experts/stale/", "/coordinator/lone-rangers/"],
}  # fmt: skip


def axe_violations(page) -> list[str]:
    # Evaluated through the DevTools protocol: the page's Content Security Policy (no inline
    # script) rightly refuses a <script> element added with axe's text in it.
    page.wait_for_load_state()  # axe needs a document; a navigation may still be loading
    page.evaluate(AXE)
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("who", list(PAGES))
def test_pages_have_no_wcag_violations(page, demo, who, width):
    seed()
    seed_sessions()
    page.set_viewport_size({"width": width, "height": 900})
    if who:
        sign_in(page, who)
    paths = list(PAGES[who])
    if who == "teacher@demo.test":  # a session's own page, and an expert's
        paths.append(DevelopmentSession.objects.upcoming().first().get_absolute_url())
        paths.append(ExpertProfile.objects.visible().first().get_absolute_url())
    problems = {}
    for path in paths:
        page.goto(page.base_url + path)
        if found := axe_violations(page):
            problems[path] = found
    assert problems == {}
