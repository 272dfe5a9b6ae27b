"""
Who may see which session: ``visible_to`` asks each relation (leads, bookings, hub leaders,
network members and leads) with an EXISTS of its own, so that Postgres plans it in a fraction of
a millisecond. The earlier query, which joined them all, is kept here as the oracle: on a
community with a session of every scope and state and a person in every relation to them, both
give every person the same sessions.
"""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone

from cpd_sessions.listing import (
    UpcomingSessions,
    session_for,
    session_list,
    suggestion_pools,
    viewer_shape,
    with_list_data,
)
from cpd_sessions.models import RECORDING_SHAREABLE, Booking, DevelopmentSession
from experts.models import ExpertiseArea
from hubs.backends import ModelBackend
from hubs.models import COORDINATORS_GROUP
from tests.cpd_sessions.factories import SessionFactory
from tests.factories import HubFactory, SchoolFactory, SubjectNetworkFactory, UserFactory

Scope, Status = DevelopmentSession.Scope, DevelopmentSession.Status


def oracle(user):
    """The join-based query ``visible_to`` was (kept as the specification)."""
    queryset = DevelopmentSession.objects.all()
    if user.is_coordinator:
        return queryset
    school = user.school
    in_scope = Q(scope=Scope.COMMUNITY)
    if school is not None:
        in_scope |= Q(scope=Scope.SCHOOL, school_id=school.pk)
        if school.hub_id:
            in_scope |= Q(scope=Scope.HUB, hub_id=school.hub_id)
            in_scope |= Q(scope=Scope.NETWORK, network__hub_id=school.hub_id)
    in_scope |= Q(scope=Scope.NETWORK, network__hub__isnull=True)
    in_scope |= Q(scope=Scope.NETWORK, network__members=user)
    mine = Q(proposed_by=user) | Q(leads=user) | Q(scope=Scope.PRIVATE, bookings__user=user)
    publisher = Q(scope=Scope.HUB, hub__leaders=user) | Q(scope=Scope.NETWORK, network__leads=user)
    shown = ~Q(status__in=[Status.PROPOSED, Status.DECLINED]) & in_scope
    ids = DevelopmentSession.objects.filter(shown | mine | publisher).values("pk")
    return queryset.filter(pk__in=ids)


def _community() -> dict:
    """A session of every scope and state, and a person in every relation to them."""
    north, south = HubFactory(), HubFactory()
    north_school, south_school = SchoolFactory(hub=north), SchoolFactory(hub=south)
    lone_school = SchoolFactory(hub=None)
    hubless_network = SubjectNetworkFactory(hub=None)
    north_network, south_network = (
        SubjectNetworkFactory(hub=north),
        SubjectNetworkFactory(hub=south),
    )

    people = {
        "north teacher": UserFactory(school=north_school),
        "south teacher": UserFactory(school=south_school),
        "lone teacher": UserFactory(school=lone_school),
        "no school": UserFactory(school=None),
        "south network member": UserFactory(school=north_school),
        "north hub leader": UserFactory(school=south_school),
        "south network lead": UserFactory(school=lone_school),
        "proposer": UserFactory(school=south_school),
        "lead": UserFactory(school=lone_school),
        "booked": UserFactory(school=south_school),
        "coordinator": UserFactory(school=north_school),
    }
    south_network.members.add(people["south network member"])
    north.leaders.add(people["north hub leader"])
    south_network.leads.add(people["south network lead"])
    Group.objects.get(name=COORDINATORS_GROUP).user_set.add(people["coordinator"])

    places = {
        Scope.COMMUNITY: [{}],
        Scope.SCHOOL: [{"school": north_school}, {"school": south_school}],
        Scope.HUB: [{"hub": north}, {"hub": south}],
        Scope.NETWORK: [
            {"network": hubless_network},
            {"network": north_network},
            {"network": south_network},
        ],
        Scope.PRIVATE: [{}],
    }
    statuses = [Status.PUBLISHED, Status.PROPOSED, Status.DECLINED, Status.CANCELLED]
    for (scope, targets), status in itertools.product(places.items(), statuses):
        for target in targets:
            plain = SessionFactory(scope=scope, status=status, **target)
            theirs = SessionFactory(
                scope=scope,
                status=status,
                proposed_by=people["proposer"],
                leads=[people["lead"]],
                **target,
            )
            Booking.objects.create(session=theirs, user=people["booked"])
            assert plain.pk != theirs.pk
    return people


@pytest.mark.django_db
def test_every_person_sees_what_the_join_based_query_showed():
    people = _community()
    for name, person in people.items():
        person.refresh_from_db()
        seen = set(DevelopmentSession.objects.visible_to(person).values_list("pk", flat=True))
        expected = set(oracle(person).values_list("pk", flat=True))
        assert seen == expected, name
        assert seen, name  # every person sees something: the comparison is not vacuous
    everyone = DevelopmentSession.objects.count()
    assert len(set(DevelopmentSession.objects.visible_to(people["no school"]))) < everyone


def _values(obj) -> dict | None:
    return None if obj is None else {k: v for k, v in obj.__dict__.items() if k[0] != "_"}


def _shown(session) -> dict:
    """What the session page reads of a session: its fields, annotations and related rows."""
    return {
        "fields": _values(session),
        "related": {
            name: _values(getattr(session, name))
            for name in ("proposed_by", "school", "hub", "network", "venue_school", "consultant")
        },
        "network hub": session.network.hub_id if session.network else None,
        "many": {
            name: sorted(o.pk for o in getattr(session, name).all())
            for name in ("leads", "areas", "dates", "phases", "subjects")
        },
    }


