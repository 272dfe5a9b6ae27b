"""The web tier: static files cached for ever by their hashed names, persistent
database connections, and gunicorn's configuration as the image and compose file use it."""

import json
import runpy
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpdhub.sessions import CACHED_FOR_SECONDS, SessionStore
from tests.test_settings import ROOT, run

SERVE_STATIC = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
django.setup()
from django.templatetags.static import static
from django.test import Client
client = Client()
hashed = static("css/site.css")
out = {"hashed": hashed}
for name, url in (("hashed", hashed), ("plain", "/static/css/site.css")):
    response = client.get(url)
    out[name + "_status"] = response.status_code
    out[name + "_cache"] = response.headers.get("Cache-Control")
print(json.dumps(out))
"""


@pytest.mark.slow
def test_static_files_with_hashed_names_are_cached_for_ever(tmp_path):
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "test-only-not-secret",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    collected = run(["manage.py", "collectstatic", "--noinput"], production, args=True)
    assert collected.returncode == 0, collected.stderr
    served = run(SERVE_STATIC, production)
    assert served.returncode == 0, served.stderr
    out = json.loads(served.stdout.strip().splitlines()[-1])
    # The page links the file by its content hash (ManifestStaticFilesStorage)…
    assert out["hashed"].startswith("/static/css/site.")
    assert out["hashed"] != "/static/css/site.css"
    # …which WhiteNoise serves with a far-future, immutable Cache-Control…
    assert out["hashed_status"] == 200
    assert "max-age=315360000" in out["hashed_cache"]
    assert "immutable" in out["hashed_cache"]
    # …while the unhashed name may change under its users, so it is cached briefly only.
    assert out["plain_status"] == 200
    assert "immutable" not in (out["plain_cache"] or "")


def test_database_connections_persist_and_are_checked(settings):
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        assert database["CONN_MAX_AGE"] == 0  # a file: nothing to keep open
    else:
        assert database["CONN_MAX_AGE"] >= 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_gunicorn_is_sized_from_the_cores(monkeypatch):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 4)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["worker_class"] == "gthread"
    assert conf["workers"] == 9  # two per core plus one
    assert conf["threads"] == 2
    assert conf["timeout"] == 30
    assert conf["graceful_timeout"] >= conf["timeout"]
    assert conf["max_requests"] > 0
    assert 0 < conf["max_requests_jitter"] < conf["max_requests"]

    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 2


@pytest.mark.parametrize("path", ["Dockerfile", "docker-compose.yml"])
def test_the_image_and_compose_run_gunicorn_with_its_config(path):
    text = Path(ROOT / path).read_text()
    assert '"gunicorn", "-c", "gunicorn.conf.py", "cpdhub.wsgi:application"' in text
    assert "--workers" not in text


# --- Sessions read through the cache (cpdhub/sessions.py) --------------------------------


@pytest.mark.django_db
def test_a_signed_in_page_reads_its_session_from_the_cache(client, personas):
    client.force_login(personas.owner)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


@pytest.mark.django_db
def test_losing_the_cache_signs_nobody_out(client, personas):
    client.force_login(personas.owner)
    cache.clear()  # Redis restarted, or the entry expired
    page = client.get("/")
    assert page.status_code == 200
    assert "Welcome, Sam" in page.content.decode()


@pytest.mark.django_db
def test_signing_out_ends_the_session_in_the_cache_and_the_database(client, personas):
    client.force_login(personas.owner)
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore(key).load() == {}


def test_a_session_stays_in_the_cache_five_minutes_at_most():
    store = SessionStore()
    assert store._cache._capped(14 * 24 * 3600) == CACHED_FOR_SECONDS == 300
    assert store._cache._capped(None) == 300
    assert store._cache._capped(60) == 60
