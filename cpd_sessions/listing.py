"""Lists of sessions, with their joins decided once: the cards of the sessions list (and one
session as its page loads it), the recordings bank, my next sessions, and what suggestions (the
portfolio's, the termly digest's) draw on.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.utils import timezone

from cpdhub.prepared import Prepared
from cpdhub.row_counts import count_per_row
from experts.models import ExpertiseArea
from hubs.models import School, User

from .models import (
    RECORDING_SHAREABLE,
    Booking,
    DevelopmentSession,
)


def with_list_data(queryset: QuerySet[DevelopmentSession], user: User) -> QuerySet:
    """What a session card shows: seats taken, my booking's status, leads, areas, venue, dates."""
    return (
        queryset.select_related("venue_school", "consultant", "hub", "network")
        .annotate(
            seats_taken=count_per_row(
                Booking.objects.filter(session=OuterRef("pk"), status__in=Booking.HOLDS_SEAT),
                "session",
            ),
            my_status=Subquery(
                Booking.objects.filter(session=OuterRef("pk"), user=user).values("status")[:1]
            ),
        )
        .prefetch_related("leads", "areas", "dates")
    )


def session_list(user: User) -> QuerySet[DevelopmentSession]:
    return with_list_data(DevelopmentSession.objects.visible_to(user).listed().upcoming(), user)


# Stand-ins for the prepared queries below (cpdhub/prepared.py): ids no row has.
_VIEWER, _SCHOOL, _HUB, _SESSION = -7_100_001, -7_100_002, -7_100_003, -7_100_004
_NOW = datetime.datetime(1900, 1, 1, 0, 0, 7, tzinfo=datetime.UTC)


def viewer_shape(user: User) -> tuple[bool, bool, bool]:
    """What decides the shape of ``visible_to``'s conditions: coordinator, has a school, the
    school is in a hub."""
    school = user.school
    return (
        user.is_coordinator,
        school is not None,
        school is not None and school.hub_id is not None,
    )


def _viewer(shape: tuple[bool, bool, bool], pk: int, school_pk, hub_pk) -> User:
    """A person with these ids, as ``visible_to`` reads them (for a prepared query's build)."""
    coordinator, has_school, in_hub = shape
    school = School(pk=school_pk, hub_id=hub_pk if in_hub else None) if has_school else None
    viewer = User(pk=pk, is_active=True, school=school)
    viewer.in_coordinators_group = coordinator
    return viewer


def _viewer_ids(user: User) -> tuple:
    school = user.school
    return user.pk, school.pk if school else None, school.hub_id if school else None


def _session_page_query(shape, session_pk, *viewer_ids) -> QuerySet[DevelopmentSession]:
    viewer = _viewer(shape, *viewer_ids)
    return (
        with_list_data(DevelopmentSession.objects.visible_to(viewer), viewer)
        .select_related("proposed_by", "school", "hub", "network__hub")
        .prefetch_related("phases", "subjects")
        .filter(pk=session_pk)
    )


# Building the visibility conditions was a third of the session page's CPU: the SQL is written
# once per kind of viewer.
_session_page = Prepared(_session_page_query, _SESSION, _VIEWER, _SCHOOL, _HUB, shaped=True)


def _upcoming_listed(kind, now, *viewer_ids) -> QuerySet[DevelopmentSession]:
    return DevelopmentSession.objects.visible_to(_viewer(kind, *viewer_ids)).listed().upcoming(now)


# The sessions list without filters (most visits): its count and pages written as SQL once per
# kind of viewer (and page), not on every visit.
_listed_count = Prepared(
    lambda kind, now, *ids: (
        _upcoming_listed(kind, now, *ids)
        .order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(n=Count("pk"))
        .values("n")
    ),
    _NOW,
    _VIEWER,
    _SCHOOL,
    _HUB,
    shaped=True,
)
_listed_page = Prepared(
    lambda shape, now, *ids: with_list_data(
        _upcoming_listed(shape[0], now, *ids), _viewer(shape[0], *ids)
    )[shape[1] : shape[2]],
    _NOW,
    _VIEWER,
    _SCHOOL,
    _HUB,
    shaped=True,
)
PREPARED_PAGES = 200  # rows: the first ten pages of twenty; later pages are built as asked


class UpcomingSessions:
    """What ``session_list`` lists, for a paginator: counted and sliced by prepared queries."""

    def __init__(self, user: User) -> None:
        self.user, self.now = user, timezone.now()
        self.kind, self.ids = viewer_shape(user), _viewer_ids(user)

    def count(self) -> int:
        found = _listed_count(self.now, *self.ids, shape=self.kind)
        return found[0]["n"] if found else 0

    def __getitem__(self, rows: slice) -> list[DevelopmentSession]:
        if rows.stop > PREPARED_PAGES:
            return list(session_list(self.user)[rows])
        return _listed_page(self.now, *self.ids, shape=(self.kind, rows.start, rows.stop))


