"""Settings from the environment: embedded defaults, and safe production settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code_or_args, env_overrides: dict, args=False):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "CACHE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(env_overrides)
    cmd = [sys.executable, *code_or_args] if args else [sys.executable, "-c", code_or_args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603


PRINT_SETTINGS = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
django.setup()
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "cache": settings.CACHES["default"]["BACKEND"],
    "tz": settings.TIME_ZONE,
    "lang": settings.LANGUAGE_CODE,
    "proxies": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
    "sessions": settings.SESSION_ENGINE,
}))
"""


def test_nothing_set_means_sqlite_in_process_tasks_and_console_email():
    result = run(PRINT_SETTINGS, {})
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["engine"] == "django.db.backends.sqlite3"
    assert got["name"].endswith("var/cpdhub.sqlite3")
    assert got["eager"] is True
    assert got["email"] == "django.core.mail.backends.console.EmailBackend"
    assert (got["tz"], got["lang"]) == ("Europe/London", "en-gb")


def test_environment_switches_to_postgres_redis_and_smtp():
    result = run(
        PRINT_SETTINGS,
        {
            "DATABASE_URL": "postgres://cpd:pw@db:5432/cpdhub",
            "REDIS_URL": "redis://redis:6379/0",
            "EMAIL_URL": "smtp://mailpit:1025",
        },
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["engine"] == "django.db.backends.postgresql"
    assert got["eager"] is False
    assert got["broker"] == "redis://redis:6379/0"
    assert got["email"] == "django.core.mail.backends.smtp.EmailBackend"
    # Redis down must not stop sign-in: the cache degrades and logs (cpdhub/cache.py).
    assert got["cache"] == "cpdhub.cache.ResilientRedisCache"
    assert got["sessions"] == "cpdhub.sessions"  # the database, read through the cache


def test_production_refuses_to_start_without_a_secret_key():
    result = run(PRINT_SETTINGS, {"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {
            "DEBUG": "false",
            "SECRET_KEY": "x7!kq2-this-is-a-long-random-production-secret-key-0f9a8b7c6d5e",
            "ALLOWED_HOSTS": "cpd.example.org",
        },
        args=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_empty_variables_mean_not_set():
    # A compose .env file often has "DATABASE_URL=" and friends: the embedded defaults apply.
    empty = dict.fromkeys(
        [
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "CACHE_URL",
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "CONN_MAX_AGE",
            "CPDHUB_TRUSTED_PROXY_COUNT",
            "GOOGLE_CLIENT_ID",
            "MEDIA_ROOT",
        ],
        "",
    )
    result = run(PRINT_SETTINGS, empty)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["engine"] == "django.db.backends.sqlite3"
    assert got["eager"] is True
    assert got["email"] == "django.core.mail.backends.console.EmailBackend"
    assert got["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert got["proxies"] == 0


def test_proxy_count_comes_from_the_environment():
    result = run(PRINT_SETTINGS, {"CPDHUB_TRUSTED_PROXY_COUNT": "1"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["proxies"] == 1


PRINT_SECURITY = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
django.setup()
from django.conf import settings
print(json.dumps({
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "form_action": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"],
}))
"""


def test_production_cookies_are_secure_and_hsts_is_a_year():
    env = {"DEBUG": "false", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "cpd.example.org"}
    result = run(PRINT_SECURITY, env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["session_secure"] is True
    assert found["csrf_secure"] is True
    assert found["hsts"] == 60 * 60 * 24 * 365
    assert found["ssl_redirect"] is True
    assert found["form_action"] == ["'self'"]


def test_sign_in_with_google_may_post_to_google_and_nowhere_else():
    env = {"GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "secret"}
    result = run(PRINT_SECURITY, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["form_action"] == ["'self'", "https://accounts.google.com"]
