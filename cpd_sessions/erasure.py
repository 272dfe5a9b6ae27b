"""Erasing an account (``hubs.signals.user_deleting``): what the person did in sessions stays as
counts, nothing says it was them.
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import (
    Q,
)

from cpdhub.erasure import names_of, scrub_text
from hubs.models import User

from .models import (
    Booking,
    BudgetEntry,
    CpdBudget,
    DevelopmentSession,
    Feedback,
    ReleaseRequest,
    SessionMessage,
)


def _sessions_forget_name(user: User) -> None:
    """Their name and address out of every free-text field of the sessions they led or proposed."""
    names = names_of(user)
    fields = [
        f.name
        for f in DevelopmentSession._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices
    ]
    sessions = DevelopmentSession.objects.filter(Q(leads=user) | Q(proposed_by=user)).distinct()
    for session in sessions:
        changed = []
        for name in fields:
            before = getattr(session, name)
            after = scrub_text(before, names)
            if after != before:
                setattr(session, name, after)
                changed.append(name)
        if changed:
            DevelopmentSession.objects.filter(pk=session.pk).update(
                **{name: getattr(session, name) for name in changed}
            )


# What a message a lead sent says once the lead's account is erased.
ERASED_MESSAGE_SUBJECT = "(Removed: an account was erased.)"


@transaction.atomic
def person_erase(*, user: User) -> None:
    """
    A person's account is being erased (``hubs.signals.user_deleting``, after their future
    places were cancelled): what they did stays as counts, nothing says it was them.

    - Bookings keep their session, status and register mark, lose the person and keep their
      school (``former_school``), so the school's figures (places, attendance, fee shares,
      release costs) are the same after as before.
    - Release requests keep their decision and costs; the words the person wrote (the goal it
      serves, the cover details) are blanked.
    - Feedback keeps its rating (the session's figures); the comments are blanked (a comment
      they agreed to share leaves the evaluation summary's page with them).
    - The budget ledger's rows stay (so the money adds up), unlinked and without their name;
      the person's own allocation goes (nobody is left to spend it).
    - Messages they emailed as a session's lead keep their date, lose their words.
    - The leader's reason for their decision (which may name them) is blanked too.
    - Sessions they led or proposed stay (others booked them), with their name and address
      taken out of the session's words.
    """
    ReleaseRequest.objects.filter(booking__user=user).update(goal="", cover_notes="", reason="")
    _sessions_forget_name(user)
    Feedback.objects.filter(booking__user=user).update(
        most_useful="", will_try="", comment="", anonymous=True, share_comment=False
    )
    Booking.objects.filter(user=user).update(user=None, former_school_id=user.school_id)
    for entry in BudgetEntry.objects.filter(user=user).only("pk", "reason"):
        reason = scrub_text(entry.reason, names_of(user))
        BudgetEntry.objects.filter(pk=entry.pk).update(user=None, reason=reason)
    CpdBudget.objects.filter(user=user).delete()
    SessionMessage.objects.filter(sent_by=user).update(
        sent_by=None, subject=ERASED_MESSAGE_SUBJECT, body=""
    )
