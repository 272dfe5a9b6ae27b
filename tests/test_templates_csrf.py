"""
Every form that posts carries its CSRF token.

A check over the template files themselves, so a new page with a forgotten
``{% csrf_token %}`` fails here even before anyone writes its WebTest test (the bulk approval
form on /sessions/approvals/ shipped without one and answered 403 to every leader).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve, reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Forms that post without a token on purpose: template -> (the view it posts to, why).
# The view must be csrf_exempt, which the test below checks, so an entry cannot hide a bug.
EXEMPT = {
    "notifications/unsubscribe.html": (
        "notifications:unsubscribe",
        "RFC 8058 one-click unsubscribe: mail providers POST with no cookie and no token; the "
        "signed token in the URL is the only credential and the change is harmless to repeat.",
    ),
}

FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form\s*>", re.IGNORECASE | re.DOTALL)
POSTS = re.compile(r"""\bmethod\s*=\s*["']?post\b""", re.IGNORECASE)
TOKEN = re.compile(r"{%\s*csrf_token\s*%}")


def forms_without_token(text: str) -> list[str]:
    """The opening tags of forms in ``text`` that post but carry no ``{% csrf_token %}``."""
    missing = []
    for match in FORM.finditer(text):
        if POSTS.search(match["attrs"]) and not TOKEN.search(match["body"]):
            missing.append(f"<form{match['attrs']}>")
    return missing


def template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})


def test_the_check_finds_a_form_without_its_token():
    assert forms_without_token('<form method="post" action="/x/" id="f"></form>') == [
        '<form method="post" action="/x/" id="f">'
    ]
    assert forms_without_token("<FORM method=POST>\n<button>Go</button>\n</FORM>")
    assert not forms_without_token('<form method="post">{% csrf_token %}</form>')
    assert not forms_without_token('<form method="get"><input name="q"></form>')
    assert not forms_without_token("<form><input name=q></form>")  # GET by default


def test_every_posting_form_in_templates_has_its_csrf_token():
    assert len(template_files()) > 20  # the walk found the templates
    missing = {}
    for path in template_files():
        name = path.relative_to(TEMPLATES).as_posix()
        found = forms_without_token(path.read_text(encoding="utf-8"))
        if found and name not in EXEMPT:
            missing[name] = found
    assert not missing, (
        "These forms post without {% csrf_token %} (a browser gets 403 CSRF verification "
        f"failed): {missing}"
    )


@pytest.mark.parametrize("name", sorted(EXEMPT))
def test_each_exemption_is_real_and_still_needed(name):
    url_name, reason = EXEMPT[name]
    assert reason
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    assert forms_without_token(text), f"{name} has its token now: remove it from EXEMPT"
    view = resolve(reverse(url_name, kwargs={"token": "x"})).func
    assert getattr(view, "csrf_exempt", False), f"{url_name} is not csrf_exempt"


def test_htmx_writes_send_the_token_from_the_page():
    """hx-post and friends outside a form send the token base.html gives htmx as a header."""
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert re.search(r"""<body[^>]*hx-headers='\{"X-CSRFToken": "{{ csrf_token }}"\}'""", base)
