"""
Prepared queries (cpdhub/prepared.py): SQL written once per process gives what the queryset it
was written from gives, for every value and every shape, and the signed-in person a request
loads is the person the ORM loads, with what every page asks of them.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils import timezone

from cpdhub.prepared import Prepared
from experts.models import ExpertProfile
from hubs.backends import ModelBackend, users_for_requests
from hubs.models import COORDINATORS_GROUP, School, Subject, User
from tests.factories import HubFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def _values(obj) -> dict | None:
    return None if obj is None else {k: v for k, v in obj.__dict__.items() if k[0] != "_"}


def _as_loaded(user) -> dict:
    return {
        "user": _values(user),
        "school": _values(user.school),
        "hub": _values(user.school.hub) if user.school else None,
        "profile": _values(getattr(user, "expert_profile", None)),
        "roles": (user.is_coordinator, user.is_cpd_leader, user.has_subjects),
    }


def test_a_request_loads_the_person_the_orm_loads_whoever_they_are(
    django_assert_num_queries,
):
    hub = HubFactory()
    in_hub, lone = SchoolFactory(hub=hub), SchoolFactory(hub=None)
    people = [
        UserFactory(school=in_hub),
        UserFactory(school=lone),
        UserFactory(school=None),
        UserFactory(school=in_hub),
        UserFactory(school=in_hub),
        UserFactory(school=lone, is_active=False),
    ]
    ExpertProfile.objects.create(user=people[0], headline="Questioning in maths")
    Group.objects.get(name=COORDINATORS_GROUP).user_set.add(people[3])
    in_hub.cpd_leaders.add(people[4])
    people[1].subjects.add(Subject.objects.get(slug="geography"))
    backend = ModelBackend()
    for person in people[:5]:
        with django_assert_num_queries(1):
            loaded = backend.get_user(person.pk)
        assert _as_loaded(loaded) == _as_loaded(users_for_requests().get(pk=person.pk))
    roles = [backend.get_user(p.pk) for p in people[:5]]
    assert [(u.is_coordinator, u.is_cpd_leader, u.has_subjects) for u in roles] == [
        (False, False, False),
        (False, False, True),
        (False, False, False),
        (True, False, False),
        (False, True, False),
    ]
    assert roles[0].expert_profile.headline == "Questioning in maths"
    # Who may not sign in, and who is not there, is nobody.
    assert backend.get_user(people[5].pk) is None
    assert backend.get_user(10**9) is None
    assert backend.get_user("not a number") is None


def test_a_change_shows_at_the_next_request():
    """Nothing is kept but the SQL: the next load reads the rows as they are now."""
    school = SchoolFactory(hub=None)
    person = UserFactory(school=school)
    backend = ModelBackend()
    assert backend.get_user(person.pk).school.hub is None
    School.objects.filter(pk=school.pk).update(hub=HubFactory(name="North Hub"))
    User.objects.filter(pk=person.pk).update(first_name="Renamed")
    loaded = backend.get_user(person.pk)
    assert (loaded.first_name, loaded.school.hub.name) == ("Renamed", "North Hub")
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert backend.get_user(person.pk) is None


def test_values_and_shapes_give_what_the_queryset_gives():
    north, south = SchoolFactory(name="North"), SchoolFactory(name="South")
    for school, n in ((north, 3), (south, 1)):
        for _ in range(n):
            UserFactory(school=school)

    def build(shape, school_pk):
        people = User.objects.filter(school_id=school_pk)
        if shape == "named":
            people = people.exclude(first_name="")
        return people.values("school__name").annotate(n=Count("pk")).order_by("school__name")

    counts = Prepared(build, -1, shaped=True)
    for school in (north, south):
        for shape in ("all", "named"):
            assert counts(school.pk, shape=shape) == list(build(shape, school.pk))
    assert counts(-5, shape="all") == []


def test_a_stand_in_the_query_never_uses_is_refused():
    unused = Prepared(lambda pk: User.objects.filter(pk=1), -7)
    with pytest.raises(ValueError, match="not among its parameters"):
        unused(1)


def test_a_shape_that_can_match_nothing_asks_nothing(django_assert_num_queries):
    nothing = Prepared(lambda shape, pk: User.objects.none().filter(pk=pk), -7, shaped=True)
    with django_assert_num_queries(0):
        assert nothing(1, shape="none") == []


def test_dates_and_times_are_put_in_as_the_backend_writes_them():
    """SQLite's backend turns dates and times into text before the driver sees them: a stand-in
    date or time is found and replaced in that form too (else "now" would stay the stand-in)."""
    early, late = UserFactory(), UserFactory()
    now = timezone.now()
    User.objects.filter(pk=early.pk).update(date_joined=now - datetime.timedelta(days=30))
    User.objects.filter(pk=late.pk).update(date_joined=now - datetime.timedelta(days=1))
    stand_in = datetime.datetime(1900, 1, 1, 0, 0, 9, tzinfo=datetime.UTC)
    joined_before = Prepared(
        lambda when: User.objects.filter(date_joined__lt=when).order_by("pk"), stand_in
    )
    joined_since = Prepared(
        lambda day: User.objects.filter(date_joined__date__gte=day).order_by("pk"),
        datetime.date(1900, 1, 9),
    )
    for days in (40, 10, 0):
        when = now - datetime.timedelta(days=days)
        assert joined_before(when) == list(User.objects.filter(date_joined__lt=when).order_by("pk"))
        assert joined_since(when.date()) == list(
            User.objects.filter(date_joined__date__gte=when.date()).order_by("pk")
        )
    assert early in joined_before(now - datetime.timedelta(days=10))
    assert late not in joined_before(now - datetime.timedelta(days=10))
