"""
Each school's participation in the period (staff, confirmed addresses, network members,
bookings, attendance, CPD logged), added up by hub and for the whole scope, with its release
requests by term and its feedback by rating (release.py puts those together) and its staff's
open needs by area (needs.py).

Each school's figures for a period (an academic year or a term) are kept as a summary row
(``SchoolFigures``), so the dashboard reads one row per school instead of grouping every
person's bookings, register marks, log entries, addresses and network places on each request
(at 100,000 people that grouping, and that of every release request and feedback, is most
of the page's time). The rows stay right in three ways:

- on change: a save or delete of a row a school's figures are counted from forgets that
  school's rows, at once and again when the transaction commits (figures_receivers.py); a
  change to the terms forgets every row (a year's release is kept by its terms);
- on read: a school in scope without a row for the period is counted live, from one
  ``GROUP BY`` per measure over those schools only (or over the scope when none has a row),
  and its row stored;
- every night: every row of the periods the dashboard offers is counted again
  (``figures_refresh``), which catches writes that send no signal (``update()`` and
  ``bulk_create()``: imports, seed_scale); the page says how old its oldest figure is.

Hub totals, the page of schools shown and the CSV rows are then put together from those rows in
Python. Counts only: no one's words are read.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from json import loads

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cpd_sessions.models import Attendance, Booking
from hubs.models import School, SchoolDomain, SubjectNetwork, User
from portfolios.models import Entry, Need

from .filters import Filters, offered_periods
from .models import SchoolFigures
from .release import school_ratings, school_release

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
    counted: bool = False  # its figures were read from a summary row
    # A school's release requests by term and feedback by rating (release.py), kept with it.
    release: dict = field(default_factory=dict)
    ratings: dict = field(default_factory=dict)
    needs: dict = field(default_factory=dict)  # open needs by area (needs.py)

    def add(self, other: Participation) -> None:
        # Spelled out: called once per school for its hub and once per hub for the total.
        self.staff += other.staff
        self.confirmed += other.confirmed
        self.in_network += other.in_network
        self.booked += other.booked
        self.attended += other.attended
        self.logged += other.logged
        self.hours += other.hours

    @property
    def taking_part(self) -> int:
        """Share of staff who booked, attended or logged anything, in per cent."""
        if not self.staff:
            return 0
        return round(100 * max(self.booked, self.attended, self.logged) / self.staff)


def _by_school(queryset, school_path: str, measure) -> dict[int, object]:
    return dict(queryset.order_by().values_list(school_path).annotate(v=measure))


FIGURES = (
    "staff",
    "confirmed",
    "in_network",
    "booked",
    "attended",
    "logged",
    "hours",
    "release",
    "ratings",
    "needs",
)
KEPT_AS_JSON = ("release", "ratings", "needs")


def live_figures(
    school_ids: list[int] | None, filters: Filters
) -> dict[int, dict[str, int | Decimal]]:
    """Each school's figures in the period counted from every row (``school_ids`` None: the
    whole community, or the filters' hub): nine grouped queries. Schools with no activity are
    not in the answer."""
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
    found: dict[int, dict[str, int | Decimal]] = defaultdict(dict)
    for name, counts in measures.items():
        for school_id, n in counts.items():
            found[school_id][name] = n
    for school_id, people_, hours in logged:
        found[school_id]["logged"], found[school_id]["hours"] = people_, hours or Decimal(0)
    for school_id, area_id, n, people_ in (
        Need.objects.filter(people("owner__"), status__in=[Need.Status.OPEN, Need.Status.PASSED])
        .order_by()
        .values_list("owner__school_id", "area_id")
        .annotate(n=Count("pk"), people=Count("owner_id", distinct=True))
    ):
        found[school_id].setdefault("needs", {})[str(area_id)] = [n, people_]
    for name, counts in (
        ("release", school_release(school_ids, filters)),
        ("ratings", school_ratings(school_ids, filters)),
    ):
        for school_id, value in counts.items():
            if school_id is not None:  # counted live, for the whole community only
                found[school_id][name] = value
    return found


@functools.lru_cache(maxsize=16_384)
def counts_of(text: str):
    """A summary row's counts kept as JSON, decoded; kept in this process by the text itself,
    so a row not counted again since it was last read (most, between the nightly counts) costs
    a look-up, not a parse: at 2,000 schools, half of reading them. Exact: other counts are
    other text. The same object goes to every reader: read it, never change it."""
    return loads(text)


def _stored_figures(school_ids: list[int] | None, filters: Filters):
    """The summary rows of the period for the schools in scope: one query."""
    stored = SchoolFigures.objects.filter(start=filters.start, end=filters.end)
    if school_ids is not None:
        stored = stored.filter(school_id__in=school_ids)
    elif filters.hub:
        stored = stored.filter(school__hub=filters.hub)
    # The counts kept as JSON, and when each was counted, read as text: the JSON is decoded
    # here without the field's converter (a third of the read at 2,000 schools); the oldest
    # time is found by comparing text (one time zone, the connection's, so text order is time
    # order) and only it is read as a time.
    return stored.values_list(
        "school_id",
        *(Cast(name, TextField()) if name in KEPT_AS_JSON else name for name in FIGURES),
        Cast("computed_at", TextField()),
    )


def figures_store(
    school_ids: list[int], filters: Filters, counted: dict, counted_at: datetime.datetime
) -> None:
    """Keep these schools' figures of the period as summary rows (one insert; a row another
    request stored meanwhile is left as it is)."""
    SchoolFigures.objects.bulk_create(
        [
            SchoolFigures(
                school_id=pk,
                start=filters.start,
                end=filters.end,
                computed_at=counted_at,
                **counted.get(pk, {}),
            )
            for pk in school_ids
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def _as_time(text: str | None) -> datetime.datetime | None:
    if text is None:
        return None
    moment = parse_datetime(text)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)


def school_rows(
    school_ids: list[int] | None, filters: Filters
) -> tuple[list[Participation], datetime.datetime | None]:
    """Every school in scope with its participation in the period, and when the oldest of
    those figures was counted (None: no school). Two queries: the schools, then their summary
    rows; a school without a row for the period is counted live (nine grouped queries over
    those schools only, or over the scope when none has one) and its row stored."""
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
    if not rows:
        return [], None
    oldest_text = None
    for school_id, *values, computed_at in _stored_figures(school_ids, filters):
        row = rows.get(school_id)
        if row is None:
            continue
        (
            row.staff,
            row.confirmed,
            row.in_network,
            row.booked,
            row.attended,
            row.logged,
            row.hours,
            release,
            ratings,
            needs,
        ) = values
        row.release, row.ratings = counts_of(release), counts_of(ratings)
        row.needs = counts_of(needs)
        row.counted = True
        oldest_text = computed_at if oldest_text is None else min(oldest_text, computed_at)
    oldest = _as_time(oldest_text)
    missing = [pk for pk, row in rows.items() if not row.counted]
    if missing:
        counted_at = timezone.now()
        counted = live_figures(school_ids if len(missing) == len(rows) else missing, filters)
        for pk in missing:
            for name, value in counted.get(pk, {}).items():
                setattr(rows[pk], name, value)
        figures_store(missing, filters, counted, counted_at)
        oldest = counted_at if oldest is None else min(oldest, counted_at)
    return list(rows.values()), oldest


@transaction.atomic
def figures_refresh() -> int:
    """Count every school's figures again for each period the dashboard offers (the nightly
    task): the rows kept are replaced, those of periods no longer offered dropped. Nine grouped
    queries and one insert per period; returns how many rows it wrote."""
    school_ids = list(School.objects.values_list("pk", flat=True))
    SchoolFigures.objects.all().delete()
    for period in offered_periods():
        counted_at = timezone.now()
        figures_store(school_ids, period, live_figures(None, period), counted_at)
    return SchoolFigures.objects.count()


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
    """The total of schools' rows, or of hubs' (each counts its schools)."""
    total = Participation(name=name, schools=sum(row.schools for row in rows))
    for row in rows:
        total.add(row)
    return total
