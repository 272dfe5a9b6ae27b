"""
Each school's participation in the period (staff, confirmed addresses, network members,
bookings, attendance, CPD logged), added up by hub and for the whole scope.

Every figure comes from one ``GROUP BY`` per measure over the whole scope (the community, a
hub or a school), keyed by school: a fixed number of queries whatever the number of schools,
and no correlated subquery per row. Hub totals, the page of schools shown and the CSV rows are
then put together from those few result sets in Python. Counts only: no one's words are read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, OuterRef, Q, Sum

from cpd_sessions.models import Attendance, Booking
from hubs.models import School, SchoolDomain, SubjectNetwork, User
from portfolios.models import Entry

from .filters import Filters

SCHOOLS_PER_PAGE = 50


@dataclass
class Participation:
    """One school's (or hub's, or the whole scope's) figures for the period."""

    name: str
    staff: int = 0
    confirmed: int = 0  # confirmed email addresses
    in_network: int = 0
    booked: int = 0  # people with a place at a session in the period
    attended: int = 0  # people marked present
    logged: int = 0  # people who logged CPD in their portfolio
    hours: Decimal = Decimal(0)
    schools: int = 1
    pk: int | None = None
    urn: int | None = None
    hub: str = ""
    leaders: list[str] = field(default_factory=list)
    has_domain: bool = True
    has_leader: bool = True

    MEASURES = ("staff", "confirmed", "in_network", "booked", "attended", "logged", "hours")

    def add(self, other: Participation) -> None:
        for name in self.MEASURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def taking_part(self) -> int:
        """Share of staff who booked, attended or logged anything, in per cent."""
        if not self.staff:
            return 0
        return round(100 * max(self.booked, self.attended, self.logged) / self.staff)


def _by_school(queryset, school_path: str, measure) -> dict[int, object]:
    return dict(queryset.order_by().values_list(school_path).annotate(v=measure))


def school_rows(school_ids: list[int] | None, filters: Filters) -> list[Participation]:
    """Every school in scope with its participation in the period: seven grouped queries."""
    schools = School.objects.all()
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids)
    elif filters.hub:
        schools = schools.filter(hub=filters.hub)
    leaders = School.cpd_leaders.through.objects.filter(school=OuterRef("pk"))
    rows = {
        pk: Participation(
            name=name, pk=pk, urn=urn, hub=hub or "", has_domain=domain, has_leader=leader
        )
        for pk, name, urn, hub, domain, leader in schools.annotate(
            has_domain=Exists(SchoolDomain.objects.filter(school=OuterRef("pk"))),
            has_leader=Exists(leaders),
        )
        .order_by("hub__name", "name")
        .values_list("pk", "name", "urn", "hub__name", "has_domain", "has_leader")
    }
    start, end = filters.start, filters.end

    def people(prefix: str = "") -> Q:
        """Active staff of the schools in scope, as plain conditions on the joined user."""
        q = Q(**{f"{prefix}is_active": True, f"{prefix}school__isnull": False})
        if school_ids is not None:
            q &= Q(**{f"{prefix}school_id__in": school_ids})
        elif filters.hub:
            q &= Q(**{f"{prefix}school__hub": filters.hub})
        return q

    measures = {
        "staff": _by_school(User.objects.filter(people()), "school_id", Count("pk")),
        "confirmed": _by_school(
            EmailAddress.objects.filter(people("user__"), verified=True, primary=True),
            "user__school_id",
            Count("user_id", distinct=True),
        ),
        "in_network": _by_school(
            SubjectNetwork.members.through.objects.filter(people("user__")),
            "user__school_id",
            Count("user_id", distinct=True),
        ),
        "booked": _by_school(
            Booking.objects.filter(
                people("user__"),
                session__start__gte=filters.moments[0],
                session__start__lt=filters.moments[1],
                status__in=Booking.HOLDS_SEAT,
            ),
            "user__school_id",
            Count("user_id", distinct=True),
        ),
        "attended": _by_school(
            Attendance.objects.filter(
                people("booking__user__"),
                booking__session__start__gte=filters.moments[0],
                booking__session__start__lt=filters.moments[1],
                present=True,
            ),
            "booking__user__school_id",
            Count("booking__user_id", distinct=True),
        ),
    }
    logged = (
        Entry.objects.filter(people("owner__"), date__range=(start, end))
        .order_by()
        .values_list("owner__school_id")
        .annotate(people=Count("owner_id", distinct=True), hours=Sum("hours"))
    )
    for name, counts in measures.items():
        for school_id, n in counts.items():
            if school_id in rows:
                setattr(rows[school_id], name, n)
    for school_id, people, hours in logged:
        if school_id in rows:
            rows[school_id].logged, rows[school_id].hours = people, hours or Decimal(0)
    return list(rows.values())


def attach_leaders(rows: list[Participation]) -> None:
    """The CPD leaders' names for the rows shown (one query for the page)."""
    by_school: dict[int, list[str]] = defaultdict(list)
    through = School.cpd_leaders.through
    for school_id, first, last in (
        through.objects.filter(school_id__in=[r.pk for r in rows])
        .order_by("user__last_name", "user__first_name")
        .values_list("school_id", "user__first_name", "user__last_name")
    ):
        by_school[school_id].append(f"{first} {last}".strip())
    for row in rows:
        row.leaders = by_school.get(row.pk, [])


def hub_rows(rows: list[Participation]) -> list[Participation]:
    hubs: dict[str, Participation] = {}
    for row in rows:
        name = row.hub or "No hub"
        total = hubs.setdefault(name, Participation(name=name, schools=0))
        total.add(row)
        total.schools += 1
    return sorted(hubs.values(), key=lambda h: (h.name == "No hub", h.name))


def total_of(rows: list[Participation], name: str = "All schools") -> Participation:
    total = Participation(name=name, schools=len(rows))
    for row in rows:
        total.add(row)
    return total
