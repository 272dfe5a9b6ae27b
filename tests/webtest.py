"""
WebTest helpers: forms tested as a browser submits them.

Django's test client skips CSRF checks and posts whatever dict a test writes, so a form
without its token, a field the template forgot, or a button that posts to the wrong place
all pass. WebTest (django-webtest) opens the page, parses the rendered form, and submits
exactly what the browser would: the form's own action and method, its CSRF token, and its
fields by name. CSRF checks are ON (as in production).

Usage::

    def test_something(app, personas):
        page = app.sign_in(personas.owner).get("/portfolio/goals/new/")
        form = form_for(page, "")  # the form that posts back to this page
        form["title"] = "Better questioning"  # a KeyError-like failure if the field is missing
        done = form.submit().follow()  # 403 if the form has no CSRF token
        assert "is saved" in messages_on(done)

        page = app.get(f"/portfolio/goals/{goal.pk}/edit/")
        form_for(page, "portfolios:goal_delete", pk=goal.pk).submit()
"""

from __future__ import annotations

import re

import pytest
from bs4 import Tag
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_webtest import DjangoTestApp
from webtest.forms import Form
from webtest.response import TestResponse


class BrowserApp(DjangoTestApp):
    """A WebTest app whose persona signs in with a real session, as after allauth's login."""

    def sign_in(self, user) -> BrowserApp:
        """
        Sign ``user`` in through Django's own session machinery (``Client.force_login``, with
        the first backend in AUTHENTICATION_BACKENDS: hubs.backends), then carry the session
        cookie into this app. Pages load the user exactly as in production; no settings are
        patched. The allauth login form itself is walked in tests/hubs/test_forms_webtest.py.
        """
        client = Client()
        client.force_login(user)
        self.set_cookie(
            settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
        )
        return self


def form_for(page: TestResponse, url_name: str, *, index: int = 0, **kwargs) -> Form:
    """
    The ``method="post"`` form on ``page`` that posts to ``reverse(url_name, kwargs=kwargs)``,
    or, for a form with no action (it posts back to the page itself), pass ``url_name=""``.
    ``index`` picks among several forms posting to the same place, in page order.

    Finding a form by where it posts (not by its position) means a button that posts to the
    wrong place fails here, with the list of what the page does offer.
    """
    target = reverse(url_name, kwargs=kwargs) if url_name else ""
    page_path = page.request.path
    matches = []
    for form in page.forms.values():
        if form.method.lower() != "post":
            continue
        action = form.action or ""
        posts_here = action in ("", page_path)
        if (not target and posts_here) or (target and action == target):
            matches.append(form)
    # forms with an id are indexed twice (by position and by id)
    unique = list({id(form): form for form in matches}.values())
    if len(unique) <= index:
        offered = sorted({f.action or "(this page)" for f in page.forms.values()})
        raise AssertionError(
            f"No form posting to {target or 'this page'!r}; the page offers {offered}"
        )
    return unique[index]


def messages_on(page: TestResponse) -> str:
    """The text of the flash messages shown on the page (whitespace collapsed)."""
    return " ".join(
        " ".join(el.get_text(" ").split()) for el in page.html.select(".messages .alert")
    )


def text_of(page: TestResponse | Tag) -> str:
    """The visible text of a page (or of one element of it), whitespace collapsed."""
    element = page.html if isinstance(page, TestResponse) else page
    return re.sub(r"\s+", " ", element.get_text(" "))


@pytest.fixture
def app(db, settings) -> BrowserApp:
    """A browser-like client: CSRF checks on, the real middleware and backends, 500s raised."""
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    return BrowserApp()
