"""
The coordinator's CSV exports of sessions, bookings and release costs, streamed row
by row (``cpdhub.csvsafe.streaming_response``: formula-safe, never the whole file in memory).
Times are Europe/London; amounts in pounds.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cpdhub.csvsafe import streaming_response

from .models import Booking, DevelopmentSession, ReleaseRequest

CHUNK = 2000
ERASED = "An erased account"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def sessions_csv(queryset: QuerySet[DevelopmentSession]):
    rows = (
        queryset.select_related("hub", "network", "school", "consultant")
        .annotate(
            booked=Count("bookings", filter=Q(bookings__status__in=Booking.HOLDS_SEAT)),
            waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
        )
        .order_by("start", "pk")
    )
    return streaming_response(
        "sessions",
        ["id", "title", "kind", "status", "audience", "hub", "network", "school", "start",
         "end", "capacity", "booked", "waitlist", "fee (£)", "cost split", "consultant"],
        (
            [s.pk, s.title, s.get_kind_display(), s.get_status_display(),
             s.get_scope_display(), s.hub.name if s.hub else "",
             s.network.name if s.network else "", s.school.name if s.school else "",
             _when(s.start), _when(s.end), s.capacity, s.booked, s.waiting, s.fee,
             s.get_cost_split_display(), s.consultant.name if s.consultant else ""]
            for s in rows.iterator(chunk_size=CHUNK)
        ),
    )  # fmt: skip


def _person(booking: Booking, *, split: bool = True) -> list[str]:
    """The booker's name(s), email and school; an erased account's booking keeps its school."""
    user = booking.user
    if user is None:
        school = booking.former_school.name if booking.former_school else ""
        return [ERASED, "", "", school] if split else [ERASED, "", school]
    school = user.school.name if user.school else ""
    names = [user.first_name, user.last_name] if split else [user.full_name]
    return [*names, user.email, school]


def bookings_csv(queryset: QuerySet[Booking]):
    rows = queryset.select_related("session", "user__school", "former_school").order_by(
        "session__start", "pk"
    )
    return streaming_response(
        "bookings",
        ["session", "session start", "first name", "surname", "email", "school", "status",
         "waitlist position", "booked at"],
        (
            [b.session.title, _when(b.session.start), *_person(b), b.get_status_display(),
             b.waitlist_position or "", _when(b.created_at)]
            for b in rows.iterator(chunk_size=CHUNK)
        ),
    )  # fmt: skip


def release_costs_csv(queryset: QuerySet[ReleaseRequest]):
    rows = queryset.select_related(
        "booking__session", "booking__user__school", "booking__former_school", "decided_by"
    ).order_by("booking__session__start", "pk")
    return streaming_response(
        "release-costs",
        ["session", "session start", "person", "email", "school", "decision", "lessons covered",
         "supply cost (£)", "travel cost (£)", "fee share (£)", "total (£)", "decided by",
         "decided at"],
        (
            [r.booking.session.title, _when(r.booking.session.start),
             *_person(r.booking, split=False),
             r.get_decision_display(), r.cover_lessons, r.supply_cost, r.travel_cost,
             r.fee_share, r.total_cost, r.decided_by.full_name if r.decided_by else "",
             _when(r.decided_at)]
            for r in rows.iterator(chunk_size=CHUNK)
        ),
    )  # fmt: skip
