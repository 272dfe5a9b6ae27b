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

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """An absolute link for an email, from the site's configured base URL."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


@functools.cache
def text_engine() -> Engine:
    """The site's template directories and libraries, with autoescaping off: for text parts."""
    (config,) = [t for t in settings.TEMPLATES if t["BACKEND"].endswith("DjangoTemplates")]
    options = {
        key: value
        for key, value in config.get("OPTIONS", {}).items()
        if key in {"libraries", "builtins", "loaders", "string_if_invalid", "debug"}
    }
    # A bare Engine finds no app's templatetags: give it the ones the site's backend finds
    # ({% load money %} in an email), as DjangoTemplates does.
    options["libraries"] = {**get_installed_libraries(), **options.get("libraries", {})}
    return Engine(
        dirs=[str(d) for d in config.get("DIRS", [])],
        app_dirs=config.get("APP_DIRS", False) and "loaders" not in options,
        autoescape=False,
        **options,
    )


@receiver(setting_changed)
def _forget_text_engine(*, setting: str, **kwargs) -> None:
    if setting == "TEMPLATES":
        text_engine.cache_clear()


def render_text(template_name: str, context: dict) -> str:
    return text_engine().get_template(template_name).render(Context(context, autoescape=False))


def render_email(kind: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) for ``kind``: the subject on one line, the text unescaped."""
    context = {
        "community_name": settings.COMMUNITY_NAME,
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
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to,
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message
