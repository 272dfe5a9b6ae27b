"""
Sign-in limits (docs/security-and-privacy.md, "Sign-in limits"): attackers are throttled, a
school behind one public address is not, the client's address comes from the trusted proxy, and
a cache outage never stops anyone signing in.
"""

import logging
import time
import types

import pytest
from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import verified
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
RIGHT = "correct-horse-battery"
DEAD_CACHE = {
    "default": {
        "BACKEND": "cpdhub.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:6399/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def sign_in(client, email, password, **extra):
    response = client.post(LOGIN, {"login": email, "password": password}, **extra)
    return response, "_auth_user_id" in client.session


def minutes_later(monkeypatch, minutes: float) -> None:
    """Move allauth's rate-limit clock forward (its counters are timestamps)."""
    later = time.time() + minutes * 60
    clock = types.SimpleNamespace(time=lambda: later, monotonic=time.monotonic, sleep=time.sleep)
    monkeypatch.setattr(ratelimit, "time", clock)


def test_right_password_after_a_few_typos_signs_in(client, personas):
    for _ in range(9):
        assert sign_in(client, personas.owner.email, "not-the-password")[1] is False
    response, signed_in = sign_in(client, personas.owner.email, RIGHT)
    assert signed_in, response.content.decode()


def test_ten_wrong_passwords_pause_the_account_for_five_minutes_only(client, personas, monkeypatch):
    for _ in range(10):
        sign_in(client, personas.owner.email, "not-the-password")
    response, signed_in = sign_in(client, personas.owner.email, RIGHT)
    assert not signed_in
    assert "Too many failed login attempts" in response.content.decode()
    # A colleague at the same address is not affected.
    assert sign_in(Client(), personas.colleague.email, RIGHT)[1]

    minutes_later(monkeypatch, 5.1)
    assert sign_in(Client(), personas.owner.email, RIGHT)[1]


def test_a_whole_school_signs_in_from_one_address_on_inset_morning(personas):
    staff = [
        verified(UserFactory(school=personas.school, email=f"staff{n}@ashgrove.test"))
        for n in range(30)
    ]
    for person in staff:
        colleague = Client(REMOTE_ADDR="203.0.113.10")
        # Everyone mistypes once, and a few use an address that has no account.
        sign_in(colleague, person.email, "monday-morning")
        sign_in(colleague, person.email.replace("staff", "staf"), RIGHT)
        response, signed_in = sign_in(colleague, person.email, RIGHT)
        assert signed_in, (person.email, response.status_code)


def test_failures_for_unknown_addresses_do_not_lock_out_the_school(personas):
    attacker = Client(REMOTE_ADDR="203.0.113.10")
    for n in range(10):
        sign_in(attacker, f"nobody{n}@ashgrove.test", "guess")
    assert sign_in(Client(REMOTE_ADDR="203.0.113.10"), personas.owner.email, RIGHT)[1]


def test_forwarded_for_counts_only_with_a_trusted_proxy(settings):
    adapter = get_adapter()
    forged = RequestFactory().post(
        LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
    )
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert adapter.get_client_ip(forged) == "10.0.0.2"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The last entry is the one our proxy appended; whatever the client sent before it is not.
    assert adapter.get_client_ip(forged) == "203.0.113.7"


def test_behind_the_proxy_an_attacker_does_not_lock_out_other_schools(settings, personas):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.66")
    for n in range(100):
        sign_in(attacker, f"nobody{n}@ashgrove.test", "guess")
    response, signed_in = sign_in(attacker, personas.outsider.email, RIGHT)
    assert not signed_in  # the attacker's own address is paused ...
    assert "Too many failed login attempts" in response.content.decode()
    # ... and everyone else behind the same proxy signs in.
    school = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert sign_in(school, personas.owner.email, RIGHT)[1]


def test_with_the_cache_unreachable_sign_in_and_pages_work_and_it_is_logged(
    client, personas, settings, caplog
):
    settings.CACHES = DEAD_CACHE
    with caplog.at_level(logging.ERROR, logger="cpdhub.cache"):
        response, signed_in = sign_in(client, personas.owner.email, RIGHT)
        assert signed_in, response.status_code
        assert client.get(reverse("experts:directory")).status_code == 200
        assert client.get("/").status_code == 200
    assert any(
        "cache unreachable: rate limits not applied" in record.getMessage()
        and record.levelno == logging.ERROR
        for record in caplog.records
    )


def test_wrong_password_with_the_cache_unreachable_is_still_refused(client, personas, settings):
    settings.CACHES = DEAD_CACHE
    response, signed_in = sign_in(client, personas.owner.email, "not-the-password")
    assert not signed_in
    assert response.status_code == 200


@pytest.mark.parametrize("provider", ["google", "microsoft"])
@pytest.mark.parametrize("path", ["login/", "login/callback/"])
def test_sign_in_with_a_provider_that_is_not_set_up_is_not_found(client, provider, path):
    assert client.get(f"/accounts/{provider}/{path}").status_code == 404
    assert client.post(f"/accounts/{provider}/login/").status_code == 404


def test_an_unreachable_cache_is_not_retried_on_every_call(settings, caplog):
    settings.CACHES = DEAD_CACHE
    with caplog.at_level(logging.ERROR, logger="cpdhub.cache"):
        assert cache.get("a", "empty") == "empty"
        assert cache.add("lock", True) is True
        cache.set("b", 1)
        assert cache.get("b") is None
    errors = [r for r in caplog.records if r.name == "cpdhub.cache"]
    assert len(errors) == 1, [r.getMessage() for r in errors]
