"""
Rendering the product's email from a template set:
``templates/email/<kind>/{subject.txt,body.txt,body.html}``.

The subject and the plain-text body are rendered by a template engine with autoescaping
off (they are not HTML: "Maths & English" must not arrive as "Maths &amp; English"); the HTML
body by the site's own engine, escaped as every page is. Templates need no
``{% autoescape off %}`` of their own.
"""

from __future__ import annotations

import functools
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context, Engine
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string

_common_context: list = []


def register_common_context(provider) -> None:
    """
    Add what every email's context starts from (the community's name and contact): the app
    that owns it registers a function returning a dict in its ``AppConfig.ready()``, so the
    ledger imports no domain app.
    """
    if provider not in _common_context:
        _common_context.append(provider)


def common_context() -> dict:
    context: dict = {}
    for provider in _common_context:
        context.update(provider())
    return context


def from_address() -> str:
    """DEFAULT_FROM_EMAIL, named for the community when the setting gives no name of its own."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if not name:
        name = common_context().get("community_name", "")
    return formataddr((name, address)) if name else address


def absolute_url(path: str) -> str:
    """An absolute link for an email, from the site's configured base URL."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


@functools.cache
def text_engine() -> Engine:
    """
    The site's template engine again, with autoescaping off: for subjects and text parts. Built
    through the DjangoTemplates backend so it finds every installed app's tag libraries
    (``{% load money %}``) exactly as the HTML parts do.
    """
    (config,) = [t for t in settings.TEMPLATES if t["BACKEND"].endswith("DjangoTemplates")]
    options = {**config.get("OPTIONS", {}), "autoescape": False}
    params = {key: value for key, value in config.items() if key != "BACKEND"}
    return DjangoTemplates({**params, "NAME": "text-email", "OPTIONS": options}).engine


@receiver(setting_changed)
def _forget_text_engine(*, setting: str, **kwargs) -> None:
    if setting == "TEMPLATES":
        text_engine.cache_clear()


def render_text(template_name: str, context: dict) -> str:
    return text_engine().get_template(template_name).render(Context(context, autoescape=False))


def render_email(kind: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) for ``kind``: the subject on one line, the text unescaped."""
    context = {
        **common_context(),
        "preferences_url": absolute_url("/notifications/preferences/"),
        **context,
    }
    subject = render_text(f"email/{kind}/subject.txt", context)
    subject = " ".join(subject.split())  # one line, whatever the template's whitespace
    text = render_text(f"email/{kind}/body.txt", context)
    html = render_to_string(f"email/{kind}/body.html", context)
    return subject, text, html


def build_message(
    kind: str,
    *,
    to: list[str],
    context: dict,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    subject, text, html = render_email(kind, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_address(),
        to=to,
        reply_to=reply_to,
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message
