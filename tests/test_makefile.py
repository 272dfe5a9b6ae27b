"""The Makefile says what the project runs: the demo's links follow the address it is served on
(``make run HOST=…`` sets SITE_URL), and ``make lint`` is CI's lint step, word for word."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import needs


def _dry_run(*args: str, target: str = "run") -> str:
    if shutil.which("make") is None:
        needs("make")
    return subprocess.run(  # noqa: S603 -- a fixed command, no shell
        ["make", "-n", target, *args],  # noqa: S607 -- make from PATH, as a developer runs it
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


def test_make_lint_runs_every_check_ci_runs():
    lines = _dry_run(target="lint").splitlines()
    for command in (
        "ruff check .",
        "ruff format --check .",
        "manage.py makemigrations --check --dry-run",
        "lint-imports",
        "vulture",
    ):
        assert any(command in line for line in lines), f"make lint does not run {command!r}"


def test_ci_lints_through_make_lint_and_nothing_else():
    ci = (Path(settings.BASE_DIR) / ".ci" / "run").read_text()
    commands = [line.strip() for line in ci.splitlines() if not line.strip().startswith("#")]
    assert "make lint" in commands
    for repeated in ("ruff check", "ruff format", "makemigrations", "lint-imports", "vulture"):
        assert not any(repeated in line for line in commands), f".ci/run repeats {repeated!r}"
