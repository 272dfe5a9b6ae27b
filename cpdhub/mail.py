"""
The one helper that sends the product's email, from a template set:
``templates/email/<kind>/{subject.txt,body.txt,body.html}``.

Every message goes through the notifications ledger (``notifications.services.notify``):
recorded once per recipient, kind and reason, skipped when the person opted out, claimed
before sending, so a retried task never sends the same email twice.
"""

from __future__ import annotations

from notifications.rendering import absolute_url, build_message, render_email  # noqa: F401


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
