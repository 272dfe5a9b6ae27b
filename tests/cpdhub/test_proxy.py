"""
The client's address and scheme come from a proxy only when there is one to trust.

- The shipped compose file puts Caddy (Caddyfile) in front of gunicorn as the only way in: it
  alone publishes a port, it replaces X-Forwarded-For/Proto with what it sees, it caps request
  bodies and times out slow clients, and web trusts exactly that one proxy.
- With no trusted proxy (the settings' default), X-Forwarded-For is ignored and X-Forwarded-Proto
  is not believed: a client that sends a new address each time is still refused at the limit.
- With one trusted proxy, the address it appended (the last X-Forwarded-For entry, the one just
  before the proxy's own REMOTE_ADDR) is the client's; what the client wrote before it is not.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
import yaml
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from cpdhub.ratelimit.limits import client_key
from hubs.onboarding.files import MAX_UPLOAD_BYTES
from portfolios.files import MAX_ATTACHMENT_BYTES
from tests.test_settings import run

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
MB = 1024 * 1024


def caddyfile() -> str:
    """The Caddyfile without its comments."""
    text = (ROOT / "Caddyfile").read_text()
    return "\n".join(line.split("#", 1)[0].rstrip() for line in text.splitlines())


def published(service: dict) -> list[str]:
    """The ports a service publishes beyond this machine (127.0.0.1:… stays on it)."""
    return [str(p) for p in service.get("ports", []) if not str(p).startswith("127.0.0.1:")]


def app_environment(name: str) -> dict:
    return SERVICES[name]["environment"]


# --- the compose file and the Caddyfile ------------------------------------------------


def test_only_the_proxy_publishes_a_port():
    assert {name for name, service in SERVICES.items() if published(service)} == {"proxy"}
    assert "ports" not in SERVICES["web"]
    assert SERVICES["proxy"]["image"].startswith("caddy:")


def test_web_is_reached_through_the_proxy():
    proxy = SERVICES["proxy"]
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert "web" in proxy["depends_on"]
    upstreams = re.findall(r"^\s*reverse_proxy\s+(\S+)", caddyfile(), re.MULTILINE)
    gunicorn_port = "8000"  # gunicorn.conf.py's default bind, 0.0.0.0:8000
    assert upstreams == [f"web:{gunicorn_port}"]
    assert SERVICES["web"]["expose"] == [gunicorn_port]
    assert any(port.endswith(":80") for port in published(proxy))


def test_the_trusted_proxy_count_is_the_number_of_proxies():
    """One proxy, and it trusts nobody in front of it: Caddy then replaces X-Forwarded-For and
    X-Forwarded-Proto with the address and scheme it sees (checked with caddy 2.11: a client's
    own X-Forwarded-For: 6.6.6.6 reached the upstream as the client's real address). A second
    proxy in front would appear in trusted_proxies and make the count 2."""
    proxies = [name for name, s in SERVICES.items() if str(s.get("image", "")).startswith("caddy")]
    in_front_of_caddy = re.findall(r"^\s*trusted_proxies\b", caddyfile(), re.MULTILINE)
    assert in_front_of_caddy == []
    expected = len(proxies) + len(in_front_of_caddy)
    for name in ("web", "worker", "beat", "migrate"):
        assert int(app_environment(name)["CPDHUB_TRUSTED_PROXY_COUNT"]) == expected
    # Nothing in the Caddyfile passes a client's X-Forwarded-* through.
    assert not re.search(r"header_up\s+\+?X-Forwarded", caddyfile(), re.IGNORECASE)


def test_the_proxy_caps_bodies_and_times_out_slow_clients():
    config = caddyfile()
    (limit,) = re.findall(r"request_body\s*{\s*max_size\s+(\d+)MB\s*}", config)
    limit_bytes = int(limit) * MB
    # Room for the largest upload the product accepts (plus its form), and no more than that.
    largest = max(MAX_UPLOAD_BYTES, MAX_ATTACHMENT_BYTES)
    assert largest < limit_bytes <= largest + 10 * MB
    # The body is read whole before web sees it (a slow upload holds no gunicorn thread).
    assert re.search(rf"request_buffers\s+{limit}MB", config)
    for timeout in ("read_header", "read_body", "write", "idle"):
        assert re.search(rf"^\s*{timeout}\s+\d+[sm]$", config, re.MULTILINE), timeout
    assert re.search(r"response_header_timeout\s+\d+s", config)


def test_mailpit_s_inbox_stays_on_the_machine():
    # It shows every email sent, sign-in and reset links included.
    assert [str(p) for p in SERVICES["mailpit"]["ports"]] == ["127.0.0.1:8025:8025"]


# --- X-Forwarded-Proto ------------------------------------------------------------------

PRINT_PROXY = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
django.setup()
from django.conf import settings
print(json.dumps({"ssl_header": settings.SECURE_PROXY_SSL_HEADER}))
"""
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "cpd.example.org"}


