"""Bounded pages (the same queries with one item and with many) and expert suggestions."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from experts.models import ExpertiseArea
from hubs.models import Phase, User
from portfolios import needs, selectors, suggestions, visibility
from portfolios.models import Entry, Goal, ImpactFollowUp, Need
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import SchoolFactory, UserFactory

from .factories import EntryFactory, GoalFactory, NeedFactory, follow_up_for

pytestmark = pytest.mark.django_db


def add_portfolio(owner, n: int, *, start: int = 0) -> Goal:
    areas = list(ExpertiseArea.objects.order_by("pk")[:3])
    goal = GoalFactory(owner=owner)
    goal.areas.set(areas)
    goal.reviews.create(note="Going well")
    today = timezone.localdate()
    for i in range(start, start + n):
        entry = EntryFactory(owner=owner, date=today - datetime.timedelta(days=i % 30))
        entry.goals.add(goal)
        follow_up_for(entry, days_ago=1)
        NeedFactory(owner=owner, area=areas[i % 3])
    return goal


def test_portfolio_pages_cost_the_same_with_one_entry_and_with_many(
    client, personas, count_queries
):
    client.force_login(personas.owner)
    goal = add_portfolio(personas.owner, 1)
    # One row of every list, then many (an empty page of a list costs no query for its rows).
    first_shared = add_portfolio(personas.other_leader, 1)
    first_shared.shared_with.add(personas.owner)
    Entry.objects.filter(owner=personas.other_leader).first().shared_with.add(personas.owner)
    year = goal.academic_year
    urls = [
        "/",
        "/portfolio/",
        "/portfolio/log/",
        goal.get_absolute_url(),
        f"/portfolio/statement/{year}/",
        "/portfolio/print/",
        "/portfolio/export.json",
        "/portfolio/needs/",
        "/portfolio/shared/",
    ]
    one = {url: count_queries(url) for url in urls}
    add_portfolio(personas.owner, 15, start=1)
    for other in [personas.colleague, personas.outsider]:
        shared_goal = add_portfolio(other, 3)
        shared_goal.shared_with.add(personas.owner)
        Entry.objects.filter(owner=other).first().shared_with.add(personas.owner)
    many = {url: count_queries(url) for url in urls}
    assert many == one
    assert max(many.values()) <= 25


def test_audit_and_roll_up_cost_the_same_with_one_need_and_with_many(
    client, personas, count_queries
):
    NeedFactory(owner=personas.owner)
    client.force_login(personas.leader)
    audit_one = count_queries("/portfolio/needs/audit/")
    client.force_login(personas.coordinator)
    cache.clear()  # the supply counts are cached: count from cold both times
    community_one = count_queries("/coordinator/needs/")

    areas = list(ExpertiseArea.objects.all()[:6])
    for i in range(20):
        school = personas.school if i % 2 else SchoolFactory()
        need = NeedFactory(owner=UserFactory(school=school), area=areas[i % 6])
        if i % 3 == 0:
            Need.objects.filter(pk=need.pk).update(status="passed", decided_by=personas.leader)
    client.force_login(personas.leader)
    assert count_queries("/portfolio/needs/audit/") == audit_one
    client.force_login(personas.coordinator)
    cache.clear()
    assert count_queries("/coordinator/needs/") == community_one


def test_suggestions_put_other_schools_first_then_my_phase(personas, terms_around_today):
    primary = Phase.objects.get(slug="primary")
    secondary = Phase.objects.get(slug="secondary")
    personas.owner.phases.set([primary])

    def expert(user, *, phase, area="questioning"):
        profile = ExpertProfileFactory(user=user)
        profile.phases.set([phase])
        offer(profile, area)
        return profile

    same_school = expert(personas.colleague, phase=primary)
    other_secondary = expert(
        UserFactory(last_name="Adams", school=personas.other_school), phase=secondary
    )
    other_primary = expert(UserFactory(last_name="Zed", school=SchoolFactory()), phase=primary)
    expert(UserFactory(school=SchoolFactory()), phase=primary, area="send")  # another area
    stale = expert(UserFactory(school=SchoolFactory()), phase=primary)
    stale.last_confirmed_at = timezone.now() - datetime.timedelta(days=400)
    stale.save()
    expert(personas.owner, phase=primary)  # never myself

    area = ExpertiseArea.objects.get(slug="questioning")
    found = suggestions.suggest_experts(personas.owner, [area])
    assert found == [other_primary, other_secondary, same_school]
    assert [o.area.slug for o in found[0].matching_offers] == ["questioning"]
    assert suggestions.suggest_experts(personas.owner, []) == []


def test_the_goal_page_suggests_experts(client, personas, terms_around_today):
    goal = GoalFactory(owner=personas.owner)
    goal.areas.set([ExpertiseArea.objects.get(slug="questioning")])
    profile = ExpertProfileFactory(
        user=UserFactory(first_name="Grace", last_name="Adeyemi", school=personas.other_school)
    )
    offer(profile, "questioning")
    client.force_login(personas.owner)
    page = client.get(goal.get_absolute_url()).content.decode()
    assert "Grace Adeyemi" in page
    need = NeedFactory(owner=personas.owner)
    assert "Grace Adeyemi" in client.get(need.get_absolute_url()).content.decode()


def test_seed_demo_gives_the_demo_teacher_a_portfolio_and_stays_idempotent(client):
    def counts():
        return (
            Goal.objects.count(),
            Entry.objects.count(),
            Need.objects.count(),
            ImpactFollowUp.objects.count(),
        )

    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first

    teacher = User.objects.get(email="teacher@demo.test")
    assert Goal.objects.filter(owner=teacher, status="active").count() >= 2
    assert Entry.objects.filter(owner=teacher).count() >= 5
    assert selectors.due_follow_ups(user=teacher).exists()
    assert ImpactFollowUp.objects.filter(entry__owner=teacher, answered_at__isnull=False).exists()
    assert Need.objects.filter(owner=teacher).exists()
    assert Need.objects.filter(status="passed").exists()
    leader = User.objects.get(email="leader@demo.test")
    assert needs.needs_audit(leader.led_school_ids).totals.total >= 3
    # The demo teacher shared a goal with their CPD leader.
    assert visibility.goals_visible_to(leader).filter(owner=teacher).exists()


def test_my_needs_and_what_is_shared_with_me_come_a_page_at_a_time(client, personas):
    areas = list(ExpertiseArea.objects.order_by("pk")[:3])
    for i in range(55):
        NeedFactory(owner=personas.owner, area=areas[i % 3])
    goals = [GoalFactory(owner=personas.colleague) for _ in range(51)]
    for goal in goals:
        goal.shared_with.add(personas.owner)
    client.force_login(personas.owner)
    needs_page = client.get("/portfolio/needs/").content.decode()
    assert "Page 1 of 2 (55 needs)" in needs_page
    assert "Page 2 of 2 (55 needs)" in client.get("/portfolio/needs/?page=2").content.decode()
    shared = client.get("/portfolio/shared/?entries_page=3").content.decode()
    assert "Page 1 of 2 (51 goals)" in shared
    assert 'href="?entries_page=3&amp;goals_page=2"' in shared
    assert client.get("/portfolio/shared/?goals_page=x").status_code == 200
