"""
Screenshots of the main pages, as each demo account sees them, for a look before a change
lands. Against a running demo (`make run`):

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000] [out-dir]

Writes PNGs (desktop and phone widths) to var/screenshots/ by default.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "var/screenshots")
PASSWORD = "cpd-demo-2026"  # noqa: S105 - the documented demo password
PAGES = {
    None: ["/", "/accounts/signup/"],
    "teacher@demo.test": [
        "/",
        "/hubs/",
        "/networks/primary-geography/",
        "/me/",
        "/experts/?q=questioning",
        "/experts/?q=retreival",
        "/sessions/",
        "/portfolio/",
    ],
    "expert@demo.test": ["/experts/me/"],
    "leader@demo.test": [
        "/",
        "/schools/148101/",
        "/schools/148101/invite/",
        "/sessions/approvals/",
        "/portfolio/needs/audit/",
    ],
    "coordinator@demo.test": ["/coordinator/", "/hubs/northgate/"],
}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for who, paths in PAGES.items():
            for width, label in [(1280, "desktop"), (390, "phone")]:
                context = browser.new_context(
                    viewport={"width": width, "height": 900},
                    locale="en-GB",
                    timezone_id="Europe/London",
                )
                page = context.new_page()
                if who:
                    page.goto(f"{BASE}/accounts/login/")
                    page.locator("#id_login").fill(who)
                    page.locator("#id_password").fill(PASSWORD)
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_load_state()
                for path in paths:
                    page.goto(BASE + path)
                    name = (
                        f"{(who or 'anonymous').split('@')[0]}{path.replace('/', '_')}-{label}.png"
                    )
                    page.screenshot(path=str(OUT / name), full_page=True)
                    print(OUT / name)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
