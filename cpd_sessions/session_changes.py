"""Offering and changing a session: propose, publish, update, cancel, and the minimum-numbers check
on the decision date. Which changes are allowed when, and the sentence refusing the rest, is
``lifecycle``; each function here checks permission, locks the session's row and applies it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from cpdhub.textbounds import too_long
from hubs.models import User

from . import emails, lifecycle, permissions
from .booking import demote_over_capacity, promote_from_waitlist
from .budget import settle_session
from .fee_shares import booking_school
from .lifecycle import SessionRefused
from .models import (
    Booking,
    DevelopmentSession,
    SessionDate,
)
from .seats import lock_session
from .signals import session_published, session_publishing


def set_dates(
    session: DevelopmentSession, dates: Sequence[tuple[datetime.datetime, datetime.datetime]]
) -> bool:
    """Make the session meet on ``dates`` (kept rows keep their ids, so calendar UIDs stay)."""
    dates = sorted(dates)
    existing = list(session.dates.order_by("start", "pk"))
    changed = [(d.start, d.end) for d in existing] != dates
    if not changed:
        return False
    for row, (start, end) in zip(existing, dates, strict=False):
        row.start, row.end = start, end
    # Shift out of the way first, so the unique (session, start) never sees a transient clash.
    for index, row in enumerate(existing[: len(dates)]):
        SessionDate.objects.filter(pk=row.pk).update(
            start=datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
            + datetime.timedelta(days=index),
            end=datetime.datetime(1900, 1, 1, 1, tzinfo=datetime.UTC)
            + datetime.timedelta(days=index),
        )
    for row in existing[: len(dates)]:
        row.save(update_fields=["start", "end"])
    for row in existing[len(dates) :]:
        row.delete()
    SessionDate.objects.bulk_create(
        [SessionDate(session=session, start=s, end=e) for s, e in dates[len(existing) :]]
    )
    session.start, session.end = dates[0][0], dates[-1][1]
    return True


SESSION_FIELDS = (
    "title",
    "description",
    "kind",
    "consultant",
    "job_roles",
    "scope",
    "hub",
    "network",
    "school",
    "format",
    "venue_school",
    "room",
    "join_link",
    "capacity",
    "booking_deadline",
    "fee",
    "cost_split",
    "min_places",
    "min_schools",
    "decision_date",
    "recording_url",
    "recording_consent",
    "materials",
)


M2M_FIELDS = ("areas", "phases", "subjects")


MOVES = ("format", "venue_school", "room", "join_link")


# The texts a session's change may hold, each bounded by its model field's ``max_length``.
SESSION_TEXTS = ("title", "description", "materials", "room", "cancel_reason")


def text_errors(model: type[models.Model], values: dict, fields: dict[str, str]) -> dict[str, str]:
    """The texts in ``values`` longer than their model field allows, worded, by key: ``fields``
    maps each key of ``values`` to the name of ``model``'s field that bounds it."""
    errors = {}
    for key, name in fields.items():
        limit = model._meta.get_field(name).max_length
        if isinstance(values.get(key), str) and len(values[key]) > limit:
            errors[key] = too_long(limit, len(values[key]))
    return errors


def _check_session(
    session: DevelopmentSession,
    dates: Sequence[tuple[datetime.datetime, datetime.datetime]] | None,
    old: Sequence[tuple[datetime.datetime, datetime.datetime]] = (),
) -> None:
    """The rules the form shows, again here for every other caller (admin, shell, tasks)."""
    errors = text_errors(DevelopmentSession, vars(session), {n: n for n in SESSION_TEXTS})
    if dates is not None:
        errors |= lifecycle.check_dates(dates, old=old, now=timezone.now())
    errors |= session.schedule_errors() | session.recording_errors()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_propose(
    *,
    by: User,
    dates: Sequence[tuple[datetime.datetime, datetime.datetime]],
    leads: Iterable[User] = (),
    **fields,
) -> DevelopmentSession:
    permissions.require_can_propose(by)
    dates = sorted(dates)
    session = DevelopmentSession(
        proposed_by=by,
        status=DevelopmentSession.Status.PROPOSED,
        start=dates[0][0],
        end=dates[-1][1],
        **{k: v for k, v in fields.items() if k in SESSION_FIELDS},
    )
    _check_session(session, dates)
    session.save()
    for name in M2M_FIELDS:
        if name in fields:
            getattr(session, name).set(fields[name])
    session.leads.set([by, *leads])
    SessionDate.objects.bulk_create(
        [SessionDate(session=session, start=s, end=e) for s, e in dates]
    )
    return session


@transaction.atomic
def private_session_create(
    *,
    by: User,
    title: str,
    kind: str,
    venue_school,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    dates: Sequence[tuple[datetime.datetime, datetime.datetime]] = (),
    capacity: int = 1,
    format: str = DevelopmentSession.Format.IN_PERSON,
    fee=None,
    areas: Iterable = (),
) -> DevelopmentSession:
    """
    A published private session on one date (``start``, ``end``: a visit that needs release
    time, a coach going to another school), or on several (``dates``: an external course that
    runs on three days, whose ``fee`` is then the booker's to ask for). Nobody
    but its proposer, the people booked on it and the coordinators sees it (``visible_to``); it
    is never listed, suggested or announced, so nothing is sent here. The person then books it
    (the usual form, or the calling app), which asks their CPD leader for release. The caller
    (coaching, enquiry, courses) decides who may plan one and words the title: no private notes.
    ``areas`` let the approvals page name colleagues in the community who offer the same.
    """
    dates = sorted(dates) if dates else [(start, end)]
    start, end = dates[0][0], dates[-1][1]
    session = DevelopmentSession(
        title=title,
        kind=kind,
        scope=DevelopmentSession.Scope.PRIVATE,
        format=format,
        venue_school=venue_school,
        capacity=capacity,
        status=DevelopmentSession.Status.PUBLISHED,
        proposed_by=by,
        start=start,
        end=end,
        fee=fee or 0,
        cost_split=DevelopmentSession.CostSplit.ATTENDEES,
    )
    _check_session(session, dates)
    session.save()
    SessionDate.objects.bulk_create(
        [SessionDate(session=session, start=s, end=e) for s, e in dates]
    )
    if areas:
        session.areas.set(areas)
    return session


