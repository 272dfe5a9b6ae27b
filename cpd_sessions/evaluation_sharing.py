"""
The writes of a session's evaluation shared back (``evaluation`` has the reads): the leads say
what they will change, the leads are asked for it once, and the summary is shared once.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from hubs.models import User

from . import emails, permissions
from .evaluation import due_to_ask, due_to_share
from .models import DevelopmentSession
from .session_changes import text_errors


@transaction.atomic
def will_change_set(*, session: DevelopmentSession, by: User, text: str) -> None:
    """A lead's "what we will change" (blank clears it). After the summary has gone, the page
    shows the new words; the summary is not sent again."""
    permissions.require_can_write_will_change(by, session)
    values = {"will_change": text.strip()}
    if errors := text_errors(DevelopmentSession, values, {"will_change": "will_change"}):
        raise ValidationError(errors)
    DevelopmentSession.objects.filter(pk=session.pk).update(**values)
    session.will_change = values["will_change"]


def evaluation_share(*, session_id: int, now: datetime.datetime) -> bool:
    """
    Share one session's summary: claim it (``evaluation_shared_at``, set once) and record its
    emails on the ledger in the same transaction, so a second run, or two at once, shares
    nothing more; the ledger's key keeps each person to one email besides. True if shared now.
    """
    with transaction.atomic():
        claimed = DevelopmentSession.objects.filter(
            pk=session_id, evaluation_shared_at__isnull=True
        ).update(evaluation_shared_at=now)
        if not claimed:
            return False
        session = DevelopmentSession.objects.get(pk=session_id)
        emails.mail_evaluation(session)
    return True


def evaluations_share_due(*, now: datetime.datetime) -> int:
    """Every session whose feedback window has closed and whose summary has not gone."""
    ids = list(due_to_share(now).values_list("pk", flat=True))
    return sum(evaluation_share(session_id=pk, now=now) for pk in ids)


def will_change_ask_due(*, now: datetime.datetime) -> int:
    """The leads of sessions that have ended (window still open), asked once each (the key)."""
    asked = 0
    for session in due_to_ask(now).filter(will_change="").prefetch_related("leads"):
        with transaction.atomic():
            asked += bool(emails.mail_will_change_request(session))
    return asked
