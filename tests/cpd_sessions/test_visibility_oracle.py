"""
Who may see which session: ``visible_to`` asks each relation (leads, bookings, hub leaders,
network members and leads) with an EXISTS of its own, so that Postgres plans it in a fraction of
a millisecond. The earlier query, which joined them all, is kept here as the oracle: on a
community with a session of every scope and state and a person in every relation to them, both
give every person the same sessions.
"""

import itertools

import pytest
from django.contrib.auth.models import Group
from django.db.models import Q

from cpd_sessions.models import Booking, DevelopmentSession
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
    from cpd_sessions.listing import session_for, viewer_shape, with_list_data
    from hubs.backends import ModelBackend

    people = _community()
    sessions = list(DevelopmentSession.objects.order_by("pk"))
    shapes = set()
    for name, person in people.items():
        viewer = ModelBackend().get_user(person.pk)
        shapes.add(viewer_shape(viewer))
        visible = with_list_data(DevelopmentSession.objects.visible_to(viewer), viewer).select_related(
            "proposed_by", "school", "hub", "network__hub"
        ).prefetch_related("phases", "subjects")
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
    assert shapes == {(True, True, True), (False, True, True), (False, True, False), (False, False, False)}
    with pytest.raises(DevelopmentSession.DoesNotExist):
        session_for(2**63, ModelBackend().get_user(people["lead"].pk))