def session_for(pk: int, user: User) -> DevelopmentSession:
    """One session the user may see (DoesNotExist otherwise, which views turn into 404)."""
    if not -(2**63) <= pk < 2**63:  # an address no row can have (Postgres's bigint)
        raise DevelopmentSession.DoesNotExist("No such session.")
    found = _session_page(pk, *_viewer_ids(user), shape=viewer_shape(user))
    if not found:
        raise DevelopmentSession.DoesNotExist("No such session, or not one this person may see.")
    return found[0]


def recordings(user: User) -> QuerySet[DevelopmentSession]:
    return _recordings_of(DevelopmentSession.objects.visible_to(user).listed())


def _recordings_of(visible: QuerySet[DevelopmentSession]) -> QuerySet[DevelopmentSession]:
    return (
        visible.filter(RECORDING_SHAREABLE)
        .exclude(
            status__in=[DevelopmentSession.Status.PROPOSED, DevelopmentSession.Status.CANCELLED]
        )
        .select_related("venue_school")
        .prefetch_related("areas", "leads")
        .order_by("-start", "pk")
    )


def _my_next_sessions_query(user_pk, now) -> QuerySet[DevelopmentSession]:
    # Two EXISTS, each found from the person's own rows (booking_user_status_idx, the leads'
    # user index): an OR across joins of leads and bookings made Postgres read every booking.
    mine = Exists(
        DevelopmentSession.leads.through.objects.filter(
            developmentsession_id=OuterRef("pk"), user_id=user_pk
        )
    ) | Exists(
        Booking.objects.filter(
            session_id=OuterRef("pk"), user_id=user_pk, status__in=Booking.ACTIVE
        )
    )
    # One query: the dashboard shows title, time and my status only.
    return (
        DevelopmentSession.objects.filter(mine, end__gte=now)
        .exclude(status=DevelopmentSession.Status.CANCELLED)
        .annotate(
            my_status=Subquery(
                Booking.objects.filter(session=OuterRef("pk"), user_id=user_pk).values("status")[:1]
            )
        )
        .order_by("start", "pk")
    )


# On every dashboard: its SQL written once per process, for each number shown.
_my_next = Prepared(
    lambda limit, user_pk, now: _my_next_sessions_query(user_pk, now)[:limit],
    _VIEWER,
    _NOW,
    shaped=True,
)


def my_next_sessions(user: User, limit: int = 5) -> list[DevelopmentSession]:
    """Sessions I lead or hold a place on (or wait for), soonest first."""
    return _my_next(user.pk, timezone.now(), shape=limit)


# --- What suggestions draw on ---


def _in_areas(queryset: QuerySet[DevelopmentSession], area_ids: Iterable[int]) -> QuerySet:
    through = DevelopmentSession.areas.through
    return queryset.filter(
        Exists(
            through.objects.filter(developmentsession=OuterRef("pk"), expertisearea__in=area_ids)
        )
    )


# What a suggestion shows (portfolios/_session_suggestions.html): a pool of sixty is read for
# a page that shows a few, so each row carries only these.
SUGGESTED = ("title", "start", "format", "room", "venue_school__name")


def _pools_query(shape, now, *ids_and_areas) -> QuerySet[DevelopmentSession]:
    """One of the two suggestion pools (``shape``: which, the viewer's kind, how many areas,
    how many sessions), for a viewer's ids and the areas' ids."""
    which, viewer_kind, areas, limit = shape
    viewer = _viewer(viewer_kind, *ids_and_areas[:3])
    area_ids = ids_and_areas[3 : 3 + areas]
    # Private sessions (a coaching visit) are never suggested.
    visible = DevelopmentSession.objects.visible_to(viewer).listed()
    if which == "banked":
        return (
            _in_areas(_recordings_of(visible), area_ids)
            .only(*SUGGESTED)
            .prefetch_related(None)[:limit]
        )
    return (
        _in_areas(visible.upcoming(now), area_ids)
        # Never what I have booked, wait for, or lead.
        .exclude(
            Exists(
                Booking.objects.filter(
                    session=OuterRef("pk"), user=viewer, status__in=Booking.ACTIVE
                )
            )
        )
        .exclude(
            Exists(
                DevelopmentSession.leads.through.objects.filter(
                    developmentsession=OuterRef("pk"), user=viewer
                )
            )
        )
        .select_related("venue_school")
        .only(*SUGGESTED)
        .prefetch_related(None)[:limit]
    )


# Most of the goal, need and portfolio pages' CPU was building these two queries: their SQL is
# written once per kind of viewer, number of areas (rounded up to a power of two, the list
# padded with its first area) and pool size. More areas than that are asked as built.
_MOST_AREAS = 64
_AREAS = tuple(-7_200_000 - i for i in range(_MOST_AREAS))
_pools = Prepared(_pools_query, _NOW, _VIEWER, _SCHOOL, _HUB, *_AREAS, shaped=True)


