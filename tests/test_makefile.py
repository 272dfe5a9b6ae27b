"""The demo's links follow the address it is served on: ``make run HOST=…`` sets SITE_URL."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import needs


def _dry_run(*args: str) -> str:
    if shutil.which("make") is None:
        needs("make")
    return subprocess.run(  # noqa: S603 -- a fixed command, no shell
        ["make", "-n", "run", *args],  # noqa: S607 -- make from PATH, as a developer runs it
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize(
    ("args", "site_url"),
    [
        ((), "http://127.0.0.1:8000"),
        (("HOST=127.0.0.1:8160",), "http://127.0.0.1:8160"),
        (
            ("HOST=0.0.0.0:8160", "SITE_URL=http://cpd.school.test:8160"),
            "http://cpd.school.test:8160",
        ),
    ],
)
def test_site_url_follows_host(args, site_url):
    lines = _dry_run(*args).splitlines()
    served = [line for line in lines if "runserver" in line]
    seeded = [line for line in lines if "seed_demo" in line]
    assert served
    assert served[0].startswith(f"SITE_URL={site_url} ")
    assert seeded[0].startswith(f"SITE_URL={site_url} ")
