"""
Browser tests: Playwright (Python) driving Debian's Chromium against a live server.

Playwright cannot download its own browser here, so it launches /usr/bin/chromium
(``CHROMIUM_PATH`` overrides). Screenshots of failing tests land in ``test-results/``.
Each module here declares, statically so that pytest-django sees it when it orders and
sets up the databases::

    pytestmark = E2E

which marks it ``e2e`` and runs it on a transactional database (the live server reads what
the test writes). The flush after each such test re-runs ``post_migrate``, which restores
the reference data (phases, subjects, the Coordinators group: ``hubs/reference.py``).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from hubs.demo import seed
from tests.conftest import needs

# Playwright's sync API runs an event loop in this thread; the ORM calls in tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


E2E = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DEMO_PASSWORD = "cpd-demo-2026"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM_PATH).exists():
        needs(f"Chromium at {CHROMIUM_PATH} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request, live_server):
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.base_url = live_server.url
    # Whatever the Content Security Policy refused on any page a journey opened (an inline
    # style or script someone added) fails that test: Chromium reports each on the console.
    refused: list[str] = []
    tab.on(
        "console",
        lambda message: (
            refused.append(f"{tab.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        tab.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)
    context.close()
    if refused and report is not None and report.passed:
        pytest.fail("The Content Security Policy refused:\n" + "\n".join(refused))


@pytest.fixture
def demo():
    """The demo community of ``seed_demo``."""
    return seed()


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in").click()
