"""
Every view that reads a query string reads it through ``cpdhub/querystring.py`` (or a form), so
a NUL byte, an oversized value, a number too big for the database, "²" or a CR/LF is ignored or
a message, never a 500. On Postgres a NUL reaching a query is an error; on SQLite it is not, so
CI (Postgres) is where the NUL cases bite.

The list of views is checked against the code: a module that reads ``request.GET`` and is not
here fails ``test_every_module_that_reads_a_query_string_is_fuzzed_here``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from experts.models import ExpertProfile
from tests.experts.factories import ExpertProfileFactory
from tests.hubs.test_admin import with_totp
from tests.portfolios.factories import NeedFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "maths\x00",
    "x" * 10_000,
    "²",
    "9" * 30,
    "-1",
    "a\r\nX-Injected: 1",
    "2026/27\x00",
    "\u202egnp.exe",
]

# (module that reads the query string, role, URL, the parameters it reads)
TARGETS = [
    ("coordination/views.py", "coordinator", "/coordinator/", ["hub", "year", "term", "page"]),
    (
        "coordination/views.py",
        "coordinator",
        "/coordinator/needs/",
        ["area", "hub", "year", "term", "page"],
    ),
    ("coordination/views.py", "coordinator", "/coordinator/needs.csv", ["hub", "year", "term"]),
    ("coordination/views.py", "leader", "school-dashboard", ["year", "term", "page"]),
    ("hubs/views.py", "coordinator", "/coordinator/lone-rangers/", ["hub", "page"]),
    ("cpdhub/paging.py", "owner", "/hubs/", ["page"]),
    ("cpdhub/paging.py", "coordinator", "/coordinator/coaching/", ["page"]),
    ("cpdhub/paging.py", "coordinator", "/coordinator/quality/", ["page"]),
    (
        "experts/views.py",
        "owner",
        "/experts/",
        ["q", "area", "subject", "phase", "hub", "school", "offer", "page"],
    ),
    ("experts/views.py", "coordinator", "/experts/stale/", ["page"]),
    ("cpd_sessions/views.py", "owner", "/sessions/", ["q", "area", "page", "year"]),
    ("cpd_sessions/views.py", "owner", "/sessions/recordings/", ["q", "area", "page"]),
    ("cpd_sessions/views_approvals.py", "leader", "/sessions/approvals/", ["q", "show"]),
    ("cpd_sessions/views_approvals.py", "leader", "/sessions/budgets/", ["year", "page"]),
    ("portfolios/views.py", "owner", "/portfolio/log/new/", ["goal"]),
    ("portfolios/views.py", "owner", "/portfolio/", ["page"]),
    ("termly/admin.py", "admin", "digest-preview", ["person"]),
    ("experts/views.py", "owner", "a-profile", ["about"]),
    ("cpd_sessions/views.py", "coordinator", "/sessions/new/", ["kind", "scope", "hub", "network"]),
    (
        "coaching/views.py", "owner", "/coaching/steps/",
        ["q", "category", "phase", "subject", "scope", "page"],
    ),
    (
        "enquiry/views.py", "owner", "/enquiries/library/",
        ["q", "area", "phase", "subject", "kind", "page"],
    ),
    (
        "courses/views.py", "owner", "/courses/",
        ["q", "area", "phase", "format", "cost", "sort", "page"],
    ),
    ("courses/views.py", "owner", "/courses/requests/", ["page"]),
    ("courses/views.py", "owner", "/outside-networks/", ["page"]),
    ("training/views.py", "leader", "training-matrix", ["status", "requirement", "page", "format"]),
    ("training/views.py", "leader", "training-print", ["status", "requirement"]),
    ("schoolyear/views.py", "leader", "year-planner", ["year"]),
    ("schoolyear/views.py", "leader", "year-priorities", ["year"]),
    ("schoolyear/views.py", "coordinator", "/coordinator/year/", ["year"]),
]  # fmt: skip


def url_of(name: str, personas) -> str:
    if name == "school-dashboard":
        return reverse("coordination:school_dashboard", args=[personas.school.urn])
    if name.startswith("year-"):
        return reverse(f"schoolyear:{name[5:]}", args=[personas.school.urn])
    if name.startswith("training-"):
        return reverse(f"training:{name[9:]}", args=[personas.school.urn])
    if name == "digest-preview":
        return reverse("admin:notifications_digest_preview")
    if name == "a-profile":
        return ExpertProfile.objects.get(user=personas.outsider).get_absolute_url()
    return name


@pytest.mark.parametrize(
    ("role", "url", "params"),
    [(role, url, params) for _, role, url, params in TARGETS],
    ids=[url for _, _, url, _ in TARGETS],
)
def test_hostile_query_strings_are_never_a_server_error(client, personas, role, url, params):
    NeedFactory(owner=personas.owner)
    ExpertProfileFactory(user=personas.outsider)
    person = with_totp(personas.coordinator) if role == "admin" else getattr(personas, role)
    client.force_login(person)
    path = url_of(url, personas)
    assert client.get(path).status_code == 200
    answers = {}
    for name in params:
        for value in HOSTILE:
            response = client.get(path, {name: value})
            answers[(name, value[:12])] = response.status_code
    assert all(code < 500 for code in answers.values()), answers


def test_an_area_with_a_null_byte_shows_every_need(client, personas):
    need = NeedFactory(owner=personas.owner)
    client.force_login(personas.coordinator)
    response = client.get("/coordinator/needs/", {"area": "\x00"})
    assert response.status_code == 200
    assert need.description in response.content.decode()


def test_every_module_that_reads_a_query_string_is_fuzzed_here():
    root = Path(settings.BASE_DIR)
    reading = set()
    for app in [a for a in settings.INSTALLED_APPS if "." not in a] + ["cpdhub"]:
        folder = root / app
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.py"):
            if re.search(r"\.GET\b", path.read_text()):
                reading.add(str(path.relative_to(root)))
    guards = {
        "cpdhub/querystring.py",
        # Copies the query string into the page links (escaped there); looks nothing up.
        "hubs/templatetags/paging.py",
        # Reads only ?next=, kept only when url_has_allowed_host_and_scheme says it is this
        # site's (tests/hubs/test_admin.py follows it through two-factor set-up).
        "hubs/mfa_views.py",
    }
    assert reading - guards <= {module for module, *_ in TARGETS}, reading
