"""
Shared fixtures: the personas every write is tested with, and the switches that make skipped
Postgres, Redis or browser tests fail in CI instead of skipping silently.
"""

import os
import socket
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubs.models import COORDINATORS_GROUP, Community, School, User

from .factories import HubFactory, SchoolFactory, UserFactory

STRICT = os.environ.get("CPDHUB_STRICT", "").lower() in {"1", "true", "yes"}


def needs(what: str) -> None:
    """Skip a test whose service is missing here, or fail it when CPDHUB_STRICT is set (CI)."""
    if STRICT:
        pytest.fail(f"{what} is required (CPDHUB_STRICT is set) but is not available")
    pytest.skip(f"needs {what}")


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") and not settings.IS_POSTGRES:
        needs("Postgres (set DATABASE_URL)")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache; each test starts with none used.
    cache.clear()
    return


@pytest.fixture
def redis_url():
    """A real Redis on the machine (database 15, kept apart from anything else)."""
    if not _redis_reachable():
        needs("Redis at 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/15"


def verified(user: User) -> User:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


@dataclass
class Personas:
    """Two schools in two hubs; the people every write is tested with."""

    school: School
    other_school: School
    owner: User  # a teacher at `school`
    colleague: User  # another teacher at `school`
    leader: User  # CPD leader of `school`
    outsider: User  # a teacher at `other_school`
    other_leader: User  # CPD leader of `other_school`
    coordinator: User


@pytest.fixture
def community(db) -> Community:
    """A community that has been set up: its name and contact address, in the database."""
    return Community.objects.create(
        pk=1, name="Tyne Valley CPD Community", contact_email="cpd@tynevalley.org.uk"
    )


@pytest.fixture
def personas(db) -> Personas:
    hub, other_hub = HubFactory(name="North", slug="north"), HubFactory(name="South", slug="south")
    school = SchoolFactory(name="Ashgrove Primary School", hub=hub)
    other_school = SchoolFactory(
        name="Thornbury High School", hub=other_hub, phase=School.Phase.SECONDARY
    )
    people = Personas(
        school=school,
        other_school=other_school,
        owner=verified(UserFactory(first_name="Sam", last_name="Whitfield", school=school)),
        colleague=verified(UserFactory(first_name="Amelia", last_name="Hughes", school=school)),
        leader=verified(
            UserFactory(
                first_name="Priya",
                last_name="Shah",
                school=school,
                job_role=User.JobRole.SENIOR_LEADER,
            )
        ),
        outsider=verified(UserFactory(first_name="Owen", last_name="Bell", school=other_school)),
        other_leader=verified(
            UserFactory(
                first_name="Ruth",
                last_name="Kaur",
                school=other_school,
                job_role=User.JobRole.SENIOR_LEADER,
            )
        ),
        coordinator=verified(
            UserFactory(first_name="Helen", last_name="Okafor", school=None, is_staff=True)
        ),
    )
    school.cpd_leaders.add(people.leader)
    other_school.cpd_leaders.add(people.other_leader)
    people.coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    return people


class QueryCount(int):
    """A number of queries that shows its SQL when it is printed: an assertion comparing two
    counts (``assert count_queries(url) == few``) that fails prints every query of each."""

    def __new__(cls, queries: list[dict], url: str = ""):
        count = super().__new__(cls, len(queries))
        count.sql = [q["sql"] for q in queries]
        count.url = url
        return count

    def __repr__(self) -> str:
        lines = "\n".join(f"  {n}. {sql}" for n, sql in enumerate(self.sql, 1))
        return f"{int(self)} queries for {self.url}:\n{lines}\n"


@pytest.fixture
def count_queries(client):
    """How many queries a GET costs (with the shared cache filled), for "the same with 1 row
    and with many" assertions; a failing comparison prints the captured SQL of both counts
    (QueryCount)."""

    def run(url: str) -> QueryCount:
        # Once first, so what is the same for everyone is in the cache (cpdhub/shared_cache.py):
        # the count is that of every later request, not of the one after a change.
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return QueryCount(ctx.captured_queries, url)

    return run


# WebTest: forms submitted as a browser submits them (tests/webtest.py).
from .webtest import app  # noqa: E402, F401
