"""
Release time and cost (by term, and by school and term) and feedback ratings of the sessions in a
period, counted per school for its summary row (``SchoolFigures.release`` and ``.ratings``, kept
with the school's participation figures: participation.py) and put together from those rows.
A booking counts for its person's school, or the school kept on it once they were erased
(``cpd_sessions.fee_shares.booking_school``); bookings that count for no school are counted live,
and only for the whole community, the one scope that shows them. Counts and sums only.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When

from cpd_sessions.fee_shares import booking_of_hub, booking_of_schools, booking_school
from cpd_sessions.models import Booking, Feedback, ReleaseRequest
from hubs.models import User

from .filters import Filters

OUTSIDE_TERMS = 0  # the term id of requests for sessions outside every term's dates
RATINGS = range(5, 0, -1)


@dataclass
class Release:
    name: str  # a term's name, or a school's
    requests: int = 0
    approved: int = 0
    lessons: int = 0
    cost: Decimal = Decimal(0)  # supply, travel and fee share of approved requests
    term: str = ""


def period_terms(filters: Filters) -> list:
    """The terms a period's release is shown by: its term, or the year's terms."""
    return [filters.term] if filters.term else filters.terms


def _of_sessions_in(model, filters: Filters, school_ids: list[int] | None):
    """Rows of ``model`` (through its booking) for sessions in the period, of the schools in
    scope (None: the filters' hub, or every booking when there is none)."""
    rows = model.objects.filter(
        booking__session__start__gte=filters.moments[0],
        booking__session__start__lt=filters.moments[1],
    )
    if school_ids is not None:
        rows = rows.filter(booking_of_schools(school_ids, "booking__"))
    elif filters.hub:
        rows = rows.filter(booking_of_hub(filters.hub, "booking__"))
    return rows


def _of_no_school(model, filters: Filters):
    """Rows of ``model`` whose booking counts for no school: found from the few people of no
    school and the erased of none (both through their index), not from every booking."""
    # Each part unordered: SQLite refuses an ORDER BY inside a UNION (the bookings' default).
    nobody = (
        Booking.objects.filter(user__in=User.objects.filter(school__isnull=True).values("pk"))
        .order_by()
        .values("pk")
        .union(
            Booking.objects.filter(user__isnull=True, former_school__isnull=True)
            .order_by()
            .values("pk")
        )
    )
    return _of_sessions_in(model, filters, None).filter(booking__in=nobody)


def release_counts(requests, filters: Filters) -> dict[int | None, dict[str, list]]:
    """Release requests grouped by the school they count for and term: {school id: {term id as
    text: [requests, approved, lessons covered, cost as text]}}. One query."""
    in_term = Case(
        *[
            When(booking__session__start__date__range=(t.start, t.end), then=Value(t.pk))
            for t in period_terms(filters)
        ],
        default=Value(OUTSIDE_TERMS),
        output_field=IntegerField(),
    )
    approved = Q(decision=ReleaseRequest.Decision.APPROVED)
    found: dict[int | None, dict[str, list]] = {}
    for school_id, term_id, n, yes, lessons, supply, travel, fee in (
        requests.order_by()
        .annotate(term_id=in_term, school_id=booking_school("booking__"))
        .values_list("school_id", "term_id")
        .annotate(
            n=Count("pk"),
            yes=Count("pk", filter=approved),
            lessons=Sum("cover_lessons", filter=approved),
            supply=Sum("supply_cost", filter=approved),
            travel=Sum("travel_cost", filter=approved),
            fee=Sum("fee_share", filter=approved),
        )
    ):
        cost = (supply or 0) + (travel or 0) + (fee or 0)
        found.setdefault(school_id, {})[str(term_id)] = [n, yes, lessons or 0, str(cost)]
    return found


def ratings_counts(feedback) -> dict[int | None, dict[str, int]]:
    """Feedback grouped by the school its booking counts for and rating: {school id: {rating as
    text: how many}}. One query."""
    found: dict[int | None, dict[str, int]] = {}
    for school_id, rating, n in (
        feedback.order_by()
        .annotate(school_id=booking_school("booking__"))
        .values_list("school_id", "rating")
        .annotate(n=Count("pk"))
    ):
        found.setdefault(school_id, {})[str(rating)] = n
    return found


def school_release(school_ids: list[int] | None, filters: Filters) -> dict:
    """Each school's release figures of the period, counted from every request in scope."""
    return release_counts(_of_sessions_in(ReleaseRequest, filters, school_ids), filters)


def school_ratings(school_ids: list[int] | None, filters: Filters) -> dict:
    return ratings_counts(_of_sessions_in(Feedback, filters, school_ids))


def no_school_release(filters: Filters) -> dict[str, list]:
    """Release requests of bookings that count for no school (the whole community's only)."""
    return release_counts(_of_no_school(ReleaseRequest, filters), filters).get(None, {})


def no_school_ratings(filters: Filters) -> dict[str, int]:
    return ratings_counts(_of_no_school(Feedback, filters)).get(None, {})


# One school's requests in one term: (cost, school, term, requests, approved, lessons).
Entry = tuple[Decimal, str, str, int, int, int]


def _costliest_first(entry: Entry):
    return (-entry[0], entry[1], entry[2])


def release_rows(
    schools, filters: Filters, no_school: dict[str, list] | None = None
) -> tuple[list[Release], list[Entry]]:
    """Release by term, and each (school, term)'s entry, from each school's counts
    (``schools``: rows with ``name`` and ``release``) and those of no school. The entries are
    made rows only when read (``by_school``, ``costliest``): the page shows a few."""
    terms = period_terms(filters)
    names = {str(t.pk): t.name for t in terms}
    by_term: dict[str, Release] = {}
    entries: list[Entry] = []
    counted = [(row.name, row.release) for row in schools if row.release]
    if no_school:
        counted.append(("No school", no_school))
    for name, release in counted:
        for term_id, (n, yes, lessons, cost) in release.items():
            term_name = names.get(term_id, "Outside term dates")
            cost = Decimal(cost)
            total = by_term.get(term_id)
            if total is None:
                total = by_term[term_id] = Release(name=term_name)
            total.requests += n
            total.approved += yes
            total.lessons += lessons
            total.cost += cost
            entries.append((cost, name, term_name, n, yes, lessons))
    order = {str(t.pk): i for i, t in enumerate(terms)}
    term_rows = sorted(by_term.items(), key=lambda kv: order.get(kv[0], len(order)))
    return [r for _, r in term_rows], entries


def _row(entry: Entry) -> Release:
    cost, name, term, n, yes, lessons = entry
    return Release(name=name, requests=n, approved=yes, lessons=lessons, cost=cost, term=term)


def by_school(entries: list[Entry]) -> list[Release]:
    """Every (school, term)'s release, most costly first."""
    return [_row(e) for e in sorted(entries, key=_costliest_first)]


def costliest(entries: list[Entry], n: int) -> list[Release]:
    """The ``n`` most costly (school, term)s, without sorting them all."""
    return [_row(e) for e in heapq.nsmallest(n, entries, key=_costliest_first)]


def ratings_of(schools, no_school: dict[str, int] | None = None) -> list[tuple[int, int]]:
    """Feedback by rating, 5 to 1, from each school's counts and those of no school."""
    totals = dict.fromkeys(RATINGS, 0)
    for ratings in [row.ratings for row in schools] + [no_school or {}]:
        for rating, n in ratings.items():
            totals[int(rating)] += n
    return [(r, totals[r]) for r in RATINGS]