@pytest.mark.django_db
def test_the_session_page_finds_what_visible_to_finds_for_every_kind_of_viewer(
    django_assert_max_num_queries,
):
    """The session page's query is prepared once per kind of viewer (cpdhub/prepared.py): for
    every person, loaded as a request loads them, and every session, it finds the session
    exactly when ``visible_to`` does, with the same fields, annotations and related rows as the
    queryset it was prepared from."""
    people = _community()
    sessions = list(DevelopmentSession.objects.order_by("pk"))
    shapes = set()
    for name, person in people.items():
        viewer = ModelBackend().get_user(person.pk)
        shapes.add(viewer_shape(viewer))
        visible = (
            with_list_data(DevelopmentSession.objects.visible_to(viewer), viewer)
            .select_related("proposed_by", "school", "hub", "network__hub")
            .prefetch_related("phases", "subjects")
        )
        expected = {s.pk: s for s in visible}
        for session in sessions:
            if session.pk in expected:
                with django_assert_max_num_queries(6):  # the session, then its five lists
                    found = session_for(session.pk, viewer)
                assert _shown(found) == _shown(expected[session.pk]), (name, session.pk)
            else:
                with pytest.raises(DevelopmentSession.DoesNotExist):
                    session_for(session.pk, viewer)
        assert expected, name
    # Coordinator, school in a hub, school in no hub, no school: every shape was compared.
    assert shapes == {
        (True, True, True),
        (False, True, True),
        (False, True, False),
        (False, False, False),
    }
    with pytest.raises(DevelopmentSession.DoesNotExist):
        session_for(2**63, ModelBackend().get_user(people["lead"].pk))


def _pools_oracle(person, area_ids, limit):
    """The suggestion pools as plain querysets: what the prepared ones must give."""
    visible = DevelopmentSession.objects.visible_to(person).listed()
    in_areas = Q(areas__in=area_ids)
    upcoming = (
        visible.upcoming()
        .filter(pk__in=DevelopmentSession.objects.filter(in_areas).values("pk"))
        .exclude(
            pk__in=Booking.objects.filter(user=person, status__in=Booking.ACTIVE).values("session")
        )
        .exclude(leads=person)
    )
    banked = (
        visible.filter(RECORDING_SHAREABLE)
        .exclude(status__in=[Status.PROPOSED, Status.CANCELLED])
        .filter(pk__in=DevelopmentSession.objects.filter(in_areas).values("pk"))
        .order_by("-start", "pk")
    )
    return [s.pk for s in upcoming[:limit]], [s.pk for s in banked[:limit]]


@pytest.mark.django_db
def test_the_suggestion_pools_are_the_sessions_each_person_may_be_offered(
    django_assert_max_num_queries,
):
    """Prepared per kind of viewer and number of areas (padded to a power of two; more than 64
    asked as built): every person, for one area, three, all of them and 65 ids, gets the sessions
    the plain queries give, in their order, whatever the pool size."""
    people = _community()
    areas = list(ExpertiseArea.objects.order_by("pk")[:6])
    sessions = list(DevelopmentSession.objects.order_by("pk"))
    for i, session in enumerate(sessions):
        session.areas.set(areas[i % 3 : i % 3 + 2] if i % 4 else [areas[5]])
        if i % 3 == 0:
            DevelopmentSession.objects.filter(pk=session.pk).update(
                recording_url=f"https://video.example/{i}", recording_consent=True
            )
    # Some have finished (not upcoming; still recordings), one person leads or booked some.
    DevelopmentSession.objects.filter(pk__in=[s.pk for s in sessions[::5]]).update(
        start=timezone.now() - datetime.timedelta(days=3),
        end=timezone.now() - datetime.timedelta(days=3, hours=-1),
    )
    ids = [a.pk for a in areas]
    choices = [ids[:1], ids[1:4], ids, ids + [10**6 + i for i in range(59)]]
    assert len(choices[-1]) == 65
    compared = 0
    for name, person in people.items():
        viewer = ModelBackend().get_user(person.pk)
        for area_ids in choices:
            for limit in (3, 60):
                with django_assert_max_num_queries(3):  # the two pools, then their areas
                    upcoming, banked = suggestion_pools(viewer, area_ids, limit)
                expected = _pools_oracle(viewer, area_ids, limit)
                assert ([s.pk for s in upcoming], [s.pk for s in banked]) == expected, (
                    name,
                    len(area_ids),
                    limit,
                )
                compared += len(expected[0]) + len(expected[1])
                for session in upcoming + banked:
                    assert session.venue_school_id is None or session.venue_school.name
                    assert {a.pk for a in session.areas.all()} & set(area_ids)
    assert compared > 500  # the comparison is not vacuous


@pytest.mark.django_db
def test_the_unfiltered_list_counts_and_pages_as_the_plain_query_for_every_kind_of_viewer():
    """The sessions list without filters is read by prepared queries, per kind of viewer and
    page: each person's count and pages are those of ``session_list``, cards' values included."""
    people = _community()
    for name, person in people.items():
        viewer = ModelBackend().get_user(person.pk)
        plain = session_list(viewer)
        listed = UpcomingSessions(viewer)
        assert listed.count() == plain.count(), name
        assert listed.count(), name  # not vacuous: everyone has something upcoming
        for rows in (slice(0, 3), slice(3, 7), slice(0, 20), slice(200, 220)):
            found, expected = listed[rows], list(plain[rows])
            assert [_shown(s)["fields"] for s in found] == [
                _shown(s)["fields"] for s in expected
            ], (name, rows)
            assert [_shown(s)["many"] for s in found] == [_shown(s)["many"] for s in expected]
