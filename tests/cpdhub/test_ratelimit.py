"""
Limits that stop abuse but not people: past a group's rate a person gets a
429 page that says how long to wait, the coordinator sees them in the admin, and nobody else
is slowed; the counters live in the shared cache (real Redis here), so every web process
counts together.
"""

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from cpdhub.ratelimit.models import ThrottledRequest
from tests.experts.factories import ExpertProfileFactory
from tests.hubs.test_admin import with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings):
    settings.CPDHUB_RATE_LIMITS = {
        **settings.CPDHUB_RATE_LIMITS,
        "directory": "3/m",
        "directory_export": "1/h",
        "profile": "2/m",
    }


def test_a_scraper_is_slowed_and_shown_to_the_coordinator(client, personas, tight):
    client.force_login(personas.owner)
    answers = [client.get(f"/experts/?page={n}").status_code for n in range(1, 6)]
    assert answers[:3] == [200, 200, 200]
    assert answers[3:] == [429, 429]
    refused = client.get("/experts/")
    assert "Please wait a moment" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    row = ThrottledRequest.objects.get(key=f"user:{personas.owner.pk}", group="directory")
    assert row.refused == 3
    assert row.user == personas.owner
    assert row.last_path == "/experts/"


def test_someone_else_is_not_slowed(client, personas, tight):
    client.force_login(personas.owner)
    for _ in range(4):
        client.get("/experts/")
    client.force_login(personas.colleague)
    assert client.get("/experts/").status_code == 200


def test_exports_have_their_own_tighter_limit(client, personas, tight):
    client.force_login(personas.owner)
    assert client.get(reverse("experts:csv")).status_code == 200
    assert client.get(reverse("experts:print")).status_code == 429
    assert client.get("/experts/").status_code == 200  # searching still works


def test_profiles_walked_one_by_one_are_limited(client, personas, tight):
    profiles = [ExpertProfileFactory() for _ in range(3)]
    client.force_login(personas.owner)
    codes = [client.get(p.get_absolute_url()).status_code for p in profiles]
    assert codes == [200, 200, 429]


def test_the_coordinator_sees_the_log_in_the_admin(client, personas, tight):
    client.force_login(personas.owner)
    for _ in range(4):
        client.get("/experts/")
    client.force_login(with_totp(personas.coordinator))
    page = client.get(reverse("admin:ratelimit_throttledrequest_changelist"))
    assert page.status_code == 200
    assert f"user:{personas.owner.pk}" in page.content.decode()


@pytest.mark.usefixtures("tight")
def test_counts_live_in_redis_for_every_process(client, personas, settings, redis_url):
    """The counters are in the shared cache: another process (here, a client of our own on
    the same Redis) sees them, so two web processes count one person together."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    caches["default"].clear()
    client.force_login(personas.owner)
    codes = [client.get("/experts/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other_process = redis.Redis.from_url(redis_url)
    counters = [k for k in other_process.scan_iter("*") if b"rl:" in k]
    assert counters
    caches["default"].clear()
