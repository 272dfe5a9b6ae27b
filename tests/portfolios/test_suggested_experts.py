"""
Who the goal and need pages suggest, pinned on a community with several areas, schools and
phases: other schools first, then my phase, then by name; only live profiles; never me.
The pages show the same people, in the same order, at the same query cost with one expert
or with many.
"""

import datetime

import pytest
from django.utils import timezone

from experts.models import ExpertiseArea
from hubs.models import Phase
from portfolios import suggestions
from tests.cpd_sessions.factories import SessionFactory
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import SchoolFactory, UserFactory

from .factories import GoalFactory, NeedFactory

pytestmark = pytest.mark.django_db

QUESTIONING, SEND = "questioning", "send"


@pytest.fixture
def community(personas, terms_around_today):
    """Experts in two areas across four schools and two phases, and some who are not live."""
    primary = Phase.objects.get(slug="primary")
    secondary = Phase.objects.get(slug="secondary")
    personas.owner.phases.set([primary])
    x, y, z = SchoolFactory(), SchoolFactory(), SchoolFactory()

    def expert(user, phases, *areas):
        profile = ExpertProfileFactory(user=user)
        profile.phases.set(phases)
        for slug in areas:
            offer(profile, slug)
        return profile

    def person(first, last, school, **kwargs):
        return UserFactory(first_name=first, last_name=last, school=school, **kwargs)

    # My own school.
    expert(personas.colleague, [primary], QUESTIONING)  # Amelia Hughes
    expert(person("Nia", "Ali", personas.school), [secondary], QUESTIONING, SEND)
    # Other schools.
    expert(person("Bea", "Adams", personas.other_school), [secondary], QUESTIONING)
    expert(person("Cal", "Zed", x), [primary], QUESTIONING)
    expert(person("Dan", "Baker", x), [primary], SEND)
    expert(person("Eve", "Carter", y), [primary, secondary], QUESTIONING, SEND)
    expert(person("Fay", "Evans", y), [secondary], SEND)
    expert(person("Gil", "Fox", z), [], QUESTIONING)
    expert(person("Hal", "Green", z), [primary], QUESTIONING)
    expert(person("Ivy", "Acre", z), [primary], "oracy")  # another area
    # Not live: not confirmed since last term, hidden, left the community.
    stale = expert(person("Stan", "Aaron", x), [primary], QUESTIONING, SEND)
    stale.last_confirmed_at = timezone.now() - datetime.timedelta(days=400)
    stale.save()
    hidden = expert(person("Hana", "Abbot", y), [primary], QUESTIONING)
    hidden.is_hidden = True
    hidden.save()
    gone = person("Gus", "Able", z)
    expert(gone, [primary], QUESTIONING, SEND)
    gone.is_active = False
    gone.save()
    # Me.
    expert(personas.owner, [primary], QUESTIONING, SEND)
    return personas


def suggested(user, slugs, limit=suggestions.SUGGESTIONS):
    areas = list(ExpertiseArea.objects.filter(slug__in=slugs))
    return [
        (
            profile.user.get_full_name(),
            sorted(o.area.slug for o in profile.matching_offers),
        )
        for profile in suggestions.suggest_experts(user, areas, limit=limit)
    ]


def names(found):
    return [name for name, _areas in found]


def test_other_schools_in_my_phase_come_first_then_other_schools_then_mine(community):
    assert names(suggested(community.owner, [QUESTIONING])) == [
        "Eve Carter",
        "Hal Green",
        "Cal Zed",
        "Bea Adams",
        "Gil Fox",
    ]
    assert names(suggested(community.owner, [QUESTIONING], limit=20)) == [
        "Eve Carter",
        "Hal Green",
        "Cal Zed",
        "Bea Adams",
        "Gil Fox",
        "Amelia Hughes",
        "Nia Ali",
    ]