def suggestion_pools(
    user: User, area_ids: Iterable[int], limit: int
) -> tuple[list[DevelopmentSession], list[DevelopmentSession]]:
    """
    For the portfolio's suggestions, in any of these areas: upcoming published sessions the
    person may see (the list's own scope rules) and has not booked, waits for or leads, soonest
    first, and the recordings bank as they may see it, newest first; each with its areas. Three
    queries: the two lists, then the areas of both at once.
    """
    area_ids = sorted(set(area_ids))
    if not area_ids:
        return [], []
    now, ids, kind = timezone.now(), _viewer_ids(user), viewer_shape(user)
    pools = []
    for which in ("upcoming", "banked"):
        if len(area_ids) > _MOST_AREAS:
            shape = (which, kind, len(area_ids), limit)
            pools.append(list(_pools_query(shape, now, *ids, *area_ids)))
            continue
        size = 1 << (len(area_ids) - 1).bit_length()
        padded = area_ids + area_ids[:1] * (size - len(area_ids))
        pools.append(_pools(now, *ids, *padded, shape=(which, kind, size, limit)))
    upcoming, banked = pools
    prefetch_related_objects(
        upcoming + banked, Prefetch("areas", queryset=ExpertiseArea.objects.order_by("name"))
    )
    return upcoming, banked


def sessions_taken_by(user_ids: list[int]) -> dict[int, set[int]]:
    """For each person, the sessions they hold a place on or wait for (one query): what
    suggestions (the digest, the portfolio) never offer them again."""
    taken: dict[int, set[int]] = {}
    rows = Booking.objects.filter(user_id__in=user_ids, status__in=Booking.ACTIVE).values_list(
        "user_id", "session_id"
    )
    for user_id, session_id in rows:
        taken.setdefault(user_id, set()).add(session_id)
    return taken


def private_sessions_booked_by(user_ids: list[int]) -> dict[int, set[int]]:
    """For each person, the private sessions they hold a booking on, in any state (one query):
    what ``visible_in_memory`` needs to agree with ``visible_to`` about private sessions."""
    booked: dict[int, set[int]] = {}
    rows = Booking.objects.filter(
        user_id__in=user_ids, session__scope=DevelopmentSession.Scope.PRIVATE
    ).values_list("user_id", "session_id")
    for user_id, session_id in rows:
        booked.setdefault(user_id, set()).add(session_id)
    return booked


def upcoming_and_recorded(since) -> tuple[list[DevelopmentSession], list[DevelopmentSession]]:
    """Upcoming published sessions (with their audience), and recordings of sessions since
    ``since``, of the whole community (never a private one): for batch readers (the termly
    digest) that match people to them in memory with ``visible_in_memory``. Three queries a
    list."""
    with_audience = ("phases", "subjects", "areas", "leads")
    upcoming = list(
        DevelopmentSession.objects.listed()
        .upcoming()
        .select_related("network")
        .prefetch_related(*with_audience)
    )
    recorded = list(
        DevelopmentSession.objects.listed()
        .filter(RECORDING_SHAREABLE)
        .exclude(status=DevelopmentSession.Status.CANCELLED)
        .filter(start__gte=since)
        .select_related("network")
        .prefetch_related("leads")
        .order_by("-start", "pk")
    )
    return upcoming, recorded


def visible_in_memory(
    session: DevelopmentSession,
    *,
    user: User,
    hub_id: int | None,
    network_ids: set[int],
    led_hub_ids: set[int],
    led_network_ids: set[int],
    private_booked_ids: Collection[int] = frozenset(),
) -> bool:
    """``DevelopmentSession.objects.visible_to(user)`` for one session already in memory (with
    its network and leads loaded), given what the caller read of the person for a whole batch
    (``private_booked_ids``: ``private_sessions_booked_by``; tests/termly check the two agree)."""
    if user.is_coordinator:
        return True
    scope = DevelopmentSession.Scope
    mine = session.proposed_by_id == user.pk or any(u.pk == user.pk for u in session.leads.all())
    if session.scope == scope.PRIVATE:
        return mine or session.pk in private_booked_ids
    network = session.network
    in_scope = (
        session.scope == scope.COMMUNITY
        or (
            session.scope == scope.SCHOOL
            and user.school_id is not None
            and session.school_id == user.school_id
        )
        or (session.scope == scope.HUB and hub_id and session.hub_id == hub_id)
        or (
            session.scope == scope.NETWORK
            and network is not None
            and (network.hub_id is None or network.hub_id == hub_id or network.pk in network_ids)
        )
    )
    if session.status != DevelopmentSession.Status.PROPOSED and in_scope:
        return True
    publisher = (session.scope == scope.HUB and session.hub_id in led_hub_ids) or (
        session.scope == scope.NETWORK and session.network_id in led_network_ids
    )
    return mine or publisher
