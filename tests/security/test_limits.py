"""
Limits that stop abuse but not people, the parts the directory's limits
(tests/cpdhub/test_ratelimit.py) do not cover: sign-in, sign-up and password reset are limited
by allauth with the rates in settings.ACCOUNT_RATE_LIMITS, counted in the shared cache; the
N+1-th attempt is refused. Evidence files go only to their owner, as downloads that the browser
may not sniff into a page.

Upload size and type limits with their messages: tests/portfolios/test_forms.py (evidence) and
tests/hubs/test_onboarding_hostile.py (staff and school imports).
"""

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.utils import timezone

from portfolios.models import Entry, EntryAttachment

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery"  # tests/factories.py
REDIS = "redis://127.0.0.1:6379/12"


def allowed(action: str, per: str) -> int:
    """How many attempts the configured rate allows, e.g. 10 for "100/5m/ip,10/5m/key"."""
    for rate in settings.ACCOUNT_RATE_LIMITS[action].split(","):
        if rate.strip().endswith("/" + per):
            return int(rate.split("/")[0])
    raise AssertionError(f"no per-{per} limit for {action}")


def sign_in(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_the_limits_are_set_for_sign_in_sign_up_and_reset():
    limits = settings.ACCOUNT_RATE_LIMITS
    assert limits, "allauth's rate limits are switched off"
    for action in ("login_failed", "signup", "reset_password"):
        assert limits.get(action), action


def test_guessing_one_accounts_password_is_refused_after_the_limit(client, personas):
    n = allowed("login_failed", "key")
    for _ in range(n):
        response = sign_in(client, personas.owner.email, "wrong-guess")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    refused = sign_in(client, personas.owner.email, RIGHT)
    assert "_auth_user_id" not in client.session  # even the right password waits
    assert "Too many failed login attempts" in refused.content.decode()
    # Someone else signing in from the same place is not held up.
    assert sign_in(client, personas.colleague.email, RIGHT).status_code == 302


def test_sign_ups_from_one_address_are_refused_after_the_limit(client):
    n = allowed("signup", "ip")
    data = {"email": "not-an-address", "password1": "x", "password2": "y"}
    codes = [client.post("/accounts/signup/", data).status_code for _ in range(n)]
    assert 429 not in codes
    refused = client.post("/accounts/signup/", data)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Please wait a moment" in page
    # allauth's refusal has no wait of ours to show: the page still says something sensible.
    assert "Try again in a few minutes." in page
    assert "about  minute" not in page


def test_password_resets_for_one_address_are_refused_after_the_limit(client, personas, mailoutbox):
    n = allowed("reset_password", "key")
    for _ in range(n):
        assert client.post(
            "/accounts/password/reset/", {"email": personas.owner.email}
        ).status_code in (200, 302)
    sent = len(mailoutbox)
    refused = client.post("/accounts/password/reset/", {"email": personas.owner.email})
    assert refused.status_code == 429
    assert "Please wait a moment" in refused.content.decode()
    assert len(mailoutbox) == sent  # no more mail to the person being pestered


def test_failed_sign_ins_are_counted_in_redis_shared_by_every_process(client, personas, settings):
    """As in production (settings: the default cache is Redis when REDIS_URL is set): another
    process on the same Redis sees the counter, so two web processes count one guesser together."""
    other_process = redis.Redis.from_url(REDIS)
    try:
        other_process.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "cpdhub.cache.ResilientRedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": "cpdhub",
        }
    }
    caches["default"].clear()
    try:
        for _ in range(allowed("login_failed", "key")):
            sign_in(client, personas.owner.email, "wrong-guess")
        assert any(b"login_failed" in key for key in other_process.scan_iter("*"))
        refused = sign_in(client, personas.owner.email, RIGHT)
        assert "Too many failed login attempts" in refused.content.decode()
        assert "_auth_user_id" not in client.session
    finally:
        caches["default"].clear()


@pytest.fixture
def evidence(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    entry = Entry.objects.create(
        owner=personas.owner, date=timezone.localdate(), kind="reading", title="Reading", hours=1
    )
    item = EntryAttachment(
        entry=entry, original_name="notes.txt", content_type="text/plain", size=26
    )
    item.file.save("notes.txt", ContentFile(b"<script>alert(1)</script>"), save=True)
    return item


def test_evidence_is_a_download_the_browser_may_not_sniff(client, personas, evidence):
    client.force_login(personas.owner)
    response = client.get(evidence.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="notes.txt"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("who", ["colleague", "leader", "outsider", "other_leader", "coordinator"])
def test_nobody_else_gets_the_evidence(client, personas, evidence, who):
    client.force_login(getattr(personas, who))
    response = client.get(evidence.get_absolute_url())
    assert response.status_code == 404
    assert b"alert" not in response.content


def test_signed_out_visitors_are_sent_to_sign_in_for_evidence(client, evidence):
    response = client.get(evidence.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
