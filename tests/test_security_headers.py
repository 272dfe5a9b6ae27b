"""
Security headers on every answer, and templates the Content Security Policy can hold to: no
inline script, style or event handler in any page template (emails are not web pages: mail
clients need their inline styles; nor is the portfolio page inside the zip download, which is
opened from the person's own disk, where no policy applies, and must carry its own styles).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
INLINE = {
    "a <style> element": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


# Documents written into a download, never served: they have no stylesheet beside them.
NOT_SERVED = {"portfolios/export.html"}


def page_templates():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = path.relative_to(ROOT / "templates")
        if "email" not in relative.parts and relative.as_posix() not in NOT_SERVED:
            yield path


def test_no_page_template_needs_inline_script_or_style():
    found = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}: {what}"
        for path in page_templates()
        for text in [path.read_text()]
        for what, pattern in INLINE.items()
        for m in pattern.finditer(text)
    ]
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/experts/", "/no-such-page/"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = {
        part.split()[0]: part.split()[1:]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert not any("unsafe" in source for sources in csp.values() for source in sources)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_and_same_site(client):
    response = client.get("/accounts/login/")
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