@transaction.atomic
def session_publish(*, session: DevelopmentSession, by: User) -> None:
    permissions.require_can_publish(by, session)
    session = lock_session(session)
    if session.status == DevelopmentSession.Status.PUBLISHED:
        return  # a second click
    lifecycle.check_transition(session, DevelopmentSession.Status.PUBLISHED, now=timezone.now())
    session_publishing.send(sender=DevelopmentSession, session=session)  # may refuse
    DevelopmentSession.objects.filter(
        pk=session.pk, status=DevelopmentSession.Status.PROPOSED
    ).update(status=DevelopmentSession.Status.PUBLISHED)
    session.status = DevelopmentSession.Status.PUBLISHED
    session_published.send(sender=DevelopmentSession, session=session, by=by)


@transaction.atomic
def session_update(
    *,
    session: DevelopmentSession,
    by: User,
    dates: Sequence[tuple[datetime.datetime, datetime.datetime]] | None = None,
    **fields,
) -> bool:
    """
    Change a session. When the time or place changes, SEQUENCE goes up (calendars replace the
    event) and everyone booked is told. Returns whether it moved.
    """
    permissions.require_can_edit(by, session)
    session = lock_session(session)
    if session.status == DevelopmentSession.Status.CANCELLED:
        raise SessionRefused(
            f"This session is {session.get_status_display().lower()}, so it cannot be changed."
        )
    audience = ("scope", "hub", "network", "school")
    if session.status == DevelopmentSession.Status.PUBLISHED and any(
        name in fields and fields[name] != getattr(session, name) for name in audience
    ):
        new = {name: fields.get(name, getattr(session, name)) for name in audience}
        if not permissions.can_publish_to(
            by, scope=new["scope"], hub=new["hub"], network=new["network"]
        ):
            raise SessionRefused(
                "This session is published, and only a coordinator (or the lead of that hub or "
                "network) can publish a session for that audience: ask them to change it."
            )
    old_dates = list(session.dates.order_by("start").values_list("start", "end"))
    moved = any(
        name in fields and getattr(session, name) != fields[name]
        for name in MOVES
        if name != "venue_school"
    ) or ("venue_school" in fields and session.venue_school != fields["venue_school"])
    for name, value in fields.items():
        if name in SESSION_FIELDS:
            setattr(session, name, value)
    if dates is not None and set_dates(session, dates):
        moved = True
    # After the fields and dates are set, so deadlines meet the new first meeting; a refusal
    # here rolls the whole change back.
    _check_session(session, sorted(dates) if dates is not None else None, old_dates)
    if moved:
        session.sequence += 1
    session.save()
    for name in M2M_FIELDS:
        if name in fields:
            getattr(session, name).set(fields[name])
    # A raised capacity frees seats for the waitlist; a lowered one moves the latest back to it.
    demote_over_capacity(session)
    promote_from_waitlist(session)
    settle_session(session, "Places on the session changed", by=by)
    if moved and session.status == DevelopmentSession.Status.PUBLISHED:
        emails.mail_session_notice(session.pk, "session_changed")  # sent after commit
    return moved


@transaction.atomic
def session_cancel(*, session: DevelopmentSession, by: User | None, reason: str) -> None:
    """Cancel a session (``by`` None: the system, e.g. a minimum not met). Everyone is told."""
    if by is not None:
        permissions.require_can_cancel(by, session)
    session = lock_session(session)
    if session.status == DevelopmentSession.Status.CANCELLED:
        return
    lifecycle.check_transition(session, DevelopmentSession.Status.CANCELLED, now=timezone.now())
    reason = reason.strip()
    if errors := text_errors(DevelopmentSession, {"reason": reason}, {"reason": "cancel_reason"}):
        raise ValidationError(errors)
    session.status = DevelopmentSession.Status.CANCELLED
    session.cancel_reason = reason
    session.sequence += 1
    session.save(update_fields=["status", "cancel_reason", "sequence"])
    settle_session(session, "Session cancelled", by=by)
    emails.mail_session_notice(session.pk, "session_cancelled")  # sent after commit


def minimum_met(session: DevelopmentSession) -> bool:
    held = Booking.objects.filter(session=session, status__in=Booking.HOLDS_SEAT)
    if session.min_places and held.count() < session.min_places:
        return False
    schools = (
        held.annotate(counts_for=booking_school())
        .exclude(counts_for=None)
        .values("counts_for")
        .distinct()
        .count()
    )
    return not (session.min_schools and schools < session.min_schools)


@transaction.atomic
def session_check_minimum(*, session: DevelopmentSession) -> bool:
    """On the decision date: cancel when the minimum places or schools are not met."""
    session = lock_session(session)
    if session.status != DevelopmentSession.Status.PUBLISHED or minimum_met(session):
        return False
    if session.has_started:
        return False  # too late to call off: it has begun (a late run of the nightly task)
    parts = []
    if session.min_places:
        parts.append(f"{session.min_places} places")
    if session.min_schools:
        parts.append(f"{session.min_schools} schools")
    session_cancel(
        session=session,
        by=None,
        reason=f"Not enough bookings by the decision date (it needed {' and '.join(parts)}).",
    )
    return True
