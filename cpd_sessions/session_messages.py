"""A lead's message to everyone booked on their session, sent through the ledger (``emails``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from hubs.models import User

from . import emails, permissions
from .lifecycle import SessionRefused
from .models import (
    DevelopmentSession,
    SessionMessage,
)


@dataclass
class MessageSent:
    message: SessionMessage
    created: bool
    recipients: int


@transaction.atomic
def session_message_send(
    *,
    session: DevelopmentSession,
    by: User,
    subject: str,
    body: str,
    token: str,
    include_waitlist: bool = False,
) -> MessageSent:
    """
    Email everyone with a place on the session (and the waitlist when asked) through the ledger:
    once per message and person. The same form sent twice (``token``) is the same message.
    """
    permissions.require_can_message_attendees(by, session)
    if session.status == DevelopmentSession.Status.CANCELLED:
        raise SessionRefused("The session is cancelled: everyone booked has already been told.")
    message, created = SessionMessage.objects.get_or_create(
        token=token,
        defaults={
            "session": session,
            "sent_by": by,
            "subject": subject,
            "body": body,
            "include_waitlist": include_waitlist,
        },
    )
    if message.session_id != session.pk:
        raise SessionRefused("This form was for another session: open it again from this one.")
    deliveries = emails.mail_session_message(message.pk)
    return MessageSent(message=message, created=created, recipients=len(deliveries))
