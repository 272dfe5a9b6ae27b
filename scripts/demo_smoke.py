"""
The embedded demo (`make run`: SQLite, in-process tasks) walked as each of its people: every page
reachable by following links from the home page, up to a bound, must answer without a server
error. The test suite runs on Postgres (as production does); this catches what only SQLite
refuses (it found /coordinator/needs/ answering 500 in the demo: a LIMIT inside a UNION).

    .venv/bin/python scripts/demo_smoke.py        # makes its own database in a temporary folder

Exit status 1 and the pages listed when any answered 500.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES_PER_PERSON = 400
PEOPLE = [
    None,
    "teacher@demo.test",
    "leader@demo.test",
    "expert@demo.test",
    "coordinator@demo.test",
]
# Never followed: signing out, deleting the account, the admin (its own tests), files.
SKIP = ("/static/", "/media/", "/accounts/logout", "/me/delete", "/admin/")


def main() -> int:
    folder = tempfile.mkdtemp(prefix="cpdhub-demo-smoke-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/demo.sqlite3"
    for name in ("REDIS_URL", "CACHE_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["MEDIA_ROOT"] = f"{folder}/media"
    sys.path.insert(0, str(ROOT))
    import django  # noqa: PLC0415 -- set up after the environment above

    django.setup()
    from django.conf import settings  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from hubs.models import User  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    settings.CPDHUB_RATE_LIMITS = {}  # one walker opens hundreds of pages a minute
    logging.disable(logging.WARNING)  # refusals (403, 404) are expected; 500s are counted below
    failures: list[str] = []
    for email in PEOPLE:
        client = Client(raise_request_exception=False)
        if email:
            client.force_login(User.objects.get(email=email))
        seen: set[str] = set()
        queue = ["/"]
        while queue and len(seen) < PAGES_PER_PERSON:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"{email or 'signed out'}: {url} answered {response.status_code}")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
                if not href.startswith(SKIP) and href not in seen:
                    queue.append(href.replace("&amp;", "&"))
        print(f"{email or 'signed out'}: {len(seen)} pages")
    for failure in failures:
        print(failure)
    print("demo smoke: " + ("FAILED" if failures else "no server error"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