def test_a_goal_in_two_areas_suggests_each_person_once_with_their_offers_in_both(community):
    assert suggested(community.owner, [QUESTIONING, SEND], limit=20) == [
        ("Dan Baker", [SEND]),
        ("Eve Carter", [QUESTIONING, SEND]),
        ("Hal Green", [QUESTIONING]),
        ("Cal Zed", [QUESTIONING]),
        ("Bea Adams", [QUESTIONING]),
        ("Fay Evans", [SEND]),
        ("Gil Fox", [QUESTIONING]),
        ("Amelia Hughes", [QUESTIONING]),
        ("Nia Ali", [QUESTIONING, SEND]),
    ]
    assert names(suggested(community.owner, [QUESTIONING, SEND])) == [
        "Dan Baker",
        "Eve Carter",
        "Hal Green",
        "Cal Zed",
        "Bea Adams",
    ]


def test_without_a_phase_other_schools_come_first_by_name(community):
    # The CPD leader of my school has no phase and no profile.
    assert names(suggested(community.leader, [QUESTIONING], limit=20)) == [
        "Bea Adams",
        "Eve Carter",
        "Gil Fox",
        "Hal Green",
        "Cal Zed",
        "Nia Ali",
        "Amelia Hughes",
        "Sam Whitfield",
    ]
    # From the other school, mine is another school; its own expert comes last.
    assert names(suggested(community.outsider, [QUESTIONING], limit=20)) == [
        "Nia Ali",
        "Eve Carter",
        "Gil Fox",
        "Hal Green",
        "Amelia Hughes",
        "Sam Whitfield",
        "Cal Zed",
        "Bea Adams",
    ]


def test_someone_without_a_school_sees_everyone_with_one_first(community):
    community.coordinator.school = None
    community.coordinator.save()
    no_school = ExpertProfileFactory(user=UserFactory(first_name="Al", last_name="Aardvark"))
    no_school.user.school = None
    no_school.user.save()
    offer(no_school, QUESTIONING)
    found = names(suggested(community.coordinator, [QUESTIONING], limit=20))
    assert found[0] == "Bea Adams"
    assert found[-1] == "Al Aardvark"
    assert len(found) == 9


def test_no_areas_no_suggestions(community):
    assert suggestions.suggest_experts(community.owner, []) == []
    assert suggested(community.owner, ["oracy"]) == [("Ivy Acre", ["oracy"])]


def test_the_goal_and_need_pages_show_the_suggestions_at_the_same_cost_with_one_or_many(
    client, personas, terms_around_today, count_queries
):
    goal = GoalFactory(owner=personas.owner)
    goal.areas.set(ExpertiseArea.objects.filter(slug__in=[QUESTIONING, SEND]))
    need = NeedFactory(owner=personas.owner, area=ExpertiseArea.objects.get(slug=QUESTIONING))
    first = ExpertProfileFactory(
        user=UserFactory(first_name="Grace", last_name="Adeyemi", school=personas.other_school)
    )
    offer(first, QUESTIONING)
    SessionFactory(title="Questioning workshop").areas.add(need.area)
    client.force_login(personas.owner)
    urls = [goal.get_absolute_url(), need.get_absolute_url()]
    one = {url: count_queries(url) for url in urls}
    assert "Grace Adeyemi" in client.get(urls[0]).content.decode()

    for i in range(12):
        school = personas.school if i % 3 == 0 else SchoolFactory()
        profile = ExpertProfileFactory(user=UserFactory(last_name=f"Zz{i:02}", school=school))
        offer(profile, QUESTIONING if i % 2 else SEND)
        SessionFactory(title=f"Workshop {i}").areas.add(need.area)
    many = {url: count_queries(url) for url in urls}
    assert many == one
    assert many[urls[0]] <= 10
    assert many[urls[1]] <= 10  # with the coordinator's replies and introductions about it
    page = client.get(urls[0]).content.decode()
    assert page.index("Grace Adeyemi") < page.index("Zz01")
    assert "Zz00" not in page  # my own school's, after the five from other schools