@pytest.mark.parametrize(
    ("proxies", "believed"),
    [("", None), ("0", None), ("1", ["HTTP_X_FORWARDED_PROTO", "https"])],
)
def test_forwarded_proto_is_believed_only_behind_a_trusted_proxy(proxies, believed):
    result = run(PRINT_PROXY, {**PRODUCTION, "CPDHUB_TRUSTED_PROXY_COUNT": proxies})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["ssl_header"] == believed


def test_a_client_s_forwarded_proto_does_not_make_a_request_secure(settings):
    settings.SECURE_PROXY_SSL_HEADER = None  # no trusted proxy: the default
    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert not request.is_secure()


# --- the client's address for the rate limits -------------------------------------------

PROXY_ADDRESS = "10.0.0.2"
CLIENT = "198.51.100.7"
LIMIT = 3


def forged_addresses():
    """A new made-up address for every request."""
    return (f"203.0.113.{n}" for n in itertools.count(1))


@pytest.fixture
def tight(settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": f"{LIMIT}/5m/ip",
        "signup": f"{LIMIT}/m/ip",
        "reset_password": f"{LIMIT}/m/ip",
    }


def sign_in_fails(client: Client, n: int, headers: dict) -> int:
    response = client.post(
        reverse("account_login"),
        {"login": f"nobody{n}@ashgrove.test", "password": "guess"},
        **headers,
    )
    refused = "Too many failed login attempts" in response.content.decode()
    return 429 if refused else response.status_code


def sign_up(client: Client, n: int, headers: dict) -> int:
    data = {"email": f"nobody{n}@ashgrove.test", "password1": "x", "password2": "y"}
    return client.post(reverse("account_signup"), data, **headers).status_code


def reset(client: Client, n: int, headers: dict) -> int:
    data = {"email": f"nobody{n}@ashgrove.test"}
    return client.post(reverse("account_reset_password"), data, **headers).status_code


ACTIONS = [sign_in_fails, sign_up, reset]


@pytest.mark.django_db
@pytest.mark.usefixtures("tight")
@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.__name__)
def test_without_a_proxy_a_forged_forwarded_for_changes_nothing(settings, action):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR=CLIENT)
    forged = forged_addresses()
    answers = [action(client, n, {"HTTP_X_FORWARDED_FOR": next(forged)}) for n in range(LIMIT + 1)]
    assert 429 not in answers[:LIMIT]
    assert answers[LIMIT] == 429
    # Someone at another address is not held up.
    assert action(Client(REMOTE_ADDR="192.0.2.50"), 99, {}) != 429


@pytest.mark.django_db
@pytest.mark.usefixtures("tight")
@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.__name__)
def test_behind_one_proxy_the_address_it_appended_is_the_client_s(settings, action):
    """The client writes a new X-Forwarded-For each time; the proxy appends the address it sees
    (a proxy that overwrites gives just that address: the same thing to web)."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR=PROXY_ADDRESS)
    forged = forged_addresses()
    answers = [
        action(client, n, {"HTTP_X_FORWARDED_FOR": f"{next(forged)}, {CLIENT}"})
        for n in range(LIMIT + 1)
    ]
    assert 429 not in answers[:LIMIT]
    assert answers[LIMIT] == 429
    # Another client behind the same proxy is not held up.
    assert action(client, 99, {"HTTP_X_FORWARDED_FOR": "192.0.2.50"}) != 429


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [(0, PROXY_ADDRESS), (1, CLIENT)],
)
def test_the_client_address_allauth_and_our_limits_use(settings, proxies, expected):
    """Right to left: REMOTE_ADDR is the proxy, the X-Forwarded-For entry before it the client
    as the proxy saw it; anything further left the client wrote itself."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY_ADDRESS, HTTP_X_FORWARDED_FOR=f"203.0.113.9, {CLIENT}"
    )
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert get_adapter().get_client_ip(request) == expected
    assert client_key("directory", request) == f"ip:{expected}"


@pytest.mark.django_db(transaction=True)
def test_web_s_health_check_passes_with_the_site_s_own_host_names(
    live_server, settings, monkeypatch
):
    """The container's health check asks /healthz as the proxy would, with a host name web
    accepts: a production ALLOWED_HOSTS without 127.0.0.1 would answer it 400 otherwise."""
    settings.ALLOWED_HOSTS = ["cpd.example.org"]
    check = SERVICES["web"]["healthcheck"]["test"]
    assert check[:3] == ["CMD", "python", "-c"]
    code = check[3].replace("http://127.0.0.1:8000", live_server.url)
    assert code != check[3]
    monkeypatch.setenv("ALLOWED_HOSTS", "cpd.example.org,www.cpd.example.org")
    exec(compile(code, "healthcheck", "exec"), {})  # noqa: S102 -- the compose file's own command
    monkeypatch.setenv("ALLOWED_HOSTS", "")
    with pytest.raises(Exception, match="400"):  # 'localhost' is not one of the site's names
        exec(compile(code, "healthcheck", "exec"), {})  # noqa: S102 -- the same command
