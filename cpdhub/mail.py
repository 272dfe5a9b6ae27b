"""
The one helper that sends the product's email, from a template set:
``templates/email/<kind>/{subject.txt,body.txt,body.html}``.

Every message goes through the notifications ledger (``notifications.services.notify``):
recorded once per recipient, kind and reason, skipped when the person opted out, claimed
before sending, so a retried task never sends the same email twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def render_email(kind: str, context: dict) -> tuple[str, str, str]:
    context = {
        "community_name": settings.COMMUNITY_NAME,
        "preferences_url": absolute_url("/notifications/preferences/"),
        **context,
    }
    subject = render_to_string(f"email/{kind}/subject.txt", context)
    subject = " ".join(subject.split())  # one line, whatever the template's whitespace
    text = render_to_string(f"email/{kind}/body.txt", context)
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


def send_templated_mail(
    kind: str,
    *,
    to: list[str],
    context: dict,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    key: str | None = None,
) -> None:
    """Send ``kind`` to each address in ``to``, once per ``key`` (see notifications.services)."""
    from notifications.services import notify

    notify(kind, to=to, context=context, reply_to=reply_to, headers=headers, key=key)


def absolute_url(path: str) -> str:
    """An absolute link for an email, from the site's configured base URL."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"
