"""
The coordinator's figures are the same however they are read. The dashboard (participation from
its summary rows, live experts from the offers' own columns, stale profiles through the index)
and the needs page (suggested experts walked area by area, pages counted from the gaps) are
compared with the same figures counted by brute force in Python from every row, for each filter
the pages offer; again after changes that go through saves (the rows they touch are forgotten
and counted again), and after a bulk write once the nightly recount has run.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.utils import timezone

from coordination import tasks
from coordination.models import SchoolFigures
from coordination.needs import CANDIDATES_PER_AREA, MATCHES_PER_NEED
from cpd_sessions.models import Attendance, Booking, DevelopmentSession, Feedback, ReleaseRequest
from cpdhub.academic_year import academic_year_of, year_dates
from experts.models import ExpertiseArea, ExpertProfile, ProfileArea, term_window_start
from hubs.models import School, SubjectNetwork, Term, User
from portfolios.models import Entry, Need
from portfolios.services import need_decide
from tests.cpd_sessions.factories import SessionFactory
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import (
    HubFactory,
    SchoolFactory,
    SubjectNetworkFactory,
    TermFactory,
    UserFactory,
)
from tests.portfolios.factories import EntryFactory, NeedFactory

pytestmark = pytest.mark.django_db

FIGURES = ("staff", "confirmed", "in_network", "booked", "attended", "logged", "hours")


def at(day: datetime.date, hour: int = 16) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


@pytest.fixture
def community(personas):
    """Three hubs' worth of schools (one in no hub), people active and not, addresses confirmed
    and not, network places, bookings of every status in this year, its term and last year (one
    at the year's first minute), register marks, log entries, needs of every status in several
    areas, and experts live, stale, hidden and gone."""
    today = timezone.localdate()
    year = academic_year_of(today)
    first, last = year_dates(year)
    term = TermFactory(
        name="This term",
        start=max(first, today - datetime.timedelta(days=20)),
        end=min(last, today + datetime.timedelta(days=20)),
    )
    east = HubFactory(name="East", slug="east")
    schools = [
        personas.school,
        personas.other_school,
        SchoolFactory(name="Cedar Academy", hub=east, phase=School.Phase.SECONDARY),
        SchoolFactory(name="Dale Infants", hub=personas.school.hub),
        SchoolFactory(name="Elm Free School", hub=None),
    ]
    areas = [ExpertiseArea.objects.get(slug=s) for s in ("questioning", "feedback", "send")]
    network = SubjectNetworkFactory(hub=personas.school.hub)
    sessions = {
        "upcoming": SessionFactory(start=at(today + datetime.timedelta(days=3))),
        "past": SessionFactory(start=at(today - datetime.timedelta(days=4))),
        "year's first minute": SessionFactory(start=at(first, 0)),
        "last year": SessionFactory(start=at(first - datetime.timedelta(days=30))),
    }
    sessions["upcoming"].areas.add(areas[0])
    statuses = list(Booking.Status)
    people = []
    for i in range(30):
        school = schools[i % len(schools)]
        person = UserFactory(school=school, is_active=i % 7 != 3)
        people.append(person)
        if i % 3:
            EmailAddress.objects.create(
                user=person, email=person.email, verified=i % 4 != 1, primary=True
            )
        if i % 4 == 0:
            network.members.add(person)
        for n, session in enumerate(sessions.values()):
            if (i + n) % 3 == 0:
                status = statuses[(i + n) % len(statuses)]
                booking = Booking.objects.create(
                    session=session,
                    user=person,
                    status=status,
                    waitlist_position=i if status == Booking.Status.WAITLISTED else None,
                )
                if session.start < timezone.now():
                    Attendance.objects.create(booking=booking, present=(i + n) % 2 == 0)
                    if (i + n) % 2 == 0:
                        Feedback.objects.create(booking=booking, rating=1 + (i + n) % 5)
                if i % 2 == 0:
                    release(booking, decision=("approved", "pending", "declined")[i % 3])
        for days in (i, 200 + i, 400 + i):
            if (i + days) % 4:
                EntryFactory(
                    owner=person,
                    date=today - datetime.timedelta(days=days),
                    hours=Decimal(i % 5) + Decimal("0.25"),
                )
        need = NeedFactory(
            owner=person, area=areas[i % 3], priority=("high", "medium", "low")[i % 3]
        )
        if i % 5 == 1:
            Need.objects.filter(pk=need.pk).update(status=("passed", "met")[i % 2])
    nobody = UserFactory(school=None)  # someone of no school
    NeedFactory(owner=nobody, area=areas[1])
    for session in (sessions["past"], sessions["upcoming"]):
        release(Booking.objects.create(session=session, user=nobody, status="confirmed"))
    Feedback.objects.create(
        booking=Booking.objects.get(session=sessions["past"], user=nobody), rating=2
    )
    # An erased person's bookings count for the school kept on them (and one for none).
    for school in (schools[2], None):
        erased = Booking.objects.create(session=sessions["past"], user=None, status="confirmed")
        Booking.objects.filter(pk=erased.pk).update(former_school=school)
        release(erased)
        Feedback.objects.create(booking=erased, rating=4)
    for i in range(CANDIDATES_PER_AREA + 6):
        expert = ExpertProfileFactory(user=UserFactory(school=schools[i % len(schools)]))
        if i % 6 == 1:
            expert.last_confirmed_at = timezone.now() - datetime.timedelta(days=500)
        if i % 6 == 2:
            expert.is_hidden = True
        expert.save()
        if i % 6 == 3:
            expert.user.is_active = False
            expert.user.save()
        offer(expert, areas[i % 2].slug)
        if i % 3 == 0:
            offer(expert, areas[2].slug)
    cache.clear()
    return {"term": term, "year": year, "people": people, "network": network, **sessions}


def release(booking: Booking, decision: str = "approved") -> ReleaseRequest:
    return ReleaseRequest.objects.create(
        booking=booking,
        cover_lessons=2 + booking.pk % 3,
        supply_cost=Decimal("80.50") + booking.pk % 7,
        travel_cost=Decimal("4.20"),
        fee_share=Decimal(booking.pk % 4),
        goal="A goal",
        decision=decision,
        decided_at=None if decision == "pending" else timezone.now(),
        reason="No cover that day" if decision == "declined" else "",
    )


# --- The oracle: every figure counted in Python from every row ------------------------------


def period(params: dict, community) -> tuple[datetime.date, datetime.date]:
    if "term" in params:
        return community["term"].start, community["term"].end
    return year_dates(params.get("year", community["year"]))


def in_scope(school: School | None, params: dict) -> bool:
    return school is not None and (
        "hub" not in params or (school.hub is not None and school.hub.slug == params["hub"])
    )


def oracle_schools(params: dict, community) -> dict[str, tuple]:
    start, end = period(params, community)
    schools = {s.pk: s for s in School.objects.select_related("hub")}
    staff = [
        u for u in User.objects.all() if u.is_active and in_scope(schools.get(u.school_id), params)
    ]
    by_pk = {u.pk: u for u in staff}
    confirmed = set(
        EmailAddress.objects.filter(verified=True, primary=True).values_list("user_id", flat=True)
    )
    in_network = set(SubjectNetwork.members.through.objects.values_list("user_id", flat=True))

    def when(moment) -> bool:
        return start <= timezone.localdate(moment) <= end

    booked = {
        b.user_id
        for b in Booking.objects.select_related("session")
        if b.status in Booking.HOLDS_SEAT and when(b.session.start)
    }
    attended = {
        a.booking.user_id
        for a in Attendance.objects.select_related("booking__session")
        if a.present and when(a.booking.session.start)
    }
    logged: dict[int, Decimal] = defaultdict(Decimal)
    for entry in Entry.objects.all():
        if start <= entry.date <= end and entry.owner_id in by_pk:
            logged[entry.owner_id] += entry.hours
    figures = {s.name: dict.fromkeys(FIGURES, 0) for s in schools.values() if in_scope(s, params)}
    for person in staff:
        row = figures[schools[person.school_id].name]
        row["staff"] += 1
        row["confirmed"] += person.pk in confirmed
        row["in_network"] += person.pk in in_network
        row["booked"] += person.pk in booked
        row["attended"] += person.pk in attended
        row["logged"] += person.pk in logged
        row["hours"] += logged.get(person.pk, 0)
    return {name: tuple(row[f] for f in FIGURES) for name, row in figures.items()}


def counts_for(booking: Booking) -> School | None:
    return booking.user.school if booking.user_id else booking.former_school


def in_release_scope(booking: Booking, params: dict) -> bool:
    """The dashboard's scope: every booking for the whole community, else its hub's schools."""
    return "hub" not in params or in_scope(counts_for(booking), params)


def oracle_release(params: dict, community) -> tuple[dict, dict]:
    """Release by term name and by (school name, term name): (requests, approved, lessons,
    cost); and feedback by rating, 5 to 1."""
    start, end = period(params, community)
    terms = (
        [community["term"]]
        if "term" in params
        else [t for t in Term.objects.order_by("start") if t.start <= end and t.end >= start]
    )
    by_term: dict = defaultdict(lambda: [0, 0, 0, Decimal(0)])
    by_school: dict = defaultdict(lambda: [0, 0, 0, Decimal(0)])
    for request in ReleaseRequest.objects.select_related(
        "booking__session", "booking__user__school__hub", "booking__former_school__hub"
    ):
        day = timezone.localdate(request.booking.session.start)
        if not start <= day <= end or not in_release_scope(request.booking, params):
            continue
        term = next((t.name for t in terms if t.start <= day <= t.end), "Outside term dates")
        school = counts_for(request.booking)
        approved = request.decision == "approved"
        for row in (by_term[term], by_school[(school.name if school else "No school", term)]):
            row[0] += 1
            row[1] += approved
            row[2] += request.cover_lessons if approved else 0
            row[3] += request.total_cost if approved else 0
    ratings: dict[int, int] = dict.fromkeys(range(5, 0, -1), 0)
    for feedback in Feedback.objects.select_related(
        "booking__session", "booking__user__school__hub", "booking__former_school__hub"
    ):
        day = timezone.localdate(feedback.booking.session.start)
        if start <= day <= end and in_release_scope(feedback.booking, params):
            ratings[feedback.rating] += 1
    return (
        {k: tuple(v) for k, v in by_term.items()},
        {k: tuple(v) for k, v in by_school.items()},
    ), list(ratings.items())


def live(profile: ExpertProfile) -> bool:
    since = term_window_start()
    return (
        not profile.is_hidden
        and profile.user.is_active
        and profile.last_confirmed_at is not None
        and (since is None or timezone.localdate(profile.last_confirmed_at) >= since)
    )


def oracle_gaps(params: dict) -> dict[str, tuple]:
    needs = [
        n
        for n in Need.objects.select_related("owner__school__hub", "area")
        if n.status in ("open", "passed")
        and n.owner.is_active
        and ("hub" not in params or in_scope(n.owner.school, params))
    ]
    experts: dict[int, int] = defaultdict(int)
    for offered in ProfileArea.objects.select_related("profile__user"):
        experts[offered.area_id] += live(offered.profile)
    coming: dict[int, set] = defaultdict(set)
    for session in DevelopmentSession.objects.prefetch_related("areas"):
        if session.status == "published" and session.end >= timezone.now():
            for area in session.areas.all():
                coming[area.pk].add(session.pk)
    gaps = {}
    for area in {n.area for n in needs}:
        mine = [n for n in needs if n.area_id == area.pk]
        gaps[area.name] = (
            len(mine),
            len({n.owner_id for n in mine}),
            len({n.owner.school_id for n in mine if n.owner.school_id}),
            experts[area.pk],
            len(coming[area.pk]),
        )
    return gaps


def oracle_stale(params: dict) -> int:
    since = term_window_start()
    return sum(
        1
        for p in ExpertProfile.objects.select_related("user__school__hub")
        if not p.is_hidden
        and p.user.is_active
        and (
            p.last_confirmed_at is None
            or (since is not None and timezone.localdate(p.last_confirmed_at) < since)
        )
        and ("hub" not in params or in_scope(p.user.school, params))
    )


def oracle_matches(need: Need) -> list[int]:
    """Live offers of the area by people with a school, newest first, the first few; those of
    other schools, same phase first; at most three."""
    offers = [
        o
        for o in ProfileArea.objects.select_related("profile__user__school").order_by("-pk")
        if o.area_id == need.area_id and live(o.profile) and o.profile.user.school_id
    ][:CANDIDATES_PER_AREA]
    school = need.owner.school
    others = [o for o in offers if school is None or o.profile.user.school_id != school.pk]
    others.sort(
        key=lambda o: not (school is not None and o.profile.user.school.phase == school.phase)
    )
    return [o.profile_id for o in others[:MATCHES_PER_NEED]]


# --- The pages against the oracle -------------------------------------------------------------


def dashboard_figures(client, params: dict):
    dash = client.get("/coordinator/", params).context["dash"]
    schools = {r.name: tuple(getattr(r, f) for f in FIGURES) for r in dash.schools}
    gaps = {g.area: (g.needs, g.people, g.schools, g.experts, g.sessions) for g in dash.gaps}
    return dash, schools, gaps


def assert_dashboard_is_the_oracle(client, community, params: dict) -> None:
    dash, schools, gaps = dashboard_figures(client, params)
    expected = oracle_schools(params, community)
    assert schools == expected, params
    assert tuple(getattr(dash.total, f) for f in FIGURES) == tuple(
        sum(row[i] for row in expected.values()) for i in range(len(FIGURES))
    )
    assert gaps == oracle_gaps(params), params
    assert dash.stale == oracle_stale(params), params
    (by_term, by_school), ratings = oracle_release(params, community)
    assert {
        r.name: (r.requests, r.approved, r.lessons, r.cost) for r in dash.release_terms
    } == by_term, params
    assert {
        (r.name, r.term): (r.requests, r.approved, r.lessons, r.cost) for r in dash.release_schools
    } == by_school, params
    assert [r.cost for r in dash.release_schools] == sorted(
        (r.cost for r in dash.release_schools), reverse=True
    )
    assert dash.impact.ratings == ratings, params
    assert dash.impact.feedback == sum(n for _, n in ratings)
    assert [g.area for g in dash.gaps] == sorted(
        gaps, key=lambda a: (-round(gaps[a][0] / (1 + gaps[a][3] + gaps[a][4]), 1), -gaps[a][0], a)
    )


def assert_needs_page_is_the_oracle(client, params: dict) -> None:
    response = client.get("/coordinator/needs/", params)
    page = response.context["page"]
    gaps = {
        g.area: (g.needs, g.people, g.schools, g.experts, g.sessions)
        for g in response.context["gaps"]
    }
    assert gaps == oracle_gaps(params), params
    needs = [
        n
        for n in Need.objects.select_related("owner__school__hub", "area")
        if n.status in ("open", "passed")
        and n.owner.is_active
        and ("hub" not in params or in_scope(n.owner.school, params))
        and ("area" not in params or n.area.slug == params["area"])
    ]
    assert page.paginator.count == len(needs), params
    for need in page.object_list:
        assert [m.profile_id for m in need.matches] == oracle_matches(need), need


PARAMS = [
    {},
    {"year": "last"},
    {"term": "this"},
    {"hub": "north"},
    {"hub": "north", "term": "this"},
    {"hub": "east"},
]
NEEDS_PARAMS = [{}, {"hub": "north"}, {"area": "feedback"}, {"hub": "south", "area": "questioning"}]


def resolved(params: dict, community) -> dict:
    found = dict(params)
    if found.get("term") == "this":
        found["term"] = community["term"].pk
    if found.get("year") == "last":
        found["year"] = community["year"] - 1
    return found


def test_every_figure_is_the_brute_force_count_for_every_filter(client, personas, community):
    client.force_login(personas.coordinator)
    for params in PARAMS:
        assert_dashboard_is_the_oracle(client, community, resolved(params, community))
        # The second reading comes from the summary rows the first one stored.
        assert_dashboard_is_the_oracle(client, community, resolved(params, community))
    assert SchoolFigures.objects.exists()
    for params in NEEDS_PARAMS:  # the needs by area from the summary rows
        assert_needs_page_is_the_oracle(client, params)
    SchoolFigures.objects.filter(school=personas.school).delete()
    for params in NEEDS_PARAMS:  # a school without a row: every need grouped live
        assert_needs_page_is_the_oracle(client, params)


def test_changes_made_through_saves_show_at_once(client, personas, community):
    client.force_login(personas.coordinator)
    for params in PARAMS:
        dashboard_figures(client, resolved(params, community))  # every period's rows stored
    people = community["people"]
    newcomer = UserFactory(school=personas.other_school)
    booking = Booking.objects.create(session=community["past"], user=newcomer, status="confirmed")
    Attendance.objects.create(booking=booking, present=True)
    Entry.objects.filter(owner=people[1]).first().delete()
    EntryFactory(owner=people[2], hours=Decimal("3.5"))
    people[4].is_active = False
    people[4].save()
    people[5].school = personas.other_school  # moved: both schools' figures change
    people[5].save()
    community["network"].members.add(people[6])
    people[6].networks.remove(community["network"])
    community["network"].members.add(people[8], people[9])
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, verified=True, primary=True)
    moved = community["past"]
    moved.start = at(year_dates(community["year"])[0] - datetime.timedelta(days=3))
    moved.save()
    attendance = Attendance.objects.filter(booking__session=community["upcoming"]).first()
    if attendance:
        attendance.delete()
    Booking.objects.filter(user=people[10]).first().delete()
    people[11].delete()
    for params in PARAMS:
        assert_dashboard_is_the_oracle(client, community, resolved(params, community))


def test_release_feedback_and_need_changes_show_at_once(client, personas, community):
    """Each change alone, after every period's rows were stored: only its own receiver can
    forget the rows it changes."""
    client.force_login(personas.coordinator)

    def read_then(change) -> None:
        for params in PARAMS:
            dashboard_figures(client, resolved(params, community))
        change()
        for params in PARAMS:
            assert_dashboard_is_the_oracle(client, community, resolved(params, community))
        for params in NEEDS_PARAMS:
            assert_needs_page_is_the_oracle(client, params)

    def decide() -> None:
        pending = ReleaseRequest.objects.filter(decision="pending").first()
        pending.decision, pending.decided_at = "approved", timezone.now()
        pending.save()

    def a_new_term() -> None:  # the year's release is shown by term
        TermFactory(
            name="Earlier term",
            start=year_dates(community["year"])[0],
            end=community["term"].start - datetime.timedelta(days=1),
        )

    def a_session_moved() -> None:  # the erased person's booking is on it too
        session = community["past"]
        session.start = at(year_dates(community["year"])[0] - datetime.timedelta(days=3))
        session.save()

    read_then(decide)
    read_then(lambda: Feedback.objects.filter(booking__user__isnull=False).first().delete())
    read_then(lambda: Feedback.objects.get(booking__former_school__isnull=False).delete())
    read_then(a_new_term)
    read_then(a_session_moved)
    read_then(lambda: ReleaseRequest.objects.get(booking__former_school__isnull=False).delete())
    read_then(
        lambda: need_decide(
            need=Need.objects.filter(status="open").first(), by=personas.leader, status="met"
        )
    )
    read_then(lambda: NeedFactory(owner=community["people"][0], area=ExpertiseArea.objects.first()))
    read_then(lambda: Need.objects.filter(status="passed").first().delete())


def test_a_write_without_signals_is_caught_up_by_the_nightly_recount(client, personas, community):
    client.force_login(personas.coordinator)
    params = resolved({}, community)
    dashboard_figures(client, params)
    Entry.objects.filter(owner__school=personas.school).update(hours=Decimal("9.75"))
    _, schools, _ = dashboard_figures(client, params)
    assert schools != oracle_schools(params, community)  # the summary rows knew nothing of it
    assert tasks.refresh_figures() == SchoolFigures.objects.count() > 0
    for params in PARAMS:
        assert_dashboard_is_the_oracle(client, community, resolved(params, community))
    page = client.get("/coordinator/").content.decode()
    assert "Participation figures as of" in page
